"""Text handling shared by both search engines: folding, words, stems, snippets.

Folding removes accents (`niñez` → `ninez`) and case. Stems come from snowballstemmer, in the
language of the text at index time and in both languages at query time, so `retornos` finds
`retorno` and `migrante` finds `migrantes` whatever language the reader types in.
"""

import functools
import html
import itertools
import re
import unicodedata

import snowballstemmer

WORD = re.compile(r"[^\W_]+")
LANGUAGES = ("es", "en")
# Words too common to index or to search for, in both languages (the engine ignores them).
STOPWORDS = frozenset(
    """
    a al algo algun alguna algunas alguno algunos ante antes aquel aquella aquellas aquellos aqui asi aun
    cada como con contra cual cuales cuando de del desde donde dos el ella ellas ello ellos en entre era
    erais eran eras eres es esa esas ese eso esos esta estaba estaban estado estais estamos estan estar
    estas este esto estos estoy fue fueron fui ha habia han has hasta hay la las le les lo los mas me mi
    mis mucho muchos muy nada ni no nos nosotros o os otra otras otro otros para pero poco por porque que
    quien quienes se sea sean ser si sido sin sobre sois solo somos son soy su sus suya suyo tambien tanto
    te tiene tienen todo todos tu tus un una unas uno unos usted ustedes y ya yo
    about after all also am an and any are as at be been before being between both but by can could did
    do does doing during each few for from further had has have having he her here hers him his how i if
    in into is it its itself just me more most my no nor not of off on once only or other our ours out
    over own same she should so some such than that the their theirs them then there these they this
    those through to too under until up very was we were what when where which while who whom why will
    with would you your yours
    """.split()
)

_stemmers = {lang: snowballstemmer.stemmer({"es": "spanish", "en": "english"}[lang]) for lang in LANGUAGES}


@functools.lru_cache(maxsize=8192)
def fold(text):
    """Return `text` in lower case without accents: `Niñez` → `ninez`."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def fold_text(text):
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@functools.lru_cache(maxsize=200_000)
def stem(word, lang):
    """Return the stem of one folded word in `lang` ("es" or "en")."""
    return _stemmers[lang].stemWord(word)


def words(text):
    """Return the folded words of `text`."""
    return WORD.findall(fold_text(text))


def stems(text, lang):
    """Return the stems of `text`'s words, stop words left out, as one space-separated string."""
    return " ".join(stem(word, lang) for word in WORD.findall(fold_text(text)) if word not in STOPWORDS)


# ---- snippets ------------------------------------------------------------------------------

SNIPPET_WORDS = 28
SCAN_CHARS = 3_000
# A snippet holds at most this much text before its first match, and this much after it.
BEFORE_CHARS = 200
AFTER_CHARS = 400


def _matches(token, lang, terms):
    folded = fold(token)
    for term in terms:
        if term.prefix:
            if folded.startswith(term.folded):
                return True
        elif folded == term.folded or stem(folded, lang) in term.stems:
            return True
    return False


def highlight(text, lang, terms):
    """Return `text` escaped, with the words that match `terms` in <mark>."""
    out = []
    last = 0
    for match in WORD.finditer(text):
        if _matches(match.group(), lang, terms):
            out.append(html.escape(text[last : match.start()]))
            out.append(f"<mark>{html.escape(match.group())}</mark>")
            last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


_ACCENTED = {
    "a": "aáàâäã",
    "e": "eéèêë",
    "i": "iíìîï",
    "o": "oóòôöõ",
    "u": "uúùûü",
    "n": "nñ",
    "c": "cç",
    "y": "yý",
}


@functools.lru_cache(maxsize=512)
def candidate_pattern(terms):
    """Return a regex finding words that start with a term's stems or prefix, accents allowed.

    Candidates are then checked word by word (a stem is not always a prefix of its words).
    """
    starts = set()
    for term in terms:
        starts.add(term.folded)
        starts.update(term.stems)
    alternatives = [
        "".join(f"[{_ACCENTED[char]}]" if char in _ACCENTED else re.escape(char) for char in start)
        for start in sorted(starts, key=len, reverse=True)
    ]
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\w*", re.IGNORECASE)


def snippet(text, lang, terms, size=SNIPPET_WORDS):
    """Return an escaped excerpt of `text` around its first match, matches in <mark>; None if none.

    It starts and ends with whole words: about a third of its `size` words before the match, the
    rest after, within BEFORE_CHARS and AFTER_CHARS of it.
    """
    # A text of SCAN_CHARS or more may have been cut (the search reads that much): its last word may be a part.
    cut = len(text) >= SCAN_CHARS
    text = text[:SCAN_CHARS]
    for candidate in candidate_pattern(terms).finditer(text):
        if not _matches(candidate.group(), lang, terms):
            continue
        start = _start_before(text, candidate.start(), size // 3)
        end = _end_after(text, candidate.end(), size - size // 3, cut)
        more_before = bool(WORD.search(text, 0, start))
        more_after = cut or bool(WORD.search(text, end))
        # Only punctuation before or after (a quote, a full stop): show it rather than "…".
        excerpt = text[start if more_before else 0 : end if more_after else len(text)].strip()
        return ("… " if more_before else "") + highlight(excerpt, lang, terms) + (" …" if more_after else "")
    return None


def _start_before(text, at, count):
    """Where `count` whole words before `at` begin, within BEFORE_CHARS of it (`at` when none fit)."""
    window = max(0, at - BEFORE_CHARS)
    tokens = list(WORD.finditer(text, window, at))
    if tokens and window > 0 and tokens[0].start() == window and WORD.match(text, window - 1):
        tokens = tokens[1:]  # the window opens inside a word: leave that word out
    kept = tokens[-count:] if count else []
    return kept[0].start() if kept else at


def _end_after(text, at, count, cut):
    """Where `count` whole words after `at` end, within AFTER_CHARS of it (`at` when none fit)."""
    end = at
    for token in itertools.islice(WORD.finditer(text, at, at + AFTER_CHARS), count):
        if token.end() == at + AFTER_CHARS and WORD.match(text, token.end()):
            break  # the limit falls inside this word
        if cut and token.end() == len(text):
            break  # the text was cut here: this word may be a part of one
        end = token.end()
    return end


def opening(text, size=SNIPPET_WORDS):
    """Return the escaped first words of `text` (when no match is shown)."""
    tokens = list(WORD.finditer(text[:4000]))
    if len(tokens) <= size:
        return html.escape(text[:4000].strip())
    return html.escape(text[: tokens[size].end()].strip()) + " …"
