package org.medbenefit;

import com.sun.jna.Pointer;

/**
 * The calls added to the C API after the first cut of 1.0 (certification criteria and
 * lifecycle, family account use, account accrual), registered separately and lazily: a library
 * built without them still serves everything else, and these throw
 * {@link UnsupportedOperationException} naming the missing symbol.
 */
final class NativeExt {
    private NativeExt() {}

    private static final String MISSING = MedBenefit.registerOptional(NativeExt.class);

    /** Throw when the library lacks these calls. */
    static void require() {
        MedBenefit.requireCalls(MISSING);
    }

    static native int mb_assess(Pointer rs, byte[] disease, Pointer findings, long nfindings, int[] certified,
                                long[] unmet, long[] cite, Pointer err);
    static native int mb_ruleset_criteria(Pointer rs, long index, long[] text, long[] cite, long[] items);
    static native int mb_ruleset_criteria_item(Pointer rs, long index, long item, long[] number, long[] text);

    static native int mb_enrollee_certify(Pointer e, Pointer rs, byte[] disease, int date, Pointer err);
    static native int mb_enrollee_status(Pointer e, Pointer rs, byte[] disease, int date, int[] state, int[] since,
                                         long[] cite, Pointer err);
    static native int mb_enrollee_request_facility_change(Pointer e, Pointer rs, int requestDate, byte[] facility,
                                                          Pointer err);

    static native int mb_settle_family(Pointer out, Pointer chain, long chainLen, Pointer patient, Pointer payer,
                                       int relation, Pointer claim, Pointer err);
    static native int mb_reverse_family(Pointer patient, Pointer payer, Pointer settled, Pointer err);

    static native int mb_account_accrual(Pointer rs, int personType, int date, long baseFen, long[] accrualFen,
                                         Pointer err);
    static native int mb_enrollee_accrue(Pointer e, Pointer rs, int date, long baseFen, long[] creditedFen,
                                         Pointer err);
}
