"""Personal API tokens in « Mon compte »: create one (shown once), revoke one."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pilote.accounts.api_tokens import ApiTokenError, create_token, revoke_token
from pilote.accounts.forms_people import ApiTokenForm


@require_POST
def create(request: HttpRequest) -> HttpResponse:
    """Create a token and show it, once: only its hash is kept."""
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Jeton non créé : " + " ".join(_errors(form)))
        return redirect("people:account")
    try:
        token, raw = create_token(
            request.user,
            name=form.cleaned_data["name"],
            days=form.cleaned_data["days"],
            request=request,
        )
    except ApiTokenError as error:
        messages.error(request, error.message)
        return redirect("people:account")
    return render(request, "people/api_token_created.html", {"token": token, "raw": raw})


@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of one's tokens: the next request made with it is refused."""
    try:
        token = revoke_token(request.user, pk, request=request)
    except ApiTokenError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Le jeton « {token.name} » est révoqué.")
    return redirect("people:account")


def _errors(form) -> list[str]:
    return [str(message) for errors in form.errors.values() for message in errors]
