"""API for the Strategic Plan: plans, their tree, indicators and values, follow-up reports, the matrix.

Same rules as the pages: every list goes through `core.access.restrict`, every object through
`access.can`; every write through plan/services.py. A report the caller may not see answers 404
(so a Honduras officer cannot tell Mexico's draft from a missing one).
"""

from .endpoints import (  # noqa: F401 (the package answers for all its modules)
    DEFAULT_YEAR,
    add_value,
    approve_report,
    get_matrix,
    get_node,
    get_plan,
    get_report,
    list_indicators,
    list_nodes,
    list_plans,
    list_reports,
    list_values,
    reopen_report,
    return_report,
    router,
    save_lines,
    start_report,
    submit_report,
)
from .schemas import (  # noqa: F401 (the package answers for all its modules)
    COUNTRY_PATTERN,
    MAX_VALUE,
    READ_ERRORS,
    WRITE_ERRORS,
    Code,
    PlanApproveIn,
    PlanEventOut,
    PlanEvidenceOut,
    PlanIndicatorOut,
    PlanLineIn,
    PlanLineOut,
    PlanLinesIn,
    PlanMatrixCellOut,
    PlanMatrixOut,
    PlanMatrixRowOut,
    PlanNodeDetailOut,
    PlanNodeOut,
    PlanOut,
    PlanReopenIn,
    PlanReportDetailOut,
    PlanReportIn,
    PlanReportOut,
    PlanReportStateOut,
    PlanReturnIn,
    PlanTreeOut,
    PlanValueIn,
    PlanValueOut,
    PlanYearProgressOut,
    Year,
    node_out,
)
