"""The one vocabulary: every code that crosses a service boundary, defined once.

Producers emit these values, consumers read them, and event payloads and API models validate
against them, so a value outside the list is a contract error where it is made, never a default
where it is read. A new code is added here first; renaming one is a new event version.

Department codes and violation types are data, not enums: their format is checked here, their
membership against the catalogue in force (departments) or the department's published
benchmark (violation types).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import StringConstraints


class PenaltyKind(StrEnum):
    # Administrative Penalty Law (2021) art. 9: the kinds of administrative penalty.
    WARNING = "warning"  # 警告
    CIRCULATED_CRITICISM = "circulated_criticism"  # 通报批评
    FINE = "fine"  # 罚款
    CONFISCATION_OF_ILLEGAL_GAINS = "confiscation_of_illegal_gains"  # 没收违法所得
    CONFISCATION_OF_ILLEGAL_PROPERTY = "confiscation_of_illegal_property"  # 没收非法财物
    LICENCE_SUSPENSION = "licence_suspension"  # 暂扣许可证件
    QUALIFICATION_LOWERING = "qualification_lowering"  # 降低资质等级
    LICENCE_REVOCATION = "licence_revocation"  # 吊销许可证件
    BUSINESS_RESTRICTION = "business_restriction"  # 限制开展生产经营活动
    SUSPENSION = "suspension"  # 责令停产停业
    CLOSURE = "closure"  # 责令关闭
    EMPLOYMENT_RESTRICTION = "employment_restriction"  # 限制从业
    DETENTION = "detention"  # 行政拘留
    OTHER = "other"  # 法律、行政法规规定的其他行政处罚


class DecisionKind(StrEnum):
    # Administrative Penalty Law (2021) art. 57(1): the four outcomes of an investigation.
    PENALTY = "penalty"
    NO_PENALTY_MINOR = "no_penalty_minor"
    NO_PENALTY_FACTS_NOT_ESTABLISHED = "no_penalty_facts_not_established"
    TRANSFER_JUDICIAL = "transfer_judicial"


class RevocationKind(StrEnum):
    """How a decision stopped counting: revoked outright, or changed (a new version replaces it)."""

    REVOKED = "revoked"
    CHANGED = "changed"


class Severity(StrEnum):
    """Class of dishonest conduct a penalty evidences; sets its publicity tier."""

    MINOR = "minor"
    GENERAL = "general"
    SERIOUS = "serious"


class RecordKind(StrEnum):
    """Kinds of credit record filed about a subject."""

    LICENCE = "licence"
    LICENCE_COMMITMENT = "licence_commitment"  # licence granted on notification and commitment
    PENALTY = "penalty"
    INSPECTION_RESULT = "inspection_result"
    COMMITMENT_KEPT = "commitment_kept"
    COMMITMENT_BROKEN = "commitment_broken"
    COMPLAINT_UPHELD = "complaint_upheld"
    HONOUR = "honour"
    ABNORMAL_ENTRY = "abnormal_entry"
    ABNORMAL_EXIT = "abnormal_exit"
    SERIOUS_ENTRY = "serious_entry"
    SERIOUS_EXIT = "serious_exit"


class ListKind(StrEnum):
    ABNORMAL = "abnormal"  # abnormal operations list
    SERIOUS_DISHONESTY = "serious_dishonesty"  # serious illegal and dishonest list
    RED = "red"  # honour (red) list


class PartyKind(StrEnum):
    """Who a decision is addressed to; a person's identity is personal data."""

    ORGANISATION = "organisation"
    PERSON = "person"


class SubjectType(StrEnum):
    ENTERPRISE = "enterprise"
    INDIVIDUAL_BUSINESS = "individual_business"
    SOCIAL_ORGANISATION = "social_organisation"


class InspectionOutcome(StrEnum):
    PASSED = "passed"
    CORRECTED_ON_SPOT = "corrected_on_spot"
    PROBLEMS_FOUND = "problems_found"
    NOT_FOUND = "not_found"  # not found at the registered address


class TaskKind(StrEnum):
    RANDOM = "random"  # drawn by lot
    KEY = "key"  # key inspection of a high-risk subject


# A department's short code (scjgj, wjw, ...): checked for form here; whether it names a
# department, and what it may do, is the coordination catalogue's answer as of the act's date.
DEPARTMENT_CODE_PATTERN = r"^[a-z][a-z0-9]{1,19}$"
DepartmentCode = Annotated[str, StringConstraints(pattern=DEPARTMENT_CODE_PATTERN)]

# A violation type's code (food_labelling, ...): known only through the deciding department's
# published discretion benchmark.
VIOLATION_TYPE_PATTERN = r"^[a-z][a-z0-9_]{1,63}$"
ViolationType = Annotated[str, StringConstraints(pattern=VIOLATION_TYPE_PATTERN)]

__all__ = [
    "DEPARTMENT_CODE_PATTERN",
    "VIOLATION_TYPE_PATTERN",
    "DecisionKind",
    "DepartmentCode",
    "InspectionOutcome",
    "ListKind",
    "PartyKind",
    "PenaltyKind",
    "RecordKind",
    "RevocationKind",
    "Severity",
    "SubjectType",
    "TaskKind",
    "ViolationType",
]
