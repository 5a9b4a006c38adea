"""The PDFs the product writes (fpdf2): certificates (documents), activation
slips (accounts). Every word is set in the font the project ships
(core/fonts/, a subset of Noto Sans CJK SC under the SIL OFL), and fpdf2
embeds the glyphs used (fontTools subsets them), so a file reads the same on a
machine without any Chinese font; no system font is ever read."""

import logging
from pathlib import Path

from django.utils.translation import gettext as _
from fpdf import FPDF

FONT_FILE = Path(__file__).resolve().parent / "fonts" / "NotoSansSC-Subset.ttf"
FONT = "noto-sans-sc"
PDF_TYPE = "application/pdf"

# fontTools logs every subsetting step at INFO, which the root logger prints:
# a dozen lines per download.
logging.getLogger("fontTools").setLevel(logging.WARNING)


def new_pdf(*, title: str, orientation: str = "portrait") -> FPDF:
    """An A4 document in millimetres with the shipped font loaded as `FONT`
    (page breaks are the caller's: each layout places its own pages)."""
    pdf = FPDF(orientation=orientation, unit="mm", format="A4")
    pdf.set_title(str(title))
    pdf.set_creator(str(_("Innovation Studios")))
    pdf.set_auto_page_break(False)
    pdf.add_font(FONT, fname=str(FONT_FILE))
    return pdf


def fitted(pdf: FPDF, text: str, width: float) -> str:
    """`text` cut (with "…") to fit `width` at the current font size: a long
    unit name must not run into the next slip or off the page."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"
