from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "pilote.people"
    verbose_name = "Membres et comptes"
