package org.medbenefit;

import com.sun.jna.Pointer;

import java.lang.ref.Cleaner;

/**
 * Ownership of one native handle by one Java object: freed exactly once, by close() or, as a
 * safety net, by the cleaner when the owner becomes unreachable. The cleaning action holds only
 * the pointer and the free function, never the owner. Owners call
 * {@link java.lang.ref.Reference#reachabilityFence} after each native call so that the cleaner
 * cannot free the handle while a call is using it.
 */
final class NativeHandle {
    interface Free {
        void free(Pointer p);
    }

    private static final class Release implements Runnable {
        private final Pointer ptr;
        private final Free free;

        Release(Pointer ptr, Free free) {
            this.ptr = ptr;
            this.free = free;
        }

        @Override
        public void run() {
            free.free(ptr);
        }
    }

    private final Pointer ptr;
    private final String what;
    private final Cleaner.Cleanable cleanable;
    private volatile boolean closed;

    NativeHandle(Object owner, Pointer ptr, Free free, String what) {
        if (ptr == null)
            throw new IllegalStateException(what + ": the library returned a NULL handle");
        this.ptr = ptr;
        this.what = what;
        this.cleanable = MedBenefit.CLEANER.register(owner, new Release(ptr, free));
    }

    /** The pointer; IllegalStateException once closed. */
    Pointer get() {
        if (closed)
            throw new IllegalStateException(what + " is closed");
        return ptr;
    }

    boolean isClosed() {
        return closed;
    }

    /** Free now (idempotent). */
    void close() {
        closed = true;
        cleanable.clean();
    }
}
