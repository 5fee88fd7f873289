"""Report pages: import and review, the live editor, approval and corrections, exports, the RCGM pack."""

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import access, documents
from core.confirm import confirmation
from core.forms import add_service_errors

from .. import archive, consulting, duplicates, exports, imports, queries, services
from ..access import APPROVE, DECIDE
from ..forms import AgreementForm, ArchiveForm, DecisionForm, ImportForm, PackForm, ReportTextForm, TranslationForm
from ..importer import parse_file
from ..models import Agreement, AgreementKind, ImportJob, ImportStatus, Meeting, ReportStatus, ReportVersion


def _ts_meeting(request, pk):
    meeting = get_object_or_404(Meeting.objects.select_related("body"), pk=pk)
    access.require(request.user, access.CHANGE, meeting)
    return meeting


# ---- import and review ---------------------------------------------------------------------


@login_required
def import_upload(request):
    """Upload a report (DOCX or text): it becomes a draft meeting to review."""
    access.require_create(request.user, Meeting)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if imports.is_big(upload):  # read by the worker; the page follows its progress
            job = imports.start(
                upload,
                acting_user=request.user,
                body=form.cleaned_data.get("body"),
                start_date=form.cleaned_data.get("start_date"),
            )
            return redirect(job)
        try:
            parsed = parse_file(upload)
            meeting = services.import_report(
                parsed,
                acting_user=request.user,
                source_name=upload.name,
                body=form.cleaned_data.get("body"),
                start_date=form.cleaned_data.get("start_date"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The report was read. Check what was understood, correct it, then publish."))
            return redirect("meetings:review", pk=meeting.pk)
    return render(request, "meetings/import.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def import_archive_upload(request):
    """Upload a zip of reports: a draft of each one not already in Enlace, then review them one by one."""
    access.require_create(request.user, Meeting)
    form = ArchiveForm(request.POST or None, request.FILES or None)
    results = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.NamedTemporaryFile(suffix=".zip") as copy:
            for chunk in upload.chunks():
                copy.write(chunk)
            copy.flush()
            try:
                results = list(archive.import_archive(copy.name, acting_user=request.user))
            except ValidationError as error:
                add_service_errors(form, error)
        if results is not None:
            made = [result for result in results if result.meeting]
            messages.success(
                request,
                _("%(made)s of %(total)s reports became drafts to review.")
                % {"made": len(made), "total": len(results)},
            )
    context = {"form": form, "results": results}
    return render(request, "meetings/import_archive.html", context, status=400 if form.errors else 200)


@login_required
def import_job(request, pk):
    """Where a background import stands; the page refreshes itself until it is done, then leads to the review."""
    job = get_object_or_404(access.restrict(ImportJob.objects.all(), request.user), pk=pk)
    if job.status == ImportStatus.DONE and job.meeting_id and not request.htmx:
        return redirect("meetings:review", pk=job.meeting_id)
    if job.status == ImportStatus.DONE and job.meeting_id:
        response = HttpResponse()
        response["HX-Redirect"] = reverse("meetings:review", args=[job.meeting_id])
        return response
    template = "meetings/import_job.html#progress" if request.htmx else "meetings/import_job.html"
    return render(request, template, {"job": job})


@login_required
def review(request, pk):
    """The source text beside what was understood, with links to correct each part."""
    meeting = _ts_meeting(request, pk)
    context = queries.review_page(request.user, meeting, request.GET.get("page"))
    context.update(meeting=meeting, translation_form=TranslationForm(), draft=services.draft_of(meeting))
    return render(request, "meetings/review.html", context)


@login_required
@require_POST
def translation_upload(request, pk):
    """Fill the other language of the draft from the same report in that language."""
    meeting = _ts_meeting(request, pk)
    form = TranslationForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            parsed = parse_file(form.cleaned_data["file"])
            warnings = services.add_translation(meeting, parsed, acting_user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The translation was added."))
            for warning in warnings:
                messages.warning(request, warning)
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("meetings:review", pk=meeting.pk)


@login_required
@require_POST
def duplicate_choice(request, pk):
    """The TS's choice for an import that seems to be already in Enlace (see meetings.duplicates)."""
    meeting = _ts_meeting(request, pk)
    choice = request.POST.get("choice", "")
    try:
        shown = duplicates.resolve(meeting, choice, acting_user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("meetings:review", pk=meeting.pk)
    done = {
        "translation": _("The report was added as the other language of this meeting; the duplicate import is gone."),
        "replace": _("The earlier draft was deleted; this import replaces it."),
        "new": _("Kept as a new meeting."),
    }
    messages.success(request, done[choice])
    for warning in getattr(shown, "translation_warnings", []):
        messages.warning(request, warning)
    return redirect("meetings:review", pk=shown.pk)


@login_required
@require_POST
def translation_conflict(request, pk, index):
    """Keep a person's correction, or take the imported text, for one listed conflict."""
    meeting = _ts_meeting(request, pk)
    try:
        duplicates.resolve_translation_conflict(
            meeting, index, request.POST.get("choice", ""), acting_user=request.user
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Saved."))
    return redirect(reverse("meetings:review", args=[meeting.pk]) + "#conflicts")


# ---- the editor ------------------------------------------------------------------------------


def _editor_context(request, meeting):
    draft = services.draft_of(meeting)
    approved = meeting.reports.filter(status=ReportStatus.APPROVED).first()
    return {
        "meeting": meeting,
        "draft": draft,
        "consultation": services.active_consultation(draft),
        "approved": approved,
        "agreements": queries.agreement_tree(draft),
        "kinds": AgreementKind.choices,
        "add_form": AgreementForm(initial={"kind": AgreementKind.OTHER}),
    }


@login_required
def report_editor(request, pk):
    """Draft the report live: add, edit, reorder agreements; approve (TS)."""
    meeting = _ts_meeting(request, pk)
    context = _editor_context(request, meeting)
    template = "meetings/editor.html#agreements" if request.htmx else "meetings/editor.html"
    return render(request, template, context)


@login_required
@require_POST
def report_start(request, pk):
    meeting = _ts_meeting(request, pk)
    try:
        services.start_report(meeting, acting_user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("meetings:editor", pk=meeting.pk)


@login_required
@require_POST
def report_correct(request, pk):
    meeting = _ts_meeting(request, pk)
    try:
        services.start_correction(meeting, acting_user=request.user, note=request.POST.get("note", "")[:500])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("A correction was opened; the approved version stays as it was."))
    return redirect("meetings:editor", pk=meeting.pk)


@login_required
@require_POST
def report_approve(request, pk):
    version = get_object_or_404(ReportVersion.objects.select_related("meeting"), pk=pk)
    access.require(request.user, APPROVE, version)
    page = confirmation(
        request,
        title=_("Approve the report of “%(meeting)s”?") % {"meeting": version.meeting},
        lines=[
            _("The report is locked: later changes need a correction, recorded as a new version."),
            _("Its agreements and commitments become the network's record and go to the RCGM pack."),
        ],
        button=_("Approve and lock"),
        cancel=reverse("meetings:editor", args=[version.meeting_id]),
    )
    if page:
        return page
    try:
        services.approve_report(version, acting_user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("meetings:editor", pk=version.meeting_id)
    messages.success(request, _("The report is approved and locked."))
    return redirect(version.meeting)


@login_required
def report_text(request, pk):
    version = get_object_or_404(ReportVersion.objects.select_related("meeting"), pk=pk)
    access.require(request.user, access.CHANGE, version)
    form = ReportTextForm(
        request.POST or None,
        initial={
            name: getattr(version, name)
            for name in ("participants_es", "participants_en", "submission_es", "submission_en")
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_report_text(version, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("meetings:editor", pk=version.meeting_id)
    return render(
        request,
        "meetings/simple_form.html",
        {"form": form, "meeting": version.meeting, "title": _("Participants paragraph and submission line")},
    )


def _agreement(request, pk):
    agreement = get_object_or_404(Agreement.objects.select_related("version__meeting", "parent"), pk=pk)
    access.require(request.user, access.CHANGE, agreement)
    return agreement


def _list_or_redirect(request, meeting):
    if request.htmx:
        return render(request, "meetings/editor.html#agreements", _editor_context(request, meeting))
    return redirect("meetings:editor", pk=meeting.pk)


@login_required
def agreement_edit(request, pk):
    """Edit one agreement; a conflicting edit is refused and the editor keeps their text."""
    agreement = _agreement(request, pk)
    meeting = agreement.version.meeting
    conflict = None
    if request.method == "POST":
        form = AgreementForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            revision = data.pop("revision") or 0
            try:
                agreement = services.update_agreement(agreement, acting_user=request.user, revision=revision, **data)
            except services.EditConflict as error:
                conflict = error.current
                form = AgreementForm(request.POST.copy())
                form.data["revision"] = conflict.revision
                form.is_valid()
                form.add_error(None, error.messages[0])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if request.htmx:
                    agreement.children = []
                    return render(request, "meetings/_agreement_row.html", {"agreement": agreement, "meeting": meeting})
                messages.success(request, _("Saved."))
                return redirect(reverse("meetings:editor", args=[meeting.pk]) + f"#agreement-{agreement.pk}")
    else:
        form = AgreementForm(
            initial={
                "kind": agreement.kind,
                "text_es": agreement.text_es,
                "text_en": agreement.text_en,
                "revision": agreement.revision,
            }
        )
    context = {"form": form, "agreement": agreement, "meeting": meeting, "conflict": conflict}
    template = "meetings/_agreement_form.html" if request.htmx else "meetings/agreement_form.html"
    return render(request, template, context)


@login_required
@require_POST
def agreement_add(request, pk):
    meeting = _ts_meeting(request, pk)
    draft = services.draft_of(meeting)
    if draft is None:
        raise Http404
    form = AgreementForm(request.POST)
    parent = None
    if request.POST.get("parent"):
        parent = get_object_or_404(Agreement, pk=request.POST["parent"], version=draft)
    if form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("revision", None)
        try:
            services.add_agreement(draft, acting_user=request.user, parent=parent, **data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
    else:
        messages.error(request, _("The agreement was not added: check its kind and text."))
    return _list_or_redirect(request, meeting)


@login_required
@require_POST
def agreement_move(request, pk):
    agreement = _agreement(request, pk)
    services.move_agreement(agreement, -1 if request.POST.get("direction") == "up" else 1, acting_user=request.user)
    return _list_or_redirect(request, agreement.version.meeting)


@login_required
@require_POST
def agreement_delete(request, pk):
    agreement = _agreement(request, pk)
    try:
        services.delete_agreement(agreement, acting_user=request.user, revision=request.POST.get("revision") or None)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return _list_or_redirect(request, agreement.version.meeting)


@login_required
def agreement_decision(request, pk):
    """Record the RCGM's decision on a recommendation."""
    agreement = get_object_or_404(Agreement.objects.select_related("version__meeting"), pk=pk)
    access.require(request.user, DECIDE, agreement)
    form = DecisionForm(
        request.POST or None,
        initial={
            "decision": agreement.rcgm_decision,
            "rcgm_meeting": agreement.rcgm_meeting,
            "note": agreement.rcgm_note,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_rcgm_decision(agreement, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The RCGM's decision is recorded."))
            return redirect(agreement.version.meeting)
    return render(
        request,
        "meetings/simple_form.html",
        {
            "form": form,
            "meeting": agreement.version.meeting,
            "title": _("RCGM decision on %(ref)s") % {"ref": agreement.ref},
        },
    )


# ---- exports -------------------------------------------------------------------------------


def _export_version(request, pk):
    """The meeting, the report version to export, its language and whether it is a working copy.

    Everyone gets the approved version; the TS may ask for a working copy (?working=1), which is the
    draft when there is one. A draft never leaves without the draft mark, and only for the TS.
    """
    meeting = get_object_or_404(Meeting.objects.select_related("body"), pk=pk)
    access.require(request.user, access.VIEW, meeting)
    working = documents.working_copy(request)
    number = request.GET.get("version")
    number = int(number) if number and number.isdigit() and len(number) < 6 else None
    version, _versions = queries.shown_version(request.user, meeting, number)
    if working and number is None:
        version = services.draft_of(meeting) or version
    if version is None:
        raise Http404
    if version.status == ReportStatus.DRAFT and not (
        documents.may_use_working_copy(request.user) or _consulted_on(request.user, version)
    ):
        raise Http404
    working = exports.is_working_copy(version, working)
    return meeting, version, documents.language_of(request, request.LANGUAGE_CODE), working


def _consulted_on(user, version):
    """A draft under consultation is read by the parties consulted: they may download it, marked as a draft."""
    consultation = services.active_consultation(version)
    return consultation is not None and access.can(user, access.VIEW, consultation)


def report_docx(request, pk, fmt="docx"):
    meeting, version, lang, working = _export_version(request, pk)
    consultations = None
    if request.GET.get("annex") == "consultation":
        consultations = consulting.consultations_of(request.user, version)
    content = exports.report_docx(meeting, version, lang, working=working, consultations=consultations)
    name = exports.report_filename(meeting, lang, working=working)
    return documents.docx_or_pdf(request, content, name, fmt)


def report_print(request, pk):
    meeting, version, lang, working = _export_version(request, pk)
    return render(request, "meetings/print.html", exports.print_context(meeting, version, lang, working=working))


@login_required
def rcgm_pack(request):
    """For a body and a period: recommendations with the RCGM's decisions, commitments with their status."""
    access.require_member(request.user)
    working = documents.working_copy(request)
    form = PackForm(request.GET or None, working_copy=documents.may_use_working_copy(request.user))
    if request.GET and form.is_valid():
        data = form.cleaned_data
        body, start, end, lang = data["body"], data["start"], data["end"], data["lang"]
        content = exports.rcgm_pack_docx(request.user, body, start, end, lang, working=working)
        name = exports.pack_filename(body, start, end, lang, working=working)
        return documents.docx_or_pdf(request, content, name, data.get("format") or "docx")
    return render(request, "meetings/pack.html", {"form": form}, status=400 if form.errors else 200)
