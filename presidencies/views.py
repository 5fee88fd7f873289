"""Pages of the presidencies: views parse, ask core.access, call services, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core import access, documents
from core.forms import add_service_errors
from network.models import PPTPeriod

from . import exports, queries, services
from .access import KEEP
from .forms import KeepForm
from .models import HandoverKeep


@login_required
@require_safe
def presidency_list(request):
    access.require_member(request.user)
    return render(request, "presidencies/list.html", {"rows": queries.presidencies(request.user)})


def _handover(request, pk):
    period = get_object_or_404(PPTPeriod.objects.select_related("country", "conference"), pk=pk)
    handover = queries.handover_of(period)
    access.require(request.user, access.VIEW, handover)
    return period, handover


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def handover(request, pk):
    period, handover = _handover(request, pk)
    may_keep = access.can(request.user, KEEP, handover) and period.end_date is not None
    failed = None
    if request.method == "POST":
        if not access.can(request.user, KEEP, handover):
            access.refuse(request.user, KEEP, handover)
        failed = KeepForm(request.POST)
        if failed.is_valid():
            try:
                services.keep_with_outgoing(
                    period,
                    failed.cleaned_data["commitment"],
                    reason=failed.cleaned_data["reason"],
                    acting_user=request.user,
                )
            except ValidationError as error:
                add_service_errors(failed, error)
            else:
                messages.success(request, _("The commitment stays with %(country)s.") % {"country": period.country})
                return redirect("presidencies:handover", pk=period.pk)
        handover = queries.handover_of(period)
    context = {
        "period": period,
        "handover": handover,
        "groups": queries.items_of(handover),
        "live": queries.is_live(handover),
        "may_keep": may_keep,
        "failed": failed,
        "failed_commitment": str(request.POST.get("commitment", "")) if failed is not None else "",
    }
    return render(request, "presidencies/handover.html", context, status=400 if failed is not None else 200)


@login_required
@require_safe
def handover_docx(request, pk, fmt="docx"):
    period, handover = _handover(request, pk)
    lang = documents.language_of(request)
    content = exports.handover_docx(handover, lang)
    docx_url = reverse("presidencies:handover_docx", args=[period.pk]) + f"?lang={lang}"
    return documents.docx_or_pdf(request, content, exports.handover_filename(handover, lang), fmt, docx_url)


@login_required
@require_POST
def keep_withdraw(request, pk, keep_pk):
    period, handover = _handover(request, pk)
    keep = get_object_or_404(HandoverKeep, pk=keep_pk, handover__outgoing=period)
    access.require(request.user, access.DELETE, keep)
    try:
        services.withdraw_keep(keep, acting_user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The commitment passes to the next presidency again."))
    return redirect("presidencies:handover", pk=period.pk)
