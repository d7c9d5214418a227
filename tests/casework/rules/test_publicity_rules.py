from datetime import date

from services.casework.rules.penalties import PenaltyKind as K
from services.casework.rules.publicity import (
    credit_site_deadline,
    decision_publishable,
    is_publishable,
    publication_deadline,
    withdrawal_deadline,
)


def test_penalties_except_warnings_are_publishable():
    assert not is_publishable(K.WARNING)
    assert all(is_publishable(k) for k in K if k != K.WARNING)
    assert decision_publishable({K.WARNING, K.FINE})
    assert not decision_publishable({K.WARNING})


def test_publication_deadlines_in_working_days():
    decided = date(2025, 9, 30)
    assert (publication_deadline(decided).days, publication_deadline(decided).kind) == (
        20,
        "working",
    )
    assert credit_site_deadline(decided).days == 7
    assert withdrawal_deadline(decided).due == date(2025, 10, 11)  # a working Saturday
