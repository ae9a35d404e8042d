"""Unit tests of the Python API: errors, exact money, handles, save/restore, reversal, batches.

Amounts are from 锡医保服务〔2020〕41号 三 (Wuxi chronic: deductible 500 in service / 300
retired, 70% / 85%) and 常政办发〔2022〕91号 (Changzhou outpatient pooling and
the personal account), as worked out in tests/conformance/.
"""
import datetime
import gc
import pickle
import sys
from decimal import Decimal

import pytest

import medbenefit as mb


def diabetic(balance="0"):
    e = mb.Enrollee("E1", "employee", "in_service", designated_facility="H001",
                    account_balance=balance)
    return e.add_disease("糖尿病", "2021-01-05")


def chronic_claim(id="C1", date="2021-02-01", amount="1200.00"):
    return mb.Claim(id, date, "chronic", "H001", "tertiary", disease="糖尿病").add_item(amount)


# ---- library and loading ----------------------------------------------------------------------

def test_library_version():
    assert mb.library_version_number() // 10000 == 1
    assert mb.library_version().startswith("1.")
    assert mb.library_path.endswith("libmedbenefit.so.1")


def test_ruleset_properties(wuxi):
    assert wuxi.id == "wuxi-employee-chronic-2021"
    assert wuxi.tier is mb.Tier.BASIC
    assert "41号" in wuxi.document
    assert wuxi.title
    assert all(isinstance(w, str) and isinstance(r, str) and r for w, r in wuxi.assumptions)
    names = [d.name for d in wuxi.diseases]
    assert any(n.startswith("糖尿病") for n in names)
    d = wuxi.find_disease("糖尿病")
    assert isinstance(d, mb.Disease) and d.name.startswith("糖尿病")
    assert "wuxi-employee-chronic-2021" in repr(wuxi)


def test_ruleset_load_file_and_string(rulesets_dir):
    path = f"{rulesets_dir}/wuxi-employee-chronic-2021.yaml"
    with mb.Ruleset.load(path) as a:
        with open(path, encoding="utf-8") as f:
            with mb.Ruleset.from_string(f.read(), name="inline.yaml") as b:
                assert a.id == b.id and a.diseases == b.diseases
                assert a.assumptions == b.assumptions


def test_ruleset_cannot_be_made_directly():
    with pytest.raises(TypeError):
        mb.Ruleset("wuxi-employee-chronic-2021")


def test_ruleset_errors_carry_messages(rulesets_dir, tmp_path):
    with pytest.raises(mb.NotFoundError) as e:
        mb.Ruleset.from_id("no-such-ruleset", dirs=[rulesets_dir])
    assert e.value.name == "not_found" and e.value.status == -7
    assert "no-such-ruleset" in e.value.message
    assert isinstance(e.value, LookupError) and isinstance(e.value, mb.MedbenefitError)

    with pytest.raises(mb.MedbenefitError) as e:
        mb.Ruleset.load(tmp_path / "missing.yaml")
    assert e.value.name in ("io", "not_found") and "missing.yaml" in e.value.message

    with pytest.raises(mb.MedbenefitError) as e:
        mb.Ruleset.from_string("id: x\nbogus_key: [1, 2\n", name="broken.yaml")
    assert e.value.name in ("parse", "schema")
    assert e.value.message and str(e.value).startswith(e.value.name + ": ")

    with pytest.raises(mb.SchemaError) as e:
        mb.Ruleset.from_string("id: x\nno_such_key: 1\n", name="unknown.yaml")
    assert "unknown.yaml" in e.value.message or e.value.file == "unknown.yaml"


def test_every_status_has_a_class():
    for status in range(-1, -19, -1):
        cls = mb.ERRORS[status]
        assert cls.status == status
        assert mb.ERRORS_BY_NAME[mb.status_name(status)] is cls
        assert mb.status_text(status)
    assert issubclass(mb.InvalidAmountError, ValueError)
    assert issubclass(mb.OutOfMemoryError, MemoryError)
    assert issubclass(mb.AmountOverflowError, OverflowError)


def test_errors_pickle():
    try:
        mb.to_fen("1.234")
    except mb.InvalidAmountError as e:
        again = pickle.loads(pickle.dumps(e))
        assert type(again) is mb.InvalidAmountError and again.message == e.message


# ---- exact money ------------------------------------------------------------------------------

@pytest.mark.parametrize("value, fen", [
    ("1200", 120000), ("1200.5", 120050), ("0.01", 1), (Decimal("0.10"), 10),
    (Decimal("1.500"), 150), (Decimal("1E+3"), 100000), (Decimal("-0.00"), 0), (Decimal(7), 700),
    ("999999999999.99", 99999999999999), (Decimal("1E+12"), 10**14), (Decimal("0E+99"), 0),
])
def test_amounts_in_are_exact(value, fen):
    assert mb.to_fen(value) == fen


@pytest.mark.parametrize("value", ["1.005", "-1", "abc", "", Decimal("0.001"), Decimal("NaN"),
                                   Decimal("Infinity"), Decimal(-5), "1e3", Decimal("1e40")])
def test_bad_amounts_are_refused_with_a_message(value):
    with pytest.raises(mb.InvalidAmountError) as e:
        mb.to_fen(value)
    assert e.value.name == "invalid_amount" and e.value.message


@pytest.mark.parametrize("value", [1.5, 0.1, True, None, [1], 7, -5])
def test_floats_and_others_are_a_type_error(value):
    with pytest.raises(TypeError):
        mb.to_fen(value)


def test_amounts_out_are_decimal_fen():
    assert mb.to_yuan(0) == Decimal("0.00") and str(mb.to_yuan(0)) == "0.00"
    assert str(mb.to_yuan(5)) == "0.05" and str(mb.to_yuan(-5)) == "-0.05"
    assert str(mb.to_yuan(123456789012345)) == "1234567890123.45"
    assert mb.to_yuan(2**63 - 1) == Decimal("92233720368547758.07")


def test_settlement_amounts_are_exact(wuxi):
    e = diabetic()
    c = mb.Claim("C1", datetime.date(2021, 2, 1), "chronic", "H001", "tertiary",
                 disease="糖尿病")
    for a in ("0.10", "0.20", Decimal("999.70"), "200"):  # 0.1 + 0.2 is 0.30 here, to the fen
        c.add_item(a)
    assert c.total == Decimal("1200.00")
    s = mb.settle(wuxi, e, c)
    assert s.medfee_sumamt == Decimal("1200.00") and str(s.medfee_sumamt) == "1200.00"
    assert s.act_pay_dedc == Decimal("500.00")
    assert s.hifp_pay == Decimal("490.00")          # (1200 - 500) x 70%
    assert s.psn_cash_pay == Decimal("710.00")
    assert s.fund_pay_sumamt + s.acct_pay + s.psn_cash_pay == s.medfee_sumamt
    for name, v in s.amounts.items():
        assert type(v) is Decimal and v.as_tuple().exponent == -2, name
        assert v == Decimal(s.fen[name]) / 100
    assert list(s.amounts) == list(mb.AMOUNT_NAMES)[:len(s.amounts)]
    assert s.covered and s.reason == ""
    fund = s.funds[0]
    assert set(fund) == {"fund_pay_type", "fund_name", "inscp_scp_amt", "fund_payamt",
                         "crt_payb_lmt_amt"}
    assert fund["fund_pay_type"] == "310100" and fund["fund_payamt"] == Decimal("490.00")
    assert fund["crt_payb_lmt_amt"] == Decimal("3010.00")   # cap left after 490 paid
    assert s.trace and all(set(t) == {"ruleset_id", "rule", "cite", "what", "amount_in",
                                      "amount_out", "ratio"} for t in s.trace)
    assert any(t["ratio"] == Decimal("70.00") for t in s.trace)
    assert all(t["ratio"] is None or isinstance(t["ratio"], Decimal) for t in s.trace)
    assert any("41号" in t["cite"] for t in s.trace)
    assert s.as_dict()["setlinfo"]["hifp_pay"] == Decimal("490.00")


def test_uncovered_claim_says_why(wuxi):
    e = mb.Enrollee("E2", "employee", "in_service", designated_facility="H001")
    s = mb.presettle(wuxi, e, chronic_claim())      # no certified disease
    assert not s.covered and "未认定" in s.reason


# ---- enrollees and claims ---------------------------------------------------------------------

def test_enrollee_properties():
    with mb.Enrollee("E9", "310", "11", account_balance=Decimal("12.30")) as e:
        assert e.id == "E9" and e.scheme is mb.Scheme.EMPLOYEE
        assert e.person_type is mb.PersonType.IN_SERVICE
        assert e.account_balance == Decimal("12.30")
        e.account_balance = "5"
        assert e.account_balance == Decimal("5.00") and e.account_balance_fen == 500
        e.designated_facility = "H001"
        e.first_visit_facility = "C01"
        assert (e.designated_facility, e.first_visit_facility) == ("H001", "C01")
        e.seed("wuxi-employee-chronic-2021", "chronic.paid", 2021, "100.50")
        assert e.accumulator("wuxi-employee-chronic-2021", "chronic.paid", 2021) == \
            Decimal("100.50")
        e.add_assistance("minimum_living", "2023-01-01", datetime.date(2023, 12, 31))
        e.reserve(1024)
    r = mb.Enrollee("R1", mb.Scheme.RESIDENT)
    assert r.person_type is None
    r.close()


def test_enrollee_errors():
    with pytest.raises(mb.UnknownCodeError) as e:
        mb.Enrollee("E", "pensioner")
    assert "pensioner" in e.value.message
    with pytest.raises(mb.UnknownCodeError):
        mb.Enrollee("E", "employee", "astronaut")
    e = mb.Enrollee("E", "employee", "in_service")
    with pytest.raises(mb.InvalidAmountError):
        e.account_balance = "-1"
    with pytest.raises(TypeError):
        e.account_balance = 10.5
    with pytest.raises(mb.InvalidDateError) as err:
        e.add_disease("糖尿病", "2021-02-30")
    assert "certified_on" in err.value.message
    with pytest.raises(mb.InvalidDateError):
        e.add_assistance("minimum_living", "2023-05-01", "2023-01-01")   # out of order
    with pytest.raises(mb.UnknownCodeError):
        e.add_assistance("millionaire", "2023-01-01")
    e.add_disease("糖尿病", "2021-01-05")
    with pytest.raises(mb.InvalidArgumentError) as err:
        e.add_disease("糖尿病", "2021-01-05")
    assert "already" in err.value.message


def test_claim_flags_and_details():
    c = mb.Claim("C1", "2023-03-01", "inpatient", "H1", "secondary", referral=True,
                 in_province=False)
    assert c.referral and not c.in_province and not c.emergency
    assert c.flags == mb.Flag.REFERRAL | mb.Flag.OUT_OF_PROVINCE
    c.emergency = True
    c.in_province = True
    assert c.flags == mb.Flag.REFERRAL | mb.Flag.EMERGENCY
    c.admission("2023-02-20", datetime.date(2023, 3, 1))
    assert c.admitted == datetime.date(2023, 2, 20)
    c.add_item("100", "B", "10%").add_item("50", "C").add_item("1.5", "02", Decimal("0.2"))
    assert [i.cls for i in c.items] == [mb.ItemClass.B, mb.ItemClass.C, mb.ItemClass.B]
    assert c.items[0].first_selfpay_ratio == Decimal("10.00")
    assert c.items[2].first_selfpay_ratio == Decimal("20.00")
    assert c.total == Decimal("151.50")
    assert c.date == datetime.date(2023, 3, 1) and c.med_type is mb.MedType.INPATIENT
    assert c.level is mb.Level.SECONDARY and c.id == "C1"
    c.upstream("1000", "600")
    c.upstream(compliant=Decimal("1000"), basic="600", critical_illness="0")
    p = mb.Claim("P1", "2023-03-01", "pharmacy", "D1", "pharmacy").prescriber("C01", "primary")
    assert p.med_type is mb.MedType.PHARMACY
    c.close()
    p.close()


def test_claim_errors():
    with pytest.raises(mb.InvalidDateError) as e:
        mb.Claim("C1", "2023-13-01", "chronic")
    assert e.value.message.startswith("date:")
    with pytest.raises(mb.UnknownCodeError) as e:
        mb.Claim("C1", "2023-01-01", "dental")
    assert "dental" in e.value.message
    with pytest.raises(mb.UnknownCodeError):
        mb.Claim("C1", "2023-01-01", "chronic", "H1", "quaternary")
    with pytest.raises(TypeError):
        mb.Claim("C1", 2023.0101, "chronic")
    c = mb.Claim("C1", "2023-01-01", "inpatient")
    with pytest.raises(mb.InvalidDateError):
        c.admission("2023-01-05", "2023-01-02")
    with pytest.raises(mb.InvalidAmountError) as e:
        c.add_item("100.005")
    assert e.value.message.startswith("item amount:") and "100.005" in e.value.message
    with pytest.raises(TypeError):
        c.add_item(100.0)
    with pytest.raises(mb.UnknownCodeError):
        c.add_item("1", "D")
    with pytest.raises(mb.InvalidArgumentError):
        c.add_item("1", "B", "150%")
    with pytest.raises(mb.InvalidArgumentError) as e:
        c.add_item("1", "A", "10%")
    assert "class B" in e.value.message
    assert c.items == []   # a failed call changes nothing


def test_unknown_disease_on_settle(wuxi):
    e = diabetic()
    c = mb.Claim("C1", "2021-02-01", "chronic", "H001", "tertiary", disease="感冒").add_item("1")
    with pytest.raises(mb.UnknownDiseaseError) as err:
        mb.settle(wuxi, e, c)
    assert err.value.name == "unknown_disease" and err.value.message


def test_chain_order(wuxi, wuxi_assistance):
    e = diabetic()
    e.add_assistance("minimum_living", "2023-01-01")
    with pytest.raises(mb.ChainError) as err:
        mb.settle([wuxi_assistance, wuxi], e, chronic_claim(date="2023-03-01"))
    assert err.value.message
    s = mb.settle([wuxi, wuxi_assistance], e, chronic_claim(date="2023-03-01"))
    assert s.maf_pay > 0 and [f["fund_pay_type"] for f in s.funds][-1] == "610100"
    with pytest.raises(TypeError):
        mb.settle(["wuxi-employee-chronic-2021"], e, chronic_claim())


# ---- handles ----------------------------------------------------------------------------------

def test_context_managers_close(rulesets_dir):
    with mb.Ruleset.from_id("wuxi-employee-chronic-2021", dirs=rulesets_dir) as rs:
        with diabetic() as e, chronic_claim() as c:
            with mb.settle(rs, e, c) as s:
                assert s.hifp_pay == Decimal("490.00")
            with pytest.raises(ValueError):
                s.reverse()           # its result handle is gone
            assert s.hifp_pay == Decimal("490.00")   # the data stays
        assert e.closed and c.closed
        with pytest.raises(ValueError, match="closed"):
            e.account_balance
        with pytest.raises(ValueError, match="closed"):
            c.add_item("1")
        assert "closed" in repr(e)
    assert rs.closed
    with pytest.raises(ValueError):
        rs.id
    rs.close()      # twice is fine
    with pytest.raises(ValueError):
        with rs:
            pass


def test_finalizer_frees_unreferenced_handles():
    e = mb.Enrollee("E", "employee", "in_service")
    finalizer = e._finalizer
    assert finalizer.alive
    del e
    gc.collect()
    assert not finalizer.alive


# ---- state: presettle, save/restore, reverse -------------------------------------------------

def test_presettle_changes_nothing(wuxi):
    e = diabetic(balance="300")
    before = e.save()
    s = mb.presettle(wuxi, e, chronic_claim())
    assert not s.committed and s.acct_pay == Decimal("300.00")
    assert e.save() == before
    with pytest.raises(mb.StateError):
        s.reverse()


def test_save_restore(wuxi):
    e = diabetic(balance="300")
    mb.settle(wuxi, e, chronic_claim())
    blob = e.save()
    assert isinstance(blob, bytes) and blob == e.save()
    twin = mb.Enrollee.restore(blob)
    assert twin.save() == blob and twin.id == "E1"
    assert twin.account_balance == e.account_balance == Decimal("0.00")
    a = mb.settle(wuxi, e, chronic_claim("C2", "2021-03-01", "1000"))
    b = mb.settle(wuxi, twin, chronic_claim("C2", "2021-03-01", "1000"))
    assert a.fen == b.fen and a.funds == b.funds
    assert pickle.loads(pickle.dumps(e)).save() == e.save()
    assert e.copy().save() == e.save()


def test_restore_refuses_altered_blobs(wuxi):
    blob = bytearray(diabetic().save())
    with pytest.raises(mb.CorruptError) as err:
        mb.Enrollee.restore(bytes(blob[:-3]))
    assert err.value.message
    blob[len(blob) // 2] ^= 0x55
    with pytest.raises(mb.CorruptError):
        mb.Enrollee.restore(bytes(blob))
    with pytest.raises(mb.CorruptError):
        mb.Enrollee.restore(b"not a state")


def test_reverse_restores_state_exactly(wuxi):
    e = diabetic(balance="300")
    start = e.save()
    s1 = mb.settle(wuxi, e, chronic_claim())
    after_first = e.save()
    s2 = mb.settle(wuxi, e, chronic_claim("C2", "2021-03-01", "1000"))
    s2.reverse()
    assert s2.reversed and e.save() == after_first
    with pytest.raises(mb.StateError):
        s2.reverse()                  # twice
    s1.reverse()
    assert e.save() == start and e.account_balance == Decimal("300.00")


def test_reverse_by_id_in_any_order_from_a_restored_enrollee(wuxi):
    # C1: the account pays 300 first, base 900, (900 - 500) x 70% = 280; C2 (account empty):
    # 1000 x 70% = 700 (锡医保服务〔2020〕41号 三). C1 reversed first: C2 keeps its 700.
    e = diabetic(balance="300")
    start = e.save()
    s1 = mb.settle(wuxi, e, chronic_claim())
    s2 = mb.settle(wuxi, e, chronic_claim("C2", "2021-03-01", "1000"))
    assert len(s1.setl_id) == 16 and s1.setl_id != s2.setl_id
    assert e.journal_count == 2 and e.journal_limit == 32
    twin = mb.Enrollee.restore(e.save())  # a second process
    twin.reverse_id(s1.setl_id)
    assert twin.accumulator("wuxi-employee-chronic-2021", "chronic.paid", 2021) == Decimal("700.00")
    assert twin.account_balance == Decimal("300.00")
    with pytest.raises(mb.StateError):
        twin.reverse_id(s1.setl_id)   # twice
    twin.reverse_id(s2.setl_id.upper())
    assert twin.save() == start
    with pytest.raises(mb.StateError):
        mb.settle(wuxi, e, chronic_claim())  # C1 is settled already: not paid twice


def test_seed_below_the_journal_is_refused(wuxi):
    e = diabetic()
    s = mb.settle(wuxi, e, chronic_claim())
    before = e.save()
    with pytest.raises(mb.StateError):
        e.seed("wuxi-employee-chronic-2021", "chronic.paid", 2021, "1")
    assert e.save() == before
    s.reverse()


# ---- batches ----------------------------------------------------------------------------------

def claims_out_of_order():
    return [chronic_claim("C3", "2021-06-01", "3000"), chronic_claim("C1", "2021-02-01", "1200"),
            chronic_claim("C2", "2021-04-01", "1000")]


def test_settle_batch_in_date_order(wuxi):
    e, ref = diabetic(), diabetic()
    out = mb.settle_batch(wuxi, e, claims_out_of_order())
    assert [s.claim_id for s in out] == ["C1", "C2", "C3"]
    expected = [mb.settle(wuxi, ref, c) for c in sorted(claims_out_of_order(),
                                                         key=lambda c: c.date)]
    assert [s.fen for s in out] == [s.fen for s in expected]
    assert e.save() == ref.save()
    assert out[0].hifp_pay == Decimal("490.00")


def test_settle_batch_errors(wuxi):
    bad = mb.Claim("CX", "2021-03-01", "chronic", "H001", "tertiary", disease="感冒").add_item("1")
    e = diabetic()
    start = e.save()
    out = mb.settle_batch(wuxi, e, claims_out_of_order() + [bad], errors="return")
    assert [getattr(s, "claim_id", None) for s in out] == ["C1", None, "C2", "C3"]
    assert isinstance(out[1], mb.UnknownDiseaseError)

    e = mb.Enrollee.restore(start)
    with pytest.raises(mb.BatchError) as err:
        mb.settle_batch(wuxi, e, claims_out_of_order() + [bad])
    assert [s.claim_id for s in err.value.settled] == ["C1"]
    assert err.value.name == "unknown_disease" and "CX" in err.value.message
    assert e.save() != start

    e = mb.Enrollee.restore(start)
    with pytest.raises(mb.BatchError) as err:
        mb.settle_batch(wuxi, e, claims_out_of_order() + [bad], atomic=True)
    assert err.value.rolled_back and e.save() == start


# ---- later additions to the C API -------------------------------------------------------------

def test_family_account(changzhou):
    patient = mb.Enrollee("P", "employee", "in_service", account_balance="100",
                          first_visit_facility="C01")
    payer = mb.Enrollee("F", "employee", "in_service", account_balance="1000")
    before = (patient.save(), payer.save())
    c = mb.Claim("C1", "2023-06-01", "general_outpatient", "C01").add_item("1000")
    s = mb.settle_family(changzhou, patient, payer, "spouse", c)
    # 91号: deductible 600, (1000 - 600) x 80% = 320; share 680: own account 100, family 580
    assert (s.hifp_pay, s.acct_pay, s.acct_mulaid_pay, s.psn_cash_pay) == \
        (Decimal("320.00"), Decimal("680.00"), Decimal("580.00"), Decimal("0.00"))
    assert payer.account_balance == Decimal("420.00")
    s.reverse()
    assert (patient.save(), payer.save()) == before
    with pytest.raises(mb.UnknownCodeError):
        mb.settle_family(changzhou, patient, payer, "cousin", c)


def test_account_accrual(changzhou):
    # 91号 二（二）: in service, 2% of the contribution base
    assert changzhou.account_accrual("in_service", "2023-06-01", "8000") == Decimal("160.00")
    e = mb.Enrollee("E", "employee", "in_service")
    assert e.accrue(changzhou, "2023-06-01", "8000") == Decimal("160.00")
    assert e.account_balance == Decimal("160.00")


def test_certification_status(wuxi):
    e = diabetic()
    st = e.status(wuxi, "糖尿病", "2021-03-01")
    assert st.state is mb.CertState.ACTIVE and st.since == datetime.date(2021, 1, 5)
    assert e.status(wuxi, "高血压", "2021-03-01").state is mb.CertState.NONE


def test_irreversible_settlements_free_their_result(wuxi):
    e = diabetic()
    out = mb.settle_batch(wuxi, e, claims_out_of_order(), reversible=False, trace=False)
    assert [s.claim_id for s in out] == ["C1", "C2", "C3"] and out[0].trace == []
    assert all(s._result.closed for s in out)
    with pytest.raises(ValueError, match="closed"):
        out[-1].reverse()
    with pytest.raises(ValueError):
        mb.settle_batch(wuxi, e, [], atomic=True, reversible=False)


def test_settle_frame_without_pandas_says_so(monkeypatch, wuxi):
    monkeypatch.setitem(sys.modules, "pandas", None)   # makes `import pandas` fail
    with pytest.raises(ImportError, match="pandas"):
        mb.settle_frame(object(), wuxi, {})
