"""Import what is sound in others' HSDS data; repair or skip the rest, saying why for each row.

Real packages are imperfect (Open Referral's own example has a location at latitude 100 and rows that name
organizations, services and taxonomies it does not contain). `importer.load` is all or nothing; this
module runs it on the rows that can be taken:
- an impossible coordinate is repaired: the location is kept without a map point;
- a row that stays invalid, or refers to a row that is not there (in the package or in Enlace), is
  skipped, and so is whatever refers to a skipped row.
The import itself stays one transaction: what is written is consistent, and a second import of the same
package updates the same records (HSDS ids).
"""

from collections import Counter
from dataclasses import dataclass, field

from .importer import FLOATS, load
from .package import ImportRefused

MAX_PASSES = 12  # each pass drops the rows the previous one found at fault; references chain a few deep


@dataclass
class ImportReport:
    counts: dict
    repaired: list = field(default_factory=list)  # (table, where, reason)
    skipped: list = field(default_factory=list)  # (table, where, reason)

    def by_table(self, items):
        return Counter(table for table, _where, _reason in items)


def _impossible(text, column):
    low, high = FLOATS[column]
    try:
        return not low <= float(text) <= high
    except ValueError:
        return True


def repair_coordinates(raw):
    """Blank both coordinates of a location where either is impossible; return what was repaired."""
    repaired = []
    for where, row in raw.get("location", []):
        bad = [c for c in ("latitude", "longitude") if row.get(c) not in (None, "") and _impossible(row[c], c)]
        if bad:
            given = ", ".join(f"{column} {str(row[column])[:20]}" for column in bad)
            repaired.append(("location", where, f"{given} is impossible: kept without a map point"))
            row["latitude"] = row["longitude"] = ""
    return repaired


def load_leniently(raw, *, lang="es", dry_run=False):
    """Import every row that can be taken; return an ImportReport. Refuse only what is not about rows."""
    raw = {table: [(where, dict(row)) for where, row in rows] for table, rows in raw.items()}
    repaired = repair_coordinates(raw)
    skipped = []
    for _ in range(MAX_PASSES):
        try:
            counts = load(raw, lang=lang, dry_run=dry_run)
        except ImportRefused as refused:
            at_fault = refused.rows
            known = {where for rows in raw.values() for where, _row in rows}
            if not at_fault or not set(at_fault) <= known:
                raise
            for table, rows in raw.items():
                for where, _row in rows:
                    if where in at_fault:
                        skipped.append((table, where, "; ".join(dict.fromkeys(at_fault[where]))))
            raw = {table: [(w, row) for w, row in rows if w not in at_fault] for table, rows in raw.items()}
            continue
        return ImportReport(counts, repaired, skipped)
    raise ImportRefused([f"Still rows at fault after {MAX_PASSES} passes; import with --strict to see them all."])
