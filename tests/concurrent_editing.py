"""Two people on the same edit page: read each page's form as a browser would post it."""

import lxml.html
from django.test import Client

SKIPPED_TYPES = {"submit", "button", "image", "reset", "file"}


def _values(element) -> list[str]:
    """Return what a browser sends for one control of a form (HTML's form data set)."""
    kind = element.get("type", "text").lower() if element.tag == "input" else element.tag
    if kind in SKIPPED_TYPES:
        return []
    if kind in ("checkbox", "radio"):
        return [element.get("value", "on")] if element.checked else []
    if kind == "select":
        options = element.xpath(".//option[@selected]") or element.xpath(".//option")[:1]
        if element.multiple:
            options = element.xpath(".//option[@selected]")
        return [option.get("value", option.text or "") for option in options]
    if kind == "textarea":
        # Browsers drop the newline that opens a textarea's content.
        text = element.text or ""
        return [text[1:] if text.startswith("\n") else text]
    return [element.get("value", "")]


def form_data(response, *, has_field: str = "version") -> dict[str, list[str]]:
    """Return the values the page's form holding has_field would post, as a browser sends them."""
    document = lxml.html.fromstring(response.content.decode())
    for form in document.forms:
        if form.xpath(f'.//*[@name="{has_field}"]'):
            data: dict[str, list[str]] = {}
            for element in form.inputs:
                if element.name and element.get("disabled") is None:
                    for value in _values(element):
                        data.setdefault(element.name, []).append(value)
            return data
    raise AssertionError(f"no form with a field named {has_field} on this page")


def two_sessions(first_user, second_user) -> tuple[Client, Client]:
    """Return two logged-in clients, one per person."""
    clients = Client(), Client()
    for client, user in zip(clients, (first_user, second_user), strict=True):
        client.force_login(user)
    return clients


def edited(data: dict[str, list[str]], **changes: str) -> dict[str, list[str]]:
    """Return a copy of form data with some fields set to a new value."""
    return {**data, **{name: [value] for name, value in changes.items()}}


def race(sessions, page: str, first: dict[str, str], second: dict[str, str]):
    """Both read the page, the first saves, then the second saves from the page read before."""
    alice, bruno = sessions
    alice_form, bruno_form = (form_data(client.get(page)) for client in sessions)
    saved = alice.post(page, edited(alice_form, **first))
    assert saved.status_code == 302, saved.content.decode()[-3000:]
    return bruno.post(page, edited(bruno_form, **second))
