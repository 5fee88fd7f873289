"""Site search: each domain registers a provider; every provider filters through core.access.

Providers take (user, words) and return SearchResult items for records the user may see.
The full-text engine for documents (practices, resources) plugs in here too.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db import models
from django.db.backends.signals import connection_created
from django.db.models import Q

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
PER_PROVIDER = 20

_providers = []


@dataclass
class SearchResult:
    kind: str
    title: str
    url: str
    detail: str = ""


# ---- accent-insensitive matching, the same on SQLite and PostgreSQL ----------------------------
# "ninez" finds "Niñez", "migracion" finds "Migración": a column is compared folded (lower case,
# accents of Spanish, Portuguese and French dropped) with the folded word.
ACCENTED = "áàâäãåéèêëíìîïóòôöõúùûüñçÁÀÂÄÃÅÉÈÊËÍÌÎÏÓÒÔÖÕÚÙÛÜÑÇ"
PLAIN = "aaaaaaeeeeiiiiooooouuuuncaaaaaaeeeeiiiiooooouuuunc"
_FOLD_TABLE = str.maketrans(ACCENTED, PLAIN)


def fold(text):
    """Lower case without the accents of ACCENTED (the database does the same to a column)."""
    return (text or "").translate(_FOLD_TABLE).lower()


class Folded(models.Transform):
    """`field__folded`: the column folded as `fold` does, to compare with a folded word."""

    lookup_name = "folded"
    output_field = models.TextField()

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.lhs)
        return f"LOWER(TRANSLATE({column}, %s, %s))", [*params, ACCENTED, PLAIN]

    def as_sqlite(self, compiler, connection):
        column, params = compiler.compile(self.lhs)
        return f"enlace_fold({column})", params


models.CharField.register_lookup(Folded)
models.TextField.register_lookup(Folded)


def _sqlite_fold(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("enlace_fold", 1, fold, deterministic=True)


connection_created.connect(_sqlite_fold, dispatch_uid="enlace-sqlite-fold")


def matches(word, *fields):
    """Q: one of `fields` holds `word`, whatever the case and the accents on either side."""
    folded = fold(word)
    return reduce(or_, (Q(**{f"{field}__folded__contains": folded}) for field in fields))


def register(provider):
    """Decorator: add a search provider."""
    _providers.append(provider)
    return provider


def words_of(query):
    """Split a query into at most MAX_WORDS plain words (no operators are interpreted)."""
    return [word for word in query[:MAX_QUERY_LENGTH].split() if word][:MAX_WORDS]


def search(user, query):
    words = words_of(query)
    if not words:
        return []
    results = []
    for provider in _providers:
        results.extend(provider(user, words)[:PER_PROVIDER])
    return results
