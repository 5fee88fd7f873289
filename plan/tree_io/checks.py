"""Each row of a tree sheet checked, and the tree as a whole, with a message per problem."""

import decimal
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.office import office_text

from ..models import MAX_DEPTH, Approach, Responsible, Scope
from .common import CODE_PATTERN, LIMITS, MAX_WEIGHT, NO, YES, _unquote
from .export import _labels_of
from .reading import _message

# ---- checking the rows ---------------------------------------------------------------------


@dataclass
class Spec:
    """A row checked: the values its node will have."""

    row: int
    code: str
    parent_code: str
    values: dict
    organization: object = None


def _organization_index():
    from network.models import Organization

    index = {}
    for org in Organization.objects.all():
        for label in _labels_of(org):
            index.setdefault(label.casefold(), {})[org.pk] = org
    return index


def _year(plan, row, column, text, errors):
    if not text:
        return None
    try:
        number = decimal.Decimal(text)
    except decimal.InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number.adjusted() > 3 or number != number.to_integral_value():
        errors.append(_message(row, column, _("“%(value)s” is not a year.") % {"value": text[:40]}))
        return None
    year = int(number)
    if not plan.covers(year):
        errors.append(
            _message(
                row,
                column,
                _("%(year)s is outside the plan (%(start)s–%(end)s).")
                % {"year": year, "start": plan.start_year, "end": plan.end_year},
            )
        )
        return None
    return year


def _check_row(plan, row, organizations, errors):
    """Check one row's own cells; return a Spec (None when its code is unusable)."""
    cells = {name: _unquote(office_text(value).strip()) for name, value in row.cells.items()}
    n = row.number
    count = len(errors)
    for column, limit in LIMITS.items():
        if len(cells[column]) > limit:
            errors.append(
                _message(
                    n,
                    column,
                    _("at most %(max)s characters (this has %(count)s).")
                    % {
                        "max": limit,
                        "count": len(cells[column]),
                    },
                )
            )
    code = cells["code"]
    if not code:
        errors.append(_message(n, "code", _("every row needs a code.")))
    elif len(code) <= LIMITS["code"] and not CODE_PATTERN.match(code):
        errors.append(
            _message(n, "code", _("“%(code)s”: use letters, digits, dots and dashes only.") % {"code": code[:40]})
        )
    parent_code = cells["parent_code"]
    if parent_code and not CODE_PATTERN.match(parent_code):
        errors.append(
            _message(
                n,
                "parent_code",
                _("“%(code)s”: use letters, digits, dots and dashes only.") % {"code": parent_code[:40]},
            )
        )
    if not (cells["title_es"] or cells["title_en"]):
        errors.append(_message(n, "title_es", _("give the title in Spanish or in English (title_es or title_en).")))

    scope = cells["scope"].lower()
    if scope not in ("", *Scope.values):
        errors.append(
            _message(
                n,
                "scope",
                _("“%(value)s”: leave it empty for a grouping node, or write %(choices)s.")
                % {"value": cells["scope"][:40], "choices": " / ".join(Scope.values)},
            )
        )
        scope = None

    responsible, organization = cells["responsible"], None
    if responsible.lower() in (Responsible.PPT_TS, Responsible.COUNTRIES):
        responsible = responsible.lower()
    elif responsible:
        found = organizations.get(responsible.casefold(), {})
        if len(found) == 1:
            organization = next(iter(found.values()))
            responsible = Responsible.ORGANIZATION
        elif found:
            errors.append(
                _message(
                    n,
                    "responsible",
                    _("“%(value)s” names several organizations: write the organization's full name.")
                    % {"value": responsible[:60]},
                )
            )
        else:
            errors.append(
                _message(
                    n,
                    "responsible",
                    _("“%(value)s”: write ppt_ts, countries, or the acronym or name of an organization in Enlace.")
                    % {"value": responsible[:60]},
                )
            )
    if scope == "" and cells["responsible"]:
        errors.append(_message(n, "responsible", _("only activities (with a scope) have a responsible.")))
    elif scope and not cells["responsible"]:
        errors.append(_message(n, "responsible", _("say who is responsible for this activity.")))
    elif scope == Scope.NATIONAL and responsible == Responsible.PPT_TS:
        errors.append(_message(n, "responsible", _("national activities are carried out by the member countries.")))

    start_year = _year(plan, n, "start_year", cells["start_year"], errors)
    end_year = _year(plan, n, "end_year", cells["end_year"], errors)
    if start_year and end_year and end_year < start_year:
        errors.append(_message(n, "end_year", _("the end year cannot come before the start year.")))

    priority_text = cells["priority"].lower()
    if priority_text not in YES | NO:
        errors.append(
            _message(n, "priority", _("“%(value)s”: write yes or leave it empty.") % {"value": cells["priority"][:40]})
        )
    priority = priority_text in YES
    if priority and scope == "":
        errors.append(_message(n, "priority", _("only activities (with a scope) can be priorities.")))

    weight = decimal.Decimal(1)
    if cells["weight"]:
        text = cells["weight"]
        if "," in text and "." not in text:
            text = text.replace(",", ".")  # a decimal comma, as Spanish spreadsheets write it
        try:
            weight = decimal.Decimal(text)
        except decimal.InvalidOperation:
            weight = None
        if weight is None or not weight.is_finite() or weight < 0 or weight > MAX_WEIGHT:
            errors.append(
                _message(
                    n,
                    "weight",
                    _("“%(value)s”: the weight is a number from 0 to %(max)s (empty means 1).")
                    % {"value": cells["weight"][:40], "max": MAX_WEIGHT},
                )
            )
            weight = None
        elif weight != weight.quantize(decimal.Decimal("0.01")):
            errors.append(
                _message(n, "weight", _("“%(value)s”: at most two decimals.") % {"value": cells["weight"][:40]})
            )
            weight = None
        else:
            weight = weight.quantize(decimal.Decimal("0.01"))

    approaches = []
    for part in re.split(r"[;,]", cells["approaches"]):
        part = part.strip().lower()
        if not part:
            continue
        if part not in Approach.values:
            errors.append(
                _message(
                    n,
                    "approaches",
                    _("unknown approach “%(value)s” (known: %(choices)s).")
                    % {"value": part[:40], "choices": "; ".join(Approach.values)},
                )
            )
        elif part not in approaches:
            approaches.append(part)

    if len(errors) > count or not code:
        return Spec(row=n, code=code, parent_code=parent_code, values={"scope": scope}) if code else None
    values = {
        "title_es": cells["title_es"],
        "title_en": cells["title_en"],
        "description_es": cells["description_es"],
        "description_en": cells["description_en"],
        "scope": scope,
        "responsible": responsible if scope else "",
        "start_year": start_year,
        "end_year": end_year,
        "priority": priority,
        "weight": weight,
        "approaches": approaches,
    }
    return Spec(row=n, code=code, parent_code=parent_code, values=values, organization=organization)


def _check_tree(specs, errors):
    """Check parents (known, not an activity, no cycle, depth); return {code: depth} for rows that hold."""
    by_code = {}
    for spec in specs:
        if spec.code in by_code:
            errors.append(
                _message(
                    spec.row,
                    "code",
                    _("the code “%(code)s” is already on row %(other)s.")
                    % {"code": spec.code, "other": by_code[spec.code].row},
                )
            )
        else:
            by_code[spec.code] = spec
    for spec in specs:
        if not spec.parent_code:
            continue
        parent = by_code.get(spec.parent_code)
        if parent is None:
            errors.append(
                _message(
                    spec.row,
                    "parent_code",
                    _("no row has the code “%(code)s”.") % {"code": spec.parent_code[:40]},
                )
            )
        elif parent.values.get("scope"):
            errors.append(
                _message(
                    spec.row,
                    "parent_code",
                    _("“%(code)s” (row %(other)s) is an activity: an activity cannot hold other nodes.")
                    % {"code": parent.code, "other": parent.row},
                )
            )
    depths = {}
    for spec in by_code.values():
        chain, current = [], spec
        while current is not None and current.code not in depths:
            if any(item is current for item in chain):
                cycle = chain[next(i for i, item in enumerate(chain) if item is current) :]
                errors.append(
                    _message(
                        spec.row,
                        "parent_code",
                        _("the rows %(codes)s are placed under each other in a loop.")
                        % {"codes": " → ".join(item.code for item in [*cycle, current])},
                    )
                )
                for item in chain:
                    depths[item.code] = None
                break
            chain.append(current)
            current = by_code.get(current.parent_code) if current.parent_code else None
        else:
            base = -1 if current is None else depths[current.code]
            for item in reversed(chain):
                base = None if base is None else base + 1
                depths[item.code] = base
    for spec in by_code.values():
        depth = depths.get(spec.code)
        if depth is not None and depth > MAX_DEPTH:
            errors.append(
                _message(
                    spec.row,
                    "parent_code",
                    _("too deep: a node sits at most %(n)s levels below an axis.") % {"n": MAX_DEPTH},
                )
            )
    return depths
