"""The « Annuler » button of a message: a message whose action can be undone carries its URL.

A view adds the message with ``extra_tags=undo_tag(url)``; base.html shows, next to the text, a
form that POSTs to that URL (see pilote.conventions.views_trash.announce_trashed).
"""

from django import template

register = template.Library()

PREFIX = "undo:"


def undo_tag(url: str) -> str:
    """Return the message tag that offers to undo the action at this URL (POST)."""
    return PREFIX + url


@register.filter
def undo_url(message) -> str:
    """Return the URL that undoes the message's action, or ""."""
    for tag in (message.extra_tags or "").split():
        if tag.startswith(PREFIX):
            return tag.removeprefix(PREFIX)
    return ""
