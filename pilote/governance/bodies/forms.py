"""Forms of the governance pages: bodies and members, meetings, attendance, minutes, decisions.

They check the input's shape; the rules of the domain are checked by bodies.services.
"""

from __future__ import annotations

from collections import defaultdict

from django import forms
from django.forms import modelformset_factory

from pilote.conventions.forms import DateInput, PiloteFormSet
from pilote.core.forms import PiloteForm
from pilote.plans.models import PlanNode

from ..enums import AttendanceStatus, BodyKind, DecisionKind, MeetingKind
from ..models import Body, BodyMember, Meeting
from .services import BodyData, DecisionData, MeetingData, MemberData

NODE_LABEL_LENGTH = 90


class BodyForm(PiloteForm):
    kind = forms.ChoiceField(label="Type d'instance", choices=BodyKind.choices)
    name = forms.CharField(
        label="Nom",
        max_length=255,
        help_text="Par exemple : « COPIL CTG », « Commission petite enfance ».",
    )
    mission = forms.CharField(
        label="Rôle et composition",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Ce que dit la convention de cette instance (article 6, annexe 4) : son rôle, "
        "qui la compose, qui la préside, à quel rythme elle se réunit.",
    )

    @classmethod
    def initial_from(cls, body: Body) -> dict:
        return {"kind": body.kind, "name": body.name, "mission": body.mission}

    def to_data(self) -> BodyData:
        data = self.cleaned_data
        return BodyData(kind=data["kind"], name=data["name"], mission=data["mission"])


class MemberForm(PiloteForm, forms.ModelForm):
    class Meta:
        model = BodyMember
        fields = ["organisation", "person", "role", "email", "voting"]
        labels = {"person": "Personne", "email": "Courriel", "voting": "Voix délibérative"}
        # The members page explains the columns once, above the table.
        help_texts = {"voting": ""}

    def text_fields(self) -> list[forms.BoundField]:
        """Return the fields shown as text inputs, in the columns' order."""
        return [self[name] for name in ("organisation", "person", "role", "email")]

    def to_data(self) -> MemberData:
        data = self.cleaned_data
        return MemberData(
            pk=self.instance.pk,
            organisation=data["organisation"],
            person=data["person"],
            role=data["role"],
            email=data["email"],
            voting=data["voting"],
        )


MemberFormSet = modelformset_factory(
    BodyMember,
    form=MemberForm,
    formset=PiloteFormSet,
    extra=3,
    can_order=True,
    can_delete=True,
)


class MeetingForm(PiloteForm):
    body = forms.ModelChoiceField(
        label="Instance",
        queryset=Body.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Choisissez une instance de cette CTG."},
    )
    kind = forms.ChoiceField(label="Type de réunion", choices=MeetingKind.choices)
    date = forms.DateField(
        label="Date",
        widget=DateInput(),
        error_messages={"invalid": "Indiquez une date valide, par exemple 12/06/2026."},
    )
    title = forms.CharField(
        label="Intitulé",
        required=False,
        max_length=255,
        help_text="Facultatif. Par exemple : « Point d'étape 2026 et validation du calendrier ».",
    )
    location = forms.CharField(
        label="Lieu",
        required=False,
        max_length=255,
        help_text="Par exemple : « Hôtel d'agglomération, Digne-les-Bains » ou "
        "« Visioconférence ».",
    )
    agenda = forms.CharField(
        label="Ordre du jour",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Un point par ligne.",
    )

    def __init__(self, *args, convention, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Body.objects.filter(convention=convention)

    @classmethod
    def initial_from(cls, meeting: Meeting) -> dict:
        return {
            "body": meeting.body_id,
            "kind": meeting.kind,
            "date": meeting.date,
            "title": meeting.title,
            "location": meeting.location,
            "agenda": meeting.agenda,
        }

    def to_data(self) -> MeetingData:
        data = self.cleaned_data
        return MeetingData(
            body=data["body"],
            kind=data["kind"],
            date=data["date"],
            title=data["title"],
            location=data["location"],
            agenda=data["agenda"],
        )


class AttendanceForm(PiloteForm):
    """One choice per member of the body (present, represented, excused, absent, not said)."""

    other_attendees = forms.CharField(
        label="Autres participant·es",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Invité·es qui ne sont pas membres : une personne par ligne, avec son "
        "organisation.",
    )

    def __init__(self, *args, members: list[BodyMember], statuses: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        choices = [*AttendanceStatus.choices, ("", "Non renseigné")]
        for member in members:
            self.fields[self.field_name(member)] = forms.ChoiceField(
                label=str(member),
                choices=choices,
                required=False,
                initial=statuses.get(member.pk, ""),
                widget=forms.RadioSelect,
            )

    @staticmethod
    def field_name(member: BodyMember) -> str:
        return f"presence-{member.pk}"

    def rows(self) -> list[tuple[BodyMember, forms.BoundField]]:
        """Return each member with the bound field of his or her attendance."""
        return [(member, self[self.field_name(member)]) for member in self.members]

    def statuses(self) -> dict[int, str]:
        return {member.pk: self.cleaned_data[self.field_name(member)] for member in self.members}


class MinutesForm(PiloteForm):
    minutes = forms.CharField(
        label="Compte rendu",
        required=False,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text="Le déroulé de la réunion et ses échanges. Les décisions se saisissent à part, "
        "une par une : elles forment le relevé de décisions.",
    )


def plan_choices(convention) -> tuple[list, dict[int, PlanNode]]:
    """Return the CTG's plan elements as choices grouped by level, in plan order, and by pk."""
    nodes = list(
        PlanNode.objects.filter(convention=convention)
        .select_related("level")
        .order_by("position", "pk")
    )
    children: dict[int | None, list[PlanNode]] = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node)
    ordered: list[PlanNode] = []
    stack = list(reversed(children[None]))
    while stack:
        node = stack.pop()
        ordered.append(node)
        stack.extend(reversed(children[node.pk]))
    groups: dict[tuple[int, str], list[tuple[int, str]]] = defaultdict(list)
    for node in ordered:
        groups[(node.level.position, node.level.name)].append((node.pk, node_choice_label(node)))
    choices = [(name, options) for (_position, name), options in sorted(groups.items())]
    return choices, {node.pk: node for node in nodes}


def node_choice_label(node: PlanNode) -> str:
    """Return "3.7 Créer de nouvelles places AVIP…", short enough for a select."""
    label = f"{node.number} {node.title}".strip() if node.number else node.title
    if len(label) > NODE_LABEL_LENGTH:
        label = label[: NODE_LABEL_LENGTH - 1].rstrip() + "…"
    return label


class DecisionForm(PiloteForm):
    kind = forms.ChoiceField(label="Type de décision", choices=DecisionKind.choices)
    node = forms.TypedChoiceField(
        label="Élément du plan concerné",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Facultatif : l'action, la fiche ou l'axe sur lequel porte la décision. "
        "La décision apparaîtra dans son historique.",
        error_messages={"invalid_choice": "Choisissez un élément du plan de cette CTG."},
    )
    text = forms.CharField(
        label="Décision",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Telle qu'elle figurera au relevé de décisions, par exemple : « Le COPIL "
        "reporte l'ouverture des places AVIP à 2028, dans l'attente du local ».",
        error_messages={"required": "Écrivez la décision."},
    )
    postponed_to = forms.IntegerField(
        label="Reportée à (année)",
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="Pour un report : l'année où l'action reprend.",
        error_messages={"invalid": "Indiquez une année, par exemple 2028."},
    )
    postponed_quarter = forms.TypedChoiceField(
        label="Reportée au trimestre",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Toute l'année"), *((q, f"T{q}") for q in (1, 2, 3, 4))],
        help_text="Facultatif : le trimestre de l'année où l'action reprend.",
        error_messages={"invalid_choice": "Choisissez T1, T2, T3 ou T4."},
    )
    record_update = forms.BooleanField(
        label="Enregistrer aussi un point de suivi sur l'action",
        required=False,
        help_text="Pour le report ou l'abandon d'une action suivie : ajoute au suivi de l'action "
        "un point « Reportée » ou « Abandonnée » pour le trimestre de la réunion, qui cite la "
        "décision.",
    )

    def __init__(self, *args, plan: tuple[list, dict[int, PlanNode]], **kwargs):
        super().__init__(*args, **kwargs)
        choices, self.nodes = plan
        self.fields["node"].choices = [("", "Aucun : décision générale"), *choices]
        self.fields["postponed_to"].widget.attrs.update({"min": 2000, "max": 2100})

    @classmethod
    def initial_from(cls, decision) -> dict:
        return {
            "kind": decision.kind,
            "node": decision.node_id or "",
            "text": decision.text,
            "postponed_to": decision.postponed_to,
            "postponed_quarter": decision.postponed_quarter or "",
        }

    def to_data(self) -> DecisionData:
        data = self.cleaned_data
        node_pk = data["node"]
        return DecisionData(
            kind=data["kind"],
            text=data["text"],
            node=self.nodes.get(node_pk) if node_pk is not None else None,
            postponed_to=data["postponed_to"],
            postponed_quarter=data["postponed_quarter"],
            record_update=data["record_update"],
        )
