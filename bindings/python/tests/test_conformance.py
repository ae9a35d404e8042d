"""Every conformance scenario, settled through the Python API, against the C program.

For each file under tests/conformance/ and ../shared/conformance/:

  test_same_as_c       the Python settlement equals, to the fen, what `medbenefit settle FILE`
                       prints (every setlinfo amount, every setldetail row, covered, reason,
                       error names), and the Python checker passes or fails the same claims as
                       `medbenefit check FILE`. Never skipped: Python and C must agree even
                       where both disagree with the file's expectations.
  test_expectations    the file's `expect` blocks pass through the Python API. Skipped (with
                       C's own failure as the reason) only when `medbenefit check` fails on the
                       same file, e.g. a ruleset still being written; once C passes, this must.
"""
import functools
import json
import subprocess
from decimal import Decimal

import pytest

from conftest import REPO, conformance_files

import medbenefit.scenario as scenario

FILES = conformance_files()


def _id(path):
    return f"{path.parent.parent.name}/{path.name}"


@functools.lru_cache(maxsize=None)
def c_run(cli, mode, path, rulesets):
    p = subprocess.run([cli, mode, "--rulesets", rulesets, str(path)], capture_output=True,
                       text=True, cwd=str(REPO), timeout=120)
    return p.returncode, p.stdout, p.stderr


def c_settle(cli, path, rulesets):
    rc, out, err = c_run(cli, "settle", path, rulesets)
    rows = [json.loads(line, parse_float=Decimal) for line in out.splitlines() if line.strip()]
    return rc, rows, err


def c_check(cli, path, rulesets):
    """C's verdicts: [(PASS|FAIL, claim id)], its exit status, and its output."""
    rc, out, _ = c_run(cli, "check", path, rulesets)
    verdicts = []
    for line in out.splitlines():
        if line.startswith(("PASS ", "FAIL ")):
            verdicts.append((line[:4], line.rsplit(" ", 1)[1] if "] " in line else "-"))
    return rc, verdicts, out


def py_verdicts(report):
    return [("PASS" if o.passed else "FAIL", o.claim_id) for o in report.outcomes]


def test_there_are_scenarios():
    assert len(FILES) > 10, "no conformance scenarios found"


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_same_as_c(path, cli, rulesets_dir):
    rc, c_rows, c_err = c_settle(cli, path, rulesets_dir)
    try:
        py_rows = scenario.settle_file(path, rulesets_dir)
    except scenario.ScenarioError as e:
        # unreadable for Python: it must be unreadable for C too (exit 2, nothing settled)
        assert rc == 2 and not c_rows, f"Python cannot read {path} ({e}) but C can: {c_err}"
        return
    assert rc != 2, f"C cannot read {path} but Python can: {c_err}"
    assert [(r["scenario"], r["claim_id"]) for r in py_rows] == \
           [(r["scenario"], r["claim_id"]) for r in c_rows], "different claims settled"
    for py, c in zip(py_rows, c_rows):
        where = f"{path.name} {c['claim_id']}"
        if "error" in c:
            assert py.get("error") == c["error"], \
                f"{where}: C failed with {c['error']} ({c['message']}), Python gave " \
                f"{py.get('error') or 'a settlement'} ({py.get('message')})"
            continue
        assert "error" not in py, f"{where}: C settled, Python failed: {py['error']}: " \
                                  f"{py['message']}"
        assert py["setlinfo"].keys() == c["setlinfo"].keys()
        for name, want in c["setlinfo"].items():
            got = py["setlinfo"][name]
            assert isinstance(got, Decimal) and got == want, \
                f"{where}: {name}: C {want}, Python {got}"
        assert py["setldetail"] == c["setldetail"], f"{where}: fund rows differ"
        assert py["covered"] == c["covered"] and py["reason"] == c["reason"], where

    # the checker: the same claims pass and fail as with `medbenefit check`
    c_rc, c_verdicts, c_out = c_check(cli, path, rulesets_dir)
    report = scenario.run(path, rulesets_dir)
    assert py_verdicts(report) == c_verdicts, \
        f"Python's check:\n{report}\nC's check:\n{c_out}"
    assert (c_rc == 0) == report.ok


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_expectations(path, cli, rulesets_dir):
    report = scenario.run(path, rulesets_dir)
    if report.ok:
        return
    c_rc, _, c_out = c_check(cli, path, rulesets_dir)
    if c_rc != 0:
        fails = [line for line in c_out.splitlines() if not line.startswith("PASS")]
        pytest.skip("the C check fails too (ruleset or scenario in progress): "
                    + " | ".join(" ".join(line.split()) for line in fails[:4]))
    pytest.fail(f"expectations fail through Python but pass in C:\n{report}")
