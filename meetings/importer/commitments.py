"""Find the commitments inside an agreement's sentences, by structure, in English and Spanish.

Patterns (each needs an actor the directory knows):
- future:   "<actors> will <verb> …", "<actors> <verbo en futuro> …" ("la ST enviará"),
            also in a relative clause ("the course that IOM will develop" → develop the course);
- offer:    "<actor> for its offer to <verb> …", "<actor> por su ofrecimiento de <infinitivo> …";
- proposal: "the proposal presented by <actors> for/para <action>";
- request:  "request <actors> to <verb> …", "solicitar a <actores> que …";
- event:    a recommendation or approval of a meeting/workshop with no commitment of its own:
            whoever offers or organizes it, else the TS (who convenes the network's meetings).
"""

import re
from dataclasses import dataclass

from . import lexicon
from .dates import find_due
from .lexicon import PREPOSITIONS, RELATIVES
from .text import fold, sentences, strip_end

EN_FUTURE = re.compile(r"\bwill\s+(?:also\s+|then\s+|further\s+|jointly\s+)?(?P<verb>[a-z]+)")
ES_FUTURE = re.compile(
    r"(?<![\w])(?:(?P<clitic>se|les?|los|las|lo|la)\s+)?(?P<verb>\w+r(?:á|án))(?![\w])", re.IGNORECASE
)
ES_GOING_TO = re.compile(r"\b(?P<aux>va|van)\s+a\s+(?P<verb>\w+(?:ar|er|ir)(?:se)?)\b")
OFFER = re.compile(
    r"\b(?:offer|offers|offered|commitment|undertaking|willingness|readiness)\s+to\s+(?P<verb>[a-z]+)"
    r"|\b(?:ofrecimiento|oferta|compromiso|disposicion|disponibilidad)\s+(?:de|para|a)\s+"
    r"(?P<verbo>\w+(?:ar|er|ir)(?:la|lo|las|los|se)?)\b"
    r"|\bse\s+(?:ofrecio|ofrecieron|ofrece|ofrecen|comprometio|comprometieron|compromete|comprometen)\s+a\s+"
    r"(?P<verbo2>\w+(?:ar|er|ir))\b"
    r"|\b(?:committed|commit|commits|undertook|undertake|undertakes|volunteered|offered)\s+to\s+(?P<verb2>[a-z]+)"
)
OFFER_OF = re.compile(
    r"\b(?:offer|willingness|readiness|ofrecimiento|oferta|compromiso|disposicion|disponibilidad)\s+"
    r"(?:of|by|from|de|del)\s+"
)
OFFER_OF_TO = re.compile(r"\s+(?:to|de|para|a|por)\s+(?P<verb>\w+)")
THANKED = re.compile(r"^\s*(?:to\s+)?(?:thank|thanks|agradecer|agradece|agradecio)\s+(?:a\s+|al\s+(?=\w))?")
POSSESSIVE_TAIL = re.compile(r"(?:\s+(?:for|por)\s+(?:its|their|his|her|su|sus)(?:\s+\w+)?|['’]s)\s*$")
PROPOSAL = re.compile(
    r"\b(?:proposal|offer|initiative|propuesta|ofrecimiento|oferta|iniciativa)\b"
    r"\s+(?:\w+\s+){0,2}?(?:presented|made|submitted|put forward|presentad[oa]s?|hech[oa]s?|formulad[oa]s?|"
    r"realizad[oa]s?)?\s*(?:by|por)\s+"
)
PROPOSAL_FOR = re.compile(r"\s+(?:for|to|para|de)\s+")
REQUEST = re.compile(
    r"\b(?:request|requests|requested|ask|asks|asked|instruct|instructs|entrust|entrusts|invite|invites|invited|"
    r"urge|urges|encourage|encourages|call on|calls on|calls upon)\s+"
    r"|\b(?:solicitar|solicita|solicito|pedir|pide|instruir|instruye|encomendar|encomienda|encargar|encarga|"
    r"invitar|invita|exhortar|exhorta|alentar|alienta|comisionar|comisiona|designar|designa|mandatar|mandata)\s+a\s+"
    r"|\b(?:commission|commissions|mandate|mandates|designate|designates)\s+"
)
REQUEST_TO = re.compile(r"\s+(?:(?:to|que|a|para(?:\s+que)?)\s+|(?=(?:la|el|los|las)\s))")
# "request that the PPT establish …", "solicitar que la ST elabore …": the actors, then what they are to do.
REQUEST_THAT = re.compile(
    r"\b(?:request|requests|requested|recommend|recommends|ask|asks|propose|proposes|"
    r"solicitar|solicita|solicito|pedir|pide|recomendar|recomienda|proponer|propone)\s+(?:that|que)\s+"
)
# An agreement that commits without naming who: "Asumir el compromiso de enviar …", "To commit to …":
# the countries present take it on.
IMPLIED = re.compile(
    r"^(?:to\s+)?(?:(?:commit|undertake)\s+(?:themselves\s+)?to|assume\s+the\s+commitment\s+to|"
    r"asumir\s+el\s+compromiso\s+de|comprometerse\s+a)\s+(?P<verb>\w+)"
)
EVENT = re.compile(
    r"\b(?:approval of|approve|approves|to hold|the holding of|holding of|the organization of|aprobacion de|"
    r"aprobar|aprueba|realizacion de|celebracion de|organizacion de|realizar|celebrar|organizar)\s+"
    r"(?P<event>(?:an?|the|un|una|el|la)\s+(?:(?!(?:de|del|of)\s)[\w-]+\s+){0,3}?(?:meeting|workshop|seminar|session|course|forum|"
    r"training|conference|webinar|reunion|taller|seminario|sesion|curso|foro|capacitacion|conferencia|"
    r"webinario)(?:s|es)?)\b"
)
EVENT_BY = re.compile(
    r"\b(?:offered|organized|organised|hosted|led|convened|ofrecid[oa]|organizad[oa]|auspiciad[oa]|"
    r"convocad[oa]|a cargo de)\s+(?:by\s+|por\s+)?"
)
ANAPHORA = re.compile(r"\b(?:(?P<de>de)\s+)?(?P<det>this|these|este|esta|estos|estas|dicho|dicha)\s+(?P<noun>\w+)")
PHRASE_END = re.compile(
    r"\s+and\s+to\s+|,\s+and\s+|,\s+y\s+|;|\.\s|\.$|\s+and\s+(?=(?:to\s+)?(?:welcome|thank|take|receive|approve|"
    r"reaffirm|recommend)\b)"
)
NOT_VERBS = {"the", "a", "an", "this", "that", "its", "their"}
# Kinds of agreement whose meeting or workshop, when nobody commits to it, falls to its organizer.
EVENT_KINDS = ("recommends_to_rcgm", "approves", "agrees")
CAPS_TOKEN = re.compile(r"\b[A-ZÁÉÍÓÚÑ]{2,}\b")
MAX_ACTOR_TOKENS = 14

IRREGULAR_FUTURE = {"har": "hacer", "deshar": "deshacer", "rehar": "rehacer", "dir": "decir", "predir": "predecir"}
IRREGULAR_STEMS = [
    ("tendr", "tener"),
    ("pondr", "poner"),
    ("vendr", "venir"),
    ("saldr", "salir"),
    ("valdr", "valer"),
    ("podr", "poder"),
    ("querr", "querer"),
    ("sabr", "saber"),
    ("habr", "haber"),
    ("cabr", "caber"),
]


def future_to_infinitive(word, clitic=None):
    """'enviará' → 'enviar', 'darán' → 'dar', 'tendrá' → 'tener'; a clitic goes after ('encargarse')."""
    word = word.lower()
    stem = word[:-1] if word.endswith("á") else word[:-2]
    if stem in IRREGULAR_FUTURE:
        infinitive = IRREGULAR_FUTURE[stem]
    elif stem.endswith(("ar", "er", "ir")):
        infinitive = stem
    else:
        infinitive = stem
        for future_stem, inf in IRREGULAR_STEMS:
            if stem.endswith(future_stem):
                infinitive = stem[: -len(future_stem)] + inf
                break
    return infinitive + (clitic.lower() if clitic else "")


def sentences_until(text, start):
    """The text from `start` to the end of its sentence."""
    for s_start, s_end in sentences(text):
        if s_start <= start < s_end:
            return text[start:s_end]
    return text[start:]


@dataclass
class Candidate:
    anchor: int  # where the commitment's verb or keyword is, in the sentence
    actor_start: int
    action_start: int
    actors: list
    action: str = ""
    pattern: str = ""
    end: int = 0
    verb: str = ""
    verb_end: int = 0
    lang: str = "en"
    antecedent: str = ""


class Extractor:
    """Find commitments in one agreement's own text."""

    def __init__(self, directory):
        self.directory = directory

    def actor_suffix(self, folded_before):
        """Return (actors, start) of the longest actor list ending `folded_before`, or (None, None)."""
        tokens = list(re.finditer(r"\S+", folded_before))
        best = (None, None)
        for count in range(1, min(MAX_ACTOR_TOKENS, len(tokens)) + 1):
            start = tokens[-count].start()
            actors = self.directory.parse_actor_list(folded_before[start:].rstrip())
            if actors:
                best = (actors, start)
        return best

    def extract(self, text, ref, kind, warnings, present=(), year=None):
        """Return [(actors, action, due)] found in `text` (an agreement's or sub-item's own text).

        `present` are the actors of the meeting (its delegations), who take on what an agreement
        commits to without naming anyone; `year` is the meeting's, for a due time without one.
        """
        folded = fold(text)
        spans = sentences(text)
        found = []
        for s_start, s_end in spans:
            found.extend(self._in_sentence(text[s_start:s_end], folded[s_start:s_end], ref, warnings))
        implied = IMPLIED.match(lexicon.CONNECTORS.sub("", folded.strip()))
        if not found and implied and present:
            offset = len(folded) - len(lexicon.CONNECTORS.sub("", folded.strip()))
            start = offset + implied.start("verb")
            cand = Candidate(start, 0, start, list(present), pattern="implied")
            cand.action = strip_end(sentences_until(text, start))
            found.append(cand)
        if not found and kind in EVENT_KINDS:
            for s_start, s_end in spans:
                found = self._event(text[s_start:s_end], folded[s_start:s_end])
                if found:
                    break
        results = []
        for cand in found:
            action = self._resolve_anaphora(text, folded, cand.action)
            if action:
                results.append((cand.actors, action, find_due(fold(action), year)))
        return results

    def _in_sentence(self, sentence, f, ref, warnings):
        future = self._future(sentence, f, ref, warnings)
        # An action runs to the next commitment's actors in the same sentence, or to its end.
        for index, cand in enumerate(future):
            end = future[index + 1].actor_start if index + 1 < len(future) else len(sentence)
            cand.end = end
            cand.action = self._action_text(sentence, f, cand, end)
        others = self._offers(sentence, f) + self._proposals(sentence, f) + self._requests(sentence, f)
        accepted = list(future)
        for cand in sorted(others, key=lambda c: c.anchor):
            if any(a.action_start <= cand.anchor < a.end for a in accepted):
                continue
            accepted.append(cand)
        return sorted(accepted, key=lambda c: c.anchor)

    # ---- future tense ---------------------------------------------------------------------

    def _future(self, sentence, f, ref, warnings):
        matches = []
        for m in EN_FUTURE.finditer(f):
            if m.group("verb") in NOT_VERBS:
                continue
            matches.append((m.start(), m.start("verb"), m.end("verb"), m.group("verb"), "en"))
        for m in ES_FUTURE.finditer(sentence):
            start = m.start("clitic") if m.group("clitic") else m.start("verb")
            verb = future_to_infinitive(m.group("verb"), m.group("clitic"))
            matches.append((start, m.start("verb"), m.end("verb"), verb, "es"))
        for m in ES_GOING_TO.finditer(f):
            matches.append((m.start(), m.start("verb"), m.end("verb"), m.group("verb"), "es"))
        found = []
        for start, verb_start, verb_end, verb, lang in sorted(matches):
            actors, actor_start = self.actor_suffix(f[:start])
            if not actors:
                self._warn_unknown_subject(sentence, start, ref, warnings)
                continue
            cand = Candidate(verb_start, actor_start, verb_start, actors, pattern="future", verb=verb)
            cand.verb_end = verb_end
            cand.lang = lang
            before = f[:actor_start].rstrip()
            last_word = before.split()[-1] if before.split() else ""
            cand.antecedent = (
                self._antecedent(sentence, f, len(before) - len(last_word)) if last_word in RELATIVES else ""
            )
            found.append(cand)
        return found

    def _action_text(self, sentence, f, cand, end):
        rest = sentence[cand.verb_end : end]
        if cand.lang == "es":
            head = cand.verb
        else:
            head = sentence[cand.action_start : cand.verb_end]
        if cand.antecedent:
            return strip_end(f"{head} {cand.antecedent}{rest}")
        return strip_end(f"{head}{rest}")

    def _antecedent(self, sentence, f, relative_start):
        """The noun phrase a relative clause refers to: 'Take note of |the virtual course| that …'."""
        tokens = list(re.finditer(r"“[^”]*”|\"[^\"]*\"|«[^»]*»|\S+", sentence[:relative_start]))
        first = None
        article = ""
        for token in reversed(tokens[-20:]):
            word = fold(token.group()).strip(",;:()")
            if word in PREPOSITIONS or token.group().endswith((",", ";", ":")):
                if word in ("del", "al"):
                    article = "el "
                break
            first = token
        if first is None:
            return ""
        return article + sentence[first.start() : relative_start].strip()

    def _warn_unknown_subject(self, sentence, start, ref, warnings):
        from django.utils.translation import gettext as _

        clause = re.split(r"[,;:]", sentence[:start])[-1].strip()
        if clause and len(clause.split()) <= 6 and CAPS_TOKEN.search(clause):
            warnings.append(
                _("%(ref)s: “%(subject)s” seems to commit to something but is not in the directory; add it by hand.")
                % {"ref": ref, "subject": clause}
            )

    # ---- offers, proposals, requests ------------------------------------------------------------

    def _offers(self, sentence, f):
        found = []
        for m in OFFER.finditer(f):
            verb_group = next(g for g in ("verb", "verbo", "verbo2", "verb2") if m.group(g))
            if m.group(verb_group) in NOT_VERBS:
                continue
            before = POSSESSIVE_TAIL.sub("", f[: m.start()]).rstrip()
            actors, actor_start = self.actor_suffix(before)
            if not actors and POSSESSIVE_TAIL.search(f[: m.start()]):
                # "To thank Costa Rica for hosting the meeting and for its offer to…": whoever is thanked.
                thanked = THANKED.match(f)
                if thanked:
                    actors, _length = self.directory.actor_list_prefix(f[thanked.end() :])
                    actor_start = thanked.end()
            if not actors:
                continue
            cand = Candidate(m.start(), actor_start, m.start(verb_group), actors, pattern="offer")
            cand.end = len(sentence)
            cand.action = strip_end(sentence[m.start(verb_group) :])
            found.append(cand)
        for m in OFFER_OF.finditer(f):
            actors, length = self.directory.actor_list_prefix(f[m.end() :])
            if not actors:
                continue
            to = OFFER_OF_TO.match(f, m.end() + length)
            if to is None or to.group("verb") in NOT_VERBS:
                continue
            cand = Candidate(m.start(), m.end(), to.start("verb"), actors, pattern="offer")
            cand.end = len(sentence)
            cand.action = strip_end(sentence[to.start("verb") :])
            found.append(cand)
        return found

    def _proposals(self, sentence, f):
        found = []
        for m in PROPOSAL.finditer(f):
            actors, length = self.directory.actor_list_prefix(f[m.end() :])
            if not actors:
                continue
            after = PROPOSAL_FOR.match(f, m.end() + length)
            if after is None:
                continue
            cand = Candidate(m.start(), m.end(), after.end(), actors, pattern="proposal")
            cand.end = len(sentence)
            cand.action = strip_end(sentence[after.end() :])
            found.append(cand)
        return found

    def _requests(self, sentence, f):
        found = []
        for m in REQUEST_THAT.finditer(f):
            actors, length = self.directory.actor_list_prefix(f[m.end() :])
            action = strip_end(sentence[m.end() + length :]) if actors else ""
            if action:
                cand = Candidate(m.start(), m.end(), m.end() + length, actors, pattern="request")
                cand.end = len(sentence)
                cand.action = action
                found.append(cand)
        for m in REQUEST.finditer(f):
            actors, length = self.directory.actor_list_prefix(f[m.end() :])
            if not actors:
                continue
            to = REQUEST_TO.match(f, m.end() + length)
            if to is None:
                continue  # "invite IOM" with nothing asked of it
            action = strip_end(sentence[to.end() :])
            if not action:
                continue
            cand = Candidate(m.start(), m.end(), to.end(), actors, pattern="request")
            cand.end = len(sentence)
            cand.action = action
            found.append(cand)
        return found

    def _event(self, sentence, f):
        m = EVENT.search(f)
        if m is None:
            return []
        actors = None
        by = EVENT_BY.search(f, m.end())
        if by:
            actors, _length = self.directory.actor_list_prefix(f[by.end() :])
        if not actors:
            ts = self.directory.aliases.get("ts")
            actors = list(ts or [])
        if not actors:
            return []
        verb = "organizar" if m.group("event").split()[0] in ("un", "una", "el", "la") else "organize"
        cand = Candidate(m.start("event"), m.start("event"), m.start("event"), actors, pattern="event")
        cand.end = len(sentence)
        cand.action = strip_end(f"{verb} {sentence[m.start('event') :]}")
        return [cand]

    # ---- "this document" → the document named earlier -----------------------------------

    def _resolve_anaphora(self, text, folded, action):
        f_action = fold(action)
        m = ANAPHORA.search(f_action)
        if m is None:
            return action
        noun = m.group("noun")
        anaphor_at = folded.find(m.group(0))
        earlier = None
        for found in re.finditer(
            rf"\b(?:a|an|the|un|una|el|la|del|al)\s+({re.escape(noun)})\b", folded[: max(anaphor_at, 0)]
        ):
            earlier = found
        if earlier is None:
            return action
        end_match = PHRASE_END.search(folded, earlier.start(1))
        phrase = text[earlier.start(1) : end_match.start() if end_match else len(text)].strip()
        if len(phrase.split()) > 30 or fold(phrase) == noun:
            return action
        det = m.group("det")
        if det in ("this", "these"):
            replacement = f"the {phrase}"
        else:
            masculine = det in ("este", "estos", "dicho")
            article = ("del " if masculine else "de la ") if m.group("de") else ("el " if masculine else "la ")
            replacement = article + phrase
        return action[: m.start()] + replacement + action[m.end() :]
