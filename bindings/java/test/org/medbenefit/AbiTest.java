package org.medbenefit;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToIntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The binding's enums against the header's constants, as tools/gen-java-abi.py wrote them into
 * {@link Abi} (run-tests.sh first checks that Abi.java is what the header gives): each enum has
 * exactly one constant per value of its C enum or flag set, with the header's value, so a code
 * the header adds or moves fails here instead of being unreachable from Java or sent wrong.
 */
class AbiTest {
    /** The header's constants whose names start with {@code prefix}, by their rest. */
    private static Map<String, Integer> header(String prefix, String... except) throws IllegalAccessException {
        Map<String, Integer> out = new TreeMap<>();
        outer:
        for (Field f : Abi.class.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers()) || !f.getName().startsWith(prefix))
                continue;
            for (String e : except)
                if (f.getName().equals(e))
                    continue outer;
            out.put(f.getName().substring(prefix.length()), (Integer) f.get(null));
        }
        return out;
    }

    private static <E extends Enum<E>> void same(String prefix, Class<E> type, ToIntFunction<E> code,
                                                 String... except) throws IllegalAccessException {
        Map<String, Integer> java = new TreeMap<>();
        for (E e : type.getEnumConstants())
            java.put(e.name(), code.applyAsInt(e));
        assertEquals(header(prefix, except), java, type.getName() + " against " + prefix + "* of medbenefit.h");
    }

    @Test
    void enumsAreTheHeaders() throws IllegalAccessException {
        same("MB_MED_", Claim.MedType.class, m -> m.code);
        same("MB_LEVEL_", Claim.Level.class, l -> l.code);
        same("MB_CLASS_", Claim.ItemClass.class, c -> c.code);
        same("MB_CLAIM_", Claim.Flag.class, f -> f.bit);
        same("MB_SCHEME_", Enrollee.Scheme.class, s -> s.code);
        same("MB_PERSON_", Enrollee.PersonType.class, p -> p.code);
        same("MB_CERT_", Enrollee.CertState.class, c -> c.code);
        same("MB_TIER_", Ruleset.Tier.class, t -> t.code);
        same("MB_PERIOD_", Ruleset.Period.class, p -> p.code);
        same("MB_FAMILY_", Settlement.FamilyRelation.class, f -> f.code);
        same("MB_AMT_", Amount.class, Amount::index, "MB_AMT_COUNT_");
    }

    /** Amounts are indexed by ordinal in the binding's rows: every one is where the header puts it. */
    @Test
    void amountsAreInTheHeadersOrder() {
        assertEquals(Abi.MB_AMT_COUNT_, Amount.values().length);
        for (Amount a : Amount.values())
            assertEquals(a.ordinal(), a.index(), a.name());
        assertEquals(Abi.MB_AMT_COUNT_, Amount.libraryCount(), "the library is the header's");
    }

    /** Every status code of the header is one the library names, each its own name. */
    @Test
    void statusCodesAreTheLibrarys() throws IllegalAccessException {
        String unknown = MedBenefit.statusName(Integer.MIN_VALUE);
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Map.Entry<String, Integer> e : header("MB_E_").entrySet()) {
            String name = MedBenefit.statusName(e.getValue());
            assertNotEquals(unknown, name, e.getKey());
            assertTrue(names.add(name), e.getKey() + " shares its name " + name);
        }
        assertEquals(Abi.MB_E_NOT_ELIGIBLE, -names.size(), "the codes run from -1 without a gap");
    }

    /** The struct sizes the binding allocates are the library's own: it refuses a columns struct
     *  smaller than its first version, so a size below the header's shows here. */
    @Test
    void layoutsAreLp64() {
        assertEquals(40, Abi.mb_fund_row.SIZEOF, "two pointers, three int64");
        assertEquals(56, Abi.mb_trace_step.SIZEOF, "four pointers, two int64, an int32 padded to 8");
        assertEquals(8, Abi.mb_columns.nrows, "after the size_t size");
    }
}
