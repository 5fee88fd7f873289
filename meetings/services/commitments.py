"""Commitments: who owes what by when, each party's status, and the follow-up until done."""

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core import access
from core.audit import acting_as
from core.refusals import STATE, UNKNOWN, refusal
from core.services import assign
from core.uploads import check_upload
from core.versioning import expect
from network.models import Country, Organization

from ..access import UPDATE_STATUS
from ..importer.dates import parse_due
from ..models import (
    ActorKind,
    Agreement,
    Commitment,
    CommitmentActor,
    CommitmentStatus,
    CommitmentStatusChange,
    roll_up,
)
from ..signals import commitment_assigned
from .common import COMMITMENT_FIELDS, EVIDENCE_KINDS, _changed, _remember_edits, checked_off

# ---- commitments ---------------------------------------------------------------------------


def actors_from_codes(codes: Iterable[str]) -> list[tuple[str, Any, Any]]:
    """Turn actor codes (TS, PPT, an ISO country code, an organization's acronym or `org:<id>`) into actors."""
    actors: list[tuple[str, Any, Any]] = []
    unknown = []
    for raw in codes:
        code = (raw or "").strip()
        upper = code.upper()
        if upper in ("TS", "ST"):
            actors.append((ActorKind.TS, None, None))
        elif upper == "PPT":
            actors.append((ActorKind.PPT, None, None))
        elif code.lower().startswith("org:") and code[4:].isdigit():
            org = Organization.objects.filter(pk=int(code[4:])).first()
            actors.append((ActorKind.ORGANIZATION, None, org)) if org else unknown.append(code)
        elif len(code) == 2 and Country.objects.filter(code=upper).exists():
            actors.append((ActorKind.COUNTRY, Country.objects.get(code=upper), None))
        else:
            org = (
                Organization.objects.filter(acronym_en__iexact=code).first()
                or Organization.objects.filter(acronym_es__iexact=code).first()
                or Organization.objects.filter(name_en__iexact=code).first()
            )
            actors.append((ActorKind.ORGANIZATION, None, org)) if org else unknown.append(code)
    if unknown:
        raise refusal(UNKNOWN, _("Unknown actors: %(codes)s.") % {"codes": ", ".join(unknown)}, "actors")
    return actors


def _prepare_actors(actors: Iterable[Any]) -> list[CommitmentActor]:
    """Validate (kind, country, organization) triples into unsaved actors, without duplicates."""
    if not actors:
        raise ValidationError({"actors": _("Name at least one actor: the TS, the PPT, a country or an organization.")})
    rows = []
    seen = set()
    for kind, country, organization in actors:
        key = (kind, getattr(country, "pk", None), getattr(organization, "pk", None))
        if key in seen:
            continue
        seen.add(key)
        fits = {
            ActorKind.TS: country is None and organization is None,
            ActorKind.PPT: country is None and organization is None,
            ActorKind.COUNTRY: country is not None and organization is None,
            ActorKind.ORGANIZATION: country is None and organization is not None,
        }
        if not fits.get(kind, False):
            raise ValidationError({"actors": _("Unknown actors: %(codes)s.") % {"codes": kind}})
        rows.append(CommitmentActor(kind=kind, country=country, organization=organization))
    return rows


def _actor_codes(rows: Iterable[CommitmentActor]) -> str:
    return ", ".join(actor.code for actor in rows)[:600]


def _actor_key(row: CommitmentActor) -> tuple[str, int | None, int | None]:
    return (row.kind, row.country_id, row.organization_id)


def _write_actors(commitment: Commitment, rows: list[CommitmentActor]) -> list[CommitmentActor]:
    """Set a commitment's actors; the audit trail sees them in `actor_codes`. An actor kept keeps its
    own follow-up (status, note, evidence, history); an actor removed goes, its history staying
    with the commitment; a new actor starts pending. The roll-up follows."""
    kept = {_actor_key(row): row for row in commitment.actors.all()}
    wanted = {_actor_key(row) for row in rows}
    CommitmentActor.objects.filter(pk__in=[row.pk for key, row in kept.items() if key not in wanted]).delete()
    new = [row for row in rows if _actor_key(row) not in kept]
    for row in new:
        row.commitment = commitment
    created = CommitmentActor.objects.bulk_create(new)
    if kept:
        _roll_up(commitment)
    return created


def _due_fields(due: Any) -> dict[str, Any]:
    due_date, due_period = parse_due(due if due is None or isinstance(due, str) else due.isoformat())
    if due_period is None:
        raise ValidationError(
            {"due": _("Write the due time as a date (2018-03-31), a year (2018) or a quarter (2018-Q1).")}
        )
    return {"due_date": due_date, "due_period": due_period}


def _announce(commitment: Commitment, actors: Iterable[CommitmentActor], acting_user: Any) -> None:
    transaction.on_commit(
        lambda: commitment_assigned.send(
            sender=Commitment, commitment=commitment, actors=actors, acting_user=acting_user
        )
    )


@transaction.atomic
def create_commitment(
    agreement: Agreement,
    *,
    acting_user: Any,
    actors: Iterable[Any],
    action_es: str = "",
    action_en: str = "",
    due: Any = None,
    notes: str = "",
    is_demo: bool = False,
) -> Commitment:
    """Record a commitment of an agreement: who (actors), what (action), by when (due)."""
    access.require_create(acting_user, Commitment)
    with acting_as(acting_user):
        commitment = Commitment(
            meeting_id=agreement.version.meeting_id,
            agreement=agreement,
            action_es=action_es,
            action_en=action_en,
            notes=notes,
            is_demo=is_demo,
            **_due_fields(due),
        )
        rows = _prepare_actors(actors)
        commitment.actor_codes = _actor_codes(rows)
        commitment.position = (agreement.commitments.aggregate(m=Max("position"))["m"] or 0) + 1
        commitment.full_clean()
        commitment.save()
        created = _write_actors(commitment, rows)
        checked_off(commitment.meeting_id, f"ref:{agreement.ref}")
    _announce(commitment, created, acting_user)
    return commitment


@transaction.atomic
def update_commitment(
    commitment: Commitment,
    *,
    acting_user: Any,
    actors: Iterable[Any] | None = None,
    due: Any = ...,
    revision: int | None = None,
    **fields: Any,
) -> Commitment:
    """Change what a commitment says (the TS): action, actors, due time, notes."""
    access.require(acting_user, access.CHANGE, commitment)
    with acting_as(acting_user):
        commitment = expect(Commitment.objects.select_for_update().get(pk=commitment.pk), revision)
        _remember_edits(commitment, _changed(commitment, fields))
        assign(commitment, fields, COMMITMENT_FIELDS)
        if due is not ...:
            for name, value in _due_fields(due).items():
                setattr(commitment, name, value)
        rows = _prepare_actors(actors) if actors is not None else None
        if rows is not None:
            commitment.actor_codes = _actor_codes(rows)
        commitment.full_clean()
        commitment.save()
        if rows is not None:
            _write_actors(commitment, rows)
        checked_off(commitment.meeting_id, f"ref:{commitment.agreement.ref}")
    return commitment


@transaction.atomic
def delete_commitment(commitment: Commitment, *, acting_user: Any) -> None:
    access.require(acting_user, access.DELETE, commitment)
    with acting_as(acting_user):
        commitment.delete()


def _followup_targets(commitment: Commitment, acting_user: Any, actor: CommitmentActor | None) -> list[CommitmentActor]:
    """The actor rows a status change applies to: `actor` (a row or its id), else every row the
    acting user speaks for (all of them for the TS). Nobody speaks for another actor."""
    rows = list(commitment.actors.all())
    if actor is not None:
        actor_id = getattr(actor, "pk", actor)
        row = next((row for row in rows if str(row.pk) == str(actor_id) or row.code == str(actor_id)), None)
        if row is None:
            raise refusal(UNKNOWN, _("This actor is not one of the commitment's actors."), "actor")
        access.require(acting_user, UPDATE_STATUS, row)
        return [row]
    targets = [row for row in rows if access.can(acting_user, UPDATE_STATUS, row)]
    if rows and not targets:
        access.refuse(acting_user, UPDATE_STATUS, commitment)
    return targets


@transaction.atomic
def change_commitment_status(
    commitment: Commitment,
    status: str,
    *,
    acting_user: Any,
    actor: CommitmentActor | None = None,
    note: str = "",
    evidence_link: str = "",
    evidence_file: Any = None,
    revision: int | None = None,
) -> Commitment:
    """Change an actor's follow-up of a commitment: pending, in progress, done or dropped, with who,
    when and the evidence, in that actor's history.

    `actor` is the actor's row (or its id or code); without it the change applies to every actor the
    acting user speaks for — their own country's or organization's row, the PPT's, or, for the
    TS, every row (e.g. when a circular fulfils the commitment). The commitment's own status is
    then rolled up from its actors' rows. `revision` is the row's revision the person read.
    """
    commitment = Commitment.objects.select_related("meeting").prefetch_related("actors").get(pk=commitment.pk)
    access.require(acting_user, UPDATE_STATUS, commitment)
    if status not in CommitmentStatus.values:
        raise ValidationError({"status": _("Unknown status: %(status)s.") % {"status": status}})
    if evidence_file is not None:
        checked = check_upload(evidence_file, kinds=EVIDENCE_KINDS)
        evidence_file.name = checked.name
    targets = _followup_targets(commitment, acting_user, actor)
    with acting_as(acting_user):
        if not targets:  # a commitment with no actor named: its own status, as before
            return _change_own_status(commitment, status, acting_user, note, evidence_link, evidence_file, revision)
        locked = {
            row.pk: row for row in CommitmentActor.objects.select_for_update().filter(pk__in=[t.pk for t in targets])
        }
        rows = [locked[target.pk] for target in targets]
        if len(rows) == 1:
            expect(rows[0], revision)
        rows = [row for row in rows if status != row.status or note or evidence_link or evidence_file]
        if not rows:
            raise refusal(STATE, _("The commitment already has this status."), "status")
        # One entry in the history: for the actor whose row changed, or for all of them at once (the TS).
        everyone = actor is None and len(rows) > 1 and len(rows) == commitment.actors.count()
        change = _status_change(commitment, None if everyone else rows[0], status, acting_user, note, evidence_link)
        if evidence_file is not None:
            change.evidence_file = evidence_file
        change.full_clean()
        change.save()
        stored_file = change.evidence_file.name if change.evidence_file else None
        for row in rows:
            if not everyone and row is not rows[0]:
                extra = _status_change(commitment, row, status, acting_user, note, evidence_link)
                extra.evidence_file = stored_file or ""
                extra.save()
            row.status = status
            if note:
                row.note = note
            if evidence_link:
                row.evidence_link = evidence_link
            if stored_file:
                row.evidence_file = stored_file
            row.updated_at = timezone.now()
            row.updated_by = acting_user if getattr(acting_user, "pk", None) else None
            row.full_clean(exclude=["commitment", "country", "organization", "updated_by"])
            row.save()
        _roll_up(commitment, evidence_link=evidence_link, evidence_file=stored_file)
    commitment.refresh_from_db()
    return commitment


def _status_change(
    commitment: Commitment, row: CommitmentActor | None, status: str, acting_user: Any, note: str, evidence_link: str
) -> CommitmentStatusChange:
    return CommitmentStatusChange(
        commitment=commitment,
        actor=row,
        from_status=row.status if row is not None else commitment.status,
        to_status=status,
        note=note,
        evidence_link=evidence_link or "",
        changed_by=acting_user if getattr(acting_user, "pk", None) else None,
        changed_by_label=getattr(acting_user, "email", "") or "",
    )


def _roll_up(commitment: Commitment, *, evidence_link: str = "", evidence_file: Any = None) -> None:
    """Set the commitment's status from its actors' rows, and keep the latest evidence given on it
    (no revision change: nobody typed these)."""
    derived = roll_up(CommitmentActor.objects.filter(commitment=commitment).values_list("status", flat=True))
    if derived is None:
        return
    fields = {"status": derived, "updated_at": timezone.now()}
    if evidence_link:
        fields["evidence_link"] = evidence_link
    if evidence_file:
        fields["evidence_file"] = evidence_file
    Commitment.objects.filter(pk=commitment.pk).update(**fields)


def _change_own_status(
    commitment: Commitment,
    status: str,
    acting_user: Any,
    note: str,
    evidence_link: str,
    evidence_file: Any,
    revision: int | None,
) -> Commitment:
    commitment = expect(Commitment.objects.select_for_update().get(pk=commitment.pk), revision)
    if status == commitment.status and not (note or evidence_link or evidence_file):
        raise refusal(STATE, _("The commitment already has this status."), "status")
    change = _status_change(commitment, None, status, acting_user, note, evidence_link)
    if evidence_file is not None:
        change.evidence_file = evidence_file
    change.full_clean()
    change.save()
    commitment.status = status
    if evidence_link:
        commitment.evidence_link = evidence_link
    if evidence_file is not None:
        commitment.evidence_file = change.evidence_file.name
    commitment.full_clean()
    commitment.save()
    return commitment


@transaction.atomic
def fulfil_commitment(commitment: Commitment, *, by: Any, acting_user: Any) -> Commitment:
    """Mark a commitment done because `by` (e.g. a circular) fulfils it; registered with core.fulfilment."""
    # No link is stored: the commitment's page links to `by` through fulfilled_by, at today's address.
    commitment = change_commitment_status(
        commitment,
        CommitmentStatus.DONE,
        acting_user=acting_user,
        note=_("Fulfilled by %(record)s.") % {"record": str(by)},
    )
    with acting_as(acting_user):
        commitment.fulfilled_by_type = ContentType.objects.get_for_model(by)
        commitment.fulfilled_by_id = by.pk
        commitment.fulfilled_by_label = str(by)[:300]
        commitment.save(update_fields=["fulfilled_by_type", "fulfilled_by_id", "fulfilled_by_label", "updated_at"])
    return commitment


# ---- import ----------------------------------------------------------------------------------


def _actor_rows(parsed_actors: Iterable[Any]) -> list[tuple[str, Any, Any]]:
    countries = {
        c.pk: c for c in Country.objects.filter(pk__in=[a.pk for a in parsed_actors if a.kind == ActorKind.COUNTRY])
    }
    orgs = {
        o.pk: o
        for o in Organization.objects.filter(pk__in=[a.pk for a in parsed_actors if a.kind == ActorKind.ORGANIZATION])
    }
    rows: list[tuple[str, Any, Any]] = []
    for actor in parsed_actors:
        if actor.kind == ActorKind.TS:
            rows.append((ActorKind.TS, None, None))
        elif actor.kind == ActorKind.PPT:
            rows.append((ActorKind.PPT, None, None))
        elif actor.kind == ActorKind.COUNTRY and actor.pk in countries:
            rows.append((ActorKind.COUNTRY, countries[actor.pk], None))
        elif actor.kind == ActorKind.ORGANIZATION and actor.pk in orgs:
            rows.append((ActorKind.ORGANIZATION, None, orgs[actor.pk]))
    return rows
