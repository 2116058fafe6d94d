from django.apps import AppConfig


class ConventionsConfig(AppConfig):
    name = "pilote.conventions"
    verbose_name = "Conventions territoriales globales"
