"""settle_frame against the C library, in the same run, on the same claims; and its memory.

    MEDBENEFIT_LIBRARY=build/libmedbenefit.so.1 PYTHONPATH=bindings/python \\
        /usr/bin/python3 bindings/python/bench/bench_frame.py [--claims 1000000] [--repeat 3]

The workload is build/bench/bench's "wuxi": Wuxi employee chronic care, each enrollee 60
claims a year (3 line items: classes A, B, C), committed. The claims are built once, as numpy
arrays, then settled through

  C        one mb_settle_columns call on those arrays (through cffi, which adds one call for the
           whole batch: the library's own throughput, as build/bench/bench measures it);
  Python   settle_frame(claims, ruleset, enrollees, items=items): a claims DataFrame
           (categorical codes, datetime64 dates, item_start offsets) and an items DataFrame
           (int64 fen, categorical class) in, a result DataFrame out, everything included.

Both on one thread, from the same fresh enrollees, best of --repeat; the checksums (every
amount of every claim) must agree. Then the memory settle_frame holds per claim at its peak,
beyond its input and the enrollees: tracemalloc's peak (numpy's arrays and Python's objects,
the result included) and the growth of the process's peak RSS (Linux: VmHWM, reset first
through /proc/self/clear_refs; it also counts what the library allocates). A timing script, not
a test: it asserts only that the two paths agree.
"""
import argparse
import os
import sys
import time
import tracemalloc

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))

import medbenefit as mb  # noqa: E402
from medbenefit._ffi import ffi, lib  # noqa: E402

CLAIMS_PER_ENROLLEE = 60
DISEASES = ["糖尿病", "高血压"]


def workload(n_claims, seed=88172645463325252):
    """The claims (a multiple of 60), enrollee by enrollee, each one's in date order."""
    people = max(1, n_claims // CLAIMS_PER_ENROLLEE)
    n = people * CLAIMS_PER_ENROLLEE
    rng = np.random.default_rng(seed % (1 << 32))
    k = np.tile(np.arange(CLAIMS_PER_ENROLLEE), people)
    month, day = 1 + k // 6, 1 + (k % 6) * 4
    dates = pd.to_datetime(pd.DataFrame({"year": 2023, "month": month, "day": day}))
    claims = pd.DataFrame({
        "enrollee_id": pd.Categorical.from_codes(np.repeat(np.arange(people), CLAIMS_PER_ENROLLEE),
                                                 [f"E{p}" for p in range(people)]),
        "claim_id": np.char.add("C", k.astype("U2")).astype(object),
        "date": dates.to_numpy(),
        "med_type": pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), ["chronic"]),
        "level": pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), ["tertiary"]),
        "facility_id": pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), ["H001"]),
        "disease": pd.Categorical.from_codes((k % 2).astype(np.int8), ["高血压", "糖尿病"]),
        "item_start": np.arange(n, dtype=np.int64) * 3,
    })
    fen = np.empty(n * 3, dtype=np.int64)
    fen[0::3] = rng.integers(100, 30100, n)
    fen[1::3] = rng.integers(100, 20100, n)
    fen[2::3] = rng.integers(0, 5000, n)
    items = pd.DataFrame({"amount_fen": fen,
                          "cls": pd.Categorical.from_codes(np.tile([0, 1, 2], n).astype(np.int8),
                                                           ["A", "B", "C"])})
    return people, claims, items


def enrollee_blobs(people):
    out = []
    for p in range(people):
        e = mb.Enrollee(f"E{p}", "employee", "in_service" if p % 2 == 0 else "retired",
                        designated_facility="H001", account_balance_fen=p * 7919 % 100000)
        for d in DISEASES:
            e.add_disease(d, "2020-01-05")
        out.append(e.save())
    return out


def fresh(blobs):
    return {f"E{p}": mb.Enrollee.restore(b) for p, b in enumerate(blobs)}


def checksum(amounts):
    weights = (np.arange(amounts.shape[1]) % 7 + 1).astype(np.int64)
    return int((amounts * weights).sum())


def c_columns(claims, items):
    """The arrays mb_settle_columns takes, built once (not timed)."""
    n = len(claims)
    ids = claims["claim_id"].to_numpy().astype("S4")  # room for the NUL
    arrays = {
        "enrollee": claims["enrollee_id"].cat.codes.to_numpy().astype(np.uint32),
        "date": (claims["date"].dt.year * 10000 + claims["date"].dt.month * 100
                 + claims["date"].dt.day).to_numpy(np.int32),
        "med_type": np.full(n, int(mb.MedType.CHRONIC), np.int32),
        "level": np.full(n, int(mb.Level.TERTIARY), np.int32),
        "facility": np.zeros(n, np.int32),
        "disease": claims["disease"].cat.codes.to_numpy().astype(np.int32),
        "item_start": np.append(claims["item_start"].to_numpy(), len(items)).astype(np.uint64),
        "item_fen": items["amount_fen"].to_numpy(),
        "item_class": (items["cls"].cat.codes.to_numpy() + 1).astype(np.int32),
        "ids": ids,
        "id_ptr": ids.ctypes.data + np.arange(n, dtype=np.uintp) * np.uintp(4),
    }
    texts = [ffi.new("char[]", s.encode()) for s in ["H001", "高血压", "糖尿病"]]
    cols = ffi.new("mb_columns *")
    cols.size, cols.nrows = ffi.sizeof("mb_columns"), n
    types = {"enrollee": "uint32_t", "item_start": "uint64_t", "item_fen": "int64_t"}
    for field in ("enrollee", "date", "med_type", "level", "facility", "disease", "item_start",
                  "item_fen", "item_class"):
        setattr(cols, field, ffi.cast(f"const {types.get(field, 'int32_t')} *",
                                      arrays[field].ctypes.data))
    cols.claim_id = ffi.cast("const char *const *", arrays["id_ptr"].ctypes.data)
    facilities = ffi.new("const char *[]", texts[:1])  # owned here: keep them alive
    diseases = ffi.new("const char *[]", texts[1:])
    cols.facilities, cols.nfacilities = facilities, 1
    cols.diseases, cols.ndiseases = diseases, 2
    return cols, (arrays, texts, facilities, diseases)


def run_c(rs, blobs, cols, n):
    people = fresh(blobs)
    handles = ffi.new("mb_enrollee *[]", [people[f"E{p}"]._ptr for p in range(len(blobs))])
    chain = ffi.new("const mb_ruleset *[]", [rs._ptr])
    amounts = np.empty((n, mb.AMOUNT_COUNT), dtype=np.int64)
    status = np.empty(n, dtype=np.int32)
    res = ffi.new("mb_column_results *", {
        "size": ffi.sizeof("mb_column_results"),
        "amounts": ffi.cast("int64_t *", amounts.ctypes.data), "stride": mb.AMOUNT_COUNT,
        "status": ffi.cast("int32_t *", status.ctypes.data)})
    opt = ffi.new("mb_columns_options *", {"size": ffi.sizeof("mb_columns_options"),
                                           "threads": 1})
    err = lib.mb_error_new()
    t0 = time.perf_counter()
    rc = lib.mb_settle_columns(chain, 1, handles, len(blobs), cols, res, opt, err)
    secs = time.perf_counter() - t0
    if rc != 0:
        sys.exit(f"bench: mb_settle_columns: {ffi.string(lib.mb_error_message(err)).decode()}")
    lib.mb_error_free(err)
    return secs, checksum(amounts)


def run_python(rs, blobs, claims, items, measure=False):
    """settle_frame from fresh enrollees: seconds, checksum, result, and with measure=True the
    bytes it held at its peak beyond what existed before it: (tracemalloc, RSS)."""
    people = fresh(blobs)
    memory = None
    if measure:
        reset_peak_rss()
        rss0 = rss_now()
        tracemalloc.start()
    t0 = time.perf_counter()
    out = mb.settle_frame(claims, rs, people, items=items, progress=False)
    secs = time.perf_counter() - t0
    if measure:
        _, traced = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        memory = (traced, peak_rss() - rss0)
    if (out["status"] != 0).any():
        sys.exit("bench: settle_frame: a claim failed")
    return secs, checksum(out[list(mb.AMOUNT_NAMES)].to_numpy()), out, memory


def _status(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def rss_now():
    return _status("VmRSS")


def peak_rss():
    return _status("VmHWM")


def reset_peak_rss():
    """Linux: writing 5 to clear_refs resets the peak RSS (VmHWM) to the current RSS."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rulesets", default=os.path.join(REPO, "rulesets"))
    args = ap.parse_args(argv)
    rs = mb.Ruleset.from_id("wuxi-employee-chronic-2021", dirs=[args.rulesets])
    people, claims, items = workload(args.claims)
    n = len(claims)
    blobs = enrollee_blobs(people)
    print(f"medbenefit {mb.library_version()} (Python {sys.version.split()[0]}, pandas "
          f"{pd.__version__}, numpy {np.__version__}): {n} Wuxi chronic claims of {people} "
          f"enrollees, 3 items each, committed, one thread, best of {args.repeat}")

    # memory: measured while tracing (tracemalloc slows the run), then timed without
    _, _, out, (traced, rss) = run_python(rs, blobs, claims, items, measure=True)
    result_bytes = int(out.memory_usage(deep=False).sum())
    del out

    cols, keep = c_columns(claims, items)
    c_best = py_best = float("inf")
    for _ in range(args.repeat):
        c_secs, c_sum = run_c(rs, blobs, cols, n)
        py_secs, py_sum, out, _ = run_python(rs, blobs, claims, items)
        del out
        if c_sum != py_sum:
            sys.exit(f"bench: checksums differ: C {c_sum}, settle_frame {py_sum}")
        c_best, py_best = min(c_best, c_secs), min(py_best, py_secs)
    print(f"  checksum            {c_sum} (equal)")
    print(f"  C mb_settle_columns {n / c_best / 1e6:8.2f} M claims/s  ({c_best * 1e3:7.1f} ms)")
    print(f"  Python settle_frame {n / py_best / 1e6:8.2f} M claims/s  ({py_best * 1e3:7.1f} ms)"
          f"  = {c_best / py_best:.2f} of C")
    print(f"  memory per claim    {traced / n:6.1f} B at settle_frame's peak (tracemalloc), "
          f"{rss / n:6.1f} B peak RSS growth; the result frame {result_bytes / n:6.1f} B")


if __name__ == "__main__":
    main()
