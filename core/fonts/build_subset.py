"""Builds the font of every PDF the product writes (core/pdf.py: certificates,
activation slips): a subset of Noto Sans CJK SC Regular (SIL OFL 1.1, see
OFL.txt) holding GB 2312 (every character of its 6,763 hanzi, its punctuation
and symbols), printable ASCII, and the characters listed in
extra_characters.txt (name characters outside GB 2312, such as 喆 堃 赟 玥),
with its outlines converted from CFF to TrueType.

Why TrueType: a PDF reader is surest of a CIDFontType2 with a FontFile2 (every
reader, printer driver and text extractor handles it), and fpdf2 writes that
kind with exact glyph widths; its CFF path wrote widths keyed by the original
CIDs, so extractors read a space between every two characters. The serif face
in TrueType came to 5.5 MB, the sans face to under 4 MB.

Run once, by hand, where the full font is installed (Debian: fonts-noto-cjk),
and commit the result; the app reads only the vendored file, never a system
font (docs/documents.md, "Font"). A name that needs a character the subset
lacks: add it to extra_characters.txt and run this again.

    .venv/bin/python core/fonts/build_subset.py [/path/to/NotoSansCJK-Regular.ttc]
"""

import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

HERE = Path(__file__).resolve().parent
SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
SOURCE_NAME = "Noto Sans CJK SC"
TARGET = HERE / "NotoSansSC-Subset.ttf"
# Tables a horizontal PDF line does not read (fpdf2 shapes no text here).
UNUSED_TABLES = ("GDEF", "GPOS", "GSUB", "BASE", "vhea", "vmtx", "VORG")


def gb2312_characters() -> set[str]:
    """Every character GB 2312 encodes: rows 0xA1–0xF7, cells 0xA1–0xFE."""
    characters = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                characters.add(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return characters


def wanted_characters() -> set[str]:
    ascii_printable = {chr(code) for code in range(0x20, 0x7F)}
    extra = (HERE / "extra_characters.txt").read_text(encoding="utf-8")
    extra_characters = {
        character
        for line in extra.splitlines()
        if not line.startswith("#")
        for character in line
        if not character.isspace()
    }
    return gb2312_characters() | ascii_printable | extra_characters


def source_font(path: str) -> TTFont:
    """The Simplified Chinese face of the collection (or the file itself)."""
    if path.endswith(".ttc"):
        for font in TTCollection(path).fonts:
            if font["name"].getDebugName(1) == SOURCE_NAME:
                return font
        raise SystemExit(f"{SOURCE_NAME} is not in {path}")
    return TTFont(path)


def to_truetype(font: TTFont) -> None:
    """CFF cubic outlines to TrueType quadratic ones (within 1/1000 em)."""
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    for tag in ("CFF ", *UNUSED_TABLES):
        if tag in font:
            del font[tag]
    font.sfntVersion = "\x00\x01\x00\x00"
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 3.0  # no glyph names: the PDF maps glyphs by number


def main() -> None:
    font = source_font(sys.argv[1] if len(sys.argv) > 1 else SOURCE)
    characters = wanted_characters()
    missing = sorted(c for c in characters if ord(c) not in font.getBestCmap())
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]  # keeps the copyright and licence records
    options.notdef_outline = True
    options.hinting = False  # PDF readers rasterise CFF without the hints
    options.desubroutinize = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in characters])
    subsetter.subset(font)
    to_truetype(font)
    font.save(TARGET)
    print(f"{TARGET.name}: {len(characters)} characters asked, {len(missing)} not in the font")
    print(f"{TARGET.stat().st_size / 1024 / 1024:.2f} MiB")


if __name__ == "__main__":
    main()
