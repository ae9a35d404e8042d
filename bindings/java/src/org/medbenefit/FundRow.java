package org.medbenefit;

import java.math.BigDecimal;

/**
 * One fund that took part in a settlement (a setldetail row), in tier order.
 *
 * @param fundPayType   "310100", "330100", "390100", "390200", "610100" …
 * @param fundName      e.g. 职工基本医疗保险统筹基金
 * @param inscpScpAmt   the policy-scope amount the fund worked on
 * @param fundPayamt    paid by the fund for this claim
 * @param crtPaybLmtAmt the cap still available after this claim, or null when unlimited
 */
public record FundRow(String fundPayType, String fundName, BigDecimal inscpScpAmt, BigDecimal fundPayamt,
                      BigDecimal crtPaybLmtAmt) {}
