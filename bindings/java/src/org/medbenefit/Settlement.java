package org.medbenefit;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A result handle ({@code mb_result}) and the settlement it last computed. Reusable: each
 * {@link #settle}, {@link #presettle} replaces what it holds. Settling allocates nothing in C;
 * the handle's storage is allocated once by {@link #create()}.
 *
 * <p>The amount getters (see {@link SettlementView}) read all amounts of a settlement at once, in
 * one call ({@code mb_result_amounts}), the first time one is asked for, and answer from that copy
 * until the handle settles again; {@link #covered()}, {@link #reason()}, {@link #funds()} and
 * {@link #trace()} read the native result each time. {@link #snapshot()} copies everything into an
 * immutable value that outlives the handle.
 *
 * <p><b>Threads:</b> not thread-safe; confine a settlement, with the enrollee and claim it settles,
 * to one thread at a time. The rulesets of the chain may be shared with other threads.
 *
 * <p><b>Ownership:</b> owns the native result; freed by {@link #close()} or by a
 * {@link java.lang.ref.Cleaner}. The library's strings in a result (fund names, reasons, trace)
 * live in the rulesets of the chain, so a settlement keeps its chain's {@link Ruleset} objects
 * reachable; if one of them is closed explicitly the getters throw {@link IllegalStateException}
 * rather than read freed memory.
 */
public final class Settlement implements AutoCloseable, SettlementView {
    /**
     * Family members whose account may pay ({@code mb_family_relation}). The names follow the C
     * header, which documents them by who pays: read them as "the patient is the payer's …".
     */
    public enum FamilyRelation {
        /** 配偶: the payer is the patient's spouse. */
        SPOUSE(Abi.MB_FAMILY_SPOUSE),
        /** 父母: the patient is the payer's parent; the payer is the patient's child. */
        PARENT(Abi.MB_FAMILY_PARENT),
        /** 子女: the patient is the payer's child; the payer is the patient's parent. */
        CHILD(Abi.MB_FAMILY_CHILD);

        final int code;

        FamilyRelation(int code) {
            this.code = code;
        }
    }

    final NativeHandle handle;
    /** The chain of the last call, as given, and its native array (reused while it is the same). */
    private Ruleset[] chain = new Ruleset[0];
    private Memory chainArray;
    /** The chain the current contents were settled with (kept reachable; see the class comment). */
    private Ruleset[] settledWith;
    private boolean holds;
    private Memory scratch;
    /** The amounts of the settlement held, read once (null: not read yet, or none held). */
    private long[] amounts;

    private Settlement(Pointer p) {
        handle = new NativeHandle(this, p, MedBenefit::mb_result_free, "settlement");
    }

    /** Allocate a result handle ({@code mb_result_new}), reusable for any number of settlements. */
    public static Settlement create() throws MedBenefitException {
        long[] out = new long[1];
        Pointer err = Errors.get();
        MedBenefit.check(MedBenefit.mb_result_new(out, err), err);
        return new Settlement(new Pointer(out[0]));
    }


    /**
     * Compute and commit ({@code mb_settle}, national 2207/2304): the enrollee's accumulators and
     * account change as the result says. On any error nothing changes and this handle holds no
     * settlement until the next successful call.
     *
     * @param chain 1..8 rulesets in tier order (basic, critical illness, assistance)
     * @return this
     */
    public Settlement settle(List<Ruleset> chain, Enrollee enrollee, Claim claim) throws MedBenefitException {
        return run(true, chain, enrollee, claim);
    }

    /**
     * Compute without changing anything ({@code mb_presettle}, 2206/2303); the enrollee is only read.
     *
     * @return this
     */
    public Settlement presettle(List<Ruleset> chain, Enrollee enrollee, Claim claim) throws MedBenefitException {
        return run(false, chain, enrollee, claim);
    }

    private Settlement run(boolean commit, List<Ruleset> rulesets, Enrollee enrollee, Claim claim)
            throws MedBenefitException {
        Objects.requireNonNull(rulesets, "chain");
        Objects.requireNonNull(enrollee, "enrollee");
        Objects.requireNonNull(claim, "claim");
        try (NativeHandle.Holds held = new NativeHandle.Holds(rulesets.size() + 3)) {
            Pointer chainPtr = holdChain(rulesets, held); // closed handles throw before the call
            Pointer r = held.add(handle), e = held.add(enrollee.handle), c = held.add(claim.handle);
            Pointer err = Errors.get();
            holds = false;
            amounts = null;
            if (commit) // the room first, as the header asks, so that the settlement allocates nothing
                MedBenefit.check(MedBenefit.mb_enrollee_reserve_for(e, chainPtr, chain.length, err), err);
            int rc = commit ? MedBenefit.mb_settle(r, chainPtr, chain.length, e, c, err)
                            : MedBenefit.mb_presettle(r, chainPtr, chain.length, e, c, err);
            MedBenefit.check(rc, err);
            settledWith = chain;
            holds = true;
            return this;
        }
    }

    /** Hold the chain's rulesets in {@code held} and return the native array of their handles,
     *  rebuilt only when the chain changes. */
    Pointer holdChain(List<Ruleset> rulesets, NativeHandle.Holds held) {
        int n = rulesets.size();
        boolean same = n == chain.length;
        for (int i = 0; same && i < n; i++)
            same = rulesets.get(i) == chain[i];
        if (same) {
            for (Ruleset r : chain)
                held.add(r.handle); // still open?
            return chainArray;
        }
        Ruleset[] next = new Ruleset[n];
        Memory array = n == 0 ? null : new Memory(8L * n);
        for (int i = 0; i < n; i++) {
            next[i] = Objects.requireNonNull(rulesets.get(i), "chain element");
            array.setPointer(8L * i, held.add(next[i].handle));
        }
        chain = next;
        chainArray = array;
        return array;
    }

    /**
     * Settle and commit where, after the patient's own account, the personal account of
     * {@code payer} (a family member in {@code relation} to the patient) pays the rest of the
     * patient's share (共济, {@code mb_settle_family}). {@code acct_pay} includes the family part,
     * which {@link Amount#ACCT_MULAID_PAY} reports. Both enrollees change; on error neither does.
     * Refused with "not_eligible" when the chain's basic ruleset does not allow that relation.
     *
     * @return this
     */
    public Settlement settleFamily(List<Ruleset> rulesets, Enrollee patient, Enrollee payer,
                                   FamilyRelation relation, Claim claim) throws MedBenefitException {
        Objects.requireNonNull(rulesets, "chain");
        Objects.requireNonNull(patient, "patient");
        Objects.requireNonNull(payer, "payer");
        Objects.requireNonNull(relation, "relation");
        Objects.requireNonNull(claim, "claim");
        try (NativeHandle.Holds held = new NativeHandle.Holds(rulesets.size() + 4)) {
            Pointer chainPtr = holdChain(rulesets, held);
            Pointer r = held.add(handle), p = held.add(patient.handle), a = held.add(payer.handle),
                    c = held.add(claim.handle);
            Pointer err = Errors.get();
            holds = false;
            amounts = null;
            MedBenefit.check(MedBenefit.mb_enrollee_reserve_for(p, chainPtr, chain.length, err), err);
            MedBenefit.check(MedBenefit.mb_settle_family(r, chainPtr, chain.length, p, a, relation.code, c, err), err);
            settledWith = chain;
            holds = true;
            return this;
        }
    }

    /** Reverse a settlement made by {@link #settleFamily}: both enrollees return to what they were. */
    public void reverseFamily(Enrollee patient, Enrollee payer) throws MedBenefitException {
        Objects.requireNonNull(patient, "patient");
        Objects.requireNonNull(payer, "payer");
        try (NativeHandle.Holds held = new NativeHandle.Holds(3)) {
            Pointer p = held.add(patient.handle), a = held.add(payer.handle), r = held.add(handle);
            Pointer err = Errors.get();
            MedBenefit.check(MedBenefit.mb_reverse_family(p, a, r, err), err);
        }
    }

    /**
     * Reverse this committed settlement ({@code mb_reverse}, 2208/2305): its own changes to the
     * enrollee's accumulators and account are taken back, in any order (later settlements keep
     * their amounts); reversing every settlement gives back the state before them. Twice, or a
     * settlement no longer in the enrollee's journal, is "state". An enrollee restored from its
     * blob reverses by id ({@link Enrollee#reverseId}). The amounts stay readable afterwards.
     */
    public void reverse(Enrollee enrollee) throws MedBenefitException {
        Objects.requireNonNull(enrollee, "enrollee");
        try (NativeHandle.Holds held = new NativeHandle.Holds(2)) {
            Pointer e = held.add(enrollee.handle), r = held.add(handle);
            Pointer err = Errors.get();
            MedBenefit.check(MedBenefit.mb_reverse(e, r, err), err);
        }
    }

    /**
     * The settlement id ({@code mb_result_setl_id}, since 1.1) of the committed settlement held:
     * 16 hex digits, unique among the enrollee's settlements, for {@link Enrollee#reverseId};
     * "" for a pre-settlement.
     */
    public String setlId() {
        try (NativeHandle.Holds held = reading()) {
            String s = MedBenefit.str(MedBenefit.mb_result_setl_id(readable(held)));
            return s == null ? "" : s;
        }
    }

    /** Whether this handle holds a settlement (the last settle or presettle succeeded). */
    public boolean holdsSettlement() {
        return holds;
    }

    /** Room to hold this handle and the chain of the settlement it holds, for {@link #readable}. */
    private NativeHandle.Holds reading() {
        Ruleset[] with = settledWith;
        return new NativeHandle.Holds(1 + (with == null ? 0 : with.length));
    }

    /** The chain of the settlement held, after checking there is one and that it and its chain
     *  are open: the checks of every getter, the copied amounts' too. */
    private Ruleset[] settled() {
        if (handle.isClosed())
            throw new IllegalStateException("settlement is closed");
        Ruleset[] with = settledWith;
        if (!holds || with == null)
            throw new IllegalStateException("no settlement: nothing settled yet, or the last call failed");
        for (Ruleset r : with)
            if (r.isClosed())
                throw new IllegalStateException("ruleset " + r.id() + " of this settlement's chain is closed");
        return with;
    }

    /** The result pointer, after {@link #settled()}'s checks, holding it and the chain it was
     *  settled with (its strings live in the rulesets) in {@code held}. */
    private Pointer readable(NativeHandle.Holds held) {
        Pointer p = held.add(handle);
        for (Ruleset r : settled())
            held.add(r.handle);
        return p;
    }

    /** The amounts of the settlement held: read in one call the first time, then the copy
     *  (Java memory: nothing native to hold). */
    private long[] amounts() {
        long[] a = amounts;
        if (a != null) {
            settled();
            return a;
        }
        try (NativeHandle.Holds held = reading()) {
            Pointer p = readable(held);
            a = new long[Amount.all().length];
            int n = Amount.shared();
            Memory buf = scratch();
            long got = MedBenefit.mb_result_amounts(p, buf, n);
            buf.read(0, a, 0, (int) Math.min(got, n));
            amounts = a;
            return a;
        }
    }

    @Override
    public long fen(Amount which) {
        return amounts()[which.ordinal()];
    }

    /** All amounts in fen, indexed by {@link Amount#ordinal()}. */
    public long[] fenAll() {
        return amounts().clone();
    }

    @Override
    public boolean covered() {
        try (NativeHandle.Holds held = reading()) {
            return MedBenefit.mb_result_covered(readable(held)) != 0;
        }
    }

    @Override
    public String reason() {
        try (NativeHandle.Holds held = reading()) {
            String s = MedBenefit.str(MedBenefit.mb_result_reason(readable(held)));
            return s == null ? "" : s;
        }
    }

    private Memory scratch() {
        if (scratch == null)
            scratch = new Memory(Math.max(Math.max(Abi.mb_fund_row.SIZEOF, Abi.mb_trace_step.SIZEOF), 8L * Amount.all().length));
        return scratch;
    }

    @Override
    public List<FundRow> funds() {
        try (NativeHandle.Holds held = reading()) {
            Pointer p = readable(held);
            long n = MedBenefit.mb_result_fund_count(p);
            Memory row = scratch();
            List<FundRow> out = new ArrayList<>((int) n);
            for (long i = 0; i < n; i++) {
                row.clear();
                if (MedBenefit.mb_result_fund(p, i, row) != MedBenefit.MB_OK)
                    throw new IllegalStateException("mb_result_fund failed for row " + i);
                long cap = row.getLong(Abi.mb_fund_row.crt_payb_lmt_amt);
                out.add(new FundRow(MedBenefit.str(row.getPointer(Abi.mb_fund_row.fund_pay_type)),
                        MedBenefit.str(row.getPointer(Abi.mb_fund_row.fund_name)),
                        Money.ofFen(row.getLong(Abi.mb_fund_row.inscp_scp_amt)),
                        Money.ofFen(row.getLong(Abi.mb_fund_row.fund_payamt)),
                        cap < 0 ? null : Money.ofFen(cap)));
            }
            return Collections.unmodifiableList(out);
        }
    }

    @Override
    public List<TraceStep> trace() {
        try (NativeHandle.Holds held = reading()) {
            Pointer p = readable(held);
            long n = MedBenefit.mb_result_trace_count(p);
            Memory step = scratch();
            List<TraceStep> out = new ArrayList<>((int) n);
            for (long i = 0; i < n; i++) {
                step.clear();
                if (MedBenefit.mb_result_trace(p, i, step) != MedBenefit.MB_OK)
                    throw new IllegalStateException("mb_result_trace failed for step " + i);
                int bp = step.getInt(Abi.mb_trace_step.ratio_bp);
                out.add(new TraceStep(MedBenefit.str(step.getPointer(Abi.mb_trace_step.ruleset_id)),
                        MedBenefit.str(step.getPointer(Abi.mb_trace_step.rule)),
                        MedBenefit.str(step.getPointer(Abi.mb_trace_step.cite)),
                        MedBenefit.str(step.getPointer(Abi.mb_trace_step.what)),
                        Money.ofFen(step.getLong(Abi.mb_trace_step.amount_in)),
                        Money.ofFen(step.getLong(Abi.mb_trace_step.amount_out)), bp < 0 ? null : bp));
            }
            return Collections.unmodifiableList(out);
        }
    }

    /** An immutable copy of everything this settlement holds; it needs neither handle nor chain. */
    public Snapshot snapshot() {
        return new Snapshot(fenAll(), covered(), reason(), funds(), trace());
    }

    /**
     * Free the native result now. Idempotent.
     *
     * @throws IllegalStateException while a native call on another thread uses this settlement
     *                               (nothing is freed: close it after the call returns)
     */
    @Override
    public void close() {
        handle.close();
        settledWith = null;
        holds = false;
        amounts = null;
    }

    /** An immutable copy of a settlement; thread-safe. */
    public static final class Snapshot implements SettlementView {
        private final long[] fen;
        private final boolean covered;
        private final String reason;
        private final List<FundRow> funds;
        private final List<TraceStep> trace;

        Snapshot(long[] fen, boolean covered, String reason, List<FundRow> funds, List<TraceStep> trace) {
            this.fen = fen.clone();
            this.covered = covered;
            this.reason = reason;
            this.funds = List.copyOf(funds);
            this.trace = List.copyOf(trace);
        }

        @Override
        public long fen(Amount which) {
            return fen[which.ordinal()];
        }

        @Override
        public boolean covered() {
            return covered;
        }

        @Override
        public String reason() {
            return reason;
        }

        @Override
        public List<FundRow> funds() {
            return funds;
        }

        @Override
        public List<TraceStep> trace() {
            return trace;
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("Settlement[");
            for (Amount a : Amount.all())
                b.append(a.ordinal() == 0 ? "" : ", ").append(a.fieldName()).append('=').append(amount(a));
            return b.append(", covered=").append(covered).append(']').toString();
        }
    }
}
