package org.medbenefit;

import java.math.BigDecimal;

/**
 * One step of a settlement's trace, citing the clause it implements.
 *
 * @param rulesetId        the ruleset the rule belongs to
 * @param rule             the rule id, e.g. "chronic.deductible"
 * @param cite             the clause, e.g. "锡医保服务〔2020〕41号 三"
 * @param what             what the step did, in Chinese, e.g. "起付线"
 * @param amountIn         the amount the step worked on
 * @param amountOut        the amount it produced (paid, absorbed, capped …)
 * @param ratioBasisPoints the ratio applied in basis points (7000 = 70%), or null when none
 */
public record TraceStep(String rulesetId, String rule, String cite, String what, BigDecimal amountIn,
                        BigDecimal amountOut, Integer ratioBasisPoints) {
    /** The ratio as a fraction (7000 bp is 0.7000), or null when none applied. */
    public BigDecimal ratio() {
        return ratioBasisPoints == null ? null : BigDecimal.valueOf(ratioBasisPoints, 4);
    }
}
