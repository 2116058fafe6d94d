"""The history page of a CTG: who changed what and when, for the Caf and the coordination."""

import datetime

from django import forms
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils.http import urlencode

from pilote.accounts.enums import Role
from pilote.accounts.models import User
from pilote.conventions.access import get_convention_for_user
from pilote.core.forms import PiloteForm
from pilote.core.fragments import render_fragment_page

from .history import Filters, history_page
from .history_sources import SOURCE_CHOICES


class HistoryFilterForm(PiloteForm):
    type = forms.ChoiceField(
        label="Type de modification",
        choices=[("", "Tous les types"), *SOURCE_CHOICES],
        required=False,
    )
    user = forms.ModelChoiceField(
        label="Personne", queryset=User.objects.none(), required=False, empty_label="Toutes"
    )
    start = forms.DateField(
        label="Du",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label="Au",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, convention, **kwargs):
        super().__init__(*args, **kwargs)
        # Those who may change the CTG: its members and the Caf advisers of its département.
        self.fields["user"].queryset = (
            User.objects.filter(
                Q(memberships__convention=convention)
                | Q(
                    memberships__role=Role.CAF_ADVISER,
                    memberships__departement_id=convention.departement_id,
                )
            )
            .distinct()
            .order_by("last_name", "first_name", "username")
        )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "La date de fin précède la date de début.")
        return data


def convention_history(request: HttpRequest, slug: str) -> HttpResponse:
    convention = get_convention_for_user(request, slug, edit=True)
    form = HistoryFilterForm(request.GET or None, convention=convention)
    filters = Filters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = Filters(
            source=data["type"],
            user_id=data["user"].pk if data["user"] else None,
            start=data["start"],
            end=data["end"],
        )
    filters.before = _parse_cursor(request.GET.get("avant", ""))
    query = {k: v for k, v in request.GET.items() if k != "avant" and v}
    return render_fragment_page(
        request,
        "monitoring/history/history.html",
        name="history",
        convention=convention,
        variant=("editor",),  # the page is the editors' only, and the same for all of them
        outer={"convention": convention, "form": form},
        inner=lambda: _entries_context(convention, filters, query),
    )


def _entries_context(convention, filters: Filters, query: dict[str, str]) -> dict:
    page = history_page(convention, filters)
    next_url = ""
    if page.next_cursor is not None:
        next_url = "?" + urlencode({**query, "avant": page.next_cursor.isoformat()})
    return {
        "entries": page.entries,
        "next_url": next_url,
        "first_url": "?" + urlencode(query) if filters.before else "",
        "filtered": bool(query),
    }


def _parse_cursor(value: str) -> datetime.datetime | None:
    try:
        cursor = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    return cursor if cursor.tzinfo is not None else None
