"""The network's directory as the importer sees it: bodies, countries and organizations by every name.

Loaded once per import (a handful of queries). Actors resolve to `TS`, `PPT`, a country's ISO
code or an organization's acronym; "each country" / "cada país" / "the Member Countries" to
every member country.
"""

import re
from dataclasses import dataclass, field

from django.utils import translation
from django_countries import countries as world

from .text import fold

TS_ALIASES = ["ts", "technical secretariat", "st", "secretaria tecnica", "rcm technical secretariat"]
PPT_ALIASES = ["ppt", "pro tempore presidency", "presidencia pro tempore", "presidency pro tempore"]
MEMBER_ALIASES = [
    "each country",
    "each member country",
    "each of the member countries",
    "every country",
    "every member country",
    "all countries",
    "all member countries",
    "all the member countries",
    "member countries",
    "member states",
    "cada pais",
    "cada pais miembro",
    "cada uno de los paises",
    "cada uno de los paises miembros",
    "paises miembros",
    "los paises",
    "the countries",
    "todos los paises",
    "todos los paises miembros",
    "estados miembros",
]
# Names people write that django-countries spells otherwise (folded).
COUNTRY_ALIASES = {
    "US": [
        "united states",
        "united states of america",
        "usa",
        "ee. uu.",
        "ee.uu.",
        "eeuu",
        "estados unidos de america",
    ],
    "DO": ["dominican republic", "republica dominicana"],
    "MX": ["mexico", "estados unidos mexicanos"],
    "BZ": ["belize", "belice"],
    "PA": ["panama", "republica de panama"],
}
SUFFIX = (
    r"(?:\s+(?:of the rcm|de la crm|of the regional conference on migration"
    r"|de la conferencia regional sobre migracion))?"
    r"(?:\s*\([\w.\s-]{1,15}\))?"  # a name followed by its acronym: "Organización … (OIM)"
)
PREFIX = (
    r"(?:(?:the\s+)?(?:delegations?|governments?)\s+of\s+(?:the\s+)?"
    r"|(?:la|el|las|los)\s+(?:delegacion|delegaciones|gobierno|gobiernos)\s+de\s+(?:la\s+|el\s+|los\s+)?)?"
)
ARTICLE = r"(?:(?:the|el|la|los|las|al)\s+)?"
SEPARATOR_RE = re.compile(
    r"\s*(?:,\s*(?:and|y|e)\s+|,\s*|\s+and\s+|\s+y\s+|\s+e\s+|\s+as well as\s+|\s+asi como\s+|\s*&\s*"
    r"|\s+together with\s+|\s+junto con\s+|\s+in coordination with\s+|\s+en coordinacion con\s+)"
)


@dataclass(frozen=True)
class Actor:
    """A resolved actor: its code in the JSON and what it links to."""

    code: str
    kind: str  # "ts", "ppt", "country", "organization"
    pk: int | None = None


@dataclass
class Directory:
    members: list = field(default_factory=list)  # Actor (country) of member countries, by code
    aliases: dict = field(default_factory=dict)  # folded alias -> list[Actor]
    world_names: dict = field(default_factory=dict)  # folded country name -> ISO code (every country)
    country_pks: dict = field(default_factory=dict)  # ISO code -> Country pk (those in the directory)
    bodies: list = field(default_factory=list)  # (slug, pk, kind, [folded names], [acronyms])

    @classmethod
    def load(cls):
        """Read the directory from the database."""
        from network.models import Body, Country, Membership, Organization, OrganizationKind

        directory = cls()
        rows = list(Country.objects.values_list("pk", "code", "membership"))
        directory.country_pks = {str(code): pk for pk, code, _m in rows}
        directory.members = sorted(
            (Actor(str(code), "country", pk) for pk, code, membership in rows if membership == Membership.MEMBER),
            key=lambda actor: actor.code,
        )
        for code in world:
            names = set()
            for lang in ("en", "es"):
                with translation.override(lang):
                    names.add(fold(str(world.name(code.code))))
            names.update(COUNTRY_ALIASES.get(code.code, []))
            for name in names:
                directory.world_names[name] = code.code
        for name, code in directory.world_names.items():
            pk = directory.country_pks.get(code)
            if pk is not None:
                directory._add(name, [Actor(code, "country", pk)])
        ts = Actor("TS", "ts")
        for alias in TS_ALIASES:
            directory._add(alias, [ts])
        for alias in PPT_ALIASES:
            directory._add(alias, [Actor("PPT", "ppt")])
        if directory.members:
            for alias in MEMBER_ALIASES:
                directory._add(alias, list(directory.members))
        for org in Organization.objects.all():
            names = [org.acronym_en, org.acronym_es, org.name_en, org.name_es]
            if org.kind == OrganizationKind.SECRETARIAT:
                actor = ts
            else:
                actor = Actor(org.acronym_en or org.acronym_es or org.name_en or org.name_es, "organization", org.pk)
            for name in names:
                if name and len(name) > 1:
                    directory._add(fold(name), [actor], keep=True)
        for body in Body.objects.all():
            names = [fold(n) for n in (body.name_en, body.name_es) if n]
            acronyms = [a for a in (body.acronym_en, body.acronym_es) if a]
            directory.bodies.append((body.slug, body.pk, body.kind, names, acronyms))
        directory._compile()
        return directory

    def _add(self, alias, actors, keep=False):
        alias = re.sub(r"[\s-]+", " ", alias.strip())
        if not alias:
            return
        if keep and alias in self.aliases:
            return  # a country or the TS already owns this name
        self.aliases[alias] = actors

    def _compile(self):
        names = sorted(self.aliases, key=len, reverse=True)
        # A space in a name may be written as a hyphen, and a hyphen as a space: "Pro-Tempore", "Pro Tempore".
        alternatives = "|".join(_flexible(name) for name in names) or r"(?!x)x"
        self.actor_re = re.compile(rf"(?<![\w]){PREFIX}{ARTICLE}(?P<alias>{alternatives}){SUFFIX}(?![\w])")
        world_names = sorted(self.world_names, key=len, reverse=True)
        self.country_re = re.compile(
            r"(?<![\w])(?P<name>" + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in world_names) + r")(?![\w])"
        )

    def country_actor(self, code):
        """The actor of a country of the directory, by ISO code (None if it is not in the directory)."""
        pk = self.country_pks.get(code)
        return Actor(code, "country", pk) if pk is not None else None

    def _lookup(self, matched):
        return self.aliases.get(re.sub(r"[\s-]+", " ", matched))

    # ---- actors ---------------------------------------------------------------------------

    def parse_actor_list(self, folded):
        """Return the actors if the whole of `folded` is a list of actors ("the PPT and the TS"), else None."""
        text = folded.strip()
        if not text:
            return None
        pos = 0
        actors = []
        while True:
            match = self.actor_re.match(text, pos)
            if match is None or match.end() == pos:
                return None
            actors.extend(self._lookup(match.group("alias")) or [])
            pos = match.end()
            if pos >= len(text):
                break
            sep = SEPARATOR_RE.match(text, pos)
            if sep is None:
                return None
            pos = sep.end()
        return _unique(actors)

    def actor_list_prefix(self, folded):
        """Return (actors, end) for the longest actor list at the start of `folded`, or (None, 0)."""
        best = (None, 0)
        pos = 0
        actors = []
        text = folded
        while True:
            match = self.actor_re.match(text, pos)
            if match is None or match.end() == pos:
                break
            actors.extend(self._lookup(match.group("alias")) or [])
            pos = match.end()
            best = (_unique(actors), pos)
            sep = SEPARATOR_RE.match(text, pos)
            if sep is None:
                break
            pos = sep.end()
        return best

    def find_actors(self, folded):
        """Return every actor mentioned anywhere in `folded`, in order, with their spans."""
        found = []
        for match in self.actor_re.finditer(folded):
            if match.start() > 0 and folded[match.start() - 1].isalnum():
                continue
            for actor in self._lookup(match.group("alias")) or []:
                found.append((actor, match.span()))
        return found

    # ---- countries and bodies -----------------------------------------------------------

    def find_countries(self, folded, original=None):
        """Return the ISO codes of the countries named in `folded`, in order of mention.

        With the `original` text, a name counts only when it is capitalised there ("Reunión" is an
        island, "reunión" a meeting).
        """
        codes = []
        for match in self.country_re.finditer(folded):
            if original is not None and not original[match.start()].isupper():
                continue
            code = self.world_names.get(re.sub(r"\s+", " ", match.group("name")))
            if code and code not in codes:
                codes.append(code)
        return codes

    def find_body(self, lines, kind_words=True):
        """Return (slug, pk, kind) of the body named in the title lines, or None.

        With `kind_words`, a word only one kind of body uses counts too ("Viceministros"): for title
        lines, not for a sentence that may only cite that body ("…the XXI Vice-Ministerial Declaration").
        """
        best = None
        for line in lines:
            norm = _norm(line)
            words = set(norm.split()) - STOPWORDS
            for slug, pk, kind, names, acronyms in self.bodies:
                score = 0
                for name in names:
                    name_norm = _norm(name)
                    if name_norm and name_norm in norm:
                        score = max(score, len(name_norm) + 1000)
                    name_words = set(name_norm.split()) - STOPWORDS
                    # Words scattered over a line name a body only when its name is long enough to be
                    # unmistakable; a short one ("Vice-Ministerial Meeting") must be written out.
                    if len(name_words) >= 4 and words:
                        overlap = len(name_words & words) / len(name_words)
                        if overlap >= 0.8:
                            score = max(score, int(overlap * len(name_norm)))
                for acronym in acronyms:
                    if re.search(rf"(?<![\w]){re.escape(acronym)}(?![\w])", line):
                        score = max(score, len(acronym))
                if score and (best is None or score > best[0]):
                    best = (score, (slug, pk, kind))
        if best or not kind_words:
            return best[1] if best else None
        # No name matched: a word that only one kind of body uses ("Vice-Ministers", "Viceministros").
        text = " ".join(_norm(line) for line in lines)
        for kind, pattern in KIND_WORDS:
            of_kind = [(slug, pk, kind) for slug, pk, body_kind, _n, _a in self.bodies if body_kind == kind]
            if len(of_kind) == 1 and re.search(pattern, text):
                return of_kind[0]
        return None


KIND_WORDS = (("vice_ministerial", r"\bvice ?minist"), ("rcgm", r"\b(?:rcgm|grcm)\b"))
STOPWORDS = {"the", "of", "for", "and", "on", "in", "de", "la", "el", "los", "las", "y", "para", "sobre", "en", "del"}


def _flexible(name):
    return re.sub(r"(?:\\ |\\-)+", r"[\\s-]+", re.escape(name))


def _norm(text):
    return " ".join(re.sub(r"[^\w]+", " ", fold(text)).split())


def _unique(actors):
    seen = []
    for actor in actors:
        if actor not in seen:
            seen.append(actor)
    return seen
