"""Prometheus metrics shared by every app (labelled by service so one process can host several)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter("sup_http_requests_total", "HTTP requests", ["service", "method", "route", "status"])
HTTP_LATENCY = Histogram(
    "sup_http_request_seconds", "HTTP request latency", ["service", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
OUTBOX_PUBLISHED = Counter("sup_outbox_published_total", "Outbox events acked by JetStream", ["service"])
OUTBOX_FAILURES = Counter("sup_outbox_publish_failures_total", "Outbox publish attempts that failed", ["service"])
OUTBOX_PENDING = Gauge("sup_outbox_pending", "Outbox rows not yet acked (last relay pass)", ["service"])
CONSUMER_PROCESSED = Counter("sup_consumer_processed_total", "Events handled and committed", ["consumer"])
CONSUMER_DUPLICATES = Counter("sup_consumer_duplicates_total", "Redelivered events skipped by the inbox", ["consumer"])
CONSUMER_RETRIES = Counter("sup_consumer_retries_total", "Handler failures that were retried", ["consumer"])
CONSUMER_DEAD_LETTERED = Counter("sup_consumer_dead_lettered_total", "Events parked on the dead-letter subject", ["consumer"])
CONSUMER_TRANSIENT_RETRIES = Counter("sup_consumer_transient_retries_total",
                                     "Retries of a message after a transient failure (database, disk, network)",
                                     ["consumer"])
CONSUMER_PAUSED = Gauge("sup_consumer_paused", "1 while the consumer waits out a transient failure", ["consumer"])
