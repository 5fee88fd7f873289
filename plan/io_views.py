"""Downloads of the plan (the follow-up report and workbook, the tree) and the TS's import of the tree.

Views parse, ask core.access, call `plan.exports` / `plan.tree_io`, and answer.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import access, documents
from core.uploads import SafeFileField

from . import exports, tree_io
from .models import Approach, Plan


class TreeImportForm(forms.Form):
    file = SafeFileField(
        label=gettext_lazy("The plan's tree (XLSX or CSV)"),
        kinds=set(tree_io.FORMATS),
        max_bytes=tree_io.MAX_BYTES,
        help_text=gettext_lazy("One row per node, with the columns listed above; the first sheet of a workbook."),
    )


def _plan(request, pk, action=access.VIEW):
    plan = get_object_or_404(Plan.objects.select_related("body"), pk=pk)
    access.require(request.user, action, plan)
    return plan


def _attachment(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export(request, pk, year, fmt):
    """The year's follow-up report (DOCX or PDF) or workbook (XLSX), in ?lang=es|en (default: the reader's).

    Approved reports only; the TS may ask for a working copy (?working=1) that counts every report.
    """
    plan = _plan(request, pk)
    if fmt not in exports.FORMATS or not plan.covers(year):
        raise Http404
    lang = documents.language_of(request)
    working = documents.working_copy(request)
    content = exports.FORMATS[fmt](plan, year, request.user, lang, working=working)
    name = exports.filename(plan, year, lang, "xlsx" if fmt == "xlsx" else "docx", working=working)
    if fmt == "xlsx":
        return documents.attachment(content, name)
    return documents.docx_or_pdf(request, content, name, fmt)


def tree_export(request, pk, fmt):
    """The plan's tree in the TS's spreadsheet layout (XLSX or CSV)."""
    plan = _plan(request, pk)
    if fmt not in tree_io.FORMATS:
        raise Http404
    return _attachment(tree_io.export_tree(plan, fmt), tree_io.CONTENT_TYPES[fmt], tree_io.filename(plan, fmt))


@login_required
def tree_import(request, pk):
    """Upload the plan's tree (TS): all of it is imported, or nothing and every fault is listed."""
    plan = _plan(request, pk, access.CHANGE)
    form = TreeImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        fmt = upload.name.rsplit(".", 1)[-1].lower()
        try:
            result = tree_io.import_tree(plan, upload, fmt, acting_user=request.user)
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(
                request,
                _("The plan's tree was imported: %(created)s added, %(updated)s changed, %(deleted)s removed.")
                % {"created": len(result.created), "updated": len(result.updated), "deleted": len(result.deleted)},
            )
            return redirect("plan:plan", pk=plan.pk)
    status = 400 if (form.errors or problems) else 200
    return render(
        request,
        "plan/tree_import.html",
        {"plan": plan, "form": form, "problems": problems, "approaches": "; ".join(Approach.values)},
        status=status,
    )
