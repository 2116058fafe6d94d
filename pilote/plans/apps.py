from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "pilote.plans"
    verbose_name = "Plans d'actions"

    def ready(self) -> None:
        from .levels import connect_signals

        connect_signals()

        from pilote.conventions.versioning import register_all

        from .models import BudgetLine, Indicator, IndicatorTarget, PlanLevel, PlanNode, Thematic

        register_all(
            [
                (PlanLevel, "convention"),
                (Thematic, "convention"),
                (PlanNode, "convention"),
                (BudgetLine, "node__convention"),
                (Indicator, "convention"),
                (IndicatorTarget, "indicator__convention"),
            ]
        )
