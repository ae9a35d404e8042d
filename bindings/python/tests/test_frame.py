"""settle_frame: a DataFrame of line items in, one row per claim out (needs pandas, which is
optional: without it these tests are skipped; test_api.py checks the ImportError then)."""
import datetime
from decimal import Decimal

import pytest

import medbenefit as mb


pd = pytest.importorskip("pandas")


def people():
    out = {}
    for eid, person, balance in (("E1", "in_service", "0"), ("E2", "retired", "300")):
        e = mb.Enrollee(eid, "employee", person, designated_facility="H001",
                        account_balance=balance)
        out[eid] = e.add_disease("糖尿病", "2021-01-05")
    return out


def frame():
    rows = [
        # enrollee_id, claim_id, date, amount, cls
        ("E1", "C2", "2021-04-01", "600.00", "A"),
        ("E2", "K1", "2021-02-01", "1000.00", "A"),
        ("E1", "C1", "2021-02-01", "1000.00", "A"),
        ("E1", "C1", "2021-02-01", Decimal("200.00"), "A"),
        ("E1", "C2", "2021-04-01", "400", "B"),
        ("E2", "K1", "2021-02-01", "200.00", "C"),
    ]
    df = pd.DataFrame(rows, columns=["enrollee_id", "claim_id", "date", "amount", "cls"])
    df["med_type"] = "chronic"
    df["facility_id"] = "H001"
    df["level"] = "tertiary"
    df["disease"] = "糖尿病"
    return df


def by_batch(ruleset):
    """The same claims through settle_batch, for comparison."""
    ps = people()
    out = {}
    for eid, items in (("E1", [("C1", "2021-02-01", [("1000", "A"), ("200", "A")]),
                                ("C2", "2021-04-01", [("600", "A"), ("400", "B")])]),
                       ("E2", [("K1", "2021-02-01", [("1000", "A"), ("200", "C")])])):
        claims = []
        for cid, date, lines in items:
            c = mb.Claim(cid, date, "chronic", "H001", "tertiary", disease="糖尿病")
            for amount, cls in lines:
                c.add_item(amount, cls)
            claims.append(c)
        for s in mb.settle_batch(ruleset, ps[eid], claims):
            out[(eid, s.claim_id)] = s
    return out, ps


def test_frame_matches_batch(wuxi):
    ps = people()
    result = mb.settle_frame(frame(), wuxi, ps)
    assert list(result["claim_id"]) == ["C1", "C2", "K1"]   # per enrollee, in date order
    assert list(result["enrollee_id"]) == ["E1", "E1", "E2"]
    assert result["date"].iloc[0] == datetime.date(2021, 2, 1)
    expected, ref = by_batch(wuxi)
    for _, row in result.iterrows():
        s = expected[(row["enrollee_id"], row["claim_id"])]
        for name in mb.AMOUNT_NAMES:
            assert isinstance(row[name], Decimal) and row[name] == getattr(s, name), name
        assert row["covered"] == s.covered and row["error"] is None
    assert result.loc[0, "hifp_pay"] == Decimal("490.00")      # (1200 - 500) x 70%
    assert ps["E1"].save() == ref["E1"].save()                 # state advanced as in batch


def test_frame_fen_copy_and_presettle(wuxi):
    ps = people()
    before = {k: e.save() for k, e in ps.items()}
    fen = mb.settle_frame(frame(), wuxi, ps, amounts="fen", copy_enrollees=True)
    assert str(fen["hifp_pay"].dtype) == "int64" and fen.loc[0, "hifp_pay"] == 49000
    assert {k: e.save() for k, e in ps.items()} == before      # copies were settled
    pre = mb.settle_frame(frame(), wuxi, ps.__getitem__, commit=False)
    assert {k: e.save() for k, e in ps.items()} == before
    assert pre.loc[1, "act_pay_dedc"] == Decimal("500.00")      # each claim on its own


def test_frame_errors(wuxi):
    df = frame()
    df.loc[df["claim_id"] == "C2", "disease"] = "感冒"
    with pytest.raises(mb.UnknownDiseaseError):
        mb.settle_frame(df, wuxi, people())
    out = mb.settle_frame(df, wuxi, people(), errors="record")
    row = out[out["claim_id"] == "C2"].iloc[0]
    assert row["error"] == "unknown_disease" and row["message"] and row["hifp_pay"] is None
    assert out[out["claim_id"] == "K1"].iloc[0]["error"] is None

    floats = frame()
    floats["amount"] = [600.0, 1000.0, 1000.0, 200.0, 400.0, 200.0]
    with pytest.raises(TypeError, match="float"):
        mb.settle_frame(floats, wuxi, people())

    with pytest.raises(ValueError, match="missing column"):
        mb.settle_frame(frame().drop(columns=["date"]), wuxi, people())
    with pytest.raises(ValueError, match="unknown column"):
        mb.settle_frame(frame().assign(colour="blue"), wuxi, people())
    clash = frame()
    clash.loc[2, "facility_id"] = "H002"
    with pytest.raises(ValueError, match="facility_id"):
        mb.settle_frame(clash, wuxi, people())


def test_frame_optional_columns(wuxi):
    df = pd.DataFrame({
        "enrollee_id": ["E1"], "claim_id": ["C1"], "date": [pd.Timestamp("2021-02-01")],
        "med_type": [14], "facility_id": ["H001"], "level": [3], "disease": ["糖尿病"],
        "amount": ["1200"], "class": ["A"], "referral": [True], "in_province": ["true"],
    })
    out = mb.settle_frame(df, wuxi, people(), trace=True)
    assert out.loc[0, "hifp_pay"] == Decimal("490.00")
    assert out.loc[0, "trace"] and out.loc[0, "trace"][0]["ruleset_id"] == wuxi.id
