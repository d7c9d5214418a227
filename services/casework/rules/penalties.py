"""Kinds of administrative penalty and evidence, as named by the law."""

from __future__ import annotations

from enum import StrEnum


class PenaltyKind(StrEnum):
    # Administrative Penalty Law (2021) art. 9: the kinds of administrative penalty.
    WARNING = "warning"
    CIRCULATED_CRITICISM = "circulated_criticism"
    FINE = "fine"
    CONFISCATE_ILLEGAL_GAINS = "confiscate_illegal_gains"
    CONFISCATE_ILLEGAL_PROPERTY = "confiscate_illegal_property"
    SUSPEND_LICENCE = "suspend_licence"
    LOWER_QUALIFICATION = "lower_qualification"
    REVOKE_LICENCE = "revoke_licence"
    RESTRICT_PRODUCTION = "restrict_production"
    ORDER_SUSPENSION_OF_BUSINESS = "order_suspension_of_business"
    ORDER_CLOSURE = "order_closure"
    RESTRICT_EMPLOYMENT = "restrict_employment"
    DETENTION = "detention"
    OTHER = "other"


class DecisionKind(StrEnum):
    # Administrative Penalty Law (2021) art. 57(1): the four outcomes of an investigation.
    PENALTY = "penalty"
    NO_PENALTY_MINOR = "no_penalty_minor"
    NO_PENALTY_FACTS_NOT_ESTABLISHED = "no_penalty_facts_not_established"
    TRANSFER_JUDICIAL = "transfer_judicial"


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
