package org.medbenefit;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import java.lang.ref.Cleaner;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Map;

/**
 * The native library {@code libmedbenefit} and the few library-wide calls: version, status names,
 * and the exact parsers for amounts, ratios and dates.
 *
 * <h2>Loading</h2>
 * The library is bound with JNA <em>direct mapping</em> ({@link Native#register(Class, NativeLibrary)}):
 * every C function is a {@code static native} method of this class, about 70 ns a call. It is
 * found, in order, at the path in the system property {@code medbenefit.library} or the
 * environment variable {@code MEDBENEFIT_LIBRARY} (a file, e.g. {@code build/libmedbenefit.so.1}),
 * else by the name {@code medbenefit} on {@code jna.library.path} and the system's library path.
 * Loading fails with {@link UnsatisfiedLinkError} if the library's major version is not 1, if it
 * lacks a function of this binding (a library older than the binding: the binding is built with
 * the library and serves one header), or the JVM is not 64-bit (the mapping passes
 * {@code size_t} and {@code T**} as 64-bit values, and the struct offsets are LP64's,
 * {@link Abi}).
 *
 * <h2>Calling convention</h2>
 * cdecl (the platform's C convention). Strings cross as NUL-terminated UTF-8 in both directions,
 * encoded and decoded explicitly here, whatever {@code jna.encoding} or {@code file.encoding} say.
 * Strings returned by the library are copied into Java strings at once, so no Java object ever
 * points into native memory it does not own.
 *
 * <h2>Errors</h2>
 * Each fallible call is passed the calling thread's own {@code mb_error}; when the call fails its
 * status and message are read at once into a {@link MedBenefitException} and the {@code mb_error}
 * is cleared. Two threads never share an {@code mb_error}.
 *
 * <h2>Threads</h2>
 * Everything in this class is thread-safe.
 */
public final class MedBenefit {
    private MedBenefit() {}

    /** The library file in use, as given or as JNA found it. */
    private static final String LIBRARY_PATH;

    /** The loaded library. */
    static final NativeLibrary LIB;

    static final Cleaner CLEANER = Cleaner.create();

    static {
        if (Native.POINTER_SIZE != 8 || Native.SIZE_T_SIZE != 8)
            throw new UnsatisfiedLinkError("org.medbenefit needs a 64-bit JVM (pointer size "
                    + Native.POINTER_SIZE + ", size_t " + Native.SIZE_T_SIZE + ")");
        String explicit = System.getProperty("medbenefit.library");
        if (explicit == null || explicit.isEmpty())
            explicit = System.getenv("MEDBENEFIT_LIBRARY");
        if (explicit != null && !explicit.isEmpty() && new java.io.File(explicit).exists())
            explicit = new java.io.File(explicit).getAbsolutePath(); // JNA takes a relative path for a name
        Map<String, Object> options = Map.of(Library.OPTION_STRING_ENCODING, "UTF-8");
        NativeLibrary lib;
        try {
            lib = explicit != null && !explicit.isEmpty()
                    ? NativeLibrary.getInstance(explicit, options)
                    : NativeLibrary.getInstance("medbenefit", options);
        } catch (UnsatisfiedLinkError e) {
            UnsatisfiedLinkError u = new UnsatisfiedLinkError("libmedbenefit not found ("
                    + (explicit != null && !explicit.isEmpty() ? "medbenefit.library / MEDBENEFIT_LIBRARY=" + explicit
                       : "jna.library.path=" + System.getProperty("jna.library.path"))
                    + "): " + e.getMessage());
            u.initCause(e);
            throw u;
        }
        Native.register(MedBenefit.class, lib);
        LIB = lib;
        LIBRARY_PATH = lib.getFile() != null ? lib.getFile().getPath() : lib.getName();
        int v = mb_version_number();
        if (v / 10000 != Abi.MB_VERSION_MAJOR)
            throw new UnsatisfiedLinkError("libmedbenefit " + v + " at " + LIBRARY_PATH
                    + " is not ABI version 1");
    }

    // ---- the C API, direct-mapped -------------------------------------------------------------
    // Types: int -> int, int32_t -> int, int64_t -> long, size_t -> long (64-bit only),
    // unsigned -> int, handles and const char* results -> Pointer, const char* arguments -> byte[]
    // (NUL-terminated UTF-8, from utf8()), T** and scalar out-parameters -> long[1]/int[1].

    static native int mb_version_number();
    static native Pointer mb_version();
    static native Pointer mb_status_name(int status);
    static native Pointer mb_status_text(int status);

    static native Pointer mb_error_new();
    static native void mb_error_free(Pointer err);
    static native void mb_error_clear(Pointer err);
    static native int mb_error_status(Pointer err);
    static native Pointer mb_error_message(Pointer err);
    static native Pointer mb_error_file(Pointer err);
    static native int mb_error_line(Pointer err);
    static native Pointer mb_error_key(Pointer err);

    static native int mb_ruleset_load_file(long[] out, byte[] path, Pointer err);
    static native int mb_ruleset_load_buffer(long[] out, byte[] data, long len, byte[] name, Pointer err);
    static native int mb_ruleset_load_id(long[] out, byte[] id, Pointer dirs, Pointer err);
    static native Pointer mb_ruleset_default_dir();
    static native void mb_ruleset_free(Pointer rs);
    static native Pointer mb_ruleset_id(Pointer rs);
    static native Pointer mb_ruleset_title(Pointer rs);
    static native Pointer mb_ruleset_document(Pointer rs);
    static native int mb_ruleset_tier(Pointer rs);
    static native long mb_ruleset_assumption_count(Pointer rs);
    static native int mb_ruleset_assumption(Pointer rs, long index, long[] where, long[] reason);
    static native long mb_ruleset_disease_count(Pointer rs);
    static native int mb_ruleset_disease(Pointer rs, long index, long[] code, long[] name, long[] group);
    static native int mb_ruleset_find_disease(Pointer rs, byte[] nameOrCode, long[] index, Pointer err);

    static native int mb_scheme_parse(byte[] text);
    static native int mb_person_type_parse(byte[] text);
    static native int mb_enrollee_new(long[] out, byte[] id, int scheme, int personType, Pointer err);
    static native void mb_enrollee_free(Pointer e);
    static native Pointer mb_enrollee_id(Pointer e);
    static native int mb_enrollee_set_account_balance(Pointer e, long fen, Pointer err);
    static native long mb_enrollee_account_balance(Pointer e);
    static native int mb_enrollee_set_designated_facility(Pointer e, byte[] facility, Pointer err);
    static native int mb_enrollee_set_first_visit_facility(Pointer e, byte[] facility, Pointer err);
    static native int mb_enrollee_add_disease(Pointer e, byte[] nameOrCode, int certifiedOn, int validUntil, Pointer err);
    static native int mb_enrollee_add_assistance(Pointer e, byte[] category, int from, int to, Pointer err);
    static native int mb_enrollee_seed(Pointer e, byte[] rulesetId, byte[] key, int period, long fen, Pointer err);
    static native long mb_enrollee_accumulator(Pointer e, byte[] rulesetId, byte[] key, int period);
    static native int mb_enrollee_reserve(Pointer e, long entries, Pointer err);
    static native int mb_enrollee_save(Pointer e, Pointer buf, long cap, long[] len, Pointer err);
    static native int mb_enrollee_restore(long[] out, byte[] buf, long len, Pointer err);

    static native int mb_med_type_parse(byte[] text);
    static native int mb_level_parse(byte[] text);
    static native int mb_item_class_parse(byte[] text);
    static native int mb_amount_parse(byte[] text, long[] fen, Pointer err);
    static native int mb_ratio_parse(byte[] text, int[] bp, Pointer err);
    static native int mb_date_parse(byte[] text, int[] date, Pointer err);

    static native int mb_claim_new(long[] out, byte[] id, int date, int medType, byte[] facility, int level, Pointer err);
    static native void mb_claim_free(Pointer c);
    static native Pointer mb_claim_id(Pointer c);
    static native int mb_claim_set_flags(Pointer c, int flags, Pointer err);
    static native int mb_claim_set_disease(Pointer c, byte[] nameOrCode, byte[] treatment, Pointer err);
    static native int mb_claim_set_admission(Pointer c, int admitted, int discharged, Pointer err);
    static native int mb_claim_set_prescriber(Pointer c, byte[] facility, int level, Pointer err);
    static native int mb_claim_add_item(Pointer c, long fen, int itemClass, int firstSelfpayBp, Pointer err);
    static native int mb_claim_set_upstream(Pointer c, long compliant, long basic, long criticalIllness, Pointer err);
    static native int mb_claim_set_upstream_assistance(Pointer c, long assistance, Pointer err);

    static native int mb_result_new(long[] out, Pointer err);
    static native void mb_result_free(Pointer r);
    static native int mb_presettle(Pointer out, Pointer chain, long chainLen, Pointer enrollee, Pointer claim, Pointer err);
    static native int mb_settle(Pointer out, Pointer chain, long chainLen, Pointer enrollee, Pointer claim, Pointer err);
    static native int mb_reverse(Pointer enrollee, Pointer settled, Pointer err);
    static native long mb_result_amount(Pointer r, int which);
    static native Pointer mb_amount_name(int which);
    static native int mb_result_covered(Pointer r);
    static native Pointer mb_result_reason(Pointer r);
    static native long mb_result_fund_count(Pointer r);
    static native int mb_result_fund(Pointer r, long index, Pointer row);
    static native long mb_result_trace_count(Pointer r);
    static native int mb_result_trace(Pointer r, long index, Pointer step);

    // batches, all amounts at once, and the enrollee getters
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
    static native int mb_settle_columns(Pointer chain, long chainLen, Pointer enrollees, long nenrollees,
                                        Pointer claims, Pointer out, Pointer options, Pointer err);
    // certification criteria and lifecycle, family accounts, accrual
    static native int mb_assess(Pointer rs, byte[] disease, Pointer findings, long nfindings, int[] certified,
                                long[] unmet, long[] cite, Pointer err);
    static native int mb_ruleset_criteria(Pointer rs, long index, long[] text, long[] cite, long[] items);
    static native int mb_ruleset_criteria_item(Pointer rs, long index, long item, long[] number, long[] text);
    static native int mb_enrollee_certify(Pointer e, Pointer rs, byte[] disease, int date, Pointer err);
    static native int mb_enrollee_status(Pointer e, Pointer rs, byte[] disease, int date, int[] state, int[] since,
                                         long[] cite, Pointer err);
    static native int mb_enrollee_request_facility_change(Pointer e, Pointer rs, int requestDate, byte[] facility,
                                                          Pointer err);
    static native int mb_settle_family(Pointer out, Pointer chain, long chainLen, Pointer patient, Pointer payer,
                                       int relation, Pointer claim, Pointer err);
    static native int mb_reverse_family(Pointer patient, Pointer payer, Pointer settled, Pointer err);
    static native int mb_account_accrual(Pointer rs, int personType, int date, long baseFen, long[] accrualFen,
                                         Pointer err);
    static native int mb_enrollee_accrue(Pointer e, Pointer rs, int date, long baseFen, long[] creditedFen,
                                         Pointer err);
    // room in the accumulator table
    static native int mb_enrollee_reserve_for(Pointer e, Pointer chain, long chainLen, Pointer err);
    // identities, birth dates, facility categories
    static native int mb_enrollee_add_identity(Pointer e, Pointer rs, byte[] name, int from, int to, Pointer err);
    static native int mb_enrollee_set_birth_date(Pointer e, int birthDate, Pointer err);
    static native int mb_enrollee_birth_date(Pointer e);
    static native int mb_claim_set_facility_category(Pointer c, byte[] category, Pointer err);
    // a ruleset's accumulator keys, checked seeding and reading
    static native long mb_ruleset_accumulator_count(Pointer rs);
    static native int mb_ruleset_accumulator(Pointer rs, long index, long[] key, int[] periodKind);
    static native int mb_enrollee_seed_checked(Pointer e, Pointer rs, byte[] key, int period, long fen, Pointer err);
    static native int mb_enrollee_accumulator_checked(Pointer e, Pointer rs, byte[] key, int period, long[] fen,
                                                      Pointer err);
    // settlement ids, reversal by id, the journal
    static native Pointer mb_result_setl_id(Pointer r);
    static native int mb_reverse_id(Pointer e, byte[] setlId, Pointer err);
    static native int mb_reverse_family_id(Pointer patient, Pointer payer, byte[] setlId, Pointer err);
    static native int mb_enrollee_set_journal_limit(Pointer e, long maxSettlements, Pointer err);
    static native long mb_enrollee_journal_limit(Pointer e);
    static native long mb_enrollee_journal_count(Pointer e);

    // ---- status codes (mb_status) ----------------------------------------------------------------

    static final int MB_OK = Abi.MB_OK;
    static final int MB_E_INVALID_ARGUMENT = Abi.MB_E_INVALID_ARGUMENT;
    static final int MB_E_INVALID_AMOUNT = Abi.MB_E_INVALID_AMOUNT;
    static final int MB_E_INVALID_DATE = Abi.MB_E_INVALID_DATE;

    // ---- public, library-wide calls ------------------------------------------------------------

    /** The library's version as MAJOR*10000 + MINOR*100 + PATCH, e.g. 10100. */
    public static int versionNumber() {
        return mb_version_number();
    }

    /** The library's version string, e.g. "1.1.0". */
    public static String version() {
        return str(mb_version());
    }

    /** The file the library was loaded from (or the name JNA resolved). */
    public static String libraryPath() {
        return LIBRARY_PATH;
    }

    /** The stable name of a status code, e.g. "invalid_amount" for -8 ({@code mb_status_name}). */
    public static String statusName(int status) {
        return str(mb_status_name(status));
    }

    /** A short English description of a status code ({@code mb_status_text}). */
    public static String statusText(int status) {
        return str(mb_status_text(status));
    }

    /** The installed ruleset directory ({@code mb_ruleset_default_dir}). */
    public static String defaultRulesetDir() {
        return str(mb_ruleset_default_dir());
    }

    /**
     * Parse an amount in yuan ("1200", "1200.5", "1200.50") exactly, with the library's own
     * rules ({@code mb_amount_parse}): a sign, more than two decimals or more than 10^12 yuan is
     * {@code invalid_amount}.
     *
     * @return the amount with scale 2
     */
    public static BigDecimal parseAmount(String text) throws MedBenefitException {
        long[] fen = new long[1];
        Pointer err = Errors.get();
        check(mb_amount_parse(utf8(text, "amount"), fen, err), err);
        return Money.ofFen(fen[0]);
    }

    /** Parse a ratio "70%", "62.5%" or "0.7" into basis points (7000), exactly ({@code mb_ratio_parse}). */
    public static int parseRatio(String text) throws MedBenefitException {
        int[] bp = new int[1];
        Pointer err = Errors.get();
        check(mb_ratio_parse(utf8(text, "ratio"), bp, err), err);
        return bp[0];
    }

    /** Parse "YYYY-MM-DD", checking it is a calendar date ({@code mb_date_parse}). */
    public static LocalDate parseDate(String text) throws MedBenefitException {
        int[] d = new int[1];
        Pointer err = Errors.get();
        check(mb_date_parse(utf8(text, "date"), d, err), err);
        return Dates.fromInt(d[0]);
    }

    // ---- helpers shared by the package ---------------------------------------------------------

    /** Copy a NUL-terminated UTF-8 string owned by the library; NULL gives null. */
    static String str(Pointer p) {
        return p == null ? null : p.getString(0, "UTF-8");
    }

    /**
     * Encode a Java string as NUL-terminated UTF-8 for the library; null gives null (C NULL).
     * A string holding NUL, or an unpaired surrogate, cannot cross and is invalid_argument.
     */
    static byte[] utf8(String s, String what) throws MedBenefitException {
        if (s == null)
            return null;
        if (s.indexOf('\0') >= 0)
            throw new MedBenefitException(MB_E_INVALID_ARGUMENT, what + ": a string holds NUL, which C cannot receive");
        CharsetEncoder enc = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer bb;
        try {
            bb = enc.encode(CharBuffer.wrap(s));
        } catch (CharacterCodingException e) {
            throw new MedBenefitException(MB_E_INVALID_ARGUMENT, what + ": not valid Unicode (unpaired surrogate)");
        }
        byte[] out = new byte[bb.remaining() + 1];
        bb.get(out, 0, out.length - 1);
        return out;
    }

    /** Throw the failure of a call that returned {@code rc}, reading {@code err} (the thread's). */
    static void check(int rc, Pointer err) throws MedBenefitException {
        if (rc != MB_OK)
            throw failure(rc, err);
    }

    static MedBenefitException failure(int rc, Pointer err) {
        return Errors.take(rc, err);
    }

    /** YYYYMMDD <-> LocalDate. */
    static final class Dates {
        private Dates() {}

        static int toInt(LocalDate d) throws MedBenefitException {
            if (d == null)
                return 0;
            int y = d.getYear();
            if (y < 1 || y > 9999)
                throw new MedBenefitException(MB_E_INVALID_DATE, "date " + d + ": year out of range 1..9999");
            return y * 10000 + d.getMonthValue() * 100 + d.getDayOfMonth();
        }

        static LocalDate fromInt(int v) {
            if (v == 0)
                return null;
            try {
                return LocalDate.of(v / 10000, v / 100 % 100, v % 100);
            } catch (DateTimeException e) {
                throw new IllegalStateException("library returned date " + v, e);
            }
        }
    }
}
