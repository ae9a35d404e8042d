/* Certification: the criteria rule language, certifying under lifecycle rules, a
 * certification's state on a date, and the designated facility's change window. */
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "medbenefit.h"

/* A small ruleset: criteria written as 焦医保〔2021〕97号 二 writes them, a two-disease limit,
 * an exclusive pair with a renewable side, a 12-month idle revocation, a change window, and a
 * stent valid one year from the month certified (焦医保〔2021〕97号 一（二）, 三（五）). */
static const char RULESET[] =
    "id: cert-test\n"
    "title: t\n"
    "document: d\n"
    "tier: basic\n"
    "effective_from: 2022-01-01\n"
    "designated_facility: {change_from: 11-01, change_to: 12-20, cite: c}\n"
    "funds: [{key: pool, employee: '310100', resident: '390100', name: n, amount: hifp_pay}]\n"
    "catalogue_rules:\n"
    "  max_diseases: {value: 2, cite: c}\n"
    "  start: {value: next_month, cite: c}\n"
    "  revoke_after_idle_months: {value: 12, cite: c}\n"
    "  exclusive_pairs: [{a: 透析, b: 肾移植, renewable: 肾移植, cite: pair}]\n"
    "catalogue:\n"
    "  - code: A1\n"
    "    name: 急性脑血管病后遗症\n"
    "    criteria:\n"
    "      rule: all(1, 2, any(3-6))\n"
    "      cite: 二（四）\n"
    "      items: [{n: '1', text: 病史}, {n: '2', text: 影像证实}, {n: '3', text: 肢体},\n"
    "              {n: '4', text: 球麻痹}, {n: '5', text: 智能}, {n: '6', text: 自理}]\n"
    "  - code: A2\n"
    "    name: 系统性红斑狼疮\n"
    "    criteria:\n"
    "      rule: 'all(atleast(4: 1-11), atleast(2: 1-7), atleast(2: 8-11))'\n"
    "      items: [{n: '1'}, {n: '2'}, {n: '3'}, {n: '4'}, {n: '5'}, {n: '6'}, {n: '7'},\n"
    "              {n: '8'}, {n: '9'}, {n: '10'}, {n: '11'}]\n"
    "  - code: A3\n"
    "    name: 糖尿病\n"
    "    criteria:\n"
    "      rule: all(1, 3, 2)\n"
    "      items:\n"
    "        - {n: '1', text: 确诊}\n"
    "        - n: '2'\n"
    "          text: 并发症\n"
    "          items: [{n: '2.1', text: 心血管}, {n: '2.2', text: 肾病}]\n"
    "        - {n: '3', text: 血糖}\n"
    "  - code: A4\n"
    "    name: 慢性肺源性心脏病\n"
    "    criteria:\n"
    "      rule: all(1, 3)\n"
    "      items:\n"
    "        - {n: '1', text: 病史}\n"
    "        - n: '3'\n"
    "          text: 诊断依据\n"
    "          items:\n"
    "            - n: '3.2'\n"
    "              text: X线\n"
    "              rule: 'any(atleast(2: 3.2.1-3.2.4), 3.2.5)'\n"
    "              items: [{n: '3.2.1'}, {n: '3.2.2'}, {n: '3.2.3'}, {n: '3.2.4'}, {n: '3.2.5'}]\n"
    "  - {code: A5, name: 透析}\n"
    "  - {code: A6, name: 肾移植}\n"
    "  - {code: A7, name: 支架术后, start: same_month, valid_months: 12}\n"
    "layers:\n"
    "  - {id: chronic, cite: c, med_types: [chronic], requires: [certified_disease,\n"
    "     designated_facility], fund: pool, ratio: [{all: 80%}]}\n"
    "account: {value: last, cite: c}\n"
    "class_b_first_selfpay: {value: 10%, cite: c}\n";

static int assess(const mb_ruleset *rs, const char *disease, const char *const *f, size_t n,
                  const char **unmet, mb_error *err)
{
    int certified = -1;
    const char *cite;
    int rc = mb_assess(rs, disease, f, n, &certified, unmet, &cite, err);
    return rc == MB_OK ? certified : rc;
}

static void criteria_as_the_document_numbers_them(const mb_ruleset *rs, mb_error *err)
{
    const char *unmet = NULL;
    /* 第1、2条为必备条件，且第3、4、5、6条至少具备一条 */
    CHECK(assess(rs, "急性脑血管病后遗症", (const char *[]){"1", "2", "5"}, 3, &unmet, err) == 1,
          "items 1, 2 and one of 3-6");
    CHECK(assess(rs, "急性脑血管病后遗症", (const char *[]){"1", "5"}, 2, &unmet, err) == 0,
          "item 2 missing");
    CHECK(strcmp(unmet, "影像证实") == 0, "the first unmet requirement is item 2's text");
    CHECK(assess(rs, "急性脑血管病后遗症", (const char *[]){"1", "2"}, 2, &unmet, err) == 0,
          "none of 3-6");
    CHECK(strcmp(unmet, "第3、4、5、6条至少具备1条") == 0, "a group is described as the document does");
    /* 4 of 11, 2 among 1-7 and 2 among 8-11 */
    CHECK(assess(rs, "A2", (const char *[]){"1", "2", "8", "9"}, 4, &unmet, err) == 1, "4 items, 2+2");
    CHECK(assess(rs, "A2", (const char *[]){"1", "2", "3", "8"}, 4, &unmet, err) == 0,
          "4 items but only one among 8-11");
    CHECK(strcmp(unmet, "第8、9、10、11条至少具备2条") == 0, "the unmet group is 8-11");
    /* a parent met through its sub-items (any one by default), or listed itself */
    CHECK(assess(rs, "糖尿病", (const char *[]){"1", "2.2", "3"}, 3, &unmet, err) == 1, "via 2.2");
    CHECK(assess(rs, "糖尿病", (const char *[]){"1", "2", "3"}, 3, &unmet, err) == 1, "2 listed");
    CHECK(assess(rs, "糖尿病", (const char *[]){"1", "3"}, 2, &unmet, err) == 0, "no complication");
    CHECK(strcmp(unmet, "并发症") == 0, "item 2 unmet");
    /* three levels: ⑤ alone, or two of ①-④ */
    CHECK(assess(rs, "A4", (const char *[]){"1", "3.2.5"}, 2, &unmet, err) == 1, "point 5 alone");
    CHECK(assess(rs, "A4", (const char *[]){"1", "3.2.1", "3.2.3"}, 3, &unmet, err) == 1, "two of 1-4");
    CHECK(assess(rs, "A4", (const char *[]){"1", "3.2.1"}, 2, &unmet, err) == 0, "one of 1-4");
    CHECK(strcmp(unmet, "诊断依据") == 0,
          "an item whose sub-items' rule is unmet is reported by its own text");
    CHECK_RC(assess(rs, "A4", (const char *[]){"9"}, 1, &unmet, err), MB_E_INVALID_ARGUMENT,
             "a finding that is no item");
    CHECK_RC(assess(rs, "透析", (const char *[]){"1"}, 1, &unmet, err), MB_E_NOT_FOUND,
             "a disease without criteria");
    CHECK_RC(assess(rs, "感冒", (const char *[]){"1"}, 1, &unmet, err), MB_E_UNKNOWN_DISEASE,
             "a disease not in the catalogue");

    /* rules that cannot be right are refused at load, with the line */
    static const char bad[] =
        "id: b\ntitle: t\ndocument: d\ntier: basic\neffective_from: 2022-01-01\n"
        "funds: [{key: p, employee: '310100', name: n, amount: hifp_pay}]\n"
        "catalogue:\n  - code: X\n    name: x\n    criteria:\n      rule: 'atleast(3: 1-2)'\n"
        "      items: [{n: '1'}, {n: '2'}]\n"
        "layers: [{id: l, cite: c, med_types: [chronic], fund: p, ratio: [{all: 1%}]}]\n";
    mb_ruleset *rs2 = NULL;
    CHECK_RC(mb_ruleset_load_buffer(&rs2, bad, sizeof bad - 1, "b.yaml", err), MB_E_RULESET,
             "atleast(3) over two items can never be met");
    CHECK(mb_error_line(err) == 11, "the rule's line");
}

/* ---- the rule language's refusals ---------------------------------------------------------- */

/* A ruleset whose one disease X has `rule` over `items` (YAML flow), loaded into *out. */
static int load_criteria(const char *rule, const char *items, mb_ruleset **out, mb_error *err)
{
    static char text[1 << 16];
    int n = snprintf(text, sizeof text,
                     "id: crit\ntitle: t\ndocument: d\ntier: basic\neffective_from: 2022-01-01\n"
                     "funds: [{key: p, employee: '310100', name: n, amount: hifp_pay}]\n"
                     "account: {value: last, cite: c}\n"
                     "class_b_first_selfpay: {value: 10%%, cite: c}\n"
                     "catalogue:\n  - code: X\n    name: x\n    criteria:\n      rule: '%s'\n"
                     "      items: %s\n"
                     "layers: [{id: l, cite: c, med_types: [chronic], fund: p, ratio: [{all: 1%%}]}]\n",
                     rule, items);
    *out = NULL;
    return n > 0 && (size_t)n < sizeof text
               ? mb_ruleset_load_buffer(out, text, (size_t)n, "crit.yaml", err)
               : MB_E_INVALID_ARGUMENT;
}

/* "[{n: '1'}, {n: '2'}, ...]" for items 1..count, each number written `digits` wide. */
static const char *numbered_items(int count, int digits)
{
    static char buf[1 << 15];
    size_t len = (size_t)snprintf(buf, sizeof buf, "[");
    for (int i = 1; i <= count; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s{n: '%0*d'}", i > 1 ? ", " : "",
                                digits, i);
    snprintf(buf + len, sizeof buf - len, "]");
    return buf;
}

static void rules_that_cannot_be_right_are_refused(mb_error *err)
{
    static const char two[] = "[{n: '1'}, {n: '2'}]";
    static const char nested[] = "[{n: '1'}, {n: '2', items: [{n: '2.1'}, {n: '2.2'}]}]";
    static const struct {
        const char *rule, *items, *message, *key;
    } refused[] = {
        {"1-", two, "expected an item number after '-'", "rule"},
        {"all(x)", two, "expected an item number at 'x)'", "rule"},
        {"9", two, "item '9' is not among the listed items", "rule"},
        {"1-9", two, "item '9' is not among the listed items", "rule"},
        {"1-12", two, "item '12' is not among the listed items", "rule"},
        {"2-1", two, "range 2-1 must run forward under one parent", "rule"},
        {"1-2.1", nested, "range 1-2.1 must run forward under one parent", "rule"},
        {"all(1 2)", two, "expected ',' or ')' at '2)'", "rule"},
        {"atleast(0: 1, 2)", two, "atleast(0: …) over 2 terms can never be met", "rule"},
        {"atleast(x: 1)", two, "atleast needs 'N:' first, as in atleast(2: 1-7)", "rule"},
        {"atleast(2 1, 2)", two, "atleast needs 'N:' first", "rule"},
        {"all(1, 2) 3", two, "unexpected '3' after the rule", "rule"},
        {"1.", two, "unexpected '.' after the rule", "rule"},
        {"1./", two, "unexpected './' after the rule", "rule"},
        {"1.a", two, "unexpected '.a' after the rule", "rule"},
        {"1", "[{n: '1', rule: '1'}]", "item 1 has a rule but no sub-items", "rule"},
        {"1", "[{n: '1'}, {n: '1'}]", "item '1' is listed twice", "items"},
        {"1", "[{n: '1a'}]", "item number '1a' is not like 3, 2.1 or 3.2.5", "items"},
    };
    int right = 0;
    mb_ruleset *rs = NULL;
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        int rc = load_criteria(refused[i].rule, refused[i].items, &rs, err);
        if (rc == MB_E_RULESET && rs == NULL && strstr(mb_error_message(err), refused[i].message) &&
            strstr(mb_error_key(err), refused[i].key) && mb_error_line(err) > 0)
            right++;
        else
            fprintf(stderr, "  rule '%s': %s: %s (key %s)\n", refused[i].rule, mb_status_name(rc),
                    mb_error_message(err), mb_error_key(err));
        mb_ruleset_free(rs);
    }
    CHECK(right == (int)(sizeof refused / sizeof refused[0]),
          "each rule that cannot be right is refused at load, saying why, at its line and key");

    /* 256 items at most, in all; 64 terms in a group at most, a range counting each item */
    CHECK_RC(load_criteria("1", numbered_items(257, 3), &rs, err), MB_E_RULESET, "257 items");
    CHECK(strstr(mb_error_message(err), "more than 256 criteria items") != NULL, "too many items");
    static char deep[1 << 15];
    snprintf(deep, sizeof deep, "[{n: '1', items: %s}]", numbered_items(256, 3));
    CHECK_RC(load_criteria("1", deep, &rs, err), MB_E_RULESET, "256 sub-items and their parent");
    CHECK(strstr(mb_error_message(err), "more than 256 criteria items") != NULL,
          "sub-items count towards the 256");
    CHECK_RC(load_criteria("any(1-65)", numbered_items(65, 1), &rs, err), MB_E_RULESET,
             "a range of 65 items in one group");
    CHECK(strstr(mb_error_message(err), "more than 64 terms in a group") != NULL, "65 terms");
    CHECK_RC(load_criteria("any(1-64, all(1))", numbered_items(64, 1), &rs, err), MB_E_RULESET,
             "64 items and a group after them");
    CHECK(strstr(mb_error_message(err), "more than 64 terms in a group") != NULL, "65 terms again");

    /* atleast(1: …) is any(…) */
    CHECK_RC(load_criteria("atleast(1: 1, 2)", "[{n: '1'}, {n: '2'}]", &rs, err), MB_OK,
             "at least one of two");
    CHECK(assess(rs, "x", (const char *[]){"2"}, 1, NULL, err) == 1, "met by either");
    mb_ruleset_free(rs);

    /* sub-items numbered to 9 */
    CHECK_RC(load_criteria("all(1, any(2.8, 2.9))",
                           "[{n: '1'}, {n: '2', items: [{n: '2.8'}, {n: '2.9'}]}]", &rs, err),
             MB_OK, "a rule naming item 2.9");
    CHECK(assess(rs, "x", (const char *[]){"1", "2.9"}, 2, NULL, err) == 1, "met through 2.9");
    mb_ruleset_free(rs);

    /* groups of 60 items each, 183 terms in all: the rule's tables grow as it is read, and it
     * is assessed as written (one of each sixty) */
    CHECK_RC(load_criteria("all(any(1-60), any(61-120), any(121-180))", numbered_items(180, 1), &rs,
                           err),
             MB_OK, "three groups of sixty");
    const char *unmet = NULL;
    CHECK(assess(rs, "x", (const char *[]){"5", "70", "180"}, 3, &unmet, err) == 1,
          "one of each group");
    CHECK(assess(rs, "x", (const char *[]){"1", "60", "61", "120"}, 4, &unmet, err) == 0,
          "none of the third group");
    CHECK(unmet != NULL && strncmp(unmet, "第121、122、", strlen("第121、122、")) == 0,
          "the third group is the one unmet");
    mb_ruleset_free(rs);
}

/* What a rule's parts are called when one is unmet (the document's words: 第1、2条须同时具备), a
 * bare range meaning all of it, and tabs where spaces are. */
static void unmet_parts_are_described(mb_error *err)
{
    mb_ruleset *rs = NULL;
    const char *unmet = NULL;
    CHECK_RC(load_criteria("1-2", "[{n: '1'}, {n: '2'}, {n: '3'}]", &rs, err), MB_OK,
             "a bare range");
    CHECK(assess(rs, "X", (const char *[]){"1", "2"}, 2, &unmet, err) == 1, "1-2: both");
    CHECK(assess(rs, "X", (const char *[]){"1", "3"}, 2, &unmet, err) == 0, "1-2 needs 2 too");
    CHECK(strcmp(unmet, "2") == 0, "item 2, named by its number when it has no text");
    mb_ruleset_free(rs);
    CHECK_RC(load_criteria("any(1,\t all(2,3))", "[{n: '1'}, {n: '2'}, {n: '3'}]", &rs, err),
             MB_OK, "a tab is a space");
    CHECK(assess(rs, "X", (const char *[]){"2"}, 1, &unmet, err) == 0, "neither 1 nor 2 and 3");
    CHECK(strcmp(unmet, "以下2项至少满足1项") == 0, "a group of groups: how many of its parts");
    mb_ruleset_free(rs);
    CHECK_RC(load_criteria("all(any(1, 2), 3)", "[{n: '1'}, {n: '2'}, {n: '3'}]", &rs, err),
             MB_OK, "all of a group and an item");
    CHECK(assess(rs, "X", (const char *[]){"3"}, 1, &unmet, err) == 0, "neither 1 nor 2");
    CHECK(strcmp(unmet, "第1、2条至少具备1条") == 0, "all(...) names its first unmet part");
    mb_ruleset_free(rs);
    /* three groups of 40: more children than the first room made for them (64 + 40) */
    CHECK_RC(load_criteria("all(any(1-40), any(1-40), atleast(40: 1-40))", numbered_items(40, 1),
                           &rs, err),
             MB_OK, "120 children in all");
    CHECK(assess(rs, "X", (const char *[]){"7"}, 1, &unmet, err) == 0, "one item of forty");
    CHECK(strncmp(unmet, "第1、2、3、", strlen("第1、2、3、")) == 0 &&
              strstr(unmet, "条至少具备40条") != NULL,
          "the third group, atleast(40), is what is unmet");
    mb_ruleset_free(rs);
    /* 60 items of 9 digits: "第000000001、000000002、…、000000060条至少具备60条", whole: 3 bytes
     * of 第, 60 numbers of 9, 59 、 of 3, and 条至少具备60条's 20: 740 bytes */
    CHECK_RC(load_criteria("atleast(60: 1-60)", numbered_items(60, 9), &rs, err), MB_E_RULESET,
             "items are found by number: 1 is not 000000001");
    static char rule[64];
    snprintf(rule, sizeof rule, "atleast(60: %09d-%09d)", 1, 60);
    CHECK_RC(load_criteria(rule, numbered_items(60, 9), &rs, err), MB_OK, "60 long numbers");
    CHECK(assess(rs, "X", (const char *[]){"000000001"}, 1, &unmet, err) == 0, "59 missing");
    CHECK(strncmp(unmet, "第000000001、000000002", strlen("第000000001、000000002")) == 0 &&
              strlen(unmet) == 740 && strstr(unmet, "、000000060条至少具备60条") == unmet + 740 - 32,
          "the description names every item, however long");
    mb_ruleset_free(rs);
}

static void limit_pairs_and_revocation(const mb_ruleset *rs, mb_error *err)
{
    mb_enrollee *e = fx_enrollee("E", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    int state = -1;
    int32_t since = -1;
    const char *cite = NULL;
    CHECK_RC(mb_enrollee_certify(e, rs, "糖尿病", 20220315, err), MB_OK, "first disease");
    CHECK_RC(mb_enrollee_status(e, rs, "糖尿病", 20220320, &state, &since, &cite, err), MB_OK, "status");
    CHECK(state == MB_CERT_PENDING && since == 20220401, "next-month start: pending until 04-01");
    CHECK_RC(mb_enrollee_certify(e, rs, "透析", 20220316, err), MB_OK, "second disease");
    CHECK_RC(mb_enrollee_certify(e, rs, "A1", 20220601, err), MB_E_NOT_ELIGIBLE,
             "a third disease over the limit of two");
    CHECK(strstr(mb_error_message(err), "2") != NULL, "the refusal says why");
    mb_enrollee_status(e, rs, "糖尿病", 20220501, &state, &since, &cite, err);
    CHECK(state == MB_CERT_ACTIVE && since == 20220401, "active since 04-01");
    /* revoked 12 months after the start with no activity */
    mb_enrollee_status(e, rs, "糖尿病", 20230402, &state, &since, &cite, err);
    CHECK(state == MB_CERT_REVOKED && since == 20230401, "revoked after 12 idle months");
    mb_enrollee_free(e);

    /* exclusive pair: the second of a pair is refused, but a renewed transplant may be
     * certified again and then takes precedence */
    e = fx_enrollee("F", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_add_disease(e, "肾移植", 20220110, 0, err), MB_OK, "transplant, by hand");
    CHECK_RC(mb_enrollee_certify(e, rs, "透析", 20220301, err), MB_E_NOT_ELIGIBLE,
             "dialysis excludes a kidney transplant");
    CHECK_RC(mb_enrollee_add_disease(e, "透析", 20220301, 0, err), MB_OK, "recorded anyway");
    mb_enrollee_status(e, rs, "透析", 20220501, &state, &since, &cite, err);
    CHECK(state == MB_CERT_REFUSED && strcmp(cite, "pair") == 0, "the later of a pair is refused");
    CHECK_RC(mb_enrollee_certify(e, rs, "肾移植", 20220601, err), MB_OK, "a renewal is allowed");
    mb_enrollee_status(e, rs, "肾移植", 20220801, &state, &since, &cite, err);
    CHECK(state == MB_CERT_ACTIVE, "the renewed transplant is in benefit");
    mb_enrollee_free(e);

    /* dialysis first, then a transplant certified once: the transplant, ranked second, is
     * refused (being the pair's renewable side is not enough: only a renewal takes precedence) */
    e = fx_enrollee("F3", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_certify(e, rs, "透析", 20220110, err), MB_OK, "dialysis");
    CHECK_RC(mb_enrollee_add_disease(e, "肾移植", 20220301, 0, err), MB_OK, "a transplant, by hand");
    mb_enrollee_status(e, rs, "肾移植", 20220501, &state, &since, &cite, err);
    CHECK(state == MB_CERT_REFUSED && strcmp(cite, "pair") == 0, "the transplant is refused by the pair");
    mb_enrollee_status(e, rs, "透析", 20220501, &state, &since, &cite, err);
    CHECK(state == MB_CERT_ACTIVE, "dialysis is in benefit");
    mb_enrollee_free(e);

    /* a transplant over the limit of two is refused for the limit, though the pair would
     * refuse it too: a disease over the limit takes no part in the pairs */
    e = fx_enrollee("F4", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_certify(e, rs, "糖尿病", 20220110, err), MB_OK, "diabetes");
    CHECK_RC(mb_enrollee_certify(e, rs, "透析", 20220111, err), MB_OK, "dialysis, the second");
    CHECK_RC(mb_enrollee_add_disease(e, "肾移植", 20220301, 0, err), MB_OK, "a third, by hand");
    mb_enrollee_status(e, rs, "肾移植", 20220501, &state, &since, &cite, err);
    CHECK(state == MB_CERT_REFUSED && strcmp(cite, "c") == 0, "refused, citing the limit");
    mb_enrollee_free(e);

    /* the renewed transplant wins even though dialysis ranks first: it is decided first, and
     * dialysis is refused from the renewal's start (07-01) */
    e = fx_enrollee("F2", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    mb_enrollee_certify(e, rs, "透析", 20220110, err);
    mb_enrollee_add_disease(e, "肾移植", 20220301, 0, err);
    CHECK_RC(mb_enrollee_certify(e, rs, "肾移植", 20220601, err), MB_OK, "the transplant renewed");
    mb_enrollee_status(e, rs, "透析", 20220615, &state, &since, &cite, err);
    CHECK(state == MB_CERT_ACTIVE, "dialysis until the renewal starts");
    mb_enrollee_status(e, rs, "透析", 20220801, &state, &since, &cite, err);
    CHECK(state == MB_CERT_REFUSED && strcmp(cite, "pair") == 0, "then refused by the renewal");
    mb_enrollee_status(e, rs, "肾移植", 20220801, &state, &since, &cite, err);
    CHECK(state == MB_CERT_ACTIVE, "the renewed transplant is in benefit");
    mb_enrollee_free(e);
}

/* A disease certified again is one disease (焦医保〔2021〕97号 一（三）: 只能申请两个病种): it keeps its
 * place under the limit, ranked from the first day of its continuous certification, and a
 * renewal certified more than a day after the last one's validity starts afresh
 * (docs/readings.md). Certification and status read the same roster and agree. */
static void a_renewal_keeps_its_place(const mb_ruleset *rs, mb_error *err)
{
    int state = -1;
    /* a stent renewed while the first is still valid, then a second disease */
    mb_enrollee *e = fx_enrollee("R1", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    CHECK_RC(mb_enrollee_certify(e, rs, "支架术后", 20220310, err), MB_OK, "a stent: 2022-03-01..2023-03-09");
    CHECK_RC(mb_enrollee_certify(e, rs, "支架术后", 20230220, err), MB_OK, "renewed during its year");
    CHECK_RC(mb_enrollee_certify(e, rs, "糖尿病", 20230225, err), MB_OK,
             "two stent certifications are one disease: diabetes is the second");
    mb_enrollee_status(e, rs, "糖尿病", 20230305, &state, NULL, NULL, err);
    CHECK(state == MB_CERT_ACTIVE, "diabetes is in benefit while both stent records are valid");
    CHECK_RC(mb_enrollee_certify(e, rs, "A1", 20230306, err), MB_E_NOT_ELIGIBLE,
             "a third disease is still refused");
    CHECK(strstr(mb_error_message(err), "holds 2 certified diseases") != NULL, "two diseases, not three");
    mb_enrollee_free(e);

    /* a new certification takes no place already taken, even one catalogue order would give
     * it on the same day (A1 comes before 糖尿病 in the catalogue) */
    e = fx_enrollee("R0", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    mb_enrollee_certify(e, rs, "透析", 20220301, err);
    CHECK_RC(mb_enrollee_certify(e, rs, "糖尿病", 20220310, err), MB_OK, "the second disease");
    CHECK_RC(mb_enrollee_certify(e, rs, "A1", 20220310, err), MB_E_NOT_ELIGIBLE,
             "the third, the same day, is refused");
    mb_enrollee_status(e, rs, "糖尿病", 20220410, &state, NULL, NULL, err);
    CHECK(state == MB_CERT_ACTIVE, "the second keeps its place");
    mb_enrollee_free(e);

    /* renewed on the day after the first year's last day: continuous, so the stent keeps its
     * rank ahead of a third disease recorded by hand */
    e = fx_enrollee("R2", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    mb_enrollee_certify(e, rs, "支架术后", 20220310, err);
    mb_enrollee_certify(e, rs, "糖尿病", 20220415, err);
    CHECK_RC(mb_enrollee_add_disease(e, "A1", 20220510, 0, err), MB_OK, "a third disease, by hand");
    CHECK_RC(mb_enrollee_certify(e, rs, "支架术后", 20230310, err), MB_OK, "renewed on 2023-03-10");
    mb_enrollee_status(e, rs, "支架术后", 20230401, &state, NULL, NULL, err);
    CHECK(state == MB_CERT_ACTIVE, "the renewed stent ranks from 2022-03-10: still first");
    mb_enrollee_status(e, rs, "A1", 20230401, &state, NULL, NULL, err);
    CHECK(state == MB_CERT_REFUSED, "the third disease stays over the limit");
    mb_enrollee_free(e);

    /* renewed two days after: the stent lapsed on 2023-03-10, the third disease moved up, and
     * a new stent certification would be a third disease */
    e = fx_enrollee("R3", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    mb_enrollee_certify(e, rs, "支架术后", 20220310, err);
    mb_enrollee_certify(e, rs, "糖尿病", 20220415, err);
    mb_enrollee_add_disease(e, "A1", 20220510, 0, err);
    mb_enrollee_status(e, rs, "A1", 20230310, &state, NULL, NULL, err);
    CHECK(state == MB_CERT_ACTIVE, "with the stent lapsed, the third disease is the second");
    CHECK_RC(mb_enrollee_certify(e, rs, "支架术后", 20230311, err), MB_E_NOT_ELIGIBLE,
             "a stent certified after a gap needs a free place");
    CHECK(mb_enrollee_disease_count(e) == 3, "the refused certification is not recorded");
    mb_enrollee_free(e);
}

/* A qualification revoked for idleness (焦医保〔2021〕97号 四（四）取消…资格) leaves its place under the
 * limit: certification lets a new disease take it, and the new disease's status agrees. */
static void revoked_frees_place(const mb_ruleset *rs, mb_error *err)
{
    int state = -1;
    mb_enrollee *e = fx_enrollee("V", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    mb_enrollee_certify(e, rs, "糖尿病", 20220315, err);   /* from 2022-04-01: revoked after 2023-04-01 */
    mb_enrollee_certify(e, rs, "透析", 20221210, err);     /* from 2023-01-01 */
    mb_enrollee_status(e, rs, "糖尿病", 20230405, &state, NULL, NULL, err);
    CHECK(state == MB_CERT_REVOKED, "diabetes is revoked after 12 idle months");
    CHECK_RC(mb_enrollee_certify(e, rs, "A1", 20230405, err), MB_OK, "the revoked disease left its place");
    mb_enrollee_status(e, rs, "A1", 20230505, &state, NULL, NULL, err);
    CHECK(state == MB_CERT_ACTIVE, "and the new disease is in benefit from 05-01");
    mb_enrollee_free(e);
}

/* 肺源性心脏病 and 慢性阻塞性肺疾病, 支气管哮喘 and 慢性阻塞性肺疾病 are exclusive pairs (Shanxi report, 统一互斥
 * 病种): with COPD refused by the earlier 肺源性心脏病, asthma excludes nothing and is in benefit.
 * Certification and status agree. */
static void refused_partner_excludes_nothing(mb_error *err)
{
    mb_ruleset *sx = fx_ruleset(MB_TEST_SHANXI);
    if (sx == NULL)
        return;
    mb_enrollee *e = fx_enrollee("P", MB_SCHEME_RESIDENT, 0, 0);
    int state = -1;
    CHECK_RC(mb_enrollee_certify(e, sx, "肺源性心脏病", 20250401, err), MB_OK, "肺源性心脏病");
    CHECK_RC(mb_enrollee_certify(e, sx, "慢性阻塞性肺疾病", 20250402, err), MB_E_NOT_ELIGIBLE,
             "COPD excludes 肺源性心脏病, which is in benefit");
    CHECK_RC(mb_enrollee_add_disease(e, "慢性阻塞性肺疾病", 20250402, 0, err), MB_OK, "recorded anyway");
    mb_enrollee_status(e, sx, "慢性阻塞性肺疾病", 20250410, &state, NULL, NULL, err);
    CHECK(state == MB_CERT_REFUSED, "COPD is refused");
    CHECK_RC(mb_enrollee_certify(e, sx, "支气管哮喘", 20250403, err), MB_OK,
             "asthma: its only partner, COPD, enjoys no benefit");
    mb_enrollee_status(e, sx, "支气管哮喘", 20250410, &state, NULL, NULL, err);
    CHECK(state == MB_CERT_ACTIVE, "and the status agrees: asthma is in benefit");
    mb_enrollee_free(e);
    mb_ruleset_free(sx);
}

/* A pair whose side is the catalogue's first disease excludes as any other does, whichever side
 * was certified first. */
static void a_pair_of_the_first_disease(mb_error *err)
{
    static const char text[] =
        "id: pair0\ntitle: t\ndocument: d\ntier: basic\neffective_from: 2022-01-01\n"
        "funds: [{key: p, employee: '310100', name: n, amount: hifp_pay}]\n"
        "account: {value: last, cite: c}\nclass_b_first_selfpay: {value: 10%, cite: c}\n"
        "catalogue_rules:\n  exclusive_pairs: [{a: 透析, b: 肾移植, cite: pair}]\n"
        "catalogue:\n  - {code: P1, name: 透析}\n  - {code: P2, name: 肾移植}\n"
        "layers: [{id: l, cite: c, med_types: [chronic], fund: p, ratio: [{all: 80%}]}]\n";
    mb_ruleset *rs = fx_ruleset_text(text, "pair0.yaml");
    if (rs == NULL)
        return;
    static const char *const sides[2][2] = {{"透析", "肾移植"}, {"肾移植", "透析"}};
    for (int k = 0; k < 2; k++) {
        mb_enrollee *e = fx_enrollee("G", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
        CHECK_RC(mb_enrollee_add_disease(e, sides[k][0], 20220110, 0, err), MB_OK, "the first side");
        CHECK_RC(mb_enrollee_add_disease(e, sides[k][1], 20220301, 0, err), MB_OK, "the second");
        int state = -1;
        const char *cite = NULL;
        mb_enrollee_status(e, rs, sides[k][1], 20220501, &state, NULL, &cite, err);
        CHECK(state == MB_CERT_REFUSED && cite && strcmp(cite, "pair") == 0,
              k ? "dialysis, after the transplant, is refused" : "the transplant, after dialysis, is refused");
        mb_enrollee_status(e, rs, sides[k][0], 20220501, &state, NULL, NULL, err);
        CHECK(state == MB_CERT_ACTIVE, "the first side is in benefit");
        mb_enrollee_free(e);
    }
    mb_ruleset_free(rs);
}

/* The lapse recorded when activity resumes counts from the latest benefit start, whatever
 * order the certifications were added in. */
static void lapse_counts_from_the_latest_start(const mb_ruleset *rs, mb_error *err)
{
    for (int order = 0; order < 2; order++) {
        mb_enrollee *e = fx_enrollee("L", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
        /* 糖尿病 certified 2022-01-10 (benefit from 02-01), A1 2022-12-10 (from 2023-01-01) */
        const char *first = order ? "A1" : "糖尿病", *second = order ? "糖尿病" : "A1";
        mb_enrollee_add_disease(e, first, order ? 20221210 : 20220110, 0, err);
        mb_enrollee_add_disease(e, second, order ? 20220110 : 20221210, 0, err);
        /* an admission discharged 2023-03-01: 13 months after 02-01, 2 after 2023-01-01 */
        mb_claim *c = fx_admission("I", 20230220, 20230301, "H9", MB_LEVEL_SECONDARY, 10000);
        mb_result *r = fx_result();
        const mb_ruleset *chain[] = {rs};
        CHECK_RC(mb_settle(r, chain, 1, e, c, err), MB_OK, "the admission settles");
        int state = -1;
        mb_enrollee_status(e, rs, "A1", 20230401, &state, NULL, NULL, err);
        CHECK(state == MB_CERT_ACTIVE, "a disease certified months ago is not revoked");
        mb_enrollee_status(e, rs, "糖尿病", 20230401, &state, NULL, NULL, err);
        CHECK(state == MB_CERT_ACTIVE, "the admission is activity for the older one too");
        mb_result_free(r);
        mb_claim_free(c);
        mb_enrollee_free(e);
    }
}

static void facility_change_takes_effect_on_1_january(const mb_ruleset *rs, mb_error *err)
{
    mb_enrollee *e = fx_enrollee("G", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    FX_OK(mb_enrollee_set_designated_facility(e, "H1", fx_error()));
    FX_OK(mb_enrollee_add_disease(e, "糖尿病", 20220110, 0, fx_error()));
    mb_result *r = fx_result();
    CHECK_RC(mb_enrollee_request_facility_change(e, rs, 20220615, "H2", err), MB_E_NOT_ELIGIBLE,
             "no change mid-year");
    CHECK_RC(mb_enrollee_request_facility_change(e, rs, 20221221, "H2", err), MB_E_NOT_ELIGIBLE,
             "12-21 is after the window");
    CHECK_RC(mb_enrollee_request_facility_change(e, rs, 20221101, "H2", err), MB_OK, "11-01 opens it");
    CHECK(strcmp(mb_enrollee_designated_facility(e, 20221231), "H1") == 0, "H1 to the year's end");
    CHECK(strcmp(mb_enrollee_designated_facility(e, 20230101), "H2") == 0, "H2 from 1 January");
    const char *name = NULL;
    int32_t on = 0, until = -1;
    CHECK(mb_enrollee_disease_count(e) == 1 && mb_enrollee_disease(e, 0, &name, &on, &until) == MB_OK &&
              strcmp(name, "糖尿病") == 0 && on == 20220110 && until == 0,
          "the certification reads back as given");
    CHECK(mb_enrollee_scheme(e) == MB_SCHEME_EMPLOYEE && mb_enrollee_person_type(e) == MB_PERSON_IN_SERVICE,
          "scheme and person type read back");
    const mb_ruleset *chain[] = {rs};
    /* still H1 for the rest of 2022, H2 from 2023-01-01 */
    mb_claim *c = fx_claim("C", 20221215, MB_MED_CHRONIC, "H2", MB_LEVEL_SECONDARY, -1);
    mb_claim_set_disease(c, "糖尿病", NULL, err);
    mb_claim_add_item(c, 10000, MB_CLASS_A, -1, err);
    CHECK_RC(mb_presettle(r, chain, 1, e, c, err), MB_OK, "presettle");
    CHECK(mb_result_covered(r) == 0, "H2 is not yet designated in December");
    mb_claim *k = fx_claim("K", 20230105, MB_MED_CHRONIC, "H2", MB_LEVEL_SECONDARY, -1);
    mb_claim_set_disease(k, "糖尿病", NULL, err);
    mb_claim_add_item(k, 10000, MB_CLASS_A, -1, err);
    CHECK_RC(mb_presettle(r, chain, 1, e, k, err), MB_OK, "presettle");
    CHECK(mb_result_covered(r) == 1, "H2 from 1 January");
    /* 100.00 x 80% = 80.00 */
    CHECK_FEN(mb_result_amount(r, MB_AMT_HIFP_PAY), 8000, "paid at the new facility");
    /* the choice survives save and restore */
    unsigned char buf[4096];
    size_t len = 0;
    CHECK_RC(mb_enrollee_save(e, buf, sizeof buf, &len, err), MB_OK, "save");
    mb_enrollee *copy = NULL;
    CHECK_RC(mb_enrollee_restore(&copy, buf, len, err), MB_OK, "restore");
    CHECK_RC(mb_presettle(r, chain, 1, copy, k, err), MB_OK, "presettle the copy");
    CHECK(mb_result_covered(r) == 1, "the pending change was saved");
    mb_enrollee_free(copy);
    mb_claim_free(c);
    mb_claim_free(k);
    mb_result_free(r);
    mb_enrollee_free(e);
}

/* A change request the library cannot keep is refused and changes nothing: a facility id that
 * is not UTF-8 (mb_enrollee_set_designated_facility refuses it too), and a request in 2999's
 * window, whose 1 January 3000 is past the dates the library handles (1900..2999), so that the
 * saved state would no longer restore. Found by tests/fuzz/fuzz_api. */
static void facility_change_that_cannot_be_kept_is_refused(const mb_ruleset *rs, mb_error *err)
{
    mb_enrollee *e = fx_enrollee("W", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0), *copy = NULL;
    mb_enrollee_set_designated_facility(e, "H1", err);
    unsigned char before[4096], after[4096];
    size_t nbefore = 0, nafter = 0;
    nbefore = fx_save(e, before, sizeof before);
    CHECK_RC(mb_enrollee_request_facility_change(e, rs, 20221101, "H\xff\xfe", err),
             MB_E_INVALID_ARGUMENT, "a facility id that is not UTF-8 is refused");
    CHECK_RC(mb_enrollee_request_facility_change(e, rs, 29991115, "H2", err), MB_E_INVALID_DATE,
             "a change from 3000-01-01 is past the dates the library handles");
    nafter = fx_save(e, after, sizeof after);
    CHECK(fx_same(after, nafter, before, nbefore), "the refusals change nothing");
    CHECK_RC(mb_enrollee_request_facility_change(e, rs, 29981115, "H2", err), MB_OK,
             "a change from 2999-01-01 is kept");
    CHECK_RC(mb_enrollee_save(e, after, sizeof after, &nafter, err), MB_OK, "save");
    CHECK_RC(mb_enrollee_restore(&copy, after, nafter, err), MB_OK, "and it restores");
    CHECK(copy && strcmp(mb_enrollee_designated_facility(copy, 29990101), "H2") == 0,
          "H2 from 2999-01-01 after restore");
    mb_enrollee_free(copy);
    mb_enrollee_free(e);
}

/* A ruleset without a change window (常政办发〔2022〕91号 says nothing of one) changes the
 * designated facility from the request's date; under one with a window (the test ruleset's,
 * 11-01 to 12-20), a change asked for the next year once the last one is in force makes that
 * one the current choice first. */
static void facility_changes_with_and_without_a_window(const mb_ruleset *rs, mb_error *err)
{
    mb_ruleset *cz = fx_ruleset(MB_TEST_CHANGZHOU);
    mb_enrollee *e = fx_enrollee("W2", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
    FX_OK(mb_enrollee_set_designated_facility(e, "H1", fx_error()));
    CHECK_RC(mb_enrollee_request_facility_change(e, cz, 20230615, "H2", err), MB_OK,
             "no window: any day");
    CHECK(strcmp(mb_enrollee_designated_facility(e, 20230615), "H2") == 0, "H2 at once");
    CHECK_RC(mb_enrollee_request_facility_change(e, rs, 20231105, "H3", err), MB_OK,
             "in the window: H3 from 2024-01-01");
    CHECK_RC(mb_enrollee_request_facility_change(e, rs, 20241110, "H4", err), MB_OK,
             "a year later: H4 from 2025-01-01");
    CHECK(strcmp(mb_enrollee_designated_facility(e, 20241231), "H3") == 0,
          "H3, in force since 2024, is the choice until H4's year");
    CHECK(strcmp(mb_enrollee_designated_facility(e, 20250101), "H4") == 0, "then H4");
    mb_enrollee_free(e);
    mb_ruleset_free(cz);
}

/* A cap that forgets a person the layer covers would mean no cap for them: refused at load. */
static void cap_forgetting_a_person_is_refused(mb_error *err)
{
    static const char text[] =
        "id: c\ntitle: t\ndocument: d\ntier: basic\neffective_from: 2022-01-01\n"
        "schemes: [employee]\n"
        "funds: [{key: p, employee: '310100', name: n, amount: hifp_pay}]\n"
        "layers:\n"
        "  - id: l\n"
        "    cite: c\n"
        "    med_types: [chronic]\n"
        "    fund: p\n"
        "    ratio: [{all: 70%}]\n"
        "    cap:\n"
        "      values: [{in_service: 3500, retired: 4000}]\n";
    mb_ruleset *rs = NULL;
    CHECK_RC(mb_ruleset_load_buffer(&rs, text, sizeof text - 1, "c.yaml", err), MB_E_RULESET,
             "veterans are employees the cap forgets");
    CHECK(strstr(mb_error_message(err), "veteran") != NULL && mb_error_line(err) == 15,
          "the message names the forgotten person and the line");
}

/* Of a disease's certifications that all ended, the state on a later date is the latest one's
 * lapse, whichever was recorded first: 糖尿病 held 2022-01-01..2022-06-30 and 2022-07-01..
 * 2022-12-31 (each recorded as its validity), asked on 2023-03-01: expired on 2022-12-31. */
static void the_latest_of_lapsed_certifications(const mb_ruleset *rs, mb_error *err)
{
    static const int32_t spans[2][2] = {{20220101, 20220630}, {20220701, 20221231}};
    for (int later_first = 0; later_first < 2; later_first++) {
        mb_enrollee *e = fx_enrollee("LAPSED", MB_SCHEME_EMPLOYEE, MB_PERSON_IN_SERVICE, 0);
        for (int k = 0; k < 2; k++) {
            const int32_t *span = spans[later_first ? 1 - k : k];
            CHECK_RC(mb_enrollee_add_disease(e, "糖尿病", span[0], span[1], err), MB_OK,
                     "a certification recorded with its validity");
        }
        int state = -1;
        int32_t since = 0;
        CHECK_RC(mb_enrollee_status(e, rs, "糖尿病", 20230301, &state, &since, NULL, err), MB_OK,
                 "the state after both");
        CHECK(state == MB_CERT_EXPIRED && since == 20221231,
              later_first ? "expired on 2022-12-31, the later recorded first"
                          : "expired on 2022-12-31, the later recorded last");
        mb_enrollee_free(e);
    }
}

int main(void)
{
    mb_error *err = mb_error_new();
    mb_ruleset *rs = fx_ruleset_text(RULESET, "cert-test.yaml");
    if (rs) {
        criteria_as_the_document_numbers_them(rs, err);
        limit_pairs_and_revocation(rs, err);
        lapse_counts_from_the_latest_start(rs, err);
        a_renewal_keeps_its_place(rs, err);
        revoked_frees_place(rs, err);
        facility_change_takes_effect_on_1_january(rs, err);
        facility_change_that_cannot_be_kept_is_refused(rs, err);
        facility_changes_with_and_without_a_window(rs, err);
        the_latest_of_lapsed_certifications(rs, err);
    }
    rules_that_cannot_be_right_are_refused(err);
    unmet_parts_are_described(err);
    cap_forgetting_a_person_is_refused(err);
    refused_partner_excludes_nothing(err);
    a_pair_of_the_first_disease(err);
    mb_ruleset_free(rs);
    mb_error_free(err);
    fx_done();
    return check_summary();
}
