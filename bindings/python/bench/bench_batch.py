"""Per-claim cost of settling a year of claims for one enrollee through the Python binding.

    MEDBENEFIT_LIBRARY=build/libmedbenefit.so.1 PYTHONPATH=bindings/python \\
        /usr/bin/python3 bindings/python/bench/bench_batch.py [--claims 10000] [--repeat 5]

Settles the same N chronic claims (Wuxi, one enrollee, committed) several ways and prints the
best wall time per claim of each; building the claims is not timed, and each run starts from
the same saved enrollee. A timing script, not a test: it asserts only that the ways agree.
Runs against an older binding too (the ways it lacks are skipped), for before/after figures.
"""
import argparse
import inspect
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))

import medbenefit as mb  # noqa: E402


def make_claims(n):
    out = []
    for i in range(n):
        c = mb.Claim(f"C{i}", f"2021-{1 + i % 12:02d}-{1 + i % 28:02d}", "chronic", "H001",
                     "tertiary", disease="糖尿病")
        c.add_item(str(20 + (i * 37) % 900), "A")
        c.add_item(str((i * 11) % 60), "B")
        out.append(c)
    return out


def person():
    e = mb.Enrollee("E1", "employee", "retired", designated_facility="H001",
                    account_balance="5000")
    return e.add_disease("糖尿病", "2021-01-02")


def one_by_one(rs, e, claims):
    return [mb.settle(rs, e, c) for c in sorted(claims, key=lambda c: c.date)]


def one_by_one_lean(rs, e, claims):
    return [mb.settle(rs, e, c, trace=False, reversible=False)
            for c in sorted(claims, key=lambda c: c.date)]


def batch_lean(rs, e, claims):
    return mb.settle_batch(rs, e, claims, trace=False, reversible=False)


def batch_fast(rs, e, claims):
    return mb.settle_batch(rs, e, claims, fast=True, errors="return")


WAYS = [
    ("settle() per claim, default (trace, reversible)", one_by_one),
    ("settle() per claim, trace=False, reversible=False", one_by_one_lean),
    ("settle_batch(trace=False, reversible=False)", batch_lean),
    ("settle_batch(fast=True)  [mb_settle_batch]", batch_fast),
]


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", type=int, default=10000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--rulesets", default=os.path.join(REPO, "rulesets"))
    args = ap.parse_args(argv)
    has_fast = "fast" in inspect.signature(mb.settle_batch).parameters
    rs = mb.Ruleset.from_id("wuxi-employee-chronic-2021", dirs=[args.rulesets])
    claims = make_claims(args.claims)
    start = person().save()
    print(f"medbenefit (Python {sys.version.split()[0]}), library {mb.library_version()}, "
          f"{args.claims} claims, best of {args.repeat}")
    reference = None
    for label, way in WAYS:
        if way is batch_fast and not has_fast:
            print(f"  {label:52s}  (not in this binding)")
            continue
        best = float("inf")
        for _ in range(args.repeat):
            e = mb.Enrollee.restore(start)
            t0 = time.perf_counter()
            out = way(rs, e, claims)
            best = min(best, time.perf_counter() - t0)
            fen = [s.fen for s in out]
            del out
        if reference is None:
            reference = fen
        elif fen != reference:
            sys.exit(f"bench: {label} gave other amounts than {WAYS[0][0]}")
        print(f"  {label:52s} {best / args.claims * 1e6:8.2f} us/claim  "
              f"({best * 1e3:7.1f} ms total)")


if __name__ == "__main__":
    main()
