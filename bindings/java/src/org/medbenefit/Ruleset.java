package org.medbenefit;

import com.sun.jna.Pointer;

import java.lang.ref.Reference;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One policy document, loaded and compiled ({@code mb_ruleset}).
 *
 * <p><b>Threads:</b> a loaded ruleset is immutable; one instance may be shared by any number of
 * threads without locks (settling with it, reading its catalogue). {@link #close()} while a
 * native call on another thread uses it throws {@link IllegalStateException} and frees nothing
 * (every call holds the rulesets it uses); close it once no thread uses it any more, and after
 * every {@link Settlement} settled with it is done (a settlement keeps its chain reachable, so
 * the cleaner never frees a ruleset a settlement still needs; an explicit close makes those
 * settlements' getters throw {@link IllegalStateException}).
 *
 * <p><b>Ownership:</b> the Java object owns the native ruleset and frees it on {@link #close()},
 * or through a {@link java.lang.ref.Cleaner} when it becomes unreachable. Its id, title and
 * document are copied into Java strings when loaded.
 */
public final class Ruleset implements AutoCloseable {
    /** The tier of a ruleset in a chain ({@code mb_tier}). */
    public enum Tier {
        BASIC(Abi.MB_TIER_BASIC), CRITICAL_ILLNESS(Abi.MB_TIER_CRITICAL_ILLNESS), ASSISTANCE(Abi.MB_TIER_ASSISTANCE);

        final int code;

        Tier(int code) {
            this.code = code;
        }

        static Tier of(int code) {
            for (Tier t : values())
                if (t.code == code)
                    return t;
            throw new IllegalStateException("unknown tier " + code);
        }
    }

    /** How an accumulator is kept ({@code mb_period_kind}): by calendar year or by quarter. */
    public enum Period {
        /** Period 2023: the year 2023. */
        YEAR(Abi.MB_PERIOD_YEAR),
        /** Period 20232: the second quarter of 2023. */
        QUARTER(Abi.MB_PERIOD_QUARTER);

        final int code;

        Period(int code) {
            this.code = code;
        }

        static Period of(int code) {
            for (Period p : values())
                if (p.code == code)
                    return p;
            throw new IllegalStateException("the library returned period kind " + code);
        }
    }

    /**
     * An accumulator the ruleset defines ({@code mb_ruleset_accumulator}): the key
     * {@link Enrollee#seed(Ruleset, String, int, BigDecimal)} takes, e.g. "chronic.paid", and the
     * period it is kept by.
     */
    public record AccumulatorKey(String key, Period period) {}

    /** A parameter the document does not state: what was assumed where, and why. */
    public record Assumption(String where, String reason) {}

    /** A disease of the catalogue: code, name as the document writes it, group ("chronic", "special"). */
    public record Disease(int index, String code, String name, String group) {}

    /**
     * The outcome of a certification assessment ({@code mb_assess}).
     *
     * @param certified whether the findings meet the disease's criteria
     * @param unmet     when not certified, the first requirement not met in the document's words; else ""
     * @param cite      the clause ("" when none)
     */
    public record Assessment(boolean certified, String unmet, String cite) {}

    /** One item of a disease's certification criteria: its number as the document numbers it ("2.1"), and text. */
    public record CriteriaItem(String number, String text) {}

    /** A disease's certification criteria (鉴定标准): the rule as stated, its clause, its items. */
    public record Criteria(String text, String cite, List<CriteriaItem> items) {}

    final NativeHandle handle;
    private final String id, title, document;
    private final Tier tier;

    private Ruleset(Pointer p) {
        handle = new NativeHandle(this, p, MedBenefit::mb_ruleset_free, "ruleset");
        id = MedBenefit.str(MedBenefit.mb_ruleset_id(p));
        title = MedBenefit.str(MedBenefit.mb_ruleset_title(p));
        document = MedBenefit.str(MedBenefit.mb_ruleset_document(p));
        tier = Tier.of(MedBenefit.mb_ruleset_tier(p));
    }

    /** Load a ruleset from a YAML file ({@code mb_ruleset_load_file}); errors carry file, line and key. */
    public static Ruleset load(Path file) throws MedBenefitException {
        Objects.requireNonNull(file, "file");
        long[] out = new long[1];
        Pointer err = Errors.get();
        MedBenefit.check(MedBenefit.mb_ruleset_load_file(out, MedBenefit.utf8(file.toString(), "path"), err), err);
        return new Ruleset(new Pointer(out[0]));
    }

    /**
     * Load the ruleset with this id from {@code <dir>/<id>.yaml}, trying each of {@code dirs} in
     * order, then $MEDBENEFIT_RULESETS, then the installed directory ({@code mb_ruleset_load_id}).
     */
    public static Ruleset fromId(String id, Path... dirs) throws MedBenefitException {
        Objects.requireNonNull(id, "id");
        CStrings array = null;
        if (dirs != null && dirs.length > 0) {
            List<String> names = new ArrayList<>();
            for (Path d : dirs)
                names.add(Objects.requireNonNull(d, "dir").toString());
            array = new CStrings(names, true, "dir");
        }
        long[] out = new long[1];
        Pointer err = Errors.get();
        int rc = MedBenefit.mb_ruleset_load_id(out, MedBenefit.utf8(id, "id"), array == null ? null : array.pointer(),
                err);
        Reference.reachabilityFence(array);
        MedBenefit.check(rc, err);
        return new Ruleset(new Pointer(out[0]));
    }

    /** Load a ruleset from YAML text ({@code mb_ruleset_load_buffer}); errors name it "(string)". */
    public static Ruleset fromString(String yaml) throws MedBenefitException {
        return fromString(yaml, null);
    }

    /** Load a ruleset from YAML text; {@code name} stands for the file name in error messages. */
    public static Ruleset fromString(String yaml, String name) throws MedBenefitException {
        Objects.requireNonNull(yaml, "yaml");
        return fromBytes(yaml.getBytes(StandardCharsets.UTF_8), name);
    }

    /** Load a ruleset from UTF-8 YAML bytes (need not be NUL-terminated). */
    public static Ruleset fromBytes(byte[] yaml, String name) throws MedBenefitException {
        Objects.requireNonNull(yaml, "yaml");
        long[] out = new long[1];
        Pointer err = Errors.get();
        // direct mapping passes a zero-length array as a valid pointer; the length says 0
        byte[] data = yaml.length == 0 ? new byte[1] : yaml;
        MedBenefit.check(MedBenefit.mb_ruleset_load_buffer(out, data, yaml.length,
                MedBenefit.utf8(name, "name"), err), err);
        return new Ruleset(new Pointer(out[0]));
    }

    boolean isClosed() {
        return handle.isClosed();
    }

    /** The ruleset's id, e.g. "wuxi-employee-chronic-2021". */
    public String id() {
        return id;
    }

    /** Its title, e.g. "无锡市职工医保门诊慢性病医疗保障". */
    public String title() {
        return title;
    }

    /** The document it encodes, e.g. "锡医保服务〔2020〕41号". */
    public String document() {
        return document;
    }

    public Tier tier() {
        return tier;
    }

    /** Parameters the document does not state, with what was assumed and why. */
    public List<Assumption> assumptions() {
        Pointer p = handle.hold();
        try {
            long n = MedBenefit.mb_ruleset_assumption_count(p);
            List<Assumption> out = new ArrayList<>();
            long[] where = new long[1], reason = new long[1];
            for (long i = 0; i < n; i++) {
                if (MedBenefit.mb_ruleset_assumption(p, i, where, reason) != MedBenefit.MB_OK)
                    continue;
                out.add(new Assumption(str(where[0]), str(reason[0])));
            }
            return Collections.unmodifiableList(out);
        } finally {
            handle.release();
        }
    }

    /** The disease catalogue in the document's order. */
    public List<Disease> diseases() {
        Pointer p = handle.hold();
        try {
            long n = MedBenefit.mb_ruleset_disease_count(p);
            List<Disease> out = new ArrayList<>();
            for (long i = 0; i < n; i++)
                out.add(disease(p, i));
            return Collections.unmodifiableList(out);
        } finally {
            handle.release();
        }
    }

    /**
     * The accumulators the ruleset defines, the layers' first, then the catalogue's per-disease
     * ones (an unmodifiable list): the keys {@link Enrollee#seed(Ruleset, String, int, BigDecimal)}
     * and {@link Enrollee#accumulator(Ruleset, String, int)} take with this ruleset.
     */
    public List<AccumulatorKey> accumulatorKeys() {
        Pointer p = handle.hold();
        try {
            long n = MedBenefit.mb_ruleset_accumulator_count(p);
            List<AccumulatorKey> out = new ArrayList<>();
            long[] key = new long[1];
            int[] kind = new int[1];
            for (long i = 0; i < n; i++)
                if (MedBenefit.mb_ruleset_accumulator(p, i, key, kind) == MedBenefit.MB_OK)
                    out.add(new AccumulatorKey(str(key[0]), Period.of(kind[0])));
            return Collections.unmodifiableList(out);
        } finally {
            handle.release();
        }
    }

    /** Find a disease by code, full name or short name ({@code mb_ruleset_find_disease}). */
    public Disease findDisease(String nameOrCode) throws MedBenefitException {
        Pointer p = handle.hold();
        try {
            long[] index = new long[1];
            Pointer err = Errors.get();
            MedBenefit.check(MedBenefit.mb_ruleset_find_disease(p, MedBenefit.utf8(nameOrCode, "disease"),
                    index, err), err);
            return disease(p, index[0]);
        } finally {
            handle.release();
        }
    }

    /**
     * Assess findings against a disease's certification criteria ({@code mb_assess}). A finding
     * names an item as the document numbers it: "3", "2.1", "3.2.5". A disease whose entry gives no
     * criteria is "not_found"; a finding that is not an item is "invalid_argument". Thread-safe.
     */
    public Assessment assess(String disease, List<String> findings) throws MedBenefitException {
        Objects.requireNonNull(findings, "findings");
        CStrings array = new CStrings(findings, false, "finding");
        Pointer self = handle.hold();
        try {
            int[] certified = new int[1];
            long[] unmet = new long[1], cite = new long[1];
            Pointer err = Errors.get();
            MedBenefit.check(MedBenefit.mb_assess(self, MedBenefit.utf8(disease, "disease"), array.pointer(),
                    array.count, certified, unmet, cite, err), err);
            String u = str(unmet[0]), c = str(cite[0]);
            return new Assessment(certified[0] != 0, u == null ? "" : u, c == null ? "" : c);
        } finally {
            Reference.reachabilityFence(array);
            handle.release();
        }
    }

    /** The certification criteria of a catalogue entry, or null when the document gives none. */
    public Criteria criteria(Disease disease) {
        Objects.requireNonNull(disease, "disease");
        Pointer p = handle.hold();
        try {
            long[] text = new long[1], cite = new long[1], count = new long[1];
            int rc = MedBenefit.mb_ruleset_criteria(p, disease.index(), text, cite, count);
            if (rc != MedBenefit.MB_OK)
                return null;
            List<CriteriaItem> items = new ArrayList<>();
            long[] number = new long[1], itemText = new long[1];
            for (long i = 0; i < count[0]; i++) {
                if (MedBenefit.mb_ruleset_criteria_item(p, disease.index(), i, number, itemText) != MedBenefit.MB_OK)
                    throw new IllegalStateException("mb_ruleset_criteria_item failed for item " + i);
                items.add(new CriteriaItem(str(number[0]), str(itemText[0])));
            }
            return new Criteria(str(text[0]), str(cite[0]), Collections.unmodifiableList(items));
        } finally {
            handle.release();
        }
    }

    /**
     * The month's personal-account accrual (个人账户计入) for a person type on a date: {@code base}
     * times the ratio in force, half up to the fen ({@code mb_account_accrual}); "not_found" when
     * the ruleset states none for that person.
     */
    public BigDecimal accountAccrual(Enrollee.PersonType personType, LocalDate date, BigDecimal base)
            throws MedBenefitException {
        Objects.requireNonNull(personType, "personType");
        Objects.requireNonNull(date, "date");
        long baseFen = Money.toFen(base, "base");
        int d = MedBenefit.Dates.toInt(date);
        Pointer self = handle.hold();
        try {
            long[] out = new long[1];
            Pointer err = Errors.get();
            MedBenefit.check(MedBenefit.mb_account_accrual(self, personType.code, d, baseFen, out, err), err);
            return Money.ofFen(out[0]);
        } finally {
            handle.release();
        }
    }

    private static Disease disease(Pointer p, long i) {
        long[] code = new long[1], name = new long[1], group = new long[1];
        if (MedBenefit.mb_ruleset_disease(p, i, code, name, group) != MedBenefit.MB_OK)
            throw new IllegalStateException("mb_ruleset_disease failed for index " + i);
        return new Disease((int) i, str(code[0]), str(name[0]), str(group[0]));
    }

    private static String str(long address) {
        return address == 0 ? null : MedBenefit.str(new Pointer(address));
    }

    /**
     * Free the native ruleset now. Idempotent. See the class comment for when it is safe.
     *
     * @throws IllegalStateException while a native call on another thread uses this ruleset
     *                               (nothing is freed: close it after the call returns)
     */
    @Override
    public void close() {
        handle.close();
    }

    @Override
    public String toString() {
        return "Ruleset[" + id + ", " + tier + "]";
    }
}
