"""Forms of the follow-up: an update on an action, and the follow-up table's filters."""

from django import forms
from django.conf import settings

from pilote.core.forms import PiloteForm
from pilote.plans.visibility import INTERNAL_HELP

from .enums import UpdateStatus
from .periods import Quarter, convention_quarters
from .services import human_size

NEVER_UPDATED = "sans_point"  # the status filter's value for actions never updated


def quarter_value(quarter: Quarter) -> str:
    return f"{quarter.year}-{quarter.quarter}"


def updatable_quarters(convention) -> list[Quarter]:
    """Return the quarters an update may be recorded for, latest first (started ones only)."""
    now = Quarter.current()
    return [q for q in reversed(convention_quarters(convention)) if q <= now]


def default_quarter(convention) -> Quarter | None:
    """Return the quarter offered by default: the current one, or the CTG's last if it ended."""
    quarters = updatable_quarters(convention)
    return quarters[0] if quarters else None


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files and cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


# The consistency hint of an update (issue 14): shown under the progress, never blocking. An
# action "Réalisée" is expected at 100 %, and an action at 100 % to be "Réalisée"; the other
# statuses and progresses may go together (an action abandoned at 40 %, blocked at 70 %).
HINT_DONE_NOT_FULL = (
    "Une action réalisée est d'habitude à 100\u00a0% : vérifiez l'avancement. Vous pouvez tout de "
    "même enregistrer (une partie peut rester à faire)."
)
HINT_FULL_NOT_DONE = (
    "L'avancement est de 100\u00a0% : si l'action est terminée, choisissez le statut « Réalisée ». "
    "Vous pouvez tout de même enregistrer."
)


def consistency_hint(status: str | None, progress) -> str:
    """Return the hint for a status and a progress that do not go together, or ""."""
    try:
        progress = int(progress)
    except (TypeError, ValueError):
        return ""
    if status == UpdateStatus.DONE and progress < 100:
        return HINT_DONE_NOT_FULL
    if status != UpdateStatus.DONE and progress == 100 and status in UpdateStatus.values:
        return HINT_FULL_NOT_DONE
    return ""


class UpdateForm(PiloteForm):
    """A new update on an action; the latest update's status and progress are offered again."""

    hint_done_not_full = HINT_DONE_NOT_FULL
    hint_full_not_done = HINT_FULL_NOT_DONE

    period = forms.ChoiceField(label="Trimestre")
    status = forms.ChoiceField(label="Statut", choices=UpdateStatus.choices)
    progress = forms.IntegerField(
        label="Avancement (%)",
        min_value=0,
        max_value=100,
        help_text="De 0 à 100.",
        error_messages={
            "min_value": "L'avancement ne peut pas être négatif.",
            "max_value": "L'avancement ne peut pas dépasser %(limit_value)s %%.",
            "invalid": "Indiquez un nombre entier entre 0 et 100.",
            "required": "Indiquez l'avancement, de 0 à 100.",
        },
    )
    done = forms.CharField(
        label="Ce qui a été fait", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    difficulties = forms.CharField(
        label="Difficultés rencontrées", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    next_steps = forms.CharField(
        label="Prochaines étapes", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    attachments = MultipleFileField(
        label="Pièces jointes",
        required=False,
        help_text="Facultatif. PDF, DOCX, XLSX, ODT, ODS, PNG, JPG, CSV ou TXT ; "
        "5 fichiers au plus.",
    )
    attachments_internal = forms.BooleanField(
        label="Pièces jointes internes (visibles seulement par la Caf et le·la chargé·e de "
        "coopération)",
        required=False,
    )
    is_internal = forms.BooleanField(
        label=INTERNAL_HELP,
        required=False,
        help_text="Ce point de suivi (et ses fichiers) n'apparaît ni aux autres personnes de "
        "la CTG, ni dans les bilans, ni sur la page publique.",
    )

    def __init__(
        self,
        *args,
        convention,
        latest=None,
        with_attachments=True,
        with_internal=False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [
            (quarter_value(q), str(q)) for q in updatable_quarters(convention)
        ]
        self.fields["period"].error_messages["invalid_choice"] = (
            "Choisissez un trimestre de la période de la CTG, en cours ou passé."
        )
        self.fields["status"].error_messages["invalid_choice"] = "Choisissez un statut de la liste."
        default = default_quarter(convention)
        if default:
            self.fields["period"].initial = quarter_value(default)
        self.fields["status"].initial = latest.status if latest else UpdateStatus.IN_PROGRESS
        self.fields["progress"].initial = latest.progress if latest else 0
        self.max_attachment_size = human_size(settings.ATTACHMENT_MAX_BYTES)
        if not with_attachments or not with_internal:
            del self.fields["attachments_internal"]
        if not with_attachments:
            del self.fields["attachments"]
        if not with_internal:  # only those who see internal items make some
            del self.fields["is_internal"]

    @property
    def consistency_hint(self) -> str:
        """Return the hint for the status and progress as typed (or offered), or ""."""
        if self.is_bound:
            status = self.data.get(self.add_prefix("status"))
            progress = self.data.get(self.add_prefix("progress"))
        else:
            status, progress = self.fields["status"].initial, self.fields["progress"].initial
        return consistency_hint(status, progress)

    def clean_period(self) -> Quarter:
        year, quarter = self.cleaned_data["period"].split("-")
        return Quarter(int(year), int(quarter))


class FollowUpFilterForm(PiloteForm):
    """The follow-up table's filters; their names are the query parameters the dashboard uses."""

    thematique = forms.ChoiceField(label="Thématique", required=False)
    pilote = forms.ChoiceField(label="Pilote", required=False)
    commune = forms.ChoiceField(label="Commune", required=False)
    statut = forms.ChoiceField(
        label="Dernier statut",
        required=False,
        choices=[
            ("", "Tous"),
            *UpdateStatus.choices,
            (NEVER_UPDATED, "Sans point de suivi"),
        ],
    )
    retard = forms.BooleanField(label="En retard", required=False)
    sans_point = forms.BooleanField(label="Pas de point ce trimestre", required=False)

    def __init__(self, *args, thematics, pilots, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["thematique"].choices = [("", "Toutes"), *thematics]
        self.fields["pilote"].choices = [("", "Tous"), *pilots]
        self.fields["commune"].choices = [("", "Toutes"), *communes]
