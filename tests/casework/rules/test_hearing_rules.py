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
        K.LICENCE_REVOCATION,
        K.CLOSURE,
        K.SUSPENSION,
        K.QUALIFICATION_LOWERING,
        K.EMPLOYMENT_RESTRICTION,
    ):
        applies, reasons, _ = hearing_right_applies(
            ProposedPenalty("individual", frozenset({kind}))
        )
        assert applies and kind.value in reasons[0]


def test_large_confiscation_carries_a_hearing():
    assert hearing_right_applies(
        ProposedPenalty(
            "organisation",
            frozenset({K.CONFISCATION_OF_ILLEGAL_GAINS}),
            confiscation_value=Decimal(150000),
        )
    ).applies


def test_warning_or_small_fine_has_no_hearing_right():
    applies, reasons, _ = hearing_right_applies(
        ProposedPenalty("organisation", frozenset({K.WARNING, K.FINE}), Decimal(2000))
    )
    assert (applies, reasons) == (False, [])


def test_hearing_request_within_5_working_days():
    # APL art. 85: Mon 2 June 2025 (Dragon Boat holiday) + 5 working days -> Mon 9 June,
    # not Sat 7 June as 5 calendar days would give.
    d = hearing_request_deadline(date(2025, 6, 2))
    assert (d.kind, d.due) == ("working", date(2025, 6, 9))
    # Across National Day 2025 (1-8 Oct off; Sat 11 Oct worked): told 30 Sept -> 14 Oct.
    assert hearing_request_deadline(date(2025, 9, 30)).due == date(2025, 10, 14)


def test_hearing_notice_7_working_days_ahead():
    # Fri 20 June 2025: 7 working days back is Wed 11 June (12, 13, 16..20 in between).
    assert latest_hearing_notice_date(date(2025, 6, 20)) == date(2025, 6, 11)
    assert hearing_notice_in_time(date(2025, 6, 11), date(2025, 6, 20))
    assert not hearing_notice_in_time(date(2025, 6, 13), date(2025, 6, 20))
    # Hearing Thu 9 Oct 2025: the holiday week does not count (Sun 28 Sept was worked):
    # 24..26, 28..30 Sept and 9 Oct, so the notice is due by Tue 23 Sept.
    assert latest_hearing_notice_date(date(2025, 10, 9)) == date(2025, 9, 23)
    assert not hearing_notice_in_time(date(2025, 10, 9), date(2025, 10, 9))
