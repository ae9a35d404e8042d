"""settle_frame against the mistakes an analytics user makes with the columns it hands to C by
pointer (mb_settle_columns): values that do not fit the C type, extension dtypes with empty
cells, text pandas cannot group, handles freed while the library reads them. Each must be a
clear Python error or the row's status, never a wrong amount or memory read out of bounds.

The amounts are Wuxi's chronic benefit (锡医保服务〔2020〕41号 三), one claim of 1200 yuan at
H001 (tertiary) for 糖尿病, an employee in service with no account: the deductible is 500 yuan
and the fund pays 70% above it, (1200 - 500) x 70% = 490.00 yuan = 49000 fen, the rest,
1200 - 490 = 710.00 yuan, in cash.
"""
import pytest

import medbenefit as mb

pd = pytest.importorskip("pandas")
np = pytest.importorskip("numpy")

PAID, CASH = 49000, 71000   # 41号 三: (120000 - 50000) x 70%, and 120000 - 49000


def people(balance="0"):
    e = mb.Enrollee("E1", "employee", "in_service", designated_facility="H001",
                    account_balance=balance)
    return {"E1": e.add_disease("糖尿病", "2021-01-05")}


def claims(n=1):
    """n claims of 1200 yuan each, a row per claim (the row-per-item shape, one item each)."""
    return pd.DataFrame({
        "enrollee_id": ["E1"] * n, "claim_id": [f"C{i}" for i in range(n)],
        "date": pd.to_datetime(["2021-02-01"] * n), "med_type": ["chronic"] * n,
        "facility_id": ["H001"] * n, "level": ["tertiary"] * n, "disease": ["糖尿病"] * n,
        "amount_fen": [120000] * n})


def settle(df, **kw):
    return mb.settle_frame(df, kw.pop("chain", None) or WUXI[0], kw.pop("people", None) or people(),
                           errors="record", **kw)


WUXI = []


@pytest.fixture(autouse=True)
def _wuxi(wuxi):
    WUXI[:] = [wuxi]


def assert_settled(row):
    assert row["status"] == 0, row["message"]
    assert (row["hifp_pay"], row["psn_cash_pay"]) == (PAID, CASH)


def assert_refused(row, error, words):
    assert row["error"] == error, (row["error"], row["message"])
    assert words in row["message"], row["message"]
    assert row["hifp_pay"] == 0 and row["medfee_sumamt"] == 0 and not row["covered"]


# ---- integers that do not fit the C type ----------------------------------------------------

@pytest.mark.parametrize("column, value, error", [
    ("med_type", 2**32 + 14, "unknown_code"),       # 14 (chronic) once cut to 32 bits
    ("level", 2**32 + 3, "unknown_code"),           # 3 (tertiary)
    ("date", 2**32 + 20210201, "invalid_date"),     # 2021-02-01
    ("date", -(2**32) + 20210201, "invalid_date"),
])
def test_frame_int_column_beyond_int32_fails_its_row(column, value, error):
    """An int64 code or YYYYMMDD column is narrowed to the int32_t C reads: a value beyond
    int32 must fail its row, not settle as the value its low 32 bits happen to spell."""
    df = claims(2)
    good = {"med_type": 14, "level": 3, "date": 20210201}[column]
    df[column] = np.array([value, good], dtype=np.int64)
    out = settle(df)
    assert_refused(out.iloc[0], error, str(value))
    assert_settled(out.iloc[1])


def test_frame_item_class_beyond_int32_fails_its_claim():
    df = claims(2).assign(cls=np.array([2**32 + 1, 1], dtype=np.int64))   # 1: class A
    out = settle(df)
    assert_refused(out.iloc[0], "unknown_code", str(2**32 + 1))
    assert_settled(out.iloc[1])


def test_frame_admission_and_prescriber_level_beyond_int32_fail_their_row():
    df = claims(2).assign(admitted=np.array([2**32 + 20210101, 0], dtype=np.int64),
                          discharged=np.array([20210105, 0], dtype=np.int64))
    out = settle(df)
    assert_refused(out.iloc[0], "invalid_date", str(2**32 + 20210101))
    df = claims(2).assign(prescriber_id="H001",
                          prescriber_level=np.array([2**32 + 3, 3], dtype=np.int64))
    out = settle(df)
    assert_refused(out.iloc[0], "unknown_code", str(2**32 + 3))


def test_frame_fen_beyond_int64_names_the_amount_given():
    """uint64 fen past int64 would reach C as a negative amount: refused, naming the amount
    the frame holds, not the one its bits make as int64_t."""
    big = 2**63 + 120000
    out = settle(claims(2).assign(amount_fen=np.array([big, 120000], dtype=np.uint64)))
    assert_refused(out.iloc[0], "invalid_amount", str(big))
    assert "-9223372036854655808" not in out.iloc[0]["message"]
    assert_settled(out.iloc[1])
    out = settle(claims(1).assign(
        upstream_compliant_fen=np.array([2**64 - 1], dtype=np.uint64)))
    assert_refused(out.iloc[0], "invalid_amount", str(2**64 - 1))


def test_frame_ratio_column_of_ints_is_refused():
    """first_selfpay_ratio 10 in an int column is 10% or 10 bp: the binding refuses ints for a
    ratio everywhere (README, Units), and must not pass them to C as basis points."""
    df = claims(1).assign(cls="B", first_selfpay_ratio=np.array([10], dtype=np.int64))
    with pytest.raises(TypeError, match="first_selfpay_ratio.*str"):
        settle(df)
    with pytest.raises(TypeError, match="first_selfpay_ratio"):
        settle(df.assign(first_selfpay_ratio=[0.1]))


def test_frame_flag_ints_other_than_0_and_1_fail_their_row():
    out = settle(claims(3).assign(no_account=np.array([2, 1, 0], dtype=np.int64)),
                 people=people("300"))
    assert_refused(out.iloc[0], "invalid_argument", "no_account")
    assert out.iloc[1]["acct_pay"] == 0 and out.iloc[2]["acct_pay"] == 30000


# ---- pandas extension dtypes with empty cells -----------------------------------------------

def test_frame_boolean_flags_with_empty_cells():
    """A nullable "boolean" flag column: True sets the flag, an empty cell is the default.
    41号 三, the account (300 yuan) paying first: C0 with no_account pays nothing from it, the
    fund (1200 - 500) x 70% = 490.00 and cash 710.00, meeting the deductible; C1 (empty: the
    account may pay) takes the 300.00 from the account first, then the fund pays 70% of the
    remaining 900.00, 630.00, and cash the 270.00 left."""
    df = claims(2).assign(no_account=pd.array([True, None], dtype="boolean"))
    out = settle(df, people=people("300"))
    assert list(out["status"]) == [0, 0]
    assert (out.loc[0, "hifp_pay"], out.loc[0, "acct_pay"], out.loc[0, "psn_cash_pay"]) == \
        (49000, 0, 71000)
    assert (out.loc[1, "hifp_pay"], out.loc[1, "acct_pay"], out.loc[1, "psn_cash_pay"]) == \
        (63000, 30000, 27000)


def test_frame_nullable_int_columns_with_empty_cells():
    """"Int64" with NA, as the README offers for fen columns with empty cells: an empty
    upstream_compliant_fen is "nothing settled upstream"; an empty item amount, med_type or
    date fails its claim as an empty cell of an object column does."""
    out = settle(claims(2).assign(upstream_compliant_fen=pd.array([None, None], dtype="Int64")))
    assert_settled(out.iloc[0])
    out = settle(claims(2).assign(med_type=pd.array([None, 14], dtype="Int64")))
    assert_refused(out.iloc[0], "invalid_argument", "med_type is empty")
    assert_settled(out.iloc[1])
    out = settle(claims(2).assign(date=pd.array([None, 20210201], dtype="Int64")))
    assert_refused(out.iloc[0], "invalid_date", "date is empty")
    assert_settled(out.iloc[1])
    frame = claims(2).drop(columns=["amount_fen"]).assign(item_start=[0, 1])
    items = pd.DataFrame({"amount_fen": pd.array([None, 120000], dtype="Int64")})
    out = settle(frame, items=items)
    assert_refused(out.iloc[0], "invalid_amount", "amount_fen is empty")
    assert_settled(out.iloc[1])


def test_frame_item_start_with_empty_cells_is_refused():
    frame = claims(2).drop(columns=["amount_fen"])
    items = pd.DataFrame({"amount_fen": [120000, 120000]})
    with pytest.raises(ValueError, match="item_start.*empty"):
        settle(frame.assign(item_start=pd.array([0, None], dtype="Int64")), items=items)
    out = settle(frame.assign(item_start=pd.array([0, 1], dtype="Int64")), items=items)
    assert_settled(out.iloc[0])
    assert out.loc[1, "hifp_pay"] == 84000     # the deductible met by C0: 1200 x 70%


def test_frame_dates_as_numbers_in_object_or_float_columns_are_yyyymmdd():
    """20210201 in an object column (or a float one, as a CSV's ints with an empty cell read)
    is YYYYMMDD, as in an int column, not 20,210,201 ns after 1970-01-01: the claim settles
    (41号 三, 490.00 from the fund) and an admission after its discharge is refused."""
    for dates in (pd.Series([20210201, None], dtype=object), pd.Series([20210201.0, None])):
        out = settle(claims(2).assign(date=dates))
        assert_settled(out.iloc[0])
        assert_refused(out.iloc[1], "invalid_date", "date is empty")
    out = settle(claims(1).assign(date=[20210201.5]))
    assert_refused(out.iloc[0], "invalid_date", "20210201.5")
    out = settle(claims(2).assign(admitted=pd.Series([20210205, None], dtype=object),
                                  discharged=pd.Series([20210201, None], dtype=object)))
    assert out.loc[0, "error"] == "invalid_date"          # admitted after discharged
    assert_settled(out.iloc[1])                           # no admission: none of either


# ---- text pandas cannot group ---------------------------------------------------------------

@pytest.mark.parametrize("column", ["facility_id", "med_type", "disease", "enrollee_id",
                                    "claim_id", "level"])
def test_frame_text_holding_nul_is_refused(column):
    """pandas groups all-str columns by their C string, up to the first NUL: "H001\\0x" would
    be taken for H001, "E1\\0x" for E1. The binding refuses NUL in text (README), here too."""
    df = claims(2)
    df.loc[1, column] = df.loc[0, column] + "\0x"
    with pytest.raises(mb.InvalidArgumentError, match=f"{column}.*NUL"):
        settle(df)
    items = pd.DataFrame({"amount_fen": [120000, 120000], "cls": ["A", "A\0B"]})
    with pytest.raises(mb.InvalidArgumentError, match="cls.*NUL"):
        settle(claims(2).drop(columns=["amount_fen"]).assign(item_start=[0, 1]), items=items)


def test_frame_claim_ids_of_mixed_cells_are_text_before_anything_settles():
    """Claim ids of bytes or of ints and text mixed: bytes that are not UTF-8 fail their row
    (the library checks an id), not the run with a UnicodeDecodeError from the chunk that holds
    them, and a NUL in one is refused before anything settles, not cut short at by C."""
    out = settle(claims(2).assign(claim_id=[b"\xff", b"C1"]))
    assert_refused(out.iloc[0], "invalid_argument", "claim id")
    assert out.iloc[1]["claim_id"] == b"C1" and out.iloc[1]["hifp_pay"] == PAID
    for ids in ([b"C\0D", b"C1"], [7, "C\0D"]):
        ps = people()
        before = ps["E1"].save()
        with pytest.raises(mb.InvalidArgumentError, match="claim_id.*NUL"):
            settle(claims(2).assign(claim_id=ids), people=ps, chunk_rows=1)
        assert ps["E1"].save() == before


# ---- the call's own arguments ---------------------------------------------------------------

@pytest.mark.parametrize("kw, error", [
    ({"threads": -1}, ValueError), ({"threads": 2**40}, ValueError),
    ({"threads": 1.5}, TypeError), ({"threads": True}, TypeError),
    ({"chunk_rows": 1.5}, TypeError), ({"chunk_rows": 0}, ValueError),
])
def test_frame_threads_and_chunk_rows_are_checked(kw, error):
    name = next(iter(kw))
    with pytest.raises(error, match=name):
        settle(claims(2), **kw)


def test_frame_decimal_view_at_the_largest_amount():
    """10^14 fen (10^12 yuan), the most an item may be, as Decimal yuan built from the int64
    fen: 41号 三 caps the fund at 3,500 yuan a year for one disease in service, so the fund
    pays 3500.00 of (10^12 - 500) x 70% and the rest, 10^12 - 3500, is cash."""
    from decimal import Decimal
    out = settle(claims(2).assign(amount_fen=[10**14, 10**14 + 1]), amounts="decimal")
    row = out.iloc[0]
    assert (row["medfee_sumamt"], row["hifp_pay"], row["psn_cash_pay"]) == \
        (Decimal("1000000000000.00"), Decimal("3500.00"), Decimal("999999996500.00"))
    assert out.iloc[1]["error"] == "invalid_amount" and out.iloc[1]["hifp_pay"] is None


def test_frame_without_tqdm(monkeypatch):
    """No python3-tqdm: progress=True says which package to install; None and False run."""
    import sys
    monkeypatch.setitem(sys.modules, "tqdm", None)
    with pytest.raises(ImportError, match="python3-tqdm"):
        settle(claims(1), progress=True)
    for progress in (None, False):
        assert_settled(settle(claims(1), progress=progress).iloc[0])


# ---- the caller's code running between chunks ------------------------------------------------

def test_frame_progress_callback_that_raises_stops_the_run_and_says_where():
    ps = people()
    seen = []

    def boom(done, total):
        seen.append(done)
        if done == 2:
            raise RuntimeError("boom")
    with pytest.raises(RuntimeError, match="boom") as raised:
        settle(claims(3), people=ps, on_progress=boom, chunk_rows=1)
    assert seen == [1, 2]
    notes = getattr(raised.value, "__notes__", [])
    assert any("2 of 3 claims" in n for n in notes), notes
    alone = people()
    settle(claims(2), people=alone)             # the two settled before the callback raised
    assert ps["E1"].save() == alone["E1"].save()


@pytest.mark.parametrize("which", ["enrollee", "ruleset"])
def test_frame_handles_cannot_be_closed_while_it_runs(which, rulesets_dir):
    """A callback (or another thread, while the library runs without the GIL) closing an
    enrollee or ruleset mid-run would leave the library reading freed memory."""
    ps = people()
    rs = mb.Ruleset.from_id("wuxi-employee-chronic-2021", dirs=[rulesets_dir])
    refused = []

    def close(done, total):
        try:
            (ps["E1"] if which == "enrollee" else rs).close()
        except mb.StateError as e:
            refused.append(str(e))
    out = settle(claims(3), chain=rs, people=ps, on_progress=close, chunk_rows=1)
    assert len(refused) == 3 and "settle_frame" in refused[0]
    assert list(out["status"]) == [0, 0, 0]
    assert not ps["E1"].closed and not rs.closed
    ps["E1"].close()   # free again once the call has returned
    rs.close()
    assert ps["E1"].closed and rs.closed


# ---- random hostile frames -------------------------------------------------------------------

HOSTILE = [None, float("nan"), "", " ", "\0", "H001\0x", "\ud800", b"\xff", -1, 0, 2**31,
           -2**31 - 1, 2**32 + 14, 2**63, -2**63, 2**64, 1.5, float("inf"), True,
           "1e100", "2021-02-30", "99999999", "-0.001", "chronic", "tertiary", "糖尿病",
           "H001", 20210230, 99991231]
"""Cells a frame should not hold (and a few valid ones in the wrong column)."""


def year_frame(rnd, people_n=5, per_person=8):
    """A row per item: each enrollee's claims on distinct dates (the settle order is then the
    same whatever the frame's order), one to three items each."""
    import datetime
    rows = []
    for p in range(people_n):
        days = sorted(rnd.sample(range(360), per_person))
        for k, day in enumerate(days):
            claim = {"enrollee_id": f"P{p}", "claim_id": f"P{p}-{k}",
                     "date": datetime.date(2021, 1, 4) + datetime.timedelta(days=day),
                     "med_type": "chronic", "facility_id": "H001",
                     "level": rnd.choice(["tertiary", "secondary"]), "disease": "糖尿病",
                     "no_account": rnd.random() < 0.3}
            for j in range(rnd.randrange(1, 4)):
                rows.append(dict(claim, amount_fen=rnd.randrange(0, 90000),
                                 cls=rnd.choice("ABC")))
    df = pd.DataFrame(rows)
    df["date"] = pd.to_datetime(df["date"])
    return df


def year_people(n=5):
    out = {}
    for p in range(n):
        e = mb.Enrollee(f"P{p}", "employee", "retired" if p % 2 else "in_service",
                        designated_facility="H001", account_balance_fen=p * 20000)
        out[f"P{p}"] = e.add_disease("糖尿病", "2021-01-02")
    return out


def test_frame_random_hostile_cells_touch_only_their_enrollee(wuxi):
    """Cells of one enrollee's rows (the victim's) replaced by values of the wrong type, range
    or text: settle_frame either refuses the frame before settling anything (TypeError,
    ValueError, KeyError: every enrollee as before) or settles it, and then every other
    enrollee's claims come out exactly as from the clean frame, the victim's failed claims
    read 0, and every other enrollee ends the year in the same state. Run under ASan in CI."""
    import random
    rnd = random.Random(20261201)
    columns = ["enrollee_id", "claim_id", "date", "med_type", "facility_id", "level",
               "disease", "no_account", "amount_fen", "cls"]
    for round_ in range(60):
        df = year_frame(rnd)
        clean_people = year_people()
        clean = mb.settle_frame(df, wuxi, clean_people, errors="record")
        victim = f"P{rnd.randrange(5)}"
        bad = df.copy()
        rows = np.flatnonzero((bad["enrollee_id"] == victim).to_numpy())
        for _ in range(rnd.randrange(1, 4)):
            column = rnd.choice(columns)
            bad[column] = bad[column].astype(object)
            bad.iloc[int(rnd.choice(rows)), bad.columns.get_loc(column)] = rnd.choice(HOSTILE)
        ps = year_people()
        before = {k: e.save() for k, e in ps.items()}
        try:
            out = mb.settle_frame(bad, wuxi, ps, errors="record")
        except (TypeError, ValueError, KeyError):
            assert {k: e.save() for k, e in ps.items()} == before, f"round {round_}"
            continue
        others = clean["enrollee_id"] != victim
        mine = out[out["enrollee_id"].astype(object) == victim]
        failed = mine[mine["status"] != 0]
        assert (failed[list(mb.AMOUNT_NAMES)] == 0).all().all(), f"round {round_}"
        theirs = out[out["enrollee_id"].astype(object) != victim]
        key = ["enrollee_id", "claim_id"]
        a = clean[others].set_index(key)[list(mb.AMOUNT_NAMES) + ["status"]]
        b = theirs.set_index(key)[list(mb.AMOUNT_NAMES) + ["status"]]
        b.index = b.index.set_levels([lvl.astype(object) for lvl in b.index.levels])
        assert b.sort_index().equals(a.sort_index()), f"round {round_}"
        for k, e in ps.items():
            if k != victim:
                assert e.save() == clean_people[k].save(), f"round {round_}: {k}"


def test_frame_same_values_in_other_dtypes_and_layouts_settle_the_same(wuxi):
    """The same claims as other dtypes (int codes, YYYYMMDD ints, nullable ints, uint64 and
    int32 fen, categoricals, a time zone), strided and reversed: the same amounts to the fen."""
    import random
    rnd = random.Random(7)
    df = year_frame(rnd)
    ref = mb.settle_frame(df, wuxi, year_people()).set_index(["enrollee_id", "claim_id"])
    ymd = (df["date"].dt.year * 10000 + df["date"].dt.month * 100 + df["date"].dt.day)
    wide = np.zeros((len(df), 3), dtype=np.int64, order="F")
    wide[:, 1] = df["amount_fen"]
    variants = {
        "int codes": df.assign(med_type=14, level=df["level"].map({"tertiary": 3,
                                                                    "secondary": 2})),
        "YYYYMMDD ints": df.assign(date=ymd.astype(np.int64)),
        "nullable ints": df.assign(date=ymd.astype("Int64"),
                                   amount_fen=df["amount_fen"].astype("Int64")),
        "uint64 fen": df.assign(amount_fen=df["amount_fen"].astype(np.uint64)),
        "int32 fen": df.assign(amount_fen=df["amount_fen"].astype(np.int32)),
        "strided fen": df.assign(amount_fen=wide[:, 1]),
        "categoricals": df.astype({c: "category" for c in ("enrollee_id", "claim_id",
                                                            "med_type", "level", "cls")}),
        "string dtype": df.astype({"facility_id": "string", "disease": "string"}),
        "nullable flags": df.assign(no_account=df["no_account"].astype("boolean")),
        "a time zone": df.assign(date=df["date"].dt.tz_localize("Asia/Shanghai")),
        "datetime64[D] cells": df.assign(date=df["date"].to_numpy().astype("datetime64[D]")),
        "reversed": df.iloc[::-1],
        "every other row of a doubled frame": pd.concat([df, df]).sort_index(kind="stable")
        .iloc[::2],
    }
    for name, frame in variants.items():
        out = mb.settle_frame(frame, wuxi, year_people()).set_index(["enrollee_id",
                                                                     "claim_id"])
        out.index = out.index.set_levels([lvl.astype(object) for lvl in out.index.levels])
        cols = list(mb.AMOUNT_NAMES) + ["status", "covered"]
        assert out[cols].sort_index().equals(ref[cols].sort_index()), name
