"""Pure rules added for publication: the Merkle frontier, redaction policies per type, public records."""

from __future__ import annotations

import pytest

from services.disclosure.rules.frontier import (
    frontier_append,
    frontier_from_json,
    frontier_root,
    frontier_to_json,
)
from services.disclosure.rules.public_records import from_decision, jsonable, party
from services.disclosure.rules.publicity import RecordType
from services.disclosure.rules.redaction_policies import (
    POLICIES,
    mask_known_person_names,
    redact_for_publication,
)
from shared import merkle
from tests.disclosure import support as s


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, 8, 13, 64, 100])
def test_frontier_root_is_rfc6962_mth(n):
    leaves = [merkle.leaf_hash(str(i).encode()) for i in range(n)]
    f = []
    for leaf in leaves:
        f = frontier_from_json(frontier_to_json(frontier_append(f, leaf)))
    assert frontier_root(f) == merkle.merkle_root_from_leaf_hashes(leaves)
    assert len(f) == n.bit_count()  # one perfect subtree per set bit: O(log n) state


def test_every_record_type_has_a_policy_that_drops_unknown_fields():
    assert set(POLICIES) == set(RecordType)
    for rt in RecordType:
        public, _ = redact_for_publication(rt, {"record_type": rt.value, "party_type": "enterprise",
                                                "unreviewed_new_field": "x"})
        assert "unreviewed_new_field" not in public


def test_penalty_summary_masks_a_person():
    ric = s.resident_id()
    d = s.decision(ric, "李四光", party_kind="person", summary=f"李四光住长宁路12弄3号，证件{ric}")
    draft = from_decision(d)
    public, findings = redact_for_publication(draft.record_type, {**draft.raw, "full_text": "全文 李四光"})
    assert "full_text" not in public and public["subject_name"] == "李**"
    assert "李四光" not in str(public) and ric not in str(public) and "12弄3号" not in str(public)
    assert public["party_id_number"] == "*" * 18 and draft.uscc is None
    assert {f.kind for f in findings} >= {"person_name", "resident_id", "home_address", "dropped_field"}


def test_organisation_name_and_code_stay_public():
    code = s.uscc()
    assert party(code) == (code, "enterprise", {"uscc": code})
    out, findings = mask_known_person_names({"a": "上海某某有限公司"}, [])
    assert out == {"a": "上海某某有限公司"} and findings == []


def test_jsonable_has_no_floats_for_canonical_hashing():
    assert jsonable({"r": 0.05, "d": s.today(), "l": (1, 2.5)}) == {"r": "0.05", "d": s.today().isoformat(),
                                                                    "l": [1, "2.5"]}
