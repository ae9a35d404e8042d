package org.medbenefit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.medbenefit.Fixtures.yuan;

/**
 * {@link Settle#columns} (mb_settle_columns through direct buffers) against settling the same
 * claims one by one with {@link Settlement#settle}: the same amounts to the fen, covered flags and
 * failures, and enrollees left byte for byte the same (their saved blobs, journal included).
 */
class ColumnsTest {
    private static Ruleset wuxi;

    @BeforeAll
    static void load() throws MedBenefitException {
        wuxi = Fixtures.ruleset(Fixtures.WUXI);
    }

    @AfterAll
    static void free() {
        wuxi.close();
    }

    private static final int PEOPLE = 3, ROWS = 90;
    private static final String[] DISEASES = {"糖尿病", "高血压", "感冒"}; // 感冒: not in 41号's catalogue

    /** Enrollee p: in service or retired (锡医保服务〔2020〕41号 三 tells them apart), both
     *  diseases, designated H001, an account that runs out within the year. */
    private static List<Enrollee> people() throws MedBenefitException {
        List<Enrollee> out = new ArrayList<>();
        for (int p = 0; p < PEOPLE; p++) {
            Enrollee e = Enrollee.create("E" + p, Enrollee.Scheme.EMPLOYEE,
                    p % 2 == 0 ? Enrollee.PersonType.IN_SERVICE : Enrollee.PersonType.RETIRED);
            e.setDesignatedFacility("H001").setAccountBalance(yuan(300 * p + ".00"))
                    .addDisease("糖尿病", LocalDate.of(2021, 1, 5)).addDisease("高血压", LocalDate.of(2021, 1, 5));
            out.add(e);
        }
        return out;
    }

    /** Row i: enrollee i % 3 (rows of the enrollees interleaved), a chronic claim of 2021 at H001
     *  with a class A, B and (every third) C item; row 20 names 感冒, row 41 a disease index
     *  beyond the table. */
    private static int disease(int i) {
        return i == 20 ? 2 : i == 41 ? 7 : i % 2;
    }

    private static long[] items(int i) {
        long a = 2000 + (i * 7919L) % 90000, b = (i * 104729L) % 30000;
        return i % 3 == 0 ? new long[] {a, b, 4000} : new long[] {a, b};
    }

    private static LocalDate date(int i) {
        return LocalDate.of(2021, 1 + (i / PEOPLE) % 12, 1 + (i / PEOPLE) / 12 * 3);
    }

    private static Columns columns() throws MedBenefitException {
        int nitems = 0;
        for (int i = 0; i < ROWS; i++)
            nitems += items(i).length;
        Columns k = Columns.allocate(ROWS, nitems).facilities("H001").diseases(DISEASES);
        IntBuffer enrollee = k.enrollee(), date = k.date(), med = k.medType(), level = k.level();
        IntBuffer facility = k.facility(), disease = k.disease(), cls = k.itemClass();
        LongBuffer start = k.itemStart(), fen = k.itemFen();
        String[] ids = new String[ROWS];
        int item = 0;
        for (int i = 0; i < ROWS; i++) {
            LocalDate d = date(i);
            enrollee.put(i, i % PEOPLE);
            date.put(i, d.getYear() * 10000 + d.getMonthValue() * 100 + d.getDayOfMonth());
            med.put(i, Claim.MedType.CHRONIC.code());
            level.put(i, Claim.Level.TERTIARY.code());
            facility.put(i, 0);
            disease.put(i, disease(i));
            long[] it = items(i);
            for (int j = 0; j < it.length; j++, item++) {
                fen.put(item, it[j]);
                cls.put(item, (j == 0 ? Claim.ItemClass.A : j == 1 ? Claim.ItemClass.B : Claim.ItemClass.C).code());
            }
            start.put(i + 1, item);
            ids[i] = "C" + i;
        }
        return k.claimIds(ids);
    }

    /** Row i as a claim handle, for the one-by-one settlement; null for the row with no such disease. */
    private static Claim claim(int i) throws MedBenefitException {
        if (disease(i) >= DISEASES.length)
            return null;
        Claim c = Claim.create("C" + i, date(i), Claim.MedType.CHRONIC, "H001", Claim.Level.TERTIARY);
        c.setDisease(DISEASES[disease(i)]);
        long[] it = items(i);
        for (int j = 0; j < it.length; j++)
            c.addItem(Money.ofFen(it[j]), j == 0 ? Claim.ItemClass.A : j == 1 ? Claim.ItemClass.B : Claim.ItemClass.C);
        return c;
    }

    /** Every row through Settlement.settle (or presettle) in row order: what columns must equal. */
    private static void assertAsOneByOne(boolean commit, List<Enrollee> twins, ColumnResults out)
            throws MedBenefitException {
        try (Settlement s = Settlement.create()) {
            for (int i = 0; i < ROWS; i++) {
                try (Claim c = claim(i)) {
                    if (c == null) {
                        assertEquals("invalid_argument", MedBenefit.statusName(out.status(i)), "row " + i);
                        continue;
                    }
                    try {
                        if (commit)
                            s.settle(List.of(wuxi), twins.get(i % PEOPLE), c);
                        else
                            s.presettle(List.of(wuxi), twins.get(i % PEOPLE), c);
                    } catch (MedBenefitException x) {
                        assertEquals(x.statusName(), MedBenefit.statusName(out.status(i)), "row " + i);
                        for (Amount a : Amount.values())
                            assertEquals(0, out.fen(i, a), "row " + i + ": a failed row reads 0");
                        assertFalse(out.covered(i));
                        continue;
                    }
                    assertTrue(out.ok(i), "row " + i + " failed: " + MedBenefit.statusName(out.status(i)));
                    for (Amount a : Amount.values())
                        assertEquals(s.fen(a), out.fen(i, a), "row " + i + " " + a.fieldName());
                    assertEquals(s.covered(), out.covered(i), "row " + i);
                }
            }
        }
    }

    @Test
    void columnsEqualSettlingEachClaim() throws MedBenefitException {
        List<Enrollee> people = people(), twins = people();
        try {
            ColumnResults out = ColumnResults.allocate(ROWS);
            assertEquals(2, Settle.columns(List.of(wuxi), people, columns(), out, 1));
            assertEquals(2, out.failedCount());
            assertEquals("unknown_disease", MedBenefit.statusName(out.status(20)));
            assertTrue(out.firstError().libraryMessage().contains("row 20"), out.firstError().libraryMessage());
            assertAsOneByOne(true, twins, out);
            for (int p = 0; p < PEOPLE; p++)
                assertArrayEquals(twins.get(p).save(), people.get(p).save(), "enrollee " + p);
            // the year as 41号 三 caps it: in service 3500 + 1000 for two diseases, paid in full
            long paid = 0;
            for (int i = 0; i < ROWS; i += PEOPLE)
                paid += out.fen(i, Amount.HIFP_PAY);
            assertEquals(450000, paid, "enrollee 0 reaches the raised cap of 4500 yuan");
            assertTrue(out.fen(ROWS - 1, Amount.BALC) == 0, "the account ran out");
        } finally {
            people.forEach(Enrollee::close);
            twins.forEach(Enrollee::close);
        }
    }

    @Test
    void twoThreadsGiveWhatOneGives() throws MedBenefitException {
        List<Enrollee> one = people(), two = people();
        try {
            ColumnResults a = ColumnResults.allocate(ROWS), b = ColumnResults.allocate(ROWS);
            Settle.columns(List.of(wuxi), one, columns(), a, 1);
            Settle.columns(List.of(wuxi), two, columns(), b, 2);
            long[] fa = new long[ROWS * ColumnResults.WIDTH], fb = new long[fa.length];
            a.amounts().get(fa);
            b.amounts().get(fb);
            assertArrayEquals(fa, fb);
            for (int p = 0; p < PEOPLE; p++)
                assertArrayEquals(one.get(p).save(), two.get(p).save(), "enrollee " + p);
        } finally {
            one.forEach(Enrollee::close);
            two.forEach(Enrollee::close);
        }
    }

    @Test
    void presettlingColumnsChangesNothing() throws MedBenefitException {
        List<Enrollee> people = people(), twins = people();
        try {
            byte[] before = people.get(1).save();
            ColumnResults out = ColumnResults.allocate(ROWS);
            assertEquals(2, Settle.presettleColumns(List.of(wuxi), people, columns(), out, 1));
            assertAsOneByOne(false, twins, out);
            assertArrayEquals(before, people.get(1).save());
        } finally {
            people.forEach(Enrollee::close);
            twins.forEach(Enrollee::close);
        }
    }

    /** Item offsets that decrease make the batch unreadable: refused before any row, nothing changed. */
    @Test
    void aBatchRefusedAsAWholeThrowsAndChangesNothing() throws MedBenefitException {
        List<Enrollee> people = people();
        try {
            byte[] before = people.get(0).save();
            Columns k = columns();
            k.itemStart().put(5, k.itemStart().get(4) - 1);
            ColumnResults out = ColumnResults.allocate(ROWS);
            MedBenefitException x = assertThrows(MedBenefitException.class,
                    () -> Settle.columns(List.of(wuxi), people, k, out, 1));
            assertEquals("invalid_argument", x.statusName());
            assertEquals(0, out.failedCount());
            assertNull(out.firstError());
            assertArrayEquals(before, people.get(0).save());
        } finally {
            people.forEach(Enrollee::close);
        }
    }

    /** Item offsets past the item columns: the library cannot know how long the buffers are and
     *  would read beyond them (an offset of -1 is 2^64 - 1 to its uint64_t), so they are refused
     *  before the call, changing nothing. The one claim, 1200 yuan for enrollee 0 (in service, no
     *  account), once its offset is right: 41号 三, (1200 - 500) x 70% = 490.00 yuan from the fund. */
    @Test
    void itemOffsetsBeyondTheItemsAreRefusedBeforeTheLibraryReadsThem() throws MedBenefitException {
        List<Enrollee> people = people();
        try {
            byte[] before = people.get(0).save();
            Columns k = Columns.allocate(1, 1).facilities("H001").diseases(DISEASES);
            k.enrollee().put(0, 0);
            k.date().put(0, 20210201);
            k.medType().put(0, Claim.MedType.CHRONIC.code());
            k.level().put(0, Claim.Level.TERTIARY.code());
            k.facility().put(0, 0);
            k.disease().put(0, 0);
            k.itemFen().put(0, 120000);
            k.itemClass().put(0, Claim.ItemClass.A.code());
            ColumnResults out = ColumnResults.allocate(1);
            for (long past : new long[] {2, 1L << 40, -1}) {
                k.itemStart().put(1, past);
                IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                        () -> Settle.columns(List.of(wuxi), people, k, out, 1), "itemStart[1] = " + past);
                assertTrue(x.getMessage().contains("beyond the 1 items"), x.getMessage());
            }
            assertArrayEquals(before, people.get(0).save());
            k.itemStart().put(1, 1);
            assertEquals(0, Settle.columns(List.of(wuxi), people, k, out, 1));
            assertEquals(49000, out.fen(0, Amount.HIFP_PAY));
        } finally {
            people.forEach(Enrollee::close);
        }
    }

    /** Optional columns left alone are passed as NULL: the library's "none" for every row. */
    @Test
    void optionalColumnsDefaultToNone() throws MedBenefitException {
        Columns k = Columns.allocate(2, 0);
        assertEquals(-1, k.disease().get(1));
        assertEquals(0, k.flags().get(0));
        assertEquals(-1L, k.upCompliant().get(1));
        assertNull(Columns.address(k.treatment));
        assertEquals(Claim.Flag.NO_ACCOUNT.bit(), Abi.MB_CLAIM_NO_ACCOUNT);
    }
}
