package org.medbenefit;

import com.sun.jna.Pointer;

import java.lang.ref.Reference;
import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * Settling in one call: a single claim into a new {@link Settlement}, or many claims of one
 * enrollee in a batch.
 *
 * <p>{@link #batch} is the fast path: one result handle and one native chain array for the whole
 * batch, no objects per claim beyond a failed claim's exception, and the amounts gathered into
 * one {@code long[]} (claims x {@link Amount}). The C API has no batch call, so this is still one
 * {@code mb_settle} plus fifteen small reads per claim, about 1.5 µs of crossing per claim.
 *
 * <p><b>Threads:</b> a batch runs on the calling thread and uses the enrollee and claims as
 * {@link Settlement} does; the rulesets may be shared with other threads meanwhile.
 */
public final class Settle {
    private Settle() {}

    /** Settle and commit one claim into a new settlement, which the caller closes. */
    public static Settlement settle(List<Ruleset> chain, Enrollee enrollee, Claim claim) throws MedBenefitException {
        Settlement s = Settlement.create();
        try {
            return s.settle(chain, enrollee, claim);
        } catch (MedBenefitException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Pre-settle one claim (nothing changes) into a new settlement, which the caller closes. */
    public static Settlement presettle(List<Ruleset> chain, Enrollee enrollee, Claim claim)
            throws MedBenefitException {
        Settlement s = Settlement.create();
        try {
            return s.presettle(chain, enrollee, claim);
        } catch (MedBenefitException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Settle and commit {@code claims} for {@code enrollee} in order, as a sequence of visits: each
     * sees the accumulators the ones before it left. A claim that fails is recorded in the result
     * (its status and exception) and changes nothing; the batch goes on with the next claim, as
     * {@code medbenefit settle} does.
     *
     * @throws MedBenefitException only when no settlement could be attempted (no result handle)
     */
    public static Batch batch(List<Ruleset> chain, Enrollee enrollee, List<Claim> claims) throws MedBenefitException {
        return run(true, chain, enrollee, claims);
    }

    /**
     * Pre-settle each claim independently against the enrollee's current state (what-if): nothing
     * changes, so each claim is settled as if it were the next visit.
     */
    public static Batch presettleBatch(List<Ruleset> chain, Enrollee enrollee, List<Claim> claims)
            throws MedBenefitException {
        return run(false, chain, enrollee, claims);
    }

    private static Batch run(boolean commit, List<Ruleset> chain, Enrollee enrollee, List<Claim> claims)
            throws MedBenefitException {
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(enrollee, "enrollee");
        Objects.requireNonNull(claims, "claims");
        int n = claims.size(), width = Amount.all().length;
        long[] fen = new long[n * width];
        boolean[] covered = new boolean[n];
        MedBenefitException[] errors = new MedBenefitException[n];
        int failed = 0;
        try (Settlement s = Settlement.create()) {
            Pointer chainPtr = s.chainPointer(chain);
            Pointer r = s.ptr(), e = enrollee.ptr(), err = Errors.get();
            long len = chain.size();
            for (int i = 0; i < n; i++) {
                Claim c = Objects.requireNonNull(claims.get(i), "claim");
                Pointer cp;
                try {
                    cp = c.ptr();
                } catch (IllegalStateException closed) {
                    errors[i] = new MedBenefitException(MedBenefit.MB_E_INVALID_ARGUMENT, "claim " + i + " is closed");
                    failed++;
                    continue;
                }
                int rc = commit ? MedBenefit.mb_settle(r, chainPtr, len, e, cp, err)
                                : MedBenefit.mb_presettle(r, chainPtr, len, e, cp, err);
                Reference.reachabilityFence(c);
                if (rc != MedBenefit.MB_OK) {
                    errors[i] = MedBenefit.failure(rc, err);
                    failed++;
                    continue;
                }
                for (int a = 0, base = i * width; a < width; a++)
                    fen[base + a] = MedBenefit.mb_result_amount(r, a);
                covered[i] = MedBenefit.mb_result_covered(r) != 0;
            }
            Reference.reachabilityFence(s);
        } finally {
            Reference.reachabilityFence(enrollee);
            Reference.reachabilityFence(chain);
        }
        return new Batch(n, fen, covered, errors, failed);
    }

    /** The amounts of a batch, claim by claim, or why a claim failed. Immutable; thread-safe. */
    public static final class Batch {
        private final int size, failed;
        private final long[] fen;
        private final boolean[] covered;
        private final MedBenefitException[] errors;

        Batch(int size, long[] fen, boolean[] covered, MedBenefitException[] errors, int failed) {
            this.size = size;
            this.fen = fen;
            this.covered = covered;
            this.errors = errors;
            this.failed = failed;
        }

        /** The number of claims given. */
        public int size() {
            return size;
        }

        /** The number that failed. */
        public int failedCount() {
            return failed;
        }

        /** Whether claim {@code i} settled. */
        public boolean ok(int i) {
            Objects.checkIndex(i, size);
            return errors[i] == null;
        }

        /** Why claim {@code i} failed, or null when it settled. */
        public MedBenefitException error(int i) {
            Objects.checkIndex(i, size);
            return errors[i];
        }

        /** An amount of claim {@code i} in fen (0 for a failed claim). */
        public long fen(int i, Amount which) {
            Objects.checkIndex(i, size);
            return fen[i * Amount.all().length + which.ordinal()];
        }

        /** An amount of claim {@code i} in yuan, scale 2. */
        public BigDecimal amount(int i, Amount which) {
            return Money.ofFen(fen(i, which));
        }

        /** Whether the conditional benefit applied to claim {@code i} (false for a failed claim). */
        public boolean covered(int i) {
            Objects.checkIndex(i, size);
            return covered[i];
        }

        /** All amounts in fen, row-major: claim i's amount a is at {@code i * 14 + a.ordinal()}. */
        public long[] fenMatrix() {
            return fen.clone();
        }
    }
}
