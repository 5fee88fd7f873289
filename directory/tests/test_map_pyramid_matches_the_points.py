"""The cluster pyramid answers exactly what grouping the points answers, for every reader, viewport,
zoom and filter, and stays exact through every kind of edit (runs on SQLite and on PostgreSQL)."""

import io
import random

from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from directory import pyramid, queries, services, synthetic
from directory.models import MapCell, Service, TaxonomyTerm
from directory.taxonomies import PROFILES, SERVICE_TYPES

from .helpers import build_directory, municipality


def same_answer(test, user, filters, bbox, zoom):
    fast = queries.clusters(user, filters, bbox, zoom)
    slow = queries.clusters(user, filters, bbox, zoom, use_pyramid=False)
    where = f"{bbox} zoom {zoom} {filters}"
    test.assertEqual(fast["total"], slow["total"], where)
    test.assertEqual(sorted(p["id"] for p in fast["points"]), sorted(p["id"] for p in slow["points"]), where)
    test.assertEqual(len(fast["clusters"]), len(slow["clusters"]), where)
    for mine, theirs in zip(sorted(fast["clusters"]), sorted(slow["clusters"]), strict=True):
        test.assertEqual(mine[2], theirs[2], where)
        test.assertAlmostEqual(mine[0], theirs[0], delta=2e-5, msg=where)
        test.assertAlmostEqual(mine[1], theirs[1], delta=2e-5, msg=where)
    return fast


def snapshot():
    """Every cell that holds something (an emptied cell stays, all zeros, until a rebuild; the members'
    corrections may count below zero)."""
    cells = MapCell.objects.exclude(count=0, sx=0, sy=0)
    return set(cells.values_list("audience", "key", "shift", "cx", "cy", "count", "sx", "sy"))


class PyramidTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_directory()
        synthetic.create(4000, seed=11)

    def random_filters(self, rng):
        n = self.n
        choices = [
            queries.MapFilters(),
            queries.MapFilters(country=n.gt),
            queries.MapFilters(division=municipality("quetzaltenango").parent),
            queries.MapFilters(terms=[rng.choice(self.types)]),
            queries.MapFilters(terms=[rng.choice(self.profiles)]),
            queries.MapFilters(language=rng.choice(["es", "en", "mam", "ht", "xx"])),
            queries.MapFilters(status=rng.choice(["active", "inactive", "temporarily closed"])),
            queries.MapFilters(age=rng.choice([0, 4, 9, 13, 17, 30])),
            queries.MapFilters(country=n.gt, age=rng.choice([4, 13])),  # a country and one more: paired cells
            queries.MapFilters(country=n.gt, terms=[rng.choice(self.types)]),
            queries.MapFilters(country=n.gt, language="mam"),
            queries.MapFilters(status="active", language="es"),  # another pair: read from the points
        ]
        return rng.choice(choices)

    def setUp(self):
        self.types = list(TaxonomyTerm.objects.filter(taxonomy__code=SERVICE_TYPES).values_list("pk", flat=True))
        self.profiles = list(TaxonomyTerm.objects.filter(taxonomy__code=PROFILES).values_list("pk", flat=True))

    def check_random_viewports(self, seed, count=60):
        rng = random.Random(seed)
        for _ in range(count):
            zoom = rng.randint(0, 15)
            lat, lon = rng.uniform(8, 22), rng.uniform(-95, -78)
            width, height = 1400 * 360 / (256 * 2**zoom), 900 * 170 / (256 * 2**zoom)
            box = queries.BBox.parse(f"{lon - width / 2},{lat - height / 2},{lon + width / 2},{lat + height / 2}")
            user = rng.choice([None, self.n.gt_officer])
            same_answer(self, user, self.random_filters(rng), box, zoom)

    def test_the_pyramid_and_the_points_agree_for_random_viewports_zooms_filters_and_readers(self):
        self.check_random_viewports(seed=1, count=150)

    def test_a_coarse_map_reads_cells_not_points(self):
        box = queries.BBox.parse("-120,0,-60,35")
        with CaptureQueriesContext(connection) as seen:
            answer = same_answer(self, None, queries.MapFilters(language="es"), box, 4)
        self.assertGreater(answer["total"], 2000)
        self.assertIn("directory_mapcell", seen.captured_queries[0]["sql"])

    def test_confidential_places_count_at_their_public_position_for_the_public(self):
        """Around the shelter's true position the public's cells (its municipality's centre) and the
        members' cells (its exact position) differ, each exactly as the points say."""
        shelter = self.n.shelter_location
        lat, lon = shelter.latitude, shelter.longitude
        for zoom in (9, 7, 5):
            box = queries.BBox.parse(f"{lon - 0.02},{lat - 0.02},{lon + 0.02},{lat + 0.02}")
            same_answer(self, None, queries.MapFilters(), box, zoom)
            same_answer(self, self.n.gt_officer, queries.MapFilters(), box, zoom)
        public = pyramid.cells(False, [("", 1)], 17, (0, 0, (1 << 28) - 1, (1 << 28) - 1))
        member = pyramid.cells(True, [("", 1)], 17, (0, 0, (1 << 28) - 1, (1 << 28) - 1))
        self.assertEqual(sum(c[0] for c in public), sum(c[0] for c in member))
        self.assertNotEqual(sorted(public), sorted(member))

    def test_every_kind_of_edit_keeps_it_exact(self):
        n = self.n
        before = snapshot()
        # Moved, made confidential, its service's categories, languages and ages changed.
        services.update_location(n.office, acting_user=n.gt_officer, latitude=15.5, longitude=-88.0)
        services.update_location(n.office, acting_user=n.gt_officer, is_confidential=True)
        services.update_service(
            n.office_service,
            acting_user=n.gt_officer,
            terms=[self.types[0], self.profiles[0]],
            languages=["en", "ht", 'q"\\x'],  # a code as an import may bring it, quote and backslash
            minimum_age=12,
            maximum_age=17,
            status="inactive",
        )
        # A new service, one published by approval, one deleted.
        created = services.create_service(
            acting_user=n.gt_officer,
            provider=n.sbs_provider,
            country=n.gt,
            name_es="Nuevo",
            terms=[self.types[1]],
            languages=["es"],
            locations=[n.shelter_location],
        )
        pending = services.create_service(
            acting_user=n.partner, provider=n.unicef_provider, country=n.gt, name_es="Propuesto", locations=[n.office]
        )
        services.publish_service(pending, acting_user=n.gt_officer)
        services.delete_service(Service.objects.get(pk=n.shelter.pk), acting_user=n.gt_officer)
        synthetic_service = Service.objects.filter(name_es__startswith="Servicio sintético").first()
        services.delete_service(synthetic_service, acting_user=n.ts)
        self.assertNotEqual(snapshot(), before)
        self.check_random_viewports(seed=2)
        # What the edits left is what a rebuild computes.
        kept = snapshot()
        pyramid.rebuild()
        self.assertEqual(snapshot(), kept)
        self.assertTrue(created.pk)

    def test_a_rebuild_gives_what_was_kept(self):
        kept = snapshot()
        self.assertGreater(len(kept), 1000)
        self.assertEqual(pyramid.rebuild(), MapCell.objects.count())
        self.assertEqual(snapshot(), kept)
        MapCell.objects.all().delete()
        out = io.StringIO()
        call_command("build_map_pyramid", stdout=out)
        self.assertIn(f"Map pyramid: {len(kept)} cells", out.getvalue())
        self.assertEqual(snapshot(), kept)
