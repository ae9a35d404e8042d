package org.medbenefit.bench;

import org.medbenefit.Amount;
import org.medbenefit.Claim;
import org.medbenefit.ColumnResults;
import org.medbenefit.Columns;
import org.medbenefit.Enrollee;
import org.medbenefit.MedBenefitException;
import org.medbenefit.Ruleset;
import org.medbenefit.Settle;

import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The claims of {@link BatchBench} through {@link Settle#columns} (mb_settle_columns, direct
 * buffers, no object per claim): the best wall time per claim, after a warm-up, and a check that
 * the amounts are Settle.batch's. Filling the columns is not timed. Run by run.sh beside it when
 * the binding measured has {@code Columns}.
 *
 * <pre>java ... org.medbenefit.bench.ColumnsBench [claims=10000] [rounds=15] [rulesets=rulesets]</pre>
 */
public final class ColumnsBench {
    private ColumnsBench() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        Path dir = Path.of(args.length > 2 ? args[2] : "rulesets");
        try (Ruleset wuxi = Ruleset.fromId("wuxi-employee-chronic-2021", dir)) {
            List<Ruleset> chain = List.of(wuxi);
            byte[] start = BatchBench.enrollee();
            Columns k = Columns.allocate(n, 2 * n).facilities("H001").diseases("糖尿病");
            IntBuffer date = k.date(), med = k.medType(), level = k.level(), facility = k.facility(),
                    disease = k.disease(), cls = k.itemClass();
            LongBuffer itemStart = k.itemStart(), fen = k.itemFen();
            String[] ids = new String[n];
            for (int i = 0; i < n; i++) {
                LocalDate d = BatchBench.date(i);
                date.put(i, d.getYear() * 10000 + d.getMonthValue() * 100 + d.getDayOfMonth());
                med.put(i, Claim.MedType.CHRONIC.code());
                level.put(i, Claim.Level.TERTIARY.code());
                facility.put(i, 0);
                disease.put(i, 0);
                fen.put(2 * i, BatchBench.fenA(i)).put(2 * i + 1, BatchBench.fenB(i));
                cls.put(2 * i, Claim.ItemClass.A.code()).put(2 * i + 1, Claim.ItemClass.B.code());
                itemStart.put(i + 1, 2L * i + 2);
                ids[i] = "C" + i;
            }
            k.claimIds(ids);
            long[] reference = reference(chain, start, n);
            ColumnResults out = ColumnResults.allocate(n);
            long best = Long.MAX_VALUE;
            for (int r = 0; r < rounds + 5; r++) { // the first 5 rounds warm up the JIT
                try (Enrollee e = Enrollee.restore(start)) {
                    long t0 = System.nanoTime();
                    if (Settle.columns(chain, List.of(e), k, out, 1) != 0)
                        throw new IllegalStateException("a row failed: " + out.firstError());
                    long t = System.nanoTime() - t0;
                    if (r >= 5)
                        best = Math.min(best, t);
                }
            }
            long[] got = new long[n * ColumnResults.WIDTH];
            out.amounts().get(got);
            if (!Arrays.equals(reference, got))
                throw new IllegalStateException("Settle.columns gave other amounts than Settle.batch");
            System.out.printf("  %-46s %8.3f us/claim  (%7.1f ms total)%n", "Settle.columns(chain, [e], columns)",
                    best / 1e3 / n, best / 1e6);
        }
    }

    /** The same claims through Settle.batch, for the check. */
    private static long[] reference(List<Ruleset> chain, byte[] start, int n) throws MedBenefitException {
        List<Claim> claims = new ArrayList<>();
        try (Enrollee e = Enrollee.restore(start)) {
            for (int i = 0; i < n; i++) {
                Claim c = Claim.create("C" + i, BatchBench.date(i), Claim.MedType.CHRONIC, "H001", Claim.Level.TERTIARY);
                c.setDisease("糖尿病").addItem(java.math.BigDecimal.valueOf(BatchBench.fenA(i), 2), Claim.ItemClass.A)
                        .addItem(java.math.BigDecimal.valueOf(BatchBench.fenB(i), 2), Claim.ItemClass.B);
                claims.add(c);
            }
            long[] m = Settle.batch(chain, e, claims).fenMatrix();
            if (m.length != n * Amount.values().length)
                throw new IllegalStateException("batch rows of " + m.length / n + " amounts");
            return m;
        } finally {
            claims.forEach(Claim::close);
        }
    }
}
