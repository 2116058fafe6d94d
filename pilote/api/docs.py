"""The OpenAPI 3 schema (/api/v1/schema/) and its documentation page (/api/v1/docs/).

Both are open without a login: they describe the API, not any CTG's data. The page is Swagger
UI served from this site (drf-spectacular-sidecar: no CDN, works offline) in its « split »
form, whose start-up script is a separate file: the site's Content-Security-Policy (scripts
from this site only, no inline script, no <style> element) needs no exception.
"""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .base import ApiViewMixin


class SchemaView(ApiViewMixin, SpectacularAPIView):
    """The schema, in YAML (default) or JSON (?format=json)."""


class DocsView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    title = "API de Pilote CTG"

    @classmethod
    def as_view(cls, *args, **kwargs):
        view = super().as_view(*args, **kwargs)
        view.login_required = False
        return view
