"""A story's Markdown as safe HTML, rendered once when the story is saved.

cmark-gfm (GitHub's C implementation of CommonMark, through `cmarkgfm`) parses
in linear time, so no text a writer can paste, however odd, ties up a worker;
without its "unsafe" option it drops raw HTML and `javascript:` links itself.
The HTML then passes nh3's allow-list as well, so a pasted <script>, an
onerror= or a javascript: link never reaches a page even if the parser let it by.
"""

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "del",
    "blockquote",
    "ul",
    "ol",
    "li",
    "code",
    "pre",
    "a",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}
# Links to the intranet and the web; no javascript:, data: or file: URLs.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# Songs, clapper talk and poems keep their line breaks.
OPTIONS = Options.CMARK_OPT_HARDBREAKS


def _same_site_images(tag: str, attribute: str, value: str) -> str | None:
    """Images only from this site (a story's own photos): an outside image would
    tell another server who reads the story."""
    same_site = value.startswith("/") and not value.startswith("//")
    if tag == "img" and attribute == "src" and not same_site:
        return None
    return value


def markdown_to_html(text: str) -> str:
    """Sanitised HTML for a story body (stored on the story by the services)."""
    html = cmarkgfm.github_flavored_markdown_to_html(text or "", options=OPTIONS)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        attribute_filter=_same_site_images,
        link_rel="noopener noreferrer nofollow",
    )
