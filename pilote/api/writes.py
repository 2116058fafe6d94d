"""The write endpoints: the same services as the forms, with the same checks and history.

- POST /follow-up-points/: monitoring.services.record_update (who: monitoring.perms);
- POST /measurements/: monitoring.indicators.record_measurement (who: can_measure);
- PATCH /plan-nodes/{id}/: validated by the fiche's own form (plans.forms.NodeForm), written
  by plans.services.update_node, refused with 412 when the element changed since it was read
  (If-Match, or the `version` field) and with 428 when no version is sent.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from pilote.accounts.perms import can_edit_convention
from pilote.monitoring.indicators import IndicatorError, record_measurement
from pilote.monitoring.perms import can_measure, can_update_action
from pilote.monitoring.services import FollowUpError, record_update
from pilote.plans.forms import SOME, WHOLE, NodeForm
from pilote.plans.models import PlanNode, Thematic
from pilote.plans.services import PlanError, update_node

from . import scoping, serializers
from .conditional import etag_of
from .errors import PreconditionFailed, PreconditionRequired, Refused
from .inputs import FollowUpPointInput, MeasurementInput, PlanNodePatch
from .views import FollowUpPointReadViewSet, MeasurementReadViewSet, PlanNodeReadViewSet

UNKNOWN = "Introuvable, ou vous n'y avez pas accès."


def _field_error(name: str, message: str) -> exceptions.ValidationError:
    return exceptions.ValidationError({name: [message]})


def _refused(message: str, field: str | None = None) -> exceptions.APIException:
    if field:
        return _field_error(field, message)
    return Refused(message)


class FollowUpPointViewSet(FollowUpPointReadViewSet):
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(
        summary="Enregistrer un point de suivi sur une action",
        request=FollowUpPointInput,
        responses={201: serializers.FollowUpPointSerializer},
    )
    def create(self, request, *args, **kwargs):
        given = FollowUpPointInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        node = (
            scoping.plan_nodes(request.user)
            .select_related("level", "convention")
            .prefetch_related("pilots")
            .filter(pk=data["node"])
            .first()
        )
        if node is None:
            raise _field_error("node", UNKNOWN)
        if not can_update_action(request.user, node):
            raise PermissionDenied("Vous ne pouvez pas mettre à jour cette action.")
        try:
            update = record_update(
                node,
                by=request.user,
                year=data["year"],
                quarter=data["quarter"],
                status=data["status"],
                progress=data["progress"],
                done=data["done"],
                difficulties=data["difficulties"],
                next_steps=data["next_steps"],
            )
        except FollowUpError as error:
            raise Refused(str(error)) from error
        update = self.get_queryset().get(pk=update.pk)
        return Response(self.get_serializer(update).data, status=status.HTTP_201_CREATED)


class MeasurementViewSet(MeasurementReadViewSet):
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(
        summary="Enregistrer une mesure d'un indicateur",
        request=MeasurementInput,
        responses={201: serializers.MeasurementSerializer},
    )
    def create(self, request, *args, **kwargs):
        given = MeasurementInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        indicator = (
            scoping.indicators(request.user)
            .select_related("convention", "node__level")
            .prefetch_related("node__pilots")
            .filter(pk=data["indicator"])
            .first()
        )
        if indicator is None:
            raise _field_error("indicator", UNKNOWN)
        if not can_measure(request.user, indicator, indicator.convention):
            raise PermissionDenied(
                "Vous ne pouvez enregistrer des mesures que pour les actions que votre "
                "organisation pilote."
            )
        try:
            measurement = record_measurement(
                indicator,
                by=request.user,
                year=data["year"],
                quarter=data.get("quarter"),
                value=data["value"],
                comment=data["comment"],
                source=data["source"],
            )
        except IndicatorError as error:
            raise _refused(error.message, error.field) from error
        measurement = self.get_queryset().get(pk=measurement.pk)
        return Response(self.get_serializer(measurement).data, status=status.HTTP_201_CREATED)


VERSION_PARAMETER = OpenApiParameter(
    "If-Match",
    location=OpenApiParameter.HEADER,
    required=False,
    description="La version lue : l'ETag de l'élément, ou son champ « version ».",
)


class PlanNodeViewSet(PlanNodeReadViewSet):
    http_method_names = ["get", "patch", "head", "options"]

    @extend_schema(
        summary="Modifier un élément du plan (ses champs, pas sa place)",
        request=PlanNodePatch,
        responses={200: serializers.PlanNodeSerializer},
        parameters=[VERSION_PARAMETER],
    )
    def partial_update(self, request, *args, **kwargs):
        node = self.get_object()
        if not can_edit_convention(request.user, node.convention):
            raise PermissionDenied("Vous ne pouvez pas modifier cette CTG.")
        given = PlanNodePatch(data=request.data)
        given.is_valid(raise_exception=True)
        read_version = _read_version(request, given.validated_data)
        form = NodeForm(_form_data(node, given.validated_data), convention=node.convention)
        if not form.is_valid():
            raise exceptions.ValidationError(
                {_api_name(name): list(errors) for name, errors in form.errors.items()}
            )
        with transaction.atomic():
            list(PlanNode.objects.select_for_update().filter(pk=node.pk).values_list("pk"))
            current = self.get_queryset().get(pk=node.pk)
            data = self.get_serializer(current).data
            etag = etag_of(JSONRenderer().render(data)).strip('"')
            if read_version not in (data["version"], etag):
                raise PreconditionFailed()
            try:
                update_node(current, by=request.user, data=form.to_data())
            except PlanError as error:
                raise Refused(str(error)) from error
        return Response(self.get_serializer(self.get_queryset().get(pk=node.pk)).data)


def _read_version(request, data: dict) -> str:
    """Return the version the client read (If-Match first), or refuse with 428."""
    header = request.headers.get("If-Match", "").strip().removeprefix("W/").strip('"')
    if header and header != "*":
        return header
    if data.get("version"):
        return data["version"].strip().strip('"')
    raise PreconditionRequired()


FORM_NAMES = {"territory": "whole_territory", "new_thematic": "thematics"}


def _api_name(form_name: str) -> str:
    if form_name == "__all__":
        return "non_field_errors"
    return FORM_NAMES.get(form_name, form_name)


def _form_data(node: PlanNode, given: dict) -> dict:
    """Return the fiche form's data: the element's stored values, with the given ones over them."""
    data = NodeForm.initial_from(node)
    for name in ("level", "start_quarter", "end_quarter", "start_year", "end_year"):
        if name in given:
            data[name] = given[name]
    for name in (
        "number",
        "title",
        "objective",
        "description",
        "expected_result",
        "target_public",
        "priority",
        "origin",
    ):
        if name in given:
            data[name] = given[name]
    if "whole_territory" in given:
        data["territory"] = WHOLE if given["whole_territory"] else SOME
    if "communes" in given:
        data["communes"] = list(given["communes"])
    for name in ("pilots", "partners"):
        if name in given:
            data[name] = "\n".join(given[name])
    if "thematics" in given:
        data["thematics"] = _thematic_ids(node, given["thematics"])
    data = {key: "" if value is None else value for key, value in data.items()}
    data["new_thematic"] = ""
    return data


def _thematic_ids(node: PlanNode, codes: list[str]) -> list[int]:
    found = dict(
        Thematic.objects.for_convention(node.convention)
        .filter(code__in=codes)
        .values_list("code", "pk")
    )
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise _field_error(
            "thematics", f"Thématique inconnue pour cette CTG : « {unknown[0][:60]} »."
        )
    return [found[code] for code in codes]
