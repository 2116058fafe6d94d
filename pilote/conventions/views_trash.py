"""The « Corbeille » of a CTG, the deletion of a CTG and the list of deleted CTGs.

The trash of a CTG is for its editors (coordination, Caf adviser, superuser); deleting a CTG, and
the deleted CTGs of a département, for its Caf adviser (and superusers) only.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from pilote.accounts.perms import (
    can_create_convention,
    can_delete_convention,
    creatable_departements,
)
from pilote.core.deletion import what_goes
from pilote.core.forms import PiloteForm
from pilote.core.templatetags.undo import undo_tag

from . import trash
from .access import get_convention_for_user
from .forms import error_summary
from .models import Convention, TrashItem, TrashKind

PAGE_SIZE = 20


def announce_trashed(request: HttpRequest, item: TrashItem, what: str) -> None:
    """Say that `what` (« La réunion … a été placée ») went to the trash, with « Annuler »."""
    if item.convention_id:
        url = reverse(
            "conventions:trash_restore", kwargs={"slug": item.convention.slug, "pk": item.pk}
        )
    else:
        url = reverse("conventions:deleted_restore", kwargs={"pk": item.pk})
    days = trash.retention().days
    messages.success(request, f"{what} dans la corbeille ({days} jours).", extra_tags=undo_tag(url))


def _first_up(text: str) -> str:
    return text[:1].upper() + text[1:]


def _page(request: HttpRequest, items) -> dict:
    paginator = Paginator(items, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return {
        "page_obj": page,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "ellipsis": Paginator.ELLIPSIS,
    }


def _listed(items):
    # The payload can weigh megabytes: a list never reads it.
    return items.select_related("deleted_by").defer("payload").order_by("-deleted_at", "-pk")


def _next_url(request: HttpRequest, default: str) -> str:
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default


def _restore(request: HttpRequest, item: TrashItem, default: str) -> HttpResponse:
    try:
        restored = trash.restore_item(item, request.user)
    except trash.TrashError as error:
        messages.error(request, error.message)
        return redirect(default)
    text = f"{_first_up(item.get_kind_display())} « {item.label} » : restauré."
    if restored.missing_files:
        count = len(restored.missing_files)
        text += f" {count} fichier(s) introuvable(s) n'ont pas pu être retrouvés."
        messages.warning(request, text)
    else:
        messages.success(request, text)
    if item.kind == TrashKind.CONVENTION:
        return redirect(restored.obj.get_absolute_url())
    return redirect(_next_url(request, default))


def _purge_page(request, item: TrashItem, *, back: str, template_context: dict) -> HttpResponse:
    if request.method == "POST":
        label = str(item)
        trash.purge_item(item, request.user)
        messages.success(request, f"{_first_up(label)} : supprimé définitivement.")
        return redirect(back)
    return render(
        request,
        "conventions/trash_purge.html",
        {"item": item, "back": back, **template_context},
    )


# --------------------------------------------------------------------------- a CTG's trash


def trash_list(request: HttpRequest, slug: str) -> HttpResponse:
    convention = get_convention_for_user(request, slug, edit=True)
    items = _listed(TrashItem.objects.filter(convention=convention))
    return render(
        request,
        "conventions/trash.html",
        {"convention": convention, **_page(request, items)},
    )


def _item_of(convention: Convention, pk: int) -> TrashItem:
    return get_object_or_404(TrashItem, convention=convention, pk=pk)


@require_POST
def trash_restore(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convention = get_convention_for_user(request, slug, edit=True)
    item = _item_of(convention, pk)
    return _restore(request, item, reverse("conventions:trash", kwargs={"slug": slug}))


@require_http_methods(["GET", "POST"])
def trash_purge(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convention = get_convention_for_user(request, slug, edit=True)
    item = _item_of(convention, pk)
    back = reverse("conventions:trash", kwargs={"slug": slug})
    return _purge_page(request, item, back=back, template_context={"convention": convention})


# --------------------------------------------------------------------------- deleting a CTG


class ConfirmNameForm(PiloteForm):
    name = forms.CharField(
        label="Pour confirmer, saisissez le nom de la CTG",
        max_length=255,
        strip=True,
    )

    def __init__(self, *args, convention: Convention, **kwargs):
        self.convention = convention
        super().__init__(*args, **kwargs)
        label = f"Pour confirmer, saisissez le nom de la CTG : « {convention.name} »"
        # The DSFR preparation has already made the bound field: its label is set there too.
        self.fields["name"].label = self["name"].label = label

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if " ".join(name.split()) != " ".join(self.convention.name.split()):
            raise forms.ValidationError(
                "Le nom saisi ne correspond pas au nom de la CTG : rien n'a été supprimé."
            )
        return name


@require_http_methods(["GET", "POST"])
def convention_delete(request: HttpRequest, slug: str) -> HttpResponse:
    convention = get_convention_for_user(request, slug)
    if not can_delete_convention(request.user, convention):
        raise PermissionDenied("Seul·e le·la conseiller·ère Caf du département supprime une CTG.")
    form = ConfirmNameForm(request.POST or None, convention=convention)
    if request.method == "POST" and form.is_valid():
        item = trash.discard_convention(convention, user=request.user)
        announce_trashed(request, item, f"La CTG « {convention.name} » a été placée")
        return redirect("conventions:list")
    return render(
        request,
        "conventions/convention_delete.html",
        {
            "convention": convention,
            "form": form,
            "what_goes": what_goes(convention),
            "errors": error_summary(form),
        },
        status=400 if form.errors else 200,
    )


# --------------------------------------------------------------------------- deleted CTGs


def _deleted_ctgs(request: HttpRequest):
    if not can_create_convention(request.user):  # a Caf adviser, or a superuser
        raise PermissionDenied("Cette page est réservée aux conseiller·ères Caf.")
    return TrashItem.objects.filter(
        kind=TrashKind.CONVENTION,
        convention__isnull=True,
        departement__in=creatable_departements(request.user),
    )


def deleted_list(request: HttpRequest) -> HttpResponse:
    items = _listed(_deleted_ctgs(request).select_related("departement"))
    return render(request, "conventions/deleted_list.html", _page(request, items))


@require_POST
def deleted_restore(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(_deleted_ctgs(request), pk=pk)
    return _restore(request, item, reverse("conventions:deleted"))


@require_http_methods(["GET", "POST"])
def deleted_purge(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(_deleted_ctgs(request), pk=pk)
    return _purge_page(request, item, back=reverse("conventions:deleted"), template_context={})
