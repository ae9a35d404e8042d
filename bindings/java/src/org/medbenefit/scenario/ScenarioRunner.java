package org.medbenefit.scenario;

import org.medbenefit.Amount;
import org.medbenefit.Claim;
import org.medbenefit.Enrollee;
import org.medbenefit.FundRow;
import org.medbenefit.MedBenefit;
import org.medbenefit.MedBenefitException;
import org.medbenefit.Ruleset;
import org.medbenefit.Settlement;
import org.medbenefit.TraceStep;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs scenario files through the Java API exactly as {@code medbenefit check} and
 * {@code medbenefit settle} run them through the C API (tools/medbenefit.c, tools/scenario.c):
 * the same steps in the same order, the same defaults, the same checks, the same output.
 *
 * <pre>
 * java -cp ... org.medbenefit.scenario.ScenarioRunner check  [--rulesets DIR] FILE...
 * java -cp ... org.medbenefit.scenario.ScenarioRunner settle [--rulesets DIR] FILE...
 * </pre>
 *
 * Not thread-safe: one runner per thread (its rulesets could be shared, its cache is not).
 */
public final class ScenarioRunner implements AutoCloseable {
    private static final int MB_E_INVALID_ARGUMENT = -1;
    private static final int MB_E_NOT_FOUND = -7;
    private static final int MB_E_INVALID_DATE = -9;
    private static final int MB_E_UNKNOWN_CODE = -10;

    /**
     * What one claim (or assessment) of a scenario gave.
     *
     * @param status     0 when it settled, else the mb_status it failed with
     * @param message    the failure's message ("" when it settled)
     * @param settlement the settlement when it settled, else null
     * @param pass       whether it met its {@code expect} block, as {@code medbenefit check} decides
     * @param why        for a failed check, the lines {@code medbenefit check} prints under FAIL
     */
    public record ClaimResult(String file, String scenario, String claimId, boolean assessment, int status,
                              String message, Settlement.Snapshot settlement, boolean pass, String why) {
        public String statusName() {
            return status == 0 ? null : MedBenefit.statusName(status);
        }
    }

    /** What one file gave: its claims, or why it could not be read. */
    public record FileResult(String file, String loadError, List<ClaimResult> claims) {}

    private final Path rulesetsDir;
    private final Map<String, Ruleset> cache = new HashMap<>();

    /** @param rulesetsDir where rulesets are found by id first (as {@code --rulesets DIR}) */
    public ScenarioRunner(Path rulesetsDir) {
        this.rulesetsDir = rulesetsDir;
    }

    private Ruleset ruleset(String id) throws MedBenefitException {
        Ruleset rs = cache.get(id);
        if (rs == null) {
            rs = Ruleset.fromId(id, rulesetsDir);
            cache.put(id, rs);
        }
        return rs;
    }

    @Override
    public void close() {
        cache.values().forEach(Ruleset::close);
        cache.clear();
    }

    // ---- running one file ------------------------------------------------------------------------

    /** Run one file; {@code label} is the name printed for it (the path as given). */
    public FileResult run(Path path, String label) {
        ScenarioFile.Obj s;
        try {
            s = ScenarioFile.load(path);
        } catch (ScenarioFile.FormatException e) {
            return new FileResult(label, e.getMessage(), List.of());
        }
        return new FileResult(label, null, runClaims(label, s));
    }

    public FileResult run(Path path) {
        return run(path, path.toString());
    }

    private static final class Fail extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Fail(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private List<ClaimResult> runClaims(String file, ScenarioFile.Obj s) {
        String name = s.str("name") != null ? s.str("name") : "(unnamed)";
        List<ClaimResult> out = new ArrayList<>();
        String setupMsg = null;
        List<String> ids = s.strs("rulesets");
        List<Ruleset> chain = new ArrayList<>();
        if (ids.isEmpty() || ids.size() > 8)
            setupMsg = "a scenario lists 1 to 8 rulesets";
        for (int i = 0; setupMsg == null && i < ids.size(); i++) {
            try {
                chain.add(ruleset(ids.get(i)));
            } catch (MedBenefitException e) {
                setupMsg = "ruleset " + ids.get(i) + ": " + e.libraryMessage();
            }
        }
        Enrollee enrollee = null;
        Settlement result = null;
        try {
            if (setupMsg == null) {
                try {
                    enrollee = buildEnrollee(s.obj("enrollee"), chain);
                } catch (Fail f) {
                    setupMsg = f.getMessage();
                }
            }
            if (setupMsg == null) {
                try {
                    result = Settlement.create();
                } catch (MedBenefitException e) {
                    setupMsg = e.libraryMessage();
                }
            }
            for (ScenarioFile.Obj sc : s.objs("claims")) {
                String id = sc.str("id") != null ? sc.str("id") : "(no id)";
                int status = 0;
                String msg = "";
                if (setupMsg != null) {
                    status = MB_E_INVALID_ARGUMENT;
                    msg = setupMsg;
                } else {
                    try (Claim c = buildClaim(sc)) {
                        try {
                            result.settle(chain, enrollee, c);
                        } catch (MedBenefitException e) {
                            throw new Fail(e.status(), e.libraryMessage());
                        }
                        if (!isNull(sc.str("reverse")) && sc.str("reverse").equals("true")) {
                            try {
                                result.reverse(enrollee);
                            } catch (MedBenefitException e) {
                                throw new Fail(e.status(), "reverse: " + e.libraryMessage());
                            }
                        }
                    } catch (Fail f) {
                        status = f.status;
                        msg = f.getMessage();
                    }
                }
                Settlement.Snapshot snap = status == 0 ? result.snapshot() : null;
                StringBuilder why = new StringBuilder();
                boolean pass = judge(sc.obj("expect"), status, msg, setupMsg, snap, why);
                out.add(new ClaimResult(file, name, id, false, status, msg, snap, pass, why.toString()));
            }
            for (ScenarioFile.Obj a : s.objs("assessments"))
                out.add(assessment(file, name, a, ids));
        } finally {
            if (result != null)
                result.close();
            if (enrollee != null)
                enrollee.close();
        }
        return Collections.unmodifiableList(out);
    }

    /** An assessment, as tools/medbenefit.c run_assessment() runs and checks it. */
    private ClaimResult assessment(String file, String name, ScenarioFile.Obj a, List<String> ids) {
        String id = a.str("id") != null ? a.str("id") : "(no id)";
        Ruleset rs = null;
        if (!ids.isEmpty()) {
            try {
                rs = ruleset(ids.get(0));
            } catch (MedBenefitException e) {
                rs = null;
            }
        }
        StringBuilder why = new StringBuilder();
        boolean pass = true;
        int status = 0;
        String msg = "";
        Ruleset.Assessment got = null;
        if (rs == null) {
            status = MB_E_NOT_FOUND;
            msg = "the scenario names no ruleset";
        } else {
            try {
                got = rs.assess(a.str("disease"), a.strs("findings"));
            } catch (MedBenefitException e) {
                status = e.status();
                msg = e.libraryMessage();
            }
        }
        ScenarioFile.Obj x = a.obj("expect");
        if (status != 0) {
            pass = false;
            why.append("\n    error: ").append(MedBenefit.statusName(status)).append(": ").append(msg);
        } else if (x != null) {
            if (!isNullStrict(x.str("certified"))) {
                boolean want = x.str("certified").equals("true");
                if (want != got.certified()) {
                    pass = false;
                    why.append("\n    certified: expected ").append(want).append(", got ").append(got.certified())
                            .append(got.certified() ? "" : " — unmet: ").append(got.certified() ? "" : got.unmet());
                }
            }
            if (!isNullStrict(x.str("unmet")) && !x.str("unmet").equals(got.unmet())) {
                pass = false;
                why.append("\n    unmet: expected '").append(x.str("unmet")).append("', got '").append(got.unmet())
                        .append("'");
            }
        }
        return new ClaimResult(file, name, id, true, status, msg, null, pass, why.toString());
    }

    /** The expectations of one claim, as tools/medbenefit.c run_claims() checks them. */
    private static boolean judge(ScenarioFile.Obj x, int status, String msg, String setupMsg,
                                 Settlement.Snapshot r, StringBuilder why) {
        String wantError = x != null && !isNullStrict(x.str("error")) ? x.str("error") : null;
        if (setupMsg != null) {
            why.append("\n    setup: ").append(setupMsg);
            return false;
        }
        if (wantError != null) {
            if (status == 0 || !wantError.equals(MedBenefit.statusName(status))) {
                why.append("\n    error: expected ").append(wantError).append(", got ")
                        .append(status == 0 ? "success" : MedBenefit.statusName(status))
                        .append(status == 0 ? "" : ": ").append(status == 0 ? "" : msg);
                return false;
            }
            return true;
        }
        if (status != 0) {
            why.append("\n    error: ").append(MedBenefit.statusName(status)).append(": ").append(msg);
            return false;
        }
        boolean pass = true;
        if (x != null) {
            pass &= expectAmount("fund_pay", x.str("fund_pay"), r.fen(Amount.FUND_PAY_SUMAMT), why);
            pass &= expectAmount("basic", x.str("basic"), r.fen(Amount.HIFP_PAY), why);
            pass &= expectAmount("large_amount", x.str("large_amount"), r.fen(Amount.HIFOB_PAY), why);
            pass &= expectAmount("critical_illness", x.str("critical_illness"), r.fen(Amount.HIFMI_PAY), why);
            pass &= expectAmount("assistance", x.str("assistance"), r.fen(Amount.MAF_PAY), why);
            pass &= expectAmount("acct_pay", x.str("acct_pay"), r.fen(Amount.ACCT_PAY), why);
            pass &= expectAmount("cash_pay", x.str("cash_pay"), r.fen(Amount.PSN_CASH_PAY), why);
            pass &= expectAmount("deductible", x.str("deductible"), r.fen(Amount.ACT_PAY_DEDC), why);
            pass &= expectCites(x.objs("cites"), r.trace(), why);
            if (!isNullStrict(x.str("covered"))) {
                boolean want = x.str("covered").equals("true");
                if (want != r.covered()) {
                    pass = false;
                    why.append("\n    covered: expected ").append(want).append(", got ").append(r.covered())
                            .append(r.covered() ? "" : " — ").append(r.covered() ? "" : r.reason());
                }
            }
        }
        // the contract: funds + account + cash = total, always
        long fund = r.fen(Amount.FUND_PAY_SUMAMT), acct = r.fen(Amount.ACCT_PAY), cash = r.fen(Amount.PSN_CASH_PAY);
        long total = r.fen(Amount.MEDFEE_SUMAMT);
        if (fund + acct + cash != total) {
            pass = false;
            why.append("\n    fund_pay + acct_pay + cash_pay != total (").append(fund).append(" + ").append(acct)
                    .append(" + ").append(cash).append(" != ").append(total).append(" fen)");
        }
        return pass;
    }

    /** Each expected citation: a trace step of that rule citing exactly that clause, as
     *  tools/medbenefit.c check_cites() checks it. */
    private static boolean expectCites(List<ScenarioFile.Obj> cites, List<TraceStep> trace, StringBuilder why) {
        boolean pass = true;
        for (int i = 0; i < cites.size(); i++) {
            String rule = cites.get(i).str("rule"), cite = cites.get(i).str("cite");
            if (isNull(rule) || isNull(cite)) {
                why.append("\n    cites[").append(i).append("]: rule and cite are required");
                pass = false;
                continue;
            }
            List<String> got = new ArrayList<>();
            for (TraceStep step : trace)
                if (step.rule().equals(rule))
                    got.add("'" + step.cite() + "'");
            if (got.contains("'" + cite + "'"))
                continue;
            pass = false;
            why.append("\n    cites ").append(rule).append(got.isEmpty()
                    ? ": no step of this rule in the trace"
                    : ": expected '" + cite + "', got " + String.join(" | ", got));
        }
        return pass;
    }

    private static boolean expectAmount(String field, String expected, long got, StringBuilder why) {
        if (isNullStrict(expected))
            return true;
        long want;
        try {
            want = MedBenefit.parseAmount(expected).movePointRight(2).longValueExact();
        } catch (MedBenefitException e) {
            why.append("\n    ").append(field).append(": expected value '").append(expected)
                    .append("' is not an amount");
            return false;
        }
        if (want == got)
            return true;
        why.append("\n    ").append(field).append(": expected ").append(yuan(want)).append(", got ")
                .append(yuan(got));
        return false;
    }

    // ---- building objects, as tools/scenario.c does ------------------------------------------------

    /** tools/scenario.c is_null(): absent, "null", "~" or "". */
    static boolean isNull(String s) {
        return s == null || s.equals("null") || s.equals("~") || s.isEmpty();
    }

    /** tools/medbenefit.c is_null(): absent, "null" or "~" (an empty value is checked). */
    static boolean isNullStrict(String s) {
        return s == null || s.equals("null") || s.equals("~");
    }

    private static LocalDate date(String text, String what) throws Fail {
        try {
            return MedBenefit.parseDate(text);
        } catch (MedBenefitException e) {
            throw new Fail(e.status(), what + ": " + e.libraryMessage());
        }
    }

    private static BigDecimal amount(String text, String what) throws Fail {
        try {
            return MedBenefit.parseAmount(text);
        } catch (MedBenefitException e) {
            throw new Fail(e.status(), what + ": " + e.libraryMessage());
        }
    }

    private static boolean flag(String text, String what, boolean dflt) throws Fail {
        if (isNull(text))
            return dflt;
        if (text.equals("true"))
            return true;
        if (text.equals("false"))
            return false;
        throw new Fail(MB_E_INVALID_ARGUMENT, what + ": expected true or false, got '" + text + "'");
    }

    @FunctionalInterface
    private interface Call {
        void run() throws MedBenefitException;
    }

    /** A library call while building: its failure becomes "<prefix><library message>". */
    private static void call(String prefix, Call c) throws Fail {
        try {
            c.run();
        } catch (MedBenefitException e) {
            throw new Fail(e.status(), prefix + e.libraryMessage());
        }
    }

    /** An enrollee as tools/scenario.c build_enrollee() makes it: accumulators seeded checked
     *  against the rulesets they name, found through the runner's cache. */
    private Enrollee buildEnrollee(ScenarioFile.Obj se, List<Ruleset> rulesets) throws Fail {
        if (se == null)
            throw new Fail(MB_E_INVALID_ARGUMENT, "the scenario has claims but no enrollee");
        if (isNull(se.str("scheme")))
            throw new Fail(MB_E_INVALID_ARGUMENT, "enrollee: scheme is required");
        Enrollee.Scheme scheme;
        try {
            scheme = Enrollee.Scheme.parse(se.str("scheme"));
        } catch (MedBenefitException e) {
            throw new Fail(e.status(), "enrollee: unknown scheme '" + se.str("scheme") + "'");
        }
        Enrollee.PersonType person = null;
        if (!isNull(se.str("person_type"))) {
            try {
                person = Enrollee.PersonType.parse(se.str("person_type"));
            } catch (MedBenefitException e) {
                throw new Fail(e.status(), "enrollee: unknown person_type '" + se.str("person_type") + "'");
            }
        }
        Enrollee.PersonType pt = person;
        Enrollee[] made = new Enrollee[1];
        call("enrollee: ", () -> made[0] = Enrollee.create(se.str("id"), scheme, pt));
        Enrollee e = made[0];
        boolean ok = false;
        try {
            if (!isNull(se.str("account_balance"))) {
                BigDecimal b = amount(se.str("account_balance"), "enrollee.account_balance");
                call("enrollee: ", () -> e.setAccountBalance(b));
            }
            if (!isNull(se.str("designated_facility")))
                call("enrollee: ", () -> e.setDesignatedFacility(se.str("designated_facility")));
            if (!isNull(se.str("first_visit_facility")))
                call("enrollee: ", () -> e.setFirstVisitFacility(se.str("first_visit_facility")));
            int i = 0;
            for (ScenarioFile.Obj d : se.objs("diseases")) {
                String dname = !isNull(d.str("code")) ? d.str("code") : d.str("name");
                if (isNull(dname) || isNull(d.str("certified_on")))
                    throw new Fail(MB_E_INVALID_ARGUMENT,
                            "enrollee.diseases[" + i + "]: name (or code) and certified_on are required");
                LocalDate on = date(d.str("certified_on"), "certified_on");
                LocalDate until = isNull(d.str("valid_until")) ? null : date(d.str("valid_until"), "valid_until");
                call("enrollee: ", () -> e.addDisease(dname, on, until));
                i++;
            }
            i = 0;
            for (ScenarioFile.Obj a : se.objs("assistance")) {
                if (isNull(a.str("from")) || isNull(a.str("category")))
                    throw new Fail(MB_E_INVALID_ARGUMENT,
                            "enrollee.assistance[" + i + "]: category and from are required");
                LocalDate from = date(a.str("from"), "from");
                LocalDate to = isNull(a.str("to")) ? null : date(a.str("to"), "to");
                call("enrollee: ", () -> e.addAssistance(a.str("category"), from, to));
                i++;
            }
            if (!isNull(se.str("birth_date"))) {
                LocalDate born = date(se.str("birth_date"), "enrollee.birth_date");
                call("enrollee: ", () -> e.setBirthDate(born));
            }
            i = 0;
            for (ScenarioFile.Obj a : se.objs("identities")) {
                if (isNull(a.str("from")) || isNull(a.str("name")))
                    throw new Fail(MB_E_INVALID_ARGUMENT, "enrollee.identities[" + i + "]: name and from are required");
                if (rulesets.isEmpty())
                    throw new Fail(MB_E_INVALID_ARGUMENT, "enrollee.identities[" + i + "]: the scenario names no ruleset");
                LocalDate from = date(a.str("from"), "from");
                LocalDate to = isNull(a.str("to")) ? null : date(a.str("to"), "to");
                // the first of the scenario's rulesets whose groups know the name records it
                for (int k = 0; k < rulesets.size(); k++) {
                    Ruleset rs = rulesets.get(k);
                    try {
                        e.addIdentity(rs, a.str("name"), from, to);
                        break;
                    } catch (MedBenefitException x) {
                        if (x.status() != MB_E_UNKNOWN_CODE || k + 1 == rulesets.size())
                            throw new Fail(x.status(), "enrollee: " + x.libraryMessage());
                    }
                }
                i++;
            }
            i = 0;
            for (ScenarioFile.Obj s : se.objs("accumulators")) {
                if (isNull(s.str("ruleset")) || isNull(s.str("key")) || isNull(s.str("period"))
                        || isNull(s.str("amount")))
                    throw new Fail(MB_E_INVALID_ARGUMENT, "enrollee.accumulators[" + i
                            + "]: ruleset, key, period and amount are required");
                Integer period = ScenarioFile.int32(s.str("period"));
                if (period == null)
                    throw new Fail(MB_E_INVALID_DATE, "enrollee.accumulators[" + i + "].period: '" + s.str("period")
                            + "' is not a period: a year (2023) or a quarter (20232), in digits");
                BigDecimal yuan = amount(s.str("amount"), "accumulators.amount");
                // checked against the ruleset, so that a misspelt key is an error, not a figure
                // that no settlement reads
                Ruleset[] rs = new Ruleset[1];
                call("enrollee: ", () -> rs[0] = ruleset(s.str("ruleset")));
                call("enrollee: ", () -> e.seed(rs[0], s.str("key"), period, yuan));
                i++;
            }
            ok = true;
            return e;
        } finally {
            if (!ok)
                e.close();
        }
    }

    private static Claim buildClaim(ScenarioFile.Obj sc) throws Fail {
        if (isNull(sc.str("date")) || isNull(sc.str("med_type")))
            throw new Fail(MB_E_INVALID_ARGUMENT, "date and med_type are required");
        LocalDate date = date(sc.str("date"), "date");
        Claim.MedType med;
        try {
            med = Claim.MedType.parse(sc.str("med_type"));
        } catch (MedBenefitException e) {
            throw new Fail(e.status(), "unknown med_type '" + sc.str("med_type") + "'");
        }
        Claim.Level level = Claim.Level.PRIMARY;
        String fac = null;
        ScenarioFile.Obj f = sc.obj("facility");
        if (f != null) {
            fac = f.str("id");
            if (!isNull(f.str("level"))) {
                try {
                    level = Claim.Level.parse(f.str("level"));
                } catch (MedBenefitException e) {
                    throw new Fail(e.status(), "unknown facility level '" + f.str("level") + "'");
                }
            }
        } else if (med == Claim.MedType.PHARMACY) {
            level = Claim.Level.PHARMACY;
        }
        Claim[] made = new Claim[1];
        String facility = fac;
        Claim.Level lvl = level;
        call("", () -> made[0] = Claim.create(sc.str("id"), date, med, facility, lvl));
        Claim c = made[0];
        boolean ok = false;
        try {
            if (f != null && !isNull(f.str("category")))
                call("", () -> c.setFacilityCategory(f.str("category")));
            EnumSet<Claim.Flag> flags = EnumSet.noneOf(Claim.Flag.class);
            if (flag(sc.str("referral"), "referral", false))
                flags.add(Claim.Flag.REFERRAL);
            if (flag(sc.str("emergency"), "emergency", false))
                flags.add(Claim.Flag.EMERGENCY);
            if (flag(sc.str("out_of_area"), "out_of_area", false))
                flags.add(Claim.Flag.OUT_OF_AREA);
            if (flag(sc.str("designated_specialty"), "designated_specialty", false))
                flags.add(Claim.Flag.DESIGNATED_SPECIALTY);
            if (!flag(sc.str("in_province"), "in_province", true))
                flags.add(Claim.Flag.OUT_OF_PROVINCE);
            call("", () -> c.setFlags(flags));
            if (!isNull(sc.str("disease"))) {
                String treatment = isNull(sc.str("treatment")) ? null : sc.str("treatment");
                call("", () -> c.setDisease(sc.str("disease"), treatment));
            }
            if (!isNull(sc.str("admitted")) || !isNull(sc.str("discharged"))) {
                if (isNull(sc.str("admitted")) || isNull(sc.str("discharged")))
                    throw new Fail(MB_E_INVALID_DATE, "admitted and discharged go together");
                LocalDate a = date(sc.str("admitted"), "admitted");
                LocalDate d = date(sc.str("discharged"), "discharged");
                call("", () -> c.setAdmission(a, d));
            }
            ScenarioFile.Obj p = sc.obj("prescribed_by");
            if (p != null) {
                Claim.Level plevel;
                try {
                    plevel = isNull(p.str("level")) ? Claim.Level.PRIMARY : Claim.Level.parse(p.str("level"));
                } catch (MedBenefitException e) {
                    throw new Fail(e.status(), "unknown prescriber level '" + p.str("level") + "'");
                }
                call("", () -> c.setPrescriber(p.str("id"), plevel));
            }
            int i = 0;
            for (ScenarioFile.Obj it : sc.objs("items")) {
                if (isNull(it.str("amount")))
                    throw new Fail(MB_E_INVALID_ARGUMENT, "items[" + i + "]: amount is required");
                BigDecimal amt = amount(it.str("amount"), "item amount");
                Claim.ItemClass cls;
                try {
                    cls = Claim.ItemClass.parse(isNull(it.str("class")) ? "A" : it.str("class"));
                } catch (MedBenefitException e) {
                    throw new Fail(e.status(), "items[" + i + "]: unknown class '" + it.str("class") + "'");
                }
                int bp = -1;
                if (!isNull(it.str("first_selfpay_ratio"))) {
                    try {
                        bp = MedBenefit.parseRatio(it.str("first_selfpay_ratio"));
                    } catch (MedBenefitException e) {
                        throw new Fail(e.status(), e.libraryMessage());
                    }
                }
                int ratio = bp;
                call("", () -> c.addItem(amt, cls, ratio));
                i++;
            }
            ScenarioFile.Obj u = sc.obj("upstream");
            if (u != null) {
                if (isNull(u.str("compliant")))
                    throw new Fail(MB_E_INVALID_ARGUMENT, "upstream: compliant is required");
                BigDecimal comp = amount(u.str("compliant"), "upstream.compliant");
                BigDecimal basic = isNull(u.str("basic")) ? BigDecimal.ZERO : amount(u.str("basic"), "upstream.basic");
                BigDecimal ci = isNull(u.str("critical_illness")) ? null
                        : amount(u.str("critical_illness"), "upstream.critical_illness");
                call("", () -> c.setUpstream(comp, basic, ci));
                if (!isNull(u.str("assistance"))) {
                    BigDecimal assistance = amount(u.str("assistance"), "upstream.assistance");
                    call("", () -> c.setUpstreamAssistance(assistance));
                }
            }
            ok = true;
            return c;
        } finally {
            if (!ok)
                c.close();
        }
    }

    // ---- output, as tools/medbenefit.c and tools/report.c print it ---------------------------------

    /** tools/scenario.c yuan(): fen as "12.34". */
    static String yuan(long fen) {
        return BigDecimal.valueOf(fen, 2).toPlainString();
    }

    /** The PASS/FAIL line of a claim, as {@code medbenefit check} prints it. */
    public static String checkLine(ClaimResult c) {
        return (c.pass() ? "PASS " : "FAIL ") + c.file() + " [" + c.scenario() + "] " + c.claimId()
                + (c.pass() ? "" : c.why());
    }

    /** The JSON line of a claim, as {@code medbenefit settle} prints it (tools/report.c). */
    public static String jsonLine(ClaimResult c) {
        StringBuilder b = new StringBuilder("{\"scenario\":");
        jsonString(b, c.scenario());
        b.append(",\"claim_id\":");
        jsonString(b, c.claimId());
        if (c.status() != 0) {
            b.append(",\"error\":");
            jsonString(b, MedBenefit.statusName(c.status()));
            b.append(",\"message\":");
            jsonString(b, c.message());
            return b.append('}').toString();
        }
        Settlement.Snapshot r = c.settlement();
        b.append(",\"setlinfo\":{");
        for (Amount a : Amount.values())
            b.append(a.ordinal() == 0 ? "" : ",").append('"').append(a.fieldName()).append("\":")
                    .append(yuan(r.fen(a)));
        b.append("},\"setldetail\":[");
        int i = 0;
        for (FundRow row : r.funds()) {
            b.append(i++ == 0 ? "" : ",").append("{\"fund_pay_type\":");
            jsonString(b, row.fundPayType());
            b.append(",\"fund_pay_type_name\":");
            jsonString(b, row.fundName());
            b.append(",\"inscp_scp_amt\":").append(row.inscpScpAmt().toPlainString());
            b.append(",\"fund_payamt\":").append(row.fundPayamt().toPlainString());
            b.append(",\"crt_payb_lmt_amt\":")
                    .append(row.crtPaybLmtAmt() == null ? "null" : row.crtPaybLmtAmt().toPlainString()).append('}');
        }
        b.append("],\"covered\":").append(r.covered()).append(",\"reason\":");
        jsonString(b, r.reason());
        return b.append('}').toString();
    }

    private static void jsonString(StringBuilder b, String s) {
        b.append('"');
        if (s != null) {
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                if (ch == '"' || ch == '\\')
                    b.append('\\').append(ch);
                else if (ch == '\n')
                    b.append("\\n");
                else if (ch < 0x20)
                    b.append(String.format("\\u%04x", (int) ch));
                else
                    b.append(ch);
            }
        }
        b.append('"');
    }

    // ---- the commands ------------------------------------------------------------------------------

    /** {@code medbenefit check}: PASS/FAIL per claim, then "N passed, N failed". Exit 0 only when all pass. */
    public int check(List<String> files, PrintStream out) {
        int passed = 0, failed = 0;
        for (String f : files) {
            FileResult r = run(Path.of(f.equals("-") ? "-" : f), f);
            if (r.loadError() != null) {
                out.println("FAIL " + f + " [-] -\n    " + r.loadError());
                failed++;
                continue;
            }
            for (ClaimResult c : r.claims()) {
                out.println(checkLine(c));
                if (c.pass())
                    passed++;
                else
                    failed++;
            }
        }
        out.println(passed + " passed, " + failed + " failed");
        return failed == 0 ? 0 : 1;
    }

    /** {@code medbenefit settle}: one JSON object per claim. Exit 1 if a claim failed, 2 if a file was unreadable. */
    public int settle(List<String> files, PrintStream out, PrintStream err) {
        int failed = 0, unreadable = 0;
        for (String f : files) {
            FileResult r = run(Path.of(f), f);
            if (r.loadError() != null) {
                err.println("medbenefit: " + r.loadError());
                failed++;
                unreadable++;
                continue;
            }
            for (ClaimResult c : r.claims()) {
                if (c.assessment())
                    continue;
                out.println(jsonLine(c));
                if (c.status() != 0)
                    failed++;
            }
        }
        return unreadable > 0 ? 2 : failed > 0 ? 1 : 0;
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        if (args.length < 1 || !(args[0].equals("check") || args[0].equals("settle"))) {
            err.println("usage: ScenarioRunner check|settle [--rulesets DIR] FILE...");
            System.exit(2);
        }
        Path dir = Path.of("rulesets");
        List<String> files = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--rulesets") && i + 1 < args.length)
                dir = Path.of(args[++i]);
            else
                files.add(args[i]);
        }
        if (files.isEmpty()) {
            err.println("ScenarioRunner " + args[0] + ": no files given");
            System.exit(2);
        }
        int rc;
        try (ScenarioRunner r = new ScenarioRunner(dir)) {
            rc = args[0].equals("check") ? r.check(files, out) : r.settle(files, out, err);
        }
        out.flush();
        System.exit(rc);
    }
}
