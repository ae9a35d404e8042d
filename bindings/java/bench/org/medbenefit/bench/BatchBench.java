package org.medbenefit.bench;

import org.medbenefit.Amount;
import org.medbenefit.Claim;
import org.medbenefit.Enrollee;
import org.medbenefit.MedBenefit;
import org.medbenefit.MedBenefitException;
import org.medbenefit.Ruleset;
import org.medbenefit.Settle;
import org.medbenefit.Settlement;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Per-claim cost of settling a year of claims for one enrollee through the Java binding (a timing
 * program, not a test). Settles the same N chronic claims (Wuxi, one enrollee, committed) three
 * ways, after a warm-up, and prints the best wall time per claim of each; building the claims is not
 * timed and each run starts from the same saved enrollee. Uses the public API only, so it runs
 * against an older binding too, for before/after figures: see run.sh beside it.
 *
 * <pre>java ... org.medbenefit.bench.BatchBench [claims=10000] [rounds=15] [rulesets=rulesets]</pre>
 */
public final class BatchBench {
    private BatchBench() {}

    interface Way {
        long[] run(List<Ruleset> chain, Enrollee e, List<Claim> claims) throws MedBenefitException;
    }

    /** Settle.batch: the amounts of every claim, flattened. */
    static long[] batch(List<Ruleset> chain, Enrollee e, List<Claim> claims) throws MedBenefitException {
        return Settle.batch(chain, e, claims).fenMatrix();
    }

    /** One reused Settlement, settle() per claim, then every amount through the getters. */
    static long[] perClaimGetters(List<Ruleset> chain, Enrollee e, List<Claim> claims) throws MedBenefitException {
        Amount[] all = Amount.values();
        long[] out = new long[claims.size() * all.length];
        try (Settlement s = Settlement.create()) {
            for (int i = 0; i < claims.size(); i++) {
                s.settle(chain, e, claims.get(i));
                for (Amount a : all)
                    out[i * all.length + a.ordinal()] = s.fen(a);
            }
        }
        return out;
    }

    /** settle() per claim, reading only two amounts (the crossing cost of mb_settle itself). */
    static long[] perClaimTwo(List<Ruleset> chain, Enrollee e, List<Claim> claims) throws MedBenefitException {
        long[] out = new long[claims.size() * 2];
        try (Settlement s = Settlement.create()) {
            for (int i = 0; i < claims.size(); i++) {
                s.settle(chain, e, claims.get(i));
                out[2 * i] = s.fen(Amount.HIFP_PAY);
                out[2 * i + 1] = s.fen(Amount.PSN_CASH_PAY);
            }
        }
        return out;
    }

    /** Claim i of the year: its date and its class A and class B items, in fen. */
    static LocalDate date(int i) {
        return LocalDate.of(2021, 1 + i % 12, 1 + i % 28);
    }

    static long fenA(int i) {
        return 100L * (20 + (i * 37) % 900);
    }

    static long fenB(int i) {
        return 100L * ((i * 11) % 60);
    }

    /** The enrollee every run starts from, saved: retired, 糖尿病 certified, an account of 5000 yuan. */
    static byte[] enrollee() throws MedBenefitException {
        try (Enrollee e = Enrollee.create("E1", Enrollee.Scheme.EMPLOYEE, Enrollee.PersonType.RETIRED)) {
            e.setDesignatedFacility("H001").setAccountBalance(new BigDecimal("5000"))
                    .addDisease("糖尿病", LocalDate.of(2021, 1, 2));
            return e.save();
        }
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        Path dir = Path.of(args.length > 2 ? args[2] : "rulesets");
        try (Ruleset wuxi = Ruleset.fromId("wuxi-employee-chronic-2021", dir)) {
            List<Ruleset> chain = List.of(wuxi);
            List<Claim> claims = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Claim c = Claim.create("C" + i, date(i), Claim.MedType.CHRONIC, "H001", Claim.Level.TERTIARY);
                c.setDisease("糖尿病").addItem(BigDecimal.valueOf(fenA(i), 2), Claim.ItemClass.A)
                        .addItem(BigDecimal.valueOf(fenB(i), 2), Claim.ItemClass.B);
                claims.add(c);
            }
            byte[] start = enrollee();
            String[] names = {"Settle.batch(chain, e, claims)", "settle() per claim + all 15 amount getters",
                    "settle() per claim + 2 amount getters"};
            Way[] ways = {BatchBench::batch, BatchBench::perClaimGetters, BatchBench::perClaimTwo};
            System.out.printf("medbenefit (Java %s), library %s, %d claims, best of %d rounds after warm-up%n",
                    System.getProperty("java.version"), MedBenefit.version(), n, rounds);
            long[] reference = null;
            for (int w = 0; w < ways.length; w++) {
                long best = Long.MAX_VALUE;
                long[] got = null;
                for (int r = 0; r < rounds + 5; r++) { // the first 5 rounds warm up the JIT
                    try (Enrollee e = Enrollee.restore(start)) {
                        long t0 = System.nanoTime();
                        got = ways[w].run(chain, e, claims);
                        long t = System.nanoTime() - t0;
                        if (r >= 5)
                            best = Math.min(best, t);
                    }
                }
                if (w == 0)
                    reference = got;
                else if (w == 1 && !Arrays.equals(reference, got))
                    throw new IllegalStateException(names[w] + " gave other amounts than " + names[0]);
                System.out.printf("  %-46s %8.3f us/claim  (%7.1f ms total)%n", names[w], best / 1e3 / n, best / 1e6);
            }
            claims.forEach(Claim::close);
        }
    }
}
