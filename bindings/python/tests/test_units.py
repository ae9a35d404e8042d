"""Units and types where Python values cross into C: nothing is guessed, truncated or cut.

An amount in yuan is a Decimal or a str; an amount in fen is an int, and only where the API says
fen (``fen=``, ``*_fen=``, ``account_balance_fen``, a DataFrame's ``*_fen`` column). A bare int
where yuan is expected is refused: 111150 fen read as yuan is 100 times too much. Integer
parameters take ints only, in the range of their C type; text holding a NUL is refused, not cut
at it; a Decimal is judged by its digits and exponent before it is ever written out.

Amounts: 锡医保服务〔2020〕41号 三 (Wuxi chronic, in service: deductible 500, then 70%) and
常政办发〔2022〕91号 二（二） (Changzhou: the account accrues 2% of the contribution base).
"""
import os
import subprocess
import sys
import textwrap
from decimal import Decimal

import pytest

import medbenefit as mb

from conftest import BINDING, RULESETS

WUXI = "wuxi-employee-chronic-2021"


def diabetic(**kw):
    e = mb.Enrollee("E1", "employee", "in_service", designated_facility="H001", **kw)
    return e.add_disease("糖尿病", "2021-01-05")


def chronic(**kw):
    return mb.Claim("C1", "2021-02-01", "chronic", "H001", "tertiary", disease="糖尿病", **kw)


# ---- a bare int is not yuan -------------------------------------------------------------------

BARE = {
    "add_item": lambda rs: chronic().add_item(120000),
    "add_item IntFlag": lambda rs: chronic().add_item(mb.Flag.REFERRAL),
    "to_fen": lambda rs: mb.to_fen(120000),
    "Enrollee(account_balance=)": lambda rs: mb.Enrollee("E", "employee", "in_service",
                                                         account_balance=100),
    "account_balance =": lambda rs: setattr(diabetic(), "account_balance", 100),
    "set_account_balance": lambda rs: diabetic().set_account_balance(100),
    "seed": lambda rs: diabetic().seed(WUXI, "chronic.paid", 2021, 100),
    "upstream compliant": lambda rs: chronic().upstream(1000, "600"),
    "upstream basic": lambda rs: chronic().upstream("1000", 0),
    "upstream critical_illness": lambda rs: chronic().upstream("1000", "600", 0),
    "account_accrual": lambda rs: rs.account_accrual("in_service", "2023-06-01", 8000),
    "accrue": lambda rs: diabetic().accrue(rs, "2023-06-01", 8000),
}


@pytest.mark.parametrize("call", BARE.values(), ids=BARE.keys())
def test_a_bare_int_is_not_taken_for_yuan(call, changzhou):
    with pytest.raises(TypeError, match=r"could be yuan or fen.*Decimal\('.*'\).*fen") as e:
        call(changzhou)
    assert "for fen" in str(e.value)


def test_the_message_names_the_fix():
    with pytest.raises(TypeError) as e:
        chronic().add_item(120000)
    assert str(e.value) == ("item amount: a bare int (120000) could be yuan or fen, so it is not "
                            "taken for either: pass Decimal('120000.00') or '120000.00' for "
                            "yuan, or fen=120000 for fen")
    with pytest.raises(TypeError, match=r"basic_fen=60000 for fen"):
        chronic().upstream("1000", 60000)
    with pytest.raises(TypeError, match=r"account_balance_fen = 500 for fen"):
        diabetic().account_balance = 500


@pytest.mark.parametrize("value", [True, False, 1.5, 1200.0])
def test_bool_and_float_are_not_yuan(value):
    c = chronic()
    with pytest.raises(TypeError):
        c.add_item(value)
    with pytest.raises(TypeError):
        diabetic().account_balance = value
    assert c.items == []


def test_numpy_ints_are_not_yuan():
    np = pytest.importorskip("numpy")
    with pytest.raises(TypeError, match="could be yuan or fen"):
        chronic().add_item(np.int64(111150))
    assert chronic().add_item(fen=np.int64(111150)).total == Decimal("1111.50")


# ---- fen, said so -----------------------------------------------------------------------------

def test_fen_keyword_settles_as_the_same_yuan(wuxi):
    by_fen = chronic().add_item(fen=111150)
    by_yuan = chronic().add_item("1111.50")
    assert by_fen.items == by_yuan.items and by_fen.total == Decimal("1111.50")
    s = mb.presettle(wuxi, diabetic(), by_fen)
    # 41号 三: deductible 500; (1111.50 - 500) x 70% = 428.05; cash 1111.50 - 428.05 = 683.45
    assert (s.medfee_sumamt, s.act_pay_dedc, s.hifp_pay, s.psn_cash_pay) == \
        (Decimal("1111.50"), Decimal("500.00"), Decimal("428.05"), Decimal("683.45"))
    assert s.fen == mb.presettle(wuxi, diabetic(), by_yuan).fen


def test_fen_alternatives_everywhere(changzhou):
    e = mb.Enrollee("E", "employee", "in_service", account_balance_fen=1230)
    assert e.account_balance == Decimal("12.30") and e.account_balance_fen == 1230
    e.account_balance_fen = 5
    assert e.account_balance == Decimal("0.05")
    assert e.set_account_balance(fen=700) is e and e.account_balance == Decimal("7.00")
    e.seed(WUXI, "chronic.paid", 2021, fen=10050)
    assert e.accumulator(WUXI, "chronic.paid", 2021) == Decimal("100.50")
    c = chronic().upstream(compliant_fen=100000, basic_fen=60000)
    assert c._upstream == (Decimal("1000.00"), Decimal("600.00"), None)
    c.upstream(compliant_fen=100000, critical_illness_fen=0)       # basic: none given, 0
    assert c._upstream == (Decimal("1000.00"), Decimal("0.00"), Decimal("0.00"))
    # 91号 二（二）: 2% of a base of 8000.00 yuan = 160.00
    assert changzhou.account_accrual("in_service", "2023-06-01", fen=800000) == Decimal("160.00")
    assert e.accrue(changzhou, "2023-06-01", fen=800000) == Decimal("160.00")
    assert e.account_balance == Decimal("167.00")


@pytest.mark.parametrize("fen", [1.5, 120000.0, True, Decimal("120000"), "120000"])
def test_fen_is_an_int_and_nothing_else(fen):
    c = chronic()
    with pytest.raises(TypeError, match="fen is an int"):
        c.add_item(fen=fen)
    with pytest.raises(TypeError, match="fen is an int"):
        diabetic().account_balance_fen = fen
    assert c.items == []


@pytest.mark.parametrize("fen, why", [(-1, "negative"), (10**14 + 1, "more than 10\\^12 yuan"),
                                      (2**64, "more than 10\\^12 yuan"),
                                      (-2**70, "negative")])
def test_fen_out_of_range_is_an_invalid_amount(fen, why):
    with pytest.raises(mb.InvalidAmountError, match=why):
        chronic().add_item(fen=fen)
    assert chronic().add_item(fen=10**14).total == Decimal("1000000000000.00")


def test_one_amount_once():
    with pytest.raises(TypeError, match="not both"):
        chronic().add_item("1200", fen=120000)
    with pytest.raises(TypeError, match="no amount"):
        chronic().add_item()
    with pytest.raises(TypeError, match="no amount"):
        chronic().upstream(basic="1")


# ---- DataFrames: the column's name is its unit ------------------------------------------------

def _frame(pd, column, values):
    n = len(values)
    return pd.DataFrame({"enrollee_id": ["E1"] * n, "claim_id": ["C1"] * n,
                         "date": ["2021-02-01"] * n, "med_type": ["chronic"] * n,
                         "facility_id": ["H001"] * n, "level": ["tertiary"] * n,
                         "disease": ["糖尿病"] * n, column: values})


def test_frame_int64_amount_column_is_refused(wuxi):
    pd = pytest.importorskip("pandas")
    df = _frame(pd, "amount", [111150])
    assert str(df["amount"].dtype) == "int64"
    with pytest.raises(TypeError, match="column amount is int64.*amount_fen"):
        mb.settle_frame(df, wuxi, {"E1": diabetic()})
    mixed = _frame(pd, "amount", ["1000.00", 11150])             # an int cell among yuan
    with pytest.raises(TypeError, match="column amount: a bare int.*amount_fen"):
        mb.settle_frame(mixed, wuxi, {"E1": diabetic()})


def test_frame_fen_column(wuxi):
    pd = pytest.importorskip("pandas")
    out = mb.settle_frame(_frame(pd, "amount_fen", [100000, 11150]), wuxi, {"E1": diabetic()},
                          amounts="decimal")
    # 41号 三: 1000.00 + 111.50 = 1111.50; (1111.50 - 500) x 70% = 428.05
    assert out.loc[0, "medfee_sumamt"] == Decimal("1111.50")
    assert out.loc[0, "hifp_pay"] == Decimal("428.05")
    nullable = _frame(pd, "amount_fen", pd.array([111150, None], dtype="Int64"))
    out = mb.settle_frame(nullable, wuxi, {"E1": diabetic()})    # fen: the default
    assert out.loc[0, "hifp_pay"] == 42805


def test_frame_fen_column_holds_ints_only(wuxi):
    pd = pytest.importorskip("pandas")
    with pytest.raises(TypeError, match="amount_fen is float64.*Int64"):
        mb.settle_frame(_frame(pd, "amount_fen", [111150.0, None]), wuxi, {"E1": diabetic()})
    with pytest.raises(TypeError, match="fen is an int, not str"):
        mb.settle_frame(_frame(pd, "amount_fen", ["111150"]), wuxi, {"E1": diabetic()})
    both = _frame(pd, "amount", ["1.00"]).assign(amount_fen=[100])
    with pytest.raises(ValueError, match="amount \\(yuan\\) and amount_fen \\(fen\\)"):
        mb.settle_frame(both, wuxi, {"E1": diabetic()})


def test_frame_upstream_columns():
    """upstream_..._fen columns reach the claim as Claim.upstream() gives them: a critical
    illness ruleset after basic insurance settled elsewhere reports the basic fund's 18,000.00
    paid upstream as hifp_pay, as settle() does."""
    pd = pytest.importorskip("pandas")
    rs = mb.Ruleset.from_id("example-critical-illness-resident", dirs=[str(RULESETS)])
    c = mb.Claim("C1", "2021-02-01", "inpatient", "H001", "tertiary").add_item(fen=3000000)
    c.upstream(compliant_fen=3000000, basic_fen=1800000)
    c.admission("2021-01-20", "2021-02-01")
    one = mb.settle(rs, mb.Enrollee("E1", "resident"), c).fen
    df = pd.DataFrame({"enrollee_id": ["E1"], "claim_id": ["C1"], "date": ["2021-02-01"],
                       "med_type": ["inpatient"], "facility_id": ["H001"],
                       "level": ["tertiary"], "admitted": ["2021-01-20"],
                       "discharged": ["2021-02-01"], "amount_fen": [3000000],
                       "upstream_compliant_fen": [3000000], "upstream_basic_fen": [1800000]})
    out = mb.settle_frame(df, rs, {"E1": mb.Enrollee("E1", "resident")})
    assert {n: out.loc[0, n] for n in mb.AMOUNT_NAMES} == one
    assert one["hifp_pay"] == 1800000
    yuan = df.drop(columns=["upstream_compliant_fen", "upstream_basic_fen"]).assign(
        upstream_compliant=["30000.00"], upstream_basic=[Decimal("18000.00")])
    out = mb.settle_frame(yuan, rs, {"E1": mb.Enrollee("E1", "resident")})
    assert {n: out.loc[0, n] for n in mb.AMOUNT_NAMES} == one
    df = _frame(pd, "amount", ["1.00"]).assign(upstream_compliant=[1000])
    with pytest.raises(TypeError, match="upstream_compliant is int64.*upstream_compliant_fen"):
        mb.settle_frame(df, None, {})


# ---- integer parameters: ints, in range -------------------------------------------------------

@pytest.mark.parametrize("flags", [1.5, True, Decimal(1), "1"])
def test_flags_take_an_int(flags):
    c = chronic()
    with pytest.raises(TypeError):
        c.flags = flags
    assert c.flags == mb.Flag(0)


@pytest.mark.parametrize("flags", [-1, 2**32, 2**64])
def test_flags_out_of_unsigned_range(flags):
    with pytest.raises(mb.InvalidArgumentError, match="outside 0..4294967295"):
        chronic().flags = flags


@pytest.mark.parametrize("value", ["false", 1.5, None, 2])
def test_flag_properties_take_a_bool(value):
    c = chronic()
    with pytest.raises(TypeError, match="expected True or False"):
        c.referral = value
    with pytest.raises(TypeError, match="in_province: expected True or False"):
        chronic(in_province=value)
    assert c.flags == mb.Flag(0)


@pytest.mark.parametrize("relation", [1.5, True, Decimal(1)])
def test_relation_takes_an_int(relation, changzhou):
    patient = mb.Enrollee("P", "employee", "in_service", first_visit_facility="C01")
    payer = mb.Enrollee("F", "employee", "in_service", account_balance="1000")
    before = payer.save()
    c = mb.Claim("C1", "2023-06-01", "general_outpatient", "C01").add_item("1000")
    with pytest.raises(TypeError):
        mb.settle_family(changzhou, patient, payer, relation, c)
    with pytest.raises(mb.UnknownCodeError, match="relation"):
        mb.settle_family(changzhou, patient, payer, 2**40, c)
    assert payer.save() == before


def test_reserve_takes_a_size():
    e = diabetic()
    for bad in (1.5, True, Decimal(8), "8"):
        with pytest.raises(TypeError):
            e.reserve(bad)
    for bad in (-1, 2**64):
        with pytest.raises(mb.InvalidArgumentError, match="reserve"):
            e.reserve(bad)
    assert e.reserve(64) is e


def test_dates_codes_periods_and_ratios_take_exact_values():
    assert chronic().date == mb.Claim("C", 20210201, "chronic").date
    with pytest.raises(mb.InvalidDateError, match="date"):
        mb.Claim("C", 2**31, "chronic")
    with pytest.raises(TypeError):
        mb.Claim("C", 20210201.0, "chronic")
    with pytest.raises(TypeError):
        mb.Claim("C", "2021-02-01", 14.0)
    with pytest.raises(mb.UnknownCodeError, match="med_type"):
        mb.Claim("C", "2021-02-01", 2**40)
    with pytest.raises(mb.UnknownCodeError, match="item class"):
        chronic().add_item("1", 2**40)
    with pytest.raises(mb.InvalidDateError, match="period"):
        diabetic().seed(WUXI, "chronic.paid", 2**31, "1")
    with pytest.raises(TypeError):
        diabetic().seed(WUXI, "chronic.paid", 2021.0, "1")
    with pytest.raises(TypeError, match="ratios are str or Decimal"):
        chronic().add_item("1", "B", 1)        # 1: 100% or 1%?
    with pytest.raises(TypeError):
        mb.to_yuan(1.5)
    assert mb.to_yuan(150) == Decimal("1.50")


# ---- text with a NUL --------------------------------------------------------------------------

NUL = {
    "to_fen": lambda: mb.to_fen("12\x0034"),
    "claim id": lambda: mb.Claim("C1\x00X", "2021-02-01", "chronic"),
    "med_type": lambda: mb.Claim("C1", "2021-02-01", "chronic\x00zz"),
    "date": lambda: mb.Claim("C1", "2021-02-01\x00junk", "chronic"),
    "facility": lambda: mb.Claim("C1", "2021-02-01", "chronic", "H001\x00X"),
    "disease": lambda: chronic().set_disease("糖尿病\x00x"),
    "item class": lambda: chronic().add_item("1", "A\x00"),
    "ratio": lambda: chronic().add_item("1", "B", "10%\x00junk"),
    "enrollee id": lambda: mb.Enrollee("E\x001", "employee", "in_service"),
    "enrollee id bytes": lambda: mb.Enrollee(b"E\x001", "employee", "in_service"),
    "scheme": lambda: mb.Enrollee("E", "employee\x00", "in_service"),
    "add_disease": lambda: diabetic().add_disease("高血压\x00", "2021-01-05"),
    "designated facility": lambda: setattr(diabetic(), "designated_facility", "H0\x001"),
    "seed ruleset": lambda: diabetic().seed(WUXI + "\x00", "chronic.paid", 2021, "1"),
    "seed period": lambda: diabetic().seed(WUXI, "chronic.paid", "2021\x00", "1"),
    "accumulator key": lambda: diabetic().accumulator(WUXI, "chronic.paid\x00x", 2021),
    "ruleset path": lambda: mb.Ruleset.load(str(RULESETS / (WUXI + ".yaml")) + "\x00junk"),
    "ruleset id": lambda: mb.Ruleset.from_id(WUXI + "\x00junk", dirs=[str(RULESETS)]),
    "ruleset dirs": lambda: mb.Ruleset.from_id(WUXI, dirs=[str(RULESETS) + "\x00junk"]),
}


@pytest.mark.parametrize("call", NUL.values(), ids=NUL.keys())
def test_text_with_a_nul_is_refused_not_cut(call):
    with pytest.raises(mb.InvalidArgumentError, match="NUL") as e:
        call()
    assert isinstance(e.value, ValueError)


def test_findings_are_text(wuxi):
    with pytest.raises(mb.InvalidArgumentError, match="NUL"):
        wuxi.assess("糖尿病", ["1\x00"])
    with pytest.raises(TypeError, match="finding"):
        wuxi.assess("糖尿病", [2.1])            # "2.10" would read as 2.1


# ---- Decimals with exponents far from their digits --------------------------------------------

@pytest.mark.parametrize("value, message", [
    ("1E+1000000", "item amount: amount 1E+1000000 is more than 10^12 yuan"),
    ("-1E+999999", "item amount: amount -1E+999999 is negative"),
    ("1E-1000000", "item amount: amount 1E-1000000 has more than two decimals"),
    ("1.0000000000000000000000000000000000000001",
     "item amount: amount 1.0000000000000000000000000000000000000001 has more than two decimals"),
    ("1E+13", "item amount: amount 1E+13 is more than 10^12 yuan"),
    ("NaN", "item amount: NaN is not an amount"),
    ("-Infinity", "item amount: -Infinity is not an amount"),
    ("sNaN", "item amount: sNaN is not an amount"),
])
def test_decimal_is_judged_by_digits_and_exponent(value, message):
    c = chronic()
    with pytest.raises(mb.InvalidAmountError) as e:
        c.add_item(Decimal(value))
    assert e.value.message.startswith(message), e.value.message
    assert c.items == []


@pytest.mark.parametrize("value, fen", [
    ("0E+1000000000", 0), ("-0E-1000000000", 0), ("1E+12", 10**14), ("1.500000", 150),
    ("12.3", 1230), ("5E-2", 5), ("999999999999.99", 99999999999999),
])
def test_decimal_exact_values(value, fen):
    assert mb.to_fen(Decimal(value)) == fen


def test_decimal_ratio_is_judged_by_digits_and_exponent():
    with pytest.raises(mb.InvalidArgumentError, match="ratio 1E\\+1000000 is above 100%"):
        chronic().add_item("1", "B", Decimal("1e1000000"))
    with pytest.raises(mb.InvalidArgumentError, match="more than four decimals"):
        chronic().add_item("1", "B", Decimal("1e-1000000"))
    assert chronic().add_item("1", "B", Decimal("0.1000")).items[0].first_selfpay_ratio == \
        Decimal("10.00")


def test_absurd_exponents_are_refused_in_little_memory():
    """Decimal('1e1000000000') is 13 characters; written out it is a billion digits (1 GB and
    about 30 s). In a child process whose address space allows 256 MB more than it needs to
    start, each is refused by the check on its exponent; writing one out would fail there with
    MemoryError instead."""
    script = textwrap.dedent("""
        import resource
        from decimal import Decimal
        import medbenefit as mb
        with open("/proc/self/status") as f:
            size = next(int(l.split()[1]) for l in f if l.startswith("VmSize:")) * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size + (256 << 20), size + (256 << 20)))
        c = mb.Claim("C1", "2021-02-01", "chronic")
        for text in ("1e1000000000", "-1E+999999999", "1E-999999999", "1E+999999999"):
            try:
                c.add_item(Decimal(text))
                print("accepted", text)
            except mb.InvalidAmountError as e:
                print(e.message)
        try:
            c.add_item("1", "B", Decimal("1e1000000000"))
        except mb.InvalidArgumentError as e:
            print(e.message)
    """)
    env = dict(os.environ, PYTHONPATH=str(BINDING))
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.splitlines() == [
        "item amount: amount 1E+1000000000 is more than 10^12 yuan",
        "item amount: amount -1E+999999999 is negative",
        "item amount: amount 1E-999999999 has more than two decimals (amounts are yuan to the "
        "fen)",
        "item amount: amount 1E+999999999 is more than 10^12 yuan",
        "first_selfpay_ratio: ratio 1E+1000000000 is above 100%",
    ]
