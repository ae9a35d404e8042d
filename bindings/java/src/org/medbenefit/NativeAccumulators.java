package org.medbenefit;

import com.sun.jna.Pointer;

/**
 * The accumulator calls of ABI 1.1 (MEDBENEFIT_1.1): a ruleset's accumulator keys, and seeding
 * and reading an accumulator checked against them. Registered separately and lazily, as
 * {@link NativeExt} is: a 1.0 library still serves everything else, and these throw
 * {@link UnsupportedOperationException} naming the missing symbol.
 */
final class NativeAccumulators {
    private NativeAccumulators() {}

    private static final String MISSING = MedBenefit.registerOptional(NativeAccumulators.class);

    /** Throw when the library lacks these calls. */
    static void require() {
        MedBenefit.requireCalls(MISSING);
    }

    static native long mb_ruleset_accumulator_count(Pointer rs);
    static native int mb_ruleset_accumulator(Pointer rs, long index, long[] key, int[] periodKind);
    static native int mb_enrollee_seed_checked(Pointer e, Pointer rs, byte[] key, int period, long fen, Pointer err);
    static native int mb_enrollee_accumulator_checked(Pointer e, Pointer rs, byte[] key, int period, long[] fen,
                                                      Pointer err);
}
