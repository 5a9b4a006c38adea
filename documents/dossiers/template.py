"""The Word template every dossier starts from, kept in the repository as
`documents/templates/documents/dossiers/dossier.docx`, so an office may restyle
it in Word (fonts, margins, the footer) without touching code.

Regenerate it after changing this file:

    .venv/bin/python -m documents.dossiers.template

It holds no content, only what each dossier inherits: an A4 page with the
margins of a Chinese official form, SimSun body text and SimHei headings (the
East Asian font set on each style, so Word and WPS use them for Chinese), a
bordered table style and a footer "第 X 页 共 Y 页" made of PAGE and NUMPAGES
fields, which Word fills in when it lays the pages out.
"""

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

TEMPLATE_PATH = (
    Path(__file__).resolve().parent.parent / "templates" / "documents" / "dossiers" / "dossier.docx"
)

BODY_FONT = "SimSun"  # 宋体
HEADING_FONT = "SimHei"  # 黑体
LATIN_FONT = "Times New Roman"


def set_fonts(style_or_run, east_asian: str, latin: str = LATIN_FONT) -> None:
    """Latin and East Asian typefaces: python-docx's `font.name` sets only the
    Latin ones, and Word picks the East Asian one for Chinese text."""
    style_or_run.font.name = latin
    properties = style_or_run.element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), east_asian)


def _field(paragraph, instruction: str) -> None:
    """A field (PAGE, NUMPAGES) that Word computes when it lays the pages out."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None), ("end", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
            if kind == "separate":
                placeholder = OxmlElement("w:t")
                placeholder.text = "1"
                run._r.append(placeholder)
        else:
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = f" {text} "
            run._r.append(code)


def build_template(path: Path = TEMPLATE_PATH) -> Path:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.2)
    section.footer_distance = Cm(1.2)

    normal = document.styles["Normal"]
    set_fonts(normal, BODY_FONT)
    normal.font.size = Pt(10.5)  # 五号
    normal.paragraph_format.space_after = Pt(3)
    normal.paragraph_format.line_spacing = 1.25

    sizes = {"Title": 18, "Heading 1": 14, "Heading 2": 12}  # 小二, 四号, 小四
    for name, size in sizes.items():
        style = document.styles[name]
        set_fonts(style, HEADING_FONT)
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = None
        style.paragraph_format.space_before = Pt(12 if name != "Title" else 0)
        style.paragraph_format.space_after = Pt(6)
    title = document.styles["Title"]
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # The default Title has a blue rule below it; a form's title has none.
    borders = title.element.get_or_add_pPr().find(qn("w:pBdr"))
    if borders is not None:
        borders.getparent().remove(borders)

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("第 ")
    _field(footer, "PAGE")
    footer.add_run(" 页 共 ")
    _field(footer, "NUMPAGES")
    footer.add_run(" 页")

    # python-docx's blank document opens with no paragraph; keep the body empty.
    for paragraph in list(document.paragraphs):
        paragraph._element.getparent().remove(paragraph._element)
    document.core_properties.author = ""
    document.core_properties.title = ""
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


if __name__ == "__main__":
    print(build_template())
