"""Scenario files (../shared/spec/scenario.md, docs/scenario-format.md) settled through the Python
API, with the same reading and the same checks as the C program's ``medbenefit check`` and
``medbenefit settle`` (tools/medbenefit.c, tools/scenario.c):

    report = medbenefit.scenario.run("tests/conformance/wuxi-diabetes.yaml", "rulesets")
    print(report)                       # PASS/FAIL lines, then "N passed, N failed"
    report.ok                           # True when every claim passed

    python3 -m medbenefit.scenario check  [--rulesets DIR] FILE...
    python3 -m medbenefit.scenario settle [--rulesets DIR] FILE...

Every scalar is read as text, as the C program's schema reads it (YAML's own typing would turn
1000.10 into a float and lose the fen): amounts go to mb_amount_parse, dates to mb_date_parse,
codes to the mb_*_parse functions. Unknown keys, YAML aliases and repeated keys are errors.
"""
from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from typing import (Any, Callable, Dict, Iterable, Iterator, List, Literal, Optional,
                    Sequence)

# Debian packages no types-PyYAML
import yaml  # type: ignore[import]

from . import errors as _errors
from ._codes import MedType, med_type_code, to_fen, to_ymd, to_yuan
from .core import Claim, Enrollee, Ruleset, Settlement, settle
from .errors import MedbenefitError, status_name

__all__ = ["run", "run_files", "settle_file", "load", "ScenarioError", "Report", "Outcome",
           "EXPECT_KEYS", "expect_amounts"]

EXPECT_KEYS = {
    "fund_pay": "fund_pay_sumamt",
    "basic": "hifp_pay",
    "large_amount": "hifob_pay",
    "critical_illness": "hifmi_pay",
    "assistance": "maf_pay",
    "acct_pay": "acct_pay",
    "cash_pay": "psn_cash_pay",
    "deductible": "act_pay_dedc",
}
"""A scenario's ``expect`` amount keys -> the setlinfo amounts they check (as tools/scenario.c)."""

INVALID_ARGUMENT = _errors.InvalidArgumentError.status
INVALID_DATE = _errors.InvalidDateError.status


def expect_amounts(settlement: Settlement) -> Dict[str, Decimal]:
    """A settlement's amounts under the scenario's expect keys: {key: Decimal}."""
    return {k: getattr(settlement, v) for k, v in EXPECT_KEYS.items()}


# ---- reading ----------------------------------------------------------------------------------

class ScenarioError(ValueError):
    """A scenario file cannot be read: ``file``, ``line`` (1-based, 0 unknown) and message."""

    def __init__(self, file: str, line: int, message: str) -> None:
        self.file, self.line, self.message = file, line, message
        super().__init__(f"{file}:{line}: {message}" if line else f"{file}: {message}")


S = str  # a scalar field
PERIOD = "period"  # a scalar field that must be a year (2023) or quarter (20232) in digits

_DISEASE = {"name": S, "code": S, "certified_on": S, "valid_until": S}
_IDENTITY = {"category": S, "from": S, "to": S}
_SEED = {"ruleset": S, "key": S, "period": PERIOD, "amount": S}
_NAMED_IDENTITY = {"name": S, "from": S, "to": S}
_ENROLLEE = {"id": S, "scheme": S, "person_type": S, "account_balance": S,
             "designated_facility": S, "first_visit_facility": S, "birth_date": S,
             "diseases": [_DISEASE], "assistance": [_IDENTITY],
             "identities": [_NAMED_IDENTITY], "accumulators": [_SEED]}
_FACILITY = {"id": S, "level": S, "category": S}
_ITEM = {"amount": S, "class": S, "first_selfpay_ratio": S}
_UPSTREAM = {"compliant": S, "basic": S, "critical_illness": S, "assistance": S}
_EXPECT: Dict[str, Any] = {**{k: S for k in (*EXPECT_KEYS, "covered", "error")},
           "cites": [{"rule": S, "cite": S}]}
_CLAIM = {"id": S, "date": S, "med_type": S, "disease": S, "treatment": S, "admitted": S,
          "discharged": S, "referral": S, "emergency": S, "out_of_area": S,
          "designated_specialty": S, "in_province": S, "reverse": S, "facility": _FACILITY,
          "prescribed_by": _FACILITY, "items": [_ITEM], "upstream": _UPSTREAM,
          "expect": _EXPECT}
_ASSESSMENT = {"id": S, "disease": S, "findings": [S],
               "expect": {"certified": S, "unmet": S}}
SCHEMA = {"name": S, "rulesets": [S], "enrollee": _ENROLLEE, "claims": [_CLAIM],
          "assessments": [_ASSESSMENT]}
"""The scenario schema, as tools/scenario.c declares it: every leaf is text."""


class _Loader(yaml.BaseLoader):
    """Every scalar as text (no implicit typing), and no aliases (as CYAML_CFG_NO_ALIAS)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "YAML alias unsupported",
                                              event.start_mark)
        return super().compose_node(parent, index)


def _convert(node: Any, schema: Any, file: str, where: str) -> Any:
    line = node.start_mark.line + 1
    if schema is S or schema is PERIOD:
        if not isinstance(node, yaml.ScalarNode):
            raise ScenarioError(file, line, f"{where}: expected a scalar, got a "
                                            f"{_kind(node)}")
        if schema is PERIOD and not _is_null(node.value) and _int32(node.value) is None:
            raise ScenarioError(file, line, f"{where}: '{node.value}' is not a period: a year "
                                            "(2023) or a quarter (20232), in digits")
        return node.value
    if isinstance(schema, list):
        if not isinstance(node, yaml.SequenceNode):
            raise ScenarioError(file, line, f"{where}: expected a sequence, got a {_kind(node)}")
        return [_convert(n, schema[0], file, f"{where}[{i}]") for i, n in enumerate(node.value)]
    if not isinstance(node, yaml.MappingNode):
        raise ScenarioError(file, line, f"{where or 'the scenario'}: expected a mapping, got a "
                                        f"{_kind(node)}")
    out = {}
    for k, v in node.value:
        kline = k.start_mark.line + 1
        if not isinstance(k, yaml.ScalarNode):
            raise ScenarioError(file, kline, f"{where}: keys are text")
        if k.value not in schema:
            raise ScenarioError(file, kline, f"unknown key '{k.value}'"
                                             f"{' in ' + where if where else ''} (expected one "
                                             f"of: {', '.join(schema)})")
        if k.value in out:
            raise ScenarioError(file, kline, f"key '{k.value}' given twice")
        out[k.value] = _convert(v, schema[k.value], file,
                                f"{where}.{k.value}" if where else k.value)
    return out


def _int32(text: str) -> Optional[int]:
    """tools/scenario.c's int32_of: an optional '-' then ASCII digits, within int32_t; else
    None. Not int(), which takes ' 2023', '+2023', '2_023' and other scripts' digits."""
    digits = text[1:] if text.startswith("-") else text
    if not digits or not (digits.isascii() and digits.isdigit()):
        return None
    v = int(text)
    return v if -2**31 <= v < 2**31 else None


def _kind(node: Any) -> str:
    return {yaml.ScalarNode: "scalar", yaml.SequenceNode: "sequence",
            yaml.MappingNode: "mapping"}[type(node)]


def load(path: str) -> Dict[str, Any]:
    """Read a scenario file into plain dicts and lists of str; ScenarioError if malformed."""
    file = os.fspath(path)
    try:
        with open(file, "rb") as f:
            data = f.read()
    except OSError as e:
        raise ScenarioError(file, 0, f"cannot open: {e.strerror}") from e
    try:
        node = yaml.compose(data.decode("utf-8"), Loader=_Loader)
    except UnicodeDecodeError as e:
        raise ScenarioError(file, 0, f"not UTF-8: {e}") from e
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise ScenarioError(file, mark.line + 1 if mark else 0,
                            getattr(e, "problem", None) or str(e)) from e
    if node is None:
        raise ScenarioError(file, 0, "the file holds no scenario")
    return _convert(node, SCHEMA, file, "")


# ---- building objects, as tools/scenario.c does -----------------------------------------------

def _is_null(s: Any) -> bool:
    """tools/scenario.c's is_null: absent, null, ~ or empty."""
    return s is None or s in ("null", "~", "")


def _is_null_expect(s: Any) -> bool:
    """tools/medbenefit.c's is_null (for expect values): absent, null or ~ (not empty)."""
    return s is None or s in ("null", "~")


class _Fail(Exception):
    def __init__(self, status: Optional[int], message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def _lib(what: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call the Python API; turn a library error into _Fail with the C program's wording."""
    try:
        return fn(*args, **kwargs)
    except MedbenefitError as e:
        raise _Fail(e.status, f"{what}{e.message}") from e


def _flag(text: Any, what: str, default: bool) -> bool:
    if _is_null(text):
        return default
    if text == "true":
        return True
    if text == "false":
        return False
    raise _Fail(INVALID_ARGUMENT, f"{what}: expected true or false, got '{text}'")


def build_enrollee(se: Optional[Dict[str, Any]], cache: "RulesetCache",
                   rulesets: Sequence[Ruleset] = ()) -> Enrollee:
    """An Enrollee from a scenario's ``enrollee`` mapping (raises _Fail); its accumulators are
    seeded checked against the rulesets they name, found in ``cache``; named identities are
    recorded by the first of the scenario's ``rulesets`` that knows them."""
    if se is None:
        raise _Fail(INVALID_ARGUMENT, "the scenario has claims but no enrollee")
    if _is_null(se.get("scheme")):
        raise _Fail(INVALID_ARGUMENT, "enrollee: scheme is required")
    person = se.get("person_type")
    e = _lib("enrollee: ", Enrollee, se.get("id"), se["scheme"],
             None if _is_null(person) else person)
    try:
        if not _is_null(se.get("account_balance")):
            _lib("", setattr, e, "account_balance", se["account_balance"])
        if not _is_null(se.get("designated_facility")):
            _lib("enrollee: ", setattr, e, "designated_facility", se["designated_facility"])
        if not _is_null(se.get("first_visit_facility")):
            _lib("enrollee: ", setattr, e, "first_visit_facility", se["first_visit_facility"])
        for i, d in enumerate(se.get("diseases", [])):
            name = d.get("code") if not _is_null(d.get("code")) else d.get("name")
            if _is_null(name) or _is_null(d.get("certified_on")):
                raise _Fail(INVALID_ARGUMENT, f"enrollee.diseases[{i}]: name (or code) and "
                                              "certified_on are required")
            until = d.get("valid_until")
            _lib("enrollee: ", e.add_disease, name, d["certified_on"],
                 None if _is_null(until) else until)
        for i, a in enumerate(se.get("assistance", [])):
            if _is_null(a.get("from")) or _is_null(a.get("category")):
                raise _Fail(INVALID_ARGUMENT, f"enrollee.assistance[{i}]: category and from "
                                              "are required")
            to = a.get("to")
            _lib("enrollee: ", e.add_assistance, a["category"], a["from"],
                 None if _is_null(to) else to)
        if not _is_null(se.get("birth_date")):
            _lib("enrollee: ", setattr, e, "birth_date", se["birth_date"])
        for i, a in enumerate(se.get("identities", [])):
            if _is_null(a.get("from")) or _is_null(a.get("name")):
                raise _Fail(INVALID_ARGUMENT, f"enrollee.identities[{i}]: name and from are "
                                              "required")
            to = None if _is_null(a.get("to")) else a["to"]
            if not rulesets:
                raise _Fail(INVALID_ARGUMENT, f"enrollee.identities[{i}]: the scenario names "
                                              "no ruleset")
            for k, rid in enumerate(rulesets):
                rs = _lib("enrollee: ", cache.get, rid)
                try:
                    e.add_identity(rs, a["name"], a["from"], to)
                    break
                except _errors.UnknownCodeError as x:
                    if k + 1 == len(rulesets):
                        raise _Fail(x.status, f"enrollee: {x.message}") from x
                except MedbenefitError as x:
                    raise _Fail(x.status, f"enrollee: {x.message}") from x
        for i, s in enumerate(se.get("accumulators", [])):
            if any(_is_null(s.get(k)) for k in ("ruleset", "key", "period", "amount")):
                raise _Fail(INVALID_ARGUMENT, f"enrollee.accumulators[{i}]: ruleset, key, "
                                              "period and amount are required")
            period = _int32(s["period"])
            if period is None:
                raise _Fail(INVALID_DATE, f"enrollee.accumulators[{i}].period: '{s['period']}' "
                                          "is not a period: a year (2023) or a quarter (20232), "
                                          "in digits")
            fen = _lib("", to_fen, s["amount"], "accumulators.amount")
            # checked against the ruleset, so that a misspelt key is an error, not a figure
            # that no settlement reads
            rs = _lib("enrollee: ", cache.get, s["ruleset"])
            _lib("enrollee: ", e.seed, rs, s["key"], period, fen=fen)
    except BaseException:
        e.close()
        raise
    return e


def build_claim(sc: Dict[str, Any]) -> Claim:
    """A Claim from one of a scenario's ``claims`` (raises _Fail)."""
    if _is_null(sc.get("date")) or _is_null(sc.get("med_type")):
        raise _Fail(INVALID_ARGUMENT, "date and med_type are required")
    ymd = _lib("", to_ymd, sc["date"], "date")
    med = _lib("", med_type_code, sc["med_type"])
    facility = sc.get("facility")
    fac, level = None, "primary"
    if facility is not None:
        fac = facility.get("id")
        if not _is_null(facility.get("level")):
            level = facility["level"]
    elif med == MedType.PHARMACY:
        level = "pharmacy"
    claim = _lib("", Claim, sc.get("id"), ymd, med, fac, level)
    try:
        if facility is not None and not _is_null(facility.get("category")):
            _lib("", claim.facility_category, facility["category"])
        flags = dict(referral=_flag(sc.get("referral"), "referral", False),
                     emergency=_flag(sc.get("emergency"), "emergency", False),
                     out_of_area=_flag(sc.get("out_of_area"), "out_of_area", False),
                     designated_specialty=_flag(sc.get("designated_specialty"),
                                                "designated_specialty", False),
                     in_province=_flag(sc.get("in_province"), "in_province", True))
        for name, on in flags.items():
            if on != getattr(claim, name):
                _lib("", setattr, claim, name, on)
        if not _is_null(sc.get("disease")):
            t = sc.get("treatment")
            _lib("", claim.set_disease, sc["disease"], None if _is_null(t) else t)
        if not _is_null(sc.get("admitted")) or not _is_null(sc.get("discharged")):
            if _is_null(sc.get("admitted")) or _is_null(sc.get("discharged")):
                raise _Fail(INVALID_DATE, "admitted and discharged go together")
            _lib("", claim.admission, sc["admitted"], sc["discharged"])
        p = sc.get("prescribed_by")
        if p is not None:
            _lib("", claim.prescriber, p.get("id"),
                 "primary" if _is_null(p.get("level")) else p["level"])
        for i, it in enumerate(sc.get("items", [])):
            if _is_null(it.get("amount")):
                raise _Fail(INVALID_ARGUMENT, f"items[{i}]: amount is required")
            cls = "A" if _is_null(it.get("class")) else it["class"]
            ratio = it.get("first_selfpay_ratio")
            _lib("", claim.add_item, it["amount"], cls, None if _is_null(ratio) else ratio)
        u = sc.get("upstream")
        if u is not None:
            if _is_null(u.get("compliant")):
                raise _Fail(INVALID_ARGUMENT, "upstream: compliant is required")
            ci = u.get("critical_illness")
            _lib("", claim.upstream, u["compliant"],
                 "0" if _is_null(u.get("basic")) else u["basic"], None if _is_null(ci) else ci)
            if not _is_null(u.get("assistance")):
                _lib("", claim.upstream_assistance, u["assistance"])
    except BaseException:
        claim.close()
        raise
    return claim


# ---- running ----------------------------------------------------------------------------------

@dataclass
class Outcome:
    """One claim (or assessment) of a scenario: settled, checked, or failed."""

    file: str
    scenario: str
    claim_id: str
    passed: bool = True
    problems: list = field(default_factory=list)   # the C program's "why" lines
    settlement: Optional[Settlement] = None        # the Settlement, when it settled
    error: Optional[str] = None                    # the status name, when it failed
    message: Optional[str] = None

    def line(self) -> str:
        head = f"{'PASS' if self.passed else 'FAIL'} {self.file} [{self.scenario}] {self.claim_id}"
        return head + "".join(f"\n    {p}" for p in self.problems)

    def as_json(self) -> Dict[str, Any]:
        """The object ``medbenefit settle`` prints for this claim (amounts as Decimal)."""
        if self.settlement is None:
            return {"scenario": self.scenario, "claim_id": self.claim_id, "error": self.error,
                    "message": self.message}
        d = self.settlement.as_dict()
        return {"scenario": self.scenario, "claim_id": self.claim_id, **d}


@dataclass
class Report:
    """The outcomes of one or more scenario files, in order."""

    outcomes: list = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(1 for o in self.outcomes if o.passed)

    @property
    def failed(self) -> int:
        return sum(1 for o in self.outcomes if not o.passed)

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def lines(self) -> List[str]:
        return [o.line() for o in self.outcomes] + [f"{self.passed} passed, {self.failed} failed"]

    def __str__(self) -> str:
        return "\n".join(self.lines())


class RulesetCache:
    """Rulesets by id, found in ``rulesets_dir`` then the library's search path; closes them
    all on close()."""

    def __init__(self, rulesets_dir: str = "rulesets") -> None:
        self.dir = os.fspath(rulesets_dir) if rulesets_dir is not None else None
        self._loaded: Dict[str, Ruleset] = {}

    def get(self, id: str) -> Ruleset:
        if id not in self._loaded:
            self._loaded[id] = Ruleset.from_id(id, dirs=[self.dir] if self.dir else None)
        return self._loaded[id]

    def close(self) -> None:
        for rs in self._loaded.values():
            rs.close()
        self._loaded.clear()

    def __enter__(self) -> "RulesetCache":
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        self.close()
        return False


def _check_amount(problems: List[str], key: str, expected: Any, got: int) -> None:
    if _is_null_expect(expected):
        return
    try:
        want = to_fen(expected, "expected")
    except MedbenefitError:
        problems.append(f"{key}: expected value '{expected}' is not an amount")
        return
    if want != got:
        problems.append(f"{key}: expected {to_yuan(want)}, got {to_yuan(got)}")


def _check_cites(problems: List[str], cites: List[Dict[str, str]],
                 trace: List[Dict[str, Any]]) -> None:
    """Each expected citation: a trace step of that rule citing exactly that clause (as
    tools/medbenefit.c's check_cites)."""
    for i, want in enumerate(cites):
        rule, cite = want.get("rule"), want.get("cite")
        if _is_null_expect(rule) or _is_null_expect(cite) or not rule or not cite:
            problems.append(f"cites[{i}]: rule and cite are required")
            continue
        got = [step["cite"] for step in trace if step["rule"] == rule]
        if cite in got:
            continue
        if got:
            problems.append(f"cites {rule}: expected '{cite}', got "
                            + " | ".join(f"'{c}'" for c in got))
        else:
            problems.append(f"cites {rule}: no step of this rule in the trace")


def _run(file: str, label: str, cache: "RulesetCache", mode: str) -> Iterator[Outcome]:
    """Settle (and in check mode, check) one scenario file: yields an Outcome per claim."""
    try:
        s = load(file)
    except ScenarioError as e:
        yield Outcome(label, "-", "-", False, [str(e)], message=str(e))
        return
    name = s.get("name") or "(unnamed)"
    setup = None
    chain = []
    ids = s.get("rulesets", [])
    if not 1 <= len(ids) <= 8:
        setup = "a scenario lists 1 to 8 rulesets"
    for rid in ids:
        if setup:
            break
        try:
            chain.append(cache.get(rid))
        except MedbenefitError as e:
            setup = f"ruleset {rid}: {e.message}"
    enrollee = None
    if setup is None:
        try:
            enrollee = build_enrollee(s.get("enrollee"), cache, s.get("rulesets") or ())
        except _Fail as e:
            setup = e.message
    try:
        for sc in s.get("claims", []):
            claim_id = sc.get("id") or "(no id)"
            status: Any = 0  # an mb_status (MedbenefitError.status)
            msg, settlement = "", None
            if setup is not None:
                status, msg = INVALID_ARGUMENT, setup
            else:
                try:
                    claim = build_claim(sc)
                except _Fail as e:
                    status, msg = e.status, e.message
                else:
                    with claim:
                        try:
                            assert enrollee is not None  # no setup failure
                            settlement = settle(chain, enrollee, claim)
                        except MedbenefitError as e:
                            status, msg = e.status, e.message
                    if settlement is not None and sc.get("reverse") == "true":
                        try:
                            settlement.reverse()
                        except MedbenefitError as e:
                            status, msg = e.status, f"reverse: {e.message}"
                            settlement = None
            out = Outcome(label, name, claim_id, status == 0, settlement=settlement,
                          error=None if status == 0 else status_name(status),
                          message=None if status == 0 else msg)
            if mode == "check":
                _check(out, sc.get("expect"), status, msg, setup)
            if settlement is not None:
                settlement.close()  # the data stays; only the C result handle goes
            yield out
        if mode == "check":
            rs = None
            if ids:
                try:
                    rs = cache.get(ids[0])
                except MedbenefitError:
                    rs = None
            for a in s.get("assessments", []):
                yield _assess(label, name, a, rs)
    finally:
        if enrollee is not None:
            enrollee.close()


def _assess(label: str, name: str, a: Dict[str, Any], rs: Optional[Ruleset]) -> Outcome:
    """One assessment, as tools/medbenefit.c's run_assessment checks it."""
    out = Outcome(label, name, a.get("id") or "(no id)")
    if rs is None:
        out.problems.append(f"error: {status_name(_errors.NotFoundError.status)}: the scenario "
                            "names no ruleset")
    else:
        try:
            got = rs.assess(a.get("disease"), a.get("findings", []))  # type: ignore[arg-type]
        except MedbenefitError as e:
            out.problems.append(f"error: {e.name}: {e.message}")
        else:
            x = a.get("expect")
            if x is not None:
                if not _is_null_expect(x.get("certified")):
                    want = x["certified"] == "true"
                    if want != got.certified:
                        out.problems.append(
                            f"certified: expected {'true' if want else 'false'}, got "
                            + ("true" if got.certified else f"false — unmet: {got.unmet}"))
                if not _is_null_expect(x.get("unmet")) and x["unmet"] != got.unmet:
                    out.problems.append(f"unmet: expected '{x['unmet']}', got '{got.unmet}'")
    out.passed = not out.problems
    return out


def _check(out: Outcome, x: Optional[Dict[str, Any]], status: Any, msg: str,
           setup: Optional[str]) -> None:
    problems = out.problems
    want_error = x.get("error") if x and not _is_null_expect(x.get("error")) else None
    if setup is not None:
        problems.append(f"setup: {setup}")
    elif want_error is not None:
        if status == 0 or want_error != status_name(status):
            problems.append(f"error: expected {want_error}, got "
                            + ("success" if status == 0 else f"{status_name(status)}: {msg}"))
    elif status != 0:
        problems.append(f"error: {status_name(status)}: {msg}")
    else:
        st = out.settlement
        assert st is not None  # status 0: it settled
        if x:
            for key, amount in EXPECT_KEYS.items():
                _check_amount(problems, key, x.get(key), st.fen[amount])
            _check_cites(problems, x.get("cites", []), st.trace)
            if not _is_null_expect(x.get("covered")):
                want = x["covered"] == "true"
                if want != st.covered:
                    problems.append(f"covered: expected {'true' if want else 'false'}, got "
                                    + ("true" if st.covered else f"false — {st.reason}"))
        f = st.fen
        if f["fund_pay_sumamt"] + f["acct_pay"] + f["psn_cash_pay"] != f["medfee_sumamt"]:
            problems.append(f"fund_pay + acct_pay + cash_pay != total ({f['fund_pay_sumamt']} + "
                            f"{f['acct_pay']} + {f['psn_cash_pay']} != {f['medfee_sumamt']} fen)")
    out.passed = not problems


def run(path: str, rulesets_dir: str = "rulesets", *,
        cache: Optional["RulesetCache"] = None) -> "Report":
    """Settle a scenario file through the Python API and check its expectations exactly as
    ``medbenefit check`` does. Returns a Report (``print(report)`` gives the same lines)."""
    return run_files([path], rulesets_dir, cache=cache)


def run_files(paths: Iterable[str], rulesets_dir: str = "rulesets", *,
              cache: Optional["RulesetCache"] = None) -> "Report":
    """``run`` over several files, sharing loaded rulesets; one Report."""
    own = cache is None
    cache = cache or RulesetCache(rulesets_dir)
    try:
        report = Report()
        for p in paths:
            report.outcomes.extend(_run(os.fspath(p), os.fspath(p), cache, "check"))
        return report
    finally:
        if own:
            cache.close()


def settle_file(path: str, rulesets_dir: str = "rulesets", *,
                cache: Optional["RulesetCache"] = None) -> List[Dict[str, Any]]:
    """Settle a scenario file's claims without checking: one dict per claim, shaped as
    ``medbenefit settle`` prints it (amounts Decimal). Raises ScenarioError if unreadable."""
    load(path)  # raise for an unreadable file rather than report it as a claim
    own = cache is None
    cache = cache or RulesetCache(rulesets_dir)
    try:
        return [o.as_json() for o in _run(os.fspath(path), os.fspath(path), cache, "settle")]
    finally:
        if own:
            cache.close()


def json_line(obj: Any) -> str:
    """One ``settle`` object as the C program prints it (amounts with two decimals, unquoted)."""
    def enc(v: Any) -> Any:
        if isinstance(v, Decimal):
            return str(v)
        if isinstance(v, dict):
            return "{" + ",".join(f"{json.dumps(k)}:{enc(x)}" for k, x in v.items()) + "}"
        if isinstance(v, list):
            return "[" + ",".join(enc(x) for x in v) + "]"
        return json.dumps(v, ensure_ascii=False)
    return enc(obj)


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    usage = "usage: python3 -m medbenefit.scenario check|settle [--rulesets DIR] FILE..."
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in ("check", "settle"):
        print(usage, file=sys.stdout if argv and argv[0] in ("-h", "--help") else sys.stderr)
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    mode, rest, rulesets_dir, files = argv[0], argv[1:], "rulesets", []
    while rest:
        a = rest.pop(0)
        if a == "--rulesets":
            if not rest:
                print("--rulesets needs a directory", file=sys.stderr)
                return 2
            rulesets_dir = rest.pop(0)
        else:
            files.append(a)
    if not files:
        print(usage, file=sys.stderr)
        return 2
    if mode == "check":
        report = run_files(files, rulesets_dir)
        print(report)
        return 0 if report.ok else 1
    failed = unreadable = 0
    with RulesetCache(rulesets_dir) as cache:
        for f in files:
            try:
                rows = settle_file(f, cache=cache)
            except ScenarioError as e:
                print(f"medbenefit: {e}", file=sys.stderr)
                failed += 1
                unreadable += 1
                continue
            for r in rows:
                failed += "error" in r
                print(json_line(r))
    return 2 if unreadable else 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
