package org.medbenefit;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A person and their year-to-date state ({@code mb_enrollee}): scheme, person type, personal
 * account, facilities, certified diseases, assistance identities and accumulators. Settling a
 * claim changes the accumulators and the account; reversing it changes them back exactly.
 *
 * <p><b>Threads:</b> not thread-safe. Confine an enrollee to one thread at a time (hand it over
 * only with a happens-before edge, e.g. through a queue), or lock around every use.
 *
 * <p><b>Ownership:</b> owns the native enrollee; freed by {@link #close()} or, failing that, by a
 * {@link java.lang.ref.Cleaner}. Strings given are copied by the library.
 */
public final class Enrollee implements AutoCloseable {
    /** The insurance scheme ({@code mb_scheme}). */
    public enum Scheme {
        /** 职工基本医疗保险, insutype 310. */
        EMPLOYEE(Abi.MB_SCHEME_EMPLOYEE),
        /** 城乡居民基本医疗保险, insutype 390. */
        RESIDENT(Abi.MB_SCHEME_RESIDENT);

        final int code;

        Scheme(int code) {
            this.code = code;
        }

        static Scheme of(int code) {
            for (Scheme s : values())
                if (s.code == code)
                    return s;
            throw new IllegalStateException("the library returned scheme " + code);
        }

        /** Parse "employee" | "resident" | "310" | "390" ({@code mb_scheme_parse}). */
        public static Scheme parse(String text) throws MedBenefitException {
            int v = MedBenefit.mb_scheme_parse(MedBenefit.utf8(text, "scheme"));
            if (v < 0)
                throw new MedBenefitException(v, "unknown scheme '" + text + "'");
            for (Scheme s : values())
                if (s.code == v)
                    return s;
            throw new IllegalStateException("mb_scheme_parse returned " + v);
        }
    }

    /** The person type ({@code mb_person_type}). */
    public enum PersonType {
        /** 在职, psn_type 11. */
        IN_SERVICE(Abi.MB_PERSON_IN_SERVICE),
        /** 退休, psn_type 12. */
        RETIRED(Abi.MB_PERSON_RETIRED),
        /** 建国前老工人. */
        VETERAN(Abi.MB_PERSON_VETERAN),
        /** 城乡居民, psn_type 14-16. */
        RESIDENT(Abi.MB_PERSON_RESIDENT);

        final int code;

        PersonType(int code) {
            this.code = code;
        }

        static PersonType of(int code) {
            for (PersonType p : values())
                if (p.code == code)
                    return p;
            throw new IllegalStateException("the library returned person type " + code);
        }

        /** Parse "in_service" | "retired" | "veteran" | "resident" | "11".."16". */
        public static PersonType parse(String text) throws MedBenefitException {
            int v = MedBenefit.mb_person_type_parse(MedBenefit.utf8(text, "person_type"));
            if (v < 0)
                throw new MedBenefitException(v, "unknown person_type '" + text + "'");
            for (PersonType s : values())
                if (s.code == v)
                    return s;
            throw new IllegalStateException("mb_person_type_parse returned " + v);
        }
    }

    /** The state of a certification on a date ({@code mb_cert_state}). */
    public enum CertState {
        /** 未认定: not certified. */
        NONE(Abi.MB_CERT_NONE),
        /** 享受待遇中: certified and in benefit. */
        ACTIVE(Abi.MB_CERT_ACTIVE),
        /** 待遇尚未开始: certified; the benefit starts on {@code since}. */
        PENDING(Abi.MB_CERT_PENDING),
        /** 认定已过有效期: validity ended on {@code since}. */
        EXPIRED(Abi.MB_CERT_EXPIRED),
        /** 待遇资格已取消: revoked on {@code since}. */
        REVOKED(Abi.MB_CERT_REVOKED),
        /** 不予享受: held, but refused (over the disease limit, or an exclusive pair). */
        REFUSED(Abi.MB_CERT_REFUSED);

        final int code;

        CertState(int code) {
            this.code = code;
        }

        static CertState of(int code) {
            for (CertState c : values())
                if (c.code == code)
                    return c;
            throw new IllegalStateException("mb_enrollee_status returned state " + code);
        }
    }

    /**
     * A certification's state on a date ({@code mb_enrollee_status}).
     *
     * @param since the date the state turns on, or null
     * @param cite  the clause ("" when none)
     */
    public record CertStatus(CertState state, LocalDate since, String cite) {}

    /**
     * A certified disease the enrollee holds ({@code mb_enrollee_disease}).
     *
     * @param disease     the name or code as it was given
     * @param validUntil  the last day certified, or null for the catalogue's own rule
     */
    public record Certification(String disease, LocalDate certifiedOn, LocalDate validUntil) {}

    /**
     * A medical-assistance identity the enrollee holds ({@code mb_enrollee_assistance}).
     *
     * @param category the category name, e.g. "minimum_living"
     * @param to       the last day held, or null when still held
     */
    public record AssistanceIdentity(String category, LocalDate from, LocalDate to) {}

    private static final int MB_E_BUFFER = -17;

    final NativeHandle handle;

    private Enrollee(Pointer p) {
        handle = new NativeHandle(this, p, MedBenefit::mb_enrollee_free, "enrollee");
    }

    /**
     * Create an enrollee ({@code mb_enrollee_new}).
     *
     * @param id         the caller's identifier for the person (may be null)
     * @param personType may be null for residents (RESIDENT is then used)
     */
    public static Enrollee create(String id, Scheme scheme, PersonType personType) throws MedBenefitException {
        Objects.requireNonNull(scheme, "scheme");
        long[] out = new long[1];
        Pointer err = Errors.get();
        MedBenefit.check(MedBenefit.mb_enrollee_new(out, MedBenefit.utf8(id, "id"), scheme.code,
                personType == null ? 0 : personType.code, err), err);
        return new Enrollee(new Pointer(out[0]));
    }

    /** Restore an enrollee saved by {@link #save()}; a truncated, altered or newer blob is "corrupt". */
    public static Enrollee restore(byte[] blob) throws MedBenefitException {
        Objects.requireNonNull(blob, "blob");
        long[] out = new long[1];
        Pointer err = Errors.get();
        byte[] data = blob.length == 0 ? new byte[1] : blob;
        MedBenefit.check(MedBenefit.mb_enrollee_restore(out, data, blob.length, err), err);
        return new Enrollee(new Pointer(out[0]));
    }

    boolean isClosed() {
        return handle.isClosed();
    }

    /** The caller's identifier given at creation (or null). */
    public String id() {
        Pointer self = handle.hold();
        try {
            return MedBenefit.str(MedBenefit.mb_enrollee_id(self));
        } finally {
            handle.release();
        }
    }

    /** The scheme ({@code mb_enrollee_scheme}); on a restored enrollee too, like every getter here. */
    public Scheme scheme() {
        Pointer self = handle.hold();
        try {
            return Scheme.of(MedBenefit.mb_enrollee_scheme(self));
        } finally {
            handle.release();
        }
    }

    /** The person type ({@code mb_enrollee_person_type}): RESIDENT for a resident created with none. */
    public PersonType personType() {
        Pointer self = handle.hold();
        try {
            return PersonType.of(MedBenefit.mb_enrollee_person_type(self));
        } finally {
            handle.release();
        }
    }

    /**
     * The designated facility (定点) as last set, or null when none is. A change requested for next
     * year ({@link #requestFacilityChange}) shows in {@link #designatedFacility(LocalDate)}.
     */
    public String designatedFacility() {
        return facility(0);
    }

    /**
     * The designated facility in force on {@code date}, or null when none is: a change requested in
     * the ruleset's window takes effect on 1 January.
     */
    public String designatedFacility(LocalDate date) throws MedBenefitException {
        Objects.requireNonNull(date, "date");
        return facility(MedBenefit.Dates.toInt(date));
    }

    private String facility(int date) {
        Pointer self = handle.hold();
        try {
            return orNull(MedBenefit.str(MedBenefit.mb_enrollee_designated_facility(self, date)));
        } finally {
            handle.release();
        }
    }

    /** The first-visit facility (首诊), or null when none is set. */
    public String firstVisitFacility() {
        Pointer self = handle.hold();
        try {
            return orNull(MedBenefit.str(MedBenefit.mb_enrollee_first_visit_facility(self)));
        } finally {
            handle.release();
        }
    }

    private static String orNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** The certified diseases held, in the order they were added (an unmodifiable list). */
    public List<Certification> diseases() {
        Pointer p = handle.hold();
        try {
            long n = MedBenefit.mb_enrollee_disease_count(p);
            List<Certification> out = new ArrayList<>((int) n);
            long[] name = new long[1];
            int[] on = new int[1], until = new int[1];
            for (long i = 0; i < n; i++)
                if (MedBenefit.mb_enrollee_disease(p, i, name, on, until) == MedBenefit.MB_OK)
                    out.add(new Certification(MedBenefit.str(name[0] == 0 ? null : new Pointer(name[0])),
                            MedBenefit.Dates.fromInt(on[0]), MedBenefit.Dates.fromInt(until[0])));
            return Collections.unmodifiableList(out);
        } finally {
            handle.release();
        }
    }

    /** The medical-assistance identities held, in the order they were added (an unmodifiable list). */
    public List<AssistanceIdentity> assistance() {
        Pointer p = handle.hold();
        try {
            long n = MedBenefit.mb_enrollee_assistance_count(p);
            List<AssistanceIdentity> out = new ArrayList<>((int) n);
            long[] category = new long[1];
            int[] from = new int[1], to = new int[1];
            for (long i = 0; i < n; i++)
                if (MedBenefit.mb_enrollee_assistance(p, i, category, from, to) == MedBenefit.MB_OK)
                    out.add(new AssistanceIdentity(MedBenefit.str(category[0] == 0 ? null : new Pointer(category[0])),
                            MedBenefit.Dates.fromInt(from[0]), MedBenefit.Dates.fromInt(to[0])));
            return Collections.unmodifiableList(out);
        } finally {
            handle.release();
        }
    }

    /** Set the personal account (个人账户) balance, yuan; negative or beyond the fen is invalid_amount. */
    public Enrollee setAccountBalance(BigDecimal yuan) throws MedBenefitException {
        long fen = Money.toFen(yuan, "account balance");
        Pointer self = handle.hold();
        try {
            Pointer err = Errors.get();
            MedBenefit.check(MedBenefit.mb_enrollee_set_account_balance(self, fen, err), err);
            return this;
        } finally {
            handle.release();
        }
    }

    /** The personal account balance, yuan (scale 2). */
    public BigDecimal accountBalance() {
        Pointer self = handle.hold();
        try {
            return Money.ofFen(MedBenefit.mb_enrollee_account_balance(self));
        } finally {
            handle.release();
        }
    }

    /** The designated facility (定点) for chronic care. */
    public Enrollee setDesignatedFacility(String facilityId) throws MedBenefitException {
        Pointer self = handle.hold();
        try {
            Pointer err = Errors.get();
            MedBenefit.check(MedBenefit.mb_enrollee_set_designated_facility(self,
                    MedBenefit.utf8(facilityId, "facility"), err), err);
            return this;
        } finally {
            handle.release();
        }
    }

    /** The first-visit facility (首诊) for outpatient pooling. */
    public Enrollee setFirstVisitFacility(String facilityId) throws MedBenefitException {
        Pointer self = handle.hold();
        try {
            Pointer err = Errors.get();
            MedBenefit.check(MedBenefit.mb_enrollee_set_first_visit_facility(self,
                    MedBenefit.utf8(facilityId, "facility"), err), err);
            return this;
        } finally {
            handle.release();
        }
    }

    /**
     * Add a certified chronic/special disease by code or name as the catalogues write it.
     *
     * @param validUntil the last day certified, or null for the catalogue's own rule
     */
    public Enrollee addDisease(String nameOrCode, LocalDate certifiedOn, LocalDate validUntil)
            throws MedBenefitException {
        Objects.requireNonNull(certifiedOn, "certifiedOn");
        int on = MedBenefit.Dates.toInt(certifiedOn), until = MedBenefit.Dates.toInt(validUntil);
        Pointer self = handle.hold();
        try {
            Pointer err = Errors.get();
            MedBenefit.check(MedBenefit.mb_enrollee_add_disease(self, MedBenefit.utf8(nameOrCode, "disease"),
                    on, until, err), err);
            return this;
        } finally {
            handle.release();
        }
    }

    /** Add a certified disease valid by the catalogue's own rule. */
    public Enrollee addDisease(String nameOrCode, LocalDate certifiedOn) throws MedBenefitException {
        return addDisease(nameOrCode, certifiedOn, null);
    }

    /**
     * Certify a disease on {@code date} under the ruleset's lifecycle rules, then record it as
     * {@link #addDisease} does ({@code mb_enrollee_certify}). Refused with "not_eligible", the
     * reason and its clause in the exception's message, when the enrollee already holds the
     * ruleset's maximum of diseases or the other disease of an exclusive pair.
     */
    public Enrollee certify(Ruleset ruleset, String disease, LocalDate date) throws MedBenefitException {
        Objects.requireNonNull(ruleset, "ruleset");
        Objects.requireNonNull(date, "date");
        int d = MedBenefit.Dates.toInt(date);
        try (NativeHandle.Holds held = new NativeHandle.Holds(2)) {
            Pointer self = held.add(handle), rs = held.add(ruleset.handle);
            Pointer err = Errors.get();
            MedBenefit.check(MedBenefit.mb_enrollee_certify(self, rs, MedBenefit.utf8(disease, "disease"),
                    d, err), err);
            return this;
        }
    }

    /** The state of this enrollee's certification for {@code disease} on {@code date} under {@code ruleset}. */
    public CertStatus status(Ruleset ruleset, String disease, LocalDate date) throws MedBenefitException {
        Objects.requireNonNull(ruleset, "ruleset");
        Objects.requireNonNull(date, "date");
        int d = MedBenefit.Dates.toInt(date);
        try (NativeHandle.Holds held = new NativeHandle.Holds(2)) {
            Pointer self = held.add(handle), rs = held.add(ruleset.handle);
            int[] state = new int[1], since = new int[1];
            long[] cite = new long[1];
            Pointer err = Errors.get();
            MedBenefit.check(MedBenefit.mb_enrollee_status(self, rs, MedBenefit.utf8(disease, "disease"),
                    d, state, since, cite, err), err);
            String c = cite[0] == 0 ? "" : MedBenefit.str(new Pointer(cite[0]));
            return new CertStatus(CertState.of(state[0]), MedBenefit.Dates.fromInt(since[0]), c);
        }
    }

    /**
     * Ask on {@code requestDate} to change the designated facility
     * ({@code mb_enrollee_request_facility_change}). Where the ruleset accepts changes only in a
     * window, a request outside it is "not_eligible" and one inside takes effect on 1 January.
     */
    public Enrollee requestFacilityChange(Ruleset ruleset, LocalDate requestDate, String facilityId)
            throws MedBenefitException {
        Objects.requireNonNull(ruleset, "ruleset");
        Objects.requireNonNull(requestDate, "requestDate");
        int d = MedBenefit.Dates.toInt(requestDate);
        try (NativeHandle.Holds held = new NativeHandle.Holds(2)) {
            Pointer self = held.add(handle), rs = held.add(ruleset.handle);
            Pointer err = Errors.get();
            MedBenefit.check(MedBenefit.mb_enrollee_request_facility_change(self, rs, d,
                    MedBenefit.utf8(facilityId, "facility"), err), err);
            return this;
        }
    }

    /**
     * Credit the month's personal-account accrual to the account ({@code mb_enrollee_accrue}; see
     * {@link Ruleset#accountAccrual}).
     *
     * @return the amount credited
     */
    public BigDecimal accrue(Ruleset ruleset, LocalDate date, BigDecimal base) throws MedBenefitException {
        Objects.requireNonNull(ruleset, "ruleset");
        Objects.requireNonNull(date, "date");
        long baseFen = Money.toFen(base, "base");
        int d = MedBenefit.Dates.toInt(date);
        try (NativeHandle.Holds held = new NativeHandle.Holds(2)) {
            Pointer self = held.add(handle), rs = held.add(ruleset.handle);
            long[] out = new long[1];
            Pointer err = Errors.get();
            MedBenefit.check(MedBenefit.mb_enrollee_accrue(self, rs, d, baseFen, out, err), err);
            return Money.ofFen(out[0]);
        }
    }

    /**
     * Add a medical-assistance identity (e.g. "minimum_living"), held from {@code from} to
     * {@code to} inclusive ({@code to} null: still held).
     */
    public Enrollee addAssistance(String category, LocalDate from, LocalDate to) throws MedBenefitException {
        Objects.requireNonNull(from, "from");
        int f = MedBenefit.Dates.toInt(from), t = MedBenefit.Dates.toInt(to);
        Pointer self = handle.hold();
        try {
            Pointer err = Errors.get();
            MedBenefit.check(MedBenefit.mb_enrollee_add_assistance(self, MedBenefit.utf8(category, "category"),
                    f, t, err), err);
            return this;
        } finally {
            handle.release();
        }
    }

    /**
     * Add an identity {@code ruleset}'s person groups know: a group's name or label (返贫致贫人口),
     * a psn_idet_type code it maps, a member it names, or an assistance category; held from
     * {@code from} to {@code to} inclusive ({@code to} null: still held). A name the ruleset
     * does not know is "unknown_code", the message listing its groups.
     */
    public Enrollee addIdentity(Ruleset ruleset, String name, LocalDate from, LocalDate to)
            throws MedBenefitException {
        Objects.requireNonNull(ruleset, "ruleset");
        Objects.requireNonNull(from, "from");
        int f = MedBenefit.Dates.toInt(from), t = MedBenefit.Dates.toInt(to);
        byte[] n = MedBenefit.utf8(name, "identity");
        try (NativeHandle.Holds held = new NativeHandle.Holds(2)) {
            Pointer self = held.add(handle), rs = held.add(ruleset.handle);
            Pointer err = Errors.get();
            MedBenefit.check(MedBenefit.mb_enrollee_add_identity(self, rs, n, f, t, err), err);
            return this;
        }
    }

    /** The birth date age bands are taken from (the years completed on a claim's date); null
     *  clears it. */
    public Enrollee setBirthDate(LocalDate birthDate) throws MedBenefitException {
        int d = MedBenefit.Dates.toInt(birthDate);
        Pointer self = handle.hold();
        try {
            Pointer err = Errors.get();
            MedBenefit.check(MedBenefit.mb_enrollee_set_birth_date(self, d, err), err);
            return this;
        } finally {
            handle.release();
        }
    }

    /** The birth date set, or null. */
    public LocalDate birthDate() {
        Pointer self = handle.hold();
        try {
            int d = MedBenefit.mb_enrollee_birth_date(self);
            return d == 0 ? null : MedBenefit.Dates.fromInt(d);
        } finally {
            handle.release();
        }
    }

    /**
     * Seed a year-to-date accumulator of {@code ruleset}, e.g. from the national platform's 5206
     * query, replacing the figure for that key and period ({@code mb_enrollee_seed_checked}).
     * The key is checked against the ruleset ({@link Ruleset#accumulatorKeys()}): one it does
     * not define is "unknown_code", the message naming the keys it does define; a period of the
     * wrong kind (a quarter for a yearly key), or when the ruleset is not in force, is
     * "invalid_date". A failed call changes nothing.
     *
     * @param period a year (2023) or a quarter (20232: second quarter of 2023)
     */
    public Enrollee seed(Ruleset ruleset, String key, int period, BigDecimal yuan) throws MedBenefitException {
        Objects.requireNonNull(ruleset, "ruleset");
        long fen = Money.toFen(yuan, "accumulator");
        byte[] k = MedBenefit.utf8(key, "key");
        try (NativeHandle.Holds held = new NativeHandle.Holds(2)) {
            Pointer self = held.add(handle), rs = held.add(ruleset.handle);
            Pointer err = Errors.get();
            MedBenefit.check(MedBenefit.mb_enrollee_seed_checked(self, rs, k, period, fen, err),
                    err);
            return this;
        }
    }

    /**
     * Read a year-to-date accumulator of {@code ruleset}, yuan (0.00 for a figure never seeded or
     * settled), checked as {@link #seed(Ruleset, String, int, BigDecimal)} checks it
     * ({@code mb_enrollee_accumulator_checked}): a misspelt key throws rather than reading 0.00.
     */
    public BigDecimal accumulator(Ruleset ruleset, String key, int period) throws MedBenefitException {
        Objects.requireNonNull(ruleset, "ruleset");
        byte[] k = MedBenefit.utf8(key, "key");
        try (NativeHandle.Holds held = new NativeHandle.Holds(2)) {
            Pointer self = held.add(handle), rs = held.add(ruleset.handle);
            long[] fen = new long[1];
            Pointer err = Errors.get();
            MedBenefit.check(MedBenefit.mb_enrollee_accumulator_checked(self, rs, k, period, fen,
                    err), err);
            return Money.ofFen(fen[0]);
        }
    }

    /**
     * Seed a year-to-date accumulator by ruleset id, <b>unchecked</b> ({@code mb_enrollee_seed}):
     * without the ruleset the library cannot know its keys, so it refuses only a key no ruleset
     * could define, and a misspelt key is stored where no settlement reads it. Kept for
     * compatibility; prefer {@link #seed(Ruleset, String, int, BigDecimal)}.
     *
     * @param period a year (2023) or a quarter (20232: second quarter of 2023)
     */
    public Enrollee seed(String rulesetId, String key, int period, BigDecimal yuan) throws MedBenefitException {
        long fen = Money.toFen(yuan, "accumulator");
        Pointer self = handle.hold();
        try {
            Pointer err = Errors.get();
            MedBenefit.check(MedBenefit.mb_enrollee_seed(self, MedBenefit.utf8(rulesetId, "ruleset"),
                    MedBenefit.utf8(key, "key"), period, fen, err), err);
            return this;
        } finally {
            handle.release();
        }
    }

    /**
     * Read a year-to-date accumulator by ruleset id, yuan, <b>unchecked</b>
     * ({@code mb_enrollee_accumulator}): a key nobody keeps reads 0.00. Kept for compatibility;
     * prefer {@link #accumulator(Ruleset, String, int)}.
     */
    public BigDecimal accumulator(String rulesetId, String key, int period) throws MedBenefitException {
        byte[] rs = MedBenefit.utf8(rulesetId, "ruleset"), k = MedBenefit.utf8(key, "key");
        Pointer self = handle.hold();
        try {
            return Money.ofFen(MedBenefit.mb_enrollee_accumulator(self, rs, k, period));
        } finally {
            handle.release();
        }
    }

    /** Ensure room for {@code entries} accumulator entries so that settlement never allocates. */
    /**
     * Reverse the committed settlement {@code setlId} ({@link Settlement#setlId}) of this enrollee
     * ({@code mb_reverse_id}, 2208/2305), whether or not it is the latest, also after a save and
     * restore: its own changes are taken back, later settlements keep their amounts. "state" when
     * the journal does not hold it (reversed already, or older than {@link #journalLimit}
     * settlements), or it is a family settlement ({@link #reverseFamilyId}).
     */
    public void reverseId(String setlId) throws MedBenefitException {
        byte[] id = MedBenefit.utf8(Objects.requireNonNull(setlId, "setlId"), "setlId");
        Pointer self = handle.hold();
        try {
            Pointer err = Errors.get();
            MedBenefit.check(MedBenefit.mb_reverse_id(self, id, err), err);
        } finally {
            handle.release();
        }
    }

    /** Reverse the family settlement {@code setlId} of this patient and {@code payer} in one call
     *  ({@code mb_reverse_family_id}): both accounts get their money back, or neither. */
    public void reverseFamilyId(Enrollee payer, String setlId) throws MedBenefitException {
        Objects.requireNonNull(payer, "payer");
        byte[] id = MedBenefit.utf8(Objects.requireNonNull(setlId, "setlId"), "setlId");
        try (NativeHandle.Holds held = new NativeHandle.Holds(2)) {
            Pointer self = held.add(handle), pay = held.add(payer.handle);
            Pointer err = Errors.get();
            MedBenefit.check(MedBenefit.mb_reverse_family_id(self, pay, id, err), err);
        }
    }

    /** How many settlements the journal keeps for reversal (32 unless set; saved with the
     *  enrollee). */
    public long journalLimit() {
        Pointer self = handle.hold();
        try {
            return MedBenefit.mb_enrollee_journal_limit(self);
        } finally {
            handle.release();
        }
    }

    /** Keep {@code maxSettlements} (0 to 4096) settlements for reversal; a lower bound drops the
     *  oldest ({@code mb_enrollee_set_journal_limit}). */
    public Enrollee setJournalLimit(long maxSettlements) throws MedBenefitException {
        if (maxSettlements < 0)
            throw new MedBenefitException(MedBenefit.MB_E_INVALID_ARGUMENT, "journal limit: negative count");
        Pointer self = handle.hold();
        try {
            Pointer err = Errors.get();
            MedBenefit.check(MedBenefit.mb_enrollee_set_journal_limit(self, maxSettlements, err), err);
            return this;
        } finally {
            handle.release();
        }
    }

    /** How many settlements the journal holds now. */
    public long journalCount() {
        Pointer self = handle.hold();
        try {
            return MedBenefit.mb_enrollee_journal_count(self);
        } finally {
            handle.release();
        }
    }

    public Enrollee reserve(long entries) throws MedBenefitException {
        if (entries < 0)
            throw new MedBenefitException(MedBenefit.MB_E_INVALID_ARGUMENT, "reserve: negative count");
        Pointer self = handle.hold();
        try {
            Pointer err = Errors.get();
            MedBenefit.check(MedBenefit.mb_enrollee_reserve(self, entries, err), err);
            return this;
        } finally {
            handle.release();
        }
    }

    /**
     * Save the whole state (identity, diseases, identities, account, accumulators, journal) as a
     * versioned, checksummed blob. The same state always saves to the same bytes.
     */
    public byte[] save() throws MedBenefitException {
        Pointer p = handle.hold();
        try {
            Pointer err = Errors.get();
            long[] len = new long[1];
            // the size query (NULL buffer) answers MB_E_BUFFER with the size needed
            int rc = MedBenefit.mb_enrollee_save(p, null, 0, len, err);
            if (rc != MedBenefit.MB_OK && rc != MB_E_BUFFER)
                throw MedBenefit.failure(rc, err);
            MedBenefit.mb_error_clear(err);
            if (len[0] > Integer.MAX_VALUE - 8)
                throw new MedBenefitException(-2 /* MB_E_NOMEM */, "saved state too large for a Java array");
            Memory buf = new Memory(Math.max(1, len[0]));
            MedBenefit.check(MedBenefit.mb_enrollee_save(p, buf, len[0], len, err), err);
            return buf.getByteArray(0, (int) len[0]);
        } finally {
            handle.release();
        }
    }

    /**
     * Free the native enrollee now. Idempotent.
     *
     * @throws IllegalStateException while a native call on another thread uses this enrollee
     *                               (nothing is freed: close it after the call returns)
     */
    @Override
    public void close() {
        handle.close();
    }
}
