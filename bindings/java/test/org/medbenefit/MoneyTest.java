package org.medbenefit;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.medbenefit.Fixtures.yuan;

/**
 * BigDecimal amounts whose exponent is far from their digits: each is judged by precision and
 * scale, and refused with the binding's checked exception at once, never by writing it out
 * (1E+999999999 is a billion digits in plain form: OutOfMemoryError) or shifting its scale past
 * int (ArithmeticException).
 */
class MoneyTest {
    private static final BigDecimal TINY_SCALE = new BigDecimal(BigInteger.ONE, Integer.MIN_VALUE + 1); // 1E+2147483647
    private static final BigDecimal HUGE_SCALE = new BigDecimal(BigInteger.ONE, Integer.MAX_VALUE);     // 1E-2147483647

    private static MedBenefitException refused(BigDecimal amount) throws MedBenefitException {
        try (Claim c = Claim.create("C", LocalDate.of(2021, 2, 1), Claim.MedType.CHRONIC, "H001", Claim.Level.TERTIARY)) {
            return assertThrows(MedBenefitException.class, () -> c.addItem(amount, Claim.ItemClass.A));
        }
    }

    @Test
    void hugePositiveExponentIsAboveTheBound() throws MedBenefitException {
        for (BigDecimal v : List.of(new BigDecimal("1E+999999999"), TINY_SCALE)) {
            MedBenefitException e = refused(v);
            assertEquals("invalid_amount", e.statusName());
            assertTrue(e.libraryMessage().contains(v.toString() + " is above 10^12 yuan"), e.libraryMessage());
        }
    }

    @Test
    void hugeNegativeAmountIsNegative() throws MedBenefitException {
        MedBenefitException e = refused(new BigDecimal("-1E+999999999"));
        assertEquals("invalid_amount", e.statusName());
        assertEquals("item amount: amount -1E+999999999 is negative", e.libraryMessage());
    }

    @Test
    void hugeNegativeExponentIsAFractionOfAFen() throws MedBenefitException {
        for (BigDecimal v : List.of(new BigDecimal("1E-999999999"), HUGE_SCALE)) {
            MedBenefitException e = refused(v);
            assertEquals("invalid_amount", e.statusName());
            assertTrue(e.libraryMessage().contains(v.toString() + " has more than two decimals"), e.libraryMessage());
        }
        assertEquals("item amount: amount -1E-999999999 is negative",
                refused(new BigDecimal("-1E-999999999")).libraryMessage());
    }

    /** Every amount parameter goes through the same check: balance, seed, upstream, accrual base. */
    @Test
    void everyAmountParameterIsChecked() throws MedBenefitException {
        BigDecimal huge = new BigDecimal("1E+999999999");
        try (Ruleset changzhou = Fixtures.ruleset(Fixtures.CHANGZHOU);
             Enrollee e = Fixtures.wuxiEnrollee();
             Claim c = Claim.create("C", LocalDate.of(2021, 2, 1), Claim.MedType.CHRONIC, "H001", Claim.Level.TERTIARY)) {
            assertEquals("invalid_amount", assertThrows(MedBenefitException.class,
                    () -> e.setAccountBalance(huge)).statusName());
            assertEquals("invalid_amount", assertThrows(MedBenefitException.class,
                    () -> e.seed(Fixtures.WUXI, "chronic.paid", 2021, huge)).statusName());
            assertEquals("invalid_amount", assertThrows(MedBenefitException.class,
                    () -> c.setUpstream(yuan("100"), HUGE_SCALE, null)).statusName());
            assertEquals("invalid_amount", assertThrows(MedBenefitException.class,
                    () -> changzhou.accountAccrual(Enrollee.PersonType.IN_SERVICE, LocalDate.of(2023, 6, 1), TINY_SCALE))
                    .statusName());
            assertEquals(yuan("0.00"), e.accountBalance());
        }
    }

    /** Zero is zero whatever its exponent; 10^12 yuan is the bound itself; trailing zeros are not decimals. */
    @Test
    void exactValuesAtTheEdges() throws MedBenefitException {
        assertEquals(0, Money.toFen(new BigDecimal("0E+999999999"), "amount"));
        assertEquals(0, Money.toFen(new BigDecimal("0E-999999999"), "amount"));
        assertEquals(Money.MAX_FEN, Money.toFen(new BigDecimal("1E+12"), "amount"));
        assertEquals(Money.MAX_FEN, Money.toFen(new BigDecimal("1000000000000.000"), "amount"));
        assertEquals(150, Money.toFen(new BigDecimal("1.500"), "amount"));
        assertEquals(20000, Money.toFen(new BigDecimal("2E+2"), "amount"));
        assertEquals("amount: amount 1000000000000.01 is above 10^12 yuan", assertThrows(MedBenefitException.class,
                () -> Money.toFen(new BigDecimal("1000000000000.01"), "amount")).libraryMessage());
        assertEquals("amount: amount 9999999999999 is above 10^12 yuan", assertThrows(MedBenefitException.class,
                () -> Money.toFen(new BigDecimal("9999999999999"), "amount")).libraryMessage());
        assertEquals("amount: amount 0.001 has more than two decimals (amounts are yuan to the fen)",
                assertThrows(MedBenefitException.class, () -> Money.toFen(new BigDecimal("0.001"), "amount"))
                        .libraryMessage());
    }
}
