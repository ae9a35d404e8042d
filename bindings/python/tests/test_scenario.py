"""The scenario runner on edge cases, each compared with the C program on the same file."""
import json
import subprocess
from decimal import Decimal

import pytest

import medbenefit.scenario as scenario

from conftest import REPO

HEAD = """\
name: edge
rulesets: [wuxi-employee-chronic-2021]
enrollee:
  id: E1
  scheme: employee
  person_type: in_service
  account_balance: 100.10
  designated_facility: H001
  diseases:
    - {name: 糖尿病, certified_on: 2021-01-05}
claims:
"""

CLAIM = """\
  - id: {id}
    date: {date}
    med_type: chronic
    facility: {{id: H001, level: tertiary}}
    disease: 糖尿病
    items: [{{amount: {amount}, class: A}}]
"""

CASES = {
    # YAML would read 100.10 and 1000.17 as floats; here they are text, parsed to the fen.
    # 41号 三: account first (100.10), (900.07 - 500) x 70% = 280.049, half up 280.05
    "decimals": HEAD + CLAIM.format(id="C1", date="2021-02-01", amount="1000.17")
    + "    expect: {fund_pay: 280.05, acct_pay: 100.10, cash_pay: 620.02}\n",
    "third-decimal": HEAD + CLAIM.format(id="C1", date="2021-02-01", amount="1.001")
    + "    expect: {error: invalid_amount}\n",
    "reverse-then-settle": HEAD + CLAIM.format(id="C1", date="2021-02-01", amount="1200")
    + "    reverse: true\n" + CLAIM.format(id="C2", date="2021-02-02", amount="1200")
    + "    expect: {deductible: 500.00}\n",
    "flag-not-boolean": HEAD + CLAIM.format(id="C1", date="2021-02-01", amount="1")
    + "    referral: yes\n",
    "bad-date": HEAD + CLAIM.format(id="C1", date="2021-02-30", amount="1")
    + "    expect: {error: invalid_date}\n",
    "empty-expect-value": HEAD + CLAIM.format(id="C1", date="2021-02-01", amount="1")
    + "    expect: {fund_pay: , error: ~}\n",
    "wrong-expectation": HEAD + CLAIM.format(id="C1", date="2021-02-01", amount="1200")
    + "    expect: {fund_pay: 1.00, covered: false}\n",
    "seeded": HEAD.replace("  diseases:", "  accumulators:\n    - {ruleset: "
                           "wuxi-employee-chronic-2021, key: chronic.base, period: 2021, "
                           "amount: 1000}\n  diseases:")
    + CLAIM.format(id="C1", date="2021-02-01", amount="1200"),
    "unknown-key": HEAD + CLAIM.format(id="C1", date="2021-02-01", amount="1")
    + "    colour: blue\n",
    "repeated-key": HEAD.replace("name: edge\n", "name: edge\nname: again\n"),
    "alias": HEAD.replace("id: E1", "id: &x E1").replace("designated_facility: H001",
                                                          "designated_facility: *x"),
    "no-enrollee": "name: x\nrulesets: [wuxi-employee-chronic-2021]\nclaims:\n"
    + CLAIM.format(id="C1", date="2021-02-01", amount="1"),
    "unknown-ruleset": HEAD.replace("wuxi-employee-chronic-2021", "atlantis-2099")
    + CLAIM.format(id="C1", date="2021-02-01", amount="1"),
    "pharmacy-no-facility": HEAD + "  - id: P1\n    date: 2021-02-01\n    med_type: pharmacy\n"
    "    items: [{amount: 10}]\n",
    # 41号 三: the deductible step cites its clause; a wrong one, or an entry without a cite, fails
    "cites-wrong": HEAD + CLAIM.format(id="C1", date="2021-02-01", amount="1200")
    + "    expect:\n      cites:\n        - {rule: chronic.deductible, cite: 锡医保服务〔2020〕41号 三}\n"
    "        - {rule: chronic.nowhere, cite: x}\n        - {rule: chronic}\n",
    "cites-unknown-key": HEAD + CLAIM.format(id="C1", date="2021-02-01", amount="1200")
    + "    expect: {cites: [{rule: chronic, clause: x}]}\n",
}

CITES = REPO / "tests" / "scenario-cites"


def c_out(cli, mode, path, rulesets):
    p = subprocess.run([cli, mode, "--rulesets", rulesets, str(path)], capture_output=True,
                       text=True, timeout=60)
    return p.returncode, p.stdout


@pytest.mark.parametrize("case", sorted(CASES))
def test_check_and_settle_like_c(case, tmp_path, cli, rulesets_dir):
    path = tmp_path / f"{case}.yaml"
    path.write_text(CASES[case], encoding="utf-8")
    rc, out = c_out(cli, "check", path, rulesets_dir)
    report = scenario.run(path, rulesets_dir)
    c_lines = [line.split("    ")[0] for line in out.splitlines() if line[:4] in ("PASS", "FAIL")]
    py_lines = [o.line().splitlines()[0] for o in report.outcomes]
    assert py_lines == c_lines, f"Python:\n{report}\nC:\n{out}"
    assert out.splitlines()[-1] == report.lines()[-1]
    wording = [p for o in report.outcomes for p in o.problems
               if o.scenario == "-" or p.startswith(("error:", "setup:"))]
    if not wording:  # the whole output, where it quotes no message worded apart from the library
        assert str(report) == out.rstrip("\n")
    rc, out = c_out(cli, "settle", path, rulesets_dir)
    if rc == 2:
        with pytest.raises(scenario.ScenarioError):
            scenario.settle_file(path, rulesets_dir)
        return
    c_rows = [json.loads(line, parse_float=Decimal) for line in out.splitlines()]
    py_rows = scenario.settle_file(path, rulesets_dir)
    for py, c in zip(py_rows, c_rows, strict=True):
        c.pop("message", None)
        py.pop("message", None)
        assert py == c


def test_expectations_are_exact_fen(tmp_path, rulesets_dir):
    path = tmp_path / "decimals.yaml"
    path.write_text(CASES["decimals"], encoding="utf-8")
    report = scenario.run(path, rulesets_dir)
    assert report.ok, str(report)
    s = report.outcomes[0].settlement
    assert scenario.expect_amounts(s)["fund_pay"] == Decimal("280.05")


def test_load_reports_file_and_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(CASES["unknown-key"], encoding="utf-8")
    with pytest.raises(scenario.ScenarioError) as e:
        scenario.load(path)
    assert e.value.line == CASES["unknown-key"].count("\n") and "colour" in str(e.value)
    assert str(path) in str(e.value)


def test_json_line_is_what_c_prints(tmp_path, cli, rulesets_dir):
    path = tmp_path / "decimals.yaml"
    path.write_text(CASES["decimals"], encoding="utf-8")
    _, out = c_out(cli, "settle", path, rulesets_dir)
    py = [scenario.json_line(r) for r in scenario.settle_file(path, rulesets_dir)]
    assert py == out.splitlines()


def test_main(tmp_path, rulesets_dir, capsys):
    path = tmp_path / "decimals.yaml"
    path.write_text(CASES["decimals"], encoding="utf-8")
    assert scenario.main(["check", "--rulesets", rulesets_dir, str(path)]) == 0
    assert capsys.readouterr().out.endswith("1 passed, 0 failed\n")
    assert scenario.main([]) == 2


def test_cites_pass(rulesets_dir, cli):
    """41号 三: each expected rule is in the trace and cites exactly that clause."""
    path = str(CITES / "pass.yaml")
    report = scenario.run(path, rulesets_dir)
    assert report.ok, str(report)
    assert str(report) == c_out(cli, "check", path, rulesets_dir)[1].rstrip("\n")


def test_cites_fail(rulesets_dir, cli):
    """A wrong clause, the right clause's prefix, and a rule not in the trace each FAIL, with
    what the trace cites instead, as the C program says it."""
    path = str(CITES / "fail.yaml")
    report = scenario.run(path, rulesets_dir)
    assert [o.passed for o in report.outcomes] == [False, False, False]
    assert report.outcomes[0].problems == [
        "cites chronic.deductible: expected '锡医保服务〔2020〕41号 三（在职人员个人自付满500元以上部分，由基金支付70%……退休人员个人自付满300元以上部分，由基金支付85%）', "
        "got '锡医保服务〔2020〕41号 三（在职人员个人自付满500元以上部分……退休人员个人自付满300元以上部分）'"]
    assert report.outcomes[1].problems == [
        "cites chronic.ratio: expected '锡医保服务〔2020〕41号 三', "
        "got '锡医保服务〔2020〕41号 三（在职人员个人自付满500元以上部分，由基金支付70%……退休人员个人自付满300元以上部分，由基金支付85%）'"]
    assert report.outcomes[2].problems == ["cites chronic.cap: no step of this rule in the trace"]
    assert str(report) == c_out(cli, "check", path, rulesets_dir)[1].rstrip("\n")
