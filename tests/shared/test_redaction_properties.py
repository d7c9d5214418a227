"""Property tests of the redaction rules: every way a number or address is written is masked,
and the ordinary figures of a decision survive (hypothesis, bounded runs)."""

from __future__ import annotations

from hypothesis import given, settings

from shared.redaction.events import minimise_event_data
from shared.redaction.rules import redact_text
from tests.redaction_strategies import (
    INDIVIDUAL_BUSINESS,
    NUMBER_SECRETS,
    leaks,
    personal_text,
)

BOUNDED = settings(max_examples=150, deadline=None)


@BOUNDED
@given(personal_text())
def test_nothing_personal_survives_in_a_natural_persons_text(case):
    text, secrets, figures = case
    out, _ = redact_text(text, natural_person=True)
    assert not leaks(out, secrets), out
    assert all(f in out for f in figures), (figures, out)


@BOUNDED
@given(personal_text(NUMBER_SECRETS))
def test_numbers_are_masked_in_an_organisations_text_and_figures_kept(case):
    text, secrets, figures = case
    out, _ = redact_text(text, natural_person=False)
    assert not leaks(out, secrets), out
    assert all(f in out for f in figures), (figures, out)


@settings(max_examples=60, deadline=None)
@given(personal_text())
def test_an_event_about_an_individual_business_leaves_the_producer_redacted(case):
    text, secrets, figures = case
    data = minimise_event_data({"result_id": "0193a000-1234-7123-8123-123456789012", "uscc": INDIVIDUAL_BUSINESS,
                                "subject_name": "张三小吃店", "problems": text, "reasons": [text]})
    assert not leaks(str(data), secrets)
    assert data["uscc"] == INDIVIDUAL_BUSINESS and data["result_id"].endswith("123456789012")
    assert all(f in data["problems"] for f in figures)
