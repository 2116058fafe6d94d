"""Routes of the exports: mounted at the root, as they live under a CTG and across CTGs."""

from django.urls import path

from pilote.core.table_writers import FORMATS

from . import views

app_name = "reports"

urlpatterns = [
    path("ctg/<slug:slug>/exports/", views.exports_page, name="exports"),
    # plan.xlsx, plan.ods, plan.csv, suivi.xlsx… named "plan_xlsx", "suivi_csv"…
    *(
        path(
            f"ctg/<slug:slug>/exports/{table}.{extension}",
            views.table_export,
            {"table": table, "extension": extension},
            name=f"{table}_{extension}",
        )
        for table in views.TABLES
        for extension in FORMATS
    ),
    path("ctg/<slug:slug>/exports/plan.docx", views.plan_docx, name="plan_docx"),
    path(
        "ctg/<slug:slug>/exports/donnees-ouvertes.csv",
        views.opendata_convention,
        name="opendata",
    ),
    path("exports/donnees-ouvertes.csv", views.opendata_all, name="opendata_all"),
]
