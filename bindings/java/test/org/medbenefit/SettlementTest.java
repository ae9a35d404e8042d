package org.medbenefit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
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

/** Settling, pre-settling, reversing, batches and the family account, through the Java API. */
class SettlementTest {
    private static Ruleset wuxi, assistance, changzhou;

    @BeforeAll
    static void load() throws MedBenefitException {
        wuxi = Fixtures.ruleset(Fixtures.WUXI);
        assistance = Fixtures.ruleset(Fixtures.WUXI_ASSISTANCE);
        changzhou = Fixtures.ruleset(Fixtures.CHANGZHOU);
    }

    @AfterAll
    static void free() {
        wuxi.close();
        assistance.close();
        changzhou.close();
    }

    /** The README's example. 锡医保服务〔2020〕41号 三: (1200 - 500) x 70% = 490.00. */
    @Test
    void readmeExample() throws MedBenefitException {
        try (Enrollee e = Fixtures.wuxiEnrollee();
             Claim c = Fixtures.wuxiClaim("C1", LocalDate.of(2021, 2, 1), "1200.00");
             Settlement s = Settle.settle(List.of(wuxi), e, c)) {
            assertEquals(yuan("1200.00"), s.medfeeSumamt());
            assertEquals(yuan("0.00"), s.fulamtOwnpayAmt());
            assertEquals(yuan("0.00"), s.preselfpayAmt());
            assertEquals(yuan("1200.00"), s.inscpScpAmt());
            assertEquals(yuan("500.00"), s.actPayDedc());
            assertEquals(yuan("490.00"), s.hifpPay());
            assertEquals(yuan("0.00"), s.hifobPay());
            assertEquals(yuan("0.00"), s.hifmiPay());
            assertEquals(yuan("0.00"), s.mafPay());
            assertEquals(yuan("490.00"), s.fundPaySumamt());
            assertEquals(yuan("710.00"), s.psnPartAmt());
            assertEquals(yuan("0.00"), s.acctPay());
            assertEquals(yuan("710.00"), s.psnCashPay());
            assertEquals(yuan("0.00"), s.balc());
            assertEquals(2, s.hifpPay().scale(), "amounts have scale 2");
            assertEquals(49000, s.fen(Amount.HIFP_PAY));
            assertTrue(s.covered());
            assertEquals("", s.reason());

            List<FundRow> funds = s.funds();
            assertEquals(1, funds.size());
            FundRow f = funds.get(0);
            assertEquals("310100", f.fundPayType());
            assertEquals("职工基本医疗保险统筹基金", f.fundName());
            assertEquals(yuan("1200.00"), f.inscpScpAmt());
            assertEquals(yuan("490.00"), f.fundPayamt());
            assertEquals(yuan("3010.00"), f.crtPaybLmtAmt(), "3500 cap less 490");

            List<TraceStep> trace = s.trace();
            assertFalse(trace.isEmpty());
            assertTrue(trace.stream().allMatch(t -> Fixtures.WUXI.equals(t.rulesetId())));
            TraceStep ratio = trace.stream().filter(t -> t.ratioBasisPoints() != null && t.ratioBasisPoints() == 7000)
                    .findFirst().orElseThrow();
            assertEquals(yuan("700.00"), ratio.amountIn());
            assertEquals(yuan("490.00"), ratio.amountOut());
            assertEquals(new BigDecimal("0.7000"), ratio.ratio());
            assertTrue(ratio.cite().startsWith("锡医保服务〔2020〕41号"), ratio.cite());
            assertTrue(trace.stream().anyMatch(t -> t.what().equals("起付线")));
        }
    }

    /** Funds + account + cash = total, and psn_part = account + cash, for any settlement. */
    @Test
    void snapshotOutlivesTheHandle() throws MedBenefitException {
        Settlement.Snapshot snap;
        try (Enrollee e = Fixtures.wuxiEnrollee();
             Claim c = Fixtures.wuxiClaim("C1", LocalDate.of(2021, 2, 1), "1200.00");
             Settlement s = Settle.settle(List.of(wuxi), e, c)) {
            snap = s.snapshot();
            assertEquals(s.funds(), snap.funds());
            assertEquals(s.trace(), snap.trace());
            assertArrayEquals(s.fenAll(), java.util.Arrays.stream(Amount.values()).mapToLong(snap::fen).toArray());
        }
        assertEquals(yuan("490.00"), snap.hifpPay());
        assertEquals(snap.medfeeSumamt(), snap.fundPaySumamt().add(snap.acctPay()).add(snap.psnCashPay()));
        assertTrue(snap.toString().contains("hifp_pay=490.00"), snap.toString());
    }

    /** A settlement handle is reusable; the year's accumulators carry from one claim to the next. */
    @Test
    void reuseAndAccumulate() throws MedBenefitException {
        try (Enrollee e = Fixtures.wuxiEnrollee(); Settlement s = Settlement.create()) {
            assertFalse(s.holdsSettlement());
            assertThrows(IllegalStateException.class, s::hifpPay, "nothing settled yet");
            try (Claim c1 = Fixtures.wuxiClaim("C1", LocalDate.of(2021, 2, 1), "1200.00");
                 Claim c2 = Fixtures.wuxiClaim("C2", LocalDate.of(2021, 2, 5), "1000.00")) {
                assertEquals(yuan("490.00"), s.settle(List.of(wuxi), e, c1).hifpPay());
                // deductible met: 1000 x 70% = 700 (wuxi-rejected-input.yaml C5)
                assertEquals(yuan("700.00"), s.settle(List.of(wuxi), e, c2).hifpPay());
                assertEquals(yuan("0.00"), s.actPayDedc());
                assertEquals(yuan("2310.00"), s.funds().get(0).crtPaybLmtAmt());
            }
        }
    }

    /** Pre-settlement reads the enrollee only: its saved state does not change. */
    @Test
    void presettleChangesNothing() throws MedBenefitException {
        try (Enrollee e = Fixtures.wuxiEnrollee();
             Claim c = Fixtures.wuxiClaim("C1", LocalDate.of(2021, 2, 1), "1200.00")) {
            byte[] before = e.save();
            try (Settlement s = Settle.presettle(List.of(wuxi), e, c)) {
                assertEquals(yuan("490.00"), s.hifpPay());
            }
            assertArrayEquals(before, e.save());
            try (Settlement s = Settle.presettle(List.of(wuxi), e, c)) {
                assertEquals(yuan("500.00"), s.actPayDedc(), "the deductible is still ahead");
            }
        }
    }

    /** mb_reverse restores the enrollee exactly (byte-identical saved state); twice is "state". */
    @Test
    void reverseRestoresExactly() throws MedBenefitException {
        try (Enrollee e = Fixtures.wuxiEnrollee();
             Claim c = Fixtures.wuxiClaim("C1", LocalDate.of(2021, 2, 1), "1200.00");
             Settlement s = Settlement.create()) {
            e.setAccountBalance(yuan("100.00"));
            byte[] before = e.save();
            s.settle(List.of(wuxi), e, c);
            assertFalse(java.util.Arrays.equals(before, e.save()), "settling changed the enrollee");
            s.reverse(e);
            assertArrayEquals(before, e.save());
            assertEquals(yuan("100.00"), e.accountBalance());
            assertEquals("state", assertThrows(MedBenefitException.class, () -> s.reverse(e)).statusName());
        }
    }

    /**
     * mb_reverse_id: any settlement, in any order, from an enrollee restored from its blob. C1:
     * the account's 300 first, base 900, (900 - 500) x 70% = 280; C2 (account empty): 1000 x 70%
     * = 700 (锡医保服务〔2020〕41号 三). C1 reversed first: C2 keeps its 700. A repeated claim is refused.
     */
    @Test
    void reverseByIdInAnyOrder() throws MedBenefitException {
        try (Enrollee e = Fixtures.wuxiEnrollee();
             Claim c1 = Fixtures.wuxiClaim("C1", LocalDate.of(2021, 2, 1), "1200.00");
             Claim c2 = Fixtures.wuxiClaim("C2", LocalDate.of(2021, 3, 1), "1000.00");
             Settlement s1 = Settlement.create();
             Settlement s2 = Settlement.create()) {
            e.setAccountBalance(yuan("300.00"));
            byte[] before = e.save();
            s1.settle(List.of(wuxi), e, c1);
            s2.settle(List.of(wuxi), e, c2);
            String id1 = s1.setlId(), id2 = s2.setlId();
            assertEquals(16, id1.length());
            assertNotEquals(id1, id2);
            assertEquals(2, e.journalCount());
            assertEquals(32, e.journalLimit());
            assertEquals("state", assertThrows(MedBenefitException.class,
                    () -> s1.settle(List.of(wuxi), e, c1)).statusName(), "C1 is settled already");
            try (Enrollee twin = Enrollee.restore(e.save())) {
                twin.reverseId(id1);
                assertEquals(yuan("300.00"), twin.accountBalance(), "C1's account payment back");
                assertEquals("state", assertThrows(MedBenefitException.class,
                        () -> twin.reverseId(id1)).statusName(), "twice");
                twin.reverseId(id2);
                assertArrayEquals(before, twin.save(), "every settlement reversed: as before");
            }
        }
    }

    @Test
    void saveAndRestore() throws MedBenefitException {
        try (Enrollee e = Fixtures.wuxiEnrollee();
             Claim c1 = Fixtures.wuxiClaim("C1", LocalDate.of(2021, 2, 1), "1200.00");
             Claim c2 = Fixtures.wuxiClaim("C2", LocalDate.of(2021, 2, 5), "1000.00");
             Settlement s = Settlement.create()) {
            s.settle(List.of(wuxi), e, c1);
            byte[] blob = e.save();
            try (Enrollee copy = Enrollee.restore(blob)) {
                assertEquals("E1", copy.id());
                assertArrayEquals(blob, copy.save());
                assertEquals(yuan("700.00"), s.settle(List.of(wuxi), copy, c2).hifpPay());
            }
            blob[blob.length / 2] ^= 0x5a;
            assertEquals("corrupt", assertThrows(MedBenefitException.class, () -> Enrollee.restore(blob)).statusName());
            assertEquals("corrupt", assertThrows(MedBenefitException.class,
                    () -> Enrollee.restore(new byte[0])).statusName());
        }
    }

    /** A claim the library refuses changes nothing (wuxi-rejected-input.yaml). */
    @Test
    void refusedInputChangesNothing() throws MedBenefitException {
        try (Enrollee e = Fixtures.wuxiEnrollee();
             Claim c = Claim.create("C4", LocalDate.of(2021, 2, 4), Claim.MedType.CHRONIC, "H001", Claim.Level.TERTIARY);
             Settlement s = Settlement.create()) {
            c.setDisease("感冒").addItem(yuan("100.00"), Claim.ItemClass.A);
            byte[] before = e.save();
            MedBenefitException x = assertThrows(MedBenefitException.class, () -> s.settle(List.of(wuxi), e, c));
            assertEquals("unknown_disease", x.statusName());
            assertTrue(x.libraryMessage().contains("感冒"), x.libraryMessage());
            assertFalse(s.holdsSettlement());
            assertArrayEquals(before, e.save());
        }
    }

    /** BigDecimal input: a third decimal or a sign is refused before it reaches C; 1.500 is 1.50. */
    @Test
    void amountsAreCheckedExactly() throws MedBenefitException {
        try (Claim c = Claim.create("C", LocalDate.of(2021, 2, 1), Claim.MedType.CHRONIC, "H001", Claim.Level.TERTIARY)) {
            assertEquals("invalid_amount", assertThrows(MedBenefitException.class,
                    () -> c.addItem(yuan("100.005"), Claim.ItemClass.A)).statusName());
            assertEquals("invalid_amount", assertThrows(MedBenefitException.class,
                    () -> c.addItem(yuan("-1.00"), Claim.ItemClass.A)).statusName());
            assertEquals("invalid_amount", assertThrows(MedBenefitException.class,
                    () -> c.addItem(null, Claim.ItemClass.A)).statusName());
            assertEquals("invalid_amount", assertThrows(MedBenefitException.class,
                    () -> c.addItem(yuan("1e13"), Claim.ItemClass.A)).statusName());
            c.addItem(yuan("1.500"), Claim.ItemClass.A);
            c.addItem(yuan("2E+2"), Claim.ItemClass.B, 1000);
        }
        try (Enrollee e = Fixtures.wuxiEnrollee()) {
            e.setAccountBalance(yuan("12.3"));
            assertEquals(yuan("12.30"), e.accountBalance());
            assertEquals("invalid_amount", assertThrows(MedBenefitException.class,
                    () -> e.setAccountBalance(yuan("0.001"))).statusName());
        }
    }

    @Test
    void claimInputsAreChecked() throws MedBenefitException {
        try (Claim c = Claim.create("IP", LocalDate.of(2023, 3, 1), Claim.MedType.INPATIENT, "H1", Claim.Level.SECONDARY)) {
            assertEquals("IP", c.id());
            assertEquals("invalid_date", assertThrows(MedBenefitException.class,
                    () -> c.setAdmission(LocalDate.of(2023, 3, 2), LocalDate.of(2023, 2, 1))).statusName());
            c.setAdmission(LocalDate.of(2023, 2, 20), LocalDate.of(2023, 3, 1));
            c.setFlags(Claim.Flag.REFERRAL, Claim.Flag.OUT_OF_AREA);
            c.setUpstream(yuan("100.00"), yuan("50.00"), null);
        }
    }

    /** A chain: 41号 三 then 004 四（五）（六）: 490 basic, 710 x 85% = 603.50 assistance (chain-wuxi-chronic-assistance.yaml). */
    @Test
    void chainOfTiers() throws MedBenefitException {
        try (Enrollee e = Enrollee.create("CH-WX-1", Enrollee.Scheme.EMPLOYEE, Enrollee.PersonType.IN_SERVICE);
             Claim c = Fixtures.wuxiClaim("C1", LocalDate.of(2023, 2, 1), "1200.00")) {
            e.setDesignatedFacility("H001").addDisease("糖尿病", LocalDate.of(2022, 12, 1))
                    .addAssistance("minimum_living", LocalDate.of(2023, 1, 1), null);
            try (Settlement s = Settle.settle(List.of(wuxi, assistance), e, c)) {
                assertEquals(yuan("490.00"), s.hifpPay());
                assertEquals(yuan("603.50"), s.mafPay());
                assertEquals(yuan("1093.50"), s.fundPaySumamt());
                assertEquals(yuan("106.50"), s.psnCashPay());
                assertEquals(List.of("310100", "610100"), s.funds().stream().map(FundRow::fundPayType).toList());
                assertTrue(s.trace().stream().anyMatch(t -> Fixtures.WUXI_ASSISTANCE.equals(t.rulesetId())));
            }
            try (Claim k = Fixtures.wuxiClaim("K", LocalDate.of(2023, 2, 2), "10.00")) {
                assertEquals("chain", assertThrows(MedBenefitException.class,
                        () -> Settle.settle(List.of(assistance, wuxi), e, k)).statusName(), "tiers out of order");
                assertThrows(MedBenefitException.class, () -> Settle.settle(List.of(), e, k), "an empty chain");
            }
        }
    }

    /** A batch gives exactly what settling the same claims one by one gives. */
    @Test
    void batchEqualsOneByOne() throws MedBenefitException {
        List<Claim> claims = new ArrayList<>();
        String[] amounts = {"1200.00", "100.00", "2500.00", "3000.00", "0.01", "800.00"};
        try (Enrollee a = Fixtures.wuxiEnrollee(); Enrollee b = Fixtures.wuxiEnrollee()) {
            for (int i = 0; i < amounts.length; i++)
                claims.add(Fixtures.wuxiClaim("C" + i, LocalDate.of(2021, 3, 1 + i), amounts[i]));
            try (Claim bad = Claim.create("X", LocalDate.of(2021, 3, 20), Claim.MedType.CHRONIC, "H001", Claim.Level.TERTIARY)) {
                bad.setDisease("感冒").addItem(yuan("10.00"), Claim.ItemClass.A);
                claims.add(3, bad);
                Settle.Batch batch = Settle.batch(List.of(wuxi), a, claims);
                assertEquals(claims.size(), batch.size());
                assertEquals(1, batch.failedCount());
                assertFalse(batch.ok(3));
                assertEquals("unknown_disease", batch.error(3).statusName());
                try (Settlement s = Settlement.create()) {
                    for (int i = 0; i < claims.size(); i++) {
                        if (i == 3)
                            continue;
                        s.settle(List.of(wuxi), b, claims.get(i));
                        assertTrue(batch.ok(i));
                        assertNull(batch.error(i));
                        for (Amount x : Amount.values())
                            assertEquals(s.fen(x), batch.fen(i, x), "claim " + i + " " + x.fieldName());
                        assertEquals(s.covered(), batch.covered(i));
                        assertEquals(s.hifpPay(), batch.amount(i, Amount.HIFP_PAY));
                    }
                }
                assertArrayEquals(b.save(), a.save(), "the batch left the enrollee as one-by-one did");
            }
            Settle.Batch whatIf = Settle.presettleBatch(List.of(wuxi), b, claims.subList(0, 1));
            assertEquals(1, whatIf.size());
            assertEquals(Amount.values().length, whatIf.fenMatrix().length);
            assertEquals(a.save().length > 0, true);
        } finally {
            claims.forEach(Claim::close);
        }
    }

    /** 常政办发〔2022〕91号 二（三）: the spouse's account pays after the patient's (tests/unit/test_account.c). */
    @Test
    void familyAccount() throws MedBenefitException {
        try (Enrollee patient = Enrollee.create("P", Enrollee.Scheme.EMPLOYEE, Enrollee.PersonType.IN_SERVICE);
             Enrollee payer = Enrollee.create("A", Enrollee.Scheme.EMPLOYEE, Enrollee.PersonType.IN_SERVICE);
             Claim c = Claim.create("C1", LocalDate.of(2023, 3, 10), Claim.MedType.GENERAL_OUTPATIENT, "C01",
                     Claim.Level.PRIMARY);
             Settlement s = Settlement.create()) {
            patient.setFirstVisitFacility("C01").setAccountBalance(yuan("100.00"));
            payer.setAccountBalance(yuan("500.00"));
            c.addItem(yuan("2400.00"), Claim.ItemClass.A);
            byte[] p0 = patient.save(), a0 = payer.save();
            s.settleFamily(List.of(changzhou), patient, payer, Settlement.FamilyRelation.SPOUSE, c);
            assertEquals(yuan("1440.00"), s.hifpPay());
            assertEquals(yuan("600.00"), s.acctPay());
            assertEquals(yuan("500.00"), s.amount(Amount.ACCT_MULAID_PAY));
            assertEquals(yuan("360.00"), s.psnCashPay());
            assertEquals(yuan("0.00"), payer.accountBalance());
            assertEquals("state", assertThrows(MedBenefitException.class, () -> s.reverse(patient)).statusName());
            s.reverseFamily(patient, payer);
            assertArrayEquals(p0, patient.save());
            assertArrayEquals(a0, payer.save());
            assertEquals("not_eligible", assertThrows(MedBenefitException.class,
                    () -> s.settleFamily(List.of(wuxi), patient, payer, Settlement.FamilyRelation.CHILD, c)).statusName());
        }
    }

    /** 常政办发〔2022〕91号 二（二）: in service, 2% of the contribution base, half up to the fen. */
    @Test
    void accountAccrual() throws MedBenefitException {
        assertEquals(yuan("160.00"), changzhou.accountAccrual(Enrollee.PersonType.IN_SERVICE,
                LocalDate.of(2023, 3, 15), yuan("8000.00")));
        assertEquals(yuan("2.47"), changzhou.accountAccrual(Enrollee.PersonType.IN_SERVICE,
                LocalDate.of(2023, 3, 15), yuan("123.45")));
        assertEquals("not_found", assertThrows(MedBenefitException.class, () -> changzhou.accountAccrual(
                Enrollee.PersonType.RESIDENT, LocalDate.of(2023, 3, 15), yuan("1.00"))).statusName());
        try (Enrollee e = Enrollee.create("A", Enrollee.Scheme.EMPLOYEE, Enrollee.PersonType.IN_SERVICE)) {
            e.setAccountBalance(yuan("10.00"));
            assertEquals(yuan("160.00"), e.accrue(changzhou, LocalDate.of(2023, 3, 15), yuan("8000.00")));
            assertEquals(yuan("170.00"), e.accountBalance());
        }
    }

    /** Accumulators seeded from the platform (5206) are read back as given. */
    @Test
    void seedAndReadAccumulators() throws MedBenefitException {
        try (Enrollee e = Fixtures.wuxiEnrollee()) {
            assertEquals(yuan("0.00"), e.accumulator(Fixtures.WUXI, "chronic.paid", 2021));
            e.seed(Fixtures.WUXI, "chronic.paid", 2021, yuan("3000.00"));
            assertEquals(yuan("3000.00"), e.accumulator(Fixtures.WUXI, "chronic.paid", 2021));
            e.reserve(1024);
        }
    }

    /** Certification under the ruleset's lifecycle, and its state on a date. */
    @Test
    void certificationStatus() throws MedBenefitException {
        try (Enrollee e = Enrollee.create("J", Enrollee.Scheme.RESIDENT, null);
             Ruleset jz = Fixtures.ruleset("jiaozuo-chronic-2022")) {
            e.certify(jz, "糖尿病", LocalDate.of(2022, 3, 10));
            Enrollee.CertStatus st = e.status(jz, "糖尿病", LocalDate.of(2023, 3, 10));
            assertTrue(st.state() != Enrollee.CertState.NONE, st.toString());
            String diabetes = jz.findDisease("糖尿病").code();
            String other = jz.diseases().stream().map(Ruleset.Disease::code)
                    .filter(code -> !code.equals(diabetes)).findFirst().orElseThrow();
            assertEquals(Enrollee.CertState.NONE, e.status(jz, other, LocalDate.of(2023, 3, 10)).state());
            assertEquals("unknown_disease", assertThrows(MedBenefitException.class,
                    () -> e.status(jz, "感冒", LocalDate.of(2023, 3, 10))).statusName());
        }
    }
}
