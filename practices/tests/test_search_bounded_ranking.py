"""Ranking is bounded for terms found almost everywhere; counts and facets still cover every match,
and the bound never lets an invisible record in."""

from unittest import mock

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import TestCase

from core.testing import build_network
from practices import search, services

from .helpers import practice_fields, published_practice


def bound_module():
    from practices.search.backends import postgresql, sqlite

    return postgresql if connection.vendor == "postgresql" else sqlite


class BoundedRankingTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        cls.published = [published_practice(cls.n, title_es=f"Retorno acompañado número {i}") for i in range(6)]
        # Newer than every published one, so they come first among the most recent matches.
        cls.drafts = [
            services.create_practice(acting_user=cls.n.gt_officer, **practice_fields(cls.n, title_es=f"Retorno {i}"))
            for i in range(4)
        ]

    def test_with_a_small_bound_counts_stay_exact_and_drafts_stay_hidden(self):
        with mock.patch.object(bound_module(), "RANK_CANDIDATES", 2):
            results = search.search(AnonymousUser(), "retorno", per_page=50)
            self.assertEqual(results.total, 6)
            counts = {v.value: v.count for f in results.facets if f.name == "country" for v in f.values}
            self.assertEqual(counts, {"GT": 6})
            found = [hit.object_id for hit in results.hits]
            self.assertTrue(found, "the bound keeps the visible matches it starts from")
            self.assertTrue(set(found) <= {p.pk for p in self.published})
            self.assertLessEqual(len(found), 6)
            officer = search.search(self.n.gt_officer, "retorno", per_page=50)
            self.assertEqual(officer.total, 10)

    def test_without_the_bound_every_match_is_ranked(self):
        results = search.search(AnonymousUser(), "retorno", per_page=50)
        self.assertEqual(sorted(hit.object_id for hit in results.hits), sorted(p.pk for p in self.published))
