import random
from datetime import date

import pytest
from faker import Faker
from stdnum.cn import ric

from shared.redaction import patterns as p
from shared.redaction.rules import (
    REDACTION_RULES,
    FieldAction,
    RedactionPolicy,
    redact_record,
    redact_text,
    rules_in_force,
)

USCCS = [
    "91110000600037341L",
    "91440101MA5CJQ4N59",
    "913502000728319549",
    "91350200776049653A",
]


def make_ric(rng: random.Random, region: str = "310115") -> str:
    born = date(2000, 1, 1).toordinal() + rng.randrange(365 * 20)
    body = (
        region
        + date.fromordinal(born).strftime("%Y%m%d")
        + f"{rng.randrange(1000):03d}"
    )
    return body + ric.calc_check_digit(body + "0")


def luhn_complete(prefix: str) -> str:
    return next(prefix + d for d in "0123456789" if p.luhn_ok(prefix + d))


def kinds(findings):
    return [f.kind for f in findings]


def test_generated_resident_ids_are_masked_in_many_texts():
    rng = random.Random(7)
    templates = [
        "身份证号{}",
        "当事人（公民身份号码：{}）",
        "{}，男",
        "ID {} end",
        "号码为{}。",
    ]
    for i in range(200):
        number = make_ric(rng, rng.choice(["110101", "310115", "440106", "510104"]))
        assert ric.is_valid(number)
        text = templates[i % len(templates)].format(number)
        out, findings = redact_text(text)
        assert number not in out
        assert kinds(findings) == ["resident_id"]


def test_faker_ids_with_regions_unknown_to_stdnum_are_still_masked():
    fake = Faker("zh_CN")
    Faker.seed(3)
    for _ in range(100):
        number = fake.ssn()
        out, _ = redact_text(f"身份证{number}")
        assert number not in out


def test_id_that_makes_stdnum_raise_is_still_masked():
    # stdnum.cn.ric.is_valid raises KeyError for this region code instead of returning False.
    out, findings = redact_text("身份证620201195007308602")
    assert "620201195007308602" not in out and kinds(findings) == ["resident_id"]


def test_lowercase_x_check_character_is_masked():
    rng = random.Random(1)
    number = next(n for n in (make_ric(rng) for _ in range(500)) if n.endswith("X"))
    out, _ = redact_text("证件" + number.lower())
    assert number.lower() not in out


def test_enterprise_usccs_stay_unmasked():
    for code in USCCS:
        text = f"统一社会信用代码：{code}；另见{code}"
        out, findings = redact_text(text, natural_person=True)
        assert out == text and findings == []


def test_18_digits_with_wrong_check_digit_or_date_are_not_ids():
    rng = random.Random(2)
    good = make_ric(rng)
    bad_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert "resident_id" not in kinds(redact_text(bad_check)[1])
    assert redact_text("310115199013451234")[1] == []  # month 13


def test_legacy_15_digit_id_is_masked():
    out, findings = redact_text("旧身份证310101800101123号")
    assert "310101800101123" not in out and kinds(findings) == ["resident_id_legacy"]


@pytest.mark.parametrize(
    "phone",
    [
        "13800138000",
        "+86 13912345678",
        "8613912345678",
        "139-1234-5678",
        "199 1234 5678",
    ],
)
def test_mobile_numbers_keep_only_the_prefix(phone):
    out, findings = redact_text(f"联系电话{phone}。")
    assert kinds(findings) == ["mobile_phone"]
    assert phone not in out and phone[-4:] not in out


@pytest.mark.parametrize(
    "phone", ["021-62345678", "(021)62345678", "0571 8765432", "021-62345678-801"]
)
def test_landlines_with_area_code_are_masked(phone):
    out, findings = redact_text(f"座机{phone}")
    assert (
        kinds(findings) == ["landline_phone"]
        and "62345678" not in out
        and "8765432" not in out
    )


def test_bare_landline_after_a_phone_keyword_is_masked_but_amounts_are_not():
    out, findings = redact_text("电话：62345678，罚款金额62345678元")
    assert out == "电话：********，罚款金额62345678元"
    assert kinds(findings) == ["landline_phone"]


def test_bank_cards_pass_luhn_and_keep_last_four():
    card = luhn_complete("622202123456789012")  # 19 digits
    out, findings = redact_text(f"银行卡号{card}")
    assert kinds(findings) == ["bank_card"] and out.endswith("*" * 15 + card[-4:])
    grouped = luhn_complete("621700123456789")  # 16 digits, grouped by 4
    grouped = " ".join(grouped[i : i + 4] for i in range(0, 16, 4))
    assert kinds(redact_text(f"卡号 {grouped}")[1]) == ["bank_card"]


def test_non_luhn_long_number_is_not_a_card():
    number = next(
        n for n in (f"622202123456789{i:04d}" for i in range(20)) if not p.luhn_ok(n)
    )
    assert redact_text(f"编号{number}")[1] == []


def test_emails_keep_the_domain_only():
    out, findings = redact_text("邮箱 zhang.san+x@mail.example.com.cn 联系")
    assert "zhang.san" not in out and "@mail.example.com.cn" in out
    assert kinds(findings) == ["email"]


def test_home_address_masked_only_for_natural_persons():
    text = "住所：上海市浦东新区张杨路123弄4号501室"
    out, findings = redact_text(text, natural_person=True)
    assert out == "住所：上海市浦东新区张杨路" + "*" * 10 and kinds(findings) == [
        "home_address"
    ]
    assert redact_text(text, natural_person=False) == (text, [])


def test_findings_never_contain_the_value_and_carry_the_rule_version():
    number = make_ric(random.Random(9))
    _, findings = redact_text(number)
    assert number not in repr(findings)
    assert (
        findings[0].rule_version == REDACTION_RULES[-1].version
        and findings[0].rule_id == "RIC-18"
    )


def test_rules_not_in_force_before_their_effective_date():
    with pytest.raises(LookupError):
        rules_in_force(date(2020, 1, 1))


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张*"),
        ("张三丰", "张**"),
        ("欧阳娜娜", "欧阳**"),
        ("司马光", "司马*"),
        ("阿依古丽·买买提", "阿*******"),
        ("John Smith", "J*** S****"),
    ],
)
def test_person_names_keep_the_surname(name, masked):
    assert p.mask_person_name(name) == masked


POLICY = RedactionPolicy(
    fields={
        "party_type": FieldAction.KEEP,
        "party_name": FieldAction.MASK_PERSON_NAME,
        "uscc": FieldAction.KEEP,
        "legal_representative": FieldAction.LEGAL_REPRESENTATIVE_NAME,
        "representative_id": FieldAction.MASK_ID,
        "home_address": FieldAction.PERSONAL_ADDRESS,
        "facts": FieldAction.FREE_TEXT,
        "notes": FieldAction.DROP,
    }
)


def test_record_of_an_enterprise_keeps_code_and_legal_representative_name():
    record = {
        "party_type": "enterprise",
        "party_name": "王五",
        "uscc": USCCS[1],
        "legal_representative": "李四",
        "representative_id": "110101199003074514",
        "home_address": "上海市徐汇区漕溪北路88号1201室",
        "facts": "经查，联系人手机13912345678。",
        "notes": "内部意见",
        "unknown": "x",
    }
    out, findings = redact_record(record, POLICY)
    assert out["uscc"] == USCCS[1] and out["legal_representative"] == "李四"
    assert out["representative_id"] == "*" * 18 and out["party_name"] == "王*"
    assert out["home_address"] == "上海市徐汇区漕溪北路" + "*" * 8
    assert "13912345678" not in out["facts"]
    assert "notes" not in out and "unknown" not in out
    dropped = sorted(f.field for f in findings if f.kind == "dropped_field")
    assert dropped == ["notes", "unknown"]


def test_legal_representative_masked_for_persons_or_when_switched_off():
    out, _ = redact_record(
        {"party_type": "natural_person", "legal_representative": "李四"}, POLICY
    )
    assert out["legal_representative"] == "李*"
    strict = RedactionPolicy(
        fields=POLICY.fields, publish_legal_representative_name=False
    )
    out, _ = redact_record(
        {"party_type": "enterprise", "legal_representative": "李四"}, strict
    )
    assert out["legal_representative"] == "李*"


def test_free_text_of_a_natural_person_masks_address_and_nested_values():
    record = {
        "party_type": "natural_person",
        "facts": ["住长寿路100号202室", {"tel": 13912345678}],
    }
    out, findings = redact_record(record, POLICY)
    assert out["facts"][0] == "住长寿路" + "*" * 8
    assert (
        out["facts"][1]["tel"].startswith("139")
        and "12345678" not in out["facts"][1]["tel"]
    )
    assert {f.field for f in findings} == {"facts", "facts.tel"}


def test_address_field_without_house_number_keeps_only_the_district():
    out, _ = redact_record({"home_address": "上海市静安区某小区内"}, POLICY)
    assert out["home_address"] == "上海市静安区" + "*" * 4
