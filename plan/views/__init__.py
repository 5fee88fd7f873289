"""Pages of the Strategic Plan. Views parse, ask core.access, call services, render.

Everything a page shows comes from `plan.queries` (the same reads the exports and the API use).
"""

from .common import (  # noqa: F401 (the package answers for all its modules)
    REGIONAL,
    agreement_links,
    export_links,
    tree_nodes,
)
from .pages import (  # noqa: F401 (the package answers for all its modules)
    CHART_ROW,
    CHART_WIDTH,
    indicator_tables,
    matrix,
    node_detail,
    plan_detail,
    plan_list,
    timeline_rows,
)
from .reports import (  # noqa: F401 (the package answers for all its modules)
    evidence_add,
    evidence_download,
    evidence_remove,
    report_code,
    report_detail,
    report_review,
    report_start,
    report_submit,
)
