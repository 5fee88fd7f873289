"""The follow-up of commitments: the board, a commitment's page, status changes with evidence."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import access
from core.confirm import confirmation
from core.downloads import stored_file_response
from core.forms import add_service_errors
from core.pagecache import reader_page
from core.paging import ReachPaginator

from .. import queries, services
from ..access import UPDATE_STATUS
from ..forms import BoardFilterForm, CommitmentForm, StatusForm
from ..models import ActorKind, Agreement, Commitment, CommitmentActor, CommitmentStatusChange

PAGE_SIZE = 25


@reader_page
@login_required
def board(request):
    """Open commitments by actor, body and meeting, overdue first; 'our commitments' for each actor."""
    access.require_member(request.user)
    form = BoardFilterForm(request.GET or None, user=request.user)
    rows = queries.board(request.user, **form.filters())
    page = ReachPaginator(rows, PAGE_SIZE, request.GET.get("page")).get_page()  # counted up to 1,000, or a page on
    query = request.GET.copy()
    query.pop("page", None)
    # Meetings and actors come with the page: asking core.access for each row runs no query.
    mine = {c.pk for c in page.object_list if access.can(request.user, UPDATE_STATUS, c)}
    context = {"form": form, "page": page, "query": query.urlencode(), "mine": mine, "today": timezone.localdate()}
    template = "meetings/board.html#results" if request.htmx else "meetings/board.html"
    return render(request, template, context)


def _commitment(request, pk):
    commitment = get_object_or_404(Commitment.objects.with_actors().select_related("agreement__version"), pk=pk)
    access.require(request.user, access.VIEW, commitment)
    return commitment


def _posted_row(request, rows):
    """The actor row a status form was posted for (the `actor` field; without it, the only row the user
    may change), or None for a commitment without actors."""
    if not rows:
        return None
    posted = request.POST.get("actor", "")
    if not posted:
        mine = [row for row in rows if access.can(request.user, UPDATE_STATUS, row)]
        posted = str(mine[0].pk) if len(mine) == 1 else ""
    row = next((row for row in rows if str(row.pk) == posted), None)
    if row is None:
        raise Http404
    return row


@login_required
def commitment_detail(request, pk):
    """A commitment, each actor's follow-up and history, and a status form for each row the reader may change:
    their own country's, organization's or the PPT's — every row for the TS."""
    commitment = _commitment(request, pk)
    rows = commitment.actor_rows()
    posted = None
    status = 200
    if request.method == "POST":
        access.require(request.user, UPDATE_STATUS, commitment)
        posted = _posted_row(request, rows)
        if posted is not None:
            access.require(request.user, UPDATE_STATUS, posted)
    forms = []
    for row in rows or [None]:
        target = row if row is not None else commitment
        if not access.can(request.user, UPDATE_STATUS, target):
            continue
        bound = request.method == "POST" and row == posted
        form = StatusForm(
            request.POST if bound else None,
            request.FILES if bound else None,
            initial={"status": target.status},
            record=target,
        )
        if bound:
            if form.is_valid():
                try:
                    services.change_commitment_status(
                        commitment,
                        form.cleaned_data["status"],
                        acting_user=request.user,
                        actor=row,
                        note=form.cleaned_data["note"],
                        evidence_link=form.cleaned_data["evidence_link"],
                        evidence_file=form.cleaned_data["evidence_file"],
                        revision=form.cleaned_data.get("revision"),
                    )
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    messages.success(request, _("The status is updated."))
                    return redirect(commitment)
            status = 400
        forms.append((row, form, bound))
    return render(
        request,
        "meetings/commitment.html",
        {
            "commitment": commitment,
            "rows": rows,
            "history": queries.commitment_history(request.user, commitment),
            "forms": forms,
            "can_change": access.can(request.user, access.CHANGE, commitment),
        },
        status=status,
    )


@login_required
def commitment_edit(request, pk=None, agreement_pk=None):
    """Add a commitment to an agreement, or change what one says (the TS)."""
    commitment = _commitment(request, pk) if pk else None
    agreement = (
        commitment.agreement
        if commitment
        else get_object_or_404(Agreement.objects.select_related("version__meeting"), pk=agreement_pk)
    )
    if commitment is not None:
        access.require(request.user, access.CHANGE, commitment)
    else:
        access.require_create(request.user, Commitment)
    initial = {}
    if commitment is not None:
        initial = {
            "actors": [_actor_value(a) for a in commitment.actors.all()],
            "action_es": commitment.action_es,
            "action_en": commitment.action_en,
            "due": commitment.due or "",
            "notes": commitment.notes,
        }
    form = CommitmentForm(request.POST or None, initial=initial, record=commitment)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        revision = data.pop("revision", None)
        try:
            actors = services.actors_from_codes([_actor_code(v) for v in data.pop("actors")])
            if commitment is None:
                commitment = services.create_commitment(agreement, acting_user=request.user, actors=actors, **data)
            else:
                due = data.pop("due")
                commitment = services.update_commitment(
                    commitment, acting_user=request.user, actors=actors, due=due, revision=revision, **data
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(commitment)
    return render(
        request,
        "meetings/commitment_form.html",
        {"form": form, "commitment": commitment, "agreement": agreement, "meeting": agreement.version.meeting},
    )


@login_required
@require_POST
def commitment_delete(request, pk):
    commitment = _commitment(request, pk)
    access.require(request.user, access.DELETE, commitment)
    meeting = commitment.meeting
    page = confirmation(
        request,
        title=_("Delete this commitment?"),
        lines=[str(commitment), _("It leaves every follow-up board; the audit trail keeps a record.")],
        button=_("Delete"),
        cancel=commitment.get_absolute_url(),
        danger=True,
    )
    if page:
        return page
    services.delete_commitment(commitment, acting_user=request.user)
    messages.success(request, _("The commitment was deleted."))
    return redirect(meeting)


def _actor_value(actor):
    if actor.kind in (ActorKind.TS, ActorKind.PPT):
        return str(actor.kind)
    if actor.kind == ActorKind.COUNTRY:
        return f"country:{actor.country.code.code}"
    return f"org:{actor.organization_id}"


def _actor_code(value):
    if value in ("ts", "ppt"):
        return value.upper()
    if value.startswith("country:"):
        return value.split(":", 1)[1]
    return value


@login_required
def evidence_download(request, pk, change_pk=None, actor_pk=None):
    """The evidence file of a commitment (of one of its status changes, or of an actor's row), for those who see it."""
    commitment = _commitment(request, pk)
    field = commitment.evidence_file
    if change_pk is not None:
        change = get_object_or_404(CommitmentStatusChange, pk=change_pk, commitment=commitment)
        field = change.evidence_file
    if actor_pk is not None:
        field = get_object_or_404(CommitmentActor, pk=actor_pk, commitment=commitment).evidence_file
    return stored_file_response(field)
