"""Accumulators seeded and read checked against the ruleset that defines them (issue 9, defect 5).

A key the ruleset does not define would be stored where no settlement reads it, and the year's
figure from the national platform (5206) silently ignored: with a Ruleset, Enrollee.seed and
Enrollee.accumulator refuse it, naming the keys the ruleset does define; so does the scenario
runner, as the C program does (tests/refused/, the scenario-refused meson test).
"""
import subprocess
from decimal import Decimal

import pytest

import medbenefit as mb
import medbenefit.scenario as scenario

from conftest import REPO

WUXI_KEYS = "its keys are chronic.base, chronic.paid"
REFUSED = REPO / "tests" / "refused"


@pytest.fixture(scope="module")
def shanxi(rulesets_dir):
    with mb.Ruleset.from_id("shanxi-chronic-special-2025", dirs=[rulesets_dir]) as rs:
        yield rs


def diabetic():
    e = mb.Enrollee("E1", "employee", "in_service", designated_facility="H001")
    return e.add_disease("糖尿病", "2021-01-05")


def test_accumulator_keys(wuxi, shanxi):
    # 41号 三: the chronic layer (deductible base, capped payments), kept by calendar year
    assert wuxi.accumulator_keys == [
        mb.AccumulatorKey("chronic.base", "year"), mb.AccumulatorKey("chronic.paid", "year")]
    # 《通知》: 门诊慢性病按病种设置季度支付限额, so each chronic disease's payments by quarter
    keys = dict(shanxi.accumulator_keys)
    assert keys["disease.M01600.paid"] == "quarter"
    assert keys["annual_fund.paid"] == "year"


def test_misspelt_key_is_refused_naming_the_defined_keys(wuxi):
    e = diabetic()
    before = e.save()
    with pytest.raises(mb.UnknownCodeError) as err:
        e.seed(wuxi, "chronc.paid", 2021, "3200.00")
    assert err.value.message == \
        f"wuxi-employee-chronic-2021 keeps no accumulator 'chronc.paid'; {WUXI_KEYS}"
    assert e.save() == before  # a failed call changes nothing
    with pytest.raises(mb.InvalidArgumentError, match="not valid UTF-8"):
        e.seed(wuxi, b"chronic.\xffpaid", 2021, "1.00")


def test_seed_reaches_settlement(wuxi):
    # 41号 三: 3200 of the 3500 cap paid this year; (1200 - 500) x 70% = 490, cut to the 300 left
    e = diabetic().seed(wuxi, "chronic.paid", 2021, Decimal("3200.00"))
    c = mb.Claim("C1", "2021-06-01", "chronic", "H001", "tertiary", disease="糖尿病")
    s = mb.settle(wuxi, e, c.add_item("1200.00"))
    assert (s.hifp_pay, s.psn_cash_pay) == (Decimal("300.00"), Decimal("900.00"))
    # 3200 + 300 = 3500, the cap, read back checked
    assert e.accumulator(wuxi, "chronic.paid", 2021) == Decimal("3500.00")


def test_quarter_and_year(wuxi, shanxi):
    e = mb.Enrollee("R1", "resident")
    e.seed(shanxi, "disease.M01600.paid", 20252, "150.00")   # the second quarter of 2025
    assert e.accumulator(shanxi, "disease.M01600.paid", 20252) == Decimal("150.00")
    assert e.accumulator(shanxi, "disease.M01600.paid", 20253) == Decimal("0.00")
    with pytest.raises(mb.InvalidDateError, match=r"keeps disease.M01600.paid by quarter "
                                                  r"\(20232\), not by year \(period 2025\)"):
        e.seed(shanxi, "disease.M01600.paid", 2025, "150.00")
    with pytest.raises(mb.InvalidDateError, match=r"keeps chronic.paid by year \(2023\), not "
                                                  r"by quarter \(period 20212\)"):
        diabetic().seed(wuxi, "chronic.paid", 20212, "1.00")
    # the first quarter of 2025 ends before the notice takes effect (2025-04-01)
    with pytest.raises(mb.InvalidDateError, match="not in force in period 20251"):
        e.seed(shanxi, "disease.M01600.paid", 20251, "1.00")


def test_checked_read(wuxi):
    e = diabetic().seed(wuxi, "chronic.base", 2021, fen=50000)
    assert e.accumulator(wuxi, "chronic.base", 2021) == Decimal("500.00")
    with pytest.raises(mb.UnknownCodeError, match=WUXI_KEYS):
        e.accumulator(wuxi, "chronic.bas", 2021)
    with pytest.raises(mb.InvalidDateError):
        e.accumulator(wuxi, "chronic.base", 20211)


def test_amount_rules_hold_for_the_checked_seed(wuxi):
    e = diabetic()
    with pytest.raises(TypeError, match="bare int"):
        e.seed(wuxi, "chronic.paid", 2021, 3200)
    with pytest.raises(TypeError, match="got float"):
        e.seed(wuxi, "chronic.paid", 2021.0, "1.00")
    with pytest.raises(mb.InvalidAmountError):
        e.seed(wuxi, "chronic.paid", 2021, "-1.00")
    e.seed(wuxi, "chronic.paid", "2021", fen=320000)
    assert e.accumulator(wuxi, "chronic.paid", 2021) == Decimal("3200.00")


def test_ruleset_id_is_unchecked(wuxi):
    # kept for compatibility, as documented: an id sees no ruleset, so a misspelt key is taken
    e = diabetic().seed("wuxi-employee-chronic-2021", "chronc.paid", 2021, "3200.00")
    assert e.accumulator("wuxi-employee-chronic-2021", "chronc.paid", 2021) == Decimal("3200.00")
    with pytest.raises(TypeError, match="expected a Ruleset"):
        e.seed(42, "chronic.paid", 2021, "1.00")
    closed = mb.Ruleset.from_id("wuxi-employee-chronic-2021", dirs=[str(REPO / "rulesets")])
    closed.close()
    with pytest.raises(ValueError, match="closed"):
        e.seed(closed, "chronic.paid", 2021, "1.00")


def c_check(cli, path, rulesets_dir):
    return subprocess.run([cli, "check", "--rulesets", rulesets_dir, str(path)],
                          capture_output=True, text=True, cwd=str(REPO), timeout=60).stdout


def test_runner_refuses_a_misspelt_key_as_c_does(cli, rulesets_dir):
    path = REFUSED / "seed-misspelt-key.yaml"
    report = scenario.run(path, rulesets_dir)
    assert [o.passed for o in report.outcomes] == [False]
    assert report.outcomes[0].problems == [
        f"setup: enrollee: wuxi-employee-chronic-2021 keeps no accumulator 'chronc.paid'; "
        f"{WUXI_KEYS}"]
    assert str(report) == c_check(cli, path, rulesets_dir).rstrip("\n")


@pytest.mark.parametrize("period", ["2021abc", "'+2021'", "' 2021'", "99999999999", "2_021",
                                    "٢٠٢١"])
def test_runner_refuses_a_period_not_in_digits(period, tmp_path, cli, rulesets_dir):
    text = (REFUSED / "seed-period-not-integer.yaml").read_text(encoding="utf-8")
    path = tmp_path / "period.yaml"
    path.write_text(text.replace("period: 2021abc", f"period: {period}"), encoding="utf-8")
    with pytest.raises(scenario.ScenarioError) as err:
        scenario.load(path)
    shown = period.strip("'")
    assert err.value.line == 14
    assert err.value.message == f"enrollee.accumulators[0].period: '{shown}' is not a period: " \
                                "a year (2023) or a quarter (20232), in digits"
    assert str(scenario.run(path, rulesets_dir)) == c_check(cli, path, rulesets_dir).rstrip("\n")


@pytest.mark.parametrize("period", [" 2021", "2_021", "+2021", "2021abc", "２０２１"])
def test_a_str_period_is_digits_only(wuxi, period):
    """int() would read ' 2021', '2_021', '+2021' and full-width digits as 2021: refused."""
    e = mb.Enrollee("P-STR", "employee", "in_service")
    with pytest.raises(mb.InvalidDateError):
        e.seed(wuxi, "chronic.paid", period, "100.00")
    e.seed(wuxi, "chronic.paid", "2021", "100.00")
    assert e.accumulator(wuxi, "chronic.paid", 2021) == Decimal("100.00")
