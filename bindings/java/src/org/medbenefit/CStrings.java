package org.medbenefit;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import java.util.ArrayList;
import java.util.List;

/**
 * A native array of NUL-terminated UTF-8 strings ({@code const char *const *}), optionally
 * NULL-terminated. The Java object owns the memory: keep it reachable for the whole call.
 */
final class CStrings {
    private final Memory array;
    private final List<Memory> strings = new ArrayList<>();
    final int count;

    CStrings(List<String> values, boolean nullTerminated, String what) throws MedBenefitException {
        count = values.size();
        int slots = count + (nullTerminated ? 1 : 0);
        array = slots == 0 ? null : new Memory(8L * slots);
        for (int i = 0; i < count; i++) {
            byte[] b = MedBenefit.utf8(values.get(i), what);
            if (b == null)
                throw new NullPointerException(what + "[" + i + "]");
            Memory m = new Memory(b.length);
            m.write(0, b, 0, b.length);
            strings.add(m);
            array.setPointer(8L * i, m);
        }
        if (nullTerminated)
            array.setPointer(8L * count, null);
    }

    /** The array, or NULL when it is empty and not NULL-terminated. */
    Pointer pointer() {
        return array;
    }
}
