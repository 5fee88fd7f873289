"""Pages of a long list that count only as far as the reader can go.

A full COUNT reads every matching row, whatever the page: on a board of 50,000 commitments it
costs more than the page itself. `ReachPaginator` counts up to `REACH` rows, or, further on,
to one page past the page asked for; beyond that the list says "more than …" and offers the next
page, so every row stays reachable and a count never reads more rows than the page's own OFFSET.
"""

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator

REACH = 1000  # rows counted exactly before a list says "more than"
MAX_PAGE = 1_000_000  # a page number beyond any list (its count stays a number the database takes)


class ReachPaginator(Paginator):
    """A Paginator whose `count` stops at `bound` (REACH, or one page past `asked`); `more` says it did.

    The page shown is always the one it was made for (`get_page`), so the page has a next one
    whenever `more` is set."""

    def __init__(self, object_list: Any, per_page: int, asked: Any = 1, reach: int | None = None) -> None:
        super().__init__(object_list, per_page)
        try:
            page = min(max(int(asked), 1), MAX_PAGE)
        except (TypeError, ValueError, OverflowError):
            page = 1
        self.asked = page
        self.bound = max(REACH if reach is None else reach, (page + 1) * per_page)
        self.more = False

    def get_page(self, number: Any = None) -> Any:
        """The page asked for when the paginator was made (a number below 1 or not a number: the first;
        beyond the end: the last, counted to the end since the bound is a page past the one asked)."""
        return super().get_page(self.asked)

    @cached_property
    def count(self) -> int:
        counted = self.object_list.order_by()[: self.bound + 1].count()
        self.more = counted > self.bound
        return min(counted, self.bound)
