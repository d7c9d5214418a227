"""Platform events used by the bus's own tests and benchmarks (no business meaning)."""

from __future__ import annotations

from shared.contracts import EventPayload, event_contract


@event_contract("sup.platform.probe.recorded", 1)
class ProbeRecorded(EventPayload):
    """A numbered probe: the bus tests and the relay benchmark send these end to end."""

    probe_id: str
    n: int = 0
    fail: bool = False  # a consumer told to fail on it turns it into a poison message
