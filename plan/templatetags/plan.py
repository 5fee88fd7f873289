"""Template helpers of the plan pages: progress bars, line statuses and matrix rows, rendered in Python.

The matrix holds 11 countries × hundreds of activities; helpers keep it fast. A colour always
comes with a symbol and a word; a missing value says "no report", never 0.
"""

import decimal
import functools

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from ..models import LineStatus, ReportStatus

register = template.Library()

SYMBOLS = {
    LineStatus.COMPLETED: "✓",
    LineStatus.IN_PROGRESS: "◐",
    LineStatus.NOT_STARTED: "○",
    LineStatus.CANCELLED: "✗",
    LineStatus.NOT_APPLICABLE: "–",
}
REPORT_SYMBOLS = {
    ReportStatus.APPROVED: "✓",
    ReportStatus.SUBMITTED: "◐",
    ReportStatus.RETURNED: "↺",
    ReportStatus.DRAFT: "✎",
    "missing": "○",
}
STATUS_LABELS = dict(LineStatus.choices)


@register.filter
def percent(value):
    """A progress as text in the reader's way ("37.5%" in English, "37,5 %" in Spanish), one decimal at
    most; "" when missing."""
    if value is None:
        return ""
    value = decimal.Decimal(value).quantize(decimal.Decimal("0.1"))
    places = 0 if value == value.to_integral_value() else 1
    return pgettext("a percentage", "%(number)s%%") % {"number": number_format(value, places)}


def bar_html(value):
    if value is None:
        return format_html('<span class="no-report">{}</span>', _("no report"))
    width = max(0, min(100, float(value)))
    return format_html(
        '<span class="progress"><svg class="bar" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true"'
        ' focusable="false"><rect class="bar-track" width="100" height="8"/><rect class="bar-fill" width="{}"'
        ' height="8"/></svg> <span class="progress-value">{}</span></span>',
        f"{width:.1f}",
        percent(value),
    )


@register.simple_tag
def progress_bar(value):
    """`{% progress_bar item.progress %}`: a bar with its number, or "no report" when missing."""
    return bar_html(value)


def status_html(status, progress=None, short=False):
    if status is None:
        return format_html('<span class="no-report">—<span class="sr-only"> {}</span></span>', _("no report"))
    label = STATUS_LABELS.get(status, status)
    number = "" if progress is None or status == LineStatus.NOT_APPLICABLE else percent(progress)
    if short:
        return format_html(
            '<span class="st st-{}" title="{}"><span aria-hidden="true">{}</span> {}<span class="sr-only"> {}</span>'
            "</span>",
            status,
            label,
            SYMBOLS.get(status, ""),
            number or _("n/a") if status == LineStatus.NOT_APPLICABLE else number,
            label,
        )
    return format_html(
        '<span class="st st-{}"><span aria-hidden="true">{}</span> {}</span>', status, SYMBOLS.get(status, ""), label
    )


@register.simple_tag
def line_status(status, progress=None, short=False):
    """`{% line_status line.status %}`: a line's status with its colour, symbol and word."""
    return status_html(status, progress, short)


@register.simple_tag
def report_status(status, label):
    """A report's status as a badge: symbol and word (the colour only repeats them)."""
    return format_html(
        '<span class="status status-{}"><span aria-hidden="true">{}</span> {}</span>',
        status,
        REPORT_SYMBOLS.get(status, ""),
        label,
    )


@functools.lru_cache(maxsize=4096)
def _cell_html(language, status, progress):
    """A matrix cell's content; cached, as a matrix repeats few (status, progress) pairs many times."""
    return status_html(status, progress, short=True) if status else status_html(None)


@register.simple_tag
def matrix_cells(node, cells, countries):
    """The `<td>` cells of one matrix row, each naming its activity and country headers."""
    language = get_language()
    return format_html_join(
        "",
        '<td headers="a-{} c-{}">{}</td>',
        (
            (node.pk, country.code.code.lower(), _cell_html(language, *(cell or (None, None))))
            for country, cell in zip(countries, cells, strict=True)
        ),
    ) or mark_safe("")


@register.simple_tag
def node_facts(node, plan, agreements=None):
    """A node's tags and facts: missing language, priority, approaches; an activity's scope,
    responsible, years and the agreement that made it a priority (when the reader may see it)."""
    from core.templatetags.enlace import missing_translation

    parts = []
    missing = missing_translation(node, "title")
    if missing:
        parts.append(format_html(' <span class="muted">({})</span>', missing))
    if node.priority:
        parts.append(format_html(' <span class="tag priority">{}</span>', _("priority")))
    for label in node.approach_labels():
        parts.append(format_html(' <span class="tag approach">{}</span>', label))
    if node.scope:
        who = node.responsible_organization or node.get_responsible_display()
        facts = [node.get_scope_display(), str(who)]
        if node.start_year or node.end_year:
            facts.append(f"{node.start_year or plan.start_year}–{node.end_year or plan.end_year}")
        html = format_html_join(" · ", "{}", ((fact,) for fact in facts))
        url = (agreements or {}).get(node.priority_agreement_id) if node.priority_agreement_id else None
        if node.priority and url:
            html += format_html(
                ' · <a href="{}">{}</a>',
                url,
                _("priority set by agreement %(ref)s") % {"ref": node.priority_agreement.ref},
            )
        parts.append(format_html('<span class="meta">{}</span>', html))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped by format_html


@register.filter
def get_item(mapping, key):
    """`{{ values|get_item:key }}`: a dictionary's value, or None."""
    return (mapping or {}).get(key)
