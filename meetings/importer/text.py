"""Text helpers for the importer: accent folding that keeps offsets, sentences, Word artefacts."""

import re
import unicodedata

from core.text import INVISIBLE

BOOKMARK_RE = re.compile(r"\[bookmark:[^\]]*\]", re.IGNORECASE)
SPACES_RE = re.compile(r"[ \t\u00a0\u2007\u202f]+")


def _fold_char(char):
    base = unicodedata.normalize("NFD", char)[0]
    lower = base.lower()
    return lower if len(lower) == 1 else base


_FOLD_CACHE = {}


def fold(text):
    """Lower-case and drop accents, one character for one, so offsets stay valid."""
    out = []
    for char in text:
        folded = _FOLD_CACHE.get(char)
        if folded is None:
            folded = _FOLD_CACHE[char] = _fold_char(char)
        out.append(folded)
    return "".join(out)


def clean_paragraph(text):
    """Drop Word artefacts ([bookmark: …]) and characters no text may hold, and normalise spaces.

    A vertical tab or form feed (Word's soft line break, a page break in a text export) becomes a
    space; other control characters and direction overrides (core.text) are dropped, so that what
    is imported can be saved, exported to Word and read like any other text.
    """
    text = BOOKMARK_RE.sub("", text)
    text = text.replace("\u200b", "").replace("\ufeff", "").replace("\x0b", " ").replace("\x0c", " ")
    text = INVISIBLE.sub("", text)
    return SPACES_RE.sub(" ", text).strip()


# A sentence ends at . ; ! ? followed by space and something that starts a sentence.
SENTENCE_END_RE = re.compile(r"(?<=[.;!?])\s+(?=[A-ZÁÉÍÓÚÑ¿¡“\"«(])")


def sentences(text):
    """Return (start, end) spans of the sentences of `text`."""
    spans = []
    start = 0
    for match in SENTENCE_END_RE.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def strip_end(text):
    """Drop trailing spaces, connectors and punctuation that do not belong to an action."""
    text = text.strip()
    while True:
        new = re.sub(r"(?:[,;:]|\s+(?:and|y|e|as well as|así como))\s*$", "", text, flags=re.IGNORECASE).strip()
        if new == text:
            break
        text = new
    return text.rstrip(".").strip()


def word_count(text):
    return len(text.split())
