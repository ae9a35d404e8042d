package org.medbenefit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.medbenefit.Fixtures.yuan;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.medbenefit.Ruleset.AccumulatorKey;
import org.medbenefit.Ruleset.Period;
import org.medbenefit.scenario.ScenarioRunner;
import org.medbenefit.scenario.ScenarioRunner.ClaimResult;
import org.medbenefit.scenario.ScenarioRunner.FileResult;

/**
 * Accumulators seeded and read checked against the ruleset that defines them (issue 9, defect
 * 5): a misspelt key would be stored where no settlement reads it, and the year's figure from the
 * national platform (5206) silently ignored. The Java runner refuses it as {@code medbenefit
 * check} does (tests/refused/, the scenario-refused meson test).
 */
class AccumulatorsTest {
    private static final String WUXI_KEYS = "its keys are chronic.base, chronic.paid";
    private static Ruleset wuxi, shanxi;
    private static ScenarioRunner runner;

    @BeforeAll
    static void load() throws MedBenefitException {
        wuxi = Fixtures.ruleset(Fixtures.WUXI);
        shanxi = Fixtures.ruleset("shanxi-chronic-special-2025");
        runner = new ScenarioRunner(TestEnv.RULESETS);
    }

    @AfterAll
    static void free() {
        runner.close();
        wuxi.close();
        shanxi.close();
    }

    /** 41号 三: the chronic layer, by year;
     *  《通知》 (Shanxi): 门诊慢性病按病种设置季度支付限额, each chronic disease by quarter. */
    @Test
    void keysAndTheirPeriods() {
        assertEquals(List.of(new AccumulatorKey("chronic.base", Period.YEAR),
                new AccumulatorKey("chronic.paid", Period.YEAR)), wuxi.accumulatorKeys());
        List<AccumulatorKey> sx = shanxi.accumulatorKeys();
        assertTrue(sx.contains(new AccumulatorKey("disease.M01600.paid", Period.QUARTER)), sx.toString());
        assertTrue(sx.contains(new AccumulatorKey("annual_fund.paid", Period.YEAR)), sx.toString());
    }

    @Test
    void misspeltKeyIsRefusedNamingTheDefinedKeys() throws MedBenefitException {
        try (Enrollee e = Fixtures.wuxiEnrollee()) {
            byte[] before = e.save();
            MedBenefitException x = assertThrows(MedBenefitException.class,
                    () -> e.seed(wuxi, "chronc.paid", 2021, yuan("3200.00")));
            assertEquals("unknown_code", x.statusName());
            assertEquals("wuxi-employee-chronic-2021 keeps no accumulator 'chronc.paid'; " + WUXI_KEYS,
                    x.libraryMessage());
            assertArrayEquals(before, e.save(), "a failed call changes nothing");
        }
    }

    /** 41号 三: 3200 of the 3500 cap paid this year; (1200 - 500) x 70% = 490, cut to the 300 left. */
    @Test
    void seedReachesSettlement() throws MedBenefitException {
        try (Enrollee e = Fixtures.wuxiEnrollee().seed(wuxi, "chronic.paid", 2021, yuan("3200.00"));
             Claim c = Fixtures.wuxiClaim("C1", LocalDate.of(2021, 6, 1), "1200.00");
             Settlement s = Settle.settle(List.of(wuxi), e, c)) {
            assertEquals(yuan("300.00"), s.hifpPay());
            assertEquals(yuan("900.00"), s.psnCashPay());
            // 3200 + 300 = 3500, the cap, read back checked
            assertEquals(yuan("3500.00"), e.accumulator(wuxi, "chronic.paid", 2021));
        }
    }

    @Test
    void quarterAndYear() throws MedBenefitException {
        try (Enrollee r = Enrollee.create("R1", Enrollee.Scheme.RESIDENT, null);
             Enrollee e = Fixtures.wuxiEnrollee()) {
            r.seed(shanxi, "disease.M01600.paid", 20252, yuan("150.00")); // the second quarter of 2025
            assertEquals(yuan("150.00"), r.accumulator(shanxi, "disease.M01600.paid", 20252));
            assertEquals(yuan("0.00"), r.accumulator(shanxi, "disease.M01600.paid", 20253));
            MedBenefitException x = assertThrows(MedBenefitException.class,
                    () -> r.seed(shanxi, "disease.M01600.paid", 2025, yuan("150.00")));
            assertEquals("invalid_date", x.statusName());
            assertEquals("shanxi-chronic-special-2025 keeps disease.M01600.paid by quarter (20232), not by year "
                    + "(period 2025)", x.libraryMessage());
            x = assertThrows(MedBenefitException.class, () -> e.seed(wuxi, "chronic.paid", 20212, yuan("1.00")));
            assertEquals("wuxi-employee-chronic-2021 keeps chronic.paid by year (2023), not by quarter "
                    + "(period 20212)", x.libraryMessage());
            // the first quarter of 2025 ends before the notice takes effect (2025-04-01)
            x = assertThrows(MedBenefitException.class,
                    () -> r.seed(shanxi, "disease.M01600.paid", 20251, yuan("1.00")));
            assertEquals("invalid_date", x.statusName());
            assertTrue(x.libraryMessage().contains("not in force in period 20251"), x.libraryMessage());
        }
    }

    @Test
    void checkedRead() throws MedBenefitException {
        try (Enrollee e = Fixtures.wuxiEnrollee().seed(wuxi, "chronic.base", 2021, yuan("500.00"))) {
            assertEquals(yuan("500.00"), e.accumulator(wuxi, "chronic.base", 2021));
            MedBenefitException x = assertThrows(MedBenefitException.class,
                    () -> e.accumulator(wuxi, "chronic.bas", 2021));
            assertEquals("unknown_code", x.statusName());
            assertTrue(x.libraryMessage().endsWith(WUXI_KEYS), x.libraryMessage());
            assertEquals("invalid_date", assertThrows(MedBenefitException.class,
                    () -> e.accumulator(wuxi, "chronic.base", 20211)).statusName());
            assertEquals("invalid_argument", assertThrows(MedBenefitException.class,
                    () -> e.accumulator(wuxi, "chronic.base\u0000x", 2021)).statusName());
        }
    }

    /** The amount rules of every other amount hold: BigDecimal yuan, exact to the fen. */
    @Test
    void amountRulesHold() throws MedBenefitException {
        try (Enrollee e = Fixtures.wuxiEnrollee()) {
            for (String bad : List.of("-1.00", "1.005", "1E+13"))
                assertEquals("invalid_amount", assertThrows(MedBenefitException.class,
                        () -> e.seed(wuxi, "chronic.paid", 2021, yuan(bad))).statusName(), bad);
            assertEquals("invalid_amount", assertThrows(MedBenefitException.class,
                    () -> e.seed(wuxi, "chronic.paid", 2021, null)).statusName());
        }
    }

    /** Kept for compatibility, as documented: an id sees no ruleset, so a misspelt key is taken. */
    @Test
    void rulesetIdIsUnchecked() throws MedBenefitException {
        try (Enrollee e = Fixtures.wuxiEnrollee()) {
            e.seed(Fixtures.WUXI, "chronc.paid", 2021, yuan("3200.00"));
            assertEquals(yuan("3200.00"), e.accumulator(Fixtures.WUXI, "chronc.paid", 2021));
            assertThrows(NullPointerException.class, () -> e.seed((Ruleset) null, "chronic.paid", 2021, yuan("1")));
        }
    }

    private static String check(Path file, String label) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            runner.check(List.of(file.toString()), ps);
        }
        return buf.toString(StandardCharsets.UTF_8).replace(file.toString(), label).stripTrailing();
    }

    @Test
    void runnerRefusesAMisspeltKeyAsCDoes() throws Exception {
        String label = "tests/refused/seed-misspelt-key.yaml";
        FileResult r = runner.run(TestEnv.ROOT.resolve(label), label);
        assertNull(r.loadError());
        ClaimResult c = r.claims().get(0);
        assertFalse(c.pass());
        assertEquals("\n    setup: enrollee: wuxi-employee-chronic-2021 keeps no accumulator 'chronc.paid'; "
                + WUXI_KEYS, c.why());
        assertEquals(String.join("\n", TestEnv.cli("check", "--rulesets", "rulesets", label)),
                check(TestEnv.ROOT.resolve(label), label));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2021abc", "'+2021'", "' 2021'", "99999999999", "4294969317", "2_021", "٢٠٢١"})
    void runnerRefusesAPeriodNotInDigits(String period, @TempDir Path dir) throws Exception {
        String text = Files.readString(TestEnv.ROOT.resolve("tests/refused/seed-period-not-integer.yaml"));
        Path file = dir.resolve("period.yaml");
        Files.writeString(file, text.replace("period: 2021abc", "period: " + period));
        FileResult r = runner.run(file, "period.yaml");
        String shown = period.replace("'", "");
        assertEquals(file + ":14: enrollee.accumulators[0].period: '" + shown + "' is not a period: "
                + "a year (2023) or a quarter (20232), in digits", r.loadError());
        assertEquals(String.join("\n", TestEnv.cli("check", "--rulesets", "rulesets", file.toString()))
                .replace(file.toString(), "period.yaml"), check(file, "period.yaml"));
    }
}
