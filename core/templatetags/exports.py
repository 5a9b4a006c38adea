from django import template
from django.http import QueryDict

from core.exports import export_links as links_to

register = template.Library()


@register.inclusion_tag("includes/export_links.html")
def export_links(api_name: str, **filters):
    """Excel and CSV buttons for the records of a section of a page (a studio's
    members, a pairing's sessions), through the API list's export with `filters`."""
    query = QueryDict(mutable=True)
    query.update({name: value for name, value in filters.items() if value is not None})
    return {"export_links": links_to(api_name, query)}
