"""The form base shared by every app: django-dsfr rendering and plausible values for every field."""

from html import escape

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.safestring import SafeString
from dsfr.forms import DsfrBaseForm

from .plausible import DATE_MAX, DATE_MIN, validate_plausible_date, validate_text


def prepare_dsfr_fields(form: forms.BaseForm) -> None:
    """Give each widget the attributes the django-dsfr field snippets expect."""
    # The snippets read widget.group_class and widget.inline, which only some widgets have;
    # without them --fail-on-template-vars (and a strict reviewer) flags every text input.
    for field in form.fields.values():
        widget = field.widget
        if not hasattr(widget, "group_class"):
            is_select = isinstance(widget, forms.Select)
            widget.group_class = "fr-select-group" if is_select else "fr-input-group"
        if not hasattr(widget, "inline"):
            widget.inline = False
    guard_fields(form)


_DJANGO_NUL_CHECK = ProhibitNullCharactersValidator


def guard_fields(form: forms.BaseForm) -> None:
    """Refuse invalid characters in every text field and implausible dates in every date field."""
    for field in form.fields.values():
        if isinstance(field, forms.CharField):
            # Django's own NUL check says less (and in English on some versions): replace it.
            kept = [v for v in field.validators if not isinstance(v, _DJANGO_NUL_CHECK)]
            field.validators = kept if validate_text in kept else [*kept, validate_text]
        elif isinstance(field, forms.DateField):
            if validate_plausible_date not in field.validators:
                field.validators.append(validate_plausible_date)
            field.widget.attrs.setdefault("min", DATE_MIN.isoformat())
            field.widget.attrs.setdefault("max", DATE_MAX.isoformat())


class PlausibleValuesMixin:
    """Check every field of the form with guard_fields(), even those added after __init__."""

    def full_clean(self) -> None:
        guard_fields(self)
        super().full_clean()


class PiloteForm(PlausibleValuesMixin, DsfrBaseForm):
    """A DSFR form whose widgets carry every attribute the DSFR snippets read.

    Every text field refuses NUL and control characters, every date field dates outside
    2000–2100 (pilote.core.plausible), whichever form and database.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        prepare_dsfr_fields(self)


class LongSelect(forms.Select):
    """A select of hundreds of flat choices (every EPCI of France), its options written at once.

    Django builds a dict and renders two templates per option: for the 1,255 EPCIs a national
    account filters on, half a second. The HTML is the same as Django's select.
    """

    template_name = "includes/widgets/long_select.html"

    def optgroups(self, name, value, attrs=None):
        return []  # the template writes options_html instead

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["options_html"] = options_html(self.choices, context["widget"]["value"])
        return context


def options_html(choices, values: list[str]) -> SafeString:
    """Return the <option> elements of flat choices, the first one among values selected."""
    parts, selected = [], False
    for value, label in choices:
        text = "" if value is None else str(value)
        mark = ""
        if not selected and text in values:
            mark, selected = " selected", True
        parts.append(f'<option value="{escape(text)}"{mark}>{escape(str(label))}</option>')
    return SafeString("".join(parts))  # every value and label escaped above
