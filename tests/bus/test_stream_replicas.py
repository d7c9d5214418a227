"""Streams get the configured replica count, and an existing stream is brought to it at start-up."""

from __future__ import annotations

import nats
import pytest

from shared.bus.streams import ensure_dead_letter_stream, ensure_producer_stream
from tests.bus.cluster import NatsCluster

pytestmark = pytest.mark.anyio


async def test_an_existing_single_replica_stream_is_raised_to_three_on_a_cluster(tmp_path):
    cluster = NatsCluster(tmp_path / "cluster")
    cluster.start()
    try:
        await cluster.wait_ready()
        nc = await nats.connect(cluster.urls)
        try:
            js = nc.jetstream(timeout=10)
            await ensure_producer_stream(js, "credit", 1)  # what `--nats-url` with a cluster used to force
            assert (await js.stream_info("CREDIT")).config.num_replicas == 1
            await ensure_producer_stream(js, "credit", 3)
            await ensure_dead_letter_stream(js, 3)
            assert (await js.stream_info("CREDIT")).config.num_replicas == 3
            assert (await js.stream_info("DLQ")).config.num_replicas == 3
        finally:
            await nc.close()
    finally:
        cluster.stop()


def test_the_embedded_run_passes_the_replica_count_to_every_service(tmp_path):
    from supervision.embedded.config import EmbeddedConfig
    from supervision.embedded.runner import EmbeddedRun

    env = EmbeddedRun(EmbeddedConfig(data_dir=tmp_path, nats_url="nats://a:4222,nats://b:4222",
                                     stream_replicas=3)).child_env()
    assert {env[f"{s}_STREAM_REPLICAS"] for s in ("CREDIT", "INSPECTION", "CASEWORK", "DISCLOSURE")} == {"3"}
