"""What the plan API takes and gives: its request and response schemas and the functions that fill them."""

import datetime
from typing import Annotated

from ninja import Field, Schema

from core import access
from core.api import Conflict, Error, FieldErrors, Id, InputSchema, Revision, filled_text
from core.models import Visibility

from .. import services
from ..access import FILL
from ..models import (
    MAX_YEAR,
    MIN_YEAR,
    Approach,
    LineStatus,
    ReportAction,
    ReportEvent,
    ReportStatus,
    Responsible,
    Scope,
    ValueKind,
)
from ..rollup import ONE_PLACE

READ_ERRORS = {400: FieldErrors, 401: Error, 403: Error, 404: Error}


WRITE_ERRORS = {400: FieldErrors, 401: Error, 403: Error, 404: Error, 409: Conflict}


Year = Field(..., ge=MIN_YEAR, le=MAX_YEAR)


COUNTRY_PATTERN = "^[A-Za-z]{2}$"


Code = Annotated[str, Field(min_length=1, max_length=20)]


MAX_VALUE = 10**12


def _percent(value):
    return None if value is None else float(value.quantize(ONE_PLACE))


def _iso(country):
    return country.code.code if country is not None else None


def _shows_names(user):
    return access.sees_members_only(user)


# ---- output ------------------------------------------------------------------------------


class PlanOut(Schema):
    id: int
    body: str = Field(..., description="The body's slug")
    title_es: str
    title_en: str
    description_es: str
    description_en: str
    start_year: int
    end_year: int
    report_due_month: int = Field(..., description="A year's reports are due at the end of this month of the next")
    visibility: Visibility
    is_demo: bool
    created_at: datetime.datetime

    @staticmethod
    def resolve_body(obj):
        return obj.body.slug


class PlanNodeOut(Schema):
    id: int
    parent_id: int | None
    code: str
    order: int
    depth: int = Field(0, description="0 for the axes, 1 for their children, …")
    title_es: str
    title_en: str
    description_es: str
    description_en: str
    approaches: list[Approach]
    weight: float = Field(..., description="How much it counts in its parent's progress")
    is_activity: bool
    scope: Scope | None = Field(None, description="regional or national for an activity, null otherwise")
    responsible: Responsible | None = None
    responsible_organization_id: int | None = None
    start_year: int | None
    end_year: int | None
    priority: bool
    priority_agreement_id: int | None = None
    progress: float | None = Field(
        None, description="Progress (%) for the year asked, from approved reports; null when nothing counts"
    )
    is_demo: bool


def node_out(node, depth=0, progress=None):
    return {
        "id": node.pk,
        "parent_id": node.parent_id,
        "code": node.code,
        "order": node.order,
        "depth": depth,
        "title_es": node.title_es,
        "title_en": node.title_en,
        "description_es": node.description_es,
        "description_en": node.description_en,
        "approaches": [code for code in node.approaches or [] if code in Approach.values],
        "weight": float(node.weight),
        "is_activity": node.is_activity,
        "scope": node.scope or None,
        "responsible": node.responsible or None,
        "responsible_organization_id": node.responsible_organization_id,
        "start_year": node.start_year,
        "end_year": node.end_year,
        "priority": node.priority,
        "priority_agreement_id": node.priority_agreement_id,
        "progress": _percent(progress),
        "is_demo": node.is_demo,
    }


class PlanTreeOut(Schema):
    plan_id: int
    year: int
    country: str | None = Field(None, description="The country whose reports the progress comes from (null: all)")
    nodes: list[PlanNodeOut] = Field(..., description="Every node, in the outline's order")


class PlanYearProgressOut(Schema):
    year: int
    progress: float | None


class PlanValueOut(Schema):
    id: int
    indicator_id: int
    kind: ValueKind
    year: int
    country: str | None = Field(None, description="ISO 3166 alpha-2 code; null for a regional value")
    value: float
    note: str
    entered_at: datetime.datetime
    entered_by: str = Field("", description="Who entered it (shown to members only)")

    @staticmethod
    def resolve_country(obj):
        return _iso(obj.country) if obj.country_id else None

    @staticmethod
    def resolve_entered_by(obj, context):
        if not obj.entered_by_id or not _shows_names(context["request"].user):
            return ""
        return obj.entered_by.get_full_name()


class PlanIndicatorOut(Schema):
    id: int
    node_id: int
    node_code: str
    order: int
    name_es: str
    name_en: str
    unit: str
    baseline_value: float | None
    baseline_year: int | None
    current_values: list[PlanValueOut] = Field(
        ..., description="The latest entry of each target and actual value (by kind, year and country)"
    )
    is_demo: bool

    @staticmethod
    def resolve_node_code(obj):
        return obj.node.code

    @staticmethod
    def resolve_current_values(obj):
        latest = {}
        for value in obj.values.all():  # ordered by year, kind, country, then entry: the last one counts
            latest[(value.kind, value.year, value.country_id)] = value
        return list(latest.values())


class PlanNodeDetailOut(PlanNodeOut):
    children: list[int] = Field(..., description="Ids of its children, in order")
    indicators: list[PlanIndicatorOut]
    timeline: list[PlanYearProgressOut] = Field(..., description="Its progress in each year of the plan")


class PlanEventOut(Schema):
    action: ReportAction
    comment: str
    by: str
    at: datetime.datetime

    @staticmethod
    def resolve_by(obj):
        return obj.by.get_full_name() if obj.by_id else ""


class PlanEvidenceOut(Schema):
    id: int
    label: str
    link: str
    file_name: str = Field("", description="The attached file's name, when it is a file")

    @staticmethod
    def resolve_file_name(obj):
        return obj.file.name.rsplit("/", 1)[-1] if obj.file else ""


class PlanLineOut(Schema):
    id: int
    revision: int = Field(..., description="Send it back when you save the line (PATCH …/lines)")
    activity_id: int
    code: str
    title_es: str
    title_en: str
    status: LineStatus
    progress: int | None
    narrative: str
    updated_at: datetime.datetime
    evidence: list[PlanEvidenceOut]

    @staticmethod
    def resolve_activity_id(obj):
        return obj.node_id

    @staticmethod
    def resolve_code(obj):
        return obj.node.code

    @staticmethod
    def resolve_title_es(obj):
        return obj.node.title_es

    @staticmethod
    def resolve_title_en(obj):
        return obj.node.title_en

    @staticmethod
    def resolve_evidence(obj):
        return list(obj.evidence.all())


class PlanReportOut(Schema):
    id: int
    plan_id: int
    year: int
    country: str | None = Field(None, description="ISO 3166 alpha-2 code; null for the regional report")
    regional: bool
    status: ReportStatus
    submitted_at: datetime.datetime | None
    approved_at: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    is_demo: bool

    @staticmethod
    def resolve_country(obj):
        return _iso(obj.country) if obj.country_id else None

    @staticmethod
    def resolve_regional(obj):
        return obj.is_regional


class PlanReportDetailOut(PlanReportOut):
    can_fill: bool = Field(..., description="May the caller change its lines and submit it now?")
    lines: list[PlanLineOut]
    events: list[PlanEventOut] = Field(..., description="The review steps (for those who fill it and the TS)")

    @staticmethod
    def resolve_can_fill(obj, context):
        return access.can(context["request"].user, FILL, obj)

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.select_related("node").prefetch_related("evidence"))

    @staticmethod
    def resolve_events(obj, context):
        events = ReportEvent.objects.filter(report=obj).select_related("by__person")
        return list(access.restrict(events, context["request"].user))


class PlanMatrixCellOut(Schema):
    country: str
    status: LineStatus | None = Field(None, description="null: no approved line (a missing report is not 0)")
    progress: int | None = None


class PlanMatrixRowOut(Schema):
    activity_id: int
    code: str
    title_es: str
    title_en: str
    priority: bool
    average: float | None = Field(None, description="Mean progress over the approved reports")
    cells: list[PlanMatrixCellOut]


class PlanReportStateOut(Schema):
    country: str | None = Field(None, description="null for the regional report")
    status: str = Field(..., description="missing, draft, submitted, returned or approved, as the caller may know it")
    report_id: int | None = Field(None, description="When the caller may open the report")
    due: datetime.date | None = Field(None, description="When a report not yet submitted was due")
    overdue: bool


class PlanMatrixOut(Schema):
    plan_id: int
    year: int
    countries: list[str]
    rows: list[PlanMatrixRowOut]
    reports: list[PlanReportStateOut]


# ---- input -------------------------------------------------------------------------------


class PlanReportIn(InputSchema):
    year: int = Year
    country: str | None = Field(
        None, pattern=COUNTRY_PATTERN, description="ISO 3166 alpha-2 code; null for the regional report"
    )


class PlanLineIn(InputSchema):
    activity: Id | Code = Field(..., description="The activity's id, or its code in the plan (e.g. 1.2.3)")
    status: LineStatus
    progress: int | None = Field(None, ge=0, le=100)
    narrative: str | None = Field(
        None, max_length=services.MAX_NARRATIVE, description="Left out or null: the narrative stays as it is"
    )
    revision: Revision = Field(..., description="The line's revision you read; 409 if someone saved it since")


class PlanLinesIn(InputSchema):
    lines: list[PlanLineIn] = Field(..., min_length=1, max_length=2000)


class PlanApproveIn(InputSchema):
    comment: str = Field("", max_length=services.MAX_COMMENT)


class PlanReturnIn(InputSchema):
    comment: str = filled_text(services.MAX_COMMENT)


class PlanReopenIn(InputSchema):
    reason: str = filled_text(services.MAX_COMMENT)


class PlanValueIn(InputSchema):
    # Targets are regional: a country only with an actual value.
    schema_rules = {
        "anyOf": [{"properties": {"kind": {"const": "actual"}}}, {"properties": {"country": {"type": "null"}}}]
    }

    kind: ValueKind
    year: int = Year
    # At most 12 digits before the decimal point once rounded to cents (plan.services.add_indicator_value).
    value: float = Field(..., gt=-(MAX_VALUE - 1), lt=MAX_VALUE - 1)
    country: str | None = Field(None, pattern=COUNTRY_PATTERN, description="ISO 3166 alpha-2 code; null: regional")
    note: str = Field("", max_length=500)
