"""core.batches: a big ordered queryset's keys, a batch at a time, in its order, packed meanwhile."""

from django.test import TestCase

from accounts.models import User
from core.batches import key_batches
from directory import synthetic
from directory.models import MapPoint


class KeyBatches(TestCase):
    def test_uuid_keys_come_back_in_order_in_batches_of_the_size_asked(self):
        synthetic.create(23, build=False)
        points = MapPoint.objects.order_by("-name_es", "pk")
        expected = list(points.values_list("pk", flat=True))
        for size in (1, 5, 23, 100):
            with self.subTest(size=size):
                batches = list(key_batches(points, size))
                self.assertEqual([key for batch in batches for key in batch], expected)
                self.assertTrue(all(len(batch) == size for batch in batches[:-1]))

    def test_integer_keys_and_an_empty_queryset(self):
        for i in range(7):
            User.objects.create_user(email=f"u{i}@example.org", password=None)
        users = User.objects.order_by("-email")
        self.assertEqual(
            [key for batch in key_batches(users, 3) for key in batch], list(users.values_list("pk", flat=True))
        )
        self.assertEqual(list(key_batches(User.objects.none(), 3)), [])
