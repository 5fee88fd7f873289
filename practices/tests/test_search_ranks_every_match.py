"""Page 1 holds the engine's best matches, however many newer weak matches there are: every match
is ranked (no bound), on SQLite and PostgreSQL; counts, facets and access stay exact."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.test import TestCase

from core.testing import build_network
from practices import search, services
from practices.content import snapshot
from practices.models import Practice, SearchEntry, Status, Version
from practices.search import indexing

from .helpers import axis, practice_fields, published_practice, theme

# More than the earlier bounds ranked (the newest 300 matches on PostgreSQL, 2,000 on SQLite).
WEAK_MATCHES = 2100


def published_in_bulk(n, count, **fields):
    """Publish `count` practices at once (as the benchmark does): the services take too long for thousands."""
    author = n.partner
    records = Practice.objects.bulk_create(
        [
            Practice(
                created_by=author,
                status=Status.PUBLISHED,
                original_language="es",
                start_year=2019,
                axis=axis(4),
                title_es=f"{fields['title_es']} {i}",
                summary_es=fields["summary_es"],
                description_es=fields["description_es"],
            )
            for i in range(count)
        ]
    )
    Practice.countries.through.objects.bulk_create(
        [Practice.countries.through(practice_id=r.pk, country_id=n.gt.pk) for r in records]
    )
    practice_type = ContentType.objects.get_for_model(Practice)
    fresh = list(Practice.objects.filter(pk__in=[r.pk for r in records]))
    versions = Version.objects.bulk_create(
        [
            Version(content_type=practice_type, object_id=r.pk, number=1, data=snapshot(r), published_by=author)
            for r in fresh
        ]
    )
    for record, version in zip(fresh, versions, strict=True):
        record.published_version = version
    Practice.objects.bulk_update(fresh, ["published_version"])
    indexing.index_records(fresh)
    return fresh


def ids(results):
    return [hit.object_id for hit in results.hits]


def entry_object_ids(pairs):
    by_entry = dict(SearchEntry.objects.filter(pk__in=[pk for pk, _s in pairs]).values_list("pk", "object_id"))
    return [by_entry[pk] for pk, _score in pairs]


class EveryMatchIsRankedTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        # The best match is the oldest: the word in its title and summary, and on another theme.
        cls.best = published_practice(
            cls.n,
            title_es="Reunificación familiar de la niñez migrante",
            summary_es="La reunificación familiar, paso a paso: reunificación segura y acompañada.",
            themes=[theme("alternative-care")],
        )
        # Thousands of newer matches, each naming the word once in its summary and once in its body.
        cls.weak = published_in_bulk(
            cls.n,
            WEAK_MATCHES,
            title_es="Escuelas protectoras",
            summary_es="Docentes formados en prevención de la deserción escolar y la reunificación.",
            description_es="La deserción escolar bajó en los municipios. Se menciona una reunificación al final.",
        )
        # A draft that would rank first: never shown to the public, found by its author.
        cls.draft = services.create_practice(
            acting_user=cls.n.gt_officer,
            **practice_fields(
                cls.n,
                title_es="Reunificación familiar: reunificación en borrador",
                summary_es="Reunificación, reunificación, reunificación.",
            ),
        )

    def test_an_old_best_match_is_first_on_page_one_among_thousands_of_newer_weak_matches(self):
        results = search.search(AnonymousUser(), "reunificacion", per_page=20)
        self.assertEqual(results.total, WEAK_MATCHES + 1)
        self.assertEqual(ids(results)[0], self.best.pk)
        self.assertNotIn(self.draft.pk, ids(results))

    def test_page_one_is_the_engines_own_unbounded_ranking(self):
        page = search.search(AnonymousUser(), "reunificacion familiar", per_page=20)
        engine = search.get_backend().raw(search.parse("reunificacion familiar"), limit=20)
        engine_ids = [pk for pk in entry_object_ids(engine) if pk != self.draft.pk]
        self.assertEqual(ids(page), engine_ids[: len(ids(page))])
        self.assertEqual(ids(page)[0], self.best.pk)

    def test_pages_follow_on_without_gaps_or_repeats(self):
        first = ids(search.search(AnonymousUser(), "reunificacion", per_page=50, page=1))
        second = ids(search.search(AnonymousUser(), "reunificacion", per_page=50, page=2))
        self.assertEqual(len(set(first) | set(second)), 100)
        self.assertEqual(first[0], self.best.pk)

    def test_with_facets_chosen_the_best_match_of_the_narrowed_set_comes_first(self):
        chosen = search.search(AnonymousUser(), "reunificacion", {"theme": ["alternative-care"], "country": ["GT"]})
        self.assertEqual(ids(chosen), [self.best.pk])
        self.assertEqual(chosen.total, 1)
        others = search.search(AnonymousUser(), "reunificacion", {"year": ["2019"], "axis": ["4"]}, per_page=5)
        self.assertEqual(others.total, WEAK_MATCHES + 1)
        self.assertEqual(ids(others)[0], self.best.pk)

    def test_counts_and_facets_cover_every_visible_match_and_nothing_else(self):
        results = search.search(AnonymousUser(), "reunificacion")
        counts = {v.value: v.count for f in results.facets if f.name == "country" for v in f.values}
        self.assertEqual(counts, {"GT": WEAK_MATCHES + 1})

    def test_the_author_finds_their_draft_ranked_first(self):
        results = search.search(self.n.gt_officer, "reunificacion")
        self.assertEqual(results.total, WEAK_MATCHES + 2)
        self.assertEqual(ids(results)[:2], [self.draft.pk, self.best.pk])
