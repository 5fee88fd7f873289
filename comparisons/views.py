"""Pages of comparative analyses. Views parse, ask core.access, call services, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import access, documents
from core.confirm import confirmation
from core.forms import add_service_errors
from core.models import AuditEntry
from core.pagecache import public_page

from . import exports, queries, services
from .access import ANSWER, LEAD, MANAGE_LEADS, REVIEW, answers_for
from .forms import (
    AnalysisForm,
    ColumnForm,
    LeadsForm,
    MatrixFilterForm,
    QuestionForm,
    ReturnForm,
    RoundForm,
    SectionForm,
    ValidateForm,
)
from .models import Analysis, Question, Section


def _errors(request, error):
    for message in getattr(error, "messages", [str(error)]):
        messages.error(request, message)


def _analysis(request, pk, action=access.VIEW):
    analysis = get_object_or_404(Analysis.objects.select_related("lead_organization", "body"), pk=pk)
    access.require(request.user, action, analysis)
    return analysis


def _round(request, pk, number):
    analysis = _analysis(request, pk)
    round_ = queries.get_round(analysis, number)
    if round_ is None:
        raise Http404
    round_.analysis = analysis
    return analysis, round_


def _column(request, pk, number, code):
    analysis, round_ = _round(request, pk, number)
    column = queries.column_for(round_, code)
    if column is None:
        raise Http404
    column.round = round_
    access.require(request.user, access.VIEW, column)
    return analysis, round_, column


def _rounds_nav(analysis, current):
    return {"rounds": list(analysis.rounds.order_by("number")), "current_round": current}


# ---- analyses ----------------------------------------------------------------------------


@public_page
def analysis_list(request):
    return render(
        request,
        "comparisons/analysis_list.html",
        {"analyses": queries.analysis_list(request.user), "can_create": access.can_create(request.user, Analysis)},
    )


@public_page
def analysis_detail(request, pk):
    analysis = _analysis(request, pk)
    rounds = queries.round_overview(request.user, analysis)
    principal = access.principal_for(request.user)
    return render(
        request,
        "comparisons/analysis_detail.html",
        {
            "analysis": analysis,
            "rounds": rounds,
            "countries": sorted(analysis.countries.all(), key=lambda c: str(c.name)),
            "leads": services.lead_users(analysis),
            "can_lead": access.can(request.user, LEAD, analysis),
            "can_manage_leads": access.can(request.user, MANAGE_LEADS, analysis),
            "my_columns": [
                c
                for r in rounds
                for c in r.visible_columns
                if c.country_id in principal.officer_countries and access.can(request.user, ANSWER, c)
            ],
            "round_form": RoundForm() if not any(r.is_open for r in rounds) else None,
            "history": list(AuditEntry.objects.for_object(analysis)[:50]) if access.sees_history(principal) else None,
        },
    )


@login_required
def analysis_edit(request, pk=None):
    analysis = _analysis(request, pk, access.CHANGE) if pk else None
    if analysis is None and not access.can_create(request.user, Analysis):
        access.refuse(request.user, access.CREATE, Analysis)
    initial = {"countries": list(analysis.countries.all())} if analysis else {}
    form = AnalysisForm(request.POST or None, instance=analysis, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        countries = list(data.pop("countries"))
        try:
            if analysis is None:
                analysis = services.create_analysis(acting_user=request.user, countries=countries, **data)
            else:
                analysis = services.update_analysis(analysis, acting_user=request.user, countries=countries, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(analysis)
    return render(request, "comparisons/analysis_form.html", {"form": form, "analysis": analysis})


@login_required
def analysis_leads(request, pk):
    analysis = _analysis(request, pk, MANAGE_LEADS)
    form = LeadsForm(
        request.POST or None,
        organization=analysis.lead_organization,
        initial={"leads": services.lead_users(analysis)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_leads(analysis, form.cleaned_data["leads"], acting_user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(analysis)
    return render(request, "comparisons/leads_form.html", {"form": form, "analysis": analysis})


def question_latest(request, pk, question_pk):
    """A question's page in the latest round it belongs to."""
    analysis = _analysis(request, pk)
    question = get_object_or_404(Question, pk=question_pk, analysis=analysis)
    for round_ in analysis.rounds.order_by("-number"):
        if question.in_round(round_.number):
            return redirect("comparisons:question", pk, round_.number, question.pk)
    return redirect("comparisons:framework", pk)


def latest_matrix(request, pk):
    analysis = _analysis(request, pk)
    latest = queries.latest_round(analysis)
    if latest is None:
        return redirect(analysis)
    return redirect("comparisons:matrix", pk, latest.number)


# ---- the framework -------------------------------------------------------------------------


def framework(request, pk):
    analysis = _analysis(request, pk)
    return render(
        request,
        "comparisons/framework.html",
        {
            "analysis": analysis,
            "blocks": queries.framework(analysis),
            "can_lead": access.can(request.user, LEAD, analysis),
            "open_round": services.open_round(analysis),
        },
    )


@login_required
def section_edit(request, pk, section_pk=None):
    analysis = _analysis(request, pk, LEAD)
    section = get_object_or_404(Section, pk=section_pk, analysis=analysis) if section_pk else None
    form = SectionForm(request.POST or None, instance=section)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if not (k == "order" and v is None)}
        try:
            if section is None:
                services.add_section(analysis, acting_user=request.user, **data)
            else:
                services.update_section(section, acting_user=request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("comparisons:framework", pk)
    return render(request, "comparisons/section_form.html", {"form": form, "analysis": analysis, "section": section})


@login_required
@require_POST
def section_remove(request, pk, section_pk):
    analysis = _analysis(request, pk, LEAD)
    section = get_object_or_404(Section, pk=section_pk, analysis=analysis)
    try:
        outcome = services.remove_section(section, acting_user=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        if outcome == "deleted":
            messages.success(request, _("Section removed."))
        else:
            messages.success(request, _("Section removed; its answered questions stay in the earlier rounds."))
    return redirect("comparisons:framework", pk)


@login_required
def question_edit(request, pk, question_pk=None):
    analysis = _analysis(request, pk, LEAD)
    question = get_object_or_404(Question, pk=question_pk, analysis=analysis) if question_pk else None
    initial = {"section": request.GET.get("section")} if question is None and request.GET.get("section") else {}
    form = QuestionForm(request.POST or None, instance=question, analysis=analysis, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.service_fields()
        try:
            if question is None:
                services.add_question(analysis, acting_user=request.user, **data)
            else:
                services.update_question(question, acting_user=request.user, **data)
        except ValidationError as error:
            if hasattr(error, "error_dict") and "choices" in error.error_dict:
                error = ValidationError({**error.error_dict, "choices_text": error.error_dict.pop("choices")})
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("comparisons:framework", pk)
    return render(request, "comparisons/question_form.html", {"form": form, "analysis": analysis, "question": question})


REMOVED_MESSAGES = {
    "deleted": gettext_lazy("The question was removed (no country had answered it)."),
    "retired": gettext_lazy("The question was removed from the framework; the earlier rounds keep it and its answers."),
    "retired_next": gettext_lazy(
        "Countries have answered it in the open round: it stays in this round and leaves the framework from the "
        "next round. No answer is lost."
    ),
}


@login_required
@require_POST
def question_remove(request, pk, question_pk):
    analysis = _analysis(request, pk, LEAD)
    question = get_object_or_404(Question, pk=question_pk, analysis=analysis)
    try:
        outcome = services.remove_question(question, acting_user=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, REMOVED_MESSAGES[outcome])
    return redirect("comparisons:framework", pk)


# ---- rounds --------------------------------------------------------------------------------


@login_required
@require_POST
def round_start(request, pk):
    analysis = _analysis(request, pk, LEAD)
    form = RoundForm(request.POST)
    if not form.is_valid():
        for _field, errors in form.errors.items():
            for message in errors:
                messages.error(request, message)
        return redirect(analysis)
    try:
        round_ = services.start_round(analysis, acting_user=request.user, **form.cleaned_data)
    except ValidationError as error:
        _errors(request, error)
        return redirect(analysis)
    messages.success(request, _("Round started: each country's column starts from its previous answers."))
    return redirect(round_)


@login_required
@require_POST
def round_close(request, pk, number):
    analysis, round_ = _round(request, pk, number)
    access.require(request.user, access.CHANGE, round_)
    page = confirmation(
        request,
        title=_("Close this round of “%(analysis)s”?") % {"analysis": analysis},
        lines=[_("Countries can no longer submit or change their answers in this round.")],
        button=_("Close the round"),
        cancel=analysis.get_absolute_url(),
    )
    if page:
        return page
    try:
        services.close_round(round_, acting_user=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Round closed."))
    return redirect(analysis)


@public_page  # signed in: kept for that reader alone (core.pagecache)
def matrix(request, pk, number):
    analysis, round_ = _round(request, pk, number)
    sections = list(analysis.sections.all())
    form = MatrixFilterForm(request.GET or None, sections=sections)
    view, section = form.selected()
    data = queries.matrix(request.user, round_, section=section, view=view)
    context = {
        "analysis": analysis,
        "round": round_,
        "matrix": data,
        "form": form,
        "query": request.GET.urlencode(),
        **_rounds_nav(analysis, round_),
    }
    template = "comparisons/matrix.html#matrix" if request.htmx else "comparisons/matrix.html"
    return render(request, template, context)


def round_changes(request, pk, number):
    analysis, round_ = _round(request, pk, number)
    found = queries.changes(request.user, round_)
    return render(
        request,
        "comparisons/changes.html",
        {
            "analysis": analysis,
            "round": round_,
            "previous": found.previous,
            "added": found.added,
            "removed": found.removed,
            "by_question": found.by_question,
            "carried": found.carried,
            **_rounds_nav(analysis, round_),
        },
    )


def question_detail(request, pk, number, question_pk):
    analysis, round_ = _round(request, pk, number)
    question = get_object_or_404(Question.objects.select_related("section"), pk=question_pk, analysis=analysis)
    if not question.in_round(round_.number):
        raise Http404
    context = queries.question_page(request.user, round_, question)
    context.update(analysis=analysis, round=round_, question=question, **_rounds_nav(analysis, round_))
    return render(request, "comparisons/question_detail.html", context)


def export(request, pk, number, fmt):
    """The matrix as XLSX, DOCX or PDF: validated columns only, unless the TS asks for a working copy."""
    analysis, round_ = _round(request, pk, number)
    if fmt not in exports.FORMATS:
        raise Http404
    working = documents.working_copy(request)
    return exports.export(request, request.user, round_, documents.language_of(request), fmt, working=working)


# ---- a country's column --------------------------------------------------------------------


def country_profile(request, pk, number, code):
    analysis, round_, column = _column(request, pk, number, code)
    context = queries.country_profile(request.user, column)
    context.update(
        analysis=analysis,
        round=round_,
        column=column,
        return_form=ReturnForm(prefix="return"),
        validate_form=ValidateForm(prefix="validate"),
        **_rounds_nav(analysis, round_),
    )
    return render(request, "comparisons/country_profile.html", context)


@login_required
def column_answer(request, pk, number, code):
    analysis, round_, column = _column(request, pk, number, code)
    if not access.can(request.user, ANSWER, column):
        if answers_for(access.principal_for(request.user), column):
            messages.error(
                request,
                _("This column cannot be changed now: %(status)s.")
                % {"status": column.get_status_display() if round_.is_open else _("the round is closed")},
            )
            return redirect(column)
        access.refuse(request.user, ANSWER, column)
    questions = queries.round_questions(round_)
    answers = {q: a for (_c, q), a in queries.answers_of([column], questions).items()}
    form = ColumnForm(request.POST or None, questions=questions, answers=answers)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_answers(column, form.entries(), acting_user=request.user)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if "submit" in request.POST:
                try:
                    services.submit_column(column, acting_user=request.user)
                except ValidationError as error:
                    messages.success(request, _("Answers saved."))
                    _errors(request, error)
                    return redirect(reverse("comparisons:answer", args=[pk, number, code]))
                messages.success(request, _("Answers submitted to the lead of the analysis."))
                return redirect(column)
            messages.success(request, _("Answers saved."))
            return redirect(reverse("comparisons:answer", args=[pk, number, code]))
    events = queries.country_profile(request.user, column)["events"]
    return render(
        request,
        "comparisons/column_form.html",
        {
            "analysis": analysis,
            "round": round_,
            "column": column,
            "form": form,
            "events": events,
            "carried_count": sum(1 for answer in answers.values() if answer.carried_over),
        },
    )


@login_required
@require_POST
def column_confirm(request, pk, number, code):
    _analysis_, _round_, column = _column(request, pk, number, code)
    try:
        count = services.confirm_answers(column, acting_user=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("%(count)s answers confirmed.") % {"count": count})
    return redirect(reverse("comparisons:answer", args=[pk, number, code]))


@login_required
@require_POST
def column_submit(request, pk, number, code):
    _analysis_, _round_, column = _column(request, pk, number, code)
    try:
        services.submit_column(column, acting_user=request.user)
    except ValidationError as error:
        _errors(request, error)
        return redirect(reverse("comparisons:answer", args=[pk, number, code]))
    messages.success(request, _("Answers submitted to the lead of the analysis."))
    return redirect(column)


@login_required
@require_POST
def column_review(request, pk, number, code, decision):
    _analysis_, _round_, column = _column(request, pk, number, code)
    access.require(request.user, REVIEW, column)
    form = (ReturnForm if decision == "return" else ValidateForm)(request.POST, prefix=decision)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(column)
    try:
        if decision == "return":
            services.return_column(column, acting_user=request.user, comment=form.cleaned_data["comment"])
            messages.success(
                request, _("Returned to %(country)s with your comments.") % {"country": column.country.name}
            )
        else:
            services.validate_column(column, acting_user=request.user, comment=form.cleaned_data["comment"])
            messages.success(request, _("%(country)s's answers are validated.") % {"country": column.country.name})
    except ValidationError as error:
        _errors(request, error)
    return redirect(column)
