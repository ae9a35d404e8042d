package org.medbenefit;

import com.sun.jna.Pointer;

/**
 * {@code mb_enrollee_reserve_for} (since 1.1): room in an enrollee's accumulator table for what
 * one settlement under a chain can add. Settlement never allocates, so the binding makes the
 * room before each settlement it commits, as the header asks; it returns at once when the room
 * is there. Registered separately, as {@link NativeExt} is: with a library built without it the
 * binding settles without (and the library refuses a full table with "capacity").
 */
final class NativeRoom {
    private NativeRoom() {}

    private static final boolean AVAILABLE = MedBenefit.registerOptional(NativeRoom.class) == null;

    static native int mb_enrollee_reserve_for(Pointer e, Pointer chain, long chainLen, Pointer err);

    /** Make the room one settlement of {@code e} under the chain can need. */
    static void reserveFor(Pointer e, Pointer chain, long chainLen, Pointer err) throws MedBenefitException {
        if (AVAILABLE)
            MedBenefit.check(mb_enrollee_reserve_for(e, chain, chainLen, err), err);
    }
}
