"""The form of a CTG's plan levels page (pilote.plans.views_levels)."""

from django import forms
from django.forms import modelformset_factory

from pilote.conventions.forms import PiloteFormSet
from pilote.core.forms import PiloteForm

from .models import PlanLevel


class LevelForm(PiloteForm, forms.ModelForm):
    class Meta:
        model = PlanLevel
        fields = ["name", "tracked"]
        help_texts = {"name": "Par exemple : Axe, Orientation stratégique, Fiche action."}

    def validate_unique(self) -> None:
        pass


class LevelFormSet(PiloteFormSet):
    def clean(self) -> None:
        super().clean()
        rows = self.rows()
        if not rows:
            raise forms.ValidationError("Le plan d'actions doit compter au moins un niveau.")
        names = [form.cleaned_data.get("name", "").strip() for form in rows]
        folded = [name.casefold() for name in names]
        duplicates = list(
            dict.fromkeys(
                n for n, f in zip(names, folded, strict=True) if n and folded.count(f) > 1
            )
        )
        if duplicates:
            raise forms.ValidationError(
                "Deux niveaux portent le même nom : "
                f"{', '.join(f'« {name} »' for name in duplicates)}."
            )


LevelFormSet = modelformset_factory(
    PlanLevel,
    form=LevelForm,
    formset=LevelFormSet,
    extra=1,
    can_order=True,
    can_delete=True,
)
LevelFormSet.conflict_label = "Niveau"  # how a stale save names each row
LevelFormSet.add_label, LevelFormSet.new_legend = "Ajouter un niveau", "Nouveau niveau"
