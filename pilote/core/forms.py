"""The form base shared by every app: django-dsfr rendering with every attribute it reads."""

from django import forms
from dsfr.forms import DsfrBaseForm


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


class PiloteForm(DsfrBaseForm):
    """A DSFR form whose widgets carry every attribute the DSFR snippets read."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        prepare_dsfr_fields(self)
