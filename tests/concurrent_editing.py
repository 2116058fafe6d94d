"""Two people on the same edit page: read each page's form as a browser would post it."""

import lxml.html
from django.test import Client


def form_data(response, *, has_field: str = "version") -> dict[str, list[str]]:
    """Return the values the page's form holding has_field would post, as a browser sends them."""
    document = lxml.html.fromstring(response.content.decode())
    for form in document.forms:
        if form.xpath(f'.//*[@name="{has_field}"]'):
            data: dict[str, list[str]] = {}
            # Browsers drop the newline that opens a textarea's content; lxml keeps it.
            textareas = {area.name for area in form.xpath(".//textarea")}
            for name, value in form.form_values():
                if name in textareas and value.startswith("\n"):
                    value = value[1:]
                data.setdefault(name, []).append(value)
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
