package org.medbenefit;

import java.math.BigDecimal;
import java.util.List;

/**
 * What a settlement produced: the setlinfo amounts, whether the conditional benefit applied, the
 * fund rows (setldetail) and the trace. Implemented by the live {@link Settlement} handle and by
 * its immutable {@link Settlement.Snapshot}. Every amount is yuan with scale 2, exact.
 */
public interface SettlementView {
    /** One amount in fen. */
    long fen(Amount which);

    /** One amount in yuan, scale 2. */
    default BigDecimal amount(Amount which) {
        return Money.ofFen(fen(which));
    }

    /** 医疗费总额 medfee_sumamt. */
    default BigDecimal medfeeSumamt() { return amount(Amount.MEDFEE_SUMAMT); }

    /** 全自费金额 fulamt_ownpay_amt (class C). */
    default BigDecimal fulamtOwnpayAmt() { return amount(Amount.FULAMT_OWNPAY); }

    /** 超限价自费金额 overlmt_selfpay: the part above a price limit (upstream settlements). */
    default BigDecimal overlmtSelfpay() { return amount(Amount.OVERLMT_SELFPAY); }

    /** 先行自付金额 preselfpay_amt (class B first self-pay). */
    default BigDecimal preselfpayAmt() { return amount(Amount.PRESELFPAY); }

    /** 符合政策范围金额 inscp_scp_amt. */
    default BigDecimal inscpScpAmt() { return amount(Amount.INSCP_SCP); }

    /** 实际支付起付线 act_pay_dedc: the deductible absorbed by this claim. */
    default BigDecimal actPayDedc() { return amount(Amount.ACT_PAY_DEDC); }

    /** 基本医疗保险统筹基金支出 hifp_pay. */
    default BigDecimal hifpPay() { return amount(Amount.HIFP_PAY); }

    /** 职工大额医疗费用补助基金支出 hifob_pay. */
    default BigDecimal hifobPay() { return amount(Amount.HIFOB_PAY); }

    /** 居民大病保险资金支出 hifmi_pay. */
    default BigDecimal hifmiPay() { return amount(Amount.HIFMI_PAY); }

    /** 医疗救助基金支出 maf_pay. */
    default BigDecimal mafPay() { return amount(Amount.MAF_PAY); }

    /** 基金支付总额 fund_pay_sumamt. */
    default BigDecimal fundPaySumamt() { return amount(Amount.FUND_PAY_SUMAMT); }

    /** 个人负担总金额 psn_part_amt. */
    default BigDecimal psnPartAmt() { return amount(Amount.PSN_PART); }

    /** 个人账户支出 acct_pay. */
    default BigDecimal acctPay() { return amount(Amount.ACCT_PAY); }

    /** 个人现金支出 psn_cash_pay. */
    default BigDecimal psnCashPay() { return amount(Amount.PSN_CASH_PAY); }

    /** 个人账户余额 balc: the account balance after settlement. */
    default BigDecimal balc() { return amount(Amount.BALC); }

    /** Whether the chronic/special (or other conditional) benefit applied. */
    boolean covered();

    /** Why it did not apply, citing the clause; "" when it applied. */
    String reason();

    /** The fund rows (setldetail), in tier order. */
    List<FundRow> funds();

    /** The trace steps, in order. */
    List<TraceStep> trace();
}
