"""The form that confirms the publication of a CTG's public page."""

from django import forms

from pilote.core.forms import PiloteForm


class PublishForm(PiloteForm):
    """Ask the editor to confirm that the published titles hold no personal data."""

    checked = forms.BooleanField(
        label="J’ai relu les intitulés du plan d’actions et des indicateurs : ils ne nomment "
        "aucune personne",
        help_text="Ces intitulés sont publiés tels quels.",
        error_messages={
            "required": "Confirmez que vous avez relu les intitulés avant de publier la page."
        },
    )
