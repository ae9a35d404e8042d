"""close() from another thread while a call uses the handle: refused, never freed under the call.

The library runs without the GIL (cffi releases it around every call), so while one thread is
inside mb_settle_batch another can run Python, close() included. Were the handle freed then,
the library would read freed memory: under the AddressSanitizer build (run-tests.sh build-asan)
that is a heap-use-after-free report, otherwise a crash or a wrong amount. The contract
(core.py, _Handle.close): every call holds the handles it uses for its duration, and close()
while one is held raises StateError and leaves the handle open; once no call holds it, close()
frees it and later calls raise ValueError (closed).

Each test starts a call, then a second thread closing the handle in a loop until a close goes
through; the call's answer must be the one a run with nobody closing gives, or ValueError when
the close came first.
"""
import threading
import time

import pytest

import medbenefit as mb

ROUNDS, MAX_ROUNDS = 10, 60
CLAIMS = {True: 3000, False: 200}
"""Claims of a fast batch (one library call of a few ms) and of a per-claim one (a call per
claim): the closing thread runs once the batch's thread lets go of the GIL in a library call."""


def race(one_round):
    """Run ``one_round(n)`` (it returns its refused closes) ROUNDS times, then on until a close
    has been refused at least once (at most MAX_ROUNDS: on a loaded machine the closing thread
    may wake only after the call); the refused closes, which must be some."""
    refused = 0
    for n in range(MAX_ROUNDS):
        if n >= ROUNDS and refused:
            break
        refused += one_round(n)
    return refused


def claim(i):
    """Claim i of a year: chronic care at H001, a class A and a class B item."""
    c = mb.Claim(f"C{i}", f"2021-{1 + i % 12:02d}-{1 + i % 28:02d}", "chronic", "H001",
                 "tertiary", disease="糖尿病")
    c.add_item(str(20 + (i * 37) % 900), "A")
    return c.add_item(str((i * 11) % 60), "B")


def claims(n):
    return [claim(i) for i in range(n)]


def person():
    e = mb.Enrollee("E1", "employee", "retired", designated_facility="H001",
                    account_balance="5000")
    return e.add_disease("糖尿病", "2021-01-02")


def amounts(results):
    return [r.fen if isinstance(r, mb.Settlement) else r.status for r in results]


class Closer:
    """A thread that closes ``handle`` ``delay`` seconds after ``go`` is set, again and again
    while close() is refused, until it goes through. ``refused`` counts the StateErrors."""

    def __init__(self, handle, delay=0.0):
        self.handle = handle
        self.delay = delay
        self.go = threading.Event()
        self.refused = 0
        self.failure = None
        self.thread = threading.Thread(target=self.run)
        self.thread.start()

    def run(self):
        self.go.wait()
        if self.delay:
            time.sleep(self.delay)
        while True:
            try:
                self.handle.close()
                return
            except mb.StateError as e:
                if "in use" not in str(e):
                    self.failure = e
                    return
                self.refused += 1
            except BaseException as e:  # report in the test's thread
                self.failure = e
                return

    def join(self):
        self.thread.join()
        assert self.failure is None, self.failure
        assert self.handle.closed


def settle_while_closing(target, call, expected, read=amounts, delay=0.0):
    """Run ``call`` once while a Closer closes ``target``: ``read`` of its answer must be
    ``expected``, unless it raised ValueError (closed); returns the number of refusals."""
    closer = Closer(target, delay)
    closer.go.set()
    try:
        got = call()
    except ValueError as e:   # the close went through before the call took the handle
        assert "closed" in str(e), e
        got = None
    finally:
        closer.join()
    if got is not None:
        assert read(got) == expected
    return closer.refused


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "per-claim"])
def test_enrollee_closed_by_another_thread_mid_batch(wuxi, fast):
    batch = claims(CLAIMS[fast])
    kw = {"fast": True, "errors": "return"} if fast else {"trace": False, "reversible": False}
    expected = amounts(mb.settle_batch(wuxi, person(), batch, **kw))
    def one_round(_):
        e = person()
        return settle_while_closing(e, lambda: mb.settle_batch(wuxi, e, batch, **kw), expected)
    assert race(one_round) > 0, "no close() landed while the batch held the enrollee"


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "per-claim"])
def test_ruleset_closed_by_another_thread_mid_batch(rulesets_dir, fast):
    batch = claims(CLAIMS[fast])
    kw = {"fast": True, "errors": "return"} if fast else {"trace": False, "reversible": False}
    with mb.Ruleset.from_id("wuxi-employee-chronic-2021", dirs=[rulesets_dir]) as rs:
        expected = amounts(mb.settle_batch(rs, person(), batch, **kw))
    def one_round(_):
        rs = mb.Ruleset.from_id("wuxi-employee-chronic-2021", dirs=[rulesets_dir])
        e = person()
        return settle_while_closing(rs, lambda: mb.settle_batch(rs, e, batch, **kw), expected)
    assert race(one_round) > 0, "no close() landed while the batch held the ruleset"


def test_claim_closed_by_another_thread_mid_batch(wuxi):
    batch = claims(CLAIMS[True])
    kw = {"fast": True, "errors": "return"}
    expected = amounts(mb.settle_batch(wuxi, person(), batch, **kw))
    def one_round(_):
        mine = batch[:-1] + [claim(len(batch) - 1)]   # the last one fresh: it gets closed
        e = person()
        return settle_while_closing(mine[-1], lambda: mb.settle_batch(wuxi, e, mine, **kw),
                                    expected)
    assert race(one_round) > 0, "no close() landed while the batch held the claim"


def test_shared_ruleset_closed_while_threads_settle(rulesets_dir):
    """Four threads settle claim by claim with one ruleset while a fifth closes it: each
    settlement is right or ValueError (closed), and once closed it stays closed."""
    batch = claims(200)
    with mb.Ruleset.from_id("wuxi-employee-chronic-2021", dirs=[rulesets_dir]) as rs:
        e = person()
        expected = [mb.settle(rs, e, c, trace=False, reversible=False).fen for c in batch]
    for _ in range(ROUNDS):
        rs = mb.Ruleset.from_id("wuxi-employee-chronic-2021", dirs=[rulesets_dir])
        failures = []
        started = threading.Barrier(5)

        def work():
            e = person()
            started.wait()
            try:
                for c, want in zip(batch, expected):
                    got = mb.settle(rs, e, c, trace=True, reversible=True)
                    if got.fen != want:
                        failures.append((c.id, got.fen, want))
                        return
                    got.close()
            except ValueError as x:
                if "closed" not in str(x):
                    failures.append(x)
            except BaseException as x:
                failures.append(x)

        workers = [threading.Thread(target=work) for _ in range(4)]
        for w in workers:
            w.start()
        closer = Closer(rs)
        started.wait()
        closer.go.set()
        for w in workers:
            w.join()
        closer.join()
        assert not failures, failures
        with pytest.raises(ValueError, match="closed"):
            mb.settle(rs, person(), batch[0])


def test_settlement_closed_by_another_thread_while_reversing(wuxi):
    """Settlement.close() (its result handle) from another thread while reverse() runs."""
    for _ in range(ROUNDS * 4):
        e = person()
        before = e.save()
        s = mb.settle(wuxi, e, claims(1)[0])
        closer = Closer(s._result)
        closer.go.set()
        try:
            s.reverse()
        except ValueError as x:
            assert "closed" in str(x), x
        else:
            assert e.save() == before   # reversed exactly
        closer.join()


def test_close_while_held_is_refused_then_goes_through(wuxi):
    """The contract on one thread: while held (as every library call holds its handles),
    close() raises StateError naming the handle and leaves it open; released, it closes, and
    a closed handle cannot be held again."""
    e = person()
    from medbenefit.core import _held
    with _held(e):
        with pytest.raises(mb.StateError, match="Enrollee is in use"):
            e.close()
        assert not e.closed
    e.close()
    assert e.closed
    with pytest.raises(ValueError, match="closed"):
        with _held(e):
            pass



def test_ruleset_closed_by_another_thread_mid_frame(rulesets_dir):
    """settle_frame holds its rulesets and enrollees for the run, as every call holds what it
    uses: a close() from another thread meanwhile is refused, and the amounts are the ones a
    run with nobody closing gives (or ValueError, closed, when the close came first)."""
    pd = pytest.importorskip("pandas")
    n = CLAIMS[True]
    frame = pd.DataFrame({
        "enrollee_id": "E1", "claim_id": [f"C{i}" for i in range(n)],
        "date": [f"2021-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(n)],
        "med_type": "chronic", "facility_id": "H001", "level": "tertiary", "disease": "糖尿病",
        "amount_fen": [(20 + (i * 37) % 900) * 100 for i in range(n)], "cls": "A"})

    def fen(out):
        return out[list(mb.AMOUNT_NAMES)].to_numpy().tolist()

    with mb.Ruleset.from_id("wuxi-employee-chronic-2021", dirs=[rulesets_dir]) as rs:
        start = time.perf_counter()
        expected = fen(mb.settle_frame(frame, rs, {"E1": person()}))
        took = time.perf_counter() - start

    def one_round(n):
        # the close spread over the run, at MAX_ROUNDS points in a scrambled order: in the
        # checks in Python (most of the run), in the library, after it
        rs = mb.Ruleset.from_id("wuxi-employee-chronic-2021", dirs=[rulesets_dir])
        at = (n * 37 % MAX_ROUNDS) / MAX_ROUNDS
        return settle_while_closing(rs, lambda: mb.settle_frame(frame, rs, {"E1": person()}),
                                    expected, read=fen, delay=took * at)
    assert race(one_round) > 0, "no close() landed while settle_frame held the ruleset"
