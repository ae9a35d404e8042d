package org.medbenefit;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loading rulesets three ways, their errors, and what a loaded ruleset tells. */
class RulesetTest {
    @Test
    void loadByIdFileAndString() throws Exception {
        Path file = TestEnv.RULESETS.resolve(Fixtures.WUXI + ".yaml");
        try (Ruleset byId = Fixtures.ruleset(Fixtures.WUXI);
             Ruleset byFile = Ruleset.load(file);
             Ruleset byText = Ruleset.fromString(Files.readString(file), "wuxi.yaml")) {
            for (Ruleset rs : List.of(byId, byFile, byText)) {
                assertEquals(Fixtures.WUXI, rs.id());
                assertEquals("锡医保服务〔2020〕41号", rs.document());
                assertEquals("无锡市职工医保门诊慢性病医疗保障", rs.title());
                assertEquals(Ruleset.Tier.BASIC, rs.tier());
            }
            assertEquals(byId.diseases(), byText.diseases());
        }
    }

    /** 锡医保服务〔2020〕41号 一: 26 diseases, 糖尿病 as M01600; short names find full ones. */
    @Test
    void catalogue() throws MedBenefitException {
        try (Ruleset rs = Fixtures.ruleset(Fixtures.WUXI)) {
            List<Ruleset.Disease> all = rs.diseases();
            assertEquals(26, all.size());
            Ruleset.Disease d = rs.findDisease("糖尿病");
            assertEquals("M01600", d.code());
            assertEquals(d, rs.findDisease("M01600"));
            assertEquals(all.get(d.index()), d);
            assertEquals("高血压（2级、3级）", rs.findDisease("M03900").name());
            assertEquals("unknown_disease", assertThrows(MedBenefitException.class,
                    () -> rs.findDisease("感冒")).statusName());
        }
    }

    @Test
    void assumptionsSayWhy() throws MedBenefitException {
        try (Ruleset rs = Fixtures.ruleset(Fixtures.WUXI)) {
            List<Ruleset.Assumption> a = rs.assumptions();
            assertFalse(a.isEmpty());
            assertTrue(a.stream().anyMatch(x -> x.where().equals("class_b_first_selfpay")), a.toString());
            a.forEach(x -> assertFalse(x.reason().isEmpty(), x.where()));
        }
    }

    @Test
    void tiersOfAChain() throws MedBenefitException {
        try (Ruleset rs = Fixtures.ruleset(Fixtures.WUXI_ASSISTANCE)) {
            assertEquals(Ruleset.Tier.ASSISTANCE, rs.tier());
        }
    }

    @Test
    void notFoundAndIo() {
        MedBenefitException e = assertThrows(MedBenefitException.class,
                () -> Ruleset.fromId("no-such-ruleset-2099", TestEnv.RULESETS));
        assertEquals("not_found", e.statusName());
        assertFalse(e.libraryMessage().isEmpty());
        // the header: MB_E_IO "a file could not be read"; MB_E_NOT_FOUND is for ids
        assertEquals("io", assertThrows(MedBenefitException.class,
                () -> Ruleset.load(Path.of("/nonexistent/ruleset.yaml"))).statusName());
        assertEquals("io", assertThrows(MedBenefitException.class,
                () -> Ruleset.load(TestEnv.RULESETS)).statusName(), "a directory cannot be read");
    }

    /** Errors carry the name given for the text, the line and the key. */
    @Test
    void schemaErrorsNameFileLineKey() {
        MedBenefitException e = assertThrows(MedBenefitException.class,
                () -> Ruleset.fromString("id: x\nfoo: 1\n", "inline.yaml"));
        assertEquals("schema", e.statusName());
        assertEquals("inline.yaml", e.file());
        assertTrue(e.line() >= 1, "a line is given");
        assertEquals("foo", e.key());
        assertTrue(e.getMessage().startsWith("schema: "), e.getMessage());
        assertEquals("parse", assertThrows(MedBenefitException.class,
                () -> Ruleset.fromString("id: \"unterminated\n", "bad.yaml")).statusName());
        assertThrows(MedBenefitException.class, () -> Ruleset.fromString(""));
    }

    /** 焦医保〔2021〕97号 二（九）: 精神分裂症 needs at least two of items 1-9. */
    @Test
    void assessCertificationCriteria() throws MedBenefitException {
        try (Ruleset rs = Fixtures.ruleset("jiaozuo-chronic-2022")) {
            Ruleset.Assessment yes = rs.assess("精神分裂症", List.of("4", "7"));
            assertTrue(yes.certified());
            assertEquals("", yes.unmet());
            Ruleset.Assessment no = rs.assess("精神分裂症", List.of("9"));
            assertFalse(no.certified());
            assertFalse(no.unmet().isEmpty());
            assertEquals("invalid_argument", assertThrows(MedBenefitException.class,
                    () -> rs.assess("精神分裂症", List.of("99"))).statusName());
            Ruleset.Criteria c = rs.criteria(rs.findDisease("精神分裂症"));
            assertNotNull(c, "精神分裂症 has criteria");
            assertTrue(c.items().size() >= 9, c.toString());
            assertEquals("1", c.items().get(0).number());
        }
    }
}
