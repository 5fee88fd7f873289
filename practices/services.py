"""Writes to the repository. Each checks access, validates, runs in one transaction and keeps the
search index in step. Views and API endpoints call these; they never save records themselves.

The review: draft → submitted → in review (comments to the author) → published, or returned
to the author, who fixes and submits again. Publishing keeps a version; the public sees the
latest version while the author works on the next.
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import access
from core.audit import acting_as
from core.models import Grant, GrantPermission
from core.refusals import NOT_YOURS, refusals
from core.uploads import IMAGES, OOXML, check_upload
from core.versioning import expect
from network.models import OFFICER_ROLES, Appointment, Country, Organization

from . import extraction
from .models import (
    Call,
    Compilation,
    Practice,
    PracticeFile,
    Resource,
    Status,
    Version,
)

# The review moves live in practices/reviewing.py; callers keep reaching them here.
from .reviewing import REVIEW_FLOW as REVIEW_FLOW
from .reviewing import comment as comment
from .reviewing import publish as publish
from .reviewing import return_to_author as return_to_author
from .reviewing import start_review as start_review
from .reviewing import submit as submit
from .reviewing import withdraw as withdraw
from .search import indexing

# What may be attached: documents and images, checked by content (core.uploads).
ATTACHMENT_KINDS = frozenset({"pdf"} | OOXML | {"odt"} | IMAGES)


def _many(model: Any) -> tuple[str, ...]:
    return tuple(name for name in model.EDITABLE if model._meta.get_field(name).many_to_many)


# The allow-lists: each model declares what its users edit; its many-to-many links are set after saving.
PRACTICE_M2M = _many(Practice)
PRACTICE_FIELDS = tuple(name for name in Practice.EDITABLE if name not in PRACTICE_M2M)
RESOURCE_M2M = _many(Resource)
RESOURCE_FIELDS = tuple(name for name in Resource.EDITABLE if name not in RESOURCE_M2M)
CALL_FIELDS = Call.EDITABLE


def _split(
    fields: dict[str, Any], scalars: Iterable[str], m2m: Iterable[str]
) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    unknown = set(fields) - set(scalars) - set(m2m)
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in sorted(unknown)})
    return (
        {k: v for k, v in fields.items() if k in scalars},
        {k: list(v or []) for k, v in fields.items() if k in m2m},
    )


def _default_submitter(user: Any) -> tuple[Organization | None, Country | None]:
    """Return (organization, country) a new record is submitted for, from the author's current terms."""
    rows = list(
        Appointment.objects.current()
        .filter(person__user=user)
        .select_related("organization")
        .order_by("role", "start_date", "pk")
    )
    officer = [row for row in rows if row.role in OFFICER_ROLES and row.country_id]
    if officer:
        return officer[0].organization, Country.objects.get(pk=officer[0].country_id)
    return (rows[0].organization if rows else None), None


def _check_submitter(user: Any, record: Any) -> None:
    """Non-TS authors submit for their own organization or country only."""
    p = access.principal_for(user)
    if access.acts_for_whole_network(p):
        return
    errors = {}
    if record.submitting_organization_id and record.submitting_organization_id not in p.organizations:
        errors["submitting_organization"] = _("You may submit only for an organization you work for.")
    if record.submitting_country_id and record.submitting_country_id not in p.officer_countries:
        errors["submitting_country"] = _("You may submit only for the country you are a liaison officer of.")
    if errors:
        raise refusals(NOT_YOURS, errors)


def _check_links(user: Any, m2m: dict[str, list[Any]]) -> None:
    for resource in m2m.get("resources", []):
        if not access.can(user, access.VIEW, resource):
            raise ValidationError({"resources": _("Unknown resource: %(id)s.") % {"id": resource.pk}})


def _check_call(record: Any, previous_call_id: int | None = None) -> None:
    call = getattr(record, "call", None)
    if call is not None and call.pk != previous_call_id and not call.is_open:
        raise ValidationError({"call": _("This call for practices is closed.")})


def _refuse_nul(record: Any) -> None:
    """Refuse text holding NUL characters (PostgreSQL cannot store them), naming the field."""
    errors = {
        field.name: _("This text holds a character that cannot be stored (NUL).")
        for field in record._meta.concrete_fields
        if isinstance(getattr(record, field.attname, None), str) and "\x00" in getattr(record, field.attname)
    }
    if errors:
        raise ValidationError(errors)


def _save(record: Any, m2m: dict[str, list[Any]]) -> None:
    """Validate and save a record, then set its many-to-many fields."""
    _refuse_nul(record)
    record.full_clean()
    record.save()
    for name, values in m2m.items():
        getattr(record, name).set(values)


# ---- practices -----------------------------------------------------------------------------


@transaction.atomic
def create_practice(*, acting_user: Any, **fields: Any) -> Practice:
    """Start a practice as a draft of the author (for their organization or country)."""
    access.require_create(acting_user, Practice)
    scalars, m2m = _split(fields, PRACTICE_FIELDS, PRACTICE_M2M)
    with acting_as(acting_user):
        practice = Practice(created_by=acting_user)
        if "submitting_organization" not in scalars and "submitting_country" not in scalars:
            practice.submitting_organization, practice.submitting_country = _default_submitter(acting_user)
        for name, value in scalars.items():
            setattr(practice, name, value)
        _check_submitter(acting_user, practice)
        _check_links(acting_user, m2m)
        _check_call(practice)
        _save(practice, m2m)
        indexing.index_record(practice)
    return practice


@transaction.atomic
def update_practice(practice: Practice, *, acting_user: Any, revision: int | None = None, **fields: Any) -> Practice:
    """Change the working copy; a published practice becomes a draft of its next version.

    `revision` is the one the editor read: a practice saved since then is not overwritten.
    """
    access.require(acting_user, access.CHANGE, practice)
    scalars, m2m = _split(fields, PRACTICE_FIELDS, PRACTICE_M2M)
    with acting_as(acting_user):
        practice = expect(Practice.objects.select_for_update().get(pk=practice.pk), revision)
        previous_call = practice.call_id
        for name, value in scalars.items():
            setattr(practice, name, value)
        _check_submitter(acting_user, practice)
        _check_links(acting_user, m2m)
        _check_call(practice, previous_call)
        if practice.status == Status.PUBLISHED:
            practice.status = Status.DRAFT
        _save(practice, m2m)
        indexing.index_record(practice)
    return practice


@transaction.atomic
def delete_practice(practice: Practice, *, acting_user: Any) -> None:
    """Delete a draft that was never published."""
    access.require(acting_user, access.DELETE, practice)
    with acting_as(acting_user):
        indexing.remove_record(practice)
        for attached in practice.files.all():
            attached.file.delete(save=False)
        practice.delete()


def _checked_attachment(file: Any, kinds: Iterable[str] = ATTACHMENT_KINDS) -> tuple[Any, Any]:
    """Check an upload and read its text; raise ValidationError naming the file when it is refused."""
    checked = check_upload(file, kinds)
    file.name = checked.name
    extracted = extraction.extract_text(file, checked.kind)
    return checked, extracted


@transaction.atomic
def add_practice_file(practice: Practice, file: Any, *, acting_user: Any) -> PracticeFile:
    """Attach a document to a practice's working copy; its text is searched with the practice."""
    access.require(acting_user, access.CHANGE, practice)
    checked, extracted = _checked_attachment(file)
    with acting_as(acting_user):
        practice = Practice.objects.select_for_update().get(pk=practice.pk)
        attached = PracticeFile(
            practice=practice,
            name=checked.name,
            size=checked.size,
            kind=checked.kind,
            text=extracted.text,
            text_note=extracted.note,
            uploaded_by=acting_user,
        )
        attached.file.save(checked.name, file, save=False)
        try:
            attached.save()
            if practice.status == Status.PUBLISHED:
                practice.status = Status.DRAFT
            practice.save()
            indexing.index_record(practice)
        except Exception:
            attached.file.delete(save=False)  # nothing half-stored: the file goes with the failed write
            raise
    return attached


@transaction.atomic
def remove_practice_file(attached: PracticeFile, *, acting_user: Any) -> None:
    """Take a file out of the working copy; it stays stored while a published version shows it."""
    practice = Practice.objects.select_for_update().get(pk=attached.practice_id)
    access.require(acting_user, access.CHANGE, practice)
    attached = PracticeFile.objects.get(pk=attached.pk, practice=practice)
    with acting_as(acting_user):
        in_versions = any(
            attached.pk in version.data.get("file_ids", [])
            for version in Version.objects.filter(
                content_type=ContentType.objects.get_for_model(Practice), object_id=practice.pk
            )
        )
        if in_versions:
            attached.is_current = False
            attached.save()
        else:
            stored = attached.file
            attached.delete()
            transaction.on_commit(lambda: stored.delete(save=False))
        if practice.status == Status.PUBLISHED:
            practice.status = Status.DRAFT
        practice.save()
        indexing.index_record(practice)


# ---- resources -----------------------------------------------------------------------------


def _set_resource_file(resource: Resource, file: Any) -> None:
    checked, extracted = _checked_attachment(file)
    resource.file.save(checked.name, file, save=False)
    resource.file_name = checked.name
    resource.file_size = checked.size
    resource.file_kind = checked.kind
    resource.file_text = extracted.text
    resource.file_text_note = extracted.note


@transaction.atomic
def create_resource(*, acting_user: Any, file: Any = None, **fields: Any) -> Resource:
    """Add a resource (guide, protocol, study, training material, course) as a draft."""
    access.require_create(acting_user, Resource)
    scalars, m2m = _split(fields, RESOURCE_FIELDS, RESOURCE_M2M)
    with acting_as(acting_user):
        resource = Resource(created_by=acting_user)
        if "submitting_organization" not in scalars and "submitting_country" not in scalars:
            resource.submitting_organization, resource.submitting_country = _default_submitter(acting_user)
        for name, value in scalars.items():
            setattr(resource, name, value)
        _check_submitter(acting_user, resource)
        resource.full_clean(exclude=["file"])
        if file is not None:
            _set_resource_file(resource, file)
        _store_atomically(resource, m2m)
    return resource


def _store_atomically(resource: Resource, m2m: dict[str, list[Any]]) -> None:
    """Save the resource; if the write fails after its file was stored, remove the file."""
    try:
        _save(resource, m2m)
        indexing.index_record(resource)
    except Exception:
        if resource.file and resource.file.name and resource.file.storage.exists(resource.file.name):
            resource.file.delete(save=False)
        raise


@transaction.atomic
def update_resource(
    resource: Resource, *, acting_user: Any, file: Any = None, revision: int | None = None, **fields: Any
) -> Resource:
    """Change a resource's working copy (and its file); a published one becomes a draft of its next version."""
    access.require(acting_user, access.CHANGE, resource)
    scalars, m2m = _split(fields, RESOURCE_FIELDS, RESOURCE_M2M)
    with acting_as(acting_user):
        resource = expect(Resource.objects.select_for_update().get(pk=resource.pk), revision)
        for name, value in scalars.items():
            setattr(resource, name, value)
        _check_submitter(acting_user, resource)
        resource.full_clean(exclude=["file"])
        if file is not None:
            _set_resource_file(resource, file)
        if resource.status == Status.PUBLISHED:
            resource.status = Status.DRAFT
        _store_atomically(resource, m2m)
    return resource


@transaction.atomic
def delete_resource(resource: Resource, *, acting_user: Any) -> None:
    """Delete a draft resource that was never published."""
    access.require(acting_user, access.DELETE, resource)
    with acting_as(acting_user):
        indexing.remove_record(resource)
        stored = resource.file
        resource.delete()
        if stored:
            transaction.on_commit(lambda: stored.delete(save=False))


# ---- calls for practices ---------------------------------------------------------------------


@transaction.atomic
def open_call(*, acting_user: Any, countries: Iterable[Country], **fields: Any) -> Call:
    """Open a call for practices (TS): a theme, the countries asked, a deadline."""
    access.require_create(acting_user, Call)
    scalars, _m2m = _split(fields, CALL_FIELDS, ())
    with acting_as(acting_user):
        call = Call(created_by=acting_user, **scalars)
        _refuse_nul(call)
        if call.deadline and call.deadline < timezone.localdate():
            raise ValidationError({"deadline": _("The deadline has passed already.")})
        if not countries:
            raise ValidationError({"countries": _("Name the countries asked.")})
        call.full_clean()
        call.save()
        call.countries.set(countries)
    return call


@transaction.atomic
def update_call(call: Call, *, acting_user: Any, countries: Iterable[Country] | None = None, **fields: Any) -> Call:
    """Change a call (TS): its texts, deadline, countries asked, or close it."""
    access.require(acting_user, access.CHANGE, call)
    scalars, _m2m = _split(fields, CALL_FIELDS, ())
    with acting_as(acting_user):
        for name, value in scalars.items():
            setattr(call, name, value)
        call.full_clean()
        call.save()
        if countries is not None:
            if not countries:
                raise ValidationError({"countries": _("Name the countries asked.")})
            call.countries.set(countries)
    return call


# ---- compilations ---------------------------------------------------------------------------


@transaction.atomic
def create_compilation(
    *,
    acting_user: Any,
    practices: Iterable[Practice] = (),
    call: Call | None = None,
    compiler: Organization | None = None,
    title_es: str = "",
    title_en: str = "",
) -> Compilation:
    """Start a compilation of practices (or of a call's answers) and name who compiles it."""
    access.require_create(acting_user, Compilation)
    with acting_as(acting_user):
        compilation = Compilation(
            created_by=acting_user, call=call, compiler=compiler, title_es=title_es, title_en=title_en
        )
        compilation.full_clean()
        compilation.save()
        compilation.practices.set(practices)
        if compiler is not None:
            name_compiler(compilation, compiler, acting_user=acting_user)
    return compilation


def name_compiler(compilation: Compilation, organization: Organization, *, acting_user: Any) -> Compilation:
    """Give the current staff of `organization` the right to review the compilation's practices."""
    access.require(acting_user, access.CHANGE, compilation)
    if not isinstance(organization, Organization):
        raise ValidationError({"compiler": _("Choose an organization.")})
    content_type = ContentType.objects.get_for_model(Compilation)
    users = (
        Appointment.objects.current()
        .filter(organization=organization, person__user__isnull=False, person__user__is_active=True)
        .values_list("person__user", flat=True)
        .distinct()
    )
    with acting_as(acting_user):
        for user_id in users:
            Grant.objects.get_or_create(
                user_id=user_id,
                permission=GrantPermission.REVIEW,
                content_type=content_type,
                object_id=compilation.pk,
                defaults={"granted_by": acting_user},
            )
        if compilation.compiler_id != organization.pk:
            compilation.compiler = organization
            compilation.save()
    return compilation
