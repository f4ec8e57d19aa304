"""Light rows (kb.store.tables.Listed) compare by table and values, as the rows read by either backend must."""

from __future__ import annotations

from kb.store.tables import LISTED_OF, Action, Proposal


def test_light_rows_are_equal_by_table_and_values() -> None:
    light, other = LISTED_OF[Proposal], LISTED_OF[Action]
    values = [f"v{i}" for i in range(len(light.__slots__))]
    a, b = light(*values), light(*values)
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != light(*values[:-1], "autre") and a != object()
    assert a != other(*values[: len(other.__slots__)])
