"""Forms of the bilans: start one (kind, year, meeting), write its texts."""

from django import forms

from pilote.core.forms import PiloteForm

from ..enums import ReviewKind
from ..models import Meeting
from .services import ReviewData, ReviewTexts


def _meeting_choices(convention) -> list[tuple[str, str]]:
    meetings = Meeting.objects.filter(convention=convention).select_related("body")
    return [("", "Aucune (à préciser plus tard)")] + [
        (str(m.pk), f"{m.body.name} du {m.date:%d/%m/%Y} – {m.get_kind_display()}")
        for m in meetings.order_by("-date", "-pk")
    ]


class ReviewCreateForm(PiloteForm):
    kind = forms.ChoiceField(label="Type de bilan", choices=ReviewKind.choices)
    year = forms.TypedChoiceField(label="Année", coerce=int)
    meeting = forms.ChoiceField(
        label="Réunion où il sera présenté", required=False, help_text="Facultatif."
    )

    def __init__(self, *args, convention, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in convention.years]
        self.fields["meeting"].choices = _meeting_choices(convention)

    def data_object(self) -> ReviewData:
        meeting = self.cleaned_data["meeting"]
        return ReviewData(
            kind=self.cleaned_data["kind"],
            year=self.cleaned_data["year"],
            meeting_id=int(meeting) if meeting else None,
        )


class ReviewTextsForm(PiloteForm):
    meeting = forms.ChoiceField(label="Réunion où il est présenté", required=False)
    summary = forms.CharField(
        label="Synthèse",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Ouvre le bilan : l'essentiel de l'année en quelques phrases.",
    )
    highlights = forms.CharField(
        label="Faits marquants",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Les extraits des points de suivi de la période suivent dans le document.",
    )
    difficulties = forms.CharField(
        label="Difficultés", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    outlook = forms.CharField(
        label="Perspectives et suites proposées",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, convention, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].choices = _meeting_choices(convention)

    def texts(self) -> ReviewTexts:
        data = self.cleaned_data
        return ReviewTexts(
            summary=data["summary"],
            highlights=data["highlights"],
            difficulties=data["difficulties"],
            outlook=data["outlook"],
        )

    def meeting_id(self) -> int | None:
        return int(self.cleaned_data["meeting"]) if self.cleaned_data["meeting"] else None
