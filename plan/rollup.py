"""Progress of the plan's nodes, computed from the approved follow-up reports.

Pure functions over rows already loaded (see `plan.queries`), so the whole tree costs a fixed
number of queries:

- an activity's progress for a year is the mean of its counted lines in the approved reports
  (one per country for national activities, the regional report for regional ones); lines
  `not applicable` are left out; with no counted line the progress is missing (None), never 0;
- a grouping node's progress is the mean of its children's progress, weighted by their
  `weight` when the TS gives weights (equal weights give the plain mean); children whose
  progress is missing are left out, and a node whose children are all missing is missing.
"""

import decimal
from dataclasses import dataclass, field

ZERO = decimal.Decimal(0)
ONE_PLACE = decimal.Decimal("0.1")


def mean(values):
    """The plain mean of numbers, or None when there are none."""
    values = [decimal.Decimal(value) for value in values if value is not None]
    if not values:
        return None
    return sum(values, ZERO) / len(values)


def weighted_mean(pairs):
    """The mean of (value, weight) pairs, skipping missing values; None when nothing counts.

    When every weight of the counted values is zero, the plain mean is used.
    """
    pairs = [(decimal.Decimal(value), decimal.Decimal(weight)) for value, weight in pairs if value is not None]
    if not pairs:
        return None
    total_weight = sum((weight for _value, weight in pairs), ZERO)
    if total_weight == ZERO:
        return mean(value for value, _weight in pairs)
    return sum((value * weight for value, weight in pairs), ZERO) / total_weight


def line_counts(status, progress):
    from .models import LineStatus

    return status != LineStatus.NOT_APPLICABLE and progress is not None


def activity_progress(lines):
    """Mean progress of an activity's lines (status, progress) in approved reports; None when none counts."""
    return mean(progress for status, progress in lines if line_counts(status, progress))


@dataclass
class TreeNode:
    """A node of the plan as the pages show it: its depth, children and computed progress."""

    node: object
    depth: int = 0
    children: list = field(default_factory=list)
    progress: decimal.Decimal | None = None

    @property
    def pk(self):
        return self.node.pk

    @property
    def percent(self):
        """Progress rounded for display (one decimal), or None."""
        return None if self.progress is None else self.progress.quantize(ONE_PLACE)


def build_tree(nodes):
    """Arrange nodes (any order) into a list of roots of TreeNodes, children in their order.

    Nodes whose parent is missing from `nodes` are treated as roots.
    """
    wrapped = {node.pk: TreeNode(node) for node in nodes}
    roots = []
    for item in sorted(wrapped.values(), key=lambda t: (t.node.order, t.node.code, t.node.pk)):
        parent = wrapped.get(item.node.parent_id)
        (parent.children if parent else roots).append(item)

    def set_depth(items, depth):
        for item in items:
            item.depth = depth
            set_depth(item.children, depth + 1)

    set_depth(roots, 0)
    return roots


def walk(roots):
    """Yield the TreeNodes depth-first, in order (the order of the plan's outline)."""
    stack = list(reversed(roots))
    while stack:
        item = stack.pop()
        yield item
        stack.extend(reversed(item.children))


def roll_up(roots, activity_values):
    """Fill `progress` on every TreeNode: activities from `activity_values` {node id: value or None},
    grouping nodes from their children (weighted mean), recursively. Return {node id: progress}."""
    result = {}

    def visit(item):
        if item.node.scope:
            item.progress = activity_values.get(item.pk)
        else:
            for child in item.children:
                visit(child)
            item.progress = weighted_mean((child.progress, child.node.weight) for child in item.children)
        result[item.pk] = item.progress
        return item.progress

    for root in roots:
        visit(root)
    return result
