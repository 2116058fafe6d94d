"""{% fragment %}…{% endfragment %}: the cached block of a page (pilote.core.fragments)."""

from django import template
from django.utils.safestring import mark_safe

from pilote.core import fragments

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        token = str(context.get("csrf_token", ""))
        html = context.get(fragments.HTML)
        if html is None:
            # The block is rendered with a placeholder for the reader's CSRF token, stored so,
            # and given each reader's own token on the way out.
            with context.push(csrf_token=fragments.CSRF_PLACEHOLDER):
                html = self.nodelist.render(context)
            key = context.get(fragments.KEY)
            if key:
                fragments.store(key, html, token)
        return mark_safe(fragments.with_token(html, token))


@register.tag("fragment")
def do_fragment(parser: template.base.Parser, token: template.base.Token) -> FragmentNode:
    """Write the block from the cache on a hit, else render it and store it under the key."""
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% fragment %} takes no argument")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist)
