"""Pages of a consultation on a draft report: open it (TS), read and answer it (each party), decide (TS)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core import access
from core.forms import add_service_errors

from .. import consulting, services
from ..access import ANSWER, CONSULT, DECIDE_CONSULTATION
from ..forms import AmendmentAnswerForm, ConsultationDecisionForm, ConsultationForm, PositionForm, RemarkForm
from ..models import Agreement, Consultation, ConsultationParty, Remark, ReportVersion


def _visible(request, pk):
    query = Consultation.objects.select_related("version__meeting__body", "circular")
    return get_object_or_404(access.restrict(query, request.user), pk=pk)


def _page(request, consultation, *, remark_form=None, status=200):
    context = consulting.page(request.user, consultation)
    context.update(
        remark_form=remark_form,
        answer_form=AmendmentAnswerForm(),
        decision_form=ConsultationDecisionForm(initial={"revision": consultation.revision}),
    )
    return render(request, "meetings/consultation.html", context, status=status)


@login_required
def consultation_open(request, pk):
    """The TS puts a draft report to the parties, by a circular with a deadline."""
    version = get_object_or_404(ReportVersion.objects.select_related("meeting"), pk=pk)
    access.require(request.user, CONSULT, version)
    form = ConsultationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.open_consultation(version, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The consultation is open: the circular was sent to the parties."))
            return redirect(consultation)
    context = {
        "form": form,
        "meeting": version.meeting,
        "title": _("Consult the parties on the draft report"),
        "intro": _(
            "The member countries (and the partner organizations, if you choose) receive a circular with the deadline. "
            "Until then each party comments, proposes amendments or objects; with no objection standing at the "
            "deadline, the report is approved under the silence procedure."
        ),
        "button": _("Open the consultation and send the circular"),
    }
    return render(request, "meetings/simple_form.html", context, status=400 if form.errors else 200)


@login_required
@require_safe
def consultation_page(request, pk):
    """The draft under consultation, what each party said, the board of positions."""
    return _page(request, _visible(request, pk))


def _party(consultation, value):
    if not value:
        return None
    party = ConsultationParty.objects.select_related("country", "organization").filter(pk=value).first()
    if party is None or party.consultation_id != consultation.pk:
        raise ValidationError({"party": _("This party is not consulted here.")})
    return party


@login_required
@require_POST
def remark_add(request, pk):
    """A party comments, proposes an amendment, or objects."""
    consultation = _visible(request, pk)
    form = RemarkForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            agreement = None
            if data["agreement"]:
                agreement = Agreement.objects.filter(pk=data["agreement"], version=consultation.version).first()
                if agreement is None:
                    raise ValidationError({"agreement": _("This agreement is not in the draft under consultation.")})
            services.add_remark(
                consultation,
                acting_user=request.user,
                kind=data["kind"],
                agreement=agreement,
                text=data["text"],
                proposed_es=data["proposed_es"],
                proposed_en=data["proposed_en"],
                party=_party(consultation, data["party"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            for hidden in ("agreement", "party"):  # not shown beside a field: said on top
                for message in form.errors.pop(hidden, []):
                    form.add_error(None, message)
        else:
            messages.success(request, _("Saved. Every party and the TS can read it."))
            anchor = f"#agreement-{agreement.pk}" if agreement is not None else "#general"
            return redirect(consultation.get_absolute_url() + anchor)
    return _page(request, consultation, remark_form=form, status=400)


def _back(request, consultation, error=None):
    if error is not None:
        for message in error.messages:
            messages.error(request, message)
    return redirect(consultation)


@login_required
@require_POST
def position_set(request, pk):
    """A party says it has no objection (or takes it back)."""
    consultation = _visible(request, pk)
    form = PositionForm(request.POST)
    if not form.is_valid():
        return _back(request, consultation, ValidationError(_("Choose a position.")))
    try:
        party = services.set_position(
            consultation,
            form.cleaned_data["position"],
            acting_user=request.user,
            party=_party(consultation, form.cleaned_data["party"]),
            revision=form.cleaned_data["revision"],
        )
    except ValidationError as error:
        return _back(request, consultation, error)
    if party.position:
        messages.success(request, _("Recorded: %(party)s has no objection.") % {"party": party.label})
    else:
        messages.success(request, _("Recorded: %(party)s has no position for now.") % {"party": party.label})
    return redirect(consultation)


def _remark(request, pk):
    query = Remark.objects.select_related(
        "consultation__version__meeting", "party__country", "party__organization", "agreement"
    )
    return get_object_or_404(access.restrict(query, request.user), pk=pk)


@login_required
@require_POST
def objection_withdraw(request, pk):
    remark = _remark(request, pk)
    try:
        services.withdraw_objection(remark, acting_user=request.user)
    except ValidationError as error:
        return _back(request, remark.consultation, error)
    messages.success(request, _("The objection was withdrawn."))
    return redirect(remark.consultation)


@login_required
@require_POST
def amendment_answer(request, pk):
    """The TS accepts an amendment or not, with a reason."""
    remark = _remark(request, pk)
    access.require(request.user, ANSWER, remark)
    form = AmendmentAnswerForm(request.POST)
    if not form.is_valid():
        return _back(request, remark.consultation, ValidationError(_("Choose whether the amendment is accepted.")))
    try:
        services.answer_amendment(
            remark,
            acting_user=request.user,
            accepted=form.cleaned_data["answer"] == "accepted",
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        return _back(request, remark.consultation, error)
    if form.cleaned_data["answer"] == "accepted":
        messages.success(request, _("Accepted: the draft now has the new text; the earlier one is in its history."))
    else:
        messages.success(request, _("Not accepted; the party can read why."))
    return redirect(remark.consultation.get_absolute_url() + f"#remark-{remark.pk}")


@login_required
@require_POST
def consultation_decide(request, pk):
    """The TS extends the deadline, opens a new round, or approves noting the objections."""
    consultation = _visible(request, pk)
    access.require(request.user, DECIDE_CONSULTATION, consultation)
    form = ConsultationDecisionForm(request.POST)
    if not form.is_valid():
        return _back(request, consultation, ValidationError([m for e in form.errors.values() for m in e]))
    try:
        result = services.decide_consultation(
            consultation,
            form.cleaned_data["decision"],
            acting_user=request.user,
            deadline=form.cleaned_data["deadline"],
            note=form.cleaned_data["note"],
            revision=form.cleaned_data["revision"],
        )
    except ValidationError as error:
        return _back(request, consultation, error)
    done = {
        "extend": _("The deadline was extended."),
        "new_round": _("A new round was opened: the circular was sent to the parties."),
        "approve": _("The report is approved; the consultation is closed."),
    }
    messages.success(request, done[form.cleaned_data["decision"]])
    return redirect(result)
