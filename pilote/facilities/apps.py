from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "pilote.facilities"
    verbose_name = "Équipements, petite enfance et couverture"

    def ready(self) -> None:
        from .territory import connect_signals

        connect_signals()

        from pilote.conventions.versioning import register_all

        from . import models

        register_all(
            [
                (models.Facility, "convention"),
                (models.FacilityBonus, "facility__convention"),
                (models.TerritoryFigure, "convention"),
                (models.EarlyChildhoodSettings, "convention"),
                (models.CompetenceTransfer, "convention"),
                (models.Schema, "convention"),
                (models.SchemaLine, "schema__convention"),
                (models.SchemaLineYear, "line__schema__convention"),
                (models.SchemaChecklistItem, "schema__convention"),
            ]
        )
