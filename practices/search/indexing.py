"""Keep the search index in step with practices and resources (called by practices.services).

Each record has one SearchEntry: its published content when it has a published version (what
the public sees), else its working copy. Entry, facets and the engine's index are written
in the caller's transaction, so a failed write leaves no half-indexed record.
"""

from django.db.models import Prefetch
from django.utils import timezone

from ..content import contents
from ..models import Practice, PracticeFile, Resource, SearchEntry, SearchText
from . import facets as facet_bits
from .backends import get_backend

BODY_LIMIT = 300_000  # characters per language: keeps every vector within the engines' limits
PRACTICE = "practice"
RESOURCE = "resource"


def kind_of(record):
    return PRACTICE if isinstance(record, Practice) else RESOURCE


def _text_language(lang):
    return "en" if lang == "en" else "es"


def _join(*parts):
    return "\n".join(part for part in parts if part)


def entry_fields(record, content):
    """Return the SearchEntry values, the SearchText values and the theme/country values of a record."""
    file_lang = _text_language(content.original_language)
    bodies = {"es": [], "en": []}
    if isinstance(record, Practice):
        for lang in ("es", "en"):
            bodies[lang].extend(
                getattr(content, f"{name}_{lang}")
                for name in ("context", "description", "results", "lessons", "replicability")
            )
        names = [org.localized("name", file_lang) for org in content.institution_list]
        names += [org.localized("acronym", file_lang) for org in content.institution_list]
        bodies[file_lang].append(" ".join(filter(None, names)))
        bodies[file_lang].extend(f.text for f in content.file_list)
        summary = {lang: getattr(content, f"summary_{lang}") for lang in ("es", "en")}
        year = content.start_year
        call_id = record.call_id
    else:
        bodies[file_lang].append(content.file_text)
        if content.provider_obj is not None:
            bodies[file_lang].append(content.provider_obj.localized("name", file_lang))
        summary = {lang: getattr(content, f"description_{lang}") for lang in ("es", "en")}
        year = content.year
        call_id = None
    values = {
        "is_public": record.published_version_id is not None,
        "status": record.status,
        "author_id": record.created_by_id,
        "organization_id": record.submitting_organization_id,
        "country_id": record.submitting_country_id,
        "call_id": call_id,
        "item_type": content.item_type,
        "language": content.original_language,
        "year": year,
        "axis_number": content.axis_obj.number if content.axis_obj is not None else None,
        "updated_at": record.updated_at or timezone.now(),
    }
    values["facet_key"] = facet_bits.facet_key(
        values["item_type"], values["year"], values["language"], values["axis_number"]
    )
    texts = {
        "title_es": content.title_es,
        "title_en": content.title_en,
        "summary_es": summary["es"],
        "summary_en": summary["en"],
        "body_es": _join(*bodies["es"])[:BODY_LIMIT],
        "body_en": _join(*bodies["en"])[:BODY_LIMIT],
    }
    sets = {
        "theme": [theme.slug for theme in content.theme_list],
        "country": [country.code.code for country in content.country_list],
    }
    return values, texts, sets


def _prefetched(model, pks):
    rows = model.objects.filter(pk__in=pks).select_related("published_version")
    rows = rows.prefetch_related("countries", "themes")
    if model is Practice:
        rows = rows.prefetch_related(
            "implementing_institutions", "resources", Prefetch("files", queryset=PracticeFile.objects.all())
        )
    return list(rows)


def index_records(records):
    """(Re)index practices or resources of one model; return the new entries."""
    records = list(records)
    if not records:
        return []
    model = type(records[0])
    kind = PRACTICE if model is Practice else RESOURCE
    records = _prefetched(model, [r.pk for r in records])
    shown = contents([r for r in records if r.published_version_id], published_only=True)
    shown.update(contents([r for r in records if not r.published_version_id], published_only=False))
    remove_entries(kind, [r.pk for r in records])
    numbers = facet_bits.bit_numbers()
    entries, texts = [], []
    for record in records:
        values, text, sets = entry_fields(record, shown[record.pk])
        for facet, column in facet_bits.BIT_FACETS.items():
            facet_bits.allocate_bits(facet, sets[facet], numbers)
            values[column] = facet_bits.mask(facet, sets[facet], numbers)
        entries.append(SearchEntry(kind=kind, object_id=record.pk, **values))
        texts.append(text)
    entries = SearchEntry.objects.bulk_create(entries)
    texts = SearchText.objects.bulk_create(
        [SearchText(entry=entry, **text) for entry, text in zip(entries, texts, strict=True)]
    )
    get_backend().index(texts)
    return entries


def index_record(record):
    """(Re)index one practice or resource."""
    return index_records([record])[0]


def remove_entries(kind, object_ids):
    """Drop the entries of these records from the index."""
    entry_ids = list(SearchEntry.objects.filter(kind=kind, object_id__in=object_ids).values_list("pk", flat=True))
    if entry_ids:
        get_backend().remove(entry_ids)
        SearchText.objects.filter(entry_id__in=entry_ids).delete()
        SearchEntry.objects.filter(pk__in=entry_ids).delete()


def remove_record(record):
    remove_entries(kind_of(record), [record.pk])


def rebuild():
    """Index every practice and resource again; return how many entries were written."""
    get_backend().remove(SearchEntry.objects.values_list("pk", flat=True))
    SearchText.objects.all().delete()
    SearchEntry.objects.all().delete()
    total = 0
    for model in (Practice, Resource):
        pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), 500):
            total += len(index_records(model.objects.filter(pk__in=pks[start : start + 500])))
    return total
