package org.medbenefit;

import com.sun.jna.Pointer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;

/**
 * Ownership of one native handle by one Java object: freed exactly once, by close() or, as a
 * safety net, by the cleaner when the owner becomes unreachable. The cleaning action holds only
 * the pointer and the free function, never the owner.
 *
 * <p>Every native call that uses the handle holds it for the call's duration:
 * <pre>{@code
 * Pointer p = handle.hold();          // IllegalStateException once closed
 * try { ...the native call... } finally { handle.release(); }
 * }</pre>
 * ({@link Holds} for a call that uses several). {@link #close()} while any call holds the handle
 * (on another thread) is refused with IllegalStateException and frees nothing, so a native call
 * never runs on freed memory; once no call holds it, close() frees it and later holds throw.
 * {@link #release()} also keeps the owner reachable up to that point, so that the cleaner cannot
 * free the handle during the call either (an owner being collected is held by no call).
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

    /** {@link #state} once closed; otherwise it counts the calls holding the handle. */
    private static final int CLOSED = -1;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(NativeHandle.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Object owner;
    private final Pointer ptr;
    private final String what;
    private final Cleaner.Cleanable cleanable;
    @SuppressWarnings("unused") // through STATE
    private volatile int state;

    NativeHandle(Object owner, Pointer ptr, Free free, String what) {
        if (ptr == null)
            throw new IllegalStateException(what + ": the library returned a NULL handle");
        this.owner = owner; // a cycle with the owner, which the collector frees as one
        this.ptr = ptr;
        this.what = what;
        this.cleanable = MedBenefit.CLEANER.register(owner, new Release(ptr, free));
    }

    /** Hold the handle for one native call and return its pointer; IllegalStateException once
     *  closed. Each hold is paired with one {@link #release()}, in a finally block. */
    Pointer hold() {
        for (;;) {
            int s = (int) STATE.getVolatile(this);
            if (s == CLOSED)
                throw new IllegalStateException(what + " is closed");
            if (STATE.compareAndSet(this, s, s + 1))
                return ptr;
        }
    }

    /** End a {@link #hold()}: the owner stays reachable (uncollected) until here. */
    void release() {
        STATE.getAndAdd(this, -1);
        Reference.reachabilityFence(owner);
    }

    boolean isClosed() {
        return (int) STATE.getVolatile(this) == CLOSED;
    }

    /** Free now (idempotent); refused, freeing nothing, while a call holds the handle. */
    void close() {
        for (;;) {
            int s = (int) STATE.getVolatile(this);
            if (s == CLOSED)
                return;
            if (s > 0)
                throw new IllegalStateException(what + " is in use by a native call on another thread: close it "
                        + "after the call returns");
            if (STATE.compareAndSet(this, 0, CLOSED))
                break;
        }
        cleanable.clean();
    }

    /**
     * The handles one native call holds, released together when it ends:
     * <pre>{@code
     * try (NativeHandle.Holds held = new NativeHandle.Holds(2)) {
     *     Pointer e = held.add(enrollee.handle), rs = held.add(ruleset.handle);
     *     ...the native call...
     * }
     * }</pre>
     * A handle found closed by {@link #add} throws, and those added before it are released.
     */
    static final class Holds implements AutoCloseable {
        private final NativeHandle[] held;
        private int count;

        Holds(int capacity) {
            held = new NativeHandle[capacity];
        }

        Pointer add(NativeHandle h) {
            held[count] = h; // past the capacity: throws before holding
            Pointer p = h.hold();
            count++;
            return p;
        }

        @Override
        public void close() {
            while (count > 0)
                held[--count].release();
        }
    }
}
