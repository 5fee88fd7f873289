"""Read a report's visible paragraphs from plain text, DOCX or PDF.

Plain text and PDF text are often hard-wrapped: their lines are put back into paragraphs
(reflow.py). From a PDF, page numbers and the headers and footers repeated on every page are
left out; a PDF with no text layer (a scan), a password or too many pages is refused.

For DOCX, Word's automatic list numbering is not in the text runs: it is computed here from
the numbering part (formats, levels, start values, restarts) and written in front of the
paragraph, as a reader sees it ("1.", "a)"). Hidden text (w:vanish), deleted revisions and
field codes are not read: only what a reader sees.
"""

import io
import re
from collections import Counter

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.uploads import check_upload

from .reflow import reflow

ACCEPTED = frozenset({"txt", "docx", "pdf"})
# A report is a few dozen pages; more is not a report (or a PDF built to exhaust the reader).
PDF_MAX_PAGES = 300
PDF_MAX_CHARACTERS = 2_000_000
PAGE_NUMBER_RE = re.compile(
    r"^(?:(?:page|p[aá]gina|p[aá]g\.?|p\.)\s*)?[-–(]?\s*\d{1,3}\s*[-–)]?(?:\s*(?:of|de|/)\s*\d{1,3})?$", re.IGNORECASE
)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_upload(file, name=None):
    """Check an uploaded or opened file and return (paragraphs, text). Raises ValidationError."""
    if name:
        file.name = name
    checked = check_upload(file, kinds=ACCEPTED)
    file.seek(0)
    data = file.read()
    if checked.kind == "docx":
        paragraphs = docx_paragraphs(data, checked.name)
    elif checked.kind == "pdf":
        paragraphs = pdf_paragraphs(data, checked.name)
    else:
        paragraphs = text_paragraphs(data, checked.name)
    return paragraphs, "\n".join(paragraphs)


def text_paragraphs(data, name="report.txt"):
    """Return the non-empty lines of UTF-8 text (a byte-order mark is ignored)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            _("%(file)s: this is not a text file in UTF-8.") % {"file": name}, code="invalid_upload"
        ) from None
    if "\x00" in text:
        raise ValidationError(_("%(file)s: this is not a text file in UTF-8.") % {"file": name}, code="invalid_upload")
    return reflow(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def _refuse(name, message):
    raise ValidationError(_("%(file)s: %(problem)s") % {"file": name, "problem": message}, code="invalid_upload")


def _running_lines(pages):
    """Lines repeated at the top or bottom of most pages (headers, footers), digits aside."""
    if len(pages) < 2:
        return set()
    counts = Counter()
    for lines in pages:
        edges = {re.sub(r"\d+", "#", line) for line in lines[:2] + lines[-2:]}
        counts.update(edges)
    return {line for line, count in counts.items() if count >= max(2, len(pages) * 0.5)}


def pdf_paragraphs(data, name="report.pdf"):
    """Return the paragraphs of a PDF's text layer, without page numbers, running headers and footers."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            _refuse(name, _("the PDF is protected by a password; save it without one and try again."))
        if len(reader.pages) > PDF_MAX_PAGES:
            _refuse(name, _("the PDF has more than %(max)s pages; a report is shorter.") % {"max": PDF_MAX_PAGES})
        pages, total = [], 0
        for page in reader.pages:
            lines = _page_lines(page)
            total += sum(len(text) for _y, text in lines)
            if total > PDF_MAX_CHARACTERS:
                _refuse(name, _("the PDF holds far more text than a report."))
            pages.append(lines)
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - whatever pypdf raises on a damaged file: refuse it, never 500
        _refuse(name, _("the PDF is damaged and its text cannot be read."))
    if not any(pages):
        _refuse(
            name,
            _(
                "the PDF has no text layer (a scanned document?): run it through text recognition, or import the "
                "Word version."
            ),
        )
    running = _running_lines([[text for _y, text in page] for page in pages])
    kept = []
    for page in pages:
        for index, (y, line) in enumerate(page):
            at_edge = index < 2 or index >= len(page) - 2
            if at_edge and (PAGE_NUMBER_RE.match(line) or re.sub(r"\d+", "#", line) in running):
                continue
            kept.append((y, line))
    return _paragraphs_by_spacing(kept) or reflow([line for _y, line in kept])


def _page_lines(page):
    """[(y, text)] of a page's lines, top to bottom; y is None when the PDF does not say where text is."""
    fragments = []

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            y = tm[5] * cm[3] + cm[5] if cm else tm[5]
            fragments.append((round(y * 2) / 2, tm[4], text))

    text = page.extract_text(visitor_text=visit) or ""
    if not fragments:
        return [(None, line.strip()) for line in text.split("\n") if line.strip()]
    rows = {}
    for y, x, piece in fragments:
        rows.setdefault(y, []).append((x, piece))
    lines = []
    for y in sorted(rows, reverse=True):
        line = " ".join(piece.strip() for _x, piece in sorted(rows[y])).strip()
        if line:
            lines.append((y, line))
    return lines


def _paragraphs_by_spacing(lines):
    """Paragraphs from the space between lines (wider between paragraphs than within one), or None
    when the PDF does not space its paragraphs apart (then the line lengths decide, reflow.py)."""
    gaps = [
        round(above[0] - below[0], 1)
        for above, below in zip(lines, lines[1:], strict=False)
        if above[0] is not None and below[0] is not None and 0 < above[0] - below[0] < 200
    ]
    if len(gaps) < 4:
        return None
    line_gap = sorted(gaps)[len(gaps) // 4]  # lines within a paragraph are the closest
    if not any(gap > line_gap * 1.4 for gap in gaps):
        return None
    blocks = [[]]
    for index, (y, line) in enumerate(lines):
        if index and y is not None and lines[index - 1][0] is not None:
            gap = lines[index - 1][0] - y
            if gap > line_gap * 1.4:  # a paragraph goes on across a page break (gap <= 0) unless a marker starts
                blocks.append([])
        blocks[-1].append(line)
    paragraphs = []
    for block in blocks:
        paragraphs += reflow(block, wrapped=True)
    return paragraphs


def docx_paragraphs(data, name="report.docx"):
    """Return the visible paragraphs of a DOCX, with Word's automatic numbers written in."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, OSError, SyntaxError) as error:
        raise ValidationError(
            _("%(file)s: this Word document cannot be read (%(reason)s).")
            % {"file": name, "reason": type(error).__name__},
            code="invalid_upload",
        ) from None
    except Exception as error:  # noqa: BLE001 - lxml and zip errors of a damaged file: refuse, never 500
        raise ValidationError(
            _("%(file)s: this Word document cannot be read (%(reason)s).")
            % {"file": name, "reason": type(error).__name__},
            code="invalid_upload",
        ) from None
    numbering = _Numbering(document)
    paragraphs = []
    body = document.element.body
    for block in body.iterchildren():
        if block.tag == f"{W}p":
            _add(paragraphs, block, numbering, document)
        elif block.tag == f"{W}tbl":
            _add_table(paragraphs, block, numbering, document)
    return paragraphs


# A table cell that only labels its row: "1.", "2)", "a)", "IV.".
LABEL_CELL_RE = re.compile(r"^\(?[0-9A-Za-z]{1,4}\s*(?:\.-|[.)\-–])?$")


def _add_table(paragraphs, table, numbering, document):
    """Read a table row by row; a row whose first cell is only a number or letter is one paragraph."""
    for row in table.iter(f"{W}tr"):
        cells = [list(cell.iter(f"{W}p")) for cell in row.iter(f"{W}tc")]
        first = " ".join(_visible_text(p).strip() for p in cells[0]).strip() if cells else ""
        if len(cells) > 1 and first and LABEL_CELL_RE.match(first):
            rest = []
            for cell in cells[1:]:
                _add_all(rest, cell, numbering, document)
            if rest:
                rest[0] = f"{first} {rest[0]}"
            paragraphs.extend(rest)
            continue
        for cell in cells:
            _add_all(paragraphs, cell, numbering, document)


def _add_all(paragraphs, ps, numbering, document):
    for p in ps:
        _add(paragraphs, p, numbering, document)


def _add(paragraphs, p, numbering, document):
    text = _visible_text(p).strip()
    if not text:
        return
    label = numbering.label_for(p, document)
    paragraphs.append(f"{label} {text}" if label else text)


def _is_on(element):
    if element is None:
        return False
    value = element.get(f"{W}val")
    return value not in ("0", "false", "off")


def _visible_text(p):
    parts = []
    for run in p.iter(f"{W}r"):
        if any(ancestor.tag in (f"{W}del", f"{W}moveFrom") for ancestor in run.iterancestors()):
            continue
        rpr = run.find(f"{W}rPr")
        if rpr is not None and _is_on(rpr.find(f"{W}vanish")):
            continue
        for child in run:
            if child.tag == f"{W}t":
                parts.append(child.text or "")
            elif child.tag == f"{W}tab":
                parts.append("\t")
            elif child.tag in (f"{W}br", f"{W}cr"):
                parts.append(" ")
            elif child.tag == f"{W}noBreakHyphen":
                parts.append("-")
    return "".join(parts)


def _to_letters(n, upper=False):
    letters = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("a") + rem) + letters
    return letters.upper() if upper else letters


def _to_roman(n, upper=False):
    values = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl")]
    values += [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for value, numeral in values:
        while n >= value:
            out += numeral
            n -= value
    return out.upper() if upper else out


def _format(n, fmt):
    if fmt in ("decimal", "decimalZero"):
        return f"{n:02d}" if fmt == "decimalZero" and n < 10 else str(n)
    if fmt in ("lowerLetter", "upperLetter"):
        return _to_letters(n, fmt == "upperLetter")
    if fmt in ("lowerRoman", "upperRoman"):
        return _to_roman(n, fmt == "upperRoman")
    if fmt == "none":
        return ""
    return str(n)


class _Numbering:
    """Word's list numbering: which label each numbered paragraph shows."""

    def __init__(self, document):
        self.levels = {}  # numId -> {ilvl: (fmt, lvlText, start)}
        self.counters = {}  # numId -> {ilvl: current}
        try:
            part = document.part.numbering_part
        except (NotImplementedError, KeyError, AttributeError):
            return
        root = part.element
        abstract = {}
        for node in root.findall(f"{W}abstractNum"):
            abstract[node.get(f"{W}abstractNumId")] = self._read_levels(node)
        for num in root.findall(f"{W}num"):
            num_id = num.get(f"{W}numId")
            ref = num.find(f"{W}abstractNumId")
            levels = dict(abstract.get(ref.get(f"{W}val") if ref is not None else None, {}))
            for override in num.findall(f"{W}lvlOverride"):
                ilvl = int(override.get(f"{W}ilvl", "0"))
                start = override.find(f"{W}startOverride")
                if ilvl in levels and start is not None:
                    fmt, text, _start = levels[ilvl]
                    levels[ilvl] = (fmt, text, int(start.get(f"{W}val", "1")))
                lvl = override.find(f"{W}lvl")
                if lvl is not None:
                    levels.update(self._read_levels_list([lvl]))
            self.levels[num_id] = levels

    def _read_levels(self, node):
        return self._read_levels_list(node.findall(f"{W}lvl"))

    @staticmethod
    def _read_levels_list(nodes):
        levels = {}
        for lvl in nodes:
            ilvl = int(lvl.get(f"{W}ilvl", "0"))
            fmt = lvl.find(f"{W}numFmt")
            text = lvl.find(f"{W}lvlText")
            start = lvl.find(f"{W}start")
            levels[ilvl] = (
                fmt.get(f"{W}val") if fmt is not None else "decimal",
                text.get(f"{W}val") if text is not None else f"%{ilvl + 1}.",
                int(start.get(f"{W}val")) if start is not None else 1,
            )
        return levels

    def _num_pr(self, p, document):
        ppr = p.find(f"{W}pPr")
        num_pr = ppr.find(f"{W}numPr") if ppr is not None else None
        if num_pr is None and ppr is not None:
            style = ppr.find(f"{W}pStyle")
            if style is not None:
                num_pr = self._style_num_pr(style.get(f"{W}val"), document)
        if num_pr is None:
            return None
        num_id = num_pr.find(f"{W}numId")
        ilvl = num_pr.find(f"{W}ilvl")
        if num_id is None:
            return None
        return num_id.get(f"{W}val"), int(ilvl.get(f"{W}val")) if ilvl is not None else 0

    def _style_num_pr(self, style_id, document, depth=0):
        if depth > 5 or not style_id:
            return None
        try:
            styles = document.styles.element
        except (KeyError, AttributeError):
            return None
        for style in styles.findall(f"{W}style"):
            if style.get(f"{W}styleId") == style_id:
                ppr = style.find(f"{W}pPr")
                num_pr = ppr.find(f"{W}numPr") if ppr is not None else None
                if num_pr is not None:
                    return num_pr
                based = style.find(f"{W}basedOn")
                return self._style_num_pr(based.get(f"{W}val"), document, depth + 1) if based is not None else None
        return None

    def label_for(self, p, document):
        found = self._num_pr(p, document)
        if found is None:
            return ""
        num_id, ilvl = found
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels or num_id == "0":
            return ""
        fmt, text, start = levels[ilvl]
        if fmt == "bullet":
            return ""
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [level for level in counters if level > ilvl]:
            del counters[deeper]
        label = text
        for level in range(ilvl + 1):
            value = counters.get(level, levels.get(level, (None, None, 1))[2])
            level_fmt = levels.get(level, ("decimal", "", 1))[0]
            label = label.replace(f"%{level + 1}", _format(value, level_fmt))
        return label.strip()
