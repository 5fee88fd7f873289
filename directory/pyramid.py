"""The map's cluster pyramid: the published points already grouped into cells, level by level, so a
map request reads the cells on its screen instead of grouping every point behind them.

`queries.clusters` groups points in square cells of 2**shift pixels of zoom 20 (shift 26 - zoom,
coarser while the viewport would hold more than MAX_CELLS cells). From `MIN_SHIFT` (zoom 9) to the
whole world, `MapCell` holds every such cell that has points: their count and pixel sums (a
cluster's centre is their mean; a cell of one point has that point's pixels), at the public
positions (a confidential location at its municipality's centre: audience 0, what everyone
reads); network members add a correction (audience 1: + the exact position, - the public one, for
the few points where they differ). Each cell is kept without a filter and per filter value, so
one filter reads its own cells:

    ""            every published point        "c<id>"   of a country
    "d<id>"       of a first-level division    "t<hex>"  of a category (service type or profile)
    "l<code>"     in a language                "s<status>" of a status
    "xa<age>"     that do not serve this child's age, 0-17 (an age filter is "" minus "xa<age>")
    "c<id>:<key>" of a country and one other key (a country and one other filter)

Other pairs of filters, three or more, and finer zooms (a few thousand points on screen at most)
read the points as before. Every change of `MapPoint` goes through here in the same transaction: `indexing`
subtracts the old points and adds the new ones, a cascade deletion subtracts through a signal, and
`rebuild()` (`manage.py build_map_pyramid`) computes it all again.
"""

from __future__ import annotations

import threading
import uuid
from collections import defaultdict
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction

from .models import MAX_AGE, MERCATOR_BITS, MapCell, MapPoint

MIN_SHIFT = 17  # cells of 2**17 pixels of zoom 20: zoom 9 and coarser
CHILD_AGES = 18  # the age filter of ages 0-17 (a child's) reads cells; older ages read the points
TOP_SHIFT = MERCATOR_BITS  # one cell holds the world
PUBLIC, MEMBERS = 0, 1  # audience 0: the public positions; 1: what members see besides (exact - public)
_local = threading.local()
EMPTY = "''"  # the key of every point, in SQL


# ---- What a point counts in ----------------------------------------------------------------------


def excluded_ages(minimum: int | None, maximum: int | None) -> list[int]:
    """The children's ages (0 to 17) a service does not serve."""
    low = minimum or 0
    high = MAX_AGE if maximum is None else maximum
    return [age for age in range(CHILD_AGES) if age < low or age > high]


def keys_of(point: MapPoint) -> list[str]:
    """Every key a point counts under (what it holds, not what its service holds now: a point leaves
    the pyramid as it entered it)."""
    keys = ["", f"c{point.country_id}", f"s{point.status}"]
    if point.division_id is not None:
        keys.append(f"d{point.division_id}")
    keys += [f"t{term}" for term in point.terms.strip("|").split("|") if term]
    keys += [f"l{code}" for code in point.languages.strip("|").split("|") if code]
    keys += [f"xa{age}" for age in excluded_ages(point.minimum_age, point.maximum_age)]
    # A country with one other filter, the commonest pair (an officer's own country and a type).
    return keys + [f"c{point.country_id}:{key}" for key in keys[2:]]


def term_key(term: Any) -> str:
    return f"t{uuid.UUID(str(getattr(term, 'pk', term))).hex}"


def plan(filters: Any) -> list[tuple[str, int]] | None:
    """The cells that answer these filters, as (key, sign) to sum; None when the pyramid cannot."""
    chosen = []
    if filters.country is not None:
        chosen.append([(f"c{filters.country.pk}", 1)])
    if filters.division is not None:
        chosen.append([(f"d{filters.division.pk}", 1)])
    chosen += [[(term_key(term), 1)] for term in filters.terms]
    if filters.language:
        chosen.append([(f"l{filters.language.lower()}", 1)])
    if filters.status:
        chosen.append([(f"s{filters.status}", 1)])
    if filters.age is not None:
        if not 0 <= filters.age < CHILD_AGES:
            return None
        chosen.append([("", 1), (f"xa{filters.age}", -1)])
    if len(chosen) == 2 and filters.country is not None:
        country = f"c{filters.country.pk}"
        return [(f"{country}:{key}" if key else country, sign) for key, sign in chosen[1]]
    if len(chosen) > 1:
        return None
    return chosen[0] if chosen else [("", 1)]


# ---- Reading --------------------------------------------------------------------------------------


def cells(members: bool, keys: list[tuple[str, int]], shift: int, box: tuple[int, ...]) -> list[tuple]:
    """The cells of a (cell-aligned) pixel box at this level: [(count, sum x, sum y)]. Members read the
    public cells plus their own correction (the confidential places moved to their exact position)."""
    x0, y0, x1, y1 = (value >> shift for value in box)
    signs = dict(keys)
    audiences = (PUBLIC, MEMBERS) if members else (PUBLIC,)
    table = connection.ops.quote_name(MapCell._meta.db_table)
    sql = (
        f"SELECT key, cx, cy, count, sx, sy FROM {table} "  # noqa: S608 - only the table name and marks are formatted in
        f"WHERE shift = %s AND audience IN ({', '.join(['%s'] * len(audiences))}) "
        f"AND key IN ({', '.join(['%s'] * len(signs))}) AND cx BETWEEN %s AND %s AND cy BETWEEN %s AND %s"
    )
    summed: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    with connection.cursor() as cursor:
        cursor.execute(sql, [shift, *audiences, *signs, x0, x1, y0, y1])
        for key, cx, cy, count, sx, sy in cursor.fetchall():
            sign, cell = signs[key], summed[(cx, cy)]
            cell[0] += sign * count
            cell[1] += sign * sx
            cell[2] += sign * sy
    return [tuple(cell) for cell in summed.values() if cell[0] > 0]


# ---- Keeping it up to date -----------------------------------------------------------------------


def _contributions(points: list[MapPoint], sign: int) -> dict[tuple, list[int]]:
    summed: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    for point in points:
        if not point.is_published:
            continue
        keys = keys_of(point)
        spots = [(PUBLIC, point.public_mx, point.public_my, sign)]
        if (point.mx, point.my) != (point.public_mx, point.public_my):  # members see it elsewhere
            spots += [(MEMBERS, point.mx, point.my, sign), (MEMBERS, point.public_mx, point.public_my, -sign)]
        for audience, x, y, weight in spots:
            for shift in range(MIN_SHIFT, TOP_SHIFT + 1):
                cx, cy = x >> shift, y >> shift
                for key in keys:
                    cell = summed[(audience, key, shift, cx, cy)]
                    cell[0] += weight
                    cell[1] += weight * x
                    cell[2] += weight * y
    return summed


UPSERT_ROWS = 500  # cells per statement


def _write(summed: dict[tuple, list[int]], *, add_to_existing: bool) -> None:
    """Write cells a few hundred a statement: added to the cells already there (created as needed;
    cells that reach 0 stay, unread, until the next rebuild), or as new cells (a rebuild's ages)."""
    rows = [(*cell, *values) for cell, values in summed.items() if any(values)]
    table = connection.ops.quote_name(MapCell._meta.db_table)
    merge = (
        " ON CONFLICT (shift, audience, key, cx, cy) DO UPDATE SET count = "
        f"{table}.count + excluded.count, sx = {table}.sx + excluded.sx, sy = {table}.sy + excluded.sy"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), UPSERT_ROWS):
            batch = rows[start : start + UPSERT_ROWS]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(batch))
            cursor.execute(
                f"INSERT INTO {table} (audience, key, shift, cx, cy, count, sx, sy) VALUES {values}"  # noqa: S608
                + (merge if add_to_existing else ""),
                [value for row in batch for value in row],
            )


def _apply(summed: dict[tuple, list[int]]) -> None:
    _write(summed, add_to_existing=True)


def add(points: list[MapPoint]) -> None:
    _apply(_contributions(points, 1))


def remove(points: list[MapPoint]) -> None:
    _apply(_contributions(points, -1))


@contextmanager
def handled():
    """Within this block the caller keeps the pyramid itself (deletions are not subtracted again)."""
    _local.handled = getattr(_local, "handled", 0) + 1
    try:
        yield
    finally:
        _local.handled -= 1


def on_link_deleted(sender, instance, **kwargs):
    """A service at a location deleted (alone or with its service or location): its point leaves the map."""
    if getattr(_local, "handled", 0):
        return
    point = MapPoint.objects.filter(pk=instance.pk).first()
    if point is not None:
        remove([point])


# ---- Building it whole -----------------------------------------------------------------------------


def _split(source: str, column: str) -> tuple[str, str]:
    """(value, source) that give one row per item of a '|a|b|' column, in this database's SQL."""
    if connection.vendor == "sqlite":  # as a JSON array, any quote or backslash in a value escaped
        items = f"""REPLACE(REPLACE(TRIM({column}, '|'), '\\', '\\\\'), '"', '\\"')"""
        return "j.value", f"""{source}, json_each('["' || REPLACE({items}, '|', '","') || '"]') AS j"""
    items = f"TRIM(BOTH '|' FROM {column})"
    return "j.value", f"{source} CROSS JOIN LATERAL unnest(string_to_array({items}, '|')) AS j(value)"


def _spot_rows(key: str, source: str, where: str, spot: tuple[str, str, str], size: int) -> str:
    """One row per point (and key) at a position, weighted +1 or -1."""
    x, y, weight = spot
    return (
        f"SELECT {key} AS k, {x} / {size} AS cx, {y} / {size} AS cy, {weight} AS c, "  # noqa: S608
        f"{weight} * {x} AS sx, {weight} * {y} AS sy FROM {source} WHERE {where}"
    )


def _grouped_rows(rows: str) -> str:
    return (
        f"SELECT %s, k, %s, cx, cy, SUM(c), SUM(sx), SUM(sy) FROM ({rows}) AS r GROUP BY k, cx, cy "  # noqa: S608
        "HAVING SUM(c) <> 0 OR SUM(sx) <> 0 OR SUM(sy) <> 0 ORDER BY k, cx, cy"
    )


def _insert_grouped(cursor, table: str, select: str, params: list[Any]) -> None:
    cursor.execute(f"INSERT INTO {table} (audience, key, shift, cx, cy, count, sx, sy) {select}", params)  # noqa: S608


@transaction.atomic
def rebuild() -> int:
    """Compute every cell again from the points; return the number of cells."""
    qn = connection.ops.quote_name
    table, points = qn(MapCell._meta.db_table), qn(MapPoint._meta.db_table)
    postgres = connection.vendor == "postgresql"
    size = 1 << MIN_SHIFT
    with connection.cursor() as cursor:
        if postgres:
            # Millions of rows: emptied and filled without the cell index, which is then built once,
            # sorted, several times faster than row by row. Map requests wait for the commit (they
            # never see half a pyramid); the groupings sort in memory.
            cursor.execute(f"TRUNCATE {table}")
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT mapcell_cell")
            cursor.execute("SET LOCAL work_mem = '256MB'")
        else:
            MapCell.objects.all().delete()
        published = "p.is_published = %s"
        moved = "(p.mx <> p.public_mx OR p.my <> p.public_my)"
        terms, terms_source = _split(f"{points} p", "p.terms")
        languages, languages_source = _split(f"{points} p", "p.languages")
        single = (
            ("'s' || p.status", f"{points} p", published),
            ("'d' || p.division_id", f"{points} p", f"{published} AND p.division_id IS NOT NULL"),
            (f"'t' || {terms}", terms_source, f"{published} AND p.terms <> '|'"),
            (f"'l' || {languages}", languages_source, f"{published} AND p.languages <> '|'"),
        )
        paired = tuple((f"'c' || p.country_id || ':' || {key}", source, where) for key, source, where in single)
        for key, source, where in (
            (EMPTY, f"{points} p", published),
            ("'c' || p.country_id", f"{points} p", published),
            *single,
            *paired,
        ):
            # The public cells, then the members' correction: + exact, - public, where they differ.
            # Each in the index's order: the cells go in at the end of the index, not all over it.
            spot = ("p.public_mx", "p.public_my", "1")
            rows = _spot_rows(key, source, where, spot, size)
            _insert_grouped(cursor, table, _grouped_rows(rows), [PUBLIC, MIN_SHIFT, True])
            exact = _spot_rows(key, source, f"{where} AND {moved}", ("p.mx", "p.my", "1"), size)
            public = _spot_rows(key, source, f"{where} AND {moved}", ("p.public_mx", "p.public_my", "-1"), size)
            _insert_grouped(
                cursor, table, _grouped_rows(f"{exact} UNION ALL {public}"), [MEMBERS, MIN_SHIFT, True, True]
            )
        # Ages: the few points that do not serve every child, grouped by their range, spread here.
        summed: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
        for audience, x, y, weight, also in (
            (PUBLIC, "p.public_mx", "p.public_my", 1, ""),
            (MEMBERS, "p.mx", "p.my", 1, f" AND {moved}"),
            (MEMBERS, "p.public_mx", "p.public_my", -1, f" AND {moved}"),
        ):
            cell = f"{x} / {size}, {y} / {size}"
            cursor.execute(
                f"SELECT p.country_id, p.minimum_age, p.maximum_age, {cell}, COUNT(*), SUM({x}), SUM({y}) "  # noqa: S608
                f"FROM {points} p WHERE {published}{also} AND (p.minimum_age > 0 OR p.maximum_age < %s) "
                f"GROUP BY p.country_id, p.minimum_age, p.maximum_age, {cell}",
                [True, CHILD_AGES - 1],
            )
            for country, minimum, maximum, cx, cy, count, sx, sy in cursor.fetchall():
                for age in excluded_ages(minimum, maximum):
                    for key in (f"xa{age}", f"c{country}:xa{age}"):
                        values = summed[(audience, key, MIN_SHIFT, cx, cy)]
                        values[0] += weight * count
                        values[1] += weight * int(sx)
                        values[2] += weight * int(sy)
        _write(summed, add_to_existing=False)
        # Each coarser level from the one below it: four cells make one.
        for shift in range(MIN_SHIFT + 1, TOP_SHIFT + 1):
            _insert_grouped(
                cursor,
                table,
                f"SELECT audience, key, %s, cx / 2, cy / 2, SUM(count), SUM(sx), SUM(sy) FROM {table} "  # noqa: S608
                "WHERE shift = %s GROUP BY audience, key, cx / 2, cy / 2 "
                "HAVING SUM(count) <> 0 OR SUM(sx) <> 0 OR SUM(sy) <> 0 ORDER BY audience, key, cx / 2, cy / 2",
                [shift, shift - 1],
            )
        if postgres:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT mapcell_cell UNIQUE (shift, audience, key, cx, cy)")
        cursor.execute(f"ANALYZE {table}")  # the planner's figures for the new cells
    return MapCell.objects.count()
