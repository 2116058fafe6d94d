"""What the API reads: one serializer per resource, field names as in the code (English).

Values are the stored codes (a status "en_cours", a commune's INSEE code); the French labels
sit beside them where a dashboard needs them (`status_label`). Nothing here reads the database:
the views select and prefetch everything a page of results needs, in a fixed number of queries.
"""

import hashlib
import json

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from pilote.accounts.perms import can_see_internal_notes
from pilote.conventions.models import Convention
from pilote.facilities.models import Facility, TerritoryFigure
from pilote.governance.models import Decision, Meeting
from pilote.monitoring.enums import UpdateStatus
from pilote.monitoring.models import ActionUpdate, Measurement
from pilote.plans.models import Indicator, IndicatorTarget, PlanNode

STATUS_LABELS = dict(UpdateStatus.choices)


def _slug():
    return serializers.SlugRelatedField(slug_field="slug", read_only=True)


def _names(source: str, help_text: str):
    return serializers.ListField(
        child=serializers.CharField(), source=source, read_only=True, help_text=help_text
    )


def person_name(user, fallback: str = "") -> str:
    """Return how the pages name an author: full name, else account name, else the fallback."""
    if user is None:
        return fallback
    return user.get_full_name() or user.username


class ConventionSerializer(serializers.ModelSerializer):
    departement = serializers.CharField(source="departement_id", read_only=True)
    epci = serializers.CharField(source="epci_id", read_only=True, allow_null=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    internal_notes = serializers.SerializerMethodField()

    class Meta:
        model = Convention
        fields = [
            "slug",
            "name",
            "departement",
            "epci",
            "status",
            "status_label",
            "start_date",
            "end_date",
            "description",
            "next_copil_date",
            "is_public",
            "internal_notes",
            "updated_at",
        ]

    @extend_schema_field({"type": "string", "nullable": True})
    def get_internal_notes(self, convention) -> str | None:
        """Return the internal notes for the Caf and the coordination, null for the others."""
        user = self.context["request"].user
        return convention.internal_notes if can_see_internal_notes(user, convention) else None


# Fields of a plan element a PATCH may change (and whose values make its `version`).
NODE_EDITABLE = [
    "level",
    "number",
    "title",
    "objective",
    "description",
    "expected_result",
    "target_public",
    "whole_territory",
    "communes",
    "pilots",
    "partners",
    "thematics",
    "priority",
    "origin",
    "start_year",
    "start_quarter",
    "end_year",
    "end_quarter",
]


def node_version(data: dict) -> str:
    """Return the version of a plan element: a hash of the fields a PATCH may change."""
    values = [[name, data.get(name)] for name in NODE_EDITABLE]
    encoded = json.dumps(values, ensure_ascii=False, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()[:20]


class LatestUpdateSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    status = serializers.ChoiceField(choices=UpdateStatus.choices)
    status_label = serializers.CharField()
    progress = serializers.IntegerField()


class PlanNodeSerializer(serializers.ModelSerializer):
    convention = _slug()
    level_name = serializers.CharField(source="level.name", read_only=True)
    tracked = serializers.BooleanField(source="level.tracked", read_only=True)
    # Read by the view for the whole page at once (pilote.api.relations).
    communes = _names("api_communes", "Codes INSEE des communes concernées.")
    pilots = _names("api_pilots", "Noms des organisations pilotes.")
    partners = _names("api_partners", "Noms des partenaires associés.")
    thematics = _names("api_thematics", "Codes des thématiques.")
    latest_update = serializers.SerializerMethodField()
    version = serializers.SerializerMethodField()

    class Meta:
        model = PlanNode
        fields = [
            "id",
            "convention",
            "parent",
            "position",
            "level",
            "level_name",
            "tracked",
            *NODE_EDITABLE[1:],
            "latest_update",
            "updated_at",
            "version",
        ]

    @extend_schema_field(LatestUpdateSerializer(allow_null=True))
    def get_latest_update(self, node) -> dict | None:
        """Return where the element stands by its latest follow-up point (None: no point yet)."""
        status = getattr(node, "latest_status", None)
        if status is None:
            return None
        return {
            "year": node.latest_year,
            "quarter": node.latest_quarter,
            "status": status,
            "status_label": STATUS_LABELS.get(status, status),
            "progress": node.latest_progress,
        }

    @extend_schema_field(OpenApiTypes.STR)
    def get_version(self, node) -> str:
        return ""  # filled in to_representation, from the other fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["version"] = node_version(data)
        return data


class FollowUpPointSerializer(serializers.ModelSerializer):
    convention = _slug()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    author = serializers.SerializerMethodField()

    class Meta:
        model = ActionUpdate
        fields = [
            "id",
            "convention",
            "node",
            "year",
            "quarter",
            "status",
            "status_label",
            "progress",
            "done",
            "difficulties",
            "next_steps",
            "author",
            "submitted_by_name",
            "created_at",
        ]

    def get_author(self, update) -> str:
        return person_name(update.author, update.author_name)


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorTarget
        fields = ["year", "value"]


class IndicatorSerializer(serializers.ModelSerializer):
    convention = _slug()
    targets = TargetSerializer(many=True, read_only=True, source="api_targets")

    class Meta:
        model = Indicator
        fields = [
            "id",
            "convention",
            "node",
            "name",
            "unit",
            "baseline_value",
            "baseline_year",
            "source",
            "frequency",
            "targets",
        ]


class MeasurementSerializer(serializers.ModelSerializer):
    convention = serializers.SlugRelatedField(
        source="indicator.convention", slug_field="slug", read_only=True
    )
    author = serializers.SerializerMethodField()

    class Meta:
        model = Measurement
        fields = [
            "id",
            "convention",
            "indicator",
            "year",
            "quarter",
            "value",
            "comment",
            "source",
            "author",
            "submitted_by_name",
            "created_at",
        ]

    def get_author(self, measurement) -> str:
        return person_name(measurement.author, measurement.author_name)


class FacilitySerializer(serializers.ModelSerializer):
    convention = _slug()
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    commune = serializers.CharField(source="commune_id", read_only=True, allow_null=True)
    actions = serializers.ListField(
        child=serializers.IntegerField(),
        source="api_actions",
        read_only=True,
        help_text="Ids des actions concernées.",
    )

    class Meta:
        model = Facility
        fields = [
            "id",
            "convention",
            "manager",
            "name",
            "kind",
            "kind_label",
            "subkind",
            "commune",
            "capacity",
            "capacity_unit",
            "age_min",
            "age_max",
            "funding",
            "status",
            "opening_year",
            "actions",
            "notes",
            "updated_at",
        ]


class TerritoryFigureSerializer(serializers.ModelSerializer):
    convention = _slug()
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = TerritoryFigure
        fields = [
            "id",
            "convention",
            "area_kind",
            "area_code",
            "area_name",
            "kind",
            "kind_label",
            "label",
            "year",
            "value",
            "source",
        ]


class DecisionSerializer(serializers.ModelSerializer):
    convention = serializers.SlugRelatedField(
        source="meeting.convention", slug_field="slug", read_only=True
    )

    class Meta:
        model = Decision
        fields = [
            "id",
            "convention",
            "meeting",
            "node",
            "kind",
            "text",
            "postponed_to",
            "postponed_quarter",
        ]


class MeetingDecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = ["id", "node", "kind", "text", "postponed_to", "postponed_quarter"]


class MeetingSerializer(serializers.ModelSerializer):
    convention = _slug()
    body = serializers.CharField(source="body.name", read_only=True)
    body_kind = serializers.CharField(source="body.kind", read_only=True)
    decisions = MeetingDecisionSerializer(many=True, read_only=True, source="api_decisions")

    class Meta:
        model = Meeting
        fields = [
            "id",
            "convention",
            "body",
            "body_kind",
            "kind",
            "date",
            "title",
            "location",
            "agenda",
            "minutes",
            "decisions",
        ]
