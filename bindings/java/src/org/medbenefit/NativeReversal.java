package org.medbenefit;

import com.sun.jna.Pointer;

/**
 * The reversal calls of ABI 1.1 (MEDBENEFIT_1.1, docs/reversal.md): a settlement's id, reversal
 * by that id in any order (also on an enrollee restored from its blob), and the journal's bound.
 * Registered separately and lazily, as {@link NativeExt} is: a 1.0 library still serves
 * everything else, and these throw {@link UnsupportedOperationException} naming the missing
 * symbol.
 */
final class NativeReversal {
    private NativeReversal() {}

    private static final String MISSING = MedBenefit.registerOptional(NativeReversal.class);

    /** Throw when the library lacks these calls. */
    static void require() {
        MedBenefit.requireCalls(MISSING);
    }

    static native Pointer mb_result_setl_id(Pointer r);
    static native int mb_reverse_id(Pointer e, byte[] setlId, Pointer err);
    static native int mb_reverse_family_id(Pointer patient, Pointer payer, byte[] setlId, Pointer err);
    static native int mb_enrollee_set_journal_limit(Pointer e, long maxSettlements, Pointer err);
    static native long mb_enrollee_journal_limit(Pointer e);
    static native long mb_enrollee_journal_count(Pointer e);
}
