"""settle_dask: a year of a million claims replayed on a distributed.LocalCluster, partitioned by
enrollee, gives what one process gives, row for row, and the same enrollee states after.

Skipped without pandas, dask or distributed (Debian: python3-pandas python3-dask
python3-distributed; tools/test-all.sh installs them, so CI runs it)."""
import pickle


import pytest

import medbenefit as mb

pd = pytest.importorskip("pandas")
np = pytest.importorskip("numpy")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")

PEOPLE = 20_000
CLAIMS_EACH = 50          # 1,000,000 claims in the year
DISEASES = ["糖尿病", "高血压"]


def year():
    """A year of Wuxi chronic claims, one row per claim (one line item each), enrollee after
    enrollee in date order, a few with a disease the catalogue lacks (they fail, and the
    others go on)."""
    rng = np.random.default_rng(2021)
    n = PEOPLE * CLAIMS_EACH
    k = np.tile(np.arange(CLAIMS_EACH), PEOPLE)
    day = np.datetime64("2021-01-04") + (k * 7).astype("timedelta64[D]")
    disease = rng.integers(0, 2, n)
    disease[rng.integers(0, n, 200)] = 2                  # 感冒: not in the catalogue
    return pd.DataFrame({
        "enrollee_id": np.repeat(np.arange(PEOPLE), CLAIMS_EACH),
        "claim_id": np.arange(n),
        "date": day.astype("datetime64[ns]"),
        "med_type": pd.Categorical.from_codes(np.zeros(n, np.int8), ["chronic"]),
        "level": pd.Categorical.from_codes(rng.integers(0, 3, n).astype(np.int8),
                                           ["primary", "secondary", "tertiary"]),
        "facility_id": pd.Categorical.from_codes(np.zeros(n, np.int8), ["H001"]),
        "disease": pd.Categorical.from_codes(disease.astype(np.int8), DISEASES + ["感冒"]),
        "amount_fen": rng.integers(100, 120_000, n),
        "cls": pd.Categorical.from_codes(rng.integers(0, 3, n).astype(np.int8),
                                         ["A", "B", "C"]),
    })


def states():
    out = []
    for p in range(PEOPLE):
        e = mb.Enrollee(str(p), "employee", "retired" if p % 3 else "in_service",
                        designated_facility="H001", account_balance_fen=p * 7919 % 100_000)
        for d in DISEASES:
            e.add_disease(d, "2020-06-01")
        out.append(e.save())
    return pd.DataFrame({"enrollee_id": np.arange(PEOPLE), "state": out})


def test_ruleset_pickles_as_it_was_loaded(wuxi):
    again = pickle.loads(pickle.dumps(wuxi))
    assert again.id == wuxi.id and again._ptr != wuxi._ptr


def test_year_on_dask_equals_one_process(wuxi):
    claims, start = year(), states()
    people = {int(eid): mb.Enrollee.restore(s) for eid, s in zip(start["enrollee_id"],
                                                                 start["state"])}
    alone = mb.settle_frame(claims, wuxi, people, errors="record")
    key = ["enrollee_id", "claim_id"]
    alone = alone.sort_values(key).reset_index(drop=True)
    assert (alone["status"] == mb.Status.UNKNOWN_DISEASE).sum() > 150
    assert (alone["status"] == 0).sum() > 990_000

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        results, after = mb.settle_dask(dd.from_pandas(claims, npartitions=4), wuxi,
                                        dd.from_pandas(start, npartitions=2),
                                        return_states=True)
        results, after = dask.compute(results, after)
    spread = results.sort_values(key).reset_index(drop=True)
    assert len(spread) == len(alone) == PEOPLE * CLAIMS_EACH
    for column in alone.columns:
        a, b = alone[column], spread[column]
        if isinstance(a.dtype, pd.CategoricalDtype):
            a, b = a.astype(object), b.astype(object)
        assert a.equals(b), column
    saved = dict(zip(after["enrollee_id"].astype(int), after["state"]))
    assert saved == {eid: e.save() for eid, e in people.items()}
