from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "pilote.backup"
    verbose_name = "Sauvegarde de l'instance"
