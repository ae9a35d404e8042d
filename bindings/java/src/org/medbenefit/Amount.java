package org.medbenefit;

/**
 * The settlement amounts, in the national platform's vocabulary (setlinfo), in the library's
 * order ({@code mb_amount}). {@link #fieldName()} is the library's own name
 * ({@code mb_amount_name}), as {@code medbenefit settle} prints it.
 */
public enum Amount {
    /** 医疗费总额. */
    MEDFEE_SUMAMT,
    /** 全自费金额 (class C). */
    FULAMT_OWNPAY,
    /** 先行自付金额 (class B first self-pay). */
    PRESELFPAY,
    /** 符合政策范围金额. */
    INSCP_SCP,
    /** 实际支付起付线 (this claim). */
    ACT_PAY_DEDC,
    /** 基本医疗保险统筹基金支出. */
    HIFP_PAY,
    /** 职工大额医疗费用补助基金支出. */
    HIFOB_PAY,
    /** 居民大病保险资金支出. */
    HIFMI_PAY,
    /** 医疗救助基金支出. */
    MAF_PAY,
    /** 基金支付总额. */
    FUND_PAY_SUMAMT,
    /** 个人负担总金额. */
    PSN_PART,
    /** 个人账户支出. */
    ACCT_PAY,
    /** 个人现金支出. */
    PSN_CASH_PAY,
    /** 个人账户余额 after settlement. */
    BALC,
    /** 个人账户共济支付金额: the part of acct_pay a family member's account paid (settleFamily). */
    ACCT_MULAID_PAY,
    /** 超限价自费金额: the part above a price limit (only an upstream settlement reports it). */
    OVERLMT_SELFPAY;

    private static final Amount[] ALL = values();

    /** The index passed to the library (MB_AMT_*). */
    public int index() {
        return ordinal();
    }

    /** The field name as the library spells it, e.g. "fulamt_ownpay_amt", "hifp_pay". */
    public String fieldName() {
        return Names.NAMES[ordinal()];
    }

    static Amount[] all() {
        return ALL;
    }

    /**
     * How many amounts the loaded library reports ({@code mb_amount_count}; for a library older
     * than that call, {@code mb_amount_name} until it returns NULL).
     */
    static int libraryCount() {
        return Count.LIBRARY;
    }

    /**
     * How many amounts both this binding and the library know: the row width to ask
     * {@code mb_result_amounts} and {@code mb_settle_batch} for. Amounts past it (a library older
     * than this binding) read 0; amounts a newer library adds past {@link #values()} are not read.
     */
    static int shared() {
        return Count.SHARED;
    }

    private static final class Count {
        static final int LIBRARY, SHARED;

        static {
            int n;
            if (NativeFfi.available()) {
                n = Math.max(0, NativeFfi.mb_amount_count());
            } else {
                n = 0;
                while (n < 256 && MedBenefit.mb_amount_name(n) != null)
                    n++;
            }
            LIBRARY = n;
            SHARED = Math.min(n, ALL.length);
        }
    }

    /** Looked up once from the library, so they can never drift from what C prints. */
    private static final class Names {
        static final String[] NAMES = new String[ALL.length];

        static {
            for (int i = 0; i < ALL.length; i++) {
                String n = i < Count.LIBRARY ? MedBenefit.str(MedBenefit.mb_amount_name(i)) : null;
                // an older library without this amount reads it as 0; name it as the header does
                NAMES[i] = n != null ? n : ALL[i].name().toLowerCase(java.util.Locale.ROOT);
            }
        }
    }
}
