"""Faster equivalents of pdfminer's and pdfplumber's hot loops, giving exactly the objects theirs give.

Reading a PDF's text layer spent three quarters of its CPU time in pdfminer reading each page's
content (the operators that place every character and draw every table rule): a chain of Python
methods per byte class, a debug log call per token, a method-name lookup per operator. Most of a
content stream is plain operands and operators (`12.95 0 0 12.95 496.9 793.5 Tm`, `<0031> Tj`),
which one regular expression reads in a single step.

- `FastContentParser.objects` reads those itself and yields the objects pdfminer's `nextobject`
  would; anything else (comments, names with `#`, nested strings, dictionaries, arrays holding more
  than operands, inline images, a token cut by the end of the buffer or of a stream, numbers
  pdfminer drops) is left to pdfminer's own reader from the same position, so the result never
  depends on which path read it. `FastCMapParser` and `FastPDFParser` read fonts' character maps
  and the file's objects with the same path for plain tokens.
- `FastPageInterpreter.execute` runs the operators as pdfminer's `execute` does, with each operator's
  method and argument count looked up once per page instead of once per operator.
- `resolve_all_fast` and `font_resolve_all_fast` spare pdfplumber's and pdfminer's `resolve_all`
  their recursion for plain numbers, and `process_object_fast` converts a character in one pass.
- `intersections_to_cells_fast` finds a table's cells as pdfplumber does, without its repeated scans.

`install` makes pdfplumber use them, for every PDF this process opens, which is why each must be
exactly equivalent: tests/test_pdf_corpus.py compares, on the corpus PDFs and the rendered seeds, the
content objects, pdfplumber's page objects and table cells, and the loaded text with those of the
originals (`ORIGINALS`), so an upgrade of either library that changes what they do fails there.
"""

from __future__ import annotations

import re

import pdfplumber.page
import pdfplumber.pdf
import pdfplumber.table
from pdfminer import pdffont, pdfinterp, pdftypes, settings
from pdfminer.cmapdb import CMapParser
from pdfminer.pdfparser import PDFParser
from pdfminer.layout import LTChar
from pdfminer.pdftypes import stream_value
from pdfminer.psparser import KWD, LIT, PSEOF, PSBaseParser, PSKeyword, keyword_name
from pdfplumber.utils import obj_to_bbox, resolve_all, resolve_and_decode

# One plain token after optional white space (the same `\s` pdfminer skips): a real or an integer not
# followed by `.` (pdfminer reads `1.2.3` as two reals), a keyword (`true`/`false` are booleans), a
# name without `#` escapes, a literal string without nested parentheses, a hexadecimal string not
# followed by `>` (which pdfminer would read as `>>`), or an array bracket. Each token is followed
# by what ends it in pdfminer's reading, so that no shorter match is found by backtracking.
_PLAIN = re.compile(
    rb"\s*(?:"
    rb"(?P<keyword>[A-Za-z][^#/%\[\]()<>{}\s]*)"
    rb"|(?P<real>[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+))(?![.0-9])"
    rb"|(?P<int>[-+]?[0-9]+)(?![.0-9])"
    rb"|\((?P<string>(?:[^()\\]|\\(?:\r\n|[\s\S]))*)\)"
    rb"|<(?P<hex>[0-9A-Fa-f\s]*)>(?!>)"
    rb"|/(?P<name>[^#/%\[\]()<>{}\s]*)(?=[/%\[\]()<>{}\s])"
    rb"|(?P<open>\[)|(?P<close>\])"
    rb")"
)
_SPACE = re.compile(rb"\s")
_HEX_PAIR = re.compile(rb"[0-9a-fA-F]{2}|.")
_ESCAPE = re.compile(rb"\\(?:([0-7]{1,3})|\r\n|([\s\S]))")
_ESCAPED = {b"b": b"\b", b"t": b"\t", b"n": b"\n", b"f": b"\f", b"r": b"\r", b"(": b"(", b")": b")", b"\\": b"\\"}
_BOOLEANS = {b"true": True, b"false": False}
# Inline images (`BI … ID … EI`) are read by pdfminer's own parser.
_LEFT_TO_PDFMINER = {KWD(b"BI"), KWD(b"ID"), KWD(b"EI")}
_PARSE_MAIN = PSBaseParser._parse_main


class _NotPlain(Exception):
    """The token is one pdfminer's own reader must read."""


def _unescape(match: re.Match) -> bytes:
    """One backslash escape of a literal string, as pdfminer reads it: an unknown escaped
    character is dropped with its backslash, a line break after a backslash is dropped."""
    octal, other = match.group(1), match.group(2)
    if octal:
        code = int(octal, 8)
        if code > 255:  # pdfminer fails on it; let it fail the same way
            raise _NotPlain
        return bytes((code,))
    return _ESCAPED.get(other, b"") if other is not None else b""


def _value(kind: str, text: bytes):
    """The object pdfminer makes of a plain token other than a keyword or a number."""
    if kind == "string":
        return _ESCAPE.sub(_unescape, text) if b"\\" in text else text
    if kind == "hex":
        digits = _SPACE.sub(b"", text)
        if len(digits) % 2 == 0:
            return bytes.fromhex(digits.decode("ascii"))
        return _HEX_PAIR.sub(lambda m: bytes((int(m.group(0), 16),)), digits)  # a last digit alone
    try:
        return LIT(str(text, "utf-8"))
    except UnicodeDecodeError:
        return LIT(text)


def _keyword_value(text: bytes):
    """What pdfminer makes of a keyword token; None for the operators left to pdfminer."""
    value = _BOOLEANS[text] if text in _BOOLEANS else KWD(text)
    return None if value in _LEFT_TO_PDFMINER else value


_KEYWORD, _REAL, _INT, _OPEN, _CLOSE = (_PLAIN.groupindex[name] for name in ("keyword", "real", "int", "open", "close"))
_GROUP_NAMES = {index: name for name, index in _PLAIN.groupindex.items()}


def plain_objects(buffer: bytes, start: int) -> tuple[list, int]:
    """The operands and operators from `start` up to the first token pdfminer's own reader must
    read (or one that touches the end of the buffer, which may go on in the next one), and the
    position after them. An array of plain operands is one object, as in pdfminer."""
    values: list = []
    keywords: dict[bytes, object] = {}
    length, position = len(buffer), start
    array: list | None = None
    array_start = start
    match_at = _PLAIN.match
    try:
        while True:
            match = match_at(buffer, position)
            if match is None:
                break
            end = match.end()
            if end >= length:
                break
            group = match.lastindex
            if group == _KEYWORD:
                if array is not None:  # an operator inside an array
                    break
                text = match[group]
                value = keywords.get(text)
                if value is None:
                    value = keywords[text] = _keyword_value(text)
                    if value is None:
                        break
            elif group == _INT:
                value = int(match[group])
            elif group == _REAL:
                value = float(match[group])
            elif group == _OPEN:
                if array is not None:  # nested arrays
                    break
                array, array_start, position = [], position, end
                continue
            elif group == _CLOSE:
                if array is None:
                    break
                value, array = array, None
            else:
                value = _value(_GROUP_NAMES[group], match[group])
            if array is not None:
                array.append(value)
            else:
                values.append(value)
            position = end
    except _NotPlain:
        pass
    return values, array_start if array is not None else position


def plain_token(buffer: bytes, start: int) -> tuple[int, int, object] | None:
    """(end, start of the token, token) for the plain token at `start`, as pdfminer's tokenizer
    gives it (an array bracket is a keyword there); None when pdfminer's own must read it."""
    match = _PLAIN.match(buffer, start)
    if match is None or match.end() >= len(buffer):
        return None
    kind = match.lastgroup
    text = match.group(kind)
    if kind == "keyword":
        token = _BOOLEANS[text] if text in _BOOLEANS else KWD(text)
    elif kind == "real":
        token = float(text)
    elif kind == "int":
        token = int(text)
    elif kind in ("open", "close"):
        token = KWD(text)
    else:
        try:
            token = _value(kind, text)
        except _NotPlain:
            return None
        return match.end(), match.start(kind) - 1, token  # the token starts at its delimiter
    return match.end(), match.start(kind), token


class _PlainTokens:
    """A pdfminer tokenizer's `nexttoken` with the one-regex path for plain tokens."""

    def nexttoken(self):
        if not (self.eof or self._tokens) and self._parse1.__func__ is _PARSE_MAIN:
            read = plain_token(self.buf, self.charpos)
            if read is not None:
                self.charpos, start, token = read
                return self.bufpos + start, token
        return super().nexttoken()


class FastCMapParser(_PlainTokens, CMapParser):
    """pdfminer's parser of a font's character map (embedded fonts carry one each, read once per
    document)."""

    BUFSIZ = 1 << 20


class FastPDFParser(_PlainTokens, PDFParser):
    """pdfminer's parser of a file's objects (page dictionaries, fonts and their width arrays)."""


class FastContentParser(pdfinterp.PDFContentParser):
    """pdfminer's content parser with a one-regex path for plain operands and operators."""

    BUFSIZ = 1 << 20  # whole streams at once: fewer tokens cut by a buffer end, read the slow way

    def objects(self):
        """The objects `nextobject` would return, in order, until the content ends."""
        while True:
            if not (self.eof or self.results or self.context or self._tokens) and \
                    self._parse1.__func__ is _PARSE_MAIN:
                values, self.charpos = plain_objects(self.buf, self.charpos)
                if values:
                    yield from values
                    continue
            try:
                yield self.nextobject()[1]
            except PSEOF:
                return


class FastPageInterpreter(pdfinterp.PDFPageInterpreter):
    """pdfminer's page interpreter reading content with `FastContentParser`."""

    def execute(self, streams) -> None:
        try:
            parser = FastContentParser(self._streams_to_run(streams))
        except PSEOF:  # empty page
            return
        operators: dict[PSKeyword, tuple] = {}
        for value in parser.objects():
            if not isinstance(value, PSKeyword):
                self.argstack.append(value)
                continue
            operator = operators.get(value)
            if operator is None:
                operator = operators[value] = self._operator(value)
            method, count = operator
            if count:
                arguments = self.pop(count)
                if len(arguments) == count:
                    method(*arguments)
            else:
                method()

    def _streams_to_run(self, streams) -> list:
        """pdfminer's choice of streams: none already being run further up (a circular reference)."""
        chosen = []
        self.stream_ids.clear()
        for item in streams:
            stream = stream_value(item)
            if stream.objid is None:
                pdfinterp.log.warning("Execute called on non-indirect object (inline image?) %r", stream)
            elif stream.objid in self.parent_stream_ids:
                pdfinterp.log.warning("Refusing to execute circular reference to content stream %d", stream.objid)
            else:
                chosen.append(stream)
                self.stream_ids.add(stream.objid)
        return chosen

    def _operator(self, keyword: PSKeyword) -> tuple:
        """(method, argument count) for the operator, as pdfminer finds them; an unknown operator
        does nothing (or fails, if pdfminer is strict)."""
        name = keyword_name(keyword)
        method_name = "do_" + name.replace("*", "_a").replace('"', "_w").replace("'", "_q")
        if hasattr(self, method_name):
            method = getattr(self, method_name)
            return method, method.__code__.co_argcount - 1
        if settings.STRICT:
            raise pdfinterp.PDFInterpreterError(f"Unknown operator: {name!r}")
        return (lambda: None), 0


_RESOLVED = {float, int, bool, str, bytes, type(None)}


def resolve_all_fast(value):
    """pdfplumber's `resolve_all` (which follows object references inside a value) without its
    recursion for the numbers, strings and tuples of numbers that make up almost every attribute
    of a character or a rule: pdfplumber calls it for each of the ~20 attributes of every object."""
    kind = type(value)
    if kind in _RESOLVED:
        return value
    if kind is tuple and _RESOLVED.issuperset(map(type, value)):
        return tuple(value)
    return resolve_all(value)


def font_resolve_all_fast(value, default=None):
    """pdfminer's `resolve_all` as its fonts call it, on a font's table of glyph widths (thousands of
    numbers for a Chinese font) without a recursive call per number."""
    if type(value) is dict:
        for key, item in value.items():
            if type(item) not in _RESOLVED:
                value[key] = pdftypes.resolve_all(item, default=default)
        return value
    if type(value) is list and _RESOLVED.issuperset(map(type, value)):
        return list(value)
    return pdftypes.resolve_all(value, default=default)


_PDFPLUMBER_PROCESS_OBJECT = pdfplumber.page.Page.process_object
_COLOUR_SPACE_NAMES: dict[str, str] = {}


def process_object_fast(page: pdfplumber.page.Page, obj):
    """pdfplumber's `Page.process_object` (a pdfminer layout object as a dict) for a character, in
    one pass over its attributes: nine objects in ten are characters. Other objects, and characters
    of pages whose text pdfplumber normalises or whose media box is shifted, go to pdfplumber's own."""
    if type(obj) is not LTChar or page.pdf.unicode_norm is not None or page.mediabox[0] != 0 or \
            not isinstance(obj.fontname, str):
        return _PDFPLUMBER_PROCESS_OBJECT(page, obj)
    attr = {key: value if type(value) in _RESOLVED else resolve_all_fast(value)
            for key, value in obj.__dict__.items() if key in pdfplumber.page.ALL_ATTRS}
    attr["object_type"] = "char"
    attr["page_number"] = page.page_number
    for space in ("ncs", "scs"):
        if hasattr(obj, space):
            name = getattr(obj, space).name
            decoded = _COLOUR_SPACE_NAMES.get(name) if type(name) is str else None
            if decoded is None:
                decoded = resolve_and_decode(name)
                if type(name) is str:
                    _COLOUR_SPACE_NAMES[name] = decoded
            attr[space] = decoded
    attr["text"] = obj.get_text()
    state = obj.graphicstate
    attr["stroking_color"] = state.scolor if isinstance(state.scolor, tuple) else (state.scolor,)
    attr["non_stroking_color"] = state.ncolor if isinstance(state.ncolor, tuple) else (state.ncolor,)
    media_top = page.mediabox[1]
    attr["top"] = (page.height - attr["y1"]) + media_top
    attr["bottom"] = (page.height - attr["y0"]) + media_top
    attr["doctop"] = page.initial_doctop + attr["top"]
    return attr


def intersections_to_cells_fast(intersections: dict) -> list[tuple]:
    """pdfplumber's `intersections_to_cells`: for each crossing of ruling lines (in sorted order),
    the smallest cell it is the top left corner of, whose four sides are drawn. pdfplumber rebuilds
    the set of lines through two crossings at every test and scans all later crossings for those in
    the same column or row; here both are computed once."""
    points = sorted(intersections)
    lines_through: dict[tuple, tuple[set, set]] = {}
    for point in points:
        edges = intersections[point]
        lines_through[point] = (set(map(obj_to_bbox, edges["v"])), set(map(obj_to_bbox, edges["h"])))
    same_column: dict[float, list] = {}
    same_row: dict[float, list] = {}
    for point in points:
        same_column.setdefault(point[0], []).append(point)
        same_row.setdefault(point[1], []).append(point)

    def connected(first: tuple, second: tuple) -> bool:
        if first[0] == second[0] and not lines_through[first][0].isdisjoint(lines_through[second][0]):
            return True
        return first[1] == second[1] and not lines_through[first][1].isdisjoint(lines_through[second][1])

    cells = []
    for point in points[:-1]:
        below = [other for other in same_column[point[0]] if other > point]
        right = [other for other in same_row[point[1]] if other > point]
        cell = None
        for below_point in below:
            if not connected(point, below_point):
                continue
            for right_point in right:
                if not connected(point, right_point):
                    continue
                corner = (right_point[0], below_point[1])
                if corner in intersections and connected(corner, right_point) and connected(corner, below_point):
                    cell = (point[0], point[1], corner[0], corner[1])
                    break
            if cell:
                break
        if cell:
            cells.append(cell)
    return cells


# What `install` replaces: (owner, attribute, fast equivalent).
REPLACEMENTS = [
    (pdfplumber.page, "PDFPageInterpreter", FastPageInterpreter),
    (pdfplumber.page, "resolve_all", resolve_all_fast),
    (pdfplumber.page.Page, "process_object", process_object_fast),
    (pdffont, "CMapParser", FastCMapParser),
    (pdffont, "resolve_all", font_resolve_all_fast),
    (pdfplumber.pdf, "PDFParser", FastPDFParser),
    (pdfplumber.table, "intersections_to_cells", intersections_to_cells_fast),
]
ORIGINALS = [(owner, name, getattr(owner, name)) for owner, name, _ in REPLACEMENTS]


def install() -> None:
    for owner, name, fast in REPLACEMENTS:
        setattr(owner, name, fast)
