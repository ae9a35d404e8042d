"""Threads with separate handles never share an mb_error, and share a Ruleset freely
(medbenefit.h: a loaded ruleset is immutable and may be shared without locks)."""
import threading
from decimal import Decimal

import medbenefit as mb

THREADS = 8
ROUNDS = 150


def run_threads(target):
    errors = []

    def guarded(i):
        try:
            target(i)
        except BaseException as e:  # report in the main thread
            errors.append((i, e))

    threads = [threading.Thread(target=guarded, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_errors_stay_with_their_thread():
    barrier = threading.Barrier(THREADS)

    def work(i):
        barrier.wait()
        for n in range(ROUNDS):
            bad = f"{i}.{n:03d}1"          # three decimals: each thread's own bad amount
            try:
                mb.to_fen(bad)
            except mb.InvalidAmountError as e:
                assert f"'{bad}'" in e.message, (bad, e.message)
            else:
                raise AssertionError(f"{bad} was accepted")
            try:
                mb.Claim(f"C{i}", f"2021-02-{30 + i % 2}", "chronic")
            except mb.InvalidDateError as e:
                assert e.message.startswith("date:"), e.message
            assert mb.to_fen(f"{i}.{n % 100:02d}") == i * 100 + n % 100

    run_threads(work)


def test_shared_ruleset_separate_enrollees(wuxi):
    def settle_year(tag):
        e = mb.Enrollee(f"E{tag}", "employee", "retired", designated_facility="H001")
        e.add_disease("糖尿病", "2021-01-05")
        out = []
        for month in range(1, 13):
            c = mb.Claim(f"C{month}", f"2021-{month:02d}-10", "chronic", "H001", "tertiary",
                         disease="糖尿病").add_item("700.00")
            s = mb.settle(wuxi, e, c)
            out.append(s.fen)
            c.close()
        return out, e.save()

    expected = settle_year("ref")
    results = {}

    def work(i):
        for _ in range(5):
            got = settle_year(str(i))
            assert got[0] == expected[0]
        results[i] = got

    run_threads(work)
    assert len(results) == THREADS
    # retired: deductible 300 once, 85% after; the year's pooling stops at the cap
    assert expected[0][0]["hifp_pay"] == 34000   # (700 - 300) x 85% = 340.00
    assert sum(f["hifp_pay"] for f in expected[0]) <= 400000
    assert mb.to_yuan(expected[0][0]["psn_cash_pay"]) == Decimal("360.00")
