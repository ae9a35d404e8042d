package org.medbenefit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.medbenefit.Fixtures.yuan;

/**
 * The calls made for FFI callers: mb_settle_batch ({@link Settle#batch}), mb_result_amounts
 * (the {@link Settlement} getters), mb_amount_count and the enrollee getters. A batch must give
 * exactly what settling the same claims one by one gives: the same amounts to the fen, covered
 * flags, failures in the same places with the same status, and the same enrollee state after.
 */
class BatchTest {
    private static Ruleset wuxi, assistance;

    @BeforeAll
    static void load() throws MedBenefitException {
        wuxi = Fixtures.ruleset(Fixtures.WUXI);
        assistance = Fixtures.ruleset(Fixtures.WUXI_ASSISTANCE);
    }

    @AfterAll
    static void free() {
        wuxi.close();
        assistance.close();
    }

    /** What one claim gave when settled on its own: the amounts and covered, or the failure's status. */
    private record Outcome(long[] fen, boolean covered, String status) {}

    private static List<Outcome> oneByOne(List<Ruleset> chain, Enrollee e, List<Claim> claims, boolean commit)
            throws MedBenefitException {
        List<Outcome> out = new ArrayList<>();
        try (Settlement s = Settlement.create()) {
            for (Claim c : claims) {
                try {
                    if (commit)
                        s.settle(chain, e, c);
                    else
                        s.presettle(chain, e, c);
                    out.add(new Outcome(s.fenAll(), s.covered(), null));
                } catch (MedBenefitException x) {
                    out.add(new Outcome(null, false, x.statusName()));
                } catch (IllegalStateException closed) {
                    out.add(new Outcome(null, false, "invalid_argument"));
                }
            }
        }
        return out;
    }

    private static void assertSame(List<Outcome> expected, Settle.Batch batch) {
        assertEquals(expected.size(), batch.size());
        int failed = 0;
        for (int i = 0; i < expected.size(); i++) {
            Outcome o = expected.get(i);
            if (o.status() != null) {
                failed++;
                assertFalse(batch.ok(i), "claim " + i);
                assertEquals(o.status(), batch.error(i).statusName(), "claim " + i);
                for (Amount a : Amount.values())
                    assertEquals(0, batch.fen(i, a), "a failed claim reads 0");
                assertFalse(batch.covered(i));
                continue;
            }
            assertTrue(batch.ok(i), "claim " + i + ": " + batch.error(i));
            assertNull(batch.error(i));
            for (Amount a : Amount.values())
                assertEquals(o.fen()[a.ordinal()], batch.fen(i, a), "claim " + i + " " + a.fieldName());
            assertEquals(o.covered(), batch.covered(i), "claim " + i);
        }
        assertEquals(failed, batch.failedCount());
    }

    private static Enrollee retiree() throws MedBenefitException {
        Enrollee e = Enrollee.create("E1", Enrollee.Scheme.EMPLOYEE, Enrollee.PersonType.RETIRED);
        e.setDesignatedFacility("H001").setAccountBalance(yuan("800.00"))
                .addDisease("糖尿病", LocalDate.of(2021, 1, 2));
        return e;
    }

    private static Claim chronic(String id, LocalDate date, String disease, String a, String b, String c)
            throws MedBenefitException {
        Claim k = Claim.create(id, date, Claim.MedType.CHRONIC, "H001", Claim.Level.TERTIARY);
        k.setDisease(disease).addItem(yuan(a), Claim.ItemClass.A);
        if (b != null)
            k.addItem(yuan(b), Claim.ItemClass.B);
        if (c != null)
            k.addItem(yuan(c), Claim.ItemClass.C);
        return k;
    }

    /** {@code n} claims of 2021 with failures among them: unknown diseases at {@code bad}, and one closed claim. */
    private static List<Claim> year(int n, int... bad) throws MedBenefitException {
        List<Claim> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean fails = false;
            for (int b : bad)
                fails |= b == i;
            out.add(chronic("C" + i, LocalDate.of(2021, 1 + i % 12, 1 + i % 28), fails ? "感冒" : "糖尿病",
                    (20 + (i * 37) % 900) + ".00", ((i * 11) % 60) + "." + (i % 100 < 10 ? "0" : "") + i % 100,
                    i % 3 == 0 ? "40.00" : null));
        }
        return out;
    }

    // ---- mb_amount_count, mb_result_amounts -----------------------------------------------------

    @Test
    void amountCount() {
        assertEquals(16, Amount.libraryCount());
        assertEquals(Amount.values().length, Amount.shared());
        assertEquals("medfee_sumamt", Amount.MEDFEE_SUMAMT.fieldName());
        assertEquals("acct_mulaid_pay", Amount.ACCT_MULAID_PAY.fieldName());
        assertNull(MedBenefit.str(MedBenefit.mb_amount_name(Amount.libraryCount())));
    }

    /** The getters read the amounts once per settlement, and a new settlement replaces them. */
    @Test
    void amountsAreReadOncePerSettlement() throws MedBenefitException {
        try (Enrollee e = retiree();
             Claim c1 = chronic("C1", LocalDate.of(2021, 2, 1), "糖尿病", "1200.00", "300.00", "50.00");
             Claim c2 = chronic("C2", LocalDate.of(2021, 3, 1), "糖尿病", "700.00", null, null);
             Claim bad = chronic("X", LocalDate.of(2021, 3, 2), "感冒", "1.00", null, null);
             Settlement s = Settlement.create()) {
            s.settle(List.of(wuxi), e, c1);
            long[] first = s.fenAll();
            for (Amount a : Amount.values())
                assertEquals(nativeAmount(s, a), s.fen(a), a.fieldName());
            assertEquals(yuan("1550.00"), s.medfeeSumamt());
            assertEquals(yuan("50.00"), s.fulamtOwnpayAmt());
            s.reverse(e);
            assertArrayEquals(first, s.fenAll(), "reversing leaves the amounts readable");
            s.settle(List.of(wuxi), e, c1);
            s.settle(List.of(wuxi), e, c2);
            assertEquals(yuan("700.00"), s.medfeeSumamt(), "the next settlement replaced the copy");
            for (Amount a : Amount.values())
                assertEquals(nativeAmount(s, a), s.fen(a), a.fieldName());
            assertThrows(MedBenefitException.class, () -> s.settle(List.of(wuxi), e, bad));
            assertThrows(IllegalStateException.class, s::medfeeSumamt, "a failed call holds no settlement");
            s.presettle(List.of(wuxi), e, c2);
            assertNotEquals(first[Amount.MEDFEE_SUMAMT.ordinal()], s.fen(Amount.MEDFEE_SUMAMT));
            s.close();
            assertThrows(IllegalStateException.class, s::hifpPay);
        }
    }

    // ---- Settle.batch through mb_settle_batch ---------------------------------------------------

    /** Failing claims in the middle (an unknown disease, a closed claim) change nothing, and the batch goes on. */
    @Test
    void batchEqualsOneByOneWithFailuresInTheMiddle() throws MedBenefitException {
        List<Claim> claims = year(24, 7, 15);
        try (Enrollee a = retiree(); Enrollee b = retiree()) {
            claims.get(11).close();
            Settle.Batch batch = Settle.batch(List.of(wuxi), a, claims);
            List<Outcome> expected = oneByOne(List.of(wuxi), b, claims, true);
            assertSame(expected, batch);
            assertEquals(3, batch.failedCount());
            assertEquals("unknown_disease", batch.error(7).statusName());
            assertTrue(batch.error(7).libraryMessage().contains("感冒"), batch.error(7).libraryMessage());
            assertEquals("invalid_argument", batch.error(11).statusName());
            assertTrue(batch.error(11).libraryMessage().contains("closed"), batch.error(11).libraryMessage());
            assertEquals("unknown_disease", batch.error(15).statusName());
            assertArrayEquals(b.save(), a.save(), "the batch left the enrollee as one-by-one did");
            assertTrue(batch.fen(23, Amount.BALC) < batch.fen(0, Amount.BALC), "the account ran down");
        } finally {
            claims.forEach(Claim::close);
        }
    }

    @Test
    void presettleBatchEqualsPresettlingEach() throws MedBenefitException {
        List<Claim> claims = year(12, 4);
        try (Enrollee e = retiree()) {
            byte[] before = e.save();
            Settle.Batch batch = Settle.presettleBatch(List.of(wuxi), e, claims);
            assertSame(oneByOne(List.of(wuxi), e, claims, false), batch);
            assertArrayEquals(before, e.save(), "pre-settlement changes nothing");
        } finally {
            claims.forEach(Claim::close);
        }
    }

    /** More claims than one mb_settle_batch call takes: blocks continue each other, failures in several. */
    @Test
    void batchAcrossBlocks() throws MedBenefitException {
        int n = Settle.BLOCK + 300;
        List<Claim> claims = year(n, 5, Settle.BLOCK - 1, Settle.BLOCK, Settle.BLOCK + 7);
        try (Enrollee a = retiree(); Enrollee b = retiree()) {
            a.setAccountBalance(yuan("20000.00"));
            b.setAccountBalance(yuan("20000.00"));
            Settle.Batch batch = Settle.batch(List.of(wuxi), a, claims);
            assertSame(oneByOne(List.of(wuxi), b, claims, true), batch);
            assertEquals(4, batch.failedCount());
            assertTrue(batch.error(Settle.BLOCK).libraryMessage().contains("感冒"),
                    "each block's first failure is described by the library");
            assertArrayEquals(b.save(), a.save());
            long[] m = batch.fenMatrix();
            assertEquals((long) n * Amount.values().length, m.length);
            int width = Amount.values().length;
            assertEquals(batch.fen(n - 1, Amount.HIFP_PAY), m[(n - 1) * width + Amount.HIFP_PAY.ordinal()]);
        } finally {
            claims.forEach(Claim::close);
        }
    }

    /** A chain of tiers: basic then assistance (held until 08-31), with a failure between. */
    @Test
    void batchOverAChain() throws MedBenefitException {
        List<Claim> claims = new ArrayList<>();
        try (Enrollee a = Enrollee.create("CH", Enrollee.Scheme.EMPLOYEE, Enrollee.PersonType.IN_SERVICE);
             Enrollee b = Enrollee.create("CH", Enrollee.Scheme.EMPLOYEE, Enrollee.PersonType.IN_SERVICE)) {
            for (Enrollee e : List.of(a, b))
                e.setDesignatedFacility("H001").setAccountBalance(yuan("300.00"))
                        .addDisease("糖尿病", LocalDate.of(2022, 12, 1))
                        .addAssistance("minimum_living", LocalDate.of(2023, 1, 1), LocalDate.of(2023, 8, 31));
            for (int i = 0; i < 10; i++)
                claims.add(chronic("K" + i, LocalDate.of(2023, 1 + i, 10), "糖尿病", (400 + 350 * i) + ".00",
                        "120.50", null));
            claims.add(4, chronic("KX", LocalDate.of(2023, 5, 1), "感冒", "10.00", null, null));
            List<Ruleset> chain = List.of(wuxi, assistance);
            Settle.Batch batch = Settle.batch(chain, a, claims);
            assertSame(oneByOne(chain, b, claims, true), batch);
            assertTrue(batch.fen(0, Amount.MAF_PAY) > 0);
            assertEquals(0, batch.fen(10, Amount.MAF_PAY), "no identity after 08-31");
            assertArrayEquals(b.save(), a.save());
            Settle.Batch reversed = Settle.batch(List.of(assistance, wuxi), a, claims.subList(0, 2));
            assertEquals("chain", reversed.error(1).statusName(), "tiers out of order fail every claim");
            assertEquals(2, reversed.failedCount());
            assertEquals(0, Settle.batch(chain, a, List.of()).size());
        } finally {
            claims.forEach(Claim::close);
        }
    }

    // ---- enrollee getters -------------------------------------------------------------------------

    private static List<Object> fields(Enrollee e) throws MedBenefitException {
        return List.of(String.valueOf(e.id()), e.scheme(), e.personType(), String.valueOf(e.designatedFacility()),
                String.valueOf(e.designatedFacility(LocalDate.of(2021, 12, 31))),
                String.valueOf(e.designatedFacility(LocalDate.of(2022, 1, 1))),
                String.valueOf(e.firstVisitFacility()), e.diseases(), e.assistance(), e.accountBalance());
    }

    @Test
    void restoredEnrolleeReadsBackItsFields() throws MedBenefitException {
        try (Enrollee e = Enrollee.create("R7", Enrollee.Scheme.EMPLOYEE, Enrollee.PersonType.RETIRED)) {
            e.setDesignatedFacility("H001").setFirstVisitFacility("C01").setAccountBalance(yuan("12.34"))
                    .addDisease("糖尿病", LocalDate.of(2021, 1, 5))
                    .addDisease("M03900", LocalDate.of(2021, 3, 1), LocalDate.of(2022, 2, 28))
                    .addAssistance("minimum_living", LocalDate.of(2021, 1, 1), null)
                    .addAssistance("low_income_margin", LocalDate.of(2020, 1, 1), LocalDate.of(2020, 12, 31))
                    .requestFacilityChange(wuxi, LocalDate.of(2021, 11, 15), "H002");
            List<Object> expected = List.of("R7", Enrollee.Scheme.EMPLOYEE, Enrollee.PersonType.RETIRED, "H001",
                    "H001", "H002", "C01",
                    List.of(new Enrollee.Certification("糖尿病", LocalDate.of(2021, 1, 5), null),
                            new Enrollee.Certification("M03900", LocalDate.of(2021, 3, 1), LocalDate.of(2022, 2, 28))),
                    List.of(new Enrollee.AssistanceIdentity("minimum_living", LocalDate.of(2021, 1, 1), null),
                            new Enrollee.AssistanceIdentity("low_income_margin", LocalDate.of(2020, 1, 1),
                                    LocalDate.of(2020, 12, 31))),
                    yuan("12.34"));
            assertEquals(expected, fields(e));
            byte[] blob = e.save();
            try (Enrollee twin = Enrollee.restore(blob)) {
                assertEquals(expected, fields(twin));
                assertArrayEquals(blob, twin.save());
            }
        }
    }

    @Test
    void restoredEnrolleeWithNothingSet() throws MedBenefitException {
        Enrollee twin;
        try (Enrollee r = Enrollee.create("R", Enrollee.Scheme.RESIDENT, null)) {
            twin = Enrollee.restore(r.save());
        }
        try (twin) {
            assertEquals(Enrollee.Scheme.RESIDENT, twin.scheme());
            assertEquals(Enrollee.PersonType.RESIDENT, twin.personType(), "what the library settles with");
            assertNull(twin.designatedFacility());
            assertNull(twin.designatedFacility(LocalDate.of(2030, 1, 1)));
            assertNull(twin.firstVisitFacility());
            assertTrue(twin.diseases().isEmpty());
            assertTrue(twin.assistance().isEmpty());
            assertThrows(UnsupportedOperationException.class, () -> twin.diseases().add(null));
        }
        assertThrows(IllegalStateException.class, twin::scheme);
        assertThrows(IllegalStateException.class, twin::diseases);
    }

    /** The amount as the library reads it, one call per amount (mb_result_amount). */
    private static long nativeAmount(Settlement s, Amount a) {
        com.sun.jna.Pointer p = s.handle.hold();
        try {
            return MedBenefit.mb_result_amount(p, a.ordinal());
        } finally {
            s.handle.release();
        }
    }
}
