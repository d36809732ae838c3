"""A document written as a Word file laid out like a Chinese official document (GB/T 9704-2012),
so that a memo can be sent out as it is rather than re-typed: A4 paper, type area 156 × 225 mm
(top margin 37 mm, binding-side margin 28 mm), the title in 小标宋 二号, the body in 仿宋 三号 at
22 lines a page, level-one headings in 黑体, level-two in 楷体, and page numbers "— 1 —" in 宋体
四号 under the type area (odd pages right, even pages left).

Chinese text takes its font from the East-Asian slot of a run (w:eastAsia), and python-docx's
template points that slot at the theme; so every style and every run names its East-Asian font
explicitly and the theme references are removed. Offices without 方正小标宋简体 get 黑体 through
the font table's alternative name.
"""

from __future__ import annotations

import io
import zipfile

import docx
from lxml import etree
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from assistant.draft.document import Bullets, Document, Heading, Paragraph, Quote, Salutation, Table

TITLE_FONT = "方正小标宋简体"
HEADING_FONTS = {1: "黑体", 2: "楷体"}
BODY_FONT = "仿宋"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
FONT_ALTERNATIVES = {TITLE_FONT: "黑体", "黑体": "SimHei", "楷体": "KaiTi", "仿宋": "FangSong", "宋体": "SimSun"}

SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
SIZE_5 = Pt(10.5)  # 五号, table cells of the appendix
BODY_LINE = Pt(28.95)  # 22 lines in the 225 mm type area
TITLE_LINE = Pt(35)
INDENT = Pt(32)  # two characters of 三号

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
TOP, BOTTOM, LEFT, RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
FOOTER_DISTANCE = Mm(21)
TYPE_AREA_WIDTH = Mm(156)
# the elements a paragraph's w:snapToGrid must precede (schema order of w:pPr)
_AFTER_SNAP_TO_GRID = ("w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                       "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
                       "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
LABEL_COLUMN = Mm(50)  # the page number line starts about 7 mm below the type area


def to_docx(document: Document) -> bytes:
    word = docx.Document()
    _page_setup(word)
    _restyle(word)
    _register_fonts(word)
    word.core_properties.title = document.title
    word.core_properties.author = word.core_properties.last_modified_by = "政府信息公开年报审核助手"
    word.core_properties.comments = ""
    _paragraph(word, document.title, TITLE_FONT, SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, line=TITLE_LINE,
               style="Title", indent=False, space_after=BODY_LINE)
    for block in document.blocks:
        _write_block(word, block)
    out = io.BytesIO()
    word.save(out)
    return _without_timestamps(out.getvalue())


def _without_timestamps(package: bytes) -> bytes:
    """The same package with every zip entry dated 1980-01-01, so the same memo gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(zipfile.ZipInfo(entry.filename, date_time=(1980, 1, 1, 0, 0, 0)), source.read(entry),
                            compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _write_block(word, block) -> None:
    if isinstance(block, Heading):
        if block.new_page:
            word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        level = min(block.level, 3)
        _paragraph(word, block.text, HEADING_FONTS.get(level, BODY_FONT), SIZE_3, style=f"Heading {level}")
    elif isinstance(block, Salutation):
        _paragraph(word, block.text, BODY_FONT, SIZE_3, indent=False)
    elif isinstance(block, Paragraph):
        _paragraph(word, block.text, BODY_FONT, SIZE_3)
    elif isinstance(block, Bullets):
        for number, item in enumerate(block.items, 1):
            _paragraph(word, f"（{number}）{item}", BODY_FONT, SIZE_3)
    elif isinstance(block, Quote):
        for line in block.text.split("\n"):
            _paragraph(word, line, HEADING_FONTS[2], SIZE_3)
    else:
        _table(word, block)


def _page_setup(word) -> None:
    section = word.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = TOP, BOTTOM
    section.left_margin, section.right_margin = LEFT, RIGHT
    section.footer_distance = FOOTER_DISTANCE
    grid = section._sectPr.find(qn("w:docGrid"))
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(int(BODY_LINE.twips)))
    word.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def _page_number(paragraph, align) -> None:
    """'— N —' with one character of space on the outer side, as GB/T 9704 prints page numbers."""
    paragraph.alignment = align
    side = "right" if align == WD_ALIGN_PARAGRAPH.RIGHT else "left"
    setattr(paragraph.paragraph_format, f"{side}_indent", SIZE_4)
    _run(paragraph, "— ", PAGE_NUMBER_FONT, SIZE_4)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = _run(paragraph, "", PAGE_NUMBER_FONT, SIZE_4)
        if kind:
            mark = OxmlElement("w:fldChar")
            mark.set(qn("w:fldCharType"), kind)
            run._r.append(mark)
        elif text == " PAGE ":
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = text
            run._r.append(code)
        else:
            run.text = text
    _run(paragraph, " —", PAGE_NUMBER_FONT, SIZE_4)


def _set_fonts(r_pr, east_asian: str) -> None:
    """Name the fonts of every script slot explicitly (no theme fonts)."""
    fonts = r_pr.get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute, name in (("w:ascii", LATIN_FONT), ("w:hAnsi", LATIN_FONT), ("w:eastAsia", east_asian),
                            ("w:cs", LATIN_FONT)):
        fonts.set(qn(attribute), name)


def _restyle(word) -> None:
    """Document defaults and the styles used, in the official fonts, black, without theme colours."""
    defaults = word.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(defaults, BODY_FONT)
    defaults.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    for name, font in (("Normal", BODY_FONT), ("Title", TITLE_FONT), ("Heading 1", HEADING_FONTS[1]),
                       ("Heading 2", HEADING_FONTS[2]), ("Heading 3", BODY_FONT)):
        style = word.styles[name]
        _set_fonts(style.element.get_or_add_rPr(), font)
        style.font.size = SIZE_2 if name == "Title" else SIZE_3
        style.font.bold = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.font.color.theme_color = None
        p_pr = style.element.get_or_add_pPr()
        for border in p_pr.findall(qn("w:pBdr")):
            p_pr.remove(border)
        spacing = style.paragraph_format
        spacing.space_before = spacing.space_after = Pt(0)
        spacing.line_spacing_rule, spacing.line_spacing = WD_LINE_SPACING.EXACTLY, BODY_LINE


def _register_fonts(word) -> None:
    """Font table entries with the alternative name and the GB2312 character set of each Chinese
    font, so that a word processor missing one substitutes a Chinese font of the same kind."""
    part = next(p for p in word.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
    table = etree.fromstring(part.blob)
    for name, alternative in FONT_ALTERNATIVES.items():
        font = etree.SubElement(table, qn("w:font"), {qn("w:name"): name})
        etree.SubElement(font, qn("w:altName"), {qn("w:val"): alternative})
        etree.SubElement(font, qn("w:charset"), {qn("w:val"): "86"})
        etree.SubElement(font, qn("w:family"), {qn("w:val"): "modern" if name == "黑体" else "roman"})
        etree.SubElement(font, qn("w:pitch"), {qn("w:val"): "variable"})
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


def _run(paragraph, text: str, font: str, size, bold: bool = False):
    run = paragraph.add_run(text)
    _set_fonts(run._r.get_or_add_rPr(), font)
    run.font.size = size
    run.font.bold = bold
    return run


def _paragraph(word, text: str, font: str, size, align=WD_ALIGN_PARAGRAPH.JUSTIFY, line=BODY_LINE,
               style: str = "Normal", indent: bool = True, space_after=Pt(0)):
    paragraph = word.add_paragraph(style=style)
    paragraph.alignment = align
    layout = paragraph.paragraph_format
    layout.line_spacing_rule, layout.line_spacing = WD_LINE_SPACING.EXACTLY, line
    layout.space_before, layout.space_after = Pt(0), space_after
    layout.first_line_indent = INDENT if indent else Pt(0)
    if line != BODY_LINE:
        _off_grid(paragraph)
    _run(paragraph, text, font, size)
    return paragraph


def _off_grid(paragraph) -> None:
    """Lines not on the 22-line grid (title, table cells) keep their own spacing instead of snapping."""
    paragraph._p.get_or_add_pPr().insert_element_before(_flag("w:snapToGrid", "0"), *_AFTER_SNAP_TO_GRID)


def _table(word, block: Table) -> None:
    if block.caption:
        _paragraph(word, block.caption, HEADING_FONTS[1], SIZE_4, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    table = word.add_table(rows=1 + len(block.rows), cols=len(block.header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = _column_widths(len(block.header))
    for column, width in zip(table.columns, widths):
        column.width = width
    header_row = table.rows[0]
    header_row._tr.get_or_add_trPr().append(_flag("w:tblHeader"))
    for row_number, texts in enumerate([block.header] + block.rows):
        for column, text in enumerate(texts):
            cell = table.cell(row_number, column)
            cell.width = widths[column]
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if column == 0 else WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            paragraph.paragraph_format.first_line_indent = Pt(0)
            _off_grid(paragraph)
            _run(paragraph, text, HEADING_FONTS[1] if row_number == 0 else BODY_FONT, SIZE_5)
    _paragraph(word, "", BODY_FONT, SIZE_3, indent=False)


def _column_widths(count: int) -> list:
    """The type area's width: a wide label column when the table has several value columns."""
    label = LABEL_COLUMN if count > 3 else TYPE_AREA_WIDTH // count
    rest = (TYPE_AREA_WIDTH - label) // max(count - 1, 1)
    return [label] + [rest] * (count - 1)


def _flag(tag: str, value: str = "true"):
    element = OxmlElement(tag)
    element.set(qn("w:val"), value)
    return element
