"""Full-text search over practices and resources: one entry point, the engine of the database in use.

`search(user, text, filters, page=1, per_page=20)` returns ranked hits with highlighted
snippets and facet counts, over what `user` may see (core.access decides, through the
SearchEntry policy). Engines live in `backends/` (SQLite FTS5, PostgreSQL); indexing in
`indexing.py`.

Every match the reader may see is ranked, with no bound: page 1 holds the engine's best matches.
"The engine's own unbounded top 20" is the first 20 of the engine's ranking function (bm25() on
SQLite, ts_rank over the title and summary on PostgreSQL) evaluated over every match, with no
access rules, facets or bound (`backend.raw(query, limit=20)`); `python -m bench.search` measures
page 1 against it.
"""

# ruff: noqa: S608 - SQL is assembled from constants and compiled conditions; values are parameters.

from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection
from django.db.models import F
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import access
from core.i18n import current_language

from ..models import TYPE_LABELS, Axis, Language, SearchEntry, SearchText, Theme
from . import facets as facet_sql
from . import text as text_module
from .backends import get_backend
from .backends.base import Scope
from .query import MAX_QUERY_LENGTH, ParsedQuery, parse

FACETS = ("type", "theme", "country", "year", "language", "axis")
FACET_LABELS = {
    "type": gettext_lazy("Type"),
    "theme": gettext_lazy("Theme"),
    "country": gettext_lazy("Country"),
    "year": gettext_lazy("Year"),
    "language": gettext_lazy("Language"),
    "axis": gettext_lazy("Plan axis"),
}
MAX_FILTER_VALUES = 20
MAX_PER_PAGE = 50
MAX_PAGE = 100

__all__ = ["MAX_QUERY_LENGTH", "FACETS", "parse", "search", "Results"]


@dataclass
class Hit:
    kind: str
    object_id: int
    url: str
    title: str
    snippet: str
    item_type: str
    type_label: str
    year: int | None
    language: str
    is_public: bool
    status: str
    score: float


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Facet:
    name: str
    label: str
    values: list = field(default_factory=list)


@dataclass
class Results:
    query: str
    total: int = 0
    hits: list = field(default_factory=list)
    facets: list = field(default_factory=list)
    page: int = 1
    per_page: int = 20
    note: str = ""

    @property
    def pages(self):
        return max(1, -(-self.total // self.per_page))


def clean_filters(filters):
    """Keep known facets and at most a few short values each."""
    cleaned = {}
    for facet in FACETS:
        values = (filters or {}).get(facet) or []
        if isinstance(values, str):
            values = [values]
        values = [str(value).strip()[:20] for value in values if str(value).strip()][:MAX_FILTER_VALUES]
        if values:
            cleaned[facet] = list(dict.fromkeys(values))
    return cleaned


def _numbers(values):
    return [int(v) for v in values if v.isdigit() and len(v) <= 4]


def visible_entries(user, filters, numbers):
    """Return the entries `user` may see (core.access) that have the chosen facet values.

    Values of one facet are alternatives (any of them); different facets must all hold.
    """
    entries = access.restrict(SearchEntry.objects.all(), user)
    for facet, values in filters.items():
        if facet == "type":
            entries = entries.filter(item_type__in=values)
        elif facet == "language":
            entries = entries.filter(language__in=values)
        elif facet == "year":
            entries = entries.filter(year__in=_numbers(values))
        elif facet == "axis":
            entries = entries.filter(axis_number__in=_numbers(values))
        else:
            column = facet_sql.BIT_FACETS[facet]
            wanted = facet_sql.mask(facet, values, numbers)
            if not wanted:
                return entries.none()
            entries = entries.alias(**{f"{facet}_hit": F(column).bitand(wanted)}).filter(**{f"{facet}_hit__gt": 0})
    return entries


def compile_where(queryset):
    """Return the queryset's WHERE clause as (sql, params) on the `practices_searchentry` table.

    Raises EmptyResultSet when nothing can match.
    """
    query = queryset.query
    query.get_initial_alias()
    compiler = query.get_compiler(connection=connection)
    try:
        sql, params = compiler.compile(query.where)
    except FullResultSet:
        return "", []
    return sql, list(params)


def _browse(entries, per_page, offset):
    rows = list(entries.order_by("-updated_at", "-pk").values_list("pk", flat=True)[offset : offset + per_page])
    return [(pk, 0.0) for pk in rows]


def _browse_facets(where, numbers):
    """Count the facets of every entry the reader may see (no words searched); return (total, counts)."""
    sql, params = where
    condition = f"WHERE {sql}" if sql else ""
    branches = facet_sql.tail_sql()
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH m AS (SELECT {facet_sql.COLUMNS} FROM practices_searchentry {condition}) "
            + " UNION ALL ".join(branches),
            params,
        )
        _hits, total, counts = facet_sql.read_rows(cursor.fetchall(), numbers)
    return total, counts


def search(user, text="", filters=None, *, page=1, per_page=20, with_facets=True):
    """Search what `user` may see. Raises ValidationError when the query is too long."""
    query = parse(text)
    filters = clean_filters(filters)
    per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    page = max(1, min(int(page), MAX_PAGE))
    offset = (page - 1) * per_page
    results = Results(query=query.text, page=page, per_page=per_page)
    numbers = facet_sql.bit_numbers()
    entries = visible_entries(user, filters, numbers)
    try:
        where = compile_where(entries)
    except EmptyResultSet:
        results.facets = _facets({}, filters) if with_facets else []
        return results
    if query.text and not query:
        results.note = _("Only very common words were given: add a more specific word.")
        results.facets = _facets({}, filters) if with_facets else []
        return results
    if query:
        scope = Scope(where=where, numbers=numbers, user=user, filters=filters)
        found = get_backend().search(query, scope, limit=per_page, offset=offset, with_facets=with_facets)
        hits, results.total, counts = found.hits, found.total, found.facets
    else:
        hits = _browse(entries, per_page, offset)
        if with_facets:
            results.total, counts = _browse_facets(where, numbers)
        else:
            results.total, counts = entries.count(), {}
    results.hits = _hits(hits, query)
    results.facets = _facets(counts, filters) if with_facets else []
    return results


HIT_FIELDS = (
    "entry_id",
    "entry__kind",
    "entry__object_id",
    "entry__item_type",
    "entry__year",
    "entry__language",
    "entry__is_public",
    "entry__status",
    "title_es",
    "title_en",
    "summary_es",
    "summary_en",
    "scan_es",
    "scan_en",
)


class _Row(dict):
    """A hit's row, read as attributes by _title and _snippet."""

    __getattr__ = dict.__getitem__


def _url_patterns():
    """Return {kind: URL with a {} for the id}, reversed once instead of once per hit."""
    return {kind: reverse(f"practices:{kind}", args=[0]).replace("/0/", "/{}/") for kind in ("practice", "resource")}


def _hits(hits, query: ParsedQuery):
    if not hits:
        return []
    scan = text_module.SCAN_CHARS
    rows = (
        SearchText.objects.filter(pk__in=[pk for pk, _score in hits])
        .annotate(scan_es=Substr("body_es", 1, scan), scan_en=Substr("body_en", 1, scan))
        .values_list(*HIT_FIELDS)
    )
    by_pk = {row[0]: _Row(zip(HIT_FIELDS, row, strict=True)) for row in rows}
    lang = current_language()
    order = (lang, "en" if lang == "es" else "es")
    urls = _url_patterns()
    out = []
    for pk, score in hits:
        row = by_pk.get(pk)
        if row is None:
            continue
        out.append(
            Hit(
                kind=row["entry__kind"],
                object_id=row["entry__object_id"],
                url=urls[row["entry__kind"]].format(row["entry__object_id"]),
                title=_title(row, order, query),
                snippet=_snippet(row, order, query),
                item_type=row["entry__item_type"],
                type_label=str(TYPE_LABELS.get(row["entry__item_type"], row["entry__item_type"])),
                year=row["entry__year"],
                language=row["entry__language"],
                is_public=row["entry__is_public"],
                status=row["entry__status"],
                score=round(float(score or 0), 4),
            )
        )
    return out


def _title(entry, order, query):
    for lang in order:
        title = getattr(entry, f"title_{lang}")
        if title:
            shown = text_module.highlight(title, lang, query.terms) if query else text_module.opening(title, 60)
            return mark_safe(shown)  # noqa: S308 - escaped by highlight/opening
    return ""


def _snippet(entry, order, query):
    if query:
        for lang in order:
            for field_name in ("summary", "scan"):
                found = text_module.snippet(getattr(entry, f"{field_name}_{lang}") or "", lang, query.terms)
                if found:
                    return mark_safe(found)  # noqa: S308 - built from escaped text
    for lang in order:
        summary = getattr(entry, f"summary_{lang}")
        if summary:
            return mark_safe(text_module.opening(summary))  # noqa: S308 - escaped by opening
    return ""


_country_names = {}


def _country_name(code, lang):
    """Return a country's name in `lang` (django-countries' names, kept per language: they never change)."""
    names = _country_names.get(lang)
    if names is None:
        from django_countries import countries

        names = _country_names[lang] = {code: str(name) for code, name in countries}
    return names.get(code, code)


def _facets(counts, filters):
    """Return the facets with labels in the reader's language, values by count."""
    lang = current_language()
    themes = {
        slug: (name_es if lang == "es" else name_en) or name_es or name_en
        for slug, name_es, name_en in Theme.objects.values_list("slug", "name_es", "name_en")
    }
    axes = {
        str(number): f"{number}. {(name_es if lang == 'es' else name_en) or name_es or name_en}"
        for number, name_es, name_en in Axis.objects.values_list("number", "name_es", "name_en")
    }
    languages = dict(Language.choices)
    labels = {
        "type": lambda v: str(TYPE_LABELS.get(v, v)),
        "theme": lambda v: themes.get(v, v),
        "country": lambda v: _country_name(v, lang),
        "year": lambda v: v,
        "language": lambda v: str(languages.get(v, v)),
        "axis": lambda v: axes.get(v, v),
    }
    grouped = {name: Facet(name=name, label=str(FACET_LABELS[name])) for name in FACETS}
    for (facet, value), count in counts.items():
        if facet in grouped:
            selected = value in filters.get(facet, [])
            grouped[facet].values.append(FacetValue(value, labels[facet](value), count, selected))
    for facet, values in filters.items():
        present = {v.value for v in grouped[facet].values}
        grouped[facet].values += [FacetValue(v, labels[facet](v), 0, True) for v in values if v not in present]
    for facet in grouped.values():
        if facet.name == "year":
            facet.values.sort(key=lambda v: v.value, reverse=True)
        else:
            facet.values.sort(key=lambda v: (-v.count, v.label))
    return [grouped[name] for name in FACETS]
