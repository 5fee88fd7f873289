"""Pages of the Strategic Plan. Views parse, ask core.access, call services, render.

Everything a page shows comes from `plan.queries` (the same reads the exports and the API use).
"""

from .pages import matrix, node_detail, plan_detail, plan_list
from .reports import (
    evidence_add,
    evidence_download,
    evidence_remove,
    report_detail,
    report_from_last_year,
    report_review,
    report_start,
    report_submit,
)

__all__ = [
    "evidence_add",
    "evidence_download",
    "evidence_remove",
    "matrix",
    "node_detail",
    "plan_detail",
    "plan_list",
    "report_detail",
    "report_review",
    "report_start",
    "report_from_last_year",
    "report_submit",
]
