package org.medbenefit;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The calls added to the C API for FFI callers that pay per crossing: {@code mb_settle_batch}
 * (a batch of claims in one call), {@code mb_result_amounts} (all amounts in one call),
 * {@code mb_amount_count}, and the enrollee getters. Registered separately and lazily, as
 * {@link NativeExt} is: with a library built without them the binding falls back to one call per
 * claim and per amount, and the enrollee getters throw {@link UnsupportedOperationException}.
 */
final class NativeFfi {
    private NativeFfi() {}

    private static final String MISSING;

    static {
        String missing = null;
        try {
            Native.register(NativeFfi.class, MedBenefit.LIB);
        } catch (UnsatisfiedLinkError e) {
            missing = e.getMessage();
        }
        MISSING = missing;
    }

    /** mb_settle_batch flags. */
    static final int MB_BATCH_PRESETTLE = 0x01;

    /** Whether the library has these calls. */
    static boolean available() {
        return MISSING == null;
    }

    /** Throw when the library lacks these calls. */
    static void require() {
        if (MISSING != null)
            throw new UnsupportedOperationException("libmedbenefit at " + MedBenefit.libraryPath()
                    + " lacks this call: " + MISSING);
    }

    static native int mb_amount_count();
    static native long mb_result_amounts(Pointer r, Pointer out, long n);
    static native int mb_settle_batch(Pointer r, Pointer chain, long chainLen, Pointer enrollee, Pointer claims,
                                      long nclaims, int flags, Pointer amounts, long stride, Pointer status,
                                      Pointer covered, Pointer err);

    static native int mb_enrollee_scheme(Pointer e);
    static native int mb_enrollee_person_type(Pointer e);
    static native Pointer mb_enrollee_designated_facility(Pointer e, int date);
    static native Pointer mb_enrollee_first_visit_facility(Pointer e);
    static native long mb_enrollee_disease_count(Pointer e);
    static native int mb_enrollee_disease(Pointer e, long index, long[] name, int[] certifiedOn, int[] validUntil);
    static native long mb_enrollee_assistance_count(Pointer e);
    static native int mb_enrollee_assistance(Pointer e, long index, long[] category, int[] from, int[] to);
}
