package org.medbenefit;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/** Rulesets, enrollees and claims the tests share, each with the clause it stands on. */
final class Fixtures {
    private Fixtures() {}

    static final String WUXI = "wuxi-employee-chronic-2021";
    static final String WUXI_ASSISTANCE = "wuxi-medical-assistance-2023";
    static final String CHANGZHOU = "changzhou-employee-outpatient-2023";

    static Ruleset ruleset(String id) throws MedBenefitException {
        return Ruleset.fromId(id, TestEnv.RULESETS);
    }

    static BigDecimal yuan(String s) {
        return new BigDecimal(s);
    }

    /** 锡医保服务〔2020〕41号: an employee in service, 糖尿病 certified 2021-01-05, designated H001. */
    static Enrollee wuxiEnrollee() throws MedBenefitException {
        Enrollee e = Enrollee.create("E1", Enrollee.Scheme.EMPLOYEE, Enrollee.PersonType.IN_SERVICE);
        e.setDesignatedFacility("H001").addDisease("糖尿病", LocalDate.of(2021, 1, 5));
        return e;
    }

    /** A chronic claim for 糖尿病 at H001 (tertiary), all class A. */
    static Claim wuxiClaim(String id, LocalDate date, String amount) throws MedBenefitException {
        Claim c = Claim.create(id, date, Claim.MedType.CHRONIC, "H001", Claim.Level.TERTIARY);
        c.setDisease("糖尿病").addItem(yuan(amount), Claim.ItemClass.A);
        return c;
    }

    static List<Ruleset> chain(Ruleset... rs) {
        return List.of(rs);
    }
}
