"""{% fragment %}…{% endfragment %}: the cached block of a page (pilote.core.fragments)."""

from django import template
from django.utils.safestring import mark_safe

from pilote.core import fragments

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        html = context.get(fragments.HTML)
        if html is not None:
            return mark_safe(html)
        html = self.nodelist.render(context)
        key = context.get(fragments.KEY)
        if key:
            fragments.store(key, html)
        return html


@register.tag("fragment")
def do_fragment(parser: template.base.Parser, token: template.base.Token) -> FragmentNode:
    """Write the block from the cache on a hit, else render it and store it under the key."""
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% fragment %} takes no argument")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist)
