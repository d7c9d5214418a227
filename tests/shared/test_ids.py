"""UUIDv7 ids: new_ids gives, in bulk, what new_id gives one at a time."""

from __future__ import annotations

import uuid

from shared.ids import new_id, new_id_bytes, new_ids


def test_bulk_ids_are_uuid7_unique_and_in_creation_order():
    ids = [new_id(), *new_ids(5000), new_id(), *new_ids(9000), new_id()]  # 9000 > one millisecond's 4096
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    for value in ids:
        u = uuid.UUID(value)
        assert (u.version, u.variant, str(u)) == (7, uuid.RFC_4122, value)
    assert len({i[19] for i in ids}) == 4  # the variant leaves two random bits in that digit
    assert new_ids(0) == []


def test_bulk_ids_as_bytes_continue_the_same_sequence():
    ids = [new_id(), *(b.decode() for b in new_id_bytes(5000)), new_id(), *new_ids(3)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert all(type(b) is bytes for b in new_id_bytes(3)) and new_id_bytes(0) == []
    for value in ids:
        u = uuid.UUID(value)
        assert (u.version, u.variant, str(u)) == (7, uuid.RFC_4122, value)
