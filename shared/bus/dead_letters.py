"""Dead letters an operator can inspect and re-drive.

A consumer parks a message it refused on `dlq.<consumer>.<original subject>` in the DLQ stream,
with headers naming the reason, the tries and when (shared.bus.consumer). Here: list and show
them, and re-drive one or all: the original message goes back on its original subject, so the
consumer that refused it gets it again. The copy carries a new `Nats-Msg-Id`
(`redrive-<event id>-<dead-letter seq>`), so the stream's duplicate window, which would silently
drop a plain re-publish of the same id, lets it through; its CloudEvents id is unchanged, so every
inbox that already handled the event (another consumer of the subject, or the same one after an
earlier re-drive) drops it. A re-driven dead letter is removed from the DLQ stream; refused again,
it is parked again as a new dead letter.
"""

from __future__ import annotations

from dataclasses import dataclass

from nats.js import JetStreamContext
from nats.js.errors import APIError, NotFoundError

from shared.bus.streams import DLQ_STREAM

DLQ_HEADERS = ("dlq-reason", "dlq-consumer", "dlq-original-subject", "dlq-tries", "dlq-time")


@dataclass(frozen=True)
class DeadLetter:
    seq: int
    consumer: str
    subject: str  # the original subject
    event_id: str
    event_type: str
    reason: str
    tries: int
    parked_at: str
    data: bytes
    headers: dict[str, str]

    def summary(self) -> dict[str, object]:
        return {"seq": self.seq, "consumer": self.consumer, "subject": self.subject, "event_id": self.event_id,
                "event_type": self.event_type, "reason": self.reason, "tries": self.tries, "parked_at": self.parked_at}


async def list_dead_letters(js: JetStreamContext, consumer: str | None = None) -> list[DeadLetter]:
    """Every dead letter (of one consumer when named), oldest first."""
    info = await js.stream_info(DLQ_STREAM)
    found: list[DeadLetter] = []
    if not info.state.messages:
        return found
    subject = f"dlq.{consumer}.>" if consumer else None
    seq = info.state.first_seq
    while seq <= info.state.last_seq:
        try:
            msg = await js.get_msg(DLQ_STREAM, seq=seq, next=True, subject=subject)
        except NotFoundError:
            break
        found.append(_letter(msg))
        seq = msg.seq + 1
    return found


async def show_dead_letter(js: JetStreamContext, seq: int) -> DeadLetter | None:
    try:
        return _letter(await js.get_msg(DLQ_STREAM, seq=seq))
    except NotFoundError:
        return None


async def redrive(js: JetStreamContext, letter: DeadLetter) -> None:
    """Publish the original message again to its original subject, then drop the dead letter."""
    headers = {k: v for k, v in letter.headers.items() if k not in DLQ_HEADERS}
    headers["Nats-Msg-Id"] = f"redrive-{letter.event_id}-{letter.seq}"
    await js.publish(letter.subject, letter.data, headers=headers)
    try:
        await js.delete_msg(DLQ_STREAM, letter.seq)
    except APIError:  # removed meanwhile (another operator re-drove it): the copy is dropped by the inboxes
        pass


def _letter(msg) -> DeadLetter:
    h = dict(msg.headers or {})
    return DeadLetter(
        seq=msg.seq, consumer=h.get("dlq-consumer", ""), subject=h.get("dlq-original-subject", ""),
        event_id=h.get("ce-id", ""), event_type=h.get("ce-type", ""), reason=h.get("dlq-reason", ""),
        tries=int(h.get("dlq-tries", "0") or 0), parked_at=h.get("dlq-time", ""), data=msg.data or b"", headers=h,
    )
