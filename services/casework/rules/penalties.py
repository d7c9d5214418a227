"""Kinds of administrative penalty and decision, as named by the law, and of evidence.

Penalty and decision kinds cross into credit and disclosure, so they live in the one vocabulary
(shared/contracts/codes.py); evidence kinds stay in casework.
"""

from __future__ import annotations

from enum import StrEnum

from shared.contracts.codes import DecisionKind, PenaltyKind

__all__ = ["DecisionKind", "EvidenceType", "PenaltyKind"]


class EvidenceType(StrEnum):
    # Administrative Penalty Law (2021) art. 46 (same list as Administrative Procedure Law
    # art. 33): the admissible kinds of evidence.
    DOCUMENTARY = "documentary"
    PHYSICAL = "physical"
    AUDIO_VISUAL = "audio_visual"
    ELECTRONIC_DATA = "electronic_data"
    WITNESS_TESTIMONY = "witness_testimony"
    PARTY_STATEMENT = "party_statement"
    EXPERT_OPINION = "expert_opinion"
    INSPECTION_RECORD = (
        "inspection_record"  # record of an inspection of a site or object
    )
    ON_SITE_RECORD = "on_site_record"  # record made on the spot during enforcement
