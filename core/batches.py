"""Reading a big ordered queryset a batch at a time, with memory that does not grow with its size.

The order is read once as primary keys only, kept packed (16 bytes a UUID, 8 an integer, instead
of some 120 bytes a Python UUID object: 500,000 keys hold 8 MB, not 60), then each batch of rows is
read whole by its keys. No cursor stays open between batches, so this behaves the same behind
PgBouncer in transaction mode, and each batch may run queries of its own.
"""

import array
import itertools
import uuid

READ_KEYS = 5000  # keys fetched from the database at a time while the order is read


def _packed(queryset):
    keys = queryset.values_list("pk", flat=True).iterator(chunk_size=READ_KEYS)
    first = next(keys, None)
    if first is None:
        return None, ()
    if isinstance(first, uuid.UUID):
        packed = bytearray(first.bytes)
        for key in keys:
            packed += key.bytes
        return uuid.UUID, packed
    packed = array.array("q", [first])
    packed.extend(keys)
    return int, packed


def key_batches(queryset, size):
    """The primary keys of an ordered queryset, `size` at a time (lists), in its order."""
    kind, packed = _packed(queryset)
    if kind is uuid.UUID:
        width = 16
        for start in range(0, len(packed), width * size):
            chunk = packed[start : start + width * size]
            yield [uuid.UUID(bytes=bytes(chunk[i : i + width])) for i in range(0, len(chunk), width)]
    elif kind is int:
        for part in itertools.batched(packed, size):
            yield list(part)
