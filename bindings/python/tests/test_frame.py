"""settle_frame: a DataFrame of claims in, one row per claim out, through mb_settle_columns
(needs pandas, which is optional: without it these tests are skipped; test_api.py checks the
ImportError then). The amounts are checked against settle_batch and settle(), the per-claim
paths, which the conformance suite checks against the documents."""
import datetime
import random
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
    result = mb.settle_frame(frame(), wuxi, ps, amounts="decimal")
    assert list(result["claim_id"]) == ["C2", "K1", "C1"]   # in the order of their first rows
    assert list(result["enrollee_id"]) == ["E1", "E2", "E1"]
    assert result["date"].iloc[2] == "2021-02-01"              # as the frame gives it
    expected, ref = by_batch(wuxi)
    for _, row in result.iterrows():
        s = expected[(row["enrollee_id"], row["claim_id"])]
        for name in mb.AMOUNT_NAMES:
            assert isinstance(row[name], Decimal) and row[name] == getattr(s, name), name
        assert row["covered"] == s.covered and row["status"] == 0 and pd.isna(row["error"])
    assert result.loc[2, "hifp_pay"] == Decimal("490.00")      # C1: (1200 - 500) x 70%
    assert ps["E1"].save() == ref["E1"].save()                 # state advanced as in batch


def test_frame_fen_copy_and_presettle(wuxi):
    ps = people()
    before = {k: e.save() for k, e in ps.items()}
    fen = mb.settle_frame(frame(), wuxi, ps, copy_enrollees=True)   # fen: the default
    assert str(fen["hifp_pay"].dtype) == "int64" and fen.loc[2, "hifp_pay"] == 49000
    assert fen.loc[0, "act_pay_dedc"] == 0                      # C2 after C1 met it
    assert {k: e.save() for k, e in ps.items()} == before      # copies were settled
    pre = mb.settle_frame(frame(), wuxi, ps.__getitem__, commit=False)
    assert {k: e.save() for k, e in ps.items()} == before
    assert pre.loc[0, "act_pay_dedc"] == 50000                  # each claim on its own


def test_frame_errors(wuxi):
    df = frame()
    df.loc[df["claim_id"] == "C2", "disease"] = "感冒"
    with pytest.raises(mb.UnknownDiseaseError, match="claim C2: disease '感冒'") as raised:
        mb.settle_frame(df, wuxi, people())
    assert list(raised.value.frame["status"]) == [mb.Status.UNKNOWN_DISEASE, 0, 0]
    out = mb.settle_frame(df, wuxi, people(), errors="record", amounts="decimal")
    row = out[out["claim_id"] == "C2"].iloc[0]
    assert row["error"] == "unknown_disease" and "感冒" in row["message"]
    assert row["hifp_pay"] is None and not row["covered"]
    assert pd.isna(out[out["claim_id"] == "K1"].iloc[0]["error"])

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
    out = mb.settle_frame(df, wuxi, people())
    assert out.loc[0, "hifp_pay"] == 49000 and out.loc[0, "status"] == 0
    with pytest.raises(ValueError, match="no trace"):
        mb.settle_frame(df, wuxi, people(), trace=True)


# ---- the columnar shape: claims and items apart, against settle() claim by claim ---------------

DISEASES = ("糖尿病", "高血压")


def year_people(n):
    out = {}
    for k in range(n):
        e = mb.Enrollee(f"P{k}", "employee", "retired" if k % 3 else "in_service",
                        designated_facility="H001", account_balance_fen=(k * 7919) % 60000)
        for d in DISEASES:
            e.add_disease(d, "2021-01-02")
        out[f"P{k}"] = e
    return out


def year(people_n=30, claims_n=900, seed=7):
    """Claims of a year, dates shuffled (settle_frame orders each enrollee's by date), as a
    claims frame with categoricals and datetime64 dates, and an items frame."""
    rnd = random.Random(seed)
    rows, items = [], []
    for k in range(claims_n):
        date = datetime.date(2021, 1, 4) + datetime.timedelta(days=rnd.randrange(360))
        rows.append({"enrollee_id": f"P{rnd.randrange(people_n)}", "claim_id": f"Y{k}",
                     "date": date, "med_type": "chronic", "facility_id": "H001",
                     "level": rnd.choice(["tertiary", "secondary"]),
                     "disease": rnd.choice(DISEASES), "no_account": rnd.random() < 0.2,
                     "item_start": len(items)})
        for _ in range(rnd.randrange(1, 4)):   # 1 to 3 items
            items.append({"amount_fen": rnd.randrange(0, 90000), "cls": rnd.choice("AABC")})
    claims = pd.DataFrame(rows)
    claims["date"] = pd.to_datetime(claims["date"])
    for c in ("enrollee_id", "med_type", "facility_id", "level", "disease"):
        claims[c] = claims[c].astype("category")
    return claims, pd.DataFrame(items).astype({"cls": "category"})


def by_settle(wuxi, claims, items, ps):
    """Each claim through settle(), each enrollee's in date order (ties: frame order)."""
    out = {}
    starts = list(claims["item_start"]) + [len(items)]
    order = sorted(range(len(claims)), key=lambda i: claims["date"].iloc[i])
    for i in order:
        r = claims.iloc[i]
        c = mb.Claim(r["claim_id"], r["date"], r["med_type"], r["facility_id"], r["level"],
                     disease=r["disease"], no_account=bool(r["no_account"]))
        for j in range(starts[i], starts[i + 1]):
            c.add_item(fen=int(items["amount_fen"].iloc[j]), cls=items["cls"].iloc[j])
        out[r["claim_id"]] = mb.settle(wuxi, ps[r["enrollee_id"]], c, trace=False).fen
    return out


def test_frame_columns_match_settle(wuxi):
    claims, items = year()
    ref_people = year_people(30)
    expected = by_settle(wuxi, claims, items, ref_people)
    for threads in (1, 2):
        ps = year_people(30)
        seen = []
        out = mb.settle_frame(claims, wuxi, ps, items=items, threads=threads, chunk_rows=128,
                              on_progress=lambda done, total: seen.append((done, total)))
        assert list(out.index) == list(claims.index)
        assert (out["status"] == 0).all()
        for _, row in out.iterrows():
            assert {n: row[n] for n in mb.AMOUNT_NAMES} == expected[row["claim_id"]]
        assert {k: e.save() for k, e in ps.items()} == \
            {k: e.save() for k, e in ref_people.items()}
        assert seen == [(min(900, k), 900) for k in range(128, 900 + 128, 128)]


def test_frame_item_rows_match_columns(wuxi):
    """The same year as one row per item (the claims without items as one empty row)."""
    claims, items = year(claims_n=300)
    starts = list(claims["item_start"]) + [len(items)]
    rows = []
    for i in range(len(claims)):
        base = claims.drop(columns=["item_start"]).iloc[i].to_dict()
        lines = range(starts[i], starts[i + 1])
        for j in lines:
            rows.append({**base, "amount_fen": int(items["amount_fen"].iloc[j]),
                         "cls": items["cls"].iloc[j]})
        if not lines:
            rows.append({**base, "amount_fen": None, "cls": None})
    flat = pd.DataFrame(rows).astype({"amount_fen": "Int64"})
    a = mb.settle_frame(claims, wuxi, year_people(30), items=items)
    b = mb.settle_frame(flat, wuxi, year_people(30))
    assert list(b["claim_id"]) == list(a["claim_id"])
    assert (b[list(mb.AMOUNT_NAMES)].to_numpy() == a[list(mb.AMOUNT_NAMES)].to_numpy()).all()


def _claims_by_groupby(df):
    """What settle_frame made of a frame of item rows before it numbered claims by
    factorizing: pandas' groupby, kept here as the reference (first non-empty cell of each
    claim column, in the order of each claim's first row)."""
    group = df.groupby(["enrollee_id", "claim_id"], sort=False, observed=True).ngroup().to_numpy()
    n = group.max() + 1
    out = {}
    for c in df.columns:
        out[c] = df[c].groupby(group, sort=True).first().reindex(range(n)).reset_index(drop=True)
    return pd.DataFrame(out), group


def test_frame_item_rows_split_as_groupby(wuxi):
    """Interleaved item rows of many claims, claim columns given on only some of a claim's rows:
    each claim takes its first non-empty cell, claims come in the order of their first rows,
    exactly as a groupby of (enrollee_id, claim_id) makes them."""
    rng = random.Random(17)
    rows = []
    for _ in range(400):
        eid, cid = rng.choice(["E1", "E2"]), "C%d" % rng.randrange(60)
        day = 1 + int(cid[1:]) % 28   # one date a claim: cells agree, or are empty
        rows.append({"enrollee_id": eid, "claim_id": cid,
                     "date": "2021-03-%02d" % day if rng.random() < 0.6 else None,
                     "med_type": "chronic", "level": "tertiary" if rng.random() < 0.5 else None,
                     "facility_id": "H001", "disease": "糖尿病",
                     "amount_fen": rng.randrange(1, 50000), "cls": rng.choice("ABC")})
    df = pd.DataFrame(rows).astype({"amount_fen": "int64"})
    reference, group = _claims_by_groupby(df)
    out = mb.settle_frame(df, wuxi, people(), errors="record", commit=False)
    assert list(out["enrollee_id"]) == list(reference["enrollee_id"])
    assert list(out["claim_id"]) == list(reference["claim_id"])
    assert [None if pd.isna(d) else d for d in out["date"]] == \
        [None if pd.isna(d) else d for d in reference["date"]]
    # a claim whose rows never name the date is refused for it; the others settle
    undated = reference["date"].isna().to_numpy()
    assert (out["status"].to_numpy()[undated] != 0).all()
    assert (out["status"].to_numpy()[~undated] == 0).all()
    # each settled claim's total is its rows' amounts: 1 fen each way would show
    totals = df.groupby(group)["amount_fen"].sum().to_numpy()
    assert (out["medfee_sumamt"].to_numpy()[~undated] == totals[~undated]).all()


def test_frame_item_rows_that_disagree_name_the_first_claim(wuxi):
    """Two claims whose rows disagree: the error names the claim numbered first (by its first
    row) and its two values in row order, whichever clash comes first in the frame."""
    rows = [("E1", "C1", "2021-02-01", "H001"), ("E2", "K1", "2021-02-01", "H001"),
            ("E2", "K1", "2021-02-01", "H009"), ("E1", "C1", "2021-02-01", None),
            ("E1", "C1", "2021-02-01", "H002"), ("E1", "C1", "2021-02-01", "H003")]
    df = pd.DataFrame(rows, columns=["enrollee_id", "claim_id", "date", "facility_id"])
    df["med_type"], df["amount_fen"] = "chronic", 100
    with pytest.raises(ValueError) as e:
        mb.settle_frame(df, wuxi, people())
    assert str(e.value) == "claim C1: column facility_id holds both 'H001' and 'H002'"


def test_frame_row_errors_do_not_stop_the_run(wuxi):
    claims, items = year(claims_n=60)
    bad = claims.astype({"med_type": object, "date": object, "claim_id": object})
    bad.loc[3, "date"] = "2021-02-30"
    bad.loc[5, "med_type"] = "dental"
    bad.loc[8, "claim_id"] = bad.loc[7, "claim_id"] = "DUP"
    bad.loc[9, "enrollee_id"] = bad.loc[8, "enrollee_id"]
    bad.loc[7, "enrollee_id"] = bad.loc[8, "enrollee_id"]
    bad.loc[7, "date"], bad.loc[8, "date"] = pd.Timestamp("2021-03-01"), pd.Timestamp("2021-03-02")
    bad_items = items.copy()
    first = int(claims.loc[11, "item_start"])
    has_items = first < int(claims.loc[12, "item_start"])
    if has_items:
        bad_items.loc[first, "amount_fen"] = -5
    ps = year_people(30)
    out = mb.settle_frame(bad, wuxi, ps, items=bad_items, errors="record")
    assert out.loc[3, "error"] == "invalid_date" and "2021-02-30" in out.loc[3, "message"]
    assert out.loc[5, "error"] == "unknown_code" and "dental" in out.loc[5, "message"]
    assert out.loc[7, "status"] == 0                       # the first DUP settles
    assert out.loc[8, "error"] == "state"                  # the second: already settled
    if has_items:
        assert out.loc[11, "error"] == "invalid_amount" and "negative" in out.loc[11, "message"]
    failed = out["status"] != 0
    assert (out.loc[failed, list(mb.AMOUNT_NAMES)] == 0).all().all()
    assert out["status"].dtype == "int8" and (out.loc[~failed, "message"].isna()).all()
    # the failed claims changed nothing: the state is that of settling the others alone
    good = bad[~failed.to_numpy()]
    keep_items = [j for i in good.index
                  for j in range(int(claims.loc[i, "item_start"]),
                                 int(claims["item_start"].get(i + 1, len(items))))]
    good_items = bad_items.loc[keep_items].reset_index(drop=True)
    good = good.assign(item_start=list(pd.Series(
        [int(claims["item_start"].get(i + 1, len(items))) - int(claims.loc[i, "item_start"])
         for i in good.index]).cumsum().shift(fill_value=0)))
    alone = year_people(30)
    again = mb.settle_frame(good, wuxi, alone, items=good_items)
    assert (again["status"] == 0).all()
    assert {k: e.save() for k, e in ps.items()} == {k: e.save() for k, e in alone.items()}


def test_frame_progress_bar(wuxi, capsys):
    claims, items = year(claims_n=50)
    out = mb.settle_frame(claims, wuxi, year_people(30), items=items, progress=True,
                          chunk_rows=10)
    assert len(out) == 50
    assert "100%" in capsys.readouterr().err


def test_frame_items_offsets_are_checked(wuxi):
    claims, items = year(claims_n=10)
    with pytest.raises(ValueError, match="item_start column"):
        mb.settle_frame(claims.drop(columns=["item_start"]), wuxi, year_people(30), items=items)
    backwards = claims.copy()
    backwards.loc[4, "item_start"] = 0
    backwards.loc[3, "item_start"] = 2
    with pytest.raises(ValueError, match="never decrease"):
        mb.settle_frame(backwards.assign(item_start=[0, 1, 2, 9, 1, 5, 6, 7, 8, 9][:10]),
                        wuxi, year_people(30), items=items)
