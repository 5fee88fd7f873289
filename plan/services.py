"""Changes to the Strategic Plan's follow-up: every write goes through here (pages, API, imports).

Each function checks access (`core.access`), validates everything before writing, writes in one
transaction under `acting_as` (so the audit trail names the user), and notifies through the
circulation app. Bad input raises ValidationError naming the field at fault; nothing is written.
"""

import decimal
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import access, review
from core.audit import acting_as
from core.office import office_text
from core.refusals import STATE, UNKNOWN, refusal
from core.uploads import check_upload

from . import access as rules
from .access import FILL, REOPEN, REVIEW, keeps
from .models import (
    Evidence,
    FollowUpLine,
    FollowUpReport,
    Indicator,
    IndicatorValue,
    LineStatus,
    Node,
    Plan,
    ReportAction,
    ReportEvent,
    ReportStatus,
    Scope,
    ValueKind,
    reporter_name,
)

MAX_COMMENT = review.MAX_COMMENT
MAX_NARRATIVE = 10000


def activities_for(plan: Plan, country_id: int | None, year: int | None = None) -> list[Node]:
    """The activities a report covers: national ones for a country, regional ones for the regional report."""
    scope = Scope.REGIONAL if country_id is None else Scope.NATIONAL
    nodes = list(Node.objects.filter(plan=plan, scope=scope).order_by("position", "pk"))
    if year is not None:
        nodes = [node for node in nodes if node.runs_in(year)]
    return nodes


def _check_year(plan: Plan, year: int) -> None:
    if not isinstance(year, int) or isinstance(year, bool) or not plan.covers(year):
        message = _("%(year)s is outside the plan (%(start)s–%(end)s).")
        raise refusal(UNKNOWN, message % {"year": year, "start": plan.start_year, "end": plan.end_year}, "year")


def _check_country(country: Any) -> None:
    if country is not None and country.membership != "member":
        raise ValidationError({"country": _("Only member countries report on the plan.")})


@transaction.atomic
def get_or_start_report(
    plan: Plan, year: int, country: Any, *, acting_user: Any, is_demo: bool = False
) -> FollowUpReport:
    """Return the year's report of `country` (None: regional), starting a draft with one line per activity."""
    _check_year(plan, year)
    _check_country(country)
    country_id: Any = getattr(country, "pk", None)  # None: the regional report
    existing = FollowUpReport.objects.filter(plan=plan, year=year, country_id=country_id).first()
    if existing is not None:
        access.require(acting_user, access.VIEW, existing)
        if access.can(acting_user, FILL, existing):
            add_missing_lines(existing, acting_user=acting_user)
        return existing
    access.require_create(acting_user, FollowUpReport, plan=plan, country=country_id)
    if not activities_for(plan, country_id, year):
        message = _("No activity of this report's scope runs in %(year)s: there is nothing to report.")
        raise refusal(STATE, message % {"year": year}, "year")
    with acting_as(acting_user):
        report = FollowUpReport.objects.create(plan=plan, year=year, country=country, is_demo=is_demo)
        add_missing_lines(report, acting_user=acting_user)
    return report


def add_missing_lines(report: FollowUpReport, *, acting_user: Any) -> list[FollowUpLine]:
    """Give an open report a line for each activity of its scope running that year that it lacks yet
    (activities added to the plan after the report was started). Return the new lines."""
    if not report.is_editable:
        return []
    have = set(report.lines.values_list("node_id", flat=True))
    missing = [node for node in activities_for(report.plan, report.country_id, report.year) if node.pk not in have]
    with acting_as(acting_user):
        return FollowUpLine.objects.bulk_create(
            FollowUpLine(report=report, node=node, is_demo=report.is_demo) for node in missing
        )


def _lock(report: FollowUpReport) -> FollowUpReport:
    return FollowUpReport.objects.select_related("plan", "country").select_for_update(of=("self",)).get(pk=report.pk)


def _check_fillable(report: FollowUpReport, acting_user: Any) -> None:
    """Refuse outsiders (403); tell the report's own people why it cannot change now (409 in the API)."""
    REVIEW_FLOW.allow(acting_user, REVIEW_FLOW.step("submit"), report)


def clean_line_values(status: Any, progress: Any, narrative: Any) -> tuple[str, int | None, str]:
    """Check one line's values; return them cleaned. Raise ValidationError naming the field."""
    errors = {}
    if status not in LineStatus.values:
        errors["status"] = _("Choose a status among: %(list)s.") % {"list": ", ".join(LineStatus.values)}
    if progress is not None:
        if isinstance(progress, bool) or not isinstance(progress, int | str | decimal.Decimal | float):
            errors["progress"] = _("Progress is a whole number from 0 to 100.")
        else:
            try:
                number = decimal.Decimal(str(progress).strip())
            except decimal.InvalidOperation:
                number = None
            if number is None or not number.is_finite() or number != number.to_integral_value():
                errors["progress"] = _("Progress is a whole number from 0 to 100.")
            elif not 0 <= number <= 100:
                errors["progress"] = _("Progress goes from 0 to 100; %(value)s is outside.") % {"value": progress}
            else:
                progress = int(number)
    narrative = office_text(narrative or "")
    if not isinstance(narrative, str):
        errors["narrative"] = _("Give the narrative as text.")
    elif len(narrative) > MAX_NARRATIVE:
        errors["narrative"] = _("The narrative is at most %(max)s characters long.") % {"max": MAX_NARRATIVE}
    if not errors:
        if status == LineStatus.NOT_APPLICABLE:
            progress = None
        elif status == LineStatus.COMPLETED:
            if progress not in (None, 100):
                errors["progress"] = _("A completed activity is at 100%.")
            progress = 100
        elif status == LineStatus.NOT_STARTED:
            if progress not in (None, 0):
                errors["progress"] = _("An activity not started is at 0%.")
            progress = 0
        elif progress is None:
            errors["progress"] = _("Give the progress, from 0 to 100.")
    if errors:
        raise ValidationError(errors)
    return status, progress, narrative.strip()


class LinesConflict(ValidationError):
    """Lines changed by someone else since they were read; `lines` maps node id to the saved line."""

    def __init__(self, lines: dict[int, FollowUpLine]) -> None:
        self.lines = lines
        super().__init__(
            {
                f"{line.node.code}: status": [
                    _("%(who)s saved this activity after you opened the report; their version is shown.")
                    % {"who": getattr(line.updated_by, "email", "") or _("Someone")}
                ]
                for line in lines.values()
            }
        )


@transaction.atomic
def save_lines(
    report: FollowUpReport, entries: Mapping[Any, dict[str, Any]], *, acting_user: Any
) -> list[FollowUpLine]:
    """Save several lines at once: `entries` maps an activity (node id) to {status, progress, narrative}
    (a narrative left out or None stays as it is) and, optionally, the line's `revision` as read.

    All are checked before any is written; errors name the activity's code and the field. Lines
    are saved one by one: a line changed by someone else since it was read is refused
    (`LinesConflict`, naming it), never overwritten, and lines not sent are never touched.
    """
    report = _lock(report)
    _check_fillable(report, acting_user)
    lines = {line.node_id: line for line in report.lines.select_related("node")}
    errors, cleaned = {}, {}
    for node_id, entry in entries.items():
        line = lines.get(node_id)
        if line is None:
            errors[f"line-{node_id}"] = [_("This activity is not part of this report.")]
            continue
        narrative = entry.get("narrative")
        if narrative is None:  # left out: the narrative stays as it is
            narrative = line.narrative
        try:
            cleaned[node_id] = clean_line_values(entry.get("status"), entry.get("progress"), narrative)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors[f"{line.node.code}: {field}"] = messages
    if errors:
        raise ValidationError(errors)
    stale = {
        node_id: lines[node_id]
        for node_id, entry in entries.items()
        if entry.get("revision") not in (None, "") and int(entry["revision"]) != lines[node_id].revision
    }
    if stale:
        raise LinesConflict(stale)
    changed = []
    with acting_as(acting_user):
        for node_id, (status, progress, narrative) in cleaned.items():
            line = lines[node_id]
            if (line.status, line.progress, line.narrative) == (status, progress, narrative):
                continue
            line.status, line.progress, line.narrative, line.updated_by = status, progress, narrative, acting_user
            line.save()
            changed.append(line)
        if changed:
            report.save(update_fields=["updated_at"])
    return changed


def previous_report(report: FollowUpReport, user: Any) -> FollowUpReport | None:
    """The same reporter's report of the year before, if `user` may read it."""
    return (
        access.restrict(
            FollowUpReport.objects.filter(plan=report.plan_id, country=report.country_id, year=report.year - 1), user
        )
        .select_related("plan")
        .first()
    )


@transaction.atomic
def start_from_last_year(report: FollowUpReport, *, acting_user: Any) -> list[FollowUpLine]:
    """Fill the lines nobody has touched yet (not started, no progress, no narrative) with the values of
    the same activities in last year's report; lines already filled are never changed. Returns the lines
    filled (none when there is no report of last year to start from)."""
    _check_fillable(report, acting_user)  # who may not fill it learns nothing of last year
    previous = previous_report(report, acting_user)
    if previous is None:
        raise refusal(STATE, _("There is no report of %(year)s to start from.") % {"year": report.year - 1})
    earlier = {line.node_id: line for line in previous.lines.all()}
    entries = {}
    for line in report.lines.all():
        before = earlier.get(line.node_id)
        untouched = line.status == LineStatus.NOT_STARTED and line.progress is None and not line.narrative
        if before is not None and untouched:
            entries[line.node_id] = {
                "status": before.status,
                "progress": before.progress,
                "narrative": before.narrative,
                "revision": line.revision,
            }
    return save_lines(report, entries, acting_user=acting_user) if entries else []


@transaction.atomic
def add_evidence(
    line: FollowUpLine, *, acting_user: Any, link: str = "", file: Any = None, label: str = ""
) -> Evidence:
    """Attach a link or an upload to a line; the upload is checked here (core.uploads.check_upload)."""
    report = _lock(line.report)
    _check_fillable(report, acting_user)
    if not isinstance(link or "", str) or not isinstance(label or "", str):
        raise ValidationError({"link": _("Give the link and the label as text.")})
    link = (link or "").strip()
    label = office_text(label or "").strip()
    if not link and not file:
        raise ValidationError({"link": _("Give a file or a link.")})
    if link and file:
        raise ValidationError({"link": _("Give a file or a link, not both.")})
    if file is not None:
        try:
            file.name = check_upload(file).name
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from None
    if len(label) > 200:
        raise ValidationError({"label": _("The label is at most %(max)s characters long.") % {"max": 200}})
    evidence = Evidence(line=line, link=link, label=label, added_by=acting_user, is_demo=line.is_demo)
    if file is not None:
        evidence.file = file
    evidence.full_clean(exclude=["line", "added_by"])
    with acting_as(acting_user):
        evidence.save()
    return evidence


@transaction.atomic
def remove_evidence(evidence: Evidence, *, acting_user: Any) -> None:
    report = _lock(evidence.line.report)
    _check_fillable(report, acting_user)
    with acting_as(acting_user):
        evidence.delete()


def _record_event(report: FollowUpReport, step: review.Step, acting_user: Any, comment: str) -> ReportEvent:
    return ReportEvent.objects.create(
        report=report, action=step.event, comment=comment, by=acting_user, is_demo=report.is_demo
    )


def _entitled(user: Any, report: FollowUpReport, step: review.Step) -> bool:
    principal = access.principal_for(user)
    if step.permission == FILL:
        return keeps(principal, report.country_id)
    return rules.reviews_reports(principal)


def _why_not(report: FollowUpReport, step: review.Step) -> str:
    if step.permission == FILL:
        message = _("This report is %(status)s: it can change again only if the TS returns or reopens it.")
        return message % {"status": report.get_status_display().lower()}
    return str(step.wrong_state)


def _notify(report: FollowUpReport, step: review.Step, comment: str, acting_user: Any) -> None:
    if step.target == ReportStatus.SUBMITTED:
        _notify_submitted(report)
    else:
        _notify_reviewed(report, comment, returned=step.target == ReportStatus.RETURNED)


ONLY_SUBMITTED = gettext_lazy("Only a submitted report can be approved or returned.")

# The review of a follow-up report: its country (or the PPT and TS) submit, the TS returns or approves,
# and reopens an approved report saying why.
REVIEW_FLOW = review.Workflow(
    steps={
        "submit": review.Step(
            FILL, ReportStatus.SUBMITTED, ReportAction.SUBMITTED, comment=review.NONE, stamp=("submitted_at",)
        ),
        "return": review.Step(
            REVIEW,
            ReportStatus.RETURNED,
            ReportAction.RETURNED,
            comment=review.REQUIRED,
            missing=gettext_lazy("Say what the country should review."),
            wrong_state=ONLY_SUBMITTED,
        ),
        "approve": review.Step(
            REVIEW, ReportStatus.APPROVED, ReportAction.APPROVED, stamp=("approved_at",), wrong_state=ONLY_SUBMITTED
        ),
        "reopen": review.Step(
            REOPEN,
            ReportStatus.RETURNED,
            ReportAction.REOPENED,
            comment=review.REQUIRED,
            field="reason",
            missing=gettext_lazy("Say why the approved report is reopened."),
            clear=("approved_at",),
            wrong_state=gettext_lazy("Only an approved report can be reopened."),
        ),
    },
    lock=_lock,
    record_event=_record_event,
    entitled=_entitled,
    why_not=_why_not,
    notify=_notify,
)


def _check_complete(report: FollowUpReport) -> None:
    """Every activity of the plan has its line, with a status and, unless it does not apply, a progress."""
    have = set(report.lines.values_list("node_id", flat=True))
    added = [node.code for node in activities_for(report.plan, report.country_id, report.year) if node.pk not in have]
    if added:
        message = _(
            "Activities were added to the plan since this report was started (%(list)s): open the report again "
            "and report on them before submitting."
        )
        raise refusal(STATE, message % {"list": ", ".join(added)})
    lines = list(report.lines.select_related("node"))
    if not lines:
        raise refusal(STATE, _("This report has no activities to report on."))
    missing = [line.node.code for line in lines if line.status != LineStatus.NOT_APPLICABLE and line.progress is None]
    if missing:
        message = _("Give the progress of every activity before submitting; missing: %(list)s.")
        raise refusal(STATE, message % {"list": ", ".join(missing)})


def submit_report(report: FollowUpReport, *, acting_user: Any) -> FollowUpReport:
    """Submit a report to the TS: every line needs a status and, unless it does not apply, a progress."""
    return REVIEW_FLOW.take("submit", report, acting_user=acting_user, check=_check_complete)


def return_report(report: FollowUpReport, *, acting_user: Any, comment: str) -> FollowUpReport:
    """Return a submitted report to those who fill it, with comments (TS)."""
    return REVIEW_FLOW.take("return", report, acting_user=acting_user, comment=comment)


def approve_report(report: FollowUpReport, *, acting_user: Any, comment: str = "") -> FollowUpReport:
    """Approve a submitted report (TS): it is locked, and counts in the plan's progress."""
    return REVIEW_FLOW.take("approve", report, acting_user=acting_user, comment=comment)


def reopen_report(report: FollowUpReport, *, acting_user: Any, reason: str) -> FollowUpReport:
    """Reopen an approved report (TS), saying why: it goes back to its country as returned."""
    return REVIEW_FLOW.take("reopen", report, acting_user=acting_user, comment=reason)


# ---- indicators -----------------------------------------------------------------------------


@transaction.atomic
def add_indicator_value(
    indicator: Indicator,
    *,
    acting_user: Any,
    kind: str,
    year: Any,
    value: Any,
    country: Any = None,
    note: str = "",
) -> IndicatorValue:
    """Record a target or an actual value as a new row (the latest counts; nothing is overwritten)."""
    errors: dict[str, Any] = {}
    plan = indicator.node.plan
    if kind not in ValueKind.values:
        errors["kind"] = _("Choose target or actual.")
    if not isinstance(year, int) or isinstance(year, bool) or not plan.covers(year):
        message = _("%(year)s is outside the plan (%(start)s–%(end)s).")
        errors["year"] = refusal(UNKNOWN, message % {"year": year, "start": plan.start_year, "end": plan.end_year})
    try:
        number = decimal.Decimal(str(value).strip()) if not isinstance(value, bool) and value is not None else None
    except decimal.InvalidOperation:
        number = None
    if number is not None and number.is_finite() and number.adjusted() < 12:
        number = number.quantize(decimal.Decimal("0.01"))
    if number is None or not number.is_finite():
        errors["value"] = _("Give the value as a number.")
    elif number.adjusted() >= 12:
        errors["value"] = _("The value has at most 12 digits before the decimal point.")
    if kind == ValueKind.TARGET and country is not None:
        errors["country"] = _("Targets are regional: leave the country empty.")
    if country is not None:
        try:
            _check_country(country)
        except ValidationError as error:
            errors.update(error.message_dict)
    note = note or ""
    if not isinstance(note, str) or len(note) > 500:
        errors["note"] = _("The note is text of at most %(max)s characters.") % {"max": 500}
    if errors or number is None:
        raise ValidationError(errors)
    if not access.can_create(acting_user, IndicatorValue, indicator=indicator, kind=kind, country=country):
        access.refuse(acting_user, access.CREATE, IndicatorValue)
    with acting_as(acting_user):
        return IndicatorValue.objects.create(
            indicator=indicator,
            kind=kind,
            year=year,
            country=country,
            value=number,  # a finite number here: anything else was refused above
            note=note.strip(),
            entered_by=acting_user,
            is_demo=indicator.is_demo,
        )


# ---- notifications ---------------------------------------------------------------------------


def report_users(report: FollowUpReport) -> list[Any]:
    """Who fills the report: the country's officers, or the current PPT's officers."""
    from network.models import PPTPeriod
    from network.queries import officer_users

    country = report.country
    if country is not None:
        return officer_users(country)
    users = []
    for period in PPTPeriod.objects.current().select_related("country"):
        users += officer_users(period.country)
    return users


def _notify_submitted(report: FollowUpReport) -> None:
    from messaging.models import NotificationKind
    from messaging.notifications import notify, ts_users

    def subject(lang: str) -> str:
        return _("%(who)s submitted its %(year)s follow-up of “%(plan)s”") % {
            "who": reporter_name(report.country),
            "year": report.year,
            "plan": report.plan.localized("title", lang),
        }

    def body(lang: str) -> str:
        return _("Approve the report or return it with comments.")

    notify(
        ts_users(),
        NotificationKind.REVIEW_REQUESTED,
        subject=subject,
        body=body,
        url=report.get_absolute_url(),
        dedupe_key=f"plan-report:{report.pk}:submitted:{(report.submitted_at or timezone.now()).isoformat()}",
    )


def _notify_reviewed(report: FollowUpReport, comment: str, *, returned: bool) -> None:
    from messaging.models import NotificationKind
    from messaging.notifications import notify

    def subject(lang: str) -> str:
        values = {"year": report.year, "plan": report.plan.localized("title", lang)}
        if returned:
            return _("The %(year)s follow-up of “%(plan)s” was returned") % values
        return _("The %(year)s follow-up of “%(plan)s” was approved") % values

    notify(
        report_users(report),
        NotificationKind.REPORT_RETURNED if returned else NotificationKind.REPORT_APPROVED,
        subject=subject,
        body=lambda lang: comment,
        url=report.get_absolute_url(),
        dedupe_key=f"plan-report:{report.pk}:{'returned' if returned else 'approved'}:{timezone.now().isoformat()}",
    )
