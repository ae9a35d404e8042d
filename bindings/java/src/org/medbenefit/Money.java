package org.medbenefit;

import java.math.BigDecimal;

/** Yuan as BigDecimal (scale 2) <-> integer fen, exactly. */
final class Money {
    private Money() {}

    /** 10^12 yuan in fen: the library's own bound (mb_amount_parse). */
    static final long MAX_FEN = 100_000_000_000_000L;

    static BigDecimal ofFen(long fen) {
        return BigDecimal.valueOf(fen, 2);
    }

    /**
     * The amount in fen. Null, negative, a fraction of a fen (1.005) or more than 10^12 yuan is
     * invalid_amount. Trailing zeros do not count as decimals: 1.500 is 150 fen.
     */
    static long toFen(BigDecimal yuan, String what) throws MedBenefitException {
        if (yuan == null)
            throw new MedBenefitException(MedBenefit.MB_E_INVALID_AMOUNT, what + ": no amount (null)");
        if (yuan.signum() < 0)
            throw new MedBenefitException(MedBenefit.MB_E_INVALID_AMOUNT,
                    what + ": amount " + yuan.toPlainString() + " is negative");
        BigDecimal fen = yuan.movePointRight(2);
        if (fen.stripTrailingZeros().scale() > 0)
            throw new MedBenefitException(MedBenefit.MB_E_INVALID_AMOUNT, what + ": amount "
                    + yuan.toPlainString() + " has more than two decimals (amounts are yuan to the fen)");
        if (fen.compareTo(BigDecimal.valueOf(MAX_FEN)) > 0)
            throw new MedBenefitException(MedBenefit.MB_E_INVALID_AMOUNT,
                    what + ": amount " + yuan.toPlainString() + " is above 10^12 yuan");
        return fen.longValueExact();
    }
}
