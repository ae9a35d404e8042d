package org.medbenefit;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Ownership (close, cleaner) and threads (a ruleset shared, everything else confined). */
class LifecycleTest {
    @Test
    void closeIsIdempotentAndUseAfterCloseThrows() throws MedBenefitException {
        Ruleset rs = Fixtures.ruleset(Fixtures.WUXI);
        Enrollee e = Fixtures.wuxiEnrollee();
        Claim c = Fixtures.wuxiClaim("C1", LocalDate.of(2021, 2, 1), "1200.00");
        Settlement s = Settlement.create();
        s.settle(List.of(rs), e, c);
        c.close();
        c.close();
        assertThrows(IllegalStateException.class, c::id);
        assertThrows(IllegalStateException.class, () -> s.settle(List.of(rs), e, c));
        e.close();
        assertThrows(IllegalStateException.class, e::accountBalance);
        // the settlement's strings live in its chain: closing the ruleset makes them unreadable, not dangling
        assertEquals(new BigDecimal("490.00"), s.hifpPay());
        rs.close();
        assertThrows(IllegalStateException.class, s::funds);
        assertThrows(IllegalStateException.class, s::reason);
        assertEquals(Fixtures.WUXI, rs.id(), "the id was copied at load");
        assertThrows(IllegalStateException.class, rs::diseases);
        s.close();
        s.close();
        assertThrows(IllegalStateException.class, s::hifpPay);
    }

    /** Abandoned handles are freed by the cleaner; the library keeps working meanwhile. */
    @Test
    void cleanerIsTheSafetyNet() throws Exception {
        try (Ruleset rs = Fixtures.ruleset(Fixtures.WUXI)) {
            for (int i = 0; i < 2000; i++) {
                Enrollee e = Fixtures.wuxiEnrollee();
                Claim c = Fixtures.wuxiClaim("C" + i, LocalDate.of(2021, 2, 1), "1200.00");
                Settlement s = Settle.settle(List.of(rs), e, c);
                assertEquals(49000, s.fen(Amount.HIFP_PAY));
                if (i % 500 == 0)
                    System.gc();
            }
            System.gc();
            Thread.sleep(50);
            try (Enrollee e = Fixtures.wuxiEnrollee();
                 Claim c = Fixtures.wuxiClaim("C", LocalDate.of(2021, 2, 1), "1200.00");
                 Settlement s = Settle.settle(List.of(rs), e, c)) {
                assertEquals(49000, s.fen(Amount.HIFP_PAY));
            }
        }
    }

    /**
     * One ruleset shared by eight threads, each with its own enrollee, claims and settlement:
     * every thread gets exactly what one thread alone gets.
     */
    @Test
    void rulesetSharedAcrossThreads() throws Exception {
        String[] amounts = {"1200.00", "300.00", "2500.50", "999.99", "4000.00", "12.34"};
        try (Ruleset rs = Fixtures.ruleset(Fixtures.WUXI)) {
            long[][] reference = run(rs, amounts);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<long[][]>> futures = new ArrayList<>();
                for (int t = 0; t < 32; t++)
                    futures.add(pool.submit(() -> {
                        long[][] last = null;
                        for (int k = 0; k < 20; k++)
                            last = run(rs, amounts);
                        return last;
                    }));
                for (Future<long[][]> f : futures) {
                    long[][] got = f.get();
                    for (int i = 0; i < reference.length; i++)
                        assertArrayEquals(reference[i], got[i], "claim " + i);
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    private static long[][] run(Ruleset rs, String[] amounts) throws MedBenefitException {
        long[][] out = new long[amounts.length][];
        try (Enrollee e = Fixtures.wuxiEnrollee(); Settlement s = Settlement.create()) {
            for (int i = 0; i < amounts.length; i++) {
                try (Claim c = Fixtures.wuxiClaim("C" + i, LocalDate.of(2021, 2, 1 + i), amounts[i])) {
                    out[i] = s.settle(List.of(rs), e, c).fenAll();
                }
            }
        }
        return out;
    }
}
