"""Put hard-wrapped text back into paragraphs, as a reader sees them.

Text from a PDF, an old e-mail or a text export is often wrapped at a fixed width: a paragraph
spans several lines and a line is not a paragraph. `reflow(lines)` joins the lines of each
paragraph when the text is wrapped, and leaves it untouched when it is not (one paragraph per
line, as Word's "save as text" gives).

A text is wrapped when most of its lines end near one right margin. In wrapped text a new
paragraph starts after a blank line, at a list marker ("1.", "a)", "-", "•", "iv."), or after a
line that stops well short of the margin (the end of a paragraph, a title line). A word cut by
a hyphen at the end of a line is joined again ("protec-" + "ción" → "protección").
"""

import re
import statistics

# How a list item starts: "1.", "1)", "1.-", "a)", "b.", "(c)", "iv.", a dash or a bullet.
MARKER_RE = re.compile(
    r"^\s*(?:\d{1,3}\s*(?:\.-|\.|\)|-|–|—)\s|\(?[a-zA-Z]\s*(?:\)|\.|\.-)\s|\(?(?:i{1,3}|iv|v|vi{1,3}|ix|x)[.)]\s|"
    r"[•·▪◦●*\-–—]\s)",
    re.IGNORECASE,
)
HYPHEN_END_RE = re.compile(r"(?<=[^\W\d_])-$")
# Lines longer than this are paragraphs already: no hard-wrapped text is this wide.
WIDEST_WRAP = 130
SHORTEST_WRAP = 30
SENTENCE_END_RE = re.compile(r"[.:;!?”\"»)]$")


def margin(lines):
    """(width, tolerance) of a wrapped text's right margin, or None when the text is not wrapped.

    The width is where full lines end; the tolerance, how far short of it a full line may stop
    (a few characters for fixed-width text, more for text taken from a PDF's proportional fonts).
    """
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    if len(lengths) < 4 or lengths[-1] > WIDEST_WRAP:
        return None
    width = lengths[min(len(lengths) - 1, int(len(lengths) * 0.95))]
    if width < SHORTEST_WRAP:
        return None
    full = [length for length in lengths if length >= width * 0.8]
    # Wrapped: a good share of lines reach the margin (titles and paragraph ends do not).
    if len(full) < max(3, len(lengths) * 0.4):
        return None
    tolerance = min(max(2.0, 1.5 * statistics.pstdev(full)), width * 0.15)
    return width, tolerance


def _join(before, after):
    if HYPHEN_END_RE.search(before):
        if after[:1].islower():
            return before[:-1] + after  # a word cut in two
        return before + after  # a hyphenated compound cut at its hyphen ("Pro-" + "Tempore")
    return f"{before} {after}"


def _ends_paragraph(previous, line, width, tolerance):
    """Whether the break after `previous` was the writer's: the next line's first word would have fit."""
    room = len(previous) + 1 + len(line.split()[0])
    if room <= width - tolerance:
        return True
    if not line[:1].isupper():
        return False
    if previous.isupper() and not line.isupper():
        return True  # a title line in capitals, then the text
    if previous.endswith(":"):
        return True  # a lead-in, then what it introduces
    if SENTENCE_END_RE.search(previous):
        # A sentence ended at the margin: a new paragraph if the next word would have fit, or if the next
        # line is a short lead-in of its own ("The Network agreed:").
        return room <= width or (line.endswith(":") and len(line) < width * 0.8)
    return False


def reflow(lines, wrapped=False):
    """Return the paragraphs of `lines`: joined where the text is hard-wrapped, as given otherwise.

    `wrapped=True` says the lines are one paragraph's (a PDF's spacing showed it), to be joined
    except at list markers.
    """
    found = None if wrapped else margin(lines)
    if found is None and not wrapped:
        return [line.strip() for line in lines if line.strip()]
    paragraphs = []
    previous = None
    for raw in lines:
        line = raw.strip()
        if not line:
            previous = None
            continue
        if previous is None or MARKER_RE.match(line) or (found and _ends_paragraph(previous, line, *found)):
            paragraphs.append(line)
        else:
            paragraphs[-1] = _join(paragraphs[-1], line)
        previous = line
    return paragraphs
