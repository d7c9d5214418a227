from datetime import date
from decimal import Decimal

from services.casework.rules.hearing import (
    HEARING_THRESHOLDS,
    ProposedPenalty,
    hearing_notice_in_time,
    hearing_request_deadline,
    hearing_right_applies,
    latest_hearing_notice_date,
)
from services.casework.rules.penalties import PenaltyKind as K


def test_large_fine_thresholds_by_party_type():
    org_at = hearing_right_applies(
        ProposedPenalty("organisation", frozenset({K.FINE}), Decimal(100000))
    )
    org_below = hearing_right_applies(
        ProposedPenalty("organisation", frozenset({K.FINE}), Decimal("99999.99"))
    )
    person_at = hearing_right_applies(
        ProposedPenalty("individual", frozenset({K.FINE}), Decimal(5000))
    )
    person_below = hearing_right_applies(
        ProposedPenalty("individual", frozenset({K.FINE}), Decimal(4999))
    )
    assert org_at.applies and not org_below.applies
    assert person_at.applies and not person_below.applies
    assert "large fine" in org_at.reasons[0]
    assert org_at.thresholds_version == HEARING_THRESHOLDS[-1].version


def test_licence_revocation_and_closure_always_carry_a_hearing():
    for kind in (
        K.REVOKE_LICENCE,
        K.ORDER_CLOSURE,
        K.ORDER_SUSPENSION_OF_BUSINESS,
        K.LOWER_QUALIFICATION,
        K.RESTRICT_EMPLOYMENT,
    ):
        applies, reasons, _ = hearing_right_applies(
            ProposedPenalty("individual", frozenset({kind}))
        )
        assert applies and kind.value in reasons[0]


def test_large_confiscation_carries_a_hearing():
    assert hearing_right_applies(
        ProposedPenalty(
            "organisation",
            frozenset({K.CONFISCATE_ILLEGAL_GAINS}),
            confiscation_value=Decimal(150000),
        )
    ).applies


def test_warning_or_small_fine_has_no_hearing_right():
    applies, reasons, _ = hearing_right_applies(
        ProposedPenalty("organisation", frozenset({K.WARNING, K.FINE}), Decimal(2000))
    )
    assert (applies, reasons) == (False, [])


def test_hearing_request_within_5_days_and_notice_7_days_ahead():
    assert hearing_request_deadline(date(2025, 6, 2)).due == date(2025, 6, 7)
    assert latest_hearing_notice_date(date(2025, 6, 20)) == date(2025, 6, 13)
    assert hearing_notice_in_time(date(2025, 6, 13), date(2025, 6, 20))
    assert not hearing_notice_in_time(date(2025, 6, 14), date(2025, 6, 20))
