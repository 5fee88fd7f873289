"""Turn what a reader types into search terms; nothing typed is passed to an engine as syntax.

Words are folded and stemmed in both languages; a word ending in `*` is a prefix. Quotes,
parentheses and operators (`AND(`, `NEAR`, `"`…) are plain characters here: an operator
word such as `near` is searched as a word, punctuation is dropped.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .text import LANGUAGES, STOPWORDS, WORD, fold, stem

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MIN_PREFIX = 3


@dataclass(frozen=True)
class Term:
    folded: str
    stems: tuple
    prefix: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    terms: tuple

    def __bool__(self):
        return bool(self.terms)


def parse(text):
    """Parse a query; raise ValidationError (on "q") when it is too long."""
    text = (text or "").strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise ValidationError(
            {"q": _("The search is too long: use at most %(max)s characters.") % {"max": MAX_QUERY_LENGTH}},
            code="too_long",
        )
    terms = []
    seen = set()
    for chunk in text.split():
        parts = WORD.findall(fold(chunk))
        for position, part in enumerate(parts):
            prefix = chunk.endswith("*") and position == len(parts) - 1 and len(part) >= MIN_PREFIX
            if not prefix and part in STOPWORDS:
                continue
            key = (part, prefix)
            if key in seen:
                continue
            seen.add(key)
            stems = () if prefix else tuple(dict.fromkeys(stem(part, lang) for lang in LANGUAGES))
            terms.append(Term(folded=part, stems=stems, prefix=prefix))
    return ParsedQuery(text=text, terms=tuple(terms[:MAX_TERMS]))
