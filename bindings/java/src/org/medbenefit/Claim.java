package org.medbenefit;

import com.sun.jna.Pointer;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Objects;
import java.util.Set;

/**
 * One visit's bill ({@code mb_claim}): date, visit type, facility, line items, flags, and what
 * was already settled upstream.
 *
 * <p><b>Threads:</b> not thread-safe while being built. Once built, a claim is only read by
 * settlement, but the C API does not promise that reads are safe to share, so confine each claim
 * to one thread at a time.
 *
 * <p><b>Ownership:</b> owns the native claim; freed by {@link #close()} or by a
 * {@link java.lang.ref.Cleaner}. Strings given are copied by the library.
 */
public final class Claim implements AutoCloseable {
    /** The visit type ({@code mb_med_type}, national med_type codes). */
    public enum MedType {
        /** 普通门诊, 11. */
        GENERAL_OUTPATIENT(Abi.MB_MED_GENERAL_OUTPATIENT),
        /** 急诊, 13 (settled as general outpatient with the emergency flag). */
        EMERGENCY(Abi.MB_MED_EMERGENCY),
        /** 门诊慢特病, 14. */
        CHRONIC(Abi.MB_MED_CHRONIC),
        /** 普通住院, 21. */
        INPATIENT(Abi.MB_MED_INPATIENT),
        /** 外伤住院, 22 (since 1.1). */
        TRAUMA_INPATIENT(Abi.MB_MED_TRAUMA_INPATIENT),
        /** 转外诊治住院, 23 (since 1.1). */
        REFERRED_OUT_INPATIENT(Abi.MB_MED_REFERRED_OUT_INPATIENT),
        /** 急诊转住院, 24 (since 1.1). */
        EMERGENCY_INPATIENT(Abi.MB_MED_EMERGENCY_INPATIENT),
        /** 定点药店购药, 41. */
        PHARMACY(Abi.MB_MED_PHARMACY),
        /** 生育门诊, 51 (since 1.1). */
        MATERNITY_OUTPATIENT(Abi.MB_MED_MATERNITY_OUTPATIENT),
        /** 生育住院, 52 (since 1.1). */
        MATERNITY_INPATIENT(Abi.MB_MED_MATERNITY_INPATIENT);

        final int code;

        MedType(int code) {
            this.code = code;
        }

        /** The library's code ({@code mb_med_type}), as {@link Columns} takes it. */
        public int code() {
            return code;
        }

        /** Parse "general_outpatient"|"chronic"|"inpatient"|"pharmacy"|"emergency" or "11".."41". */
        public static MedType parse(String text) throws MedBenefitException {
            int v = MedBenefit.mb_med_type_parse(MedBenefit.utf8(text, "med_type"));
            if (v < 0)
                throw new MedBenefitException(v, "unknown med_type '" + text + "'");
            for (MedType m : values())
                if (m.code == v)
                    return m;
            throw new IllegalStateException("mb_med_type_parse returned " + v);
        }
    }

    /** The facility level ({@code mb_level}). */
    public enum Level {
        PRIMARY(Abi.MB_LEVEL_PRIMARY), SECONDARY(Abi.MB_LEVEL_SECONDARY), TERTIARY(Abi.MB_LEVEL_TERTIARY), PHARMACY(Abi.MB_LEVEL_PHARMACY);

        final int code;

        Level(int code) {
            this.code = code;
        }

        /** The library's code ({@code mb_level}), as {@link Columns} takes it. */
        public int code() {
            return code;
        }

        /** Parse "primary"|"secondary"|"tertiary"|"pharmacy" or "1".."3". */
        public static Level parse(String text) throws MedBenefitException {
            int v = MedBenefit.mb_level_parse(MedBenefit.utf8(text, "level"));
            if (v < 0)
                throw new MedBenefitException(v, "unknown facility level '" + text + "'");
            for (Level l : values())
                if (l.code == v)
                    return l;
            throw new IllegalStateException("mb_level_parse returned " + v);
        }
    }

    /** The class of a line item ({@code mb_item_class}). */
    public enum ItemClass {
        /** 甲类, chrgitm_lv 01. */
        A(Abi.MB_CLASS_A),
        /** 乙类, chrgitm_lv 02. */
        B(Abi.MB_CLASS_B),
        /** 丙类 / 自费, chrgitm_lv 03. */
        C(Abi.MB_CLASS_C);

        final int code;

        ItemClass(int code) {
            this.code = code;
        }

        /** The library's code ({@code mb_item_class}), as {@link Columns} takes it. */
        public int code() {
            return code;
        }

        /** Parse "A"|"B"|"C" or "01"|"02"|"03". */
        public static ItemClass parse(String text) throws MedBenefitException {
            int v = MedBenefit.mb_item_class_parse(MedBenefit.utf8(text, "class"));
            if (v < 0)
                throw new MedBenefitException(v, "unknown class '" + text + "'");
            for (ItemClass c : values())
                if (c.code == v)
                    return c;
            throw new IllegalStateException("mb_item_class_parse returned " + v);
        }
    }

    /** Claim flags (MB_CLAIM_*). */
    public enum Flag {
        /** 转诊手续 done. */
        REFERRAL(Abi.MB_CLAIM_REFERRAL),
        /** 急诊抢救. */
        EMERGENCY(Abi.MB_CLAIM_EMERGENCY),
        /** 异地就医. */
        OUT_OF_AREA(Abi.MB_CLAIM_OUT_OF_AREA),
        /** 指定专科. */
        DESIGNATED_SPECIALTY(Abi.MB_CLAIM_DESIGNATED_SPECIALTY),
        /** 省外 (default: in province). */
        OUT_OF_PROVINCE(Abi.MB_CLAIM_OUT_OF_PROVINCE),
        /** Do not use the personal account. */
        NO_ACCOUNT(Abi.MB_CLAIM_NO_ACCOUNT);

        final int bit;

        Flag(int bit) {
            this.bit = bit;
        }

        /** The flag's bit (MB_CLAIM_*), as {@link Columns#flags()} takes it. */
        public int bit() {
            return bit;
        }
    }

    final NativeHandle handle;

    private Claim(Pointer p) {
        handle = new NativeHandle(this, p, MedBenefit::mb_claim_free, "claim");
    }

    /**
     * Create a claim settled on {@code date}, of {@code medType}, at a facility of {@code level}
     * ({@code mb_claim_new}). {@code id} and {@code facilityId} may be null.
     */
    public static Claim create(String id, LocalDate date, MedType medType, String facilityId, Level level)
            throws MedBenefitException {
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(medType, "medType");
        Objects.requireNonNull(level, "level");
        long[] out = new long[1];
        Pointer err = Errors.get();
        MedBenefit.check(MedBenefit.mb_claim_new(out, MedBenefit.utf8(id, "id"), MedBenefit.Dates.toInt(date),
                medType.code, MedBenefit.utf8(facilityId, "facility"), level.code, err), err);
        return new Claim(new Pointer(out[0]));
    }

    boolean isClosed() {
        return handle.isClosed();
    }

    /** The claim's id as given (or null). */
    public String id() {
        Pointer self = handle.hold();
        try {
            return MedBenefit.str(MedBenefit.mb_claim_id(self));
        } finally {
            handle.release();
        }
    }

    /** Set the flags (replaces the previous set). */
    public Claim setFlags(Set<Flag> flags) throws MedBenefitException {
        int bits = 0;
        for (Flag f : flags)
            bits |= f.bit;
        Pointer self = handle.hold();
        try {
            Pointer err = Errors.get();
            MedBenefit.check(MedBenefit.mb_claim_set_flags(self, bits, err), err);
            return this;
        } finally {
            handle.release();
        }
    }

    /** Set the flags (replaces the previous set). */
    public Claim setFlags(Flag... flags) throws MedBenefitException {
        return setFlags(flags.length == 0 ? Set.of() : Set.of(flags));
    }

    /**
     * The disease treated (chronic claims) and, where a cap depends on it, the line of treatment
     * ("放化疗", "药物维持治疗", "终末期透析" …; null for none).
     */
    public Claim setDisease(String nameOrCode, String treatment) throws MedBenefitException {
        Pointer self = handle.hold();
        try {
            Pointer err = Errors.get();
            MedBenefit.check(MedBenefit.mb_claim_set_disease(self, MedBenefit.utf8(nameOrCode, "disease"),
                    MedBenefit.utf8(treatment, "treatment"), err), err);
            return this;
        } finally {
            handle.release();
        }
    }

    /** The facility's category as rulesets name it under facility_categories (社区卫生服务机构,
     *  a price class 一类 …); null clears it. */
    public Claim setFacilityCategory(String category) throws MedBenefitException {
        byte[] c = MedBenefit.utf8(category, "facility category");
        Pointer self = handle.hold();
        try {
            Pointer err = Errors.get();
            MedBenefit.check(MedBenefit.mb_claim_set_facility_category(self, c, err), err);
            return this;
        } finally {
            handle.release();
        }
    }

    /** The disease treated, with no particular line of treatment. */
    public Claim setDisease(String nameOrCode) throws MedBenefitException {
        return setDisease(nameOrCode, null);
    }

    /** Inpatient claims: admission and discharge dates (admitted <= discharged <= claim date). */
    public Claim setAdmission(LocalDate admitted, LocalDate discharged) throws MedBenefitException {
        Objects.requireNonNull(admitted, "admitted");
        Objects.requireNonNull(discharged, "discharged");
        int a = MedBenefit.Dates.toInt(admitted), d = MedBenefit.Dates.toInt(discharged);
        Pointer self = handle.hold();
        try {
            Pointer err = Errors.get();
            MedBenefit.check(MedBenefit.mb_claim_set_admission(self, a, d, err), err);
            return this;
        } finally {
            handle.release();
        }
    }

    /** Pharmacy claims filled through prescription flow: the prescribing facility. */
    public Claim setPrescriber(String facilityId, Level level) throws MedBenefitException {
        Objects.requireNonNull(level, "level");
        Pointer self = handle.hold();
        try {
            Pointer err = Errors.get();
            MedBenefit.check(MedBenefit.mb_claim_set_prescriber(self, MedBenefit.utf8(facilityId, "facility"),
                    level.code, err), err);
            return this;
        } finally {
            handle.release();
        }
    }

    /** Add a line item of {@code yuan} (at most two decimals, not negative), with the ruleset's default class B first self-pay ratio. */
    public Claim addItem(BigDecimal yuan, ItemClass itemClass) throws MedBenefitException {
        return addItem(yuan, itemClass, -1);
    }

    /**
     * Add a line item.
     *
     * @param firstSelfpayBasisPoints the class B first self-pay ratio in basis points (1000 = 10%),
     *                                or -1 for the ruleset's default
     */
    public Claim addItem(BigDecimal yuan, ItemClass itemClass, int firstSelfpayBasisPoints) throws MedBenefitException {
        Objects.requireNonNull(itemClass, "itemClass");
        long fen = Money.toFen(yuan, "item amount");
        Pointer self = handle.hold();
        try {
            Pointer err = Errors.get();
            MedBenefit.check(MedBenefit.mb_claim_add_item(self, fen, itemClass.code, firstSelfpayBasisPoints, err), err);
            return this;
        } finally {
            handle.release();
        }
    }

    /**
     * Amounts of this claim already settled elsewhere (e.g. basic insurance on the national
     * platform): the policy-scope cost, what basic insurance paid, and what critical illness
     * insurance paid, or null when it was not settled upstream (the chain then runs it).
     */
    public Claim setUpstream(BigDecimal compliant, BigDecimal basic, BigDecimal criticalIllness)
            throws MedBenefitException {
        long c = Money.toFen(compliant, "upstream.compliant");
        long b = Money.toFen(basic, "upstream.basic");
        long ci = criticalIllness == null ? -1 : Money.toFen(criticalIllness, "upstream.critical_illness");
        Pointer self = handle.hold();
        try {
            Pointer err = Errors.get();
            MedBenefit.check(MedBenefit.mb_claim_set_upstream(self, c, b, ci, err), err);
            return this;
        } finally {
            handle.release();
        }
    }

    /**
     * 民政救助 or other assistance already paid on this claim upstream, after
     * {@link #setUpstream} (paid from its policy-scope cost): reported in maf_pay, counted by a
     * top-up layer among the funds paid.
     */
    public Claim setUpstreamAssistance(BigDecimal assistance) throws MedBenefitException {
        long a = Money.toFen(assistance, "upstream.assistance");
        Pointer self = handle.hold();
        try {
            Pointer err = Errors.get();
            MedBenefit.check(MedBenefit.mb_claim_set_upstream_assistance(self, a, err), err);
            return this;
        } finally {
            handle.release();
        }
    }

    /**
     * Free the native claim now. Idempotent.
     *
     * @throws IllegalStateException while a native call on another thread uses this claim
     *                               (nothing is freed: close it after the call returns)
     */
    @Override
    public void close() {
        handle.close();
    }
}
