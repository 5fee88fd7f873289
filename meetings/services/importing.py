"""A report read from a file becomes a draft meeting; its translation fills the other language."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import access, audit
from core.audit import acting_as
from core.models import AuditAction
from core.refusals import STATE, refusal
from network.models import Body, Country, Organization

from ..duplicates import find_duplicate
from ..models import (
    Agreement,
    Commitment,
    CommitmentActor,
    Meeting,
    MeetingStatus,
    ReportVersion,
)
from .commitments import _actor_codes, _actor_rows, _announce, _due_fields, _prepare_actors
from .reports import draft_of


@transaction.atomic
def import_report(
    parsed: Any,
    *,
    acting_user: Any,
    source_name: str = "",
    body: Any = None,
    start_date: datetime.date | None = None,
    is_demo: bool = False,
) -> Meeting:
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
        positions: dict[str, int] = {}
        commitments, actor_lists = [], []
        for parsed_commitment in parsed.commitments:
            owner = by_ref.get(parsed_commitment.ref)
            rows = _actor_rows(parsed_commitment.actors)
            if owner is None or not rows:
                continue
            positions[owner.ref] = positions.get(owner.ref, 0) + 1
            commitment = Commitment(
                meeting=meeting,
                agreement=owner,
                position=positions[owner.ref],
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
def add_translation(meeting: Meeting, parsed: Any, *, acting_user: Any) -> list[str]:
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
    warnings: list[str] = []
    conflicts: list[Any] = []
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
        commitments: dict[str, list[Commitment]] = {}
        for commitment in Commitment.objects.filter(agreement__version=version).select_related("agreement"):
            commitments.setdefault(commitment.agreement.ref, []).append(commitment)
        counts: dict[str, int] = {}
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


def _take_imported(item: Any, name: str, text: str, ref: str, conflicts: list[Any]) -> bool:
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
