"""The calls made for FFI callers: mb_settle_batch (settle_batch(fast=True)), mb_result_amounts,
mb_amount_count, and the enrollee getters that make a restored enrollee whole.

The batch path must give exactly what settling the same claims one by one gives: the same
amounts to the fen, the same covered flags, the same failures (status) in the same places, and
the enrollee left in the same state (byte-identical save()).
"""
import datetime
import pickle
from decimal import Decimal

import pytest

import medbenefit as mb
from medbenefit._ffi import ffi, lib
from medbenefit.core import _held


def chronic(id, date, *items, disease="糖尿病", facility="H001", level="tertiary"):
    c = mb.Claim(id, date, "chronic", facility, level, disease=disease)
    for amount, cls in items:
        c.add_item(amount, cls)
    return c


def year_of_claims(bad=("C05", "C11")):
    """Twenty chronic claims of 2021, out of date order, with failures among them: an unknown
    disease and a facility that is not the designated one (both change nothing)."""
    claims = []
    for i in range(20):
        date = datetime.date(2021, 1 + i // 2, 3 + 11 * (i % 2))
        cid = f"C{i:02d}"
        items = [(str(150 + 97 * i), "A"), (f"{i * 13}.{i:02d}", "B"), (str(i % 3 * 40), "C")]
        if cid == bad[0]:
            claims.append(chronic(cid, date, ("100", "A"), disease="感冒"))
        else:
            claims.append(chronic(cid, date, *items))
    claims.reverse()          # the batch sorts by date
    if bad[1]:
        claims.insert(3, chronic(bad[1], "2021-06-20", ("5000", "A"), disease="感冒"))
    return claims


def diabetic(balance="800"):
    e = mb.Enrollee("E1", "employee", "retired", designated_facility="H001",
                    account_balance=balance)
    return e.add_disease("糖尿病", "2021-01-02")


def one_by_one(chain, enrollee, claims, commit=True):
    """Each claim through settle()/presettle() on its own, failures as their exceptions."""
    out = []
    for c in sorted(claims, key=lambda c: c.date):
        try:
            out.append(mb.settle(chain, enrollee, c, commit=commit, trace=False,
                                 reversible=False))
        except mb.MedbenefitError as e:
            out.append(e)
    return out


def assert_same(fast, slow):
    assert len(fast) == len(slow)
    for f, s in zip(fast, slow):
        if isinstance(s, mb.MedbenefitError):
            assert type(f) is type(s) and f.status == s.status, (f, s)
            continue
        assert isinstance(f, mb.Settlement), f
        assert f.claim_id == s.claim_id and f.date == s.date
        assert f.enrollee_id == s.enrollee_id and f.committed == s.committed
        assert f.fen == s.fen, f.claim_id
        assert f.covered == s.covered, f.claim_id


# ---- mb_amount_count, mb_result_amounts -----------------------------------------------------

def test_amount_count_names_every_amount():
    assert mb.AMOUNT_COUNT == lib.mb_amount_count() == len(mb.AMOUNT_NAMES) == 16
    assert mb.AMOUNT_NAMES[0] == "medfee_sumamt" and mb.AMOUNT_NAMES[-1] == "overlmt_selfpay"
    assert lib.mb_amount_name(mb.AMOUNT_COUNT) == ffi.NULL


def test_amounts_read_in_one_call_match_one_by_one(wuxi):
    e = diabetic()
    c = chronic("C1", "2021-02-01", ("1200", "A"), ("300", "B"), ("50", "C"))
    s = mb.settle(wuxi, e, c)
    with _held(s._result) as r:
        assert list(s.fen.values()) == [lib.mb_result_amount(r, i)
                                        for i in range(mb.AMOUNT_COUNT)]
        buf = ffi.new("int64_t[]", 32)
        assert lib.mb_result_amounts(r, buf, 32) == mb.AMOUNT_COUNT   # never more than it has
    assert list(s.fen) == list(mb.AMOUNT_NAMES)
    assert s.medfee_sumamt == Decimal("1550.00") and s.fulamt_ownpay_amt == Decimal("50.00")


# ---- settle_batch(fast=True) ----------------------------------------------------------------

def test_fast_batch_equals_one_by_one_with_failures_in_the_middle(wuxi):
    start = diabetic().save()
    fast_e, slow_e = mb.Enrollee.restore(start), mb.Enrollee.restore(start)
    fast = mb.settle_batch(wuxi, fast_e, year_of_claims(), fast=True, errors="return")
    slow = one_by_one(wuxi, slow_e, year_of_claims())
    assert_same(fast, slow)
    assert fast_e.save() == slow_e.save()
    failed = [i for i, x in enumerate(fast) if isinstance(x, mb.MedbenefitError)]
    assert len(fast) == 21 and len(failed) == 2 and 0 < failed[0] < failed[1] < 20
    assert all(isinstance(fast[i], mb.UnknownDiseaseError) for i in failed)
    assert "感冒" in fast[failed[0]].message        # the first failure, as the library said it
    assert fast[failed[1]].name == "unknown_disease"
    # the batch really went on: later claims settled against what the earlier ones left
    assert any(s.act_pay_dedc == 0 for s in fast[failed[1] + 1:])
    assert fast[0].hifp_pay == slow[0].hifp_pay and fast[-1].balc == slow[-1].balc


def test_fast_batch_equals_the_slow_batch(wuxi):
    start = diabetic().save()
    a, b = mb.Enrollee.restore(start), mb.Enrollee.restore(start)
    fast = mb.settle_batch(wuxi, a, year_of_claims(), fast=True, errors="return")
    slow = mb.settle_batch(wuxi, b, year_of_claims(), errors="return")
    assert_same(fast, slow)
    assert a.save() == b.save()
    assert all(f.reason is None and f.funds is None and f.trace == []
               for f in fast if isinstance(f, mb.Settlement))
    d = fast[0].as_dict()
    assert d["setldetail"] is None and d["setlinfo"] == slow[0].as_dict()["setlinfo"]


def test_fast_batch_over_a_chain(wuxi, wuxi_assistance):
    def person():
        e = mb.Enrollee("CH", "employee", "in_service", designated_facility="H001",
                        account_balance="300")
        e.add_disease("糖尿病", "2022-12-01")
        return e.add_assistance("minimum_living", "2023-01-01", "2023-08-31")

    def claims():
        out = [chronic(f"K{i}", datetime.date(2023, 1 + i, 10), (str(400 + 350 * i), "A"),
                       ("120.50", "B")) for i in range(10)]
        out.insert(4, chronic("KX", "2023-05-01", ("10", "A"), disease="感冒"))
        return out

    a, b = person(), person()
    fast = mb.settle_batch([wuxi, wuxi_assistance], a, claims(), fast=True, errors="return")
    slow = one_by_one([wuxi, wuxi_assistance], b, claims())
    assert_same(fast, slow)
    assert a.save() == b.save()
    assert any(s.maf_pay > 0 for s in fast if isinstance(s, mb.Settlement))
    assert any(s.maf_pay == 0 for s in fast if isinstance(s, mb.Settlement))   # after 08-31


def test_fast_presettle_batch(wuxi):
    e = diabetic()
    before = e.save()
    fast = mb.settle_batch(wuxi, e, year_of_claims(), commit=False, fast=True, errors="return")
    assert_same(fast, one_by_one(wuxi, e, year_of_claims(), commit=False))
    assert e.save() == before and not any(getattr(s, "committed", False) for s in fast)
    with pytest.raises(mb.BatchError) as err:            # stopping is exact: nothing changed
        mb.settle_batch(wuxi, e, year_of_claims(), commit=False, fast=True)
    first_bad = next(i for i, x in enumerate(fast) if isinstance(x, mb.MedbenefitError))
    assert [s.claim_id for s in err.value.settled] == [s.claim_id for s in fast[:first_bad]]
    assert err.value.name == "unknown_disease" and not err.value.rolled_back
    assert e.save() == before


def test_fast_batch_refuses_what_it_cannot_give(wuxi):
    e = diabetic()
    before = e.save()
    for kwargs in ({"trace": True}, {"reversible": True}, {"atomic": True},
                   {}):                                   # commit with errors="raise"
        with pytest.raises(ValueError):
            mb.settle_batch(wuxi, e, year_of_claims(), fast=True, **kwargs)
    with pytest.raises(TypeError):
        mb.settle_batch(wuxi, e, [object()], fast=True, errors="return")
    with pytest.raises(ValueError, match="closed"):
        c = chronic("C", "2021-02-01", ("1", "A"))
        c.close()
        mb.settle_batch(wuxi, e, [c], fast=True, errors="return")
    assert e.save() == before
    assert mb.settle_batch(wuxi, e, [], fast=True, errors="return") == []
    s = mb.settle_batch(wuxi, e, [chronic("C", "2021-02-01", ("1200", "A"))], fast=True,
                        errors="return")[0]
    ref = mb.settle(wuxi, mb.Enrollee.restore(before), chronic("C", "2021-02-01", ("1200", "A")))
    assert s.fen == ref.fen and s.covered == ref.covered and s.hifp_pay > 0
    with pytest.raises(ValueError, match="fast batch"):
        s.reverse()


def test_fast_batch_with_no_valid_chain_fails_every_claim(wuxi):
    e = diabetic()
    before = e.save()
    out = mb.settle_batch([], e, year_of_claims(), fast=True, errors="return")
    assert all(isinstance(x, mb.ChainError) for x in out) and e.save() == before


def test_many_claims_through_the_fast_batch(wuxi):
    """A long year: caps and the account run out part way, and every figure still matches."""
    def claims():
        return [chronic(f"N{i}", datetime.date(2021, 1 + i % 12, 1 + i % 28),
                        (str(20 + (i * 37) % 900), "A"), (str((i * 11) % 60), "B"))
                for i in range(300)]
    start = diabetic(balance="2000").save()
    a, b = mb.Enrollee.restore(start), mb.Enrollee.restore(start)
    fast = mb.settle_batch(wuxi, a, claims(), fast=True, errors="return")
    assert_same(fast, one_by_one(wuxi, b, claims()))
    assert a.save() == b.save() and a.account_balance == Decimal("0.00")


# ---- enrollee getters ------------------------------------------------------------------------

def full_enrollee(wuxi):
    e = mb.Enrollee("R7", "employee", "retired", designated_facility="H001",
                    first_visit_facility="C01", account_balance="12.34")
    e.add_disease("糖尿病", "2021-01-05")
    e.add_disease("M03900", "2021-03-01", "2022-02-28")
    e.add_assistance("minimum_living", "2021-01-01")
    e.add_assistance("low_income_margin", "2020-01-01", "2020-12-31")
    e.request_facility_change(wuxi, "2021-11-15", "H002")
    return e


def fields(e):
    return (e.id, e.scheme, e.person_type, e.designated_facility,
            e.designated_facility_on("2021-12-31"), e.designated_facility_on("2022-01-01"),
            e.first_visit_facility, e.diseases, e.assistance, e.account_balance)


def test_enrollee_reads_its_fields(wuxi):
    e = full_enrollee(wuxi)
    assert fields(e) == (
        "R7", mb.Scheme.EMPLOYEE, mb.PersonType.RETIRED, "H001", "H001", "H002", "C01",
        [mb.Certification("糖尿病", datetime.date(2021, 1, 5), None),
         mb.Certification("M03900", datetime.date(2021, 3, 1), datetime.date(2022, 2, 28))],
        [mb.AssistanceIdentity("minimum_living", datetime.date(2021, 1, 1), None),
         mb.AssistanceIdentity("low_income_margin", datetime.date(2020, 1, 1),
                               datetime.date(2020, 12, 31))],
        Decimal("12.34"))


def test_restored_enrollee_reads_back_its_fields(wuxi):
    e = full_enrollee(wuxi)
    blob = e.save()
    for twin in (mb.Enrollee.restore(blob), pickle.loads(pickle.dumps(e)), e.copy()):
        assert fields(twin) == fields(e)
        assert twin.save() == blob


def test_restored_enrollee_without_facilities_or_diseases(wuxi):
    r = mb.Enrollee("R", "resident")
    assert r.person_type is None                          # as given
    twin = mb.Enrollee.restore(r.save())
    assert twin.scheme is mb.Scheme.RESIDENT
    assert twin.person_type is mb.PersonType.RESIDENT     # what the library settles with
    assert twin.designated_facility is None and twin.first_visit_facility is None
    assert twin.designated_facility_on("2030-01-01") is None
    assert twin.diseases == [] and twin.assistance == []
    twin.close()
    for prop in ("scheme", "person_type", "designated_facility", "diseases", "assistance"):
        with pytest.raises(ValueError, match="closed"):
            getattr(twin, prop)
