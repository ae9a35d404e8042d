package org.medbenefit;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import java.lang.ref.Reference;
import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * Settling in one call: a single claim into a new {@link Settlement}, or many claims of one
 * enrollee in a batch.
 *
 * <p>{@link #batch} is the fast path: the claims cross to C in one {@code mb_settle_batch} call
 * (per block of {@value #BLOCK} claims), which writes every claim's amounts, status and covered
 * flag into native buffers ({@link Memory}) read back with one bulk copy each; no objects per
 * claim beyond a failed claim's exception. {@link #columns} settles the claims of many enrollees
 * held as columns in direct buffers ({@link Columns}), with no object per claim at all.
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

    /** Claims per mb_settle_batch call: bounds the native buffers (about 0.5 MB) of a long batch. */
    static final int BLOCK = 4096;

    private static Batch run(boolean commit, List<Ruleset> chain, Enrollee enrollee, List<Claim> claims)
            throws MedBenefitException {
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(enrollee, "enrollee");
        Objects.requireNonNull(claims, "claims");
        Claim[] cs = claims.toArray(new Claim[0]);
        for (Claim c : cs)
            Objects.requireNonNull(c, "claim");
        return inBlocks(commit, chain, enrollee, cs);
    }

    /** The batch through mb_settle_batch: one call per block of claims, native buffers read in bulk. */
    private static Batch inBlocks(boolean commit, List<Ruleset> chain, Enrollee enrollee, Claim[] cs)
            throws MedBenefitException {
        int n = cs.length, width = Amount.all().length, stride = Amount.shared();
        long[] fen = new long[n * width];
        boolean[] covered = new boolean[n];
        MedBenefitException[] errors = new MedBenefitException[n];
        int failed = 0;
        int block = Math.max(1, Math.min(n, BLOCK));
        Memory claimPtrs = new Memory(8L * block);
        Memory amounts = new Memory(8L * block * Math.max(1, stride));
        Memory status = new Memory(4L * block);
        Memory cov = new Memory(4L * block);
        int[] st = new int[block], cv = new int[block];
        boolean[] closed = new boolean[block];
        try (Settlement s = Settlement.create();
             NativeHandle.Holds held = new NativeHandle.Holds(chain.size() + 2)) {
            Pointer chainPtr = s.holdChain(chain, held);
            Pointer r = held.add(s.handle), e = held.add(enrollee.handle), err = Errors.get();
            long len = chain.size();
            int flags = commit ? 0 : Abi.MB_BATCH_PRESETTLE;
            for (int from = 0; from < n; from += block) {
                int m = Math.min(block, n - from);
                int rc;
                try (NativeHandle.Holds heldClaims = new NativeHandle.Holds(m)) {
                    for (int j = 0; j < m; j++) {
                        Pointer cp;
                        try {
                            cp = heldClaims.add(cs[from + j].handle);
                            closed[j] = false;
                        } catch (IllegalStateException x) {
                            cp = null; // the library refuses a NULL claim (invalid_argument) and goes on
                            closed[j] = true;
                        }
                        claimPtrs.setPointer(8L * j, cp);
                    }
                    status.clear(4L * m);
                    rc = MedBenefit.mb_settle_batch(r, chainPtr, len, e, claimPtrs, m, flags, amounts, stride,
                            status, cov, err);
                }
                status.read(0, st, 0, m);
                boolean any = false;
                for (int j = 0; j < m && !any; j++)
                    any = st[j] != MedBenefit.MB_OK;
                if (rc != MedBenefit.MB_OK && !any)
                    throw MedBenefit.failure(rc, err); // refused as a whole: no claim was tried
                cov.read(0, cv, 0, m);
                if (stride == width) {
                    amounts.read(0, fen, from * width, m * width);
                } else {
                    for (int j = 0; j < m; j++)
                        amounts.read(8L * j * stride, fen, (from + j) * width, stride);
                }
                boolean described = false; // the library describes a call's first failure only
                for (int j = 0; j < m; j++) {
                    int i = from + j;
                    if (st[j] == MedBenefit.MB_OK) {
                        covered[i] = cv[j] != 0;
                        continue;
                    }
                    failed++;
                    MedBenefitException x = described ? null : MedBenefit.failure(st[j], err);
                    described = true;
                    if (closed[j])
                        x = new MedBenefitException(MedBenefit.MB_E_INVALID_ARGUMENT, "claim " + i + " is closed");
                    else if (x == null)
                        x = new MedBenefitException(st[j], MedBenefit.statusText(st[j])
                                + " (a batch describes only its first failure in detail)");
                    errors[i] = x;
                }
            }
        } finally {
            Reference.reachabilityFence(claimPtrs);
            Reference.reachabilityFence(amounts);
            Reference.reachabilityFence(status);
            Reference.reachabilityFence(cov);
        }
        return new Batch(n, fen, covered, errors, failed);
    }

    /**
     * Settle and commit the rows of {@code claims} for {@code enrollees}, in one call
     * ({@code mb_settle_columns}): each enrollee's rows in row order, exactly as settling the same
     * claims one by one would (the same amounts to the fen), rows of different enrollees on up to
     * {@code threads} threads (0: one per core). Results go into {@code out}; a row that fails has
     * its status there, changes nothing, and the call goes on.
     *
     * @return the number of rows that failed ({@link ColumnResults#firstError()} describes the first)
     * @throws MedBenefitException when the call was refused as a whole and no row was settled (a
     *                             malformed chain, item offsets that decrease, out of memory)
     * @throws IllegalArgumentException when {@code out} has fewer rows than {@code claims}, the last
     *                             item offset is beyond {@link Columns#items()}, or threads is negative
     */
    public static int columns(List<Ruleset> chain, List<Enrollee> enrollees, Columns claims, ColumnResults out,
                              int threads) throws MedBenefitException {
        return columns(true, chain, enrollees, claims, out, threads);
    }

    /** Pre-settle the rows of {@code claims} ({@code MB_BATCH_PRESETTLE}): nothing changes, each
     *  row is settled against its enrollee as it is. Otherwise as {@link #columns}. */
    public static int presettleColumns(List<Ruleset> chain, List<Enrollee> enrollees, Columns claims,
                                       ColumnResults out, int threads) throws MedBenefitException {
        return columns(false, chain, enrollees, claims, out, threads);
    }

    private static int columns(boolean commit, List<Ruleset> chain, List<Enrollee> enrollees, Columns k,
                               ColumnResults out, int threads) throws MedBenefitException {
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(enrollees, "enrollees");
        Objects.requireNonNull(k, "claims");
        Objects.requireNonNull(out, "out");
        if (out.rows() < k.rows())
            throw new IllegalArgumentException("results for " + out.rows() + " rows, claims of " + k.rows());
        if (threads < 0)
            throw new IllegalArgumentException("threads " + threads + " must not be negative");
        // The library checks that the offsets start at 0 and never decrease, but cannot know how
        // long the item buffers are: the last offset bounds them all (as uint64_t, as C reads it).
        long lastItem = k.itemStart.getLong(8 * k.rows());
        if (Long.compareUnsigned(lastItem, k.items()) > 0)
            throw new IllegalArgumentException("itemStart[" + k.rows() + "] = " + Long.toUnsignedString(lastItem)
                    + " is beyond the " + k.items() + " items the columns were allocated for");
        Enrollee[] people = enrollees.toArray(new Enrollee[0]);
        Ruleset[] rulesets = chain.toArray(new Ruleset[0]);
        for (Enrollee e : people)
            Objects.requireNonNull(e, "enrollee");
        for (Ruleset rs : rulesets)
            Objects.requireNonNull(rs, "ruleset");
        Memory peoplePtrs = new Memory(8L * Math.max(1, people.length));
        Memory chainPtrs = new Memory(8L * Math.max(1, rulesets.length));

        Memory c = new Memory(Abi.mb_columns.SIZEOF);
        c.clear();
        c.setLong(Abi.mb_columns.size, Abi.mb_columns.SIZEOF);
        c.setLong(Abi.mb_columns.nrows, k.rows());
        c.setPointer(Abi.mb_columns.enrollee, Columns.address(k.enrollee));
        c.setPointer(Abi.mb_columns.claim_id, k.claimIds == null ? null : k.claimIds.pointer());
        c.setPointer(Abi.mb_columns.date, Columns.address(k.date));
        c.setPointer(Abi.mb_columns.med_type, Columns.address(k.medType));
        c.setPointer(Abi.mb_columns.level, Columns.address(k.level));
        c.setPointer(Abi.mb_columns.flags, Columns.address(k.flags));
        c.setPointer(Abi.mb_columns.facility, Columns.address(k.facility));
        c.setPointer(Abi.mb_columns.disease, Columns.address(k.disease));
        c.setPointer(Abi.mb_columns.treatment, Columns.address(k.treatment));
        c.setPointer(Abi.mb_columns.admitted, Columns.address(k.admitted));
        c.setPointer(Abi.mb_columns.discharged, Columns.address(k.discharged));
        c.setPointer(Abi.mb_columns.prescriber, Columns.address(k.prescriber));
        c.setPointer(Abi.mb_columns.prescriber_level, Columns.address(k.prescriberLevel));
        c.setPointer(Abi.mb_columns.item_start, Columns.address(k.itemStart));
        c.setPointer(Abi.mb_columns.item_fen, Columns.address(k.itemFen));
        c.setPointer(Abi.mb_columns.item_class, Columns.address(k.itemClass));
        c.setPointer(Abi.mb_columns.item_selfpay_bp, Columns.address(k.itemSelfpayBp));
        c.setPointer(Abi.mb_columns.up_compliant, Columns.address(k.upCompliant));
        c.setPointer(Abi.mb_columns.up_basic, Columns.address(k.upBasic));
        c.setPointer(Abi.mb_columns.up_critical, Columns.address(k.upCritical));
        c.setPointer(Abi.mb_columns.facilities, k.facilities.pointer());
        c.setLong(Abi.mb_columns.nfacilities, k.facilities.size);
        c.setPointer(Abi.mb_columns.diseases, k.diseases.pointer());
        c.setLong(Abi.mb_columns.ndiseases, k.diseases.size);
        c.setPointer(Abi.mb_columns.treatments, k.treatments.pointer());
        c.setLong(Abi.mb_columns.ntreatments, k.treatments.size);
        c.setPointer(Abi.mb_columns.facility_category, Columns.address(k.facilityCategory));
        c.setPointer(Abi.mb_columns.facility_categories, k.facilityCategories.pointer());
        c.setLong(Abi.mb_columns.nfacility_categories, k.facilityCategories.size);

        Memory r = new Memory(Abi.mb_column_results.SIZEOF);
        r.clear();
        r.setLong(Abi.mb_column_results.size, Abi.mb_column_results.SIZEOF);
        r.setPointer(Abi.mb_column_results.amounts, Columns.address(out.amounts));
        r.setLong(Abi.mb_column_results.stride, ColumnResults.WIDTH);
        r.setPointer(Abi.mb_column_results.status, Columns.address(out.status));
        r.setPointer(Abi.mb_column_results.covered, Columns.address(out.covered));

        Memory o = new Memory(Abi.mb_columns_options.SIZEOF);
        o.clear();
        o.setLong(Abi.mb_columns_options.size, Abi.mb_columns_options.SIZEOF);
        o.setInt(Abi.mb_columns_options.flags, commit ? 0 : Abi.MB_BATCH_PRESETTLE);
        o.setInt(Abi.mb_columns_options.threads, threads);

        Pointer err = Errors.get();
        try (NativeHandle.Holds held = new NativeHandle.Holds(people.length + rulesets.length)) {
            for (int i = 0; i < people.length; i++)
                peoplePtrs.setPointer(8L * i, held.add(people[i].handle));
            for (int i = 0; i < rulesets.length; i++)
                chainPtrs.setPointer(8L * i, held.add(rulesets[i].handle));
            out.prepare();
            int rc = MedBenefit.mb_settle_columns(chainPtrs, rulesets.length, peoplePtrs, people.length, c, r, o, err);
            MedBenefitException first = rc == MedBenefit.MB_OK ? null : MedBenefit.failure(rc, err);
            out.finish(first);
            if (first != null && out.failedCount() == 0) { // refused as a whole: no row was settled
                out.finish(null);
                throw first;
            }
            return out.failedCount();
        } finally {
            Reference.reachabilityFence(k);
            Reference.reachabilityFence(out);
            Reference.reachabilityFence(peoplePtrs);
            Reference.reachabilityFence(chainPtrs);
            Reference.reachabilityFence(c);
            Reference.reachabilityFence(r);
            Reference.reachabilityFence(o);
        }
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

        /** All amounts in fen, row-major: claim i's amount a is at {@code i * Amount.values().length + a.ordinal()}. */
        public long[] fenMatrix() {
            return fen.clone();
        }
    }
}
