package org.medbenefit;

import com.sun.jna.Pointer;

/**
 * The calls of ABI 1.1 (MEDBENEFIT_1.1) that rulesets' selectors need from enrollees and claims:
 * an identity a ruleset's person groups know, the birth date age bands are taken from, and a
 * facility's category. Registered separately and lazily, as {@link NativeExt} is: a library
 * without them still serves everything else, and these throw
 * {@link UnsupportedOperationException} naming the missing symbol.
 */
final class NativeGroups {
    private NativeGroups() {}

    private static final String MISSING = MedBenefit.registerOptional(NativeGroups.class);

    /** Throw when the library lacks these calls. */
    static void require() {
        MedBenefit.requireCalls(MISSING);
    }

    static native int mb_enrollee_add_identity(Pointer e, Pointer rs, byte[] name, int from, int to, Pointer err);
    static native int mb_enrollee_set_birth_date(Pointer e, int birthDate, Pointer err);
    static native int mb_enrollee_birth_date(Pointer e);
    static native int mb_claim_set_facility_category(Pointer c, byte[] category, Pointer err);
}
