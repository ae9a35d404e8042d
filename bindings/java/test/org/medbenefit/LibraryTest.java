package org.medbenefit;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Library-wide calls: version, status names, amount names, the exact parsers, strings. */
class LibraryTest {
    @Test
    void versionIsAbi1() {
        int v = MedBenefit.versionNumber();
        assertEquals(1, v / 10000, "major version");
        assertEquals(v / 10000 + "." + v / 100 % 100 + "." + v % 100, MedBenefit.version());
        assertNotNull(MedBenefit.libraryPath());
    }

    @Test
    void statusNamesAreTheLibrarys() {
        assertEquals("invalid_amount", MedBenefit.statusName(-8));
        assertEquals("unknown_disease", MedBenefit.statusName(-11));
        assertEquals("not_found", MedBenefit.statusName(-7));
        assertEquals("not_eligible", MedBenefit.statusName(-18));
        assertTrue(MedBenefit.statusText(-8).length() > 0);
    }

    /** Every amount's name is mb_amount_name's, in the library's order (national setlinfo names). */
    @Test
    void amountNamesFollowTheLibrary() {
        List<String> expected = List.of("medfee_sumamt", "fulamt_ownpay_amt", "preselfpay_amt", "inscp_scp_amt",
                "act_pay_dedc", "hifp_pay", "hifob_pay", "hifmi_pay", "maf_pay", "fund_pay_sumamt", "psn_part_amt",
                "acct_pay", "psn_cash_pay", "balc", "acct_mulaid_pay", "overlmt_selfpay");
        assertEquals(expected, java.util.Arrays.stream(Amount.values()).map(Amount::fieldName).toList());
        for (Amount a : Amount.values())
            assertEquals(MedBenefit.str(MedBenefit.mb_amount_name(a.index())), a.fieldName(), a.name());
        assertNull(MedBenefit.mb_amount_name(Amount.values().length),
                "the library has an amount the binding does not know: add it to Amount");
    }

    /** spec/scenario.md: amounts are yuan with at most two decimals, held as integer fen. */
    @Test
    void parseAmountIsExact() throws MedBenefitException {
        assertEquals(new BigDecimal("1200.00"), MedBenefit.parseAmount("1200"));
        assertEquals(new BigDecimal("1200.50"), MedBenefit.parseAmount("1200.5"));
        assertEquals(2, MedBenefit.parseAmount("0.01").scale());
        MedBenefitException e = assertThrows(MedBenefitException.class, () -> MedBenefit.parseAmount("100.005"));
        assertEquals("invalid_amount", e.statusName());
        assertEquals(-8, e.status());
        assertTrue(e.libraryMessage().contains("100.005"), e.libraryMessage());
        assertEquals("invalid_amount", assertThrows(MedBenefitException.class,
                () -> MedBenefit.parseAmount("-1.00")).statusName());
    }

    @Test
    void parseRatioAndDate() throws MedBenefitException {
        assertEquals(7000, MedBenefit.parseRatio("70%"));
        assertEquals(6250, MedBenefit.parseRatio("62.5%"));
        assertEquals(1000, MedBenefit.parseRatio("0.1"));
        assertEquals(LocalDate.of(2023, 1, 16), MedBenefit.parseDate("2023-01-16"));
        assertEquals("invalid_date", assertThrows(MedBenefitException.class,
                () -> MedBenefit.parseDate("2023-02-30")).statusName());
    }

    /** Each failure carries its own message: the thread's mb_error is read and cleared per call. */
    @Test
    void messagesAreNeverStale() throws Exception {
        MedBenefitException a = assertThrows(MedBenefitException.class, () -> MedBenefit.parseAmount("1.001"));
        MedBenefitException b = assertThrows(MedBenefitException.class, () -> MedBenefit.parseDate("2023-13-01"));
        assertEquals("invalid_amount", a.statusName());
        assertEquals("invalid_date", b.statusName());
        assertTrue(b.libraryMessage().contains("2023-13-01"), b.libraryMessage());
        // an enum parser records no message: the status text stands in, not the last message
        MedBenefitException c = assertThrows(MedBenefitException.class, () -> Enrollee.Scheme.parse("freelance"));
        assertEquals("unknown_code", c.statusName());
        assertTrue(c.libraryMessage().contains("freelance"));
    }

    /** Two threads failing at once each get their own message. */
    @Test
    void errorsArePerThread() throws Exception {
        int n = 4;
        Thread[] threads = new Thread[n];
        Throwable[] problems = new Throwable[n];
        for (int t = 0; t < n; t++) {
            int id = t;
            threads[t] = new Thread(() -> {
                try {
                    for (int i = 0; i < 2000; i++) {
                        String text = id + "." + i + "001";
                        MedBenefitException e = assertThrows(MedBenefitException.class, () -> MedBenefit.parseAmount(text));
                        assertTrue(e.libraryMessage().contains(text), e.libraryMessage());
                    }
                } catch (Throwable x) {
                    problems[id] = x;
                }
            });
            threads[t].start();
        }
        for (Thread t : threads)
            t.join();
        for (Throwable p : problems)
            if (p != null)
                throw new AssertionError(p);
    }

    @Test
    void enumParsersUseTheLibrary() throws MedBenefitException {
        assertEquals(Enrollee.Scheme.EMPLOYEE, Enrollee.Scheme.parse("310"));
        assertEquals(Enrollee.Scheme.RESIDENT, Enrollee.Scheme.parse("resident"));
        assertEquals(Enrollee.PersonType.RETIRED, Enrollee.PersonType.parse("12"));
        assertEquals(Claim.MedType.EMERGENCY, Claim.MedType.parse("emergency"));
        assertEquals(Claim.MedType.INPATIENT, Claim.MedType.parse("21"));
        assertEquals(Claim.Level.TERTIARY, Claim.Level.parse("tertiary"));
        assertEquals(Claim.ItemClass.B, Claim.ItemClass.parse("02"));
        assertEquals("unknown_code", assertThrows(MedBenefitException.class,
                () -> Claim.Level.parse("quaternary")).statusName());
    }

    /** Strings cross as UTF-8 both ways; one holding NUL cannot cross and is refused, not cut. */
    @Test
    void stringsAreUtf8() throws MedBenefitException {
        try (Enrollee e = Enrollee.create("参保人-甲", Enrollee.Scheme.RESIDENT, null)) {
            assertEquals("参保人-甲", e.id());
            assertEquals("invalid_argument", assertThrows(MedBenefitException.class,
                    () -> e.setDesignatedFacility("H0\u00001")).statusName());
            assertEquals("invalid_argument", assertThrows(MedBenefitException.class,
                    () -> e.setDesignatedFacility("bad \uD800 surrogate")).statusName());
        }
    }

    /** Every string argument goes through the same check: C would read "12\u000034" as 12 yuan. */
    @Test
    void everyStringArgumentRefusesNul() throws MedBenefitException {
        List<org.junit.jupiter.api.function.Executable> calls = List.of(
                () -> MedBenefit.parseAmount("12\u000034"),
                () -> MedBenefit.parseRatio("10%\u0000junk"),
                () -> MedBenefit.parseDate("2021-02-01\u0000junk"),
                () -> Claim.MedType.parse("chronic\u0000zz"),
                () -> Claim.create("C1\u0000X", LocalDate.of(2021, 2, 1), Claim.MedType.CHRONIC, "H001",
                        Claim.Level.TERTIARY).close(),
                () -> Claim.create("C1", LocalDate.of(2021, 2, 1), Claim.MedType.CHRONIC, "H001\u0000X",
                        Claim.Level.TERTIARY).close(),
                () -> Enrollee.create("E\u00001", Enrollee.Scheme.EMPLOYEE, null).close(),
                () -> Ruleset.fromId(Fixtures.WUXI + "\u0000junk", TestEnv.RULESETS).close(),
                () -> Ruleset.fromString("id: x\n", "name\u0000junk").close());
        for (org.junit.jupiter.api.function.Executable call : calls)
            assertEquals("invalid_argument", assertThrows(MedBenefitException.class, call).statusName());
        try (Enrollee e = Fixtures.wuxiEnrollee();
             Claim c = Claim.create("C1", LocalDate.of(2021, 2, 1), Claim.MedType.CHRONIC, "H001", Claim.Level.TERTIARY)) {
            assertEquals("invalid_argument", assertThrows(MedBenefitException.class,
                    () -> c.setDisease("糖尿病\u0000x")).statusName());
            assertEquals("invalid_argument", assertThrows(MedBenefitException.class,
                    () -> e.seed(Fixtures.WUXI + "\u0000", "chronic.paid", 2021, BigDecimal.ONE)).statusName());
            assertEquals("invalid_argument", assertThrows(MedBenefitException.class,
                    () -> e.accumulator(Fixtures.WUXI, "chronic.paid\u0000x", 2021)).statusName());
            assertEquals("invalid_argument", assertThrows(MedBenefitException.class,
                    () -> e.addDisease("高血压\u0000", LocalDate.of(2021, 1, 5))).statusName());
            assertEquals(1, e.diseases().size());
        }
    }
}
