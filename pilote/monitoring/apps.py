from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "pilote.monitoring"
    verbose_name = "Suivi du plan"

    def ready(self) -> None:
        from pilote.conventions.versioning import register_all

        from .models import ActionUpdate, Measurement, ReminderLog, UpdateAttachment
        from .partners.models import PartnerLink, PartnerSubmission

        register_all(
            [
                (ActionUpdate, "convention"),
                (UpdateAttachment, "update__convention"),
                (Measurement, "indicator__convention"),
                (ReminderLog, "convention"),
                (PartnerLink, "convention"),
                (PartnerSubmission, "convention"),
            ]
        )
