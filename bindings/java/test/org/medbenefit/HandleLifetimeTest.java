package org.medbenefit;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * close() from another thread while a native call uses the handle: refused, never freed under
 * the call (NativeHandle). Were it freed then, the library would read freed memory: against the
 * ASan build (run-tests.sh build-asan, CI step 4b) a heap-use-after-free report, otherwise a
 * crash of the JVM (SIGSEGV in libmedbenefit) or a wrong amount. The contract: every native
 * call holds the handles it uses for its duration; close() while one is held throws
 * IllegalStateException and leaves the handle open; once no call holds it, close() frees it and
 * later calls throw IllegalStateException (closed).
 *
 * <p>Each test starts a call, then a second thread closing the handle in a loop until a close
 * goes through; the call's answer must be the one a run with nobody closing gives, or
 * IllegalStateException (closed) when the close came first.
 */
class HandleLifetimeTest {
    static final int ROUNDS = 12, MAX_ROUNDS = 60;
    static final int CLAIMS = 3000; // a batch long enough that a close lands inside the native call

    /** Claim i of a year: chronic care for 糖尿病 at H001, one class A item. */
    static Claim claim(int i) throws MedBenefitException {
        return Fixtures.wuxiClaim("C" + i, LocalDate.of(2021, 1 + i % 12, 1 + i % 28), (20 + (i * 37) % 900) + ".00");
    }

    static List<Claim> claims(int n) throws MedBenefitException {
        List<Claim> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++)
            out.add(claim(i));
        return out;
    }

    /** Closes {@code handle} {@code delayNanos} after {@link #go} is called, again and again
     *  while close() is refused, until it goes through; counts the refusals. The delay spreads
     *  the closes over the call (a close before the call takes the handle is the other case). */
    static final class Closer {
        final AutoCloseable handle;
        final long delayNanos;
        final CountDownLatch start = new CountDownLatch(1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        volatile int refused;
        final Thread thread;

        Closer(AutoCloseable handle, long delayNanos) {
            this.handle = handle;
            this.delayNanos = delayNanos;
            thread = new Thread(this::run);
            thread.start();
        }

        void go() {
            start.countDown();
        }

        private void run() {
            try {
                start.await();
                long until = System.nanoTime() + delayNanos;
                while (System.nanoTime() < until)
                    Thread.onSpinWait();
                for (;;) {
                    try {
                        handle.close();
                        return;
                    } catch (IllegalStateException e) {
                        if (e.getMessage() == null || !e.getMessage().contains("in use")) {
                            failure.set(e);
                            return;
                        }
                        refused++;
                    }
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        }

        int join() throws InterruptedException {
            thread.join();
            if (failure.get() != null)
                throw new AssertionError("the closing thread failed", failure.get());
            return refused;
        }
    }

    interface Call {
        long[] run() throws MedBenefitException;
    }

    interface Round {
        int run(int round) throws Exception;
    }

    /** Runs {@code one} (it returns its refused closes) ROUNDS times, then on until a close has
     *  been refused at least once (at most MAX_ROUNDS: on a loaded machine the closing thread may
     *  run only after the call); the refused closes, which must be some. */
    static int race(Round one) throws Exception {
        int refused = 0;
        for (int round = 0; round < MAX_ROUNDS && (round < ROUNDS || refused == 0); round++)
            refused += one.run(round % ROUNDS);
        return refused;
    }

    /** The closer's delay in round {@code round}: 0 to 2.75 ms. */
    static long delay(int round) {
        return round * 250_000L;
    }

    /** The closer's delay in round {@code round} of a race against a call that took {@code span}
     *  nanoseconds once here: 0 to 11/12 of it, so that closes land inside the call however fast
     *  the library is (fixed delays of a few ms did not once the library settled 3000 claims in
     *  under one: a race with no close refused, a flaky failure of this test). */
    static long delay(int round, long span) {
        return span * round / ROUNDS;
    }

    /** Runs {@code call} while a Closer closes {@code target}; the refusals. */
    static int callWhileClosing(AutoCloseable target, long delayNanos, Call call, long[] expected)
            throws Exception {
        Closer closer = new Closer(target, delayNanos);
        closer.go();
        long[] got = null;
        try {
            got = call.run();
        } catch (IllegalStateException e) { // the close went through before the call held the handle
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        } finally {
            closer.join();
        }
        if (got != null)
            assertArrayEquals(expected, got);
        return closer.refused;
    }

    @Test
    void enrolleeClosedByAnotherThreadMidBatch() throws Exception {
        try (Ruleset rs = Fixtures.ruleset(Fixtures.WUXI)) {
            List<Claim> batch = claims(CLAIMS);
            long[] expected;
            long t0 = System.nanoTime();
            try (Enrollee e = Fixtures.wuxiEnrollee()) {
                expected = Settle.batch(List.of(rs), e, batch).fenMatrix();
            }
            long span = System.nanoTime() - t0;
            int refused = race(round -> {
                Enrollee e = Fixtures.wuxiEnrollee();
                int n = callWhileClosing(e, delay(round, span), () -> Settle.batch(List.of(rs), e, batch).fenMatrix(),
                        expected);
                assertTrue(e.isClosed());
                return n;
            });
            assertTrue(refused > 0, "no close() landed while the batch held the enrollee");
        }
    }

    @Test
    void rulesetClosedByAnotherThreadMidBatch() throws Exception {
        List<Claim> batch = claims(CLAIMS);
        long[] expected;
        long t0 = System.nanoTime();
        try (Ruleset rs = Fixtures.ruleset(Fixtures.WUXI); Enrollee e = Fixtures.wuxiEnrollee()) {
            expected = Settle.batch(List.of(rs), e, batch).fenMatrix();
        }
        long span = System.nanoTime() - t0;
        int refused = race(round -> {
            Ruleset rs = Fixtures.ruleset(Fixtures.WUXI);
            int n;
            try (Enrollee e = Fixtures.wuxiEnrollee()) {
                n = callWhileClosing(rs, delay(round, span), () -> Settle.batch(List.of(rs), e, batch).fenMatrix(),
                        expected);
            }
            assertTrue(rs.isClosed());
            return n;
        });
        assertTrue(refused > 0, "no close() landed while the batch held the ruleset");
    }

    @Test
    void claimClosedByAnotherThreadMidBatch() throws Exception {
        try (Ruleset rs = Fixtures.ruleset(Fixtures.WUXI)) {
            List<Claim> batch = claims(CLAIMS);
            long[] expected;
            long t0 = System.nanoTime();
            try (Enrollee e = Fixtures.wuxiEnrollee()) {
                expected = Settle.batch(List.of(rs), e, batch).fenMatrix();
            }
            long span = System.nanoTime() - t0;
            int refused = race(round -> {
                List<Claim> mine = new ArrayList<>(batch.subList(0, CLAIMS - 1));
                Claim last = claim(CLAIMS - 1); // fresh: it gets closed
                mine.add(last);
                try (Enrollee e = Fixtures.wuxiEnrollee()) {
                    Closer closer = new Closer(last, delay(round, span));
                    closer.go();
                    Settle.Batch b = Settle.batch(List.of(rs), e, mine);
                    int n = closer.join();
                    // the claims before it are exact whenever the close came; the last is
                    // settled exactly, or "claim is closed" when the close came first
                    long[] got = b.fenMatrix();
                    int width = got.length / CLAIMS;
                    if (b.ok(CLAIMS - 1)) {
                        assertArrayEquals(expected, got);
                    } else {
                        assertTrue(b.error(CLAIMS - 1).getMessage().contains("closed"));
                        for (int i = 0; i < (CLAIMS - 1) * width; i++)
                            assertEquals(expected[i], got[i], "amount " + i);
                    }
                    return n;
                }
            });
            assertTrue(refused > 0, "no close() landed while the batch held the claim");
        }
    }

    /** The rows of {@link #claim}(0 .. n-1), all of enrollee 0, as columns. */
    static Columns columns(int n) throws MedBenefitException {
        Columns k = Columns.allocate(n, n).facilities("H001").diseases("糖尿病");
        java.nio.IntBuffer enrollee = k.enrollee(), date = k.date(), med = k.medType(), level = k.level(),
                facility = k.facility(), disease = k.disease(), cls = k.itemClass();
        java.nio.LongBuffer start = k.itemStart(), fen = k.itemFen();
        for (int i = 0; i < n; i++) {
            enrollee.put(i, 0);
            date.put(i, 2021 * 10000 + (1 + i % 12) * 100 + 1 + i % 28);
            med.put(i, Claim.MedType.CHRONIC.code());
            level.put(i, Claim.Level.TERTIARY.code());
            facility.put(i, 0);
            disease.put(i, 0);
            fen.put(i, (20 + (i * 37) % 900) * 100L);
            cls.put(i, Claim.ItemClass.A.code());
            start.put(i + 1, i + 1);
        }
        return k;
    }

    /** Settle.columns (one mb_settle_columns call for the whole table) while another thread
     *  closes its enrollee: the same amounts as with nobody closing, or closed before the call. */
    @Test
    void enrolleeClosedByAnotherThreadMidColumns() throws Exception {
        try (Ruleset rs = Fixtures.ruleset(Fixtures.WUXI)) {
            Columns k = columns(CLAIMS);
            long[] expected = new long[CLAIMS * ColumnResults.WIDTH];
            long t0 = System.nanoTime();
            try (Enrollee e = Fixtures.wuxiEnrollee()) {
                ColumnResults out = ColumnResults.allocate(CLAIMS);
                assertEquals(0, Settle.columns(List.of(rs), List.of(e), k, out, 1));
                out.amounts().get(0, expected);
            }
            long span = System.nanoTime() - t0;
            int refused = race(round -> {
                Enrollee e = Fixtures.wuxiEnrollee();
                ColumnResults out = ColumnResults.allocate(CLAIMS);
                return callWhileClosing(e, delay(round, span), () -> {
                    assertEquals(0, Settle.columns(List.of(rs), List.of(e), k, out, 1));
                    long[] got = new long[CLAIMS * ColumnResults.WIDTH];
                    out.amounts().get(0, got);
                    return got;
                }, expected);
            });
            assertTrue(refused > 0, "no close() landed while the columns held the enrollee");
        }
    }

    /** Four threads settle claim by claim with one ruleset while a fifth closes it: each
     *  settlement is right or IllegalStateException (closed), and once closed it stays closed. */
    @Test
    void sharedRulesetClosedWhileThreadsSettle() throws Exception {
        List<Claim> batch = claims(200);
        long[][] expected = new long[batch.size()][];
        try (Ruleset rs = Fixtures.ruleset(Fixtures.WUXI); Enrollee e = Fixtures.wuxiEnrollee();
             Settlement s = Settlement.create()) {
            for (int i = 0; i < batch.size(); i++)
                expected[i] = s.settle(List.of(rs), e, batch.get(i)).fenAll();
        }
        for (int round = 0; round < ROUNDS; round++) {
            Ruleset rs = Fixtures.ruleset(Fixtures.WUXI);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CountDownLatch started = new CountDownLatch(4);
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread w = new Thread(() -> {
                    try (Enrollee e = Fixtures.wuxiEnrollee(); Settlement s = Settlement.create()) {
                        started.countDown();
                        for (int i = 0; i < batch.size(); i++) {
                            s.settle(List.of(rs), e, batch.get(i));
                            s.funds(); // the fund names live in the ruleset
                            assertArrayEquals(expected[i], s.fenAll(), "claim " + i);
                        }
                    } catch (IllegalStateException x) {
                        if (!x.getMessage().contains("closed"))
                            failure.set(x);
                    } catch (Throwable x) {
                        failure.set(x);
                    }
                });
                workers.add(w);
                w.start();
            }
            Closer closer = new Closer(rs, delay(round) / 10);
            started.await();
            closer.go();
            for (Thread w : workers)
                w.join();
            closer.join();
            if (failure.get() != null)
                throw new AssertionError("a settling thread failed", failure.get());
            assertTrue(rs.isClosed());
            try (Enrollee e = Fixtures.wuxiEnrollee(); Settlement s = Settlement.create()) {
                assertThrows(IllegalStateException.class, () -> s.settle(List.of(rs), e, batch.get(0)));
            }
        }
    }

    /** On one thread: a handle held by a call refuses close() and stays usable; released, it
     *  closes, and a closed handle cannot be held. */
    @Test
    void closeWhileHeldIsRefusedThenGoesThrough() throws MedBenefitException {
        Enrollee e = Fixtures.wuxiEnrollee();
        NativeHandle h = e.handle;
        h.hold();
        IllegalStateException refused = assertThrows(IllegalStateException.class, e::close);
        assertTrue(refused.getMessage().contains("enrollee is in use"), refused.getMessage());
        assertEquals("E1", e.id());
        h.release();
        e.close();
        assertTrue(e.isClosed());
        assertThrows(IllegalStateException.class, h::hold);
        e.close(); // idempotent
    }
}
