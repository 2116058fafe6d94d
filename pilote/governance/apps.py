from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "pilote.governance"
    verbose_name = "Gouvernance et bilans"

    def ready(self) -> None:
        from pilote.conventions.versioning import register_all

        from . import models

        register_all(
            [
                (models.Body, "convention"),
                (models.BodyMember, "body__convention"),
                (models.Meeting, "convention"),
                (models.Attendance, "meeting__convention"),
                (models.Decision, "meeting__convention"),
                (models.Review, "convention"),
                (models.PlanVersion, "convention"),
            ]
        )
