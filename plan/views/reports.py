"""A country's or the region's follow-up report: filled, submitted, reviewed, with its evidence."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core import access
from core.confirm import confirmation
from core.downloads import stored_file_response
from core.forms import add_service_errors
from core.pagecache import reader_page
from network.models import Country, Membership

from .. import access as rules
from .. import services
from ..access import FILL, REOPEN, REVIEW, keeps
from ..forms import (
    REVIEW_FORMS,
    ApproveForm,
    EvidenceForm,
    LinesForm,
    ReopenForm,
    ReturnForm,
)
from ..models import (
    Evidence,
    FollowUpReport,
    Plan,
    ReportEvent,
    ReportStatus,
    reporter_name,
)
from .common import REGIONAL, _errors, _year

# ---- a follow-up report --------------------------------------------------------------------


def _report_target(plan, code):
    """The country a report code names (None: regional); 404 for anything else."""
    if code.lower() == REGIONAL:
        return None
    country = Country.objects.filter(code=code.upper()[:2], membership=Membership.MEMBER).first()
    if country is None or len(code) != 2:
        raise Http404
    return country


def _report(request, pk, year, code):
    """(plan, country or None, report or None). Refuse (403) a report the reader may not see."""
    plan = get_object_or_404(Plan.objects.select_related("body"), pk=pk)
    _year(plan, year)
    country = _report_target(plan, code)
    report = (
        FollowUpReport.objects.filter(plan=plan, year=year, country=country)
        .select_related("plan__body", "country")
        .first()
    )
    if report is not None and access.can(request.user, access.VIEW, report):
        return plan, country, report
    country_id = getattr(country, "pk", None)
    if report is None and access.can_create(request.user, FollowUpReport, plan=plan, country=country_id):
        return plan, country, report
    # The same refusal whether another country's report is a draft or not started: nothing leaks.
    access.refuse(request.user, access.VIEW, report or plan)


def _report_lines(report):
    return list(
        report.lines.select_related("node", "updated_by__person")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.select_related("added_by__person")))
        .order_by("node__position", "node_id")
    )


def _report_page(request, plan, country, report, *, status=200, **forms):
    user = request.user
    context = {
        "plan": plan,
        "year": report.year if report else None,
        "country": country,
        "report": report,
        "who": country.name if country else _("Regional report"),
        "code": country.code.code.lower() if country else REGIONAL,
        "due": None,
    }
    if report is None:
        year = int(request.resolver_match.kwargs["year"])
        context.update(
            year=year,
            due=plan.due_date(year),
            can_start=access.can_create(user, FollowUpReport, plan=plan, country=getattr(country, "pk", None)),
        )
        return render(request, "plan/report_detail.html", context, status=status)
    lines = _report_lines(report)
    can_fill = access.can(user, FILL, report)
    events = list(
        access.restrict(ReportEvent.objects.filter(report=report), user)
        .select_related("by__person")
        .order_by("at", "pk")
    )
    context.update(
        due=plan.due_date(report.year),
        lines=lines,
        events=events,
        can_fill=can_fill,
        can_review=access.can(user, REVIEW, report),
        can_reopen=access.can(user, REOPEN, report),
        lines_form=forms.get("lines_form") or (LinesForm(lines=lines) if can_fill else None),
        previous=services.previous_report(report, user) if can_fill else None,
        evidence_form=forms.get("evidence_form") or (EvidenceForm(lines=lines) if can_fill and lines else None),
        approve_form=forms.get("approve_form") or ApproveForm(prefix="approve"),
        return_form=forms.get("return_form") or ReturnForm(prefix="return"),
        reopen_form=forms.get("reopen_form") or ReopenForm(prefix="reopen"),
        last_return=next((e for e in reversed(events) if e.action in ("returned", "reopened")), None),
        overdue=report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)
        and plan.due_date(report.year) < timezone.localdate(),
        matrix_url=reverse("plan:matrix", args=[plan.pk, report.year]) if access.can(user, access.VIEW, plan) else None,
    )
    return render(request, "plan/report_detail.html", context, status=status)


@reader_page
def report_detail(request, pk, year, code):
    plan, country, report = _report(request, pk, year, code)
    if request.method != "POST":
        if report is not None and access.can(request.user, FILL, report):
            services.add_missing_lines(report, acting_user=request.user)
        return _report_page(request, plan, country, report)
    if report is None:
        raise Http404
    if not access.can(request.user, FILL, report):
        return _not_fillable(request, report)
    lines = _report_lines(report)
    form = LinesForm(request.POST, lines=lines)
    if form.is_valid():
        try:
            services.save_lines(report, form.entries(), acting_user=request.user)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if "submit" in request.POST:
                try:
                    services.submit_report(report, acting_user=request.user)
                except ValidationError as error:
                    messages.success(request, _("Lines saved."))
                    _errors(request, error)
                    return redirect(_report_url(report))
                messages.success(request, _("Report submitted to the Technical Secretariat."))
                return redirect(_report_url(report))
            messages.success(request, _("Lines saved."))
            return redirect(_report_url(report))
    return _report_page(request, plan, country, report, status=400, lines_form=form)


def _not_fillable(request, report):
    """Refuse outsiders (403); tell the report's own people why it cannot change now."""
    if not keeps(access.principal_for(request.user), report.country_id):
        access.refuse(request.user, FILL, report)
    messages.error(
        request,
        _("This report is %(status)s: it can change again only if the TS returns or reopens it.")
        % {"status": report.get_status_display().lower()},
    )
    return redirect(_report_url(report))


def _report_url(report):
    return reverse("plan:report", args=[report.plan_id, report.year, report_code(report)])


def report_code(report):
    return report.country.code.code.lower() if report.country_id else REGIONAL


@login_required
@require_POST
def report_start(request, pk, year, code):
    plan, country, report = _report(request, pk, year, code)
    if report is None:
        try:
            report = services.get_or_start_report(plan, year, country, acting_user=request.user)
        except ValidationError as error:
            _errors(request, error)
            return redirect(reverse("plan:report", args=[pk, year, code.lower()]))
        messages.success(request, _("Report started: fill in each activity, then submit it."))
    return redirect(_report_url(report))


@login_required
@require_POST
def report_from_last_year(request, pk, year, code):
    """Fill the activities nobody has touched yet with last year's values (the report's own people)."""
    plan, country, report = _report(request, pk, year, code)
    if report is None:
        raise Http404
    try:
        filled = services.start_from_last_year(report, acting_user=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s activity filled with %(year)s's values: check it before submitting.",
                "%(count)s activities filled with %(year)s's values: check them before submitting.",
                len(filled),
            )
            % {"count": len(filled), "year": report.year - 1},
        )
    return redirect(_report_url(report) + "#lines-form")


@login_required
@require_POST
def report_submit(request, pk, year, code):
    plan, country, report = _report(request, pk, year, code)
    if report is None:
        raise Http404
    try:
        services.submit_report(report, acting_user=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Report submitted to the Technical Secretariat."))
    return redirect(_report_url(report))


@login_required
@require_POST
def report_review(request, pk, year, code, decision):
    plan, country, report = _report(request, pk, year, code)
    if report is None or decision not in REVIEW_FORMS:
        raise Http404
    if not rules.reviews_reports(access.principal_for(request.user)):  # the state is the service's to check
        access.refuse(request.user, REOPEN if decision == "reopen" else REVIEW, report)
    form = REVIEW_FORMS[decision](request.POST, prefix=decision)
    if form.is_valid() and decision == "approve":
        page = confirmation(
            request,
            title=_("Approve the follow-up report of %(reporter)s for %(year)s?")
            % {"reporter": reporter_name(country), "year": report.year},
            lines=[
                _("The report is locked and counts in the plan's progress."),
                _("Only the Technical Secretariat can reopen it, with a recorded reason."),
            ],
            button=_("Approve and lock"),
            cancel=_report_url(report),
        )
        if page:
            return page
    if form.is_valid():
        try:
            if decision == "approve":
                services.approve_report(report, acting_user=request.user, comment=form.cleaned_data["comment"])
                messages.success(request, _("Report approved: it counts in the plan's progress and is locked."))
            elif decision == "return":
                services.return_report(report, acting_user=request.user, comment=form.cleaned_data["comment"])
                messages.success(request, _("Report returned with your comments."))
            else:
                services.reopen_report(report, acting_user=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _("Report reopened: it can be changed again."))
        except ValidationError as error:
            if not hasattr(error, "error_dict"):  # the report is no longer in a state to review
                _errors(request, error)
                return redirect(_report_url(report))
            add_service_errors(form, error)
        else:
            return redirect(_report_url(report))
    return _report_page(request, plan, country, report, status=400, **{f"{decision}_form": form})


@login_required
@require_POST
def evidence_add(request, pk, year, code):
    plan, country, report = _report(request, pk, year, code)
    if report is None:
        raise Http404
    if not access.can(request.user, FILL, report):
        return _not_fillable(request, report)
    lines = _report_lines(report)
    form = EvidenceForm(request.POST, request.FILES, lines=lines)
    if form.is_valid():
        line = next(line for line in lines if line.pk == form.cleaned_data["line"])
        try:
            services.add_evidence(
                line,
                acting_user=request.user,
                link=form.cleaned_data.get("link") or "",
                file=form.cleaned_data.get("file"),
                label=form.cleaned_data.get("label") or "",
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Evidence added to %(code)s.") % {"code": line.node.code})
            return redirect(_report_url(report) + "#evidence")
    return _report_page(request, plan, country, report, status=400, evidence_form=form)


@login_required
@require_POST
def evidence_remove(request, pk, year, code, evidence_pk):
    plan, country, report = _report(request, pk, year, code)
    if report is None:
        raise Http404
    evidence = get_object_or_404(Evidence.objects.select_related("line__report"), pk=evidence_pk, line__report=report)
    try:
        services.remove_evidence(evidence, acting_user=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Evidence removed."))
    return redirect(_report_url(report) + "#evidence")


def evidence_download(request, pk, year, code, evidence_pk):
    """An evidence file, for those who see its report."""
    _plan_, _country, report = _report(request, pk, year, code)
    if report is None:
        raise Http404
    evidence = get_object_or_404(Evidence.objects.select_related("line__report"), pk=evidence_pk, line__report=report)
    access.require(request.user, access.VIEW, evidence)
    return stored_file_response(evidence.file)
