"""What the write endpoints accept (request bodies), before the services check the rest."""

from rest_framework import serializers

from pilote.monitoring.enums import UpdateStatus
from pilote.plans.enums import Origin, Priority

from .filters import ID_MAX

TEXT_MAX = 20_000  # a follow-up text or a fiche's field: far more than any real one


def _id(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=ID_MAX, **kwargs)


def _year(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=32767, **kwargs)


def _text(**kwargs):
    kwargs.setdefault("required", False)
    kwargs.setdefault("allow_blank", True)
    return serializers.CharField(max_length=TEXT_MAX, trim_whitespace=False, **kwargs)


class FollowUpPointInput(serializers.Serializer):
    node = _id(help_text="L'action (id d'un élément du plan d'un niveau suivi).")
    year = _year()
    quarter = serializers.IntegerField(min_value=1, max_value=4)
    status = serializers.ChoiceField(choices=UpdateStatus.choices)
    progress = serializers.IntegerField(min_value=0, max_value=100, help_text="En %.")
    done = _text(default="")
    difficulties = _text(default="")
    next_steps = _text(default="")


class MeasurementInput(serializers.Serializer):
    indicator = _id()
    year = _year()
    quarter = serializers.IntegerField(min_value=1, max_value=4, required=False, allow_null=True)
    value = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)
    comment = _text(default="")
    source = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class PlanNodePatch(serializers.Serializer):
    """The fields of a plan element a PATCH may change; those left out keep their value."""

    version = serializers.CharField(
        max_length=100,
        required=False,
        help_text="La version lue (champ « version » de l'élément), si pas d'en-tête If-Match.",
    )
    level = _id(required=False)
    number = serializers.CharField(max_length=30, required=False, allow_blank=True)
    title = serializers.CharField(max_length=TEXT_MAX, required=False)
    objective = _text()
    description = _text()
    expected_result = _text()
    target_public = _text()
    whole_territory = serializers.BooleanField(required=False)
    communes = serializers.ListField(
        child=serializers.CharField(max_length=5),
        required=False,
        max_length=2000,
        help_text="Codes INSEE des communes concernées (si whole_territory est faux).",
    )
    pilots = serializers.ListField(
        child=serializers.CharField(max_length=255), required=False, max_length=200
    )
    partners = serializers.ListField(
        child=serializers.CharField(max_length=255), required=False, max_length=200
    )
    thematics = serializers.ListField(
        child=serializers.CharField(max_length=60),
        required=False,
        max_length=100,
        help_text="Codes des thématiques (nationales ou propres à la CTG).",
    )
    priority = serializers.ChoiceField(choices=[("", ""), *Priority.choices], required=False)
    origin = serializers.ChoiceField(choices=[("", ""), *Origin.choices], required=False)
    start_year = _year(required=False, allow_null=True)
    start_quarter = serializers.IntegerField(
        min_value=1, max_value=4, required=False, allow_null=True
    )
    end_year = _year(required=False, allow_null=True)
    end_quarter = serializers.IntegerField(
        min_value=1, max_value=4, required=False, allow_null=True
    )
