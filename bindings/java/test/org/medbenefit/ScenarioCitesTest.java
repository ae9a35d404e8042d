package org.medbenefit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medbenefit.scenario.ScenarioRunner;
import org.medbenefit.scenario.ScenarioRunner.ClaimResult;
import org.medbenefit.scenario.ScenarioRunner.FileResult;

/**
 * The scenario format's {@code expect: cites} (docs/scenario-format.md) in the Java runner: a
 * trace step of the rule must cite exactly the clause; the shared tests/scenario-cites files
 * pass and fail as {@code medbenefit check} passes and fails them, with the same words.
 */
class ScenarioCitesTest {
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

    private static String check(String label) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            runner.check(List.of(TestEnv.ROOT.resolve(label).toString()), ps);
        }
        return buf.toString(StandardCharsets.UTF_8).replace(TestEnv.ROOT.resolve(label).toString(), label);
    }

    /** 41号 三: the deductible, ratio and layer steps each cite the clause expected. */
    @Test
    void passes() throws Exception {
        String label = "tests/scenario-cites/pass.yaml";
        FileResult r = runner.run(TestEnv.ROOT.resolve(label), label);
        assertNull(r.loadError());
        assertEquals(1, r.claims().size());
        assertTrue(r.claims().get(0).pass(), r.claims().get(0).why());
        assertEquals(String.join("\n", TestEnv.cli("check", "--rulesets", "rulesets", label)),
                check(label).stripTrailing());
    }

    /** A wrong clause, the right clause's prefix, a rule not in the trace: each FAIL. */
    @Test
    void wrongCitesFail() throws Exception {
        String label = "tests/scenario-cites/fail.yaml";
        List<ClaimResult> claims = runner.run(TestEnv.ROOT.resolve(label), label).claims();
        assertEquals(3, claims.size());
        for (ClaimResult c : claims)
            assertFalse(c.pass(), c.claimId() + " must fail on its cites");
        assertEquals("\n    cites chronic.deductible: expected '锡医保服务〔2020〕41号 三（在职人员个人自付满500元以上部分，由基金支付70%……退休人员个人自付满300元以上部分，由基金支付85%）', "
                + "got '锡医保服务〔2020〕41号 三（在职人员个人自付满500元以上部分……退休人员个人自付满300元以上部分）'", claims.get(0).why());
        assertEquals("\n    cites chronic.ratio: expected '锡医保服务〔2020〕41号 三', "
                + "got '锡医保服务〔2020〕41号 三（在职人员个人自付满500元以上部分，由基金支付70%……退休人员个人自付满300元以上部分，由基金支付85%）'", claims.get(1).why());
        assertEquals("\n    cites chronic.cap: no step of this rule in the trace", claims.get(2).why());
        assertEquals(String.join("\n", TestEnv.cli("check", "--rulesets", "rulesets", label)),
                check(label).stripTrailing());
    }

    /** An entry without its cite fails; a key other than rule and cite is a format error. */
    @Test
    void malformedEntries(@TempDir Path dir) throws Exception {
        String pass = Files.readString(TestEnv.ROOT.resolve("tests/scenario-cites/pass.yaml"));
        Path noCite = dir.resolve("no-cite.yaml");
        Files.writeString(noCite, pass.replace("{rule: chronic, cite: 锡医保服务〔2020〕41号 三}", "{rule: chronic}"));
        ClaimResult c = runner.run(noCite).claims().get(0);
        assertFalse(c.pass());
        assertEquals("\n    cites[2]: rule and cite are required", c.why());
        Path badKey = dir.resolve("bad-key.yaml");
        Files.writeString(badKey, pass.replace("{rule: chronic, cite:", "{rule: chronic, clause:"));
        FileResult r = runner.run(badKey);
        assertTrue(r.loadError() != null && r.loadError().contains(":19: Unexpected key: clause"), r.loadError());
    }
}
