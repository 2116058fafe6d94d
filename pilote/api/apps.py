from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "pilote.api"
    label = "api"
    verbose_name = "API REST"

    def ready(self) -> None:
        from . import schema  # noqa: F401  (registers the schema's authentication schemes)
