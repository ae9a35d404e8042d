package org.medbenefit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.medbenefit.scenario.ScenarioRunner;
import org.medbenefit.scenario.ScenarioRunner.ClaimResult;
import org.medbenefit.scenario.ScenarioRunner.FileResult;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every conformance scenario (tests/conformance/*.yaml and ../shared/conformance/*.yaml) through
 * the Java API, compared with the C program on the same file:
 *
 * <ul>
 * <li>each claim's amounts, fund rows, covered and reason equal, to the fen, what
 *     {@code medbenefit settle FILE} prints (and a failed claim fails with the same status);</li>
 * <li>each claim's trace equals what {@code medbenefit explain FILE} prints;</li>
 * <li>each claim meets its {@code expect} block. Where {@code medbenefit check} fails that claim
 *     too (a ruleset still being written), the check is aborted (reported as skipped), not failed:
 *     the binding must agree with C, not be ahead of it;</li>
 * <li>the Java runner's check output is line for line {@code medbenefit check}'s.</li>
 * </ul>
 */
class ConformanceTest {
    private static ScenarioRunner runner;

    @BeforeAll
    static void open() {
        runner = new ScenarioRunner(TestEnv.RULESETS);
    }

    @AfterAll
    static void close() {
        if (runner != null)
            runner.close();
    }

    @TestFactory
    Stream<DynamicNode> everyScenario() throws Exception {
        List<Path> files = TestEnv.scenarios();
        assertTrue(files.size() > 0, "no scenarios under " + TestEnv.ROOT.resolve("tests/conformance"));
        return files.stream().map(ConformanceTest::scenario);
    }

    private static DynamicNode scenario(Path file) {
        String label = TestEnv.label(file);
        List<DynamicNode> tests = new ArrayList<>();
        FileResult java;
        List<String> cSettle, cCheck, cExplain;
        try {
            java = runner.run(file, label);
            cSettle = TestEnv.cli("settle", "--rulesets", "rulesets", label).stream()
                    .filter(l -> l.startsWith("{")).toList();
            cCheck = TestEnv.cli("check", "--rulesets", "rulesets", label);
            cExplain = TestEnv.cli("explain", "--rulesets", "rulesets", label);
        } catch (Exception e) {
            return DynamicTest.dynamicTest(label, file.toUri(), () -> {
                throw e;
            });
        }
        List<ClaimResult> claims = java.claims().stream().filter(c -> !c.assessment()).toList();
        List<Boolean> cVerdicts = cCheck.stream().filter(l -> l.startsWith("PASS ") || l.startsWith("FAIL "))
                .map(l -> l.startsWith("PASS ")).toList();
        List<List<Step>> cTraces = explainSteps(cExplain);

        tests.add(DynamicTest.dynamicTest("same claims as medbenefit settle", () -> {
            if (java.loadError() != null) {
                assertTrue(cSettle.isEmpty(), "Java could not read the file (" + java.loadError()
                        + ") but C settled it");
                assertTrue(cCheck.stream().anyMatch(l -> l.startsWith("FAIL " + label + " [-] -")),
                        "Java could not read the file (" + java.loadError() + ") but C's check did");
                return;
            }
            List<String> cIds = cSettle.stream().map(l -> (String) Json.object(l).get("claim_id")).toList();
            assertEquals(cIds, claims.stream().map(ClaimResult::claimId).toList(), "claim ids, C vs Java");
        }));

        for (int i = 0; i < claims.size(); i++) {
            ClaimResult c = claims.get(i);
            String cLine = i < cSettle.size() ? cSettle.get(i) : null;
            List<Step> cTrace = i < cTraces.size() ? cTraces.get(i) : null;
            tests.add(DynamicTest.dynamicTest(c.claimId() + ": settles as medbenefit settle, to the fen",
                    () -> compareSettle(c, cLine)));
            if (c.status() == 0)
                tests.add(DynamicTest.dynamicTest(c.claimId() + ": trace as medbenefit explain",
                        () -> compareTrace(c, cTrace)));
        }
        for (int i = 0; i < java.claims().size(); i++) {
            ClaimResult c = java.claims().get(i);
            Boolean cPass = i < cVerdicts.size() ? cVerdicts.get(i) : null;
            tests.add(DynamicTest.dynamicTest(c.claimId() + ": meets its expectations",
                    () -> expectations(c, cPass)));
        }
        tests.add(DynamicTest.dynamicTest("check output as medbenefit check, line for line", () -> {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
                runner.check(List.of(label.equals(file.toString()) ? label : file.toString()), ps);
            }
            List<String> mine = buf.toString(StandardCharsets.UTF_8).lines()
                    .map(l -> l.replace(file.toString(), label)).toList();
            assertEquals(String.join("\n", cCheck), String.join("\n", mine));
        }));
        return DynamicContainer.dynamicContainer(label, file.toUri(), tests.stream());
    }

    // ---- settle ------------------------------------------------------------------------------------

    private static long fen(Object yuan) {
        return ((BigDecimal) yuan).movePointRight(2).longValueExact();
    }

    @SuppressWarnings("unchecked")
    private static void compareSettle(ClaimResult java, String cLine) {
        assertNotNull(cLine, "medbenefit settle printed no line for claim " + java.claimId());
        Map<String, Object> c = Json.object(cLine);
        assertEquals(c.get("claim_id"), java.claimId(), "claim id");
        if (c.containsKey("error")) {
            assertEquals(c.get("error"), java.statusName(), "C failed with " + c.get("error") + " ("
                    + c.get("message") + "); Java: " + (java.status() == 0 ? "settled" : java.message()));
            return;
        }
        assertEquals(0, java.status(), "C settled the claim; Java failed: " + java.statusName() + ": " + java.message());
        Map<String, Object> info = (Map<String, Object>) c.get("setlinfo");
        for (Amount a : Amount.values()) {
            assertTrue(info.containsKey(a.fieldName()), "C printed no " + a.fieldName());
            assertEquals(fen(info.get(a.fieldName())), java.settlement().fen(a), a.fieldName() + " (fen), C vs Java");
        }
        assertEquals(info.size(), Amount.values().length, "amounts in setlinfo");
        List<Object> rows = (List<Object>) c.get("setldetail");
        List<FundRow> mine = java.settlement().funds();
        assertEquals(rows.size(), mine.size(), "fund rows");
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Object> r = (Map<String, Object>) rows.get(i);
            FundRow m = mine.get(i);
            String at = "setldetail[" + i + "].";
            assertEquals(r.get("fund_pay_type"), m.fundPayType(), at + "fund_pay_type");
            assertEquals(r.get("fund_pay_type_name"), m.fundName(), at + "fund_pay_type_name");
            assertEquals(fen(r.get("inscp_scp_amt")), fen(m.inscpScpAmt()), at + "inscp_scp_amt");
            assertEquals(fen(r.get("fund_payamt")), fen(m.fundPayamt()), at + "fund_payamt");
            if (r.get("crt_payb_lmt_amt") == null)
                assertNull(m.crtPaybLmtAmt(), at + "crt_payb_lmt_amt: C says unlimited");
            else
                assertEquals(fen(r.get("crt_payb_lmt_amt")), fen(m.crtPaybLmtAmt()), at + "crt_payb_lmt_amt");
        }
        assertEquals(c.get("covered"), java.settlement().covered(), "covered");
        assertEquals(c.get("reason"), java.settlement().reason(), "reason");
        assertEquals(cLine, ScenarioRunner.jsonLine(java), "the whole JSON line");
    }

    // ---- explain -----------------------------------------------------------------------------------

    record Step(String rule, String what, String in, String out, String ratio, String cite) {}

    private static final Pattern STEP = Pattern.compile(
            "^\\s*\\d+\\. (\\S+)\\s+(\\S+)\\s+in\\s+(-?\\d+\\.\\d\\d)\\s+out\\s+(-?\\d+\\.\\d\\d)(?:\\s+比例 (\\d+\\.\\d\\d)%)?$");
    private static final String CITE = "       依据 ";

    /** The trace of each claim in the order explain prints them (an error gives an empty trace). */
    private static List<List<Step>> explainSteps(List<String> lines) {
        List<List<Step>> out = new ArrayList<>();
        List<Step> cur = null;
        for (String l : lines) {
            if (l.startsWith("== ")) {
                cur = new ArrayList<>();
                out.add(cur);
                continue;
            }
            if (cur == null)
                continue;
            Matcher m = STEP.matcher(l);
            if (m.matches()) {
                cur.add(new Step(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5), ""));
            } else if (l.startsWith(CITE) && !cur.isEmpty()) {
                Step s = cur.remove(cur.size() - 1);
                cur.add(new Step(s.rule(), s.what(), s.in(), s.out(), s.ratio(), l.substring(CITE.length())));
            }
        }
        return out;
    }

    private static void compareTrace(ClaimResult java, List<Step> c) {
        assertNotNull(c, "medbenefit explain printed no block for claim " + java.claimId());
        List<Step> mine = new ArrayList<>();
        for (TraceStep t : java.settlement().trace()) {
            Integer bp = t.ratioBasisPoints();
            mine.add(new Step(t.rule(), t.what(), t.amountIn().toPlainString(), t.amountOut().toPlainString(),
                    bp == null ? null : String.format("%d.%02d", bp / 100, bp % 100),
                    t.cite() == null ? "" : t.cite()));
            assertNotNull(t.rulesetId(), "every step names its ruleset");
        }
        assertEquals(c, mine, "trace, C (explain) vs Java");
    }

    // ---- check -------------------------------------------------------------------------------------

    private static void expectations(ClaimResult java, Boolean cPass) {
        assertNotNull(cPass, "medbenefit check printed no line for " + java.claimId());
        if (java.pass()) {
            assertTrue(cPass, "Java meets the expectations but medbenefit check fails them");
            return;
        }
        if (!cPass)
            Assumptions.abort("medbenefit check fails this claim too (C):" + java.why());
        fail("expectations not met (medbenefit check passes them):" + java.why());
    }
}
