"""Writes to meetings, reports and commitments. Each checks access, validates, and runs in one transaction.

Views, the API, the importer command and other apps call these; they never save these records
themselves. Every change is in the audit trail (core.audit.track, in apps.py).
"""

import datetime
import secrets

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import hash_secret
from core import access, audit
from core.audit import acting_as
from core.models import AuditAction, Visibility
from core.refusals import STATE, UNKNOWN, refusal
from core.uploads import check_upload
from core.versioning import expect
from network.models import Body, Country, Organization

from .access import APPROVE, DECIDE, UPDATE_STATUS
from .duplicates import find_duplicate
from .importer.dates import parse_due
from .models import (
    ActorKind,
    AgendaItem,
    Agreement,
    AgreementKind,
    CalendarFeed,
    Commitment,
    CommitmentActor,
    CommitmentStatus,
    CommitmentStatusChange,
    Decision,
    Delegate,
    Meeting,
    MeetingDocument,
    MeetingStatus,
    ReportStatus,
    ReportVersion,
    roll_up,
)
from .signals import commitment_assigned

MEETING_FIELDS = (
    "body",
    "title_es",
    "title_en",
    "ordinal",
    "kind",
    "modality",
    "place",
    "link",
    "start_date",
    "end_date",
    "starts_at",
    "ends_at",
    "time_zone",
    "mandate_es",
    "mandate_en",
    "visibility",
)
AGREEMENT_FIELDS = ("kind", "text_es", "text_en")
REPORT_FIELDS = ("participants_es", "participants_en", "submission_es", "submission_en", "correction_note")
COMMITMENT_FIELDS = ("action_es", "action_en", "notes", "due_date", "due_period")
EVIDENCE_KINDS = frozenset({"pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "txt", "csv", "png", "jpg", "jpeg"})


class EditConflict(ValidationError):
    """Someone else saved the agreement since this edit began: nothing was overwritten."""

    def __init__(self, current):
        super().__init__(
            _(
                "Someone else changed this agreement while you were editing it. Your text was not saved; "
                "it is kept below, beside the version now saved."
            ),
            code="conflict",
        )
        self.current = current


def _assign(instance, fields, allowed):
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in sorted(unknown)})
    for name, value in fields.items():
        setattr(instance, name, value)


def _changed(instance, fields):
    """The names of `fields` whose value differs from the instance's."""
    return [name for name, value in fields.items() if getattr(instance, name, None) != value]


def _remember_edits(instance, names):
    """Remember that a person corrected these texts: importing the other language never overwrites them."""
    texts = {name for name in names if name.endswith(("_es", "_en"))}
    if texts - set(instance.edited_fields):
        instance.edited_fields = sorted(set(instance.edited_fields) | texts)


def checked_off(meeting_id, *keys):
    """Drop the import warnings about `keys` ("ref:4c", "field:start_date"): a person corrected them."""
    meeting = Meeting.objects.filter(pk=meeting_id).only("pk", "import_warnings").first()
    if meeting is None or not meeting.import_warnings:
        return
    standing = [item for item in meeting.warnings_to_check() if item.get("key") not in keys]
    if len(standing) != len(meeting.import_warnings):
        Meeting.objects.filter(pk=meeting_id).update(import_warnings=standing)


# ---- meetings ------------------------------------------------------------------------------


@transaction.atomic
def create_meeting(*, acting_user, delegations=None, organizations=None, **fields):
    """Add a meeting of a body (a draft until published)."""
    access.require_create(acting_user, Meeting)
    with acting_as(acting_user):
        meeting = Meeting()
        _assign(meeting, fields, MEETING_FIELDS)
        meeting.full_clean()
        meeting.save()
        if delegations is not None:
            meeting.delegations.set(delegations)
        if organizations is not None:
            meeting.organizations.set(organizations)
    return meeting


@transaction.atomic
def update_meeting(meeting, *, acting_user, delegations=None, organizations=None, **fields):
    """Change a meeting's details, delegations present and organizations present."""
    access.require(acting_user, access.CHANGE, meeting)
    with acting_as(acting_user):
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        corrected = [f"field:{name}" for name in fields]  # seen and saved by a person
        _assign(meeting, fields, MEETING_FIELDS)
        meeting.full_clean()
        meeting.save()
        if delegations is not None:
            meeting.delegations.set(delegations)
            corrected.append("field:delegations")
        if organizations is not None:
            meeting.organizations.set(organizations)
        checked_off(meeting.pk, *corrected)
    return meeting


@transaction.atomic
def publish_meeting(meeting, *, acting_user):
    """Publish a reviewed meeting: it becomes visible according to its visibility."""
    access.require(acting_user, access.CHANGE, meeting)
    with acting_as(acting_user):
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.duplicate_of_id:
            raise ValidationError(
                _(
                    "This report seems to be already in Enlace (%(other)s): on the review page, add it as the "
                    "other language of that meeting, replace that meeting's draft, or keep it as a new meeting first."
                )
                % {"other": meeting.duplicate_of}
            )
        meeting.status = MeetingStatus.PUBLISHED
        meeting.full_clean()
        meeting.save()
    return meeting


@transaction.atomic
def unpublish_meeting(meeting, *, acting_user):
    """Take a published meeting back to draft: only the TS sees it (and its commitments) again."""
    access.require(acting_user, access.CHANGE, meeting)
    with acting_as(acting_user):
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if not meeting.is_published:
            raise refusal(STATE, _("This meeting is not published."))
        meeting.status = MeetingStatus.DRAFT
        meeting.save()
    return meeting


@transaction.atomic
def delete_meeting(meeting, *, acting_user):
    """Delete a draft meeting with its reports, agreements and commitments (a duplicate import, say).

    A published meeting is unpublished first; a meeting whose report was approved, or that
    other reports name as the RCGM meeting that decided their recommendations, stays.
    """
    access.require(acting_user, access.DELETE, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_published:
        raise refusal(STATE, _("Unpublish the meeting before deleting it."))
    if meeting.reports.exclude(status=ReportStatus.DRAFT).exists():
        raise refusal(STATE, _("This meeting has an approved report: it is part of the record and cannot be deleted."))
    if meeting.rcgm_decisions.exists():
        raise refusal(STATE, _("Other reports name this meeting as the RCGM meeting that decided them."))
    with acting_as(acting_user):
        # Commitments protect their agreements: remove them first, each with its audit entry.
        for commitment in meeting.commitments.all():
            commitment.delete()
        meeting.delete()


@transaction.atomic
def add_agenda_item(meeting, *, acting_user, **fields):
    """Add a point to a meeting's agenda, at the end."""
    access.require(acting_user, access.CHANGE, meeting)
    with acting_as(acting_user):
        item = AgendaItem(meeting=meeting)
        _assign(item, fields, ("title_es", "title_en", "presenter"))
        item.position = (meeting.agenda.aggregate(m=Max("position"))["m"] or 0) + 1
        item.full_clean()
        item.save()
    return item


@transaction.atomic
def remove_agenda_item(item, *, acting_user):
    """Remove a point from a meeting's agenda."""
    access.require(acting_user, access.DELETE, item)
    with acting_as(acting_user):
        item.delete()


@transaction.atomic
def attach_document(meeting, file, *, acting_user, title, kind="other"):
    """Attach a presentation, concept note or other document, checked by core.uploads."""
    access.require(acting_user, access.CHANGE, meeting)
    checked = check_upload(file)
    file.name = checked.name
    with acting_as(acting_user):
        document = MeetingDocument(meeting=meeting, kind=kind, title=title, file=file, uploaded_by=acting_user)
        document.full_clean()
        document.save()
    return document


@transaction.atomic
def remove_document(document, *, acting_user):
    access.require(acting_user, access.DELETE, document)
    with acting_as(acting_user):
        document.delete()


# ---- reports -------------------------------------------------------------------------------


def draft_of(meeting):
    return meeting.reports.filter(status=ReportStatus.DRAFT).first()


@transaction.atomic
def start_report(meeting, *, acting_user):
    """Open the first draft of a meeting's report (drafted live during the meeting)."""
    access.require(acting_user, access.CHANGE, meeting)
    existing = draft_of(meeting)
    if existing is not None:
        return existing
    if meeting.reports.exists():
        raise refusal(STATE, _("This report was approved: start a correction to change it."))
    with acting_as(acting_user):
        return ReportVersion.objects.create(meeting=meeting, number=1, created_by=acting_user)


@transaction.atomic
def start_correction(meeting, *, acting_user, note=""):
    """Open a new draft version copying the approved one; the approved version stays as it was."""
    access.require(acting_user, access.CHANGE, meeting)
    if draft_of(meeting) is not None:
        raise refusal(STATE, _("A correction is already being drafted."))
    approved = meeting.reports.filter(status=ReportStatus.APPROVED).first()
    if approved is None:
        raise refusal(STATE, _("There is no approved report to correct."))
    with acting_as(acting_user):
        version = ReportVersion(meeting=meeting, number=approved.number + 1, created_by=acting_user)
        for name in ("participants_es", "participants_en", "submission_es", "submission_en"):
            setattr(version, name, getattr(approved, name))
        version.correction_note = note[:500]
        version.full_clean()
        version.save()
        copies = {}
        # Numbered agreements first, so their sub-items find their new parent (NULLs sort
        # differently on SQLite and PostgreSQL, so no ordering on parent_id).
        olds = list(approved.agreements.filter(parent__isnull=True).order_by("position", "pk"))
        olds += list(approved.agreements.filter(parent__isnull=False).order_by("position", "sub_position", "pk"))
        for old in olds:
            new = Agreement(
                version=version,
                parent=copies.get(old.parent_id),
                key=old.key,
                position=old.position,
                sub_position=old.sub_position,
                number=old.number,
                letter=old.letter,
                kind=old.kind,
                text_es=old.text_es,
                text_en=old.text_en,
                source_text=old.source_text,
                rcgm_decision=old.rcgm_decision,
                rcgm_meeting_id=old.rcgm_meeting_id,
                rcgm_note=old.rcgm_note,
                updated_by=acting_user,
            )
            new.save()
            copies[old.pk] = new
        # Commitments follow the report being written; their history stays with them.
        for old_pk, new in copies.items():
            Commitment.objects.filter(agreement_id=old_pk).update(agreement=new)
    return version


@transaction.atomic
def update_report_text(version, *, acting_user, **fields):
    """Change a draft's participants paragraph and submission line."""
    access.require(acting_user, access.CHANGE, version)
    with acting_as(acting_user):
        version = ReportVersion.objects.select_for_update().get(pk=version.pk)
        _assign(version, fields, REPORT_FIELDS)
        version.full_clean()
        version.save()
        checked_off(version.meeting_id, "field:participants")
    return version


@transaction.atomic
def approve_report(version, *, acting_user):
    """Approve a draft (the TS): it is locked; the version it corrects is kept, marked superseded."""
    access.require(acting_user, APPROVE, version)
    version = ReportVersion.objects.select_for_update().get(pk=version.pk)
    if not version.agreements.exists():
        raise refusal(STATE, _("A report needs at least one agreement before it is approved."))
    with acting_as(acting_user):
        for previous in version.meeting.reports.filter(status=ReportStatus.APPROVED):
            previous.status = ReportStatus.SUPERSEDED
            previous.save()
        version.status = ReportStatus.APPROVED
        version.approved_by = acting_user
        version.approved_at = timezone.now()
        version.save()
    return version


def _renumber(version):
    """Number agreements 1, 2, 3… and their sub-items a, b, c… in their current order."""
    tops = list(version.agreements.filter(parent__isnull=True).order_by("position", "pk"))
    items = {}
    for item in version.agreements.filter(parent__isnull=False).order_by("position", "sub_position", "pk"):
        items.setdefault(item.parent_id, []).append(item)
    for index, top in enumerate(tops, start=1):
        if (top.position, top.number) != (index, str(index)):
            top.position, top.number = index, str(index)
            top.save(update_fields=["position", "number", "updated_at"])
        for sub_index, item in enumerate(items.get(top.pk, []), start=1):
            letter = _letter(sub_index)
            if (item.position, item.sub_position, item.number, item.letter) != (index, sub_index, str(index), letter):
                item.position, item.sub_position, item.number, item.letter = index, sub_index, str(index), letter
                item.save(update_fields=["position", "sub_position", "number", "letter", "updated_at"])


def _letter(index):
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(ord("a") + rem) + letters
    return letters


def _require_draft(version, acting_user):
    if version.status != ReportStatus.DRAFT:
        access.refuse(acting_user, access.CHANGE, version)
    access.require(acting_user, access.CHANGE, version)


@transaction.atomic
def add_agreement(version, *, acting_user, parent=None, after=None, kind=AgreementKind.OTHER, text_es="", text_en=""):
    """Add an agreement (or a sub-item of `parent`) at the end, or just after `after`."""
    _require_draft(version, acting_user)
    if parent is not None and (parent.version_id != version.pk or parent.parent_id is not None):
        raise ValidationError({"parent": _("Sub-items belong to a numbered agreement of the same report.")})
    with acting_as(acting_user):
        agreement = Agreement(version=version, parent=parent, kind=kind, text_es=text_es, text_en=text_en)
        agreement.updated_by = acting_user
        siblings = version.agreements.filter(parent=parent)
        if parent is None:
            if after is not None:
                siblings.filter(position__gt=after.position).update(position=F("position") + 1)
                agreement.position = after.position + 1
            else:
                agreement.position = (siblings.aggregate(m=Max("position"))["m"] or 0) + 1
            agreement.number = str(agreement.position)
        else:
            agreement.position = parent.position
            agreement.number = parent.number
            agreement.sub_position = (siblings.aggregate(m=Max("sub_position"))["m"] or 0) + 1
            agreement.letter = _letter(agreement.sub_position)
        _validate_agreement(agreement)
        agreement.save()
        _renumber(version)
        agreement.refresh_from_db()
    return agreement


def _validate_agreement(agreement):
    agreement.full_clean()
    if not (agreement.text_es.strip() or agreement.text_en.strip()):
        raise ValidationError({"text_es": _("Write the agreement in Spanish or in English.")})


@transaction.atomic
def update_agreement(agreement, *, acting_user, revision, **fields):
    """Change an agreement's kind or text; refused without loss if someone saved it meanwhile."""
    current = Agreement.objects.select_for_update().select_related("version").get(pk=agreement.pk)
    _require_draft(current.version, acting_user)
    if int(revision) != current.revision:
        raise EditConflict(current)
    with acting_as(acting_user):
        _remember_edits(current, _changed(current, fields))
        _assign(current, fields, AGREEMENT_FIELDS)
        current.revision += 1
        current.updated_by = acting_user
        _validate_agreement(current)
        current.save()
        checked_off(current.version.meeting_id, f"ref:{current.ref}")
    return current


@transaction.atomic
def move_agreement(agreement, offset, *, acting_user):
    """Move an agreement (or a sub-item, among its siblings) up (-1) or down (+1); renumber."""
    agreement = Agreement.objects.select_for_update().select_related("version").get(pk=agreement.pk)
    _require_draft(agreement.version, acting_user)
    field = "sub_position" if agreement.parent_id else "position"
    siblings = list(agreement.version.agreements.filter(parent_id=agreement.parent_id).order_by(field, "pk"))
    index = next(i for i, a in enumerate(siblings) if a.pk == agreement.pk)
    target = index + (1 if offset > 0 else -1)
    if not 0 <= target < len(siblings):
        return agreement
    siblings[index], siblings[target] = siblings[target], siblings[index]
    with acting_as(acting_user):
        for position, sibling in enumerate(siblings, start=1):
            if getattr(sibling, field) != position:
                setattr(sibling, field, position)
                sibling.save(update_fields=[field, "updated_at"])
                if field == "position":
                    sibling.items.update(position=position)
        _renumber(agreement.version)
    agreement.refresh_from_db()
    return agreement


@transaction.atomic
def delete_agreement(agreement, *, acting_user, revision=None):
    """Delete an agreement of a draft, with its sub-items, unless commitments come from it."""
    agreement = Agreement.objects.select_for_update().select_related("version").get(pk=agreement.pk)
    _require_draft(agreement.version, acting_user)
    if revision is not None and int(revision) != agreement.revision:
        raise EditConflict(agreement)
    if Commitment.objects.filter(agreement__in=[agreement, *agreement.items.all()]).exists():
        raise refusal(STATE, _("Commitments come from this agreement: delete or move them first."))
    version = agreement.version
    with acting_as(acting_user):
        agreement.delete()
        _renumber(version)


@transaction.atomic
def record_rcgm_decision(agreement, *, acting_user, decision, rcgm_meeting=None, note=""):
    """Record what the RCGM decided on a recommendation, in every version of the report."""
    access.require(acting_user, DECIDE, agreement)
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Unknown decision.")})
    if decision != Decision.PENDING and rcgm_meeting is None:
        raise ValidationError({"rcgm_meeting": _("Say which RCGM meeting decided.")})
    if rcgm_meeting is not None and rcgm_meeting.body.kind != "rcgm":
        raise ValidationError({"rcgm_meeting": _("Choose a meeting of the RCGM.")})
    with acting_as(acting_user):
        for same in Agreement.objects.select_for_update().filter(key=agreement.key):
            same.rcgm_decision = decision
            same.rcgm_meeting = rcgm_meeting if decision != Decision.PENDING else None
            same.rcgm_note = note[:500]
            same.full_clean()
            same.save()
    agreement.refresh_from_db()
    return agreement


# ---- commitments ---------------------------------------------------------------------------


def actors_from_codes(codes):
    """Turn actor codes (TS, PPT, an ISO country code, an organization's acronym or `org:<id>`) into actors."""
    actors = []
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


def _prepare_actors(actors):
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


def _actor_codes(rows):
    return ", ".join(actor.code for actor in rows)[:600]


def _actor_key(row):
    return (row.kind, row.country_id, row.organization_id)


def _write_actors(commitment, rows):
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


def _due_fields(due):
    due_date, due_period = parse_due(due if due is None or isinstance(due, str) else due.isoformat())
    if due_period is None:
        raise ValidationError(
            {"due": _("Write the due time as a date (2018-03-31), a year (2018) or a quarter (2018-Q1).")}
        )
    return {"due_date": due_date, "due_period": due_period}


def _announce(commitment, actors, acting_user):
    transaction.on_commit(
        lambda: commitment_assigned.send(
            sender=Commitment, commitment=commitment, actors=actors, acting_user=acting_user
        )
    )


@transaction.atomic
def create_commitment(agreement, *, acting_user, actors, action_es="", action_en="", due=None, notes="", is_demo=False):
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
def update_commitment(commitment, *, acting_user, actors=None, due=..., revision=None, **fields):
    """Change what a commitment says (the TS): action, actors, due time, notes."""
    access.require(acting_user, access.CHANGE, commitment)
    with acting_as(acting_user):
        commitment = expect(Commitment.objects.select_for_update().get(pk=commitment.pk), revision)
        _remember_edits(commitment, _changed(commitment, fields))
        _assign(commitment, fields, COMMITMENT_FIELDS)
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
def delete_commitment(commitment, *, acting_user):
    access.require(acting_user, access.DELETE, commitment)
    with acting_as(acting_user):
        commitment.delete()


def _followup_targets(commitment, acting_user, actor):
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
    commitment, status, *, acting_user, actor=None, note="", evidence_link="", evidence_file=None, revision=None
):
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


def _status_change(commitment, row, status, acting_user, note, evidence_link):
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


def _roll_up(commitment, *, evidence_link="", evidence_file=None):
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


def _change_own_status(commitment, status, acting_user, note, evidence_link, evidence_file, revision):
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
def fulfil_commitment(commitment, *, by, acting_user):
    """Mark a commitment done because `by` (e.g. a circular) fulfils it; registered with core.fulfilment."""
    url = by.get_absolute_url() if hasattr(by, "get_absolute_url") else ""
    link = f"{settings.SITE_URL}{url}" if url.startswith("/") else url
    commitment = change_commitment_status(
        commitment,
        CommitmentStatus.DONE,
        acting_user=acting_user,
        note=_("Fulfilled by %(record)s.") % {"record": str(by)},
        evidence_link=link,
    )
    with acting_as(acting_user):
        commitment.fulfilled_by_type = ContentType.objects.get_for_model(by)
        commitment.fulfilled_by_id = by.pk
        commitment.fulfilled_by_label = str(by)[:300]
        commitment.save(update_fields=["fulfilled_by_type", "fulfilled_by_id", "fulfilled_by_label", "updated_at"])
    return commitment


# ---- import ----------------------------------------------------------------------------------


def _actor_rows(parsed_actors):
    countries = {c.pk: c for c in Country.objects.filter(pk__in=[a.pk for a in parsed_actors if a.kind == "country"])}
    orgs = {
        o.pk: o for o in Organization.objects.filter(pk__in=[a.pk for a in parsed_actors if a.kind == "organization"])
    }
    rows = []
    for actor in parsed_actors:
        if actor.kind == "ts":
            rows.append((ActorKind.TS, None, None))
        elif actor.kind == "ppt":
            rows.append((ActorKind.PPT, None, None))
        elif actor.kind == "country" and actor.pk in countries:
            rows.append((ActorKind.COUNTRY, countries[actor.pk], None))
        elif actor.kind == "organization" and actor.pk in orgs:
            rows.append((ActorKind.ORGANIZATION, None, orgs[actor.pk]))
    return rows


@transaction.atomic
def import_report(parsed, *, acting_user, source_name="", body=None, start_date=None, is_demo=False):
    """Build a draft meeting from an imported report: meeting, report v1, agreements, commitments."""
    access.require_create(acting_user, Meeting)
    body = body or (Body.objects.filter(pk=parsed.body_pk).first() if parsed.body_pk else None)
    if body is None:
        raise ValidationError({"body": _("The body that met was not recognised: choose it.")})
    start = start_date or parsed.start_date
    if start is None:
        raise ValidationError({"start_date": _("The meeting date was not found: give it.")})
    lang = parsed.language
    with acting_as(acting_user):
        meeting = Meeting(
            body=body,
            ordinal=parsed.ordinal,
            kind=parsed.kind,
            modality=parsed.modality or "in_person",
            place=parsed.place or "",
            start_date=start,
            end_date=parsed.end_date if parsed.end_date and parsed.end_date != start else None,
            status=MeetingStatus.DRAFT,
            source_name=source_name[:200],
            source_text=parsed.source_text,
            import_warnings=[
                item
                for item in parsed.keyed_warnings()
                if not (item["key"] == "field:start_date" and start_date) and not (item["key"] == "field:body" and body)
            ],
            is_demo=is_demo,
        )
        setattr(meeting, f"title_{lang}", parsed.title[:300] or str(_("Meeting")))
        setattr(meeting, f"mandate_{lang}", parsed.mandate)
        meeting.duplicate_of = find_duplicate(parsed, body, start)
        meeting.full_clean()
        meeting.save()
        meeting.delegations.set(Country.objects.filter(code__in=parsed.delegations))
        organizations = list(parsed.organizations)
        if organizations:
            meeting.organizations.set(
                Organization.objects.filter(acronym_en__in=organizations)
                | Organization.objects.filter(acronym_es__in=organizations)
            )
        version = ReportVersion(meeting=meeting, number=1, created_by=acting_user)
        setattr(version, f"participants_{lang}", parsed.participants)
        setattr(version, f"submission_{lang}", parsed.submission)
        version.save()
        # Written in bulk (a report has dozens of agreements and commitments); the audit trail
        # gets one entry for the import, and every later change is tracked row by row.
        tops = []
        for position, parsed_agreement in enumerate(parsed.agreements, start=1):
            agreement = Agreement(
                version=version,
                position=position,
                number=parsed_agreement.number,
                kind=parsed_agreement.kind,
                source_text=parsed_agreement.source,
                updated_by=acting_user,
            )
            setattr(agreement, f"text_{lang}", parsed_agreement.text)
            tops.append(agreement)
        Agreement.objects.bulk_create(tops)
        by_ref = {top.number: top for top in tops}
        items = []
        for position, (top, parsed_agreement) in enumerate(zip(tops, parsed.agreements, strict=True), start=1):
            for sub_position, item in enumerate(parsed_agreement.items, start=1):
                sub = Agreement(
                    version=version,
                    parent=top,
                    position=position,
                    sub_position=sub_position,
                    number=parsed_agreement.number,
                    letter=item.letter,
                    kind=item.kind,
                    source_text=item.source,
                    updated_by=acting_user,
                )
                setattr(sub, f"text_{lang}", item.text)
                items.append(sub)
        Agreement.objects.bulk_create(items)
        by_ref.update({item.ref: item for item in items})
        positions = {}
        commitments, actor_lists = [], []
        for parsed_commitment in parsed.commitments:
            agreement = by_ref.get(parsed_commitment.ref)
            rows = _actor_rows(parsed_commitment.actors)
            if agreement is None or not rows:
                continue
            positions[agreement.ref] = positions.get(agreement.ref, 0) + 1
            commitment = Commitment(
                meeting=meeting,
                agreement=agreement,
                position=positions[agreement.ref],
                is_demo=is_demo,
                **_due_fields(parsed_commitment.due),
            )
            setattr(commitment, f"action_{lang}", parsed_commitment.action)
            actors = _prepare_actors(rows)
            commitment.actor_codes = _actor_codes(actors)
            commitment.full_clean(exclude=["meeting", "agreement"])
            commitments.append(commitment)
            actor_lists.append(actors)
        Commitment.objects.bulk_create(commitments)
        for commitment, actors in zip(commitments, actor_lists, strict=True):
            for actor in actors:
                actor.commitment = commitment
        CommitmentActor.objects.bulk_create([actor for actors in actor_lists for actor in actors])
        announcements = list(zip(commitments, actor_lists, strict=True))
        audit.record(
            AuditAction.CREATE,
            version,
            changes={
                "agreements": [None, len(tops) + len(items)],
                "commitments": [None, len(commitments)],
                "source": [None, source_name[:200]],
            },
            note="import",
        )
    for commitment, actors in announcements:
        _announce(commitment, actors, acting_user)
    return meeting


@transaction.atomic
def add_translation(meeting, parsed, *, acting_user):
    """Fill the other language of a draft report from its translation; return what did not match.

    A text a person corrected is never overwritten: when the translation brings a different
    one, the conflict is listed on the meeting (`translation_conflicts`) for the TS to choose.
    Every text set is a saved change, in its item's history.
    """
    access.require(acting_user, access.CHANGE, meeting)
    version = draft_of(meeting)
    if version is None:
        raise refusal(STATE, _("Start a correction first: an approved report cannot change."))
    lang = parsed.language
    warnings, conflicts = [], []
    with acting_as(acting_user):
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if parsed.title:
            setattr(meeting, f"title_{lang}", parsed.title[:300])
        if parsed.mandate:
            setattr(meeting, f"mandate_{lang}", parsed.mandate)
        meeting.save()
        setattr(version, f"participants_{lang}", parsed.participants)
        setattr(version, f"submission_{lang}", parsed.submission)
        version.save()
        agreements = {a.ref: a for a in version.agreements.all()}
        seen = set()
        for parsed_agreement in parsed.agreements:
            units = [(parsed_agreement.number, parsed_agreement.text)]
            units += [(parsed_agreement.number + i.letter, i.text) for i in parsed_agreement.items]
            for ref, text in units:
                seen.add(ref)
                agreement = agreements.get(ref)
                if agreement is None:
                    warnings.append(_("%(ref)s is in the translation but not in the report.") % {"ref": ref})
                    continue
                if _take_imported(agreement, f"text_{lang}", text, ref, conflicts):
                    agreement.revision += 1
                    agreement.save()
        for ref in sorted(set(agreements) - seen):
            warnings.append(_("%(ref)s has no translation.") % {"ref": ref})
        commitments = {}
        for commitment in Commitment.objects.filter(agreement__version=version).select_related("agreement"):
            commitments.setdefault(commitment.agreement.ref, []).append(commitment)
        counts = {}
        for parsed_commitment in parsed.commitments:
            index = counts.get(parsed_commitment.ref, 0)
            counts[parsed_commitment.ref] = index + 1
            matches = sorted(commitments.get(parsed_commitment.ref, []), key=lambda c: c.position)
            if index < len(matches):
                target = matches[index]
                if _take_imported(target, f"action_{lang}", parsed_commitment.action, parsed_commitment.ref, conflicts):
                    target.save()
        if conflicts:
            meeting.translation_conflicts = [*meeting.translation_conflicts, *conflicts]
            meeting.save(update_fields=["translation_conflicts", "updated_at"])
            for conflict in conflicts:
                warnings.append(
                    _(
                        "%(ref)s: a person corrected this text; the imported one was left out. "
                        "Choose on the review page."
                    )
                    % {"ref": conflict["ref"]}
                )
    return warnings


def _take_imported(item, name, text, ref, conflicts):
    """Put an imported text in `item.name` unless a person corrected it (then list the conflict)."""
    current = getattr(item, name)
    if current == text:
        return False
    if name in item.edited_fields and current.strip():
        conflicts.append(
            {
                "model": item._meta.model_name,
                "id": item.pk,
                "ref": ref,
                "field": name,
                "current": current,
                "imported": text,
            }
        )
        return False
    setattr(item, name, text)
    return True


# ---- calendar feed -------------------------------------------------------------------------


@transaction.atomic
def create_calendar_feed(user):
    """Give a user a new secret calendar address; return (feed, raw key) — the key is shown once."""
    access.require_create(user, CalendarFeed)
    raw = "cal_" + secrets.token_urlsafe(24)
    with acting_as(user):
        feed = CalendarFeed.objects.create(user=user, key_hash=hash_secret(raw), prefix=raw[4:12])
    return feed, raw


@transaction.atomic
def revoke_calendar_feed(feed, *, acting_user):
    """Stop a calendar address for good."""
    access.require(acting_user, access.CHANGE, feed)
    with acting_as(acting_user):
        feed.revoked_at = timezone.now()
        feed.save()
    return feed


# ---- convocation and delegations -------------------------------------------------------------

CONVOCATION_DEADLINE_DAYS = 3
DELEGATE_TEXT_LIMITS = {"name": 200, "position": 200, "institution": 200}


def default_reply_deadline(meeting, today=None):
    """A few days before the meeting, never before today."""
    today = today or timezone.localdate()
    return max(today, meeting.start_date - datetime.timedelta(days=CONVOCATION_DEADLINE_DAYS))


def _convocation_texts(meeting, lang):
    """Title and body of a meeting's convocation in `lang` ("es" or "en")."""
    from django.utils import translation
    from django.utils.formats import date_format

    from core.i18n import localized

    with translation.override(lang):
        title = localized(meeting, "title", lang) or str(meeting)
        when = date_format(meeting.start_date, "DATE_FORMAT")
        if meeting.end_date and meeting.end_date != meeting.start_date:
            when = f"{when} – {date_format(meeting.end_date, 'DATE_FORMAT')}"
        if meeting.starts_at:
            when += " · " + date_format(timezone.localtime(meeting.starts_at), "TIME_FORMAT")
            when += f" ({timezone.get_current_timezone_name()})"
        lines = [
            _("The Technical Secretariat convenes the member countries to %(meeting)s.") % {"meeting": title},
            "",
            _("Date: %(date)s") % {"date": when},
            _("Modality: %(modality)s") % {"modality": meeting.get_modality_display()},
        ]
        if meeting.place:
            lines.append(_("Place: %(place)s") % {"place": meeting.place})
        if meeting.link:
            lines.append(_("Link to join: %(link)s") % {"link": meeting.link})
        agenda = [localized(item, "title", lang) for item in meeting.agenda.all()]
        if agenda:
            lines.extend(["", _("Agenda:")])
            lines.extend(f"{number}. {item}" for number, item in enumerate(agenda, 1))
        lines.extend(
            [
                "",
                _("Please register your delegation in Enlace: %(url)s")
                % {"url": settings.SITE_URL + reverse("meetings:delegates", args=[meeting.pk])},
            ]
        )
        return _("Convocation: %(meeting)s") % {"meeting": title}, "\n".join(lines)


@transaction.atomic
def convene_meeting(meeting, *, acting_user, reply_deadline=None):
    """Write the draft circular that convenes the member countries to a meeting, and link it to the meeting."""
    from circulation import services as circulation_services
    from circulation.models import CircularKind

    access.require(acting_user, access.CHANGE, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.convocation_id:
        raise refusal(STATE, _("This meeting already has its convocation circular."))
    if meeting.status != MeetingStatus.PUBLISHED or meeting.visibility == Visibility.TS:
        raise ValidationError(
            _("Publish the meeting for network members before convening it: the countries must be able to open it.")
        )
    if meeting.has_started():
        raise refusal(STATE, _("This meeting has already started; it can no longer be convened."))
    title_es, body_es = _convocation_texts(meeting, "es")
    title_en, body_en = _convocation_texts(meeting, "en")
    circular = circulation_services.create_circular(
        acting_user=acting_user,
        countries=list(Country.objects.members().order_by("code")),
        kind=CircularKind.CALL,
        title_es=title_es[:300],
        title_en=title_en[:300],
        body_es=body_es,
        body_en=body_en,
        reply_deadline=reply_deadline or default_reply_deadline(meeting),
        is_demo=meeting.is_demo,
    )
    with acting_as(acting_user):
        meeting.convocation = circular
        meeting.save(update_fields=["convocation", "updated_at"])
    return circular


def _clean_delegate(fields):
    cleaned = {key: (fields.get(key) or "").strip() for key in ("name", "position", "institution", "email")}
    errors = {}
    if not cleaned["name"]:
        errors["name"] = _("Give the delegate's name.")
    for key, limit in DELEGATE_TEXT_LIMITS.items():
        if len(cleaned[key]) > limit:
            errors[key] = _("At most %(max)s characters.") % {"max": limit}
    if cleaned["email"]:
        from django.core.validators import validate_email

        try:
            validate_email(cleaned["email"])
        except ValidationError:
            errors["email"] = _("Give a valid e-mail address, or leave it empty.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _acknowledge_in_convocation(meeting, country, delegate, acting_user):
    """Reply to the convocation for `country` when the registrant may answer it for that country."""
    from circulation import services as circulation_services
    from circulation.access import REPLY

    circular = meeting.convocation
    if circular is None or not circular.is_sent:
        return None
    recipient = circular.recipients.filter(country=country).first()
    if recipient is None:
        return None
    recipient.circular = circular
    if not access.can(acting_user, REPLY, recipient):
        return None  # the TS registering for a country does not answer on its behalf
    details = ", ".join(part for part in (delegate.position, delegate.institution) if part)
    text = _("Delegate registered for %(country)s: %(name)s.") % {
        "country": country.name,
        "name": f"{delegate.name} ({details})" if details else delegate.name,
    }
    return circulation_services.reply_to_circular(circular, acting_user=acting_user, text=text, recipient=recipient)


@transaction.atomic
def register_delegate(meeting, country, *, acting_user, person=None, **fields):
    """Register one delegate of a country to a meeting; the country becomes one of its delegations present.

    When the meeting was convened through a circular, the registration is also the country's reply to it.
    """
    from network.models import Person

    access.require_create(acting_user, Delegate, meeting=meeting, country=country)
    unknown = set(fields) - {"name", "position", "institution", "email"}
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in sorted(unknown)})
    cleaned = _clean_delegate(fields)
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("convocation").get(pk=meeting.pk)
    if meeting.has_started():
        raise refusal(STATE, _("This meeting has already started: delegations can no longer be registered."))
    if person is None and cleaned["email"]:
        person = Person.objects.filter(email__iexact=cleaned["email"]).first()
    with acting_as(acting_user):
        delegate = Delegate(meeting=meeting, country=country, person=person, registered_by=acting_user, **cleaned)
        delegate.full_clean()
        delegate.save()
        # The registrations are the attendance: a country with delegates is a delegation present.
        meeting.delegations.add(country)
    _acknowledge_in_convocation(meeting, country, delegate, acting_user)
    return delegate


def feed_for_key(raw):
    """Return the active feed of a raw key, or None; its user must still be active."""
    if not raw or not raw.startswith("cal_") or len(raw) > 100:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(key_hash=hash_secret(raw), revoked_at=None).first()
    if feed is None or not feed.user.is_active:
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    return feed
