"""Template helpers of the matrix: one answer, or one row of cells, rendered in Python.

The matrix can hold 11 × 100 cells; rendering each through an included template costs
seconds, while these helpers cost milliseconds. The markup is the same everywhere: a colour
always comes with a symbol and a word, and an empty cell says "no answer" to screen readers.
"""

from django import template
from django.template.defaultfilters import linebreaksbr, truncatechars
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

SYMBOLS = {"yes": "✓", "partly": "◐", "no": "✗"}


def answer_html(answer, full=False):
    if answer is None:
        return format_html('<span class="ans-none">—<span class="sr-only"> {}</span></span>', _("no answer"))
    if answer.tone:
        html = format_html(
            '<span class="ans ans-{}"><span aria-hidden="true">{}</span> <span class="value">{}</span></span>',
            answer.tone,
            SYMBOLS[answer.tone],
            answer.display(),
        )
    elif full:
        html = format_html('<span class="value">{}</span>', linebreaksbr(answer.display()))
    else:
        html = format_html('<span class="value">{}</span>', truncatechars(answer.display(), 160))
    if answer.carried_over:
        html += format_html('<span class="carried">{}</span>', _("carried over, not confirmed"))
    return html


@register.simple_tag
def answer(answer, full=False):
    """`{% answer answer %}`: an answer as the matrix shows it."""
    return answer_html(answer, full)


@register.simple_tag
def matrix_cells(row, section):
    """The `<td>` cells of one matrix row, each naming its section, question and country headers."""
    question_id = f"q-{row.question.pk}"
    section_id = f"s-{section.pk}"
    return format_html_join(
        "",
        '<td headers="{} {} c-{}" data-country="{}">{}</td>',
        (
            (section_id, question_id, column.code, column.code, answer_html(cell_answer))
            for column, cell_answer in row.cells
        ),
    ) or mark_safe("")
