package org.medbenefit;

/**
 * The settlement amounts, in the national platform's vocabulary (setlinfo), in the library's
 * order ({@code mb_amount}). {@link #fieldName()} is the library's own name
 * ({@code mb_amount_name}), as {@code medbenefit settle} prints it.
 */
public enum Amount {
    /** 医疗费总额. */
    MEDFEE_SUMAMT(Abi.MB_AMT_MEDFEE_SUMAMT),
    /** 全自费金额 (class C). */
    FULAMT_OWNPAY(Abi.MB_AMT_FULAMT_OWNPAY),
    /** 先行自付金额 (class B first self-pay). */
    PRESELFPAY(Abi.MB_AMT_PRESELFPAY),
    /** 符合政策范围金额. */
    INSCP_SCP(Abi.MB_AMT_INSCP_SCP),
    /** 实际支付起付线 (this claim). */
    ACT_PAY_DEDC(Abi.MB_AMT_ACT_PAY_DEDC),
    /** 基本医疗保险统筹基金支出. */
    HIFP_PAY(Abi.MB_AMT_HIFP_PAY),
    /** 职工大额医疗费用补助基金支出. */
    HIFOB_PAY(Abi.MB_AMT_HIFOB_PAY),
    /** 居民大病保险资金支出. */
    HIFMI_PAY(Abi.MB_AMT_HIFMI_PAY),
    /** 医疗救助基金支出. */
    MAF_PAY(Abi.MB_AMT_MAF_PAY),
    /** 基金支付总额. */
    FUND_PAY_SUMAMT(Abi.MB_AMT_FUND_PAY_SUMAMT),
    /** 个人负担总金额. */
    PSN_PART(Abi.MB_AMT_PSN_PART),
    /** 个人账户支出. */
    ACCT_PAY(Abi.MB_AMT_ACCT_PAY),
    /** 个人现金支出. */
    PSN_CASH_PAY(Abi.MB_AMT_PSN_CASH_PAY),
    /** 个人账户余额 after settlement. */
    BALC(Abi.MB_AMT_BALC),
    /** 个人账户共济支付金额: the part of acct_pay a family member's account paid (settleFamily). */
    ACCT_MULAID_PAY(Abi.MB_AMT_ACCT_MULAID_PAY),
    /** 超限价自费金额: the part above a price limit (only an upstream settlement reports it). */
    OVERLMT_SELFPAY(Abi.MB_AMT_OVERLMT_SELFPAY);

    private static final Amount[] ALL = values();

    private final int index;

    Amount(int index) {
        this.index = index;
    }

    static {
        // the binding indexes rows of amounts by ordinal: the order must be the header's
        for (Amount a : values())
            if (a.index != a.ordinal())
                throw new ExceptionInInitializerError("Amount." + a + " is MB_AMT " + a.index
                        + " in the header but number " + a.ordinal() + " here");
    }

    /** The index passed to the library (MB_AMT_*). */
    public int index() {
        return index;
    }

    /** The field name as the library spells it, e.g. "fulamt_ownpay_amt", "hifp_pay". */
    public String fieldName() {
        return Names.NAMES[ordinal()];
    }

    static Amount[] all() {
        return ALL;
    }

    /** How many amounts the loaded library reports ({@code mb_amount_count}). */
    static int libraryCount() {
        return Count.LIBRARY;
    }

    /**
     * How many amounts both this binding and the library know: the row width to ask
     * {@code mb_result_amounts} and {@code mb_settle_batch} for. Amounts a newer library appends
     * past {@link #values()} are not read.
     */
    static int shared() {
        return Count.SHARED;
    }

    private static final class Count {
        static final int LIBRARY = Math.max(0, MedBenefit.mb_amount_count());
        static final int SHARED = Math.min(LIBRARY, ALL.length);
    }

    /** Looked up once from the library, so they can never drift from what C prints. */
    private static final class Names {
        static final String[] NAMES = new String[ALL.length];

        static {
            for (int i = 0; i < ALL.length; i++) {
                NAMES[i] = MedBenefit.str(MedBenefit.mb_amount_name(i));
            }
        }
    }
}
