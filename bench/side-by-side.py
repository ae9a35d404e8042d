#!/usr/bin/env python3
"""The same seeded claims through the C library, the Python binding and GoRules Zen, side by side.

    python3 bench/side-by-side.py [--build build] [--claims 100000] [--rounds 3]
                                  [--zen-dir DIR | --no-zen] [--markdown]

The workload is build/bench/bench's `wuxi` (锡医保服务〔2020〕41号, one ruleset): every enrollee
an employee designated to H001 with 糖尿病 and 高血压 certified on 2020-01-05, in service or
retired by turns, with an account of p * 7919 % 100000 fen; every enrollee the same 60 chronic
claims of 2023 at H001 (tertiary), each a class A, a class B and a class C item drawn from the
same xorshift sequence as bench.c. --claims is rounded down to whole enrollees.

Each leg settles all of them, committed, each enrollee's claims in order, on one thread, and
reports its best CPU time and its best wall time over --rounds (building its input is not
timed) and a checksum: the sum over every claim of each of the 16 setlinfo amounts, in fen,
times (its index mod 7) + 1. The ratios are of CPU time, which the load of a shared machine
changes far less than wall time (the process's CPU time: Zen's, on Node's worker threads too).
The legs:

  C       build/bench/side-by-side: mb_settle_columns on the arrays written here
  Python  medbenefit.settle_frame (bindings/python), amounts="fen", on each of its two input
          shapes: a claims frame of categorical codes and datetime64 dates with item_start
          offsets into a frame of items (int64 fen), which goes to mb_settle_columns ungrouped;
          and one frame of a row per item (string columns, as a CSV reads them), which
          settle_frame first groups into claims
  Zen     @gorules/zen-engine on Node.js (bench/zen): the Wuxi rule as a decision table and an
          expression node (bench/zen/wuxi-chronic-2021.json), the year's state carried between
          a person's claims by the driver (bench/zen/settle.mjs)

The checksums must agree (exit 1 otherwise); the table gives each leg's throughput and how many
times C's CPU time it takes. Zen is installed with npm into --zen-dir (default
BUILD/bench/zen-node) on the first run, which needs the npm registry; --no-zen, or no node or
npm, leaves it out (said in the output). Prints figures; asserts nothing about time.
"""
import argparse
import array
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CLAIMS_PER_PERSON = 60
AMOUNTS = 16  # MB_AMT_COUNT_: the checksum's width, the same in every leg


def xorshift(seed=88172645463325252):
    """bench.c's next(): the 64-bit xorshift every leg's claims are drawn from."""
    x = seed
    mask = (1 << 64) - 1
    while True:
        x ^= (x << 13) & mask
        x ^= x >> 7
        x ^= (x << 17) & mask
        yield x


def workload(claims):
    """The claims of bench.c's wuxi workload, as columns: (people, rows, columns by name)."""
    people = max(1, claims // CLAIMS_PER_PERSON)
    rng = xorshift()
    year = []
    for k in range(CLAIMS_PER_PERSON):  # bench.c make_claims(), wuxi
        date = 2023 * 10000 + (1 + k // 6) * 100 + 1 + (k % 6) * 4
        a = next(rng) % 30000 + 100
        b = next(rng) % 20000 + 100
        c = next(rng) % 5000
        year.append((date, 0 if k % 2 else 1, (a, b, c)))  # disease 0 糖尿病 (odd k), 1 高血压
    col = {name: array.array(t) for name, t in [
        ("person_type.i32", "i"), ("balance.i64", "q"), ("enrollee.u32", "I"), ("date.i32", "i"),
        ("med_type.i32", "i"), ("level.i32", "i"), ("disease.i32", "i"), ("item_start.u64", "Q"),
        ("item_fen.i64", "q"), ("item_class.i32", "i")]}
    col["item_start.u64"].append(0)
    for p in range(people):
        col["person_type.i32"].append(1 + p % 2)  # in service, retired
        col["balance.i64"].append(p * 7919 % 100000)
        for date, disease, fen in year:
            col["enrollee.u32"].append(p)
            col["date.i32"].append(date)
            col["med_type.i32"].append(14)  # MB_MED_CHRONIC
            col["level.i32"].append(3)      # MB_LEVEL_TERTIARY
            col["disease.i32"].append(disease)
            for cls, f in enumerate(fen, 1):  # MB_CLASS_A, _B, _C
                col["item_fen.i64"].append(f)
                col["item_class.i32"].append(cls)
            col["item_start.u64"].append(len(col["item_fen.i64"]))
    return people, people * CLAIMS_PER_PERSON, col


def write(dir, people, rows, col):
    for name, values in col.items():
        if sys.byteorder != "little":
            values = array.array(values.typecode, values)
            values.byteswap()
        with open(os.path.join(dir, name), "wb") as f:
            values.tofile(f)
    with open(os.path.join(dir, "counts"), "w") as f:
        f.write("%d %d %d\n" % (people, rows, len(col["item_fen.i64"])))


def run_json(cmd, what):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit("side-by-side: the %s leg failed:\n%s%s" % (what, proc.stdout, proc.stderr))
    return json.loads(proc.stdout.strip().splitlines()[-1])


def c_leg(build, dir, rounds):
    exe = os.path.join(build, "bench", "side-by-side")
    if not os.path.exists(exe):
        sys.exit("side-by-side: no %s (build the library first: bash tools/setup.sh)" % exe)
    return run_json([exe, dir, os.path.join(ROOT, "rulesets"), str(rounds)], "C")


def python_frames(people, rows, col, shape):
    """settle_frame's two documented input shapes for the same claims: "rows", a DataFrame of one
    row per item (string columns, as a CSV reads them), which settle_frame groups into claims;
    "offsets", a claims frame with categorical codes and an item_start column beside a frame of
    items (int64 fen, categorical classes), which it passes to mb_settle_columns ungrouped."""
    import numpy as np
    import pandas as pd
    diseases = ["糖尿病", "高血压"]
    starts = np.frombuffer(col["item_start.u64"], dtype=np.uint64)
    dates = pd.to_datetime(np.frombuffer(col["date.i32"], dtype=np.int32).astype(str), format="%Y%m%d")
    person = np.frombuffer(col["enrollee.u32"], dtype=np.uint32).astype(np.int32)
    ordinal = (np.arange(rows) % CLAIMS_PER_PERSON).astype(np.int32)
    disease = np.frombuffer(col["disease.i32"], dtype=np.int32)
    fen = np.frombuffer(col["item_fen.i64"], dtype=np.int64)
    cls = np.frombuffer(col["item_class.i32"], dtype=np.int32) - 1
    if shape == "offsets":
        def category(codes, names):
            return pd.Categorical.from_codes(codes, names)
        claims = pd.DataFrame({
            "enrollee_id": category(person, ["E%d" % p for p in range(people)]),
            "claim_id": category(ordinal, ["C%d" % i for i in range(CLAIMS_PER_PERSON)]),
            "date": dates,
            "med_type": category(np.zeros(rows, dtype=np.int8), ["chronic"]),
            "facility_id": category(np.zeros(rows, dtype=np.int8), ["H001"]),
            "level": category(np.zeros(rows, dtype=np.int8), ["tertiary"]),
            "disease": category(disease, diseases),
            "item_start": starts[:-1].astype(np.int64),
        })
        items = pd.DataFrame({"amount_fen": fen, "cls": category(cls, ["A", "B", "C"])})
        return claims, {"items": items}
    per_item = np.diff(starts.astype(np.int64))
    frame = pd.DataFrame({
        "enrollee_id": np.repeat(np.array(["E%d" % e for e in person], dtype=object), per_item),
        "claim_id": np.repeat(np.array(["C%d" % i for i in ordinal], dtype=object), per_item),
        "date": np.repeat(dates.to_numpy(), per_item),
        "med_type": "chronic",
        "facility_id": "H001",
        "level": "tertiary",
        "disease": np.repeat(np.array(diseases, dtype=object)[disease], per_item),
        "amount_fen": fen,
        "cls": np.array(list("ABC"), dtype=object)[cls],
    })
    return frame, {}


def python_leg(build, people, rows, col, rounds, shape):
    """settle_frame through the binding's public API, on one of its input shapes."""
    os.environ.setdefault("MEDBENEFIT_LIBRARY", os.path.join(build, "libmedbenefit.so.1"))
    sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
    import medbenefit as mb
    rs = mb.Ruleset.from_id("wuxi-employee-chronic-2021", dirs=[os.path.join(ROOT, "rulesets")])
    frame, extra = python_frames(people, rows, col, shape)
    best = None
    for _ in range(rounds):
        people_now = {}
        for p in range(people):
            e = mb.Enrollee("E%d" % p, "employee", "in_service" if col["person_type.i32"][p] == 1 else "retired",
                            account_balance_fen=col["balance.i64"][p], designated_facility="H001")
            people_now["E%d" % p] = e.add_disease("糖尿病", "2020-01-05").add_disease("高血压", "2020-01-05")
        t0, c0 = time.perf_counter(), time.process_time()
        out = mb.settle_frame(frame, rs, people_now, amounts="fen", **extra)
        t, cpu = time.perf_counter() - t0, time.process_time() - c0
        best = (t, cpu, out) if best is None else (min(best[0], t), min(best[1], cpu), out)
    t, cpu, out = best
    names = list(mb.AMOUNT_NAMES)[:AMOUNTS]
    if len(out) != rows:
        sys.exit("side-by-side: settle_frame returned %d rows for %d claims" % (len(out), rows))
    checksum = 0
    for k, name in enumerate(names):
        checksum += int(out[name].astype("int64").sum()) * (k % 7 + 1)
    engine = {"rows": "Python (settle_frame, a row per item)",
              "offsets": "Python (settle_frame, items by offsets)"}[shape]
    return {"engine": engine, "claims": rows, "seconds": t, "cpu": cpu, "checksum": checksum}


def zen_leg(zen_dir, dir, rounds):
    if shutil.which("node") is None or shutil.which("npm") is None:
        return None, "no node or npm on this machine"
    if not os.path.exists(os.path.join(zen_dir, "node_modules", "@gorules", "zen-engine")):
        os.makedirs(zen_dir, exist_ok=True)
        shutil.copy(os.path.join(HERE, "zen", "package.json"), zen_dir)
        proc = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--fetch-timeout=30000",
                               "--fetch-retries=1", "--prefix", zen_dir],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            return None, "npm install @gorules/zen-engine failed: " + proc.stderr.strip().splitlines()[-1:][0]
    return run_json(["node", os.path.join(HERE, "zen", "settle.mjs"), zen_dir, dir, str(rounds)], "Zen"), None


def debian_python():
    """Re-run under Debian's /usr/bin/python3 when this one lacks pandas or cffi (the python3
    first on PATH may not see python3-pandas, python3-cffi), as bindings/python/run-tests.sh does."""
    try:
        import cffi, pandas  # noqa: F401
    except ImportError:
        debian = "/usr/bin/python3"
        if os.path.exists(debian) and os.path.realpath(sys.executable) != os.path.realpath(debian):
            os.execv(debian, [debian] + sys.argv)
        raise


def main():
    debian_python()
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--claims", type=int, default=100000)
    ap.add_argument("--rounds", type=int, default=3, help="best of this many runs of each leg")
    ap.add_argument("--zen-dir", help="where npm installs @gorules/zen-engine (default BUILD/bench/zen-node)")
    ap.add_argument("--no-zen", action="store_true")
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    people, rows, col = workload(args.claims)
    legs, missing = [], None
    with tempfile.TemporaryDirectory() as dir:
        write(dir, people, rows, col)
        legs.append(c_leg(build, dir, args.rounds))
        for shape in ("offsets", "rows"):
            legs.append(python_leg(build, people, rows, col, args.rounds, shape))
        if args.no_zen:
            missing = "left out (--no-zen)"
        else:
            zen, missing = zen_leg(os.path.abspath(args.zen_dir or os.path.join(build, "bench", "zen-node")),
                                   dir, args.rounds)
            if zen:
                legs.append(zen)
    c = legs[0]
    print("%d Wuxi chronic claims of %d enrollees (bench.c's wuxi), committed, one thread, best of %d"
          % (rows, people, args.rounds))
    rows_out = []
    for leg in legs:
        rows_out.append((leg["engine"], leg["claims"] / leg["cpu"], leg["cpu"] * 1e9 / leg["claims"],
                         leg["cpu"] / c["cpu"], leg["claims"] / leg["seconds"], leg["checksum"]))
    if args.markdown:
        print("\n| engine | claims/s (CPU) | ns/claim (CPU) | × C | claims/s (wall) | checksum |\n"
              "|---|---:|---:|---:|---:|---:|")
        for name, rate, ns, ratio, wall, sum in rows_out:
            print("| %s | %s | %s | %.1f× | %s | %d |" % (name, format(round(rate), ","), format(round(ns), ","),
                                                          ratio, format(round(wall), ","), sum))
    else:
        for name, rate, ns, ratio, wall, sum in rows_out:
            print("  %-52s %10.0f claims/s %9.0f ns/claim %6.1fx C (CPU); %10.0f claims/s wall  checksum %d"
                  % (name, rate, ns, ratio, wall, sum))
    if missing:
        print("  GoRules Zen: " + missing)
    sums = {leg["checksum"] for leg in legs}
    if len(sums) != 1 or any(leg["claims"] != rows for leg in legs):
        print("side-by-side: the checksums differ: " + ", ".join("%s %d" % (l["engine"], l["checksum"]) for l in legs))
        return 1
    print("checksums agree: %d" % c["checksum"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
