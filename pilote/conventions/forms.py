"""Forms of the CTG pages. They validate input; the writes are done by services.py."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.forms import BaseModelFormSet, modelformset_factory

from pilote.core.formats import NBSP, french_number
from pilote.core.forms import PiloteForm, PlausibleValuesMixin, prepare_dsfr_fields
from pilote.territories.models import EPCI, Commune

from .models import Amendment, Convention, Signatory
from .services import ConventionError, check_period, check_slug

_CODE_SEPARATORS = re.compile(r"[\s,;]+")


class DateInput(forms.DateInput):
    """A native date picker; the value travels as ISO 8601, as browsers expect."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def parse_commune_codes(raw: str) -> list[Commune]:
    """Return the communes whose INSEE codes are listed in `raw`, or raise ValidationError."""
    codes = [code.upper() for code in _CODE_SEPARATORS.split(raw.strip()) if code]
    if not codes:
        return []
    malformed = [code for code in codes if not re.fullmatch(r"[0-9][0-9AB][0-9]{3}", code)]
    if malformed:
        raise forms.ValidationError(
            "Ces valeurs ne sont pas des codes INSEE de commune (5 caractères, par exemple "
            f"04070) : {', '.join(malformed)}."
        )
    communes = {c.code: c for c in Commune.objects.filter(code__in=codes)}
    unknown = [code for code in codes if code not in communes]
    if unknown:
        raise forms.ValidationError(
            "Aucune commune du Code officiel géographique ne porte ces codes INSEE : "
            f"{', '.join(unknown)}."
        )
    return list(dict.fromkeys(communes[code] for code in codes))


def epci_choices(departements) -> list:
    """Return the EPCI having communes in these départements, grouped by département."""
    rows = (
        Commune.objects.filter(departement__in=departements, epci__isnull=False)
        .values_list("departement__code", "departement__name", "epci__siren", "epci__name")
        .distinct()
        .order_by("departement__code", "epci__name")
    )
    groups: dict[str, list] = {}
    for dep_code, dep_name, siren, name in rows:
        groups.setdefault(f"{dep_code} – {dep_name}", []).append((siren, name))
    return [("", "Aucun EPCI"), *groups.items()]


class ConventionForm(PiloteForm, forms.ModelForm):
    """General information of a CTG, shared by the creation and the edition pages."""

    class Meta:
        model = Convention
        fields = [
            "name",
            "slug",
            "start_date",
            "end_date",
            "status",
            "next_copil_date",
            "description",
            "internal_notes",
        ]
        labels = {"slug": "Identifiant dans l'adresse"}
        help_texts = {
            "name": "Par exemple : CTG Provence-Alpes-Agglomération 2026-2030.",
            "slug": "Lettres minuscules, chiffres et tirets ; il apparaît dans l'adresse des "
            "pages de la CTG (/ctg/identifiant/).",
            "start_date": "Format attendu : JJ/MM/AAAA.",
            "end_date": "Une CTG est signée pour 1 à 5 ans.",
            "internal_notes": "Visibles par la Caf et le·la chargé·e de coopération seulement.",
        }
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "next_copil_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "internal_notes": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "slug": {
                "invalid": "L'identifiant ne peut contenir que des lettres minuscules sans "
                "accent, des chiffres et des tirets.",
            },
        }

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug", "")
        if slug:
            try:
                check_slug(slug, exclude_pk=self.instance.pk)
            except ConventionError as error:
                raise forms.ValidationError(error.message) from error
        return slug

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end:
            try:
                check_period(start, end)
            except ConventionError as error:
                self.add_error("end_date", error.message)
        return cleaned

    def validate_unique(self) -> None:
        # clean_slug() already checks uniqueness with a clearer message.
        pass


class ConventionEditForm(ConventionForm):
    """The edition page: the slug is required there."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = True


class ConventionCreateForm(ConventionForm):
    """The creation page: also the Caf and a first territory."""

    departement = forms.ModelChoiceField(
        label="Caf (département)",
        queryset=None,
        empty_label="Choisissez le département de la Caf",
        error_messages={
            "invalid_choice": "Vous ne pouvez pas créer de CTG pour ce département.",
            "required": "Choisissez le département de la Caf.",
        },
    )
    epci = forms.ChoiceField(
        label="EPCI",
        required=False,
        help_text="L'intercommunalité signataire, s'il y en a une. Les EPCI sont classés par "
        "département.",
    )
    add_epci_communes = forms.BooleanField(
        label="Ajouter toutes les communes de l'EPCI au territoire",
        required=False,
        initial=True,
    )
    commune_codes = forms.CharField(
        label="Autres communes (codes INSEE)",
        required=False,
        help_text="Codes INSEE séparés par des espaces ou des virgules, par exemple « 04070 "
        "04001 ». Vous pourrez aussi chercher les communes par leur nom après la création.",
    )

    field_order = [
        "name",
        "slug",
        "departement",
        "start_date",
        "end_date",
        "status",
        "description",
        "internal_notes",
        "epci",
        "add_epci_communes",
        "commune_codes",
    ]

    def __init__(self, *args, departements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = (
            "Laissez vide pour le calculer à partir du nom. " + self.fields["slug"].help_text
        )
        self.fields["departement"].queryset = departements
        choices = list(departements)
        if len(choices) == 1:
            self.fields["departement"].initial = choices[0].pk
        self.fields["epci"].choices = epci_choices(choices)
        # DsfrBaseForm built the bound fields already: rebuild them with the new help text.
        self._bound_fields_cache.clear()

    def clean_epci(self) -> EPCI | None:
        siren = self.cleaned_data.get("epci")
        if not siren:
            return None
        return EPCI.objects.get(pk=siren)

    def clean_commune_codes(self) -> list[Commune]:
        return parse_commune_codes(self.cleaned_data.get("commune_codes", ""))

    def clean(self) -> dict:
        cleaned = super().clean()
        epci, departement = cleaned.get("epci"), cleaned.get("departement")
        if epci and departement and not epci.communes.filter(departement=departement).exists():
            self.add_error(
                "epci",
                f"L'EPCI « {epci} » n'a aucune commune dans le département {departement}.",
            )
        return cleaned

    def territory_communes(self) -> list[Commune]:
        """Return the communes the new CTG starts with."""
        communes = list(self.cleaned_data.get("commune_codes") or [])
        epci = self.cleaned_data.get("epci")
        if epci and self.cleaned_data.get("add_epci_communes"):
            communes.extend(epci.communes.all())
        return list({c.code: c for c in communes}.values())


class _AnyValueMultipleChoiceField(forms.MultipleChoiceField):
    """A multiple choice whose options come from a search: the form's clean_*() checks them."""

    def valid_value(self, value) -> bool:
        return True


class TerritoryForm(PiloteForm):
    """The EPCI and the communes of a CTG: what to keep, remove and add."""

    epci = forms.ChoiceField(label="EPCI", required=False)
    add_epci_communes = forms.BooleanField(
        label="Ajouter toutes les communes de l'EPCI au territoire", required=False
    )
    remove = forms.MultipleChoiceField(
        label="Communes à retirer", required=False, widget=forms.CheckboxSelectMultiple
    )
    add = _AnyValueMultipleChoiceField(
        label="Communes à ajouter", required=False, widget=forms.CheckboxSelectMultiple
    )
    commune_codes = forms.CharField(
        label="Ajouter par codes INSEE",
        required=False,
        help_text="Codes INSEE séparés par des espaces ou des virgules, par exemple « 04070 "
        "04001 ».",
    )

    def __init__(self, *args, convention: Convention, current: list[Commune], **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("epci", convention.epci_id or "")
        super().__init__(*args, **kwargs)
        self.convention = convention
        self.current = current
        choices = epci_choices([convention.departement])
        if convention.epci_id and not any(
            convention.epci_id == siren for _, group in choices[1:] for siren, _name in group
        ):
            choices.append(("Autre", [(convention.epci_id, str(convention.epci))]))
        self.fields["epci"].choices = choices
        self.fields["remove"].choices = [(c.code, str(c)) for c in current]

    def clean_epci(self) -> EPCI | None:
        siren = self.cleaned_data.get("epci")
        return EPCI.objects.get(pk=siren) if siren else None

    def clean_add(self) -> list[Commune]:
        codes = self.cleaned_data.get("add") or []
        return parse_commune_codes(" ".join(codes))

    def clean_commune_codes(self) -> list[Commune]:
        return parse_commune_codes(self.cleaned_data.get("commune_codes", ""))

    def resulting_communes(self) -> list[Commune]:
        """Return the territory's communes once the removals and additions are applied."""
        removed = set(self.cleaned_data.get("remove") or [])
        communes = {c.code: c for c in self.current if c.code not in removed}
        for commune in [*self.cleaned_data["add"], *self.cleaned_data["commune_codes"]]:
            communes.setdefault(commune.code, commune)
        epci = self.cleaned_data.get("epci")
        if epci and self.cleaned_data.get("add_epci_communes"):
            for commune in epci.communes.all():
                communes.setdefault(commune.code, commune)
        return list(communes.values())


class CommuneSearchForm(PlausibleValuesMixin, forms.Form):
    q = forms.CharField(label="Nom, code INSEE ou code postal", required=False, max_length=100)


# ---------------------------------------------------------------------------------------------
# Lists edited as formsets
# ---------------------------------------------------------------------------------------------


class PiloteFormSet(BaseModelFormSet):
    """Model formset whose ORDER and DELETE fields are DSFR-ready too, with French labels."""

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "ORDER" in form.fields:
            form.fields["ORDER"].label = "Rang"
            form.fields["ORDER"].widget.attrs.update({"class": "fr-input", "min": 1})
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Supprimer"
        prepare_dsfr_fields(form)

    def rows(self) -> list[forms.Form]:
        """Return the filled-in forms, in the order the user chose, without the deleted ones."""
        if self.can_order:
            try:
                return list(self.ordered_forms)
            except AttributeError:  # Django orders only a valid formset: keep the typed order
                pass
        return [
            form
            for form in self.forms
            if form.has_changed() and not (self.can_delete and self._should_delete_form(form))
        ]


class SignatoryForm(PiloteForm, forms.ModelForm):
    class Meta:
        model = Signatory
        fields = ["organisation", "representative", "role", "deliberation_date", "signature_date"]
        labels = {"role": "Qualité"}
        widgets = {"deliberation_date": DateInput(), "signature_date": DateInput()}


class AmendmentForm(PiloteForm, forms.ModelForm):
    class Meta:
        model = Amendment
        fields = ["number", "date", "subject"]
        widgets = {"date": DateInput(), "subject": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].widget.attrs["min"] = 1

    def validate_unique(self) -> None:
        # The formset checks duplicate numbers across the page; services.py checks them again.
        pass


class AmendmentFormSet(PiloteFormSet):
    def clean(self) -> None:
        super().clean()
        numbers = [form.cleaned_data.get("number") for form in self.rows() if form.is_valid()]
        duplicates = sorted({n for n in numbers if n is not None and numbers.count(n) > 1})
        if duplicates:
            raise forms.ValidationError(
                f"Deux avenants portent le même numéro : {', '.join(map(str, duplicates))}."
            )


SignatoryFormSet = modelformset_factory(
    Signatory,
    form=SignatoryForm,
    formset=PiloteFormSet,
    extra=1,
    can_order=True,
    can_delete=True,
)
AmendmentFormSet = modelformset_factory(
    Amendment, form=AmendmentForm, formset=AmendmentFormSet, extra=1, can_delete=True
)
# How a stale save's conflict names each row (pilote.core.concurrency).
SignatoryFormSet.conflict_label = "Signataire"
AmendmentFormSet.conflict_label = "Avenant"
# The button that adds a row in place, and the legend of a new row (formset_page.html).
SignatoryFormSet.add_label, SignatoryFormSet.new_legend = (
    "Ajouter un signataire",
    "Nouveau signataire",
)
AmendmentFormSet.add_label, AmendmentFormSet.new_legend = "Ajouter un avenant", "Nouvel avenant"
# ---------------------------------------------------------------------------------------------
# JSON import
# ---------------------------------------------------------------------------------------------


ACCEPTED_IMPORTS = ".json,application/json,.zip,application/zip"
SLUG_CHARACTERS = "L’identifiant ne doit contenir que des lettres minuscules, chiffres et tirets."


class ImportForm(PiloteForm):
    file = forms.FileField(
        label="Fichier JSON ou archive ZIP de la CTG",
        help_text=(
            "Un fichier .json au format d'échange de Pilote CTG, encodé en UTF-8, ou l'archive "
            ".zip complète de la CTG (avec ses pièces jointes)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_IMPORTS}),
        error_messages={"required": "Choisissez un fichier JSON ou une archive ZIP à importer."},
    )
    slug = forms.SlugField(
        label="Nouvel identifiant (pour importer une copie)",
        required=False,
        max_length=120,
        help_text=(
            "Facultatif. Laissez vide pour garder l’identifiant du fichier. Pour importer "
            "une copie d’une CTG déjà présente, donnez-lui un identifiant nouveau (lettres "
            "minuscules, chiffres et tirets), par exemple « pays-salonais-2025-2028-copie »."
        ),
        error_messages={"invalid": SLUG_CHARACTERS},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".json", ".zip")):
            raise forms.ValidationError(
                "Le fichier doit être au format JSON (extension .json) ou une archive ZIP "
                "(extension .zip)."
            )
        is_archive = name.endswith(".zip")
        limit = settings.IMPORT_ARCHIVE_MAX_BYTES if is_archive else settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"Le fichier pèse {megabytes(upload.size)} : la taille maximale est de "
                f"{megabytes(limit)}."
            )
        return upload

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug and slug != slug.lower():
            raise forms.ValidationError(SLUG_CHARACTERS)
        if slug:
            try:
                check_slug(slug)
            except ConventionError as error:
                raise forms.ValidationError(str(error)) from error
        return slug

    @property
    def is_archive(self) -> bool:
        return self.cleaned_data["file"].name.lower().endswith(".zip")


def megabytes(size: int) -> str:
    """Return a size in bytes as French users read it ("20 Mo", "1,5 Mo")."""
    return f"{french_number(size / (1024 * 1024), decimals=1)}{NBSP}Mo"


# ---------------------------------------------------------------------------------------------
# Error summary (RGAA: list the errors at the top of the form, with links to the fields)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErrorItem:
    message: str
    anchor: str = ""
    label: str = ""


def error_summary(*items, extra: str = "") -> list[ErrorItem]:
    """Return every error of these forms and formsets, for the summary shown above them."""
    errors: list[ErrorItem] = [ErrorItem(extra)] if extra else []
    for item in items:
        if item is None or not item.is_bound:
            continue
        if hasattr(item, "forms"):  # a formset
            errors.extend(ErrorItem(str(e)) for e in item.non_form_errors())
            for index, form in enumerate(item.forms, start=1):
                if item.can_delete and item._should_delete_form(form):
                    continue
                errors.extend(_form_errors(form, prefix=f"Ligne {index} – "))
        else:
            errors.extend(_form_errors(item))
    return errors


def _form_errors(form, prefix: str = "") -> list[ErrorItem]:
    errors = [ErrorItem(f"{prefix}{e}") for e in form.non_field_errors()]
    for name, field_errors in form.errors.items():
        if name == forms.forms.NON_FIELD_ERRORS or name not in form.fields:
            continue
        bound = form[name]
        for error in field_errors:
            errors.append(
                ErrorItem(error, anchor=bound.id_for_label, label=f"{prefix}{bound.label}")
            )
    return errors
