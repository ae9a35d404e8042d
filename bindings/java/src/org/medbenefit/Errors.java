package org.medbenefit;

import com.sun.jna.Pointer;

/**
 * One {@code mb_error} per thread, passed to every fallible call that thread makes. A failed
 * call overwrites it; {@link #take} copies it into an exception and clears it at once, so it is
 * always empty (MB_OK) before the next call and a message is never stale. The native object is
 * freed by the cleaner once its thread has ended and the holder is unreachable.
 */
final class Errors {
    private Errors() {}

    private static final class Holder {
        final Pointer err;

        Holder() {
            Pointer p = MedBenefit.mb_error_new();
            if (p == null)
                throw new OutOfMemoryError("mb_error_new returned NULL");
            err = p;
            MedBenefit.CLEANER.register(this, () -> MedBenefit.mb_error_free(p));
        }
    }

    private static final ThreadLocal<Holder> LOCAL = ThreadLocal.withInitial(Holder::new);

    /** The calling thread's mb_error. */
    static Pointer get() {
        return LOCAL.get().err;
    }

    /** The exception for a call that returned {@code rc}, with what it recorded in {@code err}. */
    static MedBenefitException take(int rc, Pointer err) {
        String message = null, file = null, key = null;
        int line = 0;
        if (err != null && MedBenefit.mb_error_status(err) != MedBenefit.MB_OK) {
            message = MedBenefit.str(MedBenefit.mb_error_message(err));
            file = MedBenefit.str(MedBenefit.mb_error_file(err));
            line = MedBenefit.mb_error_line(err);
            key = MedBenefit.str(MedBenefit.mb_error_key(err));
            MedBenefit.mb_error_clear(err);
        }
        if (message == null || message.isEmpty())
            message = MedBenefit.statusText(rc);
        return new MedBenefitException(rc, message, file, line, key);
    }
}
