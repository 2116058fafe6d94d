"""Route of a bilan's documents, under /ctg/<slug>/ in the governance namespace (config/urls.py).

The bilan's pages are governance's (pilote.governance.bilans.urls); its documents are written
here, above governance, and keep their name "governance:review_download".
"""

from django.urls import path

from . import views

urlpatterns = [
    path("bilans/<int:pk>/bilan.<str:fmt>", views.review_download, name="review_download"),
]
