"""Understand a report by its structure: title block, participants paragraph, numbered agreements.

Nothing here names a particular report. The title block gives body, title, date and place; the
participants paragraph gives modality, ordinal, mandate and delegations; agreements are the
numbered paragraphs (`1.`, `1)`, `1.-`) and their lettered sub-items (`a)`, `a.`, `a.-`); an
agreement's kind is that of its first operative verb (lexicon.py); commitments come from the
patterns in commitments.py. What is not understood is kept and named in the warnings.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import lexicon
from .commitments import Extractor
from .dates import MONTHS, find_meeting_dates
from .text import clean_paragraph, fold, sentences, word_count

NUMBER_RE = re.compile(r"^\s*(?P<num>\d{1,4})\s*(?:\.\s*-|\.-|\.|\)|-|–|—)\s*(?P<rest>[^\d\s].*)$", re.DOTALL)
LETTER_RE = re.compile(r"^\s*\(?(?P<letter>[a-zA-Z])\s*(?:\.\s*-|\.-|\)|\.|-|–)\s*(?P<rest>\S.*)$", re.DOTALL)
ROMAN_ITEM_RE = re.compile(r"^\s*\(?(?:i{1,3}|iv|v|vi{1,3}|ix|x)\s*[.)]\s+", re.IGNORECASE)
BULLET_RE = re.compile(r"^\s*[•·▪◦●\-–—*]\s+")
ROMAN_TOKEN_RE = re.compile(
    r"(?<![\w-])(?=[MDCLXVI])M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})(?![\w-])"
)
ORDINAL_RE = re.compile(
    r"\b(?P<ord>"
    + "|".join(sorted(lexicon.ORDINAL_WORDS, key=len, reverse=True))
    + r"|\d{1,2}(?:st|nd|rd|th|a|o|°|º|ª))\s+(?:(?:ordinary|extraordinary|virtual|regular|ordinaria|extraordinaria|"
    r"ordinario|extraordinario)\s+)?" + lexicon.MEETING_WORDS
)
CONTINUATION_START = re.compile(
    r"^(?:in this regard|in that regard|to this end|al respecto|en este sentido|para ello|"
    r"additionally|furthermore|moreover|also|likewise|asimismo|adicionalmente|ademas|igualmente)\b"
)
PLACE_RE = re.compile(
    r"\b(?:in|en)\s+(?:(?:la|el|the)\s+)?(?:(?:city\s+of|ciudad\s+de)\s+)?(?P<place>[A-ZÁÉÍÓÚÑ][\w'.-]*(?:\s+(?:de\s+|del\s+|la\s+|of\s+)?"
    r"[A-ZÁÉÍÓÚÑ][\w'.-]*)*(?:,\s+(?:the\s+)?[A-ZÁÉÍÓÚÑ][\w'.-]*(?:\s+[A-ZÁÉÍÓÚÑ][\w'.-]*)*)*)"
)
ENGLISH_WORDS = {"the", "of", "and", "to", "for", "with", "on", "its", "will"}
SPANISH_WORDS = {"de", "la", "el", "los", "las", "y", "para", "con", "del", "su", "que"}


@dataclass
class Item:
    letter: str
    text: str
    kind: str = "other"
    source: str = ""


@dataclass
class ParsedAgreement:
    number: str
    text: str
    kind: str = "other"
    items: list = field(default_factory=list)
    source: str = ""


@dataclass
class ParsedCommitment:
    ref: str
    actors: list  # directory.Actor
    action: str
    due: str | None = None


@dataclass
class ParsedReport:
    """What the importer understood; `as_json()` is the dry run's output."""

    language: str = "en"
    title: str = ""
    ordinal: int | None = None
    kind: str = "ordinary"
    body: str | None = None
    body_pk: int | None = None
    modality: str | None = None
    start_date: object = None
    end_date: object = None
    place: str | None = None
    mandate: str = ""
    delegations: list = field(default_factory=list)
    organizations: list = field(default_factory=list)
    participants: str = ""
    submission: str = ""
    agreements: list = field(default_factory=list)
    commitments: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    warning_keys: list = field(default_factory=list)  # what each warning is about: "field:<name>", "ref:<ref>"
    source_text: str = ""

    def warn(self, text, key=None):
        self.warnings.append(text)
        self.warning_keys.append(key)

    def keyed_warnings(self):
        """[{"text", "key"}]: a warning about an agreement is keyed by its reference, so that it goes
        once a person corrects that agreement (or its commitments); one about the meeting by its field."""
        refs = {a.number for a in self.agreements} | {a.number + i.letter for a in self.agreements for i in a.items}
        keyed = []
        for index, text in enumerate(self.warnings):
            key = self.warning_keys[index] if index < len(self.warning_keys) else None
            if key is None:
                lead = re.match(r"^(\w+):", text)
                if lead and lead.group(1) in refs:
                    key = f"ref:{lead.group(1)}"
            keyed.append({"text": str(text), "key": key})
        return keyed

    def to_check(self):
        """References ("3", "2b") a warning is about: what was read with less confidence."""
        return {item["key"][4:] for item in self.keyed_warnings() if (item["key"] or "").startswith("ref:")}

    def sources(self):
        """{ref: {"lines": [first, last], "confidence": "high" | "check"}}: where each agreement and item was
        read (1-based paragraphs of the file as read) and how sure the reader is of it."""
        index = {}
        for number, paragraph in enumerate(self.source_text.split("\n"), start=1):
            index.setdefault(paragraph, number)
        doubtful = self.to_check()
        found = {}
        for agreement in self.agreements:
            units = [(agreement.number, agreement)] + [
                (agreement.number + item.letter, item) for item in agreement.items
            ]
            for ref, unit in units:
                lines = [index[line] for line in unit.source.split("\n") if line in index]
                sure = ref not in doubtful and unit.kind != "other"
                found[ref] = {
                    "lines": [min(lines), max(lines)] if lines else None,
                    "confidence": "high" if sure else "check",
                }
        return found

    def as_json(self, sources=False):
        if sources:
            data = self.as_json()
            where = self.sources()
            for agreement in data["agreements"]:
                agreement.update(source=where[agreement["number"]])
                for item in agreement["items"]:
                    item.update(source=where[agreement["number"] + item["letter"]])
            return data
        return {
            "meeting": {
                "title": self.title,
                "ordinal": self.ordinal,
                "body": self.body,
                "kind": self.kind,
                "modality": self.modality,
                "start_date": self.start_date.isoformat() if self.start_date else None,
                "end_date": self.end_date.isoformat() if self.end_date else None,
                "place": self.place,
                "mandate": self.mandate or None,
            },
            "language": self.language,
            "delegations": list(self.delegations),
            "organizations": list(self.organizations),
            "agreements": [
                {
                    "number": a.number,
                    "kind": a.kind,
                    "text": a.text,
                    "items": [{"letter": i.letter, "kind": i.kind, "text": i.text} for i in a.items],
                }
                for a in self.agreements
            ],
            "commitments": [
                {"ref": c.ref, "actors": [actor.code for actor in c.actors], "action": c.action, "due": c.due}
                for c in self.commitments
            ],
            "warnings": list(self.warnings),
        }


class NoAgreements(ValueError):
    """The text holds no numbered agreement: it is not a report."""


def detect_language(text):
    words = re.findall(r"[a-záéíóúñ]+", text.lower())
    english = sum(word in ENGLISH_WORDS for word in words)
    spanish = sum(word in SPANISH_WORDS for word in words)
    return "es" if spanish > english else "en"


def operative_kind(text, anchored=True):
    """Return the kind of the first operative verb at the start of `text` (or None)."""
    f = fold(text).strip(" \t\"“”'")
    f = lexicon.CONNECTORS.sub("", f)
    f = lexicon.SUBJECT.sub("", f)
    for kind, pattern in lexicon.OPERATIVE_RES:
        if pattern.match(f):
            return kind
    return None


def lead_in_kind(text):
    """Return the kind a text ending in ':' gives the items it introduces ("…it was agreed:")."""
    stripped = text.rstrip()
    if not stripped.endswith(":"):
        return None
    spans = sentences(stripped)
    last = fold(stripped[spans[-1][0] :]) if spans else fold(stripped)
    last = lexicon.CONNECTORS.sub("", last)
    best = None
    for kind, pattern in lexicon.LEAD_IN_RES:
        for match in pattern.finditer(last):
            if best is None or match.start() > best[0]:
                best = (match.start(), kind)
    return best[1] if best else None


class Parser:
    def __init__(self, directory):
        self.directory = directory
        self.extractor = Extractor(directory)

    def parse(self, paragraphs):
        """Parse a report's paragraphs; raise NoAgreements when there is no numbered agreement."""
        paragraphs = [clean_paragraph(p) for p in paragraphs]
        paragraphs = [p for p in paragraphs if p]
        report = ParsedReport(source_text="\n".join(paragraphs))
        report.language = detect_language(report.source_text)
        first = next((i for i, p in enumerate(paragraphs) if self._number(p)), None)
        if first is None:
            raise NoAgreements(_("No numbered agreement was found (paragraphs starting “1.”, “1)” or “1.-”)."))
        self._parse_header(report, paragraphs[:first])
        body, closing = self._closing_lines(paragraphs[first:])
        if closing:
            report.warn(
                _("The closing lines after the last agreement were left out: %(lines)s.")
                % {"lines": " / ".join(line[:60].rstrip(".") for line in closing)},
            )
        self._parse_agreements(report, body)
        self._find_commitments(report)
        return report

    def _closing_lines(self, paragraphs):
        """Split off the lines that close a report after its last agreement: place and date, signatures."""
        end = len(paragraphs)
        while end > 1:
            line = paragraphs[end - 1]
            if self._number(line) or LETTER_RE.match(line) or BULLET_RE.match(line) or operative_kind(line):
                break
            dated = find_meeting_dates(fold(line)) and word_count(line) <= 15
            signature = word_count(line) <= 8 and not re.search(r"[.;:]$", line)
            if not (dated or signature):
                break
            end -= 1
        return paragraphs[:end], paragraphs[end:]

    @staticmethod
    def _number(paragraph):
        match = NUMBER_RE.match(paragraph)
        return match if match and int(match["num"]) < 200 else None

    # ---- title block and participants paragraph -----------------------------------------

    def _parse_header(self, report, header):
        long_index = next((i for i, p in enumerate(header) if word_count(p) >= 20), len(header))
        title_block = header[:long_index]
        rest = header[long_index:]
        submission = ""
        if rest and rest[-1].rstrip().endswith(":") and (len(rest) > 1 or word_count(rest[-1]) < 40):
            submission = rest[-1]
            # "The Vice-Ministers of Belize, Canada… agreed:" names who took part and introduces the agreements.
            if len(rest) > 1 or not lexicon.PARTICIPATION_RE.search(fold(submission)):
                rest.pop()
        elif not rest and title_block and title_block[-1].rstrip().endswith(":"):
            submission = title_block.pop()
        report.participants = "\n".join(rest)
        report.submission = submission
        for extra in rest[1:]:
            if word_count(extra) < 20:
                report.warn(
                    _("The line “%(line)s” before the agreements was kept in the participants paragraph.")
                    % {"line": extra[:80]},
                    "field:participants",
                )

        # Date (and place written before it) from the title block, else the participants paragraph.
        date_line = None
        place_line = None
        for index, line in enumerate(title_block):
            found = find_meeting_dates(fold(line))
            if found and word_count(line) <= 20:
                report.start_date, report.end_date, span = found
                date_line = line
                before = line[: span[0]].strip(" ,;-–")
                if before and self.directory.find_countries(fold(before), before):
                    report.place = before
                elif index and self._is_place_line(title_block[index - 1]):
                    # "City, Country" on its own line, the date on the next.
                    place_line = report.place = title_block[index - 1].strip(" ,;.")
                break
        if report.start_date is None and report.participants:
            found = find_meeting_dates(fold(report.participants))
            if found:
                report.start_date, report.end_date = found[0], found[1]
        if report.start_date is None:
            report.warn(_("No meeting date was found; give it on the review page."), "field:start_date")

        lines = [line for line in title_block if line not in (date_line, place_line)]
        body = self.directory.find_body(lines) or (
            self.directory.find_body([report.participants.split(".")[0]], kind_words=False)
            if report.participants
            else None
        )
        if body:
            report.body, report.body_pk = body[0], body[1]
        else:
            report.warn(
                _("The body that met was not recognised in the title; choose it on the review page."), "field:body"
            )
        report.title = self._title(lines)

        participants_f = fold(report.participants)
        first_sentence = report.participants
        mandate = lexicon.MANDATE_RE.search(participants_f)
        if mandate:
            spans = [s for s in sentences(report.participants) if s[0] <= mandate.end() <= s[1]]
            end = spans[0][1] if spans else len(report.participants)
            report.mandate = report.participants[mandate.end() : end].strip().rstrip(".").strip()
            first_sentence = report.participants[: mandate.start()]

        head_context = fold(" ".join(lines)) + " " + fold(first_sentence)
        if lexicon.HYBRID_RE.search(head_context):
            report.modality = "hybrid"
        elif lexicon.VIRTUAL_RE.search(head_context):
            report.modality = "virtual"
        elif lexicon.IN_PERSON_RE.search(head_context):
            report.modality = "in_person"
        if report.modality != "virtual" and not report.place and report.participants:
            report.place = self._place(first_sentence)
        if report.modality is None:
            # A place does not say how people met (some attend by video): say only what the text says.
            report.warn(_("The modality (in person, virtual, hybrid) was not stated; give it."), "field:modality")
        if report.modality == "virtual":
            report.place = None
        if lexicon.EXTRAORDINARY_RE.search(fold(" ".join(lines)) + " " + fold(first_sentence)):
            report.kind = "extraordinary"

        ordinal = ORDINAL_RE.search(participants_f)
        if ordinal:
            report.ordinal = _ordinal_value(ordinal["ord"])
        else:
            numeral = ROMAN_TOKEN_RE.search(report.title)
            if numeral and numeral.group():
                report.ordinal = _roman_value(numeral.group())
            else:
                word = ORDINAL_RE.search(fold(report.title))
                report.ordinal = _ordinal_value(word["ord"]) if word else None

        self._parse_participation(report)

    def _title(self, lines):
        def meeting_word(line):
            return re.search(r"\b" + lexicon.MEETING_WORDS + r"\b|\bconclusion", fold(line))

        def has_ordinal(line):
            return ROMAN_TOKEN_RE.search(line) or ORDINAL_RE.search(fold(line))

        for line in lines:
            if meeting_word(line) and has_ordinal(line) and word_count(line) <= 15:
                return line
        for line in lines:
            if meeting_word(line) and not line.isupper() and word_count(line) <= 15:
                return line
        for line in lines:
            if meeting_word(line) and word_count(line) <= 15:
                return line
        return lines[-1] if lines else ""

    def _is_place_line(self, line):
        """A short line that is only a place: "San Salvador, El Salvador"."""
        return (
            word_count(line) <= 6
            and "," in line
            and bool(self.directory.find_countries(fold(line.split(",")[-1]), line.split(",")[-1]))
        )

    def _place(self, sentence):
        for match in PLACE_RE.finditer(sentence):
            place = _without_months(match["place"].strip().rstrip(",."))
            if self.directory.find_countries(fold(place), place):
                return place
        return None

    def _parse_participation(self, report):
        text = report.participants
        folded = fold(text)
        for start, end in sentences(text):
            sentence = folded[start:end]
            match = lexicon.PARTICIPATION_RE.search(sentence)
            if not match:
                continue
            after = sentence[match.start() :]
            for code in self.directory.find_countries(after, text[start + match.start() : end]):
                if code not in report.delegations:
                    report.delegations.append(code)
            for actor, _span in self.directory.find_actors(after):
                if actor.kind == "organization" and actor.code not in report.organizations:
                    report.organizations.append(actor.code)
        missing = [code for code in report.delegations if code not in self.directory.country_pks]
        if missing:
            report.warn(
                _("These delegations are not countries of the directory and were left out: %(codes)s.")
                % {"codes": ", ".join(missing)},
                "field:delegations",
            )

    # ---- agreements --------------------------------------------------------------------------

    def _parse_agreements(self, report, paragraphs):
        current = None
        item = None
        last_number = 0
        for paragraph in paragraphs:
            number = self._number(paragraph)
            if number is None and (match := NUMBER_RE.match(paragraph)) and int(match["num"]) == last_number + 1:
                number = match  # a long report goes on past 199 in order
            if number:
                value = int(number["num"])
                if current is not None and value != last_number + 1:
                    report.warn(
                        _("Agreement numbers jump from %(before)s to %(after)s.")
                        % {"before": last_number, "after": value},
                        f"ref:{value}",
                    )
                current = ParsedAgreement(number=str(value), text=number["rest"].strip(), source=paragraph)
                report.agreements.append(current)
                item = None
                last_number = value
                continue
            letter = LETTER_RE.match(paragraph)
            if letter and current is not None:
                expected = chr(ord("a") + len(current.items))
                value = letter["letter"].lower()
                if value == expected and not re.match(r"^[a-z]\.", letter["rest"]):
                    item = Item(letter=value, text=letter["rest"].strip(), source=paragraph)
                    current.items.append(item)
                    continue
            target = item or current
            f = fold(paragraph)
            bullet = BULLET_RE.match(paragraph)
            if bullet and item is None and not current.items and current.text.rstrip().endswith(":"):
                # "…agreed:" then dash or bullet items: read as the agreement's items a), b), …
                current.bullets = True
            if bullet and getattr(current, "bullets", False) and (item is None or item.source.startswith(bullet[0])):
                letter = chr(ord("a") + len(current.items))
                item = Item(letter=letter, text=paragraph[bullet.end() :].strip(), source=paragraph)
                current.items.append(item)
                continue
            joins = (
                paragraph[:1].islower()
                or not re.search(r"[.:;!?”\"»)]$", target.text)
                or ROMAN_ITEM_RE.match(paragraph)
                or bullet
            )
            if joins:
                separator = "\n" if (ROMAN_ITEM_RE.match(paragraph) or bullet) else " "
                target.text = f"{target.text}{separator}{paragraph}"
                target.source = f"{target.source}\n{paragraph}"
                continue
            if not operative_kind(paragraph) or CONTINUATION_START.match(f):
                # No number and no operative verb of its own: it goes on with what came before.
                ref = current.number + (item.letter if item else "")
                target.text = f"{target.text}\n{paragraph}"
                target.source = f"{target.source}\n{paragraph}"
                report.warn(
                    _("An unnumbered paragraph (“%(start)s…”) was joined to %(ref)s; check it.")
                    % {"start": paragraph[:50], "ref": ref},
                    f"ref:{ref}",
                )
                continue
            # An operative verb with no number: an agreement whose number was lost.
            last_number += 1
            current = ParsedAgreement(number=str(last_number), text=paragraph, source=paragraph)
            report.agreements.append(current)
            item = None
            report.warn(
                _("An unnumbered paragraph (“%(start)s…”) was taken as agreement %(number)s.")
                % {"start": paragraph[:50], "number": last_number},
                f"ref:{last_number}",
            )

        report_lead_in = lead_in_kind(report.submission) if report.submission else None
        for agreement in report.agreements:
            agreement.kind = operative_kind(agreement.text) or report_lead_in or "other"
            parent_lead_in = lead_in_kind(agreement.text)
            for sub in agreement.items:
                sub.kind = operative_kind(sub.text) or parent_lead_in or report_lead_in or "other"
                if sub.kind == "other":
                    report.warn(
                        _("%(ref)s: no operative verb was recognised; its kind is “other”.")
                        % {"ref": agreement.number + sub.letter}
                    )
            if agreement.kind == "other" and not agreement.items:
                report.warn(
                    _("%(ref)s: no operative verb was recognised; its kind is “other”.") % {"ref": agreement.number}
                )

    # ---- commitments -------------------------------------------------------------------------

    def _find_commitments(self, report):
        present = [self.directory.country_actor(code) for code in report.delegations]
        present = [actor for actor in present if actor]
        year = report.start_date.year if report.start_date else None
        for agreement in report.agreements:
            units = [(agreement.number, agreement.text, agreement.kind)]
            units += [(agreement.number + sub.letter, sub.text, sub.kind) for sub in agreement.items]
            for ref, text, kind in units:
                found = []
                for actors, action, due in self.extractor.extract(text, ref, kind, found, present, year):
                    report.commitments.append(ParsedCommitment(ref=ref, actors=actors, action=action, due=due))
                for warning in found:
                    report.warn(warning, f"ref:{ref}")


def _without_months(place):
    """'San Salvador, El Salvador, May' → 'San Salvador, El Salvador': a date that follows is not a place."""
    parts = [part.strip() for part in place.split(",")]
    while len(parts) > 1 and (not parts[-1] or fold(parts[-1]).split()[0] in MONTHS):
        parts.pop()
    return ", ".join(parts)


def _ordinal_value(word):
    word = fold(word)
    if word in lexicon.ORDINAL_WORDS:
        return lexicon.ORDINAL_WORDS[word]
    digits = re.match(r"\d+", word)
    return int(digits.group()) if digits else None


def _roman_value(numeral):
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total = 0
    for index, char in enumerate(numeral):
        value = values[char]
        if index + 1 < len(numeral) and values[numeral[index + 1]] > value:
            total -= value
        else:
            total += value
    return total or None
