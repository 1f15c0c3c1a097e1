"""The PDF's fonts: Bitstream Vera, which ships inside the reportlab wheel (so no machine
needs fonts installed), embedded as TrueType so the text is Unicode and extractable — the
PDF base fonts cover Latin-1 only."""

from __future__ import annotations

from functools import cache

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR, BOLD, ITALIC, BOLD_ITALIC = "Vera", "Vera-Bold", "Vera-Italic", "Vera-BoldItalic"
FILES = {REGULAR: "Vera.ttf", BOLD: "VeraBd.ttf", ITALIC: "VeraIt.ttf", BOLD_ITALIC: "VeraBI.ttf"}


@cache
def register() -> None:
    """Register the family once per process (reportlab's font registry is global)."""
    for name, file in FILES.items():
        pdfmetrics.registerFont(TTFont(name, file))
    # <b> and <i> in a paragraph pick the family's faces.
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, ITALIC)
    addMapping(REGULAR, 1, 1, BOLD_ITALIC)
