"""Reads that the repository's pages, API and documents share, each with a fixed number of queries."""

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from core import access
from network.models import Country

from . import content as content_module
from .access import VIEW_WORKING
from .models import Call, Practice, PracticeFile, Resource, ReviewEvent, Status, Version

PUBLISHED = "published"
WORKING = "working"
MAX_ID = 2**63 - 1  # larger ids cannot exist; asking for one is a 404, not a database error
MAX_VERSION = 2**31 - 1
# What goes through review: a practice or a resource.
Reviewable = Practice | Resource


def valid_id(pk: Any, maximum: int = MAX_ID) -> int:
    """Raise Http404 for an id no record can have."""
    if not isinstance(pk, int) or not 0 < pk <= maximum:
        raise Http404
    return pk


def records(model: Any) -> QuerySet[Any]:
    # `model` is Practice or Resource; typed Any because each has relations the other lacks.
    """Return the model's records with what showing them needs."""
    rows = model.objects.select_related("published_version", "submitting_organization", "submitting_country", "axis")
    rows = rows.prefetch_related("countries", "themes")
    if model is Practice:
        rows = rows.select_related("call").prefetch_related(
            "implementing_institutions", "resources", Prefetch("files", queryset=PracticeFile.objects.all())
        )
    else:
        rows = rows.select_related("provider")
    return rows


def get_visible(user: Any, model: type[Reviewable], pk: Any) -> Any:
    """Return the record if the user may see it (published, or its working copy), else raise Http404."""
    record = records(model).filter(pk=valid_id(pk)).first()
    if record is None or not access.can(user, access.VIEW, record):
        raise Http404
    return record


def shown(user: Any, record: Reviewable, view: str | None = None) -> tuple[Any, str]:
    """Return (content, view): the published version, or the working copy for those who may see it.

    `view` asks for one of them; by default contributors and reviewers see the working copy and
    everyone else the published version.
    """
    may_work = access.can(user, VIEW_WORKING, record)
    if view is None:
        view = WORKING if may_work else PUBLISHED
    if view == WORKING and not may_work:
        view = PUBLISHED
    if view == PUBLISHED:
        content = content_module.published(record)
        if content is None:
            if not may_work:
                raise Http404
            return content_module.working(record), WORKING
        return content, PUBLISHED
    return content_module.working(record), WORKING


def visible_resources(user: Any, ids: Iterable[int]) -> list[Resource]:
    """Return the resources among `ids` that the user may see, in one query."""
    if not ids:
        return []
    rows = access.restrict(Resource.objects.filter(pk__in=ids).select_related("published_version"), user)
    order = {pk: index for index, pk in enumerate(ids)}
    return sorted(rows, key=lambda r: order.get(r.pk, 0))


def versions(record: Reviewable) -> list[Version]:
    content_type = ContentType.objects.get_for_model(record)
    return list(
        Version.objects.filter(content_type=content_type, object_id=record.pk)
        .select_related("published_by")
        .defer("data")
        .order_by("-number")
    )


def version(record: Reviewable, number: Any) -> Version:
    content_type = ContentType.objects.get_for_model(record)
    number = valid_id(number, MAX_VERSION)
    found = Version.objects.filter(content_type=content_type, object_id=record.pk, number=number).first()
    if found is None:
        raise Http404
    return found


def review_events(record: Reviewable) -> list[ReviewEvent]:
    content_type = ContentType.objects.get_for_model(record)
    return list(
        ReviewEvent.objects.filter(content_type=content_type, object_id=record.pk)
        .select_related("actor", "actor__person")
        .order_by("at", "pk")
    )


def call_answers(user: Any, call: Call) -> list[Practice]:
    """Return the practices answering a call that the user may see (submitted or further)."""
    rows = records(Practice).filter(call=call).exclude(status=Status.DRAFT)
    return list(access.restrict(rows, user).order_by("submitting_country__code", "pk"))


def call_tracking(call: Call) -> list[dict[str, Any]]:
    """Return, for each country asked, whether it has answered and with how many practices.

    An answer is a practice submitted to the call (any state but draft) that concerns the country.
    """
    asked = list(call.countries.all())
    counts = dict(
        Practice.objects.filter(call=call)
        .exclude(status=Status.DRAFT)
        .values_list("countries")
        .annotate(n=Count("pk", distinct=True))
        .values_list("countries", "n")
    )
    rows: list[dict[str, Any]] = [
        {"country": country, "answered": counts.get(country.pk, 0) > 0, "answers": counts.get(country.pk, 0)}
        for country in asked
    ]
    rows.sort(key=lambda row: (row["answered"], str(row["country"].name)))
    return rows


def calls(user: Any) -> list[Call]:
    return list(
        Call.objects.select_related("theme")
        .prefetch_related(Prefetch("countries", queryset=Country.objects.order_by("code")))
        .annotate(answer_count=Count("answers", filter=~Q(answers__status=Status.DRAFT), distinct=True))
        .order_by("-deadline", "-pk")
    )


def my_records(user: Any, model: type[Reviewable]) -> QuerySet[Any]:
    """Return the records the user contributes to (as author, organization or country), newest first."""
    from .access import ReviewablePolicy

    p = access.principal_for(user)
    condition = Q(created_by_id=p.user_id) if access.acts_for_whole_network(p) else ReviewablePolicy().contributor_q(p)
    return records(model).filter(condition).order_by("-updated_at", "-pk")


def review_queue(user: Any, model: type[Reviewable]) -> QuerySet[Any]:
    from .access import REVIEW

    return access.restrict(records(model), user, REVIEW).order_by("submitted_at", "pk")


def file_visible(user: Any, attached: PracticeFile) -> bool:
    """May the user download this attached file? Its practice's working copy, or a published version, shows it."""
    practice = attached.practice
    if access.can(user, VIEW_WORKING, practice):
        return True
    version = practice.published_version
    return version is not None and attached.pk in version.data.get("file_ids", [])


def resource_file_visible(user: Any, resource: Resource, view: str | None) -> str | None:
    """Return the stored file name the user may download for this resource, or None."""
    if view == WORKING and access.can(user, VIEW_WORKING, resource):
        return resource.file.name or None
    published = resource.published_version
    if published is None:
        return resource.file.name if access.can(user, VIEW_WORKING, resource) else None
    return published.data.get("file") or None
