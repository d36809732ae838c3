"""The three real PDFs of the corpus and the blank official template, hand-checked cell by cell
(values read off the rendered pages); the fast PDF readers give what pdfminer and pdfplumber give."""

from __future__ import annotations

import io

import pdfplumber
import pytest
from pdfminer import pdfinterp
from pdfminer.cmapdb import CMapParser, FileUnicodeMap
from pdfminer.pdftypes import PDFStream
from pdfminer.psparser import PSEOF

from assistant import catalogue
from assistant.check import check_report
from assistant.load.pdf import pdf_to_text
from assistant.load.pdf_fast import ORIGINALS, FastCMapParser, FastContentParser
from assistant.models import CellStatus
from conftest import CORPUS, corpus_file, read, sample
from documents import report_blocks, to_pdf
from expected import active, appeals, mismatches, requests, row7
from test_seed_figures import SEED_EXPECTATIONS

MISSING_OTHER_ROWS = {f"requests.other.{r}.{c}": None for r in ("overdue_correction", "overdue_fee", "other")
                      for c, _ in catalogue.APPLICANT_COLUMNS}

PDF_EXPECTATIONS = {
    "huaian_2024.pdf": {
        "meta": {"body": "淮安市人民政府", "region": "淮安市", "year": 2024, "template": "2021"},
        "figures": {
            **active("2021", {"regulation": [1, 0, 11], "normative_doc": [8, 26, 66], "licensing": [447228],
                              "punishment": [3985758], "coercion": [88283], "admin_fee": [96171.6]}),
            **requests("2021", {
                "new": row7(3001, 3119, commercial=53, legal=61, other_org=4),
                "carried_over": row7(34, 34),
                "granted": row7(1288, 1362, commercial=21, legal=50, other_org=3),
                "partly_granted": row7(447, 454, commercial=7),
                "withheld.state_secret": row7(2, 2), "withheld.law_forbidden": row7(30, 31, commercial=1),
                "withheld.security_stability": row7(5, 5), "withheld.third_party": row7(6, 6),
                "withheld.internal_affairs": row7(7, 8, commercial=1), "withheld.process_info": row7(12, 12),
                "withheld.enforcement_file": row7(9, 9), "withheld.admin_query": row7(105, 105),
                "unable.not_held": row7(746, 769, commercial=12, legal=10, other_org=1),
                "unable.needs_creation": row7(11, 11), "unable.unclear": row7(1, 1),
                "not_processed.complaint": row7(56, 62, commercial=6), "not_processed.duplicate": row7(25, 25),
                "not_processed.reconfirm": row7(1, 1),
                "other.overdue_correction": row7(67, 71, commercial=3, legal=1), "other.overdue_fee": row7(6, 6),
                "other.other": row7(108, 110, commercial=2),
                "total": row7(2932, 3050, commercial=53, legal=61, other_org=4),
                "carried_forward": row7(103, 103)}),
            **appeals([72, 64, 178, 37, 351], [13, 4, 8, 1, 26], [12, 1, 1, 6, 20]),
        },
        "pages": {"active.regulation.issued": 3, "requests.new.total": 4, "requests.total.total": 5,
                  "appeals.review.total": 5},
    },
    # Prints （六）其他处理 as one row (no sub-rows) and a section 四 whose 总计 cells are 0.
    "huaian_hongzequ_2023.pdf": {
        "meta": {"body": "洪泽区人民政府", "year": 2023, "template": "2021"},
        "figures": {
            **active("2021", {"regulation": [0, 0, 0], "normative_doc": [0, 5, 5], "licensing": [550],
                              "punishment": [4119], "coercion": [195], "admin_fee": [7730.28]}),
            **requests("2021", {
                "new": row7(21, 21), "partly_granted": row7(4, 4), "withheld.state_secret": row7(1, 1),
                "withheld.process_info": row7(1, 1), "withheld.enforcement_file": row7(1, 1),
                "unable.not_held": row7(10, 10), "unable.needs_creation": row7(3, 3),
                "not_processed.complaint": row7(1, 1), "total": row7(21, 21)}),
            **MISSING_OTHER_ROWS,
            **appeals([10, 1, 0, 0, 0], [0] * 5, [5, 0, 0, 0, 0]),
        },
        "pages": {"requests.new.total": 3, "requests.unable.unclear.total": 4},
    },
    "huaian_hongzequ_2024.pdf": {
        "meta": {"body": "淮安市洪泽区人民政府", "year": 2024, "template": "2021"},
        "figures": {
            **active("2021", {"regulation": [0, 0, 0], "normative_doc": [3, 0, 8], "licensing": [9487],
                              "punishment": [2776], "coercion": [84], "admin_fee": [7545]}),
            **requests("2021", {
                "new": row7(95, 95), "granted": row7(50, 50), "partly_granted": row7(9, 9),
                "withheld.security_stability": row7(1, 1), "withheld.process_info": row7(1, 1),
                "withheld.enforcement_file": row7(1, 1), "unable.not_held": row7(31, 31),
                "unable.needs_creation": row7(1, 1), "not_processed.complaint": row7(1, 1), "total": row7(95, 95)}),
            **MISSING_OTHER_ROWS,
            **appeals([1, 1, 0, 0, 2], [1, 0, 0, 0, 1], [2, 0, 1, 0, 3]),
        },
        "pages": {"requests.new.total": 3, "appeals.review.total": 4},
    },
}


@pytest.mark.parametrize("name", sorted(PDF_EXPECTATIONS))
def test_real_pdf_matches_the_hand_check(name):
    report = read(corpus_file(name))
    expected = PDF_EXPECTATIONS[name]
    assert mismatches(report, expected) == {}
    pages = {c["key"]: c["page"] for c in report.to_contract()["cells"]}
    assert {k: pages[k] for k in expected["pages"]} == expected["pages"]


def test_pdf_findings_are_the_ones_printed_in_the_documents():
    hongze_2023 = check_report(read(corpus_file("huaian_hongzequ_2023.pdf")))
    assert {(f.rule, f.keys[-1]) for f in hongze_2023 if f.severity == "error"} == {
        ("APPEAL_TOTAL", "appeals.review.total"), ("APPEAL_TOTAL", "appeals.suit_after_review.total")}
    assert not [f for f in check_report(read(corpus_file("huaian_2024.pdf"))) if f.severity == "error"]


def test_blank_official_template_shows_the_whole_grid():
    template = CORPUS / "template" / "2021_blank_template.docx"
    if not template.exists():
        pytest.skip("corpus not available")
    report = read(template)
    assert report.meta.template == "2021"
    assert [s.id for s in report.sections] == ["一", "二", "三", "四", "五", "六"]
    assert len(report.cells) == 200
    assert all(c.status == CellStatus.BLANK for c in report.cells)
    lines = report.document.text.split("\n")
    assert "| 三、本年度办理结果 | （一）予以公开 |  |  |  |  |  |  |  |" in lines
    assert "| 2.其他法律行政法规禁止公开 |  |  |  |  |  |  |  |" in lines


def rendered_seed_pdfs() -> dict[str, bytes]:
    pdfs = {}
    for seed, expected in SEED_EXPECTATIONS.items():
        blocks = report_blocks(sample(seed), expected["meta"]["template"], expected["figures"])
        pdfs[f"{seed}.pdf"] = to_pdf(blocks)
    return pdfs


@pytest.fixture(scope="module")
def text_layer_pdfs() -> dict[str, bytes]:
    """The corpus PDFs (when the corpus is there) and the seeds rendered as PDF."""
    real = {p.name: p.read_bytes() for p in sorted((CORPUS / "raw").glob("*.pdf"))}
    return {**real, **rendered_seed_pdfs()}


def test_fast_content_reader_gives_pdfminers_objects(text_layer_pdfs):
    """Every page's content read by the fast path is pdfminer's own reading, object for object."""
    compared = 0
    for name, data in text_layer_pdfs.items():
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                streams = pdfinterp.list_value(page.page_obj.contents)
                assert list(FastContentParser(streams).objects()) == pdfminer_objects(streams), (name, page.page_number)
                compared += 1
    assert compared >= 20


# Content that pdfminer reads in surprising ways: names with # escapes, "1.23.4" read as 1.23 and
# .4, numbers it drops ("." "+-1"), escapes it drops ("\\q"), a line break after a backslash, a
# lone hexadecimal digit, a hexadecimal string before ">", nested strings and arrays, booleans in
# arrays, comments, dictionaries, procedures, quote operators and an inline image.
AWKWARD_CONTENT = rb"""q /A#20B gs /ABSEKN+#e4#bb 1 Tf 1.23.4 -.5 . +-1 5. .5 -0 007 1.2e5 (a\\) b\) c \101\0121 \q \
x\r\ny) (nested (p) q) <41 4> <4142>> [1 2 /N (s) <20>] TJ [1 [2]] [true] true false %comment
12 % c2
/N#41me /x/y/ <<>> {x} ' " T* W* f* BI /W 1 ID abc EI Q <> () 1 0 0 1 2 3 cm ]""" + b" (cr\\\r\nlf) Tj"


def test_fast_content_reader_reads_awkward_content_as_pdfminer_does():
    """Every prefix and suffix too, so that each kind of token is also cut by the end of the content."""
    cuts = [AWKWARD_CONTENT[:end] for end in range(1, len(AWKWARD_CONTENT), 3)]
    cuts += [AWKWARD_CONTENT[start:] for start in range(0, len(AWKWARD_CONTENT), 3)]
    for content in cuts:
        streams = [PDFStream({}, content)]
        assert written(list(FastContentParser(streams).objects())) == written(pdfminer_objects(streams)), content


def test_an_octal_escape_beyond_a_byte_fails_as_in_pdfminer():
    streams = [PDFStream({}, rb"(\777) Tj 1 2 Td")]
    with pytest.raises(AssertionError):
        pdfminer_objects(streams)
    with pytest.raises(AssertionError):
        list(FastContentParser(streams).objects())


def test_fast_tokenizer_gives_pdfminers_tokens_and_positions():
    assert all_tokens(FastCMapParser(FileUnicodeMap(), io.BytesIO(AWKWARD_CONTENT))) == \
        all_tokens(CMapParser(FileUnicodeMap(), io.BytesIO(AWKWARD_CONTENT)))


def all_tokens(parser) -> list:
    tokens = []
    while True:
        try:
            tokens.append(parser.nexttoken())
        except PSEOF:
            return tokens


def written(objects: list) -> str:
    """Inline images are streams, which compare by identity: compare what is written out."""
    return repr([(o.attrs, o.rawdata) if isinstance(o, PDFStream) else o for o in objects])


def pdfminer_objects(streams) -> list:
    parser, objects = pdfinterp.PDFContentParser(streams), []
    while True:
        try:
            objects.append(parser.nextobject()[1])
        except PSEOF:
            return objects


def test_fast_pdf_readers_load_the_same_objects_and_text_as_pdfminer_and_pdfplumber(text_layer_pdfs, monkeypatch):
    fast = {name: (page_objects(data), pdf_to_text(data, name)) for name, data in text_layer_pdfs.items()}
    for owner, attribute, original in ORIGINALS:
        monkeypatch.setattr(owner, attribute, original)
    for name, data in text_layer_pdfs.items():
        objects, text = fast[name]
        assert objects == page_objects(data), name
        assert text == pdf_to_text(data, name), name


def page_objects(data: bytes) -> list[str]:
    """Every character, rule and image pdfplumber gives for each page, and the cells of the tables
    it finds there, written out exactly (the text of a number is its exact value)."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [repr(page.objects) + repr([table.cells for table in page.find_tables()]) for page in pdf.pages]


def test_table_cells_and_text_bands_are_pdfplumbers(text_layer_pdfs):
    """The loader's own readings of table cells and of the text between tables are pdfplumber's
    `Table.extract()` and `page.crop(...).extract_text_lines()`."""
    from assistant.load.pdf import _band_lines, _cell_texts

    tables = bands = 0
    for name, data in text_layer_pdfs.items():
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                edges = [0.0]
                for table in page.find_tables():
                    assert _cell_texts(table, page.chars) == table.extract(), (name, page.page_number)
                    edges += [table.bbox[1], table.bbox[3]]
                    tables += 1
                for top, bottom in zip(edges, edges[1:] + [page.height]):
                    if bottom - top >= 1:
                        expected = [{k: line[k] for k in ("text", "x0", "x1", "top", "bottom")}
                                    for line in page.crop((0, top, page.width, bottom)).extract_text_lines()]
                        got = [{k: line[k] for k in ("text", "x0", "x1", "top", "bottom")}
                               for line in _band_lines(page, top, bottom)]
                        assert got == expected, (name, page.page_number, top)
                        bands += 1
    assert tables >= 10 and bands >= 20
