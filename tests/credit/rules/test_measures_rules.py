from datetime import date

from services.credit.rules.facts import ListMembership, RecordFact
from services.credit.rules.measures import measures_in_force

AS_OF = date(2025, 12, 1)


def codes(ms):
    return {m.code for m in ms}


def test_serious_dishonesty_joint_punishment():
    ms = measures_in_force([ListMembership("serious_dishonesty", date(2025, 1, 1))], [], AS_OF)
    assert codes(ms) == {"restricted_market_entry", "no_notification_commitment", "restricted_public_procurement",
                         "restricted_public_funding", "no_honours", "restricted_posts", "more_frequent_inspections"}
    assert all(m.kind == "punishment" and m.basis and m.trigger == "serious_dishonesty list" for m in ms)


def test_abnormal_list_measures():
    ms = measures_in_force([ListMembership("abnormal", date(2025, 1, 1))], [], AS_OF)
    assert codes(ms) == {"restricted_public_procurement", "no_honours", "more_frequent_inspections"}
    assert all("art. 18" in m.basis or "para. 11" in m.basis for m in ms)


def test_red_list_rewards_only_without_punishment_list():
    red = ListMembership("red", date(2025, 1, 1))
    assert codes(measures_in_force([red], [], AS_OF)) == {"fast_track_licensing", "fewer_inspections",
                                                          "priority_public_support"}
    both = measures_in_force([red, ListMembership("abnormal", date(2025, 1, 1))], [], AS_OF)
    assert all(m.kind == "punishment" for m in both)


def test_exited_list_no_longer_applies():
    m = ListMembership("serious_dishonesty", date(2023, 1, 1), exited_on=date(2025, 1, 1))
    assert measures_in_force([m], [], AS_OF) == []


def test_recent_broken_commitment_excludes_commitment_route():
    recent = [RecordFact("b1", "commitment_broken", date(2025, 6, 1))]
    ms = measures_in_force([], recent, AS_OF)
    assert codes(ms) == {"no_notification_commitment"} and "b1" in ms[0].trigger
    old = [RecordFact("b0", "commitment_broken", date(2024, 6, 1))]
    assert measures_in_force([], old, AS_OF) == []
