"""JetStream streams: one per producing service, plus the dead-letter stream, created idempotently."""

from __future__ import annotations

from nats.js import JetStreamContext
from nats.js.api import StorageType, StreamConfig
from nats.js.errors import BadRequestError, NotFoundError

DLQ_STREAM = "DLQ"
DUPLICATE_WINDOW_S = 120.0


def stream_name(producer: str) -> str:
    return producer.upper()


def stream_subjects(producer: str) -> list[str]:
    return [f"sup.{producer}.>"]


def dead_letter_subject(consumer: str, original_subject: str) -> str:
    return f"dlq.{consumer}.{original_subject}"


async def ensure_stream(js: JetStreamContext, name: str, subjects: list[str], replicas: int = 1) -> None:
    config = StreamConfig(
        name=name,
        subjects=subjects,
        storage=StorageType.FILE,
        num_replicas=replicas,
        duplicate_window=DUPLICATE_WINDOW_S,
    )
    try:
        info = await js.stream_info(name)
    except NotFoundError:
        try:
            await js.add_stream(config)
            return
        except BadRequestError:
            # Another process created it between our look and our add: fine.
            info = await js.stream_info(name)
    # Subjects or replica count changed (a cluster grew, `--stream-replicas` was raised): bring the
    # existing stream to the configured shape; JetStream copies the data to the new replicas.
    if sorted(info.config.subjects or []) != sorted(subjects) or (info.config.num_replicas or 1) != replicas:
        await js.update_stream(config)


async def ensure_producer_stream(js: JetStreamContext, producer: str, replicas: int = 1) -> None:
    await ensure_stream(js, stream_name(producer), stream_subjects(producer), replicas)


async def ensure_dead_letter_stream(js: JetStreamContext, replicas: int = 1) -> None:
    await ensure_stream(js, DLQ_STREAM, ["dlq.>"], replicas)
