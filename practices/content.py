"""What a practice or resource says: its working copy, or a published version rebuilt from its snapshot.

Pages, the API, the search index and the compiled document all read a record's content
through `published(record)` or `working(record)`, which return an unsaved instance of the
record's model with lists attached (`country_list`, `theme_list`, …), so one template shows
either.
"""

import datetime

from network.models import Country, Organization

from .models import Axis, Practice, PracticeFile, Resource, Theme

PRACTICE_SCALARS = (
    *(f"{name}_{lang}" for name in Practice.TEXT_FIELDS for lang in ("es", "en")),
    "population",
    "population_other",
    "start_year",
    "end_year",
    "contact_name",
    "contact_email",
    "contact_phone",
    "original_language",
    "axis_id",
    "submitting_organization_id",
    "submitting_country_id",
    "call_id",
)
RESOURCE_SCALARS = (
    *(f"{name}_{lang}" for name in Resource.TEXT_FIELDS for lang in ("es", "en")),
    "kind",
    "language",
    "year",
    "url",
    "provider_id",
    "starts_on",
    "ends_on",
    "file",
    "file_name",
    "file_size",
    "file_kind",
    "file_text_note",
    "axis_id",
    "submitting_organization_id",
    "submitting_country_id",
)
DATES = ("starts_on", "ends_on")


def _scalars(model):
    return PRACTICE_SCALARS if model is Practice else RESOURCE_SCALARS


def _ids(manager):
    cache = getattr(manager.instance, "_prefetched_objects_cache", {})
    name = manager.prefetch_cache_name
    if name in cache:
        return [obj.pk for obj in cache[name]]
    return list(manager.values_list("pk", flat=True))


def snapshot(record):
    """Return the record's working copy as JSON-ready data (what a version keeps)."""
    data = {}
    for name in _scalars(type(record)):
        value = getattr(record, name)
        if name == "file":
            value = value.name if value else ""
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        data[name] = value
    data["country_ids"] = _ids(record.countries)
    data["theme_ids"] = _ids(record.themes)
    if isinstance(record, Practice):
        data["institution_ids"] = _ids(record.implementing_institutions)
        data["resource_ids"] = _ids(record.resources)
        data["file_ids"] = [f.pk for f in record.files.all() if f.is_current]
    else:
        data["file_text"] = record.file_text
    return data


def _build(model, data, record):
    """Return an unsaved instance of `model` carrying `data`, with its pk and workflow fields."""
    fields = {}
    for name in _scalars(model):
        if name not in data:
            continue
        value = data[name]
        if name in DATES and value:
            value = datetime.date.fromisoformat(value)
        fields[name] = value
    if model is Resource:
        fields["file_text"] = data.get("file_text", "")
    obj = model(**fields)
    obj.pk = record.pk
    obj.status = record.status
    obj.created_by_id = record.created_by_id
    obj.published_version_id = record.published_version_id
    obj.is_demo = record.is_demo
    obj.created_at = record.created_at
    obj.updated_at = record.updated_at
    return obj


def _attach_lists(content, data, lookups):
    """Give `content` its lists, resolved through prepared id → object maps."""
    content.country_list = [lookups["countries"][i] for i in data["country_ids"] if i in lookups["countries"]]
    content.theme_list = [lookups["themes"][i] for i in data["theme_ids"] if i in lookups["themes"]]
    content.axis_obj = lookups["axes"].get(data.get("axis_id"))
    org_ids = lookups["organizations"]
    content.submitting_organization_obj = org_ids.get(data.get("submitting_organization_id"))
    content.submitting_country_obj = lookups["countries"].get(data.get("submitting_country_id"))
    if isinstance(content, Practice):
        content.institution_list = [org_ids[i] for i in data.get("institution_ids", []) if i in org_ids]
        content.file_list = [lookups["files"][i] for i in data.get("file_ids", []) if i in lookups["files"]]
        content.resource_ids = list(data.get("resource_ids", []))
    else:
        content.provider_obj = org_ids.get(data.get("provider_id"))


def lookups_for(datas):
    """Load, in one query per kind, every object the given snapshots refer to."""
    country_ids, theme_ids, org_ids, file_ids, axis_ids = set(), set(), set(), set(), set()
    for data in datas:
        country_ids.update(data["country_ids"])
        if data.get("submitting_country_id"):
            country_ids.add(data["submitting_country_id"])
        theme_ids.update(data["theme_ids"])
        org_ids.update(data.get("institution_ids", []))
        for key in ("submitting_organization_id", "provider_id"):
            if data.get(key):
                org_ids.add(data[key])
        file_ids.update(data.get("file_ids", []))
        if data.get("axis_id"):
            axis_ids.add(data["axis_id"])
    return {
        "countries": Country.objects.in_bulk(country_ids) if country_ids else {},
        "themes": Theme.objects.in_bulk(theme_ids) if theme_ids else {},
        "organizations": Organization.objects.in_bulk(org_ids) if org_ids else {},
        "files": PracticeFile.objects.in_bulk(file_ids) if file_ids else {},
        "axes": Axis.objects.in_bulk(axis_ids) if axis_ids else {},
    }


def contents(records, *, published_only):
    """Return {record pk: content} — published versions, or working copies when not `published_only`.

    A record without a published version is left out when `published_only`.
    """
    datas = {}
    for record in records:
        if published_only:
            if record.published_version_id is None:
                continue
            datas[record.pk] = record.published_version.data
        else:
            datas[record.pk] = snapshot(record)
    lookups = lookups_for(datas.values())
    result = {}
    for record in records:
        if record.pk not in datas:
            continue
        content = _build(type(record), datas[record.pk], record)
        _attach_lists(content, datas[record.pk], lookups)
        result[record.pk] = content
    return result


def published(record):
    """Return the record's latest published content, or None."""
    return contents([record], published_only=True).get(record.pk)


def working(record):
    """Return the record's working copy as content."""
    return contents([record], published_only=False)[record.pk]


def version_content(record, version):
    """Return the content of one published version of the record."""
    content = _build(type(record), version.data, record)
    _attach_lists(content, version.data, lookups_for([version.data]))
    content.version = version
    return content
