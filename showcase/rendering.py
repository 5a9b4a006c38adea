"""A story's Markdown as safe HTML. Writers type Markdown (or paste text); the
HTML that reaches a page has passed through nh3's allow-list, so a pasted
<script>, an onerror= or a javascript: link is dropped, never run."""

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "blockquote",
    "ul", "ol", "li", "code", "pre", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}
# Links to the intranet and the web; no javascript:, data: or file: URLs.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# Songs, clapper talk and poems keep their line breaks ("nl2br").
EXTENSIONS = ["tables", "sane_lists", "nl2br"]


def markdown_to_safe_html(text: str) -> SafeString:
    html = markdown.markdown(text or "", extensions=EXTENSIONS, output_format="html")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)
