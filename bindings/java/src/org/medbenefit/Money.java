package org.medbenefit;

import java.math.BigDecimal;

/** Yuan as BigDecimal (scale 2) <-> integer fen, exactly. */
final class Money {
    private Money() {}

    /** 10^12 yuan in fen: the library's own bound (mb_amount_parse). */
    static final long MAX_FEN = 100_000_000_000_000L;

    /** 10^12 has 13 integer digits: more is above the bound, whatever the digits. */
    private static final int MAX_INTEGER_DIGITS = 13;

    static BigDecimal ofFen(long fen) {
        return BigDecimal.valueOf(fen, 2);
    }

    /**
     * The amount in fen. Null, negative, a fraction of a fen (1.005) or more than 10^12 yuan is
     * invalid_amount. Trailing zeros do not count as decimals: 1.500 is 150 fen.
     *
     * <p>The size is judged from precision and scale before any arithmetic or printing: a
     * BigDecimal such as {@code 1E+999999999} is a one-digit number with a billion-digit plain
     * form, and {@code movePointRight}, {@code toPlainString} or {@code setScale} on it would run
     * out of memory (or overflow the scale) instead of refusing it.
     */
    static long toFen(BigDecimal yuan, String what) throws MedBenefitException {
        if (yuan == null)
            throw new MedBenefitException(MedBenefit.MB_E_INVALID_AMOUNT, what + ": no amount (null)");
        if (yuan.signum() == 0)
            return 0; // 0E+999999999 is zero too
        if (yuan.signum() < 0)
            throw invalid(what, yuan, "is negative");
        // in long: precision - scale overflows int for a scale near Integer.MIN_VALUE
        long integerDigits = (long) yuan.precision() - yuan.scale();
        if (integerDigits > MAX_INTEGER_DIGITS)
            throw invalid(what, yuan, "is above 10^12 yuan");
        if (yuan.scale() > 2) {
            // nonzero, below 10^13 and with more than two decimals written: exact in fen only if
            // the extra decimals are zeros (1.500); stripping them costs what the digits cost
            BigDecimal stripped = yuan.stripTrailingZeros();
            if (stripped.scale() > 2)
                throw invalid(what, yuan, "has more than two decimals (amounts are yuan to the fen)");
            yuan = stripped;
        }
        long fen = yuan.movePointRight(2).longValueExact(); // at most 13 digits + 2, exact
        if (fen > MAX_FEN)
            throw invalid(what, yuan, "is above 10^12 yuan");
        return fen;
    }

    private static MedBenefitException invalid(String what, BigDecimal yuan, String why) {
        return new MedBenefitException(MedBenefit.MB_E_INVALID_AMOUNT, what + ": amount " + show(yuan) + " " + why);
    }

    /** The amount as a person writes it (1200.50), or in scientific notation when that would be huge. */
    private static String show(BigDecimal v) {
        long integerDigits = (long) v.precision() - v.scale();
        boolean plainIsShort = v.scale() >= -20 && v.scale() <= 40 && integerDigits <= 40;
        return plainIsShort ? v.toPlainString() : v.toString();
    }
}
