"""Pages of the repository. Views parse, ask core.access, call services and queries, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import access, documents
from core.confirm import confirmation
from core.downloads import stored_file_response
from core.forms import add_service_errors
from core.models import AuditEntry
from core.pagecache import public_page
from core.replica import public_reads

from . import compile as compile_module
from . import queries, search, services
from .access import COMPILE, REVIEW, SUBMIT, VIEW_CONTACT, VIEW_HISTORY, VIEW_TRACKING, VIEW_WORKING, WITHDRAW
from .content import version_content
from .forms import AttachmentForm, CallForm, CommentForm, CompilationForm, PracticeForm, ResourceForm
from .models import Call, Compilation, Practice, PracticeFile, Resource

STEPS = {
    "submit": (SUBMIT, lambda record, user, text: services.submit(record, acting_user=user, comment=text)),
    "start-review": (REVIEW, lambda record, user, text: services.start_review(record, acting_user=user)),
    "return": (REVIEW, lambda record, user, text: services.return_to_author(record, text, acting_user=user)),
    "publish": (REVIEW, lambda record, user, text: services.publish(record, acting_user=user, comment=text)),
    "withdraw": (WITHDRAW, lambda record, user, text: services.withdraw(record, acting_user=user, comment=text)),
    "comment": (None, lambda record, user, text: services.comment(record, text, acting_user=user)),
}
STEP_MESSAGES = {
    "submit": gettext_lazy("Sent for review."),
    "start-review": gettext_lazy("The review has started."),
    "return": gettext_lazy("Returned to the author with your comment."),
    "publish": gettext_lazy("Published."),
    "withdraw": gettext_lazy("Withdrawn from publication."),
    "comment": gettext_lazy("Comment added."),
}


def _filters(request):
    return {facet: request.GET.getlist(facet) for facet in search.FACETS}


MAX_SUGGESTIONS = 3


def _suggestions(user, query, filters):
    """When nothing is found: the same words without the filters, then the query less one word — each
    offered only if it finds something, with how many (at most len(words) + 1 small searches)."""
    from urllib.parse import urlencode

    words = query.split()[:6]
    tries = []
    if any(filters.values()) and words:
        tries.append((" ".join(words), {}, True))
    if len(words) > 1:
        tries += [(" ".join(w for w in words if w != left_out), filters, False) for left_out in words]
    found = []
    for text, kept, unfiltered in tries:
        try:
            total = search.search(user, text, kept, per_page=1, with_facets=False).total
        except ValidationError:
            continue
        if total:
            params = [("q", text)] + [(facet, value) for facet, values in kept.items() for value in values]
            found.append(
                {
                    "text": text,
                    "unfiltered": unfiltered,
                    "total": total,
                    "url": "?" + urlencode(params),
                }
            )
        if len(found) == MAX_SUGGESTIONS:
            break
    return found


@public_page
@public_reads
def search_page(request):
    """Search and browse practices and resources; htmx asks for the results only (search as you type)."""
    query = request.GET.get("q", "")
    error = None
    results = None
    try:
        page = int(request.GET.get("page") or 1)
    except ValueError:
        page = 1
    try:
        results = search.search(request.user, query, _filters(request), page=page)
    except ValidationError as problem:
        error = " ".join(problem.messages)
    member = access.sees_members_only(request.user)
    params = request.GET.copy()
    params.pop("page", None)
    suggestions = _suggestions(request.user, query, _filters(request)) if results and not results.total else []
    context = {
        "query": query[: search.MAX_QUERY_LENGTH],
        "results": results,
        "suggestions": suggestions,
        "error": error,
        "params": params.urlencode(),
        "can_add": member,
        "member": member,
    }
    template = "practices/search.html#results" if request.htmx else "practices/search.html"
    return render(request, template, context, status=400 if error else 200)


def _history(user, record):
    if not access.can(user, VIEW_HISTORY, record):
        return None
    return list(AuditEntry.objects.for_object(record)[:50])


def _detail_context(request, record, content, view):
    user = request.user
    resources = queries.visible_resources(user, getattr(content, "resource_ids", []))
    return {
        "record": record,
        "content": content,
        "view": view,
        "may_work": access.can(user, VIEW_WORKING, record),
        "can_change": access.can(user, access.CHANGE, record),
        "can_submit": access.can(user, SUBMIT, record),
        "can_review": access.can(user, REVIEW, record),
        "can_withdraw": access.can(user, WITHDRAW, record),
        "can_delete": access.can(user, access.DELETE, record),
        "show_contact": access.can(user, VIEW_CONTACT, record),
        "events": queries.review_events(record) if access.can(user, VIEW_WORKING, record) else [],
        "versions": queries.versions(record),
        "resources": resources,
        "comment_form": CommentForm(),
        "attachment_form": AttachmentForm() if access.can(user, access.CHANGE, record) else None,
        "history": _history(user, record),
    }


@public_page
def practice_detail(request, pk):
    record = queries.get_visible(request.user, Practice, pk)
    content, view = queries.shown(request.user, record, request.GET.get("view") or None)
    return render(request, "practices/practice_detail.html", _detail_context(request, record, content, view))


def practice_version(request, pk, number):
    record = queries.get_visible(request.user, Practice, pk)
    version = queries.version(record, number)
    content = version_content(record, version)
    context = _detail_context(request, record, content, "version")
    context["version"] = version
    return render(request, "practices/practice_detail.html", context)


def resource_detail(request, pk):
    record = queries.get_visible(request.user, Resource, pk)
    content, view = queries.shown(request.user, record, request.GET.get("view") or None)
    return render(request, "practices/resource_detail.html", _detail_context(request, record, content, view))


def _fields_from(form, *, exclude=()):
    return {name: value for name, value in form.cleaned_data.items() if name not in exclude}


@login_required
def practice_edit(request, pk=None):
    record = get_object_or_404(Practice, pk=queries.valid_id(pk)) if pk else None
    if record is not None:
        access.require(request.user, access.CHANGE, record)
    elif not access.can_create(request.user, Practice):
        access.refuse(request.user, access.CREATE, Practice)
    initial = PracticeForm.initial_for(record) if record else {"call": request.GET.get("call")}
    form = PracticeForm(request.POST or None, initial=initial, user=request.user, record=record)
    if request.method == "POST" and form.is_valid():
        fields = _fields_from(form, exclude=() if record else ("revision",))
        if record is None and not fields.get("submitting_organization") and not fields.get("submitting_country"):
            fields.pop("submitting_organization")
            fields.pop("submitting_country")
        try:
            if record is None:
                record = services.create_practice(acting_user=request.user, **fields)
            else:
                record = services.update_practice(record, acting_user=request.user, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(f"{record.get_absolute_url()}?view=working")
    return render(request, "practices/practice_form.html", {"form": form, "record": record})


@login_required
def resource_edit(request, pk=None):
    record = get_object_or_404(Resource, pk=queries.valid_id(pk)) if pk else None
    if record is not None:
        access.require(request.user, access.CHANGE, record)
    elif not access.can_create(request.user, Resource):
        access.refuse(request.user, access.CREATE, Resource)
    initial = ResourceForm.initial_for(record) if record else {}
    form = ResourceForm(request.POST or None, request.FILES or None, initial=initial, user=request.user, record=record)
    if request.method == "POST" and form.is_valid():
        fields = _fields_from(form, exclude=("file",) if record else ("file", "revision"))
        if record is None and not fields.get("submitting_organization") and not fields.get("submitting_country"):
            fields.pop("submitting_organization")
            fields.pop("submitting_country")
        file = form.cleaned_data.get("file") or None
        try:
            if record is None:
                record = services.create_resource(acting_user=request.user, file=file, **fields)
            else:
                record = services.update_resource(record, acting_user=request.user, file=file, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(f"{record.get_absolute_url()}?view=working")
    return render(request, "practices/resource_form.html", {"form": form, "record": record})


def _step(request, model, pk, step):
    if step not in STEPS:
        raise Http404
    record = queries.get_visible(request.user, model, pk)
    form = CommentForm(request.POST)
    text = form.cleaned_data["comment"] if form.is_valid() else ""
    permission, action = STEPS[step]
    if permission is not None:
        access.require(request.user, permission, record)
    if step == "publish":
        page = confirmation(
            request,
            title=_("Publish “%(title)s”?") % {"title": record},
            lines=[
                _("This version becomes public: anyone, signed in or not, can read and find it."),
                _("Later changes stay in a working copy until they are published again."),
            ],
            button=_("Publish"),
            cancel=f"{record.get_absolute_url()}?view=working",
        )
        if page:
            return page
    try:
        action(record, request.user, text)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, STEP_MESSAGES[step])
    return redirect(f"{record.get_absolute_url()}?view=working")


@login_required
@require_POST
def practice_step(request, pk, step):
    return _step(request, Practice, pk, step)


@login_required
@require_POST
def resource_step(request, pk, step):
    return _step(request, Resource, pk, step)


@login_required
@require_POST
def practice_delete(request, pk):
    record = queries.get_visible(request.user, Practice, pk)
    access.require(request.user, access.DELETE, record)
    page = confirmation(
        request,
        title=_("Delete the draft “%(title)s”?") % {"title": record},
        lines=[_("The draft and its files are deleted.")],
        button=_("Delete"),
        cancel=f"{record.get_absolute_url()}?view=working",
        danger=True,
    )
    if page:
        return page
    services.delete_practice(record, acting_user=request.user)
    messages.success(request, _("The draft was deleted."))
    return redirect("practices:mine")


@login_required
@require_POST
def practice_file_add(request, pk):
    record = queries.get_visible(request.user, Practice, pk)
    access.require(request.user, access.CHANGE, record)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attached = services.add_practice_file(record, form.cleaned_data["file"], acting_user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("%(file)s attached.") % {"file": attached.name})
            if attached.text_note:
                messages.info(request, attached.text_note)
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(f"{record.get_absolute_url()}?view=working")


@login_required
@require_POST
def practice_file_remove(request, pk):
    attached = get_object_or_404(PracticeFile.objects.select_related("practice"), pk=queries.valid_id(pk))
    services.remove_practice_file(attached, acting_user=request.user)
    messages.success(request, _("%(file)s removed.") % {"file": attached.name})
    return redirect(f"{attached.practice.get_absolute_url()}?view=working")


def file_download(request, pk):
    """Download an attached file as an attachment with its clean name, if a visible version shows it."""
    attached = get_object_or_404(
        PracticeFile.objects.select_related("practice__published_version"), pk=queries.valid_id(pk)
    )
    if not queries.file_visible(request.user, attached):
        raise Http404
    return stored_file_response(attached.file, attached.name, attached.kind)


def resource_file(request, pk):
    record = queries.get_visible(request.user, Resource, pk)
    view = request.GET.get("view")
    stored_name = queries.resource_file_visible(request.user, record, view)
    if not stored_name:
        raise Http404
    if view == queries.WORKING or record.published_version_id is None:
        name, kind = record.file_name, record.file_kind
    else:
        data = record.published_version.data
        name, kind = data.get("file_name") or "file", data.get("file_kind") or ""
    if not record.file.storage.exists(stored_name):
        raise Http404
    return stored_file_response(record.file.storage.open(stored_name, "rb"), name, kind)


@login_required
def mine(request):
    """What the reader contributes and what waits for their review."""
    access.require_member(request.user)
    return render(
        request,
        "practices/mine.html",
        {
            "practices": list(queries.my_records(request.user, Practice)[:200]),
            "resources": list(queries.my_records(request.user, Resource)[:200]),
            "to_review": list(queries.review_queue(request.user, Practice)[:200])
            + list(queries.review_queue(request.user, Resource)[:200]),
        },
    )


# ---- calls for practices -------------------------------------------------------------------------


@public_page
def call_list(request):
    return render(
        request,
        "practices/call_list.html",
        {"calls": queries.calls(request.user), "can_add": access.can_create(request.user, Call)},
    )


def call_detail(request, pk):
    call = get_object_or_404(Call.objects.select_related("theme"), pk=queries.valid_id(pk))
    member = access.can(request.user, VIEW_TRACKING, call)
    return render(
        request,
        "practices/call_detail.html",
        {
            "call": call,
            "countries": list(call.countries.order_by("code")),
            "tracking": queries.call_tracking(call) if member else None,
            "answers": queries.call_answers(request.user, call),
            "can_answer": call.is_open and access.can_create(request.user, Practice),
            "can_change": access.can(request.user, access.CHANGE, call),
            "can_compile": access.can(request.user, COMPILE, call),
        },
    )


@login_required
def call_create(request):
    if not access.can_create(request.user, Call):
        access.refuse(request.user, access.CREATE, Call)
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            call = services.open_call(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The call for practices is open."))
            return redirect(call)
    return render(request, "practices/call_form.html", {"form": form})


def _docx(request, records, title, fmt="docx"):
    """The compiled document (DOCX or PDF): published versions only, unless the TS asks for a working copy."""
    lang = documents.language_of(request, "es")
    working = documents.working_copy(request)
    data, name = compile_module.compiled(request.user, records, lang=lang, title=title(lang), working=working)
    return documents.docx_or_pdf(request, data, name, fmt)


def call_compilation(request, pk, fmt="docx"):
    """The call's published answers that the reader may see, as one DOCX (or PDF)."""
    call = get_object_or_404(Call, pk=queries.valid_id(pk))
    return _docx(request, queries.call_answers(request.user, call), lambda lang: call.localized("title", lang), fmt)


# ---- compilations -----------------------------------------------------------------------------------


@login_required
def compilation_create(request):
    if not access.can_create(request.user, Compilation):
        access.refuse(request.user, access.CREATE, Compilation)
    form = CompilationForm(request.POST or None, user=request.user, initial={"call": request.GET.get("call")})
    if request.method == "POST" and form.is_valid():
        try:
            compilation = services.create_compilation(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Compilation created."))
            return redirect(compilation)
    return render(request, "practices/compilation_form.html", {"form": form})


def _compilation_records(user, compilation):
    chosen = list(compilation.practices.values_list("pk", flat=True))
    rows = queries.records(Practice).filter(pk__in=chosen)
    if compilation.call_id:
        rows = rows | queries.records(Practice).filter(call_id=compilation.call_id).exclude(status="draft")
    return list(access.restrict(rows.distinct(), user).order_by("pk"))


@login_required
def compilation_detail(request, pk):
    compilation = get_object_or_404(Compilation.objects.select_related("call", "compiler"), pk=queries.valid_id(pk))
    access.require(request.user, access.VIEW, compilation)
    return render(
        request,
        "practices/compilation_detail.html",
        {
            "compilation": compilation,
            "records": _compilation_records(request.user, compilation),
            "can_compile": access.can(request.user, COMPILE, compilation),
        },
    )


@login_required
def compilation_document(request, pk, fmt="docx"):
    compilation = get_object_or_404(Compilation, pk=queries.valid_id(pk))
    access.require(request.user, access.VIEW, compilation)
    records = _compilation_records(request.user, compilation)
    return _docx(request, records, lambda lang: compilation.localized("title", lang), fmt)
