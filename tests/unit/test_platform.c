/*
 * The platform adapter through the public API (mb_platform_*), as a C HIS links it: the
 * reference's outpatient sequence for two visits (1101 → 5301 → 5206 → 2201 → 2203 → 2204 →
 * 2206 → 2207), settled under 焦医保〔2021〕97号 (jiaozuo-chronic-2022); refused requests
 * answered with infcode -1 and the state untouched, in memory, in a caller's store and in a
 * directory.
 *
 * The person is the reference's (docs/platform-example): an employee in service (psn_type
 * 1101), account 50.00, 高血压 M03900 registered from 2025-01-01. Each visit's fee details:
 *   FD0001 甲类 51.20; FD0002 乙类 114.00; FD0003 丙类 45.00.
 * Worked by hand (jiaozuo-chronic-2022):
 *   乙类 first self-pay 10% (class_b_first_selfpay, an assumption): 114.00 x 10% = 11.40
 *   policy scope 51.20 + 114.00 - 11.40 = 153.80; total 210.20 = 45.00 + 0 + 11.40 + 153.80
 *   deductible 0 (layers[0].deductible, assumption: 97号 sets none)
 *   fund 153.80 x 80% = 123.04 (layers[0].ratio employee, assumption)
 *   the disease's cap, 附件 高血压Ⅲ期 1320 for employees: 1320.00 - 123.04 = 1196.96 left
 *   psn_part 210.20 - 123.04 = 87.16; the account pays last (account: last): 50.00, cash 37.16
 * Visit 2, the same items: fund 123.04 again (cap left 1196.96 - 123.04 = 1073.92), the
 * account is empty: acct 0.00, cash 87.16. Then 2208 of visit 1 and of visit 2: each takes
 * back its own settlement (the account 50.00 again), and the first 2206 repeats.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MAP_NORESERVE: a state of 256 MiB never written */
#include <dirent.h>
#include <stdbool.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "fixtures.h"
#include "medbenefit.h"

static mb_ruleset *jiaozuo;
static char req[16384];

/* An envelope of the reference's shape around `body` ("input": …, maybe "output": …). */
static const char *envelope(const char *infno, const char *time, const char *body)
{
    snprintf(req, sizeof req,
             "{\"infno\": \"%s\", \"msgid\": \"H00000000001202503180930050001\", "
             "\"mdtrtarea_admvs\": \"990101\", \"insuplc_admdvs\": \"990101\", "
             "\"recer_sys_code\": \"YBXT\", \"infver\": \"V1.0\", \"opter_type\": \"1\", "
             "\"opter\": \"0001\", \"opter_name\": \"测试经办员\", \"inf_time\": \"%s\", "
             "\"fixmedins_code\": \"H00000000001\", \"fixmedins_name\": \"测试医院\", %s}",
             infno, time, body);
    return req;
}

static const char *response;
static size_t response_len;

static int call(mb_platform *p, const char *request, mb_error *err)
{
    return mb_platform_call(p, request, strlen(request), &response, &response_len, err);
}

static bool says(const char *text) { return response && strstr(response, text) != NULL; }

#define PSN "\"psn_no\": \"99010100000000000001\""

static const char REC_1101[] =
    "\"input\": {\"data\": {\"mdtrt_cert_type\": \"02\", \"mdtrt_cert_no\": "
    "\"000000000000000000\", \"psn_cert_type\": \"01\", \"certno\": \"000000000000000000\"}}, "
    "\"output\": {\"baseinfo\": {" PSN ", \"psn_cert_type\": \"01\", \"certno\": "
    "\"000000000000000000\", \"psn_name\": \"测试患者\", \"gend\": \"1\", \"naty\": \"01\", "
    "\"brdy\": \"1970-01-01\", \"age\": 55.2}, \"insuinfo\": [{\"balc\": 50.00, \"insutype\": "
    "\"310\", \"psn_type\": \"1101\", \"psn_insu_stas\": \"1\", \"cvlserv_flag\": \"0\", "
    "\"insuplc_admdvs\": \"990101\"}, {\"balc\": 0.00, \"insutype\": \"330\", \"psn_type\": "
    "\"1101\", \"insuplc_admdvs\": \"990101\"}], \"idetinfo\": []}";
static const char REC_5301[] =
    "\"input\": {\"data\": {" PSN "}}, \"output\": {\"feedetail\": [{\"opsp_dise_code\": "
    "\"M03900\", \"opsp_dise_name\": \"高血压\", \"begndate\": \"2025-01-01\", \"enddate\": "
    "\"2099-12-31\"}]}";
static const char REC_5206[] =
    "\"input\": {\"data\": {" PSN ", \"cum_ym\": \"202503\"}}, \"output\": {\"cuminfo\": ["
    "{\"insutype\": \"310\", \"year\": \"2025\", \"cum_ym\": \"202503\", \"cum_type_code\": "
    "\"D310101_BIZ14\", \"cum\": 1200.00}, {\"insutype\": \"310\", \"year\": \"2025\", "
    "\"cum_ym\": \"202503\", \"cum_type_code\": \"C0000_BIZ14\", \"cum\": 3}]}";

static const char *visit(const char *day)
{
    static char body[1024];
    snprintf(body, sizeof body,
             "\"input\": {\"data\": {" PSN ", \"insutype\": \"310\", \"begntime\": \"%s 09:31:00\", "
             "\"mdtrt_cert_type\": \"02\", \"mdtrt_cert_no\": \"000000000000000000\", "
             "\"ipt_otp_no\": \"MZ%s\"}}",
             day, day);
    return body;
}

static const char *diagnosis(const char *mdtrt_id)
{
    static char body[1024];
    snprintf(body, sizeof body,
             "\"input\": {\"mdtrtinfo\": {\"mdtrt_id\": \"%s\", " PSN ", \"med_type\": \"14\", "
             "\"dise_codg\": \"M03900\", \"dise_name\": \"高血压\"}, \"diseinfo\": [{\"diag_type\": "
             "\"1\", \"diag_code\": \"I10.x00\"}]}",
             mdtrt_id);
    return body;
}

static const char *fees(const char *mdtrt_id, const char *lv2_amount)
{
    static char body[4096];
    snprintf(body, sizeof body,
             "\"input\": {\"feedetail\": ["
             "{\"feedetl_sn\": \"FD0001\", \"mdtrt_id\": \"%s\", " PSN ", \"chrg_bchno\": \"CB1\", "
             "\"det_item_fee_sumamt\": 51.20, \"cnt\": 2, \"pric\": 25.60, \"chrgitm_lv\": \"01\"},"
             "{\"feedetl_sn\": \"FD0002\", \"mdtrt_id\": \"%s\", " PSN ", \"chrg_bchno\": \"CB1\", "
             "\"det_item_fee_sumamt\": %s, \"cnt\": 3, \"pric\": 38.00, \"chrgitm_lv\": \"02\"},"
             "{\"feedetl_sn\": \"FD0003\", \"mdtrt_id\": \"%s\", " PSN ", \"chrg_bchno\": \"CB1\", "
             "\"det_item_fee_sumamt\": 45.00, \"cnt\": 1, \"pric\": 45.00, \"chrgitm_lv\": \"03\"}]}",
             mdtrt_id, mdtrt_id, lv2_amount, mdtrt_id);
    return body;
}

static const char *settle(const char *mdtrt_id, const char *medfee)
{
    static char body[1024];
    snprintf(body, sizeof body,
             "\"input\": {\"data\": {" PSN ", \"mdtrt_cert_type\": \"02\", \"med_type\": \"14\", "
             "\"medfee_sumamt\": %s, \"psn_setlway\": \"01\", \"mdtrt_id\": \"%s\", "
             "\"chrg_bchno\": \"CB1\", \"acct_used_flag\": \"1\", \"insutype\": \"310\"}}",
             medfee, mdtrt_id);
    return body;
}

static mb_platform *new_platform(void)
{
    mb_platform *p = NULL;
    const mb_ruleset *chain[] = {jiaozuo};
    CHECK_RC(mb_platform_new(&p, chain, 1, MB_PLATFORM_FIXED_CHAIN, NULL), MB_OK, "platform");
    CHECK_RC(mb_platform_set_facility(p, "H00000000001", MB_LEVEL_SECONDARY, NULL), MB_OK,
             "the institution's level");
    return p;
}

/* Visit `mdtrt_id` on `day` (yyyy-MM-dd): registered (2201), answered with its mdtrt_id,
 * diagnosed (2203) and its fee details uploaded (2204: the items of this file's head). */
static void a_visit_uploaded(mb_platform *p, const char *day, const char *mdtrt_id)
{
    char at[32], id[48];
    snprintf(at, sizeof at, "%s 09:31:00", day);
    CHECK_RC(call(p, envelope("2201", at, visit(day)), NULL), MB_OK, "2201");
    snprintf(id, sizeof id, "\"mdtrt_id\": \"%s\"", mdtrt_id);
    CHECK(says(id), "2201 answers the visit's id");
    snprintf(at, sizeof at, "%s 09:45:00", day);
    CHECK_RC(call(p, envelope("2203", at, diagnosis(mdtrt_id)), NULL), MB_OK, "2203");
    snprintf(at, sizeof at, "%s 09:50:00", day);
    CHECK_RC(call(p, envelope("2204", at, fees(mdtrt_id, "114.00")), NULL), MB_OK, "2204");
}

/* The person recorded and one visit registered, diagnosed and uploaded: mdtrt_id 900000000001. */
static void prepare(mb_platform *p)
{
    CHECK_RC(call(p, envelope("1101", "2025-03-18 09:30:05", REC_1101), NULL), MB_OK, "1101");
    CHECK_RC(call(p, envelope("5301", "2025-03-18 09:30:10", REC_5301), NULL), MB_OK, "5301");
    CHECK_RC(call(p, envelope("5206", "2025-03-18 09:30:15", REC_5206), NULL), MB_OK, "5206");
    CHECK(says("C0000_BIZ14 (insutype 310) seeds no accumulator"),
          "a figure no ruleset maps is named in warn_msg");
    a_visit_uploaded(p, "2025-03-18", "900000000001");
}

static void the_sequence(void)
{
    mb_platform *p = new_platform();
    prepare(p);
    /* 2204's answer, item by item: 114.00 x 10% = 11.40 first self-pay, 102.60 in scope */
    CHECK(says("\"selfpay_prop\": 0.10") && says("\"preselfpay_amt\": 11.40") &&
              says("\"inscp_scp_amt\": 102.60"),
          "the 乙类 item's split");
    CHECK(says("\"selfpay_prop\": 1,") && says("\"fulamt_ownpay_amt\": 45.00"),
          "the 丙类 item's split");
    CHECK_RC(call(p, envelope("2206", "2025-03-18 09:52:00", settle("900000000001", "210.20")),
                  NULL),
             MB_OK, "2206");
    const char *preview[] = {"\"medfee_sumamt\": 210.20", "\"fulamt_ownpay_amt\": 45.00",
                             "\"preselfpay_amt\": 11.40", "\"inscp_scp_amt\": 153.80",
                             "\"hifp_pay\": 123.04",      "\"fund_pay_sumamt\": 123.04",
                             "\"psn_part_amt\": 87.16",   "\"acct_pay\": 50.00",
                             "\"psn_cash_pay\": 37.16",   "\"balc\": 0.00",
                             "\"crt_payb_lmt_amt\": 1196.96"};
    for (size_t i = 0; i < sizeof preview / sizeof preview[0]; i++)
        CHECK(says(preview[i]), preview[i]);
    CHECK(!says("\"setl_id\""), "a pre-settlement has no setl_id");
    char first_2206[8192];
    snprintf(first_2206, sizeof first_2206, "%s", strstr(response, "\"setlinfo\""));

    CHECK_RC(call(p, envelope("2207", "2025-03-18 09:53:00", settle("900000000001", "210.20")),
                  NULL),
             MB_OK, "2207");
    CHECK(says("\"setl_id\": \"800000000001\"") && says("\"hifp_pay\": 123.04") &&
              says("\"acct_pay\": 50.00") && says("\"psn_cash_pay\": 37.16"),
          "the settlement is the pre-settlement");
    mb_error *err = mb_error_new();
    CHECK_RC(call(p, envelope("2207", "2025-03-18 09:54:00", settle("900000000001", "210.20")), err),
             MB_E_STATE, "a repeated 2207 is refused");
    CHECK(says("\"infcode\": -1") && says("already settled (setl_id 800000000001)"),
          "with the platform's infcode and the settlement it would repeat");
    CHECK(strstr(mb_error_message(err), "already settled") != NULL, "err says the same");

    /* the balance as settlements left it: 50.00 - 50.00 */
    CHECK_RC(call(p, envelope("1101", "2025-03-18 10:00:00",
                              "\"input\": {\"data\": {\"certno\": \"000000000000000000\"}}"),
                  NULL),
             MB_OK, "1101 asked offline");
    CHECK(says("\"balc\": 0.00") && !says("\"balc\": 50.00"), "balc after the settlement");

    /* visit 2 */
    a_visit_uploaded(p, "2025-03-19", "900000000002");
    CHECK_RC(call(p, envelope("2207", "2025-03-19 09:53:00", settle("900000000002", "210.20")),
                  NULL),
             MB_OK, "2207 of visit 2");
    CHECK(says("\"setl_id\": \"800000000002\"") && says("\"hifp_pay\": 123.04") &&
              says("\"acct_pay\": 0.00") && says("\"psn_cash_pay\": 87.16") &&
              says("\"crt_payb_lmt_amt\": 1073.92"),
          "visit 2: the empty account pays nothing, the cap has 1073.92 left");

    /* 2208 of visit 1, then of visit 2 (not last-first): each answered negated */
    char body[512];
    snprintf(body, sizeof body, "\"input\": {\"data\": {\"setl_id\": \"800000000001\", "
                                "\"mdtrt_id\": \"900000000001\", " PSN "}}");
    CHECK_RC(call(p, envelope("2208", "2025-03-19 10:20:00", body), NULL), MB_OK, "2208 of visit 1");
    CHECK(says("\"setl_id\": \"800000000003\"") && says("\"hifp_pay\": -123.04") &&
              says("\"acct_pay\": -50.00") && says("\"psn_cash_pay\": -37.16") &&
              says("\"pdn_cash_pay\": -37.16") && says("\"balc\": 50.00"),
          "visit 1 reversed: its own amounts negated, the account refunded");
    CHECK_RC(call(p, envelope("2208", "2025-03-19 10:21:00", body), err), MB_E_STATE,
             "a second 2208 of it");
    CHECK(says("was reversed already (setl_id 800000000003)"), "names the reversal");
    snprintf(body, sizeof body, "\"input\": {\"data\": {\"setl_id\": \"800000000003\", "
                                "\"mdtrt_id\": \"900000000001\", " PSN "}}");
    CHECK_RC(call(p, envelope("2208", "2025-03-19 10:21:30", body), err), MB_E_INVALID_ARGUMENT,
             "a 2208 of the reversal");
    CHECK(says("2208 reverses 2207 settlements; setl_id 800000000003 is itself a reversal"),
          "says a reversal is not reversed");
    snprintf(body, sizeof body, "\"input\": {\"data\": {\"setl_id\": \"800000000002\", "
                                "\"mdtrt_id\": \"900000000002\", " PSN "}}");
    CHECK_RC(call(p, envelope("2208", "2025-03-19 10:22:00", body), NULL), MB_OK, "2208 of visit 2");
    CHECK(says("\"hifp_pay\": -123.04") && says("\"acct_pay\": 0.00") &&
              says("\"balc\": 50.00"),
          "visit 2 reversed");
    /* the person is as before: the first 2206 repeats to the fen */
    CHECK_RC(call(p, envelope("2206", "2025-03-18 09:52:00", settle("900000000001", "210.20")),
                  NULL),
             MB_OK, "the first 2206 again");
    CHECK(strcmp(strstr(response, "\"setlinfo\""), first_2206) == 0,
          "the first pre-settlement repeats byte for byte");
    mb_error_free(err);
    mb_platform_free(p);
}

/* ---- refused requests -------------------------------------------------------------------- */


static const struct {
    const char *infno, *body, *why, *says;
    int status;
} refused[] = {
    {"2201", "\"input\": {\"data\": {\"psn_no\": \"nobody\", \"insutype\": \"310\", "
             "\"begntime\": \"2025-03-18 09:31:00\"}}",
     "an unknown psn_no", "psn_no nobody is not known to this offline platform", MB_E_NOT_FOUND},
    {"2206", "\"input\": {\"data\": {" PSN ", \"mdtrt_id\": \"900000000099\", \"insutype\": "
             "\"310\", \"chrg_bchno\": \"CB1\", \"med_type\": \"14\", \"medfee_sumamt\": 1}}",
     "an unknown mdtrt_id", "mdtrt_id 900000000099 is not a visit", MB_E_NOT_FOUND},
    {"9999", "\"input\": {}", "an unknown infno", "infno 9999 is not answered offline",
     MB_E_UNKNOWN_CODE},
    {"2206", "\"input\": {\"data\": {" PSN ", \"mdtrt_id\": \"900000000001\", \"insutype\": "
             "\"310\", \"chrg_bchno\": \"CB1\", \"med_type\": \"14\", \"medfee_sumamt\": 210.205}}",
     "three decimals", "more than two decimals", MB_E_INVALID_AMOUNT},
    {"2206", "\"input\": {\"data\": {" PSN ", \"mdtrt_id\": \"900000000001\", \"insutype\": "
             "\"310\", \"chrg_bchno\": \"CB1\", \"med_type\": \"14\", \"medfee_sumamt\": 2.102e2}}",
     "an exponent", "written with an exponent", MB_E_INVALID_AMOUNT},
    {"2206", "\"input\": {\"data\": {" PSN ", \"mdtrt_id\": \"900000000001\", \"insutype\": "
             "\"310\", \"chrg_bchno\": \"CB1\", \"med_type\": \"14\", \"medfee_sumamt\": "
             "100000000000000000000.00}}",
     "a huge amount", "at most 10^12", MB_E_INVALID_AMOUNT},
    {"2206", "\"input\": {\"data\": {" PSN ", \"mdtrt_id\": \"900000000001\", \"insutype\": "
             "\"310\", \"chrg_bchno\": \"CB1\", \"med_type\": \"14\", \"medfee_sumamt\": 210.30}}",
     "a total that is not the details'", "medfee_sumamt 210.30 does not match the fee details "
                                         "uploaded for mdtrt_id 900000000001 (210.20)",
     MB_E_INVALID_AMOUNT},
    {"2204", "\"input\": {\"feedetail\": [{\"feedetl_sn\": \"FD0009\", \"mdtrt_id\": "
             "\"900000000001\", " PSN ", \"chrg_bchno\": \"CB1\", \"det_item_fee_sumamt\": 1}]}",
     "a fee without chrgitm_lv", "chrgitm_lv is required offline", MB_E_INVALID_ARGUMENT},
    {"2204", "\"input\": {\"feedetail\": [{\"feedetl_sn\": \"FD0001\", \"mdtrt_id\": "
             "\"900000000001\", " PSN ", \"chrg_bchno\": \"CB1\", \"det_item_fee_sumamt\": 1, "
             "\"chrgitm_lv\": \"01\"}]}",
     "a feedetl_sn uploaded twice", "feedetl_sn FD0001 is already uploaded", MB_E_INVALID_ARGUMENT},
    {"2201", "\"input\": {\"data\": {" PSN ", \"insutype\": \"310\", \"begntime\": "
             "\"2025-03-18 09:31:00\"}}, \"output\": {}",
     "an answer to record on a message that records none", "only the answers of 1101, 5301 and "
                                                         "5206 are recorded",
     MB_E_INVALID_ARGUMENT},
    {"2201", "\"input\": {\"data\": {" PSN ", \"insutype\": \"390\", \"begntime\": "
             "\"2025-03-18 09:31:00\"}}",
     "a visit under another insutype", "is insured under 310", MB_E_UNKNOWN_CODE},

    /* 1101 answers recorded (docs/platform.md, 1101): the insurance row and its psn_type */
    {"1101", "\"input\": {\"data\": {\"psn_cert_type\": \"01\"}}, \"output\": {\"baseinfo\": {" PSN "}, "
             "\"insuinfo\": [{\"balc\": 0.00, \"insutype\": \"310\", \"psn_type\": \"1101\"}, {\"balc\": 0.00, \"insutype\": \"390\", \"psn_type\": \"1401\"}], \"idetinfo\": []}",
     "two basic insurances in one answer", "output.insuinfo lists two basic insurances (310 and 390): the library settles a person under one", MB_E_INVALID_ARGUMENT},
    {"1101", "\"input\": {\"data\": {\"psn_cert_type\": \"01\"}}, \"output\": {\"baseinfo\": {" PSN "}, "
             "\"insuinfo\": [{\"balc\": 0.00, \"insutype\": \"310\", \"psn_type\": \"1\"}], \"idetinfo\": []}",
     "a psn_type of one digit", "output.insuinfo.psn_type '1' is not a psn_type code", MB_E_UNKNOWN_CODE},
    {"1101", "\"input\": {\"data\": {\"psn_cert_type\": \"01\"}}, \"output\": {\"baseinfo\": {" PSN "}, "
             "\"insuinfo\": [{\"balc\": 0.00, \"insutype\": \"310\"}], \"idetinfo\": []}",
     "an insurance without psn_type", "output.insuinfo.psn_type is required", MB_E_INVALID_ARGUMENT},
    {"1101", "\"input\": {\"data\": {\"psn_cert_type\": \"01\"}}, \"output\": {\"baseinfo\": {" PSN "}, "
             "\"insuinfo\": [{\"balc\": 0.00, \"insutype\": \"310\", \"psn_type\": \"1101\"}], \"idetinfo\": [{\"psn_idet_type\": \"2101\"}]}",
     "an identity without begntime", "output.idetinfo[0].begntime is required", MB_E_INVALID_ARGUMENT},
    {"1101", "\"input\": {\"data\": {\"mdtrt_cert_type\": \"02\", \"mdtrt_cert_no\": "
             "\"000000000000000000000000000000000000000000000000001\"}}",
     "a card number past its field", "input.data.mdtrt_cert_no is 51 bytes long; the platform's field holds at most 50", MB_E_INVALID_ARGUMENT},
    {"1101", "\"input\": {\"data\": {\"psn_cert_type\": \"01\"}}, \"output\": {\"baseinfo\": {" PSN "}, "
             "\"insuinfo\": [{\"balc\": 0.00, \"insutype\": \"310\", \"psn_type\": \"11x1\"}], \"idetinfo\": []}",
     "a psn_type with a letter", "output.insuinfo.psn_type '11x1' is not a psn_type code", MB_E_UNKNOWN_CODE},
    {"1101", "\"input\": {\"data\": {\"psn_cert_type\": \"01\"}}, \"output\": {\"baseinfo\": {" PSN "}, "
             "\"insuinfo\": [{\"balc\": 0.00, \"insutype\": \"310\", \"psn_type\": \"11a1\"}], \"idetinfo\": []}",
     "a psn_type with a letter", "output.insuinfo.psn_type '11a1' is not a psn_type code", MB_E_UNKNOWN_CODE},
    {"1101", "\"input\": {\"data\": {\"psn_cert_type\": \"01\"}}, \"output\": {\"baseinfo\": {" PSN "}, "
             "\"insuinfo\": [{\"balc\": 0.00, \"insutype\": \"310\", \"psn_type\": \"1401\"}], \"idetinfo\": []}",
     "a resident's psn_type under the employees' insutype", "output.insuinfo: psn_type 1401 does not belong to insutype 310", MB_E_UNKNOWN_CODE},
    {"1101", "\"input\": {\"data\": {\"psn_cert_type\": \"01\"}}, \"output\": {\"baseinfo\": {" PSN "}, "
             "\"insuinfo\": [{\"balc\": 0.00, \"insutype\": \"390\", \"psn_type\": \"1101\"}], \"idetinfo\": []}",
     "an employee's psn_type under the residents' insutype", "output.insuinfo: psn_type 1101 does not belong to insutype 390", MB_E_UNKNOWN_CODE},
    {"1101", "\"input\": {\"data\": {\"psn_cert_type\": \"01\"}}, \"output\": {\"baseinfo\": {\"psn_no\": \"99010100000000000002\"}, "
             "\"insuinfo\": [{\"balc\": 10.00, \"insutype\": \"390\", \"psn_type\": \"1401\"}], \"idetinfo\": []}",
     "a resident with a personal account", "output.insuinfo: a resident (insutype 390) with balc 1000 fen: the library keeps personal accounts for employees only", MB_E_INVALID_AMOUNT},
    {"1101", "\"input\": {\"data\": {\"psn_cert_type\": \"01\"}}, \"output\": {\"baseinfo\": {" PSN "}, "
             "\"insuinfo\": [{\"balc\": 0.00, \"insutype\": \"390\", \"psn_type\": \"1401\"}], \"idetinfo\": []}",
     "a person recorded again under another scheme", "psn_no 99010100000000000001 is recorded under insutype 310; the answer says 390: a person changing scheme starts a new record (another psn_no)", MB_E_INVALID_ARGUMENT},
    {"1101", "\"input\": {\"data\": {\"psn_cert_type\": \"01\"}}, \"output\": {\"baseinfo\": {" PSN "}, "
             "\"insuinfo\": [{\"balc\": 0.00, \"insutype\": \"310\", \"psn_type\": \"1101\"}], \"idetinfo\": [{\"psn_idet_type\": \"2101\", \"begntime\": \"2025-13-01\"}]}",
     "an identity whose begntime is no date", "output.idetinfo[0].begntime '2025-13-01' is not a date: expected yyyy-MM-dd or yyyy-MM-dd HH:mm:ss", MB_E_INVALID_DATE},
    /* 1101 asked offline: the person is found by certno, the ID card read (mdtrt_cert_type 02) or psn_no */
    {"1101", "\"input\": {\"data\": {\"mdtrt_cert_type\": \"01\", \"mdtrt_cert_no\": \"X1\"}}",
     "a 1101 asked by a card that is not the ID card, no certno", "1101: no person with certno (none given) is recorded on this offline platform", MB_E_NOT_FOUND},
    {"1101", "\"input\": {\"data\": {\"psn_no\": \"nobody\"}}",
     "a 1101 asked for an unknown psn_no", "1101: no person with psn_no nobody is recorded on this offline platform", MB_E_NOT_FOUND},
    /* 5206 answers recorded: each cuminfo row's year and month (cum_ym yyyyMM), and the sum of the rows */
    {"5206", "\"input\": {\"data\": {" PSN "}}, \"output\": {\"cuminfo\": [{\"insutype\": \"310\", "
             "\"cum_ym\": \"202513\", \"cum_type_code\": \"D310101_BIZ14\", \"cum\": 100.00}]}",
     "cum_ym with a thirteenth month", "output.cuminfo[0].cum_ym '202513' is not yyyyMM", MB_E_INVALID_DATE},
    {"5206", "\"input\": {\"data\": {" PSN "}}, \"output\": {\"cuminfo\": [{\"insutype\": \"310\", "
             "\"cum_ym\": \"202500\", \"cum_type_code\": \"D310101_BIZ14\", \"cum\": 100.00}]}",
     "cum_ym with a month 00", "output.cuminfo[0].cum_ym '202500' is not yyyyMM", MB_E_INVALID_DATE},
    {"5206", "\"input\": {\"data\": {" PSN "}}, \"output\": {\"cuminfo\": [{\"insutype\": \"310\", "
             "\"cum_ym\": \"202a03\", \"cum_type_code\": \"D310101_BIZ14\", \"cum\": 100.00}]}",
     "cum_ym with a letter in cum_ym", "output.cuminfo[0].cum_ym '202a03' is not yyyyMM", MB_E_INVALID_DATE},
    {"5206", "\"input\": {\"data\": {" PSN "}}, \"output\": {\"cuminfo\": [{\"insutype\": \"310\", "
             "\"cum_ym\": \"202523\", \"cum_type_code\": \"D310101_BIZ14\", \"cum\": 100.00}]}",
     "cum_ym with a month 23", "output.cuminfo[0].cum_ym '202523' is not yyyyMM", MB_E_INVALID_DATE},
    {"5206", "\"input\": {\"data\": {" PSN "}}, \"output\": {\"cuminfo\": [{\"insutype\": \"310\", "
             "\"cum_ym\": \"20253\", \"cum_type_code\": \"D310101_BIZ14\", \"cum\": 100.00}]}",
     "cum_ym of five digits", "output.cuminfo[0].cum_ym '20253' is not yyyyMM", MB_E_INVALID_DATE},
    {"5206", "\"input\": {\"data\": {" PSN "}}, \"output\": {\"cuminfo\": [{\"insutype\": \"310\", "
             "\"year\": \"20x5\", \"cum_type_code\": \"D310101_BIZ14\", \"cum\": 100.00}]}",
     "a year with a letter", "output.cuminfo[0].year '20x5' is not yyyy", MB_E_INVALID_DATE},
    {"5206", "\"input\": {\"data\": {" PSN "}}, \"output\": {\"cuminfo\": [{\"insutype\": \"310\", "
             "\"year\": \"25\", \"cum_type_code\": \"D310101_BIZ14\", \"cum\": 100.00}]}",
     "a year of two digits", "output.cuminfo[0].year '25' is not yyyy", MB_E_INVALID_DATE},
    {"5206", "\"input\": {\"data\": {" PSN "}}, \"output\": {\"cuminfo\": [{\"insutype\": \"310\", "
             "\"year\": \"2024\", \"cum_ym\": \"202503\", \"cum_type_code\": \"D310101_BIZ14\", \"cum\": 100.00}]}",
     "a year and a cum_ym that disagree", "output.cuminfo[0]: year 2024 and cum_ym 202503 disagree", MB_E_INVALID_DATE},
    {"5206", "\"input\": {\"data\": {" PSN "}}, \"output\": {\"cuminfo\": [{\"insutype\": \"310\", "
             "\"cum_type_code\": \"D310101_BIZ14\", \"cum\": 100.00}]}",
     "a row with neither year nor cum_ym", "output.cuminfo[0]: year or cum_ym is required", MB_E_INVALID_DATE},
    {"5206", "\"input\": {\"data\": {" PSN "}}, \"output\": {\"cuminfo\": [{\"insutype\": \"310\", "
             "\"year\": \"2025\", \"cum_ym\": \"202503\", \"cum_type_code\": \"D310101_BIZ14\", \"cum\": 999999999999.99}, {\"insutype\": \"310\", \"year\": \"2025\", \"cum_type_code\": \"D310101_BIZ14\", \"cum\": 0.02}]}",
     "two rows of one key adding up past 10^12 yuan", "output.cuminfo[1]: the figures for", MB_E_OVERFLOW},
    /* 2201: begntime yyyy-MM-dd HH:mm:ss, each part of the time of day in its range */
    {"2201", "\"input\": {\"data\": {" PSN ", \"insutype\": \"310\", \"begntime\": \"2025-03-18T09:31:00\"}}",
     "a begntime with a T between day and time", "input.data.begntime '2025-03-18T09:31:00' is not a date: expected yyyy-MM-dd or yyyy-MM-dd HH:mm:ss", MB_E_INVALID_DATE},
    {"2201", "\"input\": {\"data\": {" PSN ", \"insutype\": \"310\", \"begntime\": \"2025-03-18 09-31:00\"}}",
     "a begntime with a dash after the hour", "input.data.begntime '2025-03-18 09-31:00' is not a date: expected yyyy-MM-dd or yyyy-MM-dd HH:mm:ss", MB_E_INVALID_DATE},
    {"2201", "\"input\": {\"data\": {" PSN ", \"insutype\": \"310\", \"begntime\": \"2025-03-18 09:31-00\"}}",
     "a begntime with a dash after the minutes", "input.data.begntime '2025-03-18 09:31-00' is not a date: expected yyyy-MM-dd or yyyy-MM-dd HH:mm:ss", MB_E_INVALID_DATE},
    {"2201", "\"input\": {\"data\": {" PSN ", \"insutype\": \"310\", \"begntime\": \"2025-03-18 0a:31:00\"}}",
     "a begntime with a letter in the hour", "input.data.begntime '2025-03-18 0a:31:00' is not a date: expected yyyy-MM-dd or yyyy-MM-dd HH:mm:ss", MB_E_INVALID_DATE},
    {"2201", "\"input\": {\"data\": {" PSN ", \"insutype\": \"310\", \"begntime\": \"2025-03-18 :9:31:00\"}}",
     "a begntime with a colon for the hour's first digit", "input.data.begntime '2025-03-18 :9:31:00' is not a date: expected yyyy-MM-dd or yyyy-MM-dd HH:mm:ss", MB_E_INVALID_DATE},
    {"2201", "\"input\": {\"data\": {" PSN ", \"insutype\": \"310\", \"begntime\": \"2025-03-18 09::1:00\"}}",
     "a begntime with a colon for the minutes' first digit", "input.data.begntime '2025-03-18 09::1:00' is not a date: expected yyyy-MM-dd or yyyy-MM-dd HH:mm:ss", MB_E_INVALID_DATE},
    {"2201", "\"input\": {\"data\": {" PSN ", \"insutype\": \"310\", \"begntime\": \"2025-03-18 09:31::0\"}}",
     "a begntime with a colon for the seconds' first digit", "input.data.begntime '2025-03-18 09:31::0' is not a date: expected yyyy-MM-dd or yyyy-MM-dd HH:mm:ss", MB_E_INVALID_DATE},
    {"2201", "\"input\": {\"data\": {" PSN ", \"insutype\": \"310\", \"begntime\": \"2025-03-18 24:00:00\"}}",
     "a begntime with hour 24", "input.data.begntime '2025-03-18 24:00:00' is not a date: expected yyyy-MM-dd or yyyy-MM-dd HH:mm:ss", MB_E_INVALID_DATE},
    {"2201", "\"input\": {\"data\": {" PSN ", \"insutype\": \"310\", \"begntime\": \"2025-03-18 23:60:00\"}}",
     "a begntime with minute 60", "input.data.begntime '2025-03-18 23:60:00' is not a date: expected yyyy-MM-dd or yyyy-MM-dd HH:mm:ss", MB_E_INVALID_DATE},
    {"2201", "\"input\": {\"data\": {" PSN ", \"insutype\": \"310\", \"begntime\": \"2025-03-18 23:59:60\"}}",
     "a begntime with second 60", "input.data.begntime '2025-03-18 23:59:60' is not a date: expected yyyy-MM-dd or yyyy-MM-dd HH:mm:ss", MB_E_INVALID_DATE},
    /* 2204: selfpay_prop, a number or a string of one from 0 to 1 with four decimals at most */
    {"2204", "\"input\": {\"feedetail\": [{\"feedetl_sn\": \"FD0009\", \"mdtrt_id\": "
             "\"900000000001\", " PSN ", \"chrg_bchno\": \"CB1\", \"det_item_fee_sumamt\": 1, "
             "\"chrgitm_lv\": \"02\", \"selfpay_prop\": \"1.5\"}]}",
     "a selfpay_prop of a string above 1", "input.feedetail[0].selfpay_prop 1.5 is not a ratio from 0 to 1 with at most four decimals", MB_E_INVALID_ARGUMENT},
    {"2204", "\"input\": {\"feedetail\": [{\"feedetl_sn\": \"FD0009\", \"mdtrt_id\": "
             "\"900000000001\", " PSN ", \"chrg_bchno\": \"CB1\", \"det_item_fee_sumamt\": 1, "
             "\"chrgitm_lv\": \"02\", \"selfpay_prop\": true}]}",
     "a selfpay_prop of true", "input.feedetail[0].selfpay_prop (not a number) is not a ratio from 0 to 1 with at most four decimals", MB_E_INVALID_ARGUMENT},
    {"2204", "\"input\": {\"feedetail\": [{\"feedetl_sn\": \"FD0009\", \"mdtrt_id\": "
             "\"900000000001\", " PSN ", \"chrg_bchno\": \"CB1\", \"det_item_fee_sumamt\": 1, "
             "\"chrgitm_lv\": \"02\", \"selfpay_prop\": \"1e-1\"}]}",
     "a selfpay_prop of an exponent", "input.feedetail[0].selfpay_prop 1e-1 is not a ratio from 0 to 1 with at most four decimals", MB_E_INVALID_ARGUMENT},
    {"2204", "\"input\": {\"feedetail\": [{\"feedetl_sn\": \"FD0009\", \"mdtrt_id\": "
             "\"900000000001\", " PSN ", \"chrg_bchno\": \"CB1\", \"det_item_fee_sumamt\": 1, "
             "\"chrgitm_lv\": \"02\", \"selfpay_prop\": \"10%\"}]}",
     "a selfpay_prop of a percent sign", "input.feedetail[0].selfpay_prop 10% is not a ratio from 0 to 1 with at most four decimals", MB_E_INVALID_ARGUMENT},
    {"2204", "\"input\": {\"feedetail\": [{\"feedetl_sn\": \"FD0009\", \"mdtrt_id\": "
             "\"900000000001\", " PSN ", \"chrg_bchno\": \"CB1\", \"det_item_fee_sumamt\": 1, "
             "\"chrgitm_lv\": \"02\", \"selfpay_prop\": \"0.1000000000001\"}]}",
     "a selfpay_prop of thirteen characters", "input.feedetail[0].selfpay_prop 0.1000000000001 is not a ratio from 0 to 1 with at most four decimals", MB_E_INVALID_ARGUMENT},
    {"2204", "\"input\": {\"feedetail\": [{\"feedetl_sn\": \"FD0009\", \"mdtrt_id\": "
             "\"900000000001\", " PSN ", \"chrg_bchno\": \"CB1\", \"det_item_fee_sumamt\": 1, "
             "\"chrgitm_lv\": \"02\", \"selfpay_prop\": 0.12345}]}",
     "a selfpay_prop of five decimals", "input.feedetail[0].selfpay_prop 0.12345 is not a ratio from 0 to 1 with at most four decimals", MB_E_INVALID_ARGUMENT},
    /* 2204: the item's class (chrgitm_lv) and the first self-pay its class allows */
    {"2204", "\"input\": {\"feedetail\": [{\"feedetl_sn\": \"FD0009\", \"mdtrt_id\": "
             "\"900000000001\", " PSN ", \"chrg_bchno\": \"CB1\", \"det_item_fee_sumamt\": 1, "
             "\"chrgitm_lv\": \"1\"}]}",
     "a chrgitm_lv of one digit", "input.feedetail[0] (FD0009): chrgitm_lv '1' is not 01 甲类, 02 乙类 or 03 丙类", MB_E_UNKNOWN_CODE},
    {"2204", "\"input\": {\"feedetail\": [{\"feedetl_sn\": \"FD0009\", \"mdtrt_id\": "
             "\"900000000001\", " PSN ", \"chrg_bchno\": \"CB1\", \"det_item_fee_sumamt\": 1, "
             "\"chrgitm_lv\": \"01\", \"selfpay_prop\": 0.10}]}",
     "a 甲类 item with a first self-pay", "input.feedetail[0] (FD0009): selfpay_prop is not 0 for a 甲类 item", MB_E_INVALID_ARGUMENT},
    {"2204", "\"input\": {\"feedetail\": [{\"feedetl_sn\": \"FD0009\", \"mdtrt_id\": "
             "\"900000000001\", " PSN ", \"chrg_bchno\": \"CB1\", \"det_item_fee_sumamt\": 1, "
             "\"chrgitm_lv\": \"03\", \"selfpay_prop\": 0.5}]}",
     "a 丙类 item partly paid by the fund", "input.feedetail[0] (FD0009): selfpay_prop is not 1 for a 丙类 item", MB_E_INVALID_ARGUMENT},
    /* 2206: the request's own copy of the amounts is the uploaded details' (费用与明细不符), its flags 0 or 1, settled by item */
    {"2206", "\"input\": {\"data\": {" PSN ", \"mdtrt_id\": \"900000000001\", \"insutype\": "
             "\"310\", \"chrg_bchno\": \"CB1\", \"med_type\": \"14\", \"medfee_sumamt\": 210.20, \"fulamt_ownpay_amt\": 44.00}}",
     "a class C part that is not the details'", "input.data.fulamt_ownpay_amt 44.00 does not match the fee details uploaded for mdtrt_id 900000000001 (45.00)", MB_E_INVALID_AMOUNT},
    {"2206", "\"input\": {\"data\": {" PSN ", \"mdtrt_id\": \"900000000001\", \"insutype\": "
             "\"310\", \"chrg_bchno\": \"CB1\", \"med_type\": \"14\", \"medfee_sumamt\": 210.20, \"overlmt_selfpay\": 1.00}}",
     "an over-limit part the details do not have", "input.data.overlmt_selfpay 1.00 does not match the fee details uploaded for mdtrt_id 900000000001 (0.00)", MB_E_INVALID_AMOUNT},
    {"2206", "\"input\": {\"data\": {" PSN ", \"mdtrt_id\": \"900000000001\", \"insutype\": "
             "\"310\", \"chrg_bchno\": \"CB1\", \"med_type\": \"14\", \"medfee_sumamt\": 210.20, \"preselfpay_amt\": 11.00}}",
     "a first self-pay that is not the details'", "input.data.preselfpay_amt 11.00 does not match the fee details uploaded for mdtrt_id 900000000001 (11.40)", MB_E_INVALID_AMOUNT},
    {"2206", "\"input\": {\"data\": {" PSN ", \"mdtrt_id\": \"900000000001\", \"insutype\": "
             "\"310\", \"chrg_bchno\": \"CB1\", \"med_type\": \"14\", \"medfee_sumamt\": 210.20, \"inscp_scp_amt\": 153.00}}",
     "a policy-scope cost that is not the details'", "input.data.inscp_scp_amt 153.00 does not match the fee details uploaded for mdtrt_id 900000000001 (153.80)", MB_E_INVALID_AMOUNT},
    {"2206", "\"input\": {\"data\": {" PSN ", \"mdtrt_id\": \"900000000001\", \"insutype\": "
             "\"310\", \"chrg_bchno\": \"CB1\", \"med_type\": \"14\", \"medfee_sumamt\": 210.20, \"psn_setlway\": \"02\"}}",
     "settlement by quota", "input.data.psn_setlway 02: the library settles by item (01 按项目结算) only", MB_E_UNKNOWN_CODE},
    {"2206", "\"input\": {\"data\": {" PSN ", \"mdtrt_id\": \"900000000001\", \"insutype\": "
             "\"310\", \"chrg_bchno\": \"CB1\", \"med_type\": \"14\", \"medfee_sumamt\": 210.20, \"acct_used_flag\": \"2\"}}",
     "an account flag of 2", "input.data.acct_used_flag must be", MB_E_INVALID_ARGUMENT},
    {"2206", "\"input\": {\"data\": {" PSN ", \"mdtrt_id\": \"900000000001\", \"insutype\": "
             "\"310\", \"chrg_bchno\": \"CB1\", \"med_type\": \"14\", \"medfee_sumamt\": 210.20, \"mid_setl_flag\": \"x\"}}",
     "a mid-stay flag of x", "input.data.mid_setl_flag must be", MB_E_INVALID_ARGUMENT},
    {"2204", "\"input\": {\"feedetail\": [{\"feedetl_sn\": \"FD0009\", \"mdtrt_id\": "
             "\"900000000001\", " PSN ", \"chrg_bchno\": \"CB1\", \"det_item_fee_sumamt\": 1, "
             "\"chrgitm_lv\": \"04\"}]}",
     "a chrgitm_lv of no class", "input.feedetail[0] (FD0009): chrgitm_lv '04' is not 01 甲类, 02 乙类 or 03 丙类", MB_E_UNKNOWN_CODE},
    {"2301", "\"input\": {\"feedetail\": [{\"feedetl_sn\": \"FD0009\", \"mdtrt_id\": "
             "\"900000000001\", " PSN ", \"chrg_bchno\": \"CB1\", \"det_item_fee_sumamt\": 1, "
             "\"chrgitm_lv\": \"01\"}]}",
     "an inpatient message on an outpatient visit", "mdtrt_id 900000000001 is an outpatient visit: its messages are 2203, 2204, 2206, 2207 and 2208", MB_E_INVALID_ARGUMENT},
};

static void refused_requests_change_nothing(void)
{
    mb_platform *p = new_platform();
    fx_store store = {0};
    mb_platform_store s = {fx_store_load, fx_store_save, fx_store_done, &store};
    CHECK_RC(mb_platform_set_store(p, &s, NULL), MB_OK, "a caller's store");
    prepare(p);
    CHECK(store.saves == 6 && store.loads == 6 && store.dones == 6,
          "each of the six calls loaded, saved and finished once");
    char *before = malloc(store.len);
    size_t before_len = store.len;
    memcpy(before, store.data, store.len);
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        mb_error *err = mb_error_new();
        int rc = call(p, envelope(refused[i].infno, "2025-03-18 09:52:00", refused[i].body), err);
        CHECK_RC(rc, refused[i].status, refused[i].why);
        CHECK(says("\"infcode\": -1") && says("\"output\": null"), refused[i].why);
        if (!says(refused[i].says))
            fprintf(stderr, "  %s: %s\n", refused[i].why, response);
        CHECK(says(refused[i].says), refused[i].why);
        CHECK(strstr(mb_error_message(err), refused[i].says) != NULL, "err holds the message");
        mb_error_free(err);
    }
    /* malformed JSON and text that is not UTF-8: nothing parsed, nothing loaded */
    static const char broken[] = "{\"infno\": \"2206\", \"input\": {";
    static const char latin1[] = "{\"infno\": \"1101\", \"inf_time\": \"2025-03-18\", \"input\": "
                                 "{\"data\": {\"psn_name\": \"\xb2\xe2\xca\xd4\"}}}";
    CHECK_RC(mb_platform_call(p, broken, sizeof broken - 1, &response, &response_len, NULL),
             MB_E_PARSE, "malformed JSON");
    CHECK(says("\"infcode\": -1") && says("not valid JSON at line 1"), "said so, with where");
    CHECK_RC(mb_platform_call(p, latin1, sizeof latin1 - 1, &response, &response_len, NULL),
             MB_E_PARSE, "GBK text");
    if (!says("is not UTF-8: byte 77"))
        fprintf(stderr, "  %s\n", response);
    CHECK(says("is not UTF-8: byte 77"), "said so, with the byte");
    CHECK(store.saves == 6, "no refused request saved anything");
    CHECK(store.len == before_len && memcmp(store.data, before, before_len) == 0,
          "the state is byte for byte what it was");
    /* and the platform still works from it */
    CHECK_RC(call(p, envelope("2206", "2025-03-18 09:52:00", settle("900000000001", "210.20")),
                  NULL),
             MB_OK, "2206 after the refusals");
    CHECK(says("\"hifp_pay\": 123.04") && store.saves == 6, "the same answer; a preview saves nothing");
    free(before);
    free(store.data);
    mb_platform_free(p);
}

/* Fee details whose sum passes 10^12 yuan (each row within it): 2206 and 2207 are refused
 * with MB_E_OVERFLOW, naming the visit, never settled with a wrapped total. */
static void fees_past_the_largest_amount(void)
{
    mb_platform *p = new_platform();
    prepare(p);
    static const char huge[] =
        "\"input\": {\"feedetail\": ["
        "{\"feedetl_sn\": \"FD0101\", \"mdtrt_id\": \"900000000001\", " PSN ", \"chrg_bchno\": "
        "\"CB9\", \"det_item_fee_sumamt\": 999999999999.99, \"chrgitm_lv\": \"01\"},"
        "{\"feedetl_sn\": \"FD0102\", \"mdtrt_id\": \"900000000001\", " PSN ", \"chrg_bchno\": "
        "\"CB9\", \"det_item_fee_sumamt\": 999999999999.99, \"chrgitm_lv\": \"01\"}]}";
    CHECK_RC(call(p, envelope("2204", "2025-03-18 09:51:00", huge), NULL), MB_OK,
             "two rows of 999999999999.99 upload: each is an amount");
    char body[1024];
    snprintf(body, sizeof body,
             "\"input\": {\"data\": {" PSN ", \"mdtrt_cert_type\": \"02\", \"med_type\": "
             "\"14\", \"medfee_sumamt\": 1.00, \"psn_setlway\": \"01\", \"mdtrt_id\": "
             "\"900000000001\", \"chrg_bchno\": \"CB9\", \"acct_used_flag\": \"1\", "
             "\"insutype\": \"310\"}}");
    mb_error *err = mb_error_new();
    for (int commit = 0; commit < 2; commit++) {
        CHECK_RC(call(p, envelope(commit ? "2207" : "2206", "2025-03-18 09:52:00", body), err),
                 MB_E_OVERFLOW, "their sum is refused");
        CHECK(says("the fee details of mdtrt_id 900000000001 add up past 10^12 yuan"),
              "naming the visit");
    }
    mb_error_free(err);
    mb_platform_free(p);
}

/* A 02 乙类 item uploaded without selfpay_prop takes the first self-pay of the visit's chain,
 * which its med_type picks: before the diagnosis (2203) names it, the upload is refused. */
static void class_b_before_the_diagnosis(void)
{
    mb_platform *p = new_platform();
    prepare(p);
    CHECK_RC(call(p, envelope("2201", "2025-03-19 09:31:00", visit("2025-03-19")), NULL), MB_OK,
             "a second visit");
    static const char fee[] =
        "\"input\": {\"feedetail\": [{\"feedetl_sn\": \"FD0001\", \"mdtrt_id\": \"900000000002\", "
        PSN ", \"chrg_bchno\": \"CB1\", \"det_item_fee_sumamt\": 114.00, \"chrgitm_lv\": \"02\"}]}";
    mb_error *err = mb_error_new();
    CHECK_RC(call(p, envelope("2204", "2025-03-19 09:50:00", fee), err), MB_E_INVALID_ARGUMENT,
             "a 乙类 item before 2203");
    CHECK(says("input.feedetail[0] (FD0001): a 02 乙类 item without selfpay_prop takes the "
               "ruleset's first self-pay, which depends on the visit's med_type: upload the visit "
               "(2203) first, or send selfpay_prop"),
          "says to send 2203 first, or selfpay_prop");
    CHECK_RC(call(p, envelope("2203", "2025-03-19 09:45:00", diagnosis("900000000002")), NULL),
             MB_OK, "2203");
    CHECK_RC(call(p, envelope("2204", "2025-03-19 09:50:00", fee), err), MB_OK,
             "after 2203 the same upload");
    /* jiaozuo-chronic-2022 class_b_first_selfpay 10%: 114.00 x 10% = 11.40 */
    CHECK(says("\"preselfpay_amt\": 11.40"), "with the chain's first self-pay, 10%");
    mb_error_free(err);
    mb_platform_free(p);
}

/* A request longer than the platform reads (8 MiB) is refused by its length, unparsed. */
static void a_request_past_8_mib(void)
{
    mb_platform *p = new_platform();
    size_t n = ((size_t)8 << 20) + 1;
    char *big = malloc(n);
    memset(big, ' ', n);
    mb_error *err = mb_error_new();
    CHECK_RC(mb_platform_call(p, big, n, &response, &response_len, err), MB_E_PARSE,
             "8 MiB and a byte");
    CHECK(says("\"infcode\": -1") &&
              says("the request is longer than 8 MiB (8388608 bytes), the most a request may be"),
          "says what the most is");
    free(big);
    mb_error_free(err);
    mb_platform_free(p);
}

/* A string written with escapes longer than the JSON reader's first buffer (\u6d4b, 测, 1500
 * times): decoded whole, and answered back as the UTF-8 it stands for. */
static void a_long_escaped_string(void)
{
    mb_platform *p = new_platform();
    static char body[32768], name[16384], want[16384];
    size_t n = 0, w = 0;
    for (int i = 0; i < 1500; i++) {
        n += (size_t)snprintf(name + n, sizeof name - n, "\\u6d4b");
        w += (size_t)snprintf(want + w, sizeof want - w, "测");
    }
    snprintf(body, sizeof body,
             "\"input\": {\"data\": {\"psn_cert_type\": \"01\"}}, \"output\": {\"baseinfo\": {" PSN
             ", \"psn_name\": \"%s\"}, \"insuinfo\": [{\"balc\": 0.00, \"insutype\": \"310\", "
             "\"psn_type\": \"1101\"}], \"idetinfo\": []}",
             name);
    CHECK_RC(call(p, envelope("1101", "2025-03-18 09:30:05", body), NULL), MB_OK,
             "a 1101 whose psn_name is 1500 escaped characters");
    CHECK(says(want), "the name answered back whole, as UTF-8");
    mb_platform_free(p);
}

/* ---- a damaged state ------------------------------------------------------------------------ */

/* The state `good` with the first `from` after `after` replaced by `to`, into the store. */
static bool put_damaged(fx_store *store, const char *good, const char *after, const char *from,
                        const char *to)
{
    const char *at = strstr(good, after);
    at = at ? strstr(at + strlen(after), from) : NULL;
    if (at == NULL)
        return false;
    static char text[1 << 18];
    size_t head = (size_t)(at - good);
    int n = snprintf(text, sizeof text, "%.*s%s%s", (int)head, good, to, at + strlen(from));
    fx_store_put(store, text, (size_t)n);
    return true;
}

/* A state the store hands back damaged (docs/platform.md, the state): the person's enrollee not
 * base64 in each way, an id counter that is no counter, and one that has run out. Each is
 * refused with what is wrong, and nothing is saved. */
static void a_damaged_state(void)
{
    mb_platform *p = new_platform();
    fx_store store = {0};
    mb_platform_store s = {fx_store_load, fx_store_save, fx_store_done, &store};
    CHECK_RC(mb_platform_set_store(p, &s, NULL), MB_OK, "a caller's store");
    prepare(p);
    char *good = malloc(store.len + 1);
    memcpy(good, store.data, store.len);
    good[store.len] = '\0';
    static const struct {
        const char *after, *from, *to, *infno, *body, *says, *why;
        int status;
    } damage[] = {
        {"\"enrollee\": \"", "", "*", "1101", "\"input\": {\"data\": {" PSN "}}",
         "a person's enrollee is not base64", "a character outside base64", MB_E_CORRUPT},
        {"\"enrollee\": \"", "", "A=AA", "1101", "\"input\": {\"data\": {" PSN "}}",
         "a person's enrollee is not base64", "padding in the second place", MB_E_CORRUPT},
        {"\"enrollee\": \"", "", "AA=A", "1101", "\"input\": {\"data\": {" PSN "}}",
         "a person's enrollee is not base64", "padding before the last group", MB_E_CORRUPT},
        {"\"enrollee\": \"", "", "AAA", "1101", "\"input\": {\"data\": {" PSN "}}",
         "a person's enrollee is not base64", "a length that is not a multiple of 4", MB_E_CORRUPT},
        {"\"next_mdtrt\": ", "2", "100000000000", "2201", NULL,
         "an id counter is not a number", "a counter of twelve digits", MB_E_CORRUPT},
        {"\"next_mdtrt\": ", "2", "99999999999", "2201", NULL,
         "the state has issued every mdtrt id it can", "the last visit id", MB_E_CAPACITY},
        {"\"fees\": ", "[", "7, \"was\": [", "2204", "\"input\": {\"feedetail\": [{\"feedetl_sn\": "
         "\"FD0009\", \"mdtrt_id\": \"900000000001\", " PSN ", \"chrg_bchno\": \"CB1\", "
         "\"det_item_fee_sumamt\": 1, \"chrgitm_lv\": \"01\"}]}",
         "a visit's fees or settlements are not a list", "a visit's fees that are no list",
         MB_E_CORRUPT},
    };
    for (size_t i = 0; i < sizeof damage / sizeof damage[0]; i++) {
        CHECK(put_damaged(&store, good, damage[i].after, damage[i].from, damage[i].to),
              damage[i].why);
        int saves = store.saves;
        const char *body = damage[i].body ? damage[i].body : visit("2025-03-19");
        CHECK_RC(call(p, envelope(damage[i].infno, "2025-03-19 09:30:05", body), NULL),
                 damage[i].status, damage[i].why);
        if (!says(damage[i].says))
            fprintf(stderr, "  %s: %s\n", damage[i].why, response);
        CHECK(says("\"infcode\": -1") && says(damage[i].says), damage[i].why);
        CHECK(store.saves == saves, "a damaged state is not saved over");
    }
    free(good);
    free(store.data);
    mb_platform_free(p);
}

/* ---- a directory ----------------------------------------------------------------------------- */

static size_t read_file(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return 0;
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += e->d_name[0] != '.' || (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."));
    if (d)
        closedir(d);
    return n;
}

static void a_state_directory(void)
{
    char dir[] = "/tmp/mb-platform-test.XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "a scratch directory");
    mb_platform *p = new_platform();
    CHECK_RC(mb_platform_set_state_dir(p, dir, NULL), MB_OK, "the state directory");
    prepare(p);
    char path[256];
    snprintf(path, sizeof path, "%s/platform-state.json", dir);
    static char before[1 << 18], after[1 << 18];
    size_t n = read_file(path, before, sizeof before);
    CHECK(n > 0 && count_entries(dir) == 1, "one file: the state");
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "readable by its owner only");
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        CHECK_RC(call(p, envelope(refused[i].infno, "2025-03-18 09:52:00", refused[i].body), NULL),
                 refused[i].status, refused[i].why);
    CHECK(read_file(path, after, sizeof after) == n && memcmp(before, after, n) == 0 &&
              count_entries(dir) == 1,
          "refused requests leave the directory byte for byte as it was");
    /* a second platform (another process, in effect) continues from the directory */
    mb_platform *q = new_platform();
    CHECK_RC(mb_platform_set_state_dir(q, dir, NULL), MB_OK, "the same directory");
    CHECK_RC(call(q, envelope("2207", "2025-03-18 09:53:00", settle("900000000001", "210.20")),
                  NULL),
             MB_OK, "2207 from another handle");
    CHECK(says("\"setl_id\": \"800000000001\"") && says("\"psn_cash_pay\": 37.16"),
          "settled from the state the first handle left");
    CHECK_RC(call(p, envelope("2207", "2025-03-18 09:54:00", settle("900000000001", "210.20")), NULL),
             MB_E_STATE, "and the first handle sees it settled");
    mb_platform_free(p);
    mb_platform_free(q);
    unlink(path);
    rmdir(dir);
}

static void err_is_left_alone_on_success(void)
{
    mb_platform *p = new_platform();
    mb_error *err = mb_error_new();
    CHECK_RC(call(p, "{}", err), MB_E_INVALID_ARGUMENT, "an envelope without infno");
    CHECK(says("the request.infno is required"), "says what is missing");
    CHECK_RC(call(p, envelope("1101", "2025-03-18 09:30:05", REC_1101), err), MB_OK, "1101");
    CHECK(mb_error_status(err) == MB_E_INVALID_ARGUMENT,
          "a successful call leaves the error report alone");
    mb_error_free(err);
    mb_platform_free(p);
}

/* What mb_platform_new and mb_platform_set_store refuse: a fixed chain out of tier order, a
 * store without save. A caller's store without `done` is a store. */
static void platform_arguments(void)
{
    mb_ruleset *ci = fx_ruleset(MB_TEST_CI);
    const mb_ruleset *backwards[] = {ci, jiaozuo};
    mb_platform *p = (mb_platform *)(uintptr_t)1;
    mb_error *err = mb_error_new();
    CHECK_RC(mb_platform_new(&p, backwards, 2, MB_PLATFORM_FIXED_CHAIN, err), MB_E_CHAIN,
             "a fixed chain of the critical-illness tier before the basic one");
    CHECK(strstr(mb_error_message(err), "a chain is in tier order") != NULL, "says the order");
    p = new_platform();
    fx_store store = {0};
    mb_platform_store no_save = {fx_store_load, NULL, NULL, &store};
    CHECK_RC(mb_platform_set_store(p, &no_save, err), MB_E_INVALID_ARGUMENT, "a store without save");
    CHECK(strstr(mb_error_message(err), "a store needs load and save") != NULL, "says so");
    mb_platform_store no_load = {NULL, fx_store_save, NULL, &store};
    CHECK_RC(mb_platform_set_store(p, &no_load, err), MB_E_INVALID_ARGUMENT, "a store without load");
    CHECK_RC(mb_platform_set_store(p, NULL, err), MB_E_INVALID_ARGUMENT, "no store");
    mb_platform_store no_done = {fx_store_load, fx_store_save, NULL, &store};
    CHECK_RC(mb_platform_set_store(NULL, &no_done, err), MB_E_INVALID_ARGUMENT, "no platform");
    CHECK(strstr(mb_error_message(err), "a store needs load and save") != NULL, "says so");
    CHECK_RC(mb_platform_set_store(p, &no_done, err), MB_OK, "a store without done");
    CHECK_RC(call(p, envelope("1101", "2025-03-18 09:30:05", REC_1101), err), MB_OK, "1101");
    CHECK(store.saves == 1 && store.loads == 1 && store.dones == 0,
          "loaded and saved once, no done to call");
    mb_platform_free(p);
    fx_store_clear(&store);
    mb_error_free(err);
    mb_ruleset_free(ci);
}

/* A caller's store whose state is `len` bytes at `data`, the same every load; saves are kept
 * by the memory store. */
typedef struct fixed_state {
    const void *data;
    size_t len;
    fx_store saved;
} fixed_state;

static int fixed_load(void *ctx, const void **data, size_t *len, mb_error *err)
{
    (void)err;
    fixed_state *f = ctx;
    *data = f->data;
    *len = f->len;
    return MB_OK;
}

static int fixed_save(void *ctx, const void *data, size_t len, mb_error *err)
{
    return fx_store_save(&((fixed_state *)ctx)->saved, data, len, err);
}

/* docs/platform.md, the state: a store's empty state (0 bytes, wherever they are) is a platform
 * with no state yet; one past 256 MiB is refused as corrupt without being read (the pages
 * below are reserved, never written), and nothing is saved. */
static void a_state_empty_and_past_256_mib(void)
{
    mb_platform *p = new_platform();
    static const char nothing[1] = "";
    fixed_state empty = {nothing, 0, {0}};
    mb_platform_store s = {fixed_load, fixed_save, NULL, &empty};
    CHECK_RC(mb_platform_set_store(p, &s, NULL), MB_OK, "a store of an empty state");
    CHECK_RC(call(p, envelope("1101", "2025-03-18 09:30:05", REC_1101), NULL), MB_OK,
             "1101 on an empty state");
    CHECK(empty.saved.saves == 1 && empty.saved.len > 0, "a new state is saved");
    size_t huge = (size_t)256 * 1024 * 1024 + 1;
    void *pages = mmap(NULL, huge, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CHECK(pages != MAP_FAILED, "256 MiB of address space");
    if (pages != MAP_FAILED) {
        fixed_state big = {pages, huge, {0}};
        mb_platform_store b = {fixed_load, fixed_save, NULL, &big};
        CHECK_RC(mb_platform_set_store(p, &b, NULL), MB_OK, "a store of 256 MiB and a byte");
        mb_error *err = mb_error_new();
        CHECK_RC(call(p, envelope("1101", "2025-03-18 09:30:05", REC_1101), err), MB_E_CORRUPT,
                 "a state past 256 MiB");
        CHECK(strstr(mb_error_message(err), "larger than 256 MiB") != NULL && says("\"infcode\": -1"),
              "says it is too large");
        CHECK(big.saved.saves == 0, "nothing is saved");
        mb_error_free(err);
        munmap(pages, huge);
    }
    free(empty.saved.data);
    mb_platform_free(p);
}

/* warn_msg holds what fits its room (1023 bytes): thirty cuminfo rows no ruleset maps, of 73
 * bytes a warning and 2 between, are named in order until the room is full (the 14th cut at
 * it: 13 x 75 = 975 bytes before it, 975 + 73 > 1023), the rest left out. */
static void warnings_past_their_room(void)
{
    mb_platform *p = new_platform();
    CHECK_RC(call(p, envelope("1101", "2025-03-18 09:30:05", REC_1101), NULL), MB_OK, "1101");
    static char body[8192];
    size_t n = (size_t)snprintf(body, sizeof body,
                                "\"input\": {\"data\": {" PSN "}}, \"output\": {\"cuminfo\": [");
    for (int k = 0; k < 30; k++)
        n += (size_t)snprintf(body + n, sizeof body - n,
                              "%s{\"insutype\": \"310\", \"year\": \"2025\", \"cum_type_code\": "
                              "\"UNMAPPED_%02d\", \"cum\": 1.00}", k ? ", " : "", k);
    snprintf(body + n, sizeof body - n, "]}");
    CHECK_RC(call(p, envelope("5206", "2025-03-18 09:30:15", body), NULL), MB_OK,
             "5206 of thirty rows no ruleset maps");
    const char *warn = response ? strstr(response, "\"warn_msg\": \"") : NULL;
    const char *end = warn ? strchr(warn + 13, '"') : NULL;
    CHECK(end != NULL && (size_t)(end - warn - 13) <= 1023, "warn_msg within its 1023 bytes");
    char text[1100] = "";
    if (end != NULL && (size_t)(end - warn - 13) < sizeof text)
        memcpy(text, warn + 13, (size_t)(end - warn - 13));
    static const char first[] = "cuminfo UNMAPPED_00 (insutype 310) seeds no accumulator of "
                                "these rulesets; cuminfo UNMAPPED_01";
    CHECK(strncmp(text, first, sizeof first - 1) == 0 &&
              strstr(text, "UNMAPPED_13") != NULL && strstr(text, "UNMAPPED_29") == NULL,
          "the first rows named in order, the last past the room");
    mb_platform_free(p);
}

/* A psn_idet_type that a ruleset's declared group lists (groups: psn_idet_type) becomes a named
 * identity of the person, and the group's rows apply: 153.80 in scope (as above) x 90% for
 * 返贫致贫人口 = 138.42, where the person without it is paid 80% = 123.04. */
static void a_declared_group(void)
{
    static const char text[] =
        "id: grp-platform\ntitle: 组\ndocument: 测试〔2025〕1号\ntier: basic\n"
        "effective_from: 2025-01-01\nschemes: [employee]\n"
        "account: {value: last, cite: 测试〔2025〕1号 一}\n"
        "class_b_first_selfpay: {value: 10%, cite: 测试〔2025〕1号 二}\n"
        "groups:\n  - {name: returned_poverty, label: 返贫致贫人口, psn_idet_type: [\"2301\"],\n"
        "     cite: 测试〔2025〕1号 三}\n"
        "catalogue:\n  - {code: M03900, name: 高血压, cite: 测试〔2025〕1号 四}\n"
        "funds:\n  - {key: pooling, employee: \"310100\", name: 统筹基金, amount: hifp_pay}\n"
        "layers:\n  - id: chronic\n    cite: 测试〔2025〕1号 五\n    med_types: [chronic]\n"
        "    requires: [certified_disease]\n    fund: pooling\n    ratio:\n"
        "      - {all: 80%, cite: 测试〔2025〕1号 五（80%）}\n"
        "      - {group: returned_poverty, all: 90%, cite: 测试〔2025〕1号 五（返贫致贫人口90%）}\n"
        "platform:\n  insuplc_admdvs: {codes: [\"9901\"], assumption: a test region}\n"
        "  insutype: {codes: [\"310\"], assumption: employees}\n";
    mb_ruleset *rs = NULL;
    mb_error *err = mb_error_new();
    CHECK_RC(mb_ruleset_load_buffer(&rs, text, strlen(text), "grp-platform.yaml", err), MB_OK,
             "a ruleset with a declared group and a platform block");
    if (rs == NULL) {
        fprintf(stderr, "  %s\n", mb_error_message(err));
        mb_error_free(err);
        return;
    }
    mb_platform *p = NULL;
    const mb_ruleset *chain[] = {rs};
    CHECK_RC(mb_platform_new(&p, chain, 1, MB_PLATFORM_FIXED_CHAIN, NULL), MB_OK, "platform");
    CHECK_RC(mb_platform_set_facility(p, "H00000000001", MB_LEVEL_SECONDARY, NULL), MB_OK,
             "the institution's level");
    char rec[4096];
    snprintf(rec, sizeof rec, "%.*s[{\"psn_idet_type\": \"2301\", \"begntime\": "
             "\"2025-01-01 00:00:00\"}, {\"psn_idet_type\": \"9999\", \"begntime\": "
             "\"2025-01-01\"}]}", (int)(strlen(REC_1101) - 3), REC_1101);
    CHECK_RC(call(p, envelope("1101", "2025-03-18 09:30:05", rec), NULL), MB_OK, "1101");
    CHECK(says("psn_idet_type 9999 is no assistance identity"),
          "a code no ruleset knows is passed over, said so");
    CHECK_RC(call(p, envelope("5301", "2025-03-18 09:30:10", REC_5301), NULL), MB_OK, "5301");
    a_visit_uploaded(p, "2025-03-18", "900000000001");
    CHECK_RC(call(p, envelope("2206", "2025-03-18 09:52:00", settle("900000000001", "210.20")),
                  NULL),
             MB_OK, "2206");
    CHECK(says("\"inscp_scp_amt\": 153.80") && says("\"hifp_pay\": 138.42"),
          "the group's 90%: 153.80 x 90% = 138.42");
    mb_platform_free(p);
    mb_ruleset_free(rs);
    mb_error_free(err);
}


/* ---- 5206 figures, identities and registrations of rulesets written for the test ---------- */

/* A ruleset of the test region (9901) loaded from `text`, and a platform on it alone (a fixed
 * chain) keeping its state in `store`. */
static mb_platform *platform_on(const mb_ruleset *const *chain, size_t n, fx_store *store)
{
    mb_platform *p = NULL;
    mb_platform_store s = {fx_store_load, fx_store_save, fx_store_done, store};
    CHECK_RC(mb_platform_new(&p, chain, n, MB_PLATFORM_FIXED_CHAIN, NULL), MB_OK, "platform");
    CHECK_RC(mb_platform_set_facility(p, "H00000000001", MB_LEVEL_SECONDARY, NULL), MB_OK,
             "the institution's level");
    CHECK_RC(mb_platform_set_store(p, &s, NULL), MB_OK, "a caller's store");
    return p;
}

/* A platform on the one ruleset loaded from `text` (`name` in reports), *rs, keeping its state
 * in `store`; NULL when the ruleset does not load (a failed fixture). */
static mb_platform *platform_of(const char *text, const char *name, mb_ruleset **rs,
                                fx_store *store)
{
    *rs = fx_ruleset_text(text, name);
    if (*rs == NULL)
        return NULL;
    const mb_ruleset *chain[] = {*rs};
    return platform_on(chain, 1, store);
}

/* `call` is refused with `status` and a message holding `message`, answered with infcode -1,
 * and the store's state is byte for byte what it was. */
static void refused_unchanged(mb_platform *p, fx_store *store, const char *request, int status,
                              const char *message, const char *why)
{
    char *before = malloc(store->len + 1);
    size_t before_len = store->len;
    if (before_len > 0) /* no state yet: NULL, which memcpy may not be given */
        memcpy(before, store->data, before_len);
    int saves = store->saves;
    mb_error *err = mb_error_new();
    CHECK_RC(call(p, request, err), status, why);
    if (strstr(mb_error_message(err), message) == NULL)
        fprintf(stderr, "  %s: %s\n", why, mb_error_message(err));
    CHECK(strstr(mb_error_message(err), message) != NULL, why);
    CHECK(says("\"infcode\": -1") && says(message), "answered with infcode -1 and the message");
    CHECK(store->saves == saves && store->len == before_len &&
              (before_len == 0 || memcmp(store->data, before, before_len) == 0),
          "the state is byte for byte what it was");
    mb_error_free(err);
    free(before);
}

/* The chronic layer of 测试〔2025〕2号 pays 80% above a 200-yuan deductible of the year, up to
 * 150 yuan a quarter (cap period quarter); the platform's figures map to its accumulators:
 * Q_PAID to its payments (chronic.paid, kept by quarter), Y_BASE and Y_BASE_2 both to its base
 * (chronic.base, by year), which they add into. */
static const char QUARTERLY[] =
    "id: quarterly\ntitle: 按季封顶\ndocument: 测试〔2025〕2号\ntier: basic\n"
    "effective_from: 2025-01-01\nschemes: [employee]\n"
    "account: {value: last, cite: 测试〔2025〕2号 一}\n"
    "class_b_first_selfpay: {value: 10%, cite: 测试〔2025〕2号 二}\n"
    "catalogue:\n  - {code: M03900, name: 高血压, cite: 测试〔2025〕2号 三}\n"
    "funds:\n  - {key: pooling, employee: \"310100\", name: 统筹基金, amount: hifp_pay}\n"
    "layers:\n  - id: chronic\n    cite: 测试〔2025〕2号 四\n    med_types: [chronic]\n"
    "    fund: pooling\n"
    "    deductible: [{all: 200, cite: 测试〔2025〕2号 四（起付200元）}]\n"
    "    ratio: [{all: 80%, cite: 测试〔2025〕2号 四（80%）}]\n"
    "    cap: {period: quarter, values: [{all: 150, cite: 测试〔2025〕2号 四（每季度150元）}]}\n"
    "platform:\n  insuplc_admdvs: {codes: [\"9901\"], assumption: a test region}\n"
    "  insutype: {codes: [\"310\"], assumption: employees}\n"
    "  cum_type_code:\n"
    "    - {code: Q_PAID, key: chronic.paid, assumption: the layer's payments this quarter}\n"
    "    - {code: Y_BASE, key: chronic.base, assumption: the base of the year (one part)}\n"
    "    - {code: Y_BASE_2, key: chronic.base, assumption: the base of the year (another part)}\n"
    "  psn_idet_type:\n"
    "    - {code: \"2304\", category: extreme_poverty, assumption: 特困人员}\n"
    "    - {code: \"2305\", category: orphan, assumption: 孤儿}\n";

/* One 5206 row of `code`, of `period` ("year": "yyyy" or "cum_ym": "yyyyMM"), of `cum` yuan. */
#define CUM_ROW(code, period, cum)                                                             \
    "{\"insutype\": \"310\", " period ", \"cum_type_code\": \"" code "\", \"cum\": " cum "}"

/* docs/ruleset-format.md, platform: a 5206 row seeds the accumulator its cum_type_code maps,
 * for the period that accumulator is kept by: a quarter's from its cum_ym (a row of a year
 * alone is refused for it), a year's from its year; rows of codes that seed one key add up;
 * a row of a year the ruleset is not in force is passed over, said in warn_msg. Asked offline,
 * 5206 answers each code from its key, except a key several codes add into.
 * The two visits of 2025-05 (the fee details of the file's head, 153.80 in scope each):
 *   the base seeded 100 + 20 = 120 (Y_BASE + Y_BASE_2): 200 - 120 = 80 of the deductible left;
 *   visit 1 (153.80 - 80) x 80% = 59.04, within the quarter's cap: 150 - 60 (Q_PAID of
 *   2025Q2; Q1's 100 counts for its own quarter) = 90 left;
 *   visit 2, the deductible met: 153.80 x 80% = 123.04, cut to 90 - 59.04 = 30.96. */
static void figures_by_quarter_and_codes_that_add_up(void)
{
    mb_ruleset *rs;
    fx_store store = {0};
    mb_platform *p = platform_of(QUARTERLY, "quarterly.yaml", &rs, &store);
    if (p == NULL)
        return;
    CHECK_RC(call(p, envelope("1101", "2025-05-18 09:30:05", REC_1101), NULL), MB_OK, "1101");
    CHECK_RC(call(p, envelope("5301", "2025-05-18 09:30:10", REC_5301), NULL), MB_OK, "5301");

    refused_unchanged(p, &store,
                      envelope("5206", "2025-05-18 09:30:15",
                               "\"input\": {\"data\": {" PSN "}}, \"output\": {\"cuminfo\": ["
                               CUM_ROW("Q_PAID", "\"year\": \"2025\"", "60.00") "]}"),
                      MB_E_INVALID_DATE,
                      "output.cuminfo[0]: cum_ym is required, its accumulator is kept by quarter",
                      "a quarter's figure given by its year alone");

    CHECK_RC(call(p, envelope("5206", "2025-05-18 09:30:20",
                              "\"input\": {\"data\": {" PSN "}}, \"output\": {\"cuminfo\": ["
                              CUM_ROW("Q_PAID", "\"cum_ym\": \"202502\"", "100.00") ", "
                              CUM_ROW("Q_PAID", "\"cum_ym\": \"202505\"", "60.00") ", "
                              CUM_ROW("Q_PAID", "\"cum_ym\": \"202511\"", "10.00") ", "
                              CUM_ROW("Y_BASE", "\"year\": \"2025\"", "100.00") ", "
                              CUM_ROW("Y_BASE_2", "\"year\": \"2025\"", "20.00") ", "
                              CUM_ROW("Y_BASE", "\"year\": \"2024\"", "5.00") "]}"),
                  NULL),
             MB_OK, "5206 recorded");
    CHECK(says("Y_BASE (insutype 310) seeds no accumulator"),
          "the row of 2024, before the ruleset is in force, is passed over and named");

    CHECK_RC(call(p, envelope("5206", "2025-05-18 09:30:25",
                              "\"input\": {\"data\": {" PSN ", \"cum_ym\": \"202505\"}}"),
                  NULL),
             MB_OK, "5206 asked offline");
    CHECK(says("\"cum_type_code\": \"Q_PAID\"") && says("\"cum\": 60.00"),
          "the quarter of 202505 answered from chronic.paid: 60.00, not Q1's 100.00");
    CHECK(!says("\"cum_type_code\": \"Y_BASE"), "the base, two codes' sum, is not split back");

    a_visit_uploaded(p, "2025-05-18", "900000000001");
    CHECK_RC(call(p, envelope("2207", "2025-05-18 09:53:00", settle("900000000001", "210.20")),
                  NULL),
             MB_OK, "2207 of visit 1");
    CHECK(says("\"inscp_scp_amt\": 153.80") && says("\"hifp_pay\": 59.04"),
          "(153.80 - (200 - 120)) x 80% = 59.04: the two base codes added up");
    a_visit_uploaded(p, "2025-05-19", "900000000002");
    CHECK_RC(call(p, envelope("2206", "2025-05-19 09:52:00", settle("900000000002", "210.20")),
                  NULL),
             MB_OK, "2206 of visit 2");
    CHECK(says("\"hifp_pay\": 30.96") && says("\"crt_payb_lmt_amt\": 0.00"),
          "153.80 x 80% = 123.04, cut to the quarter's 150 - 60 - 59.04 = 30.96");
    free(store.data);
    mb_platform_free(p);
    mb_ruleset_free(rs);
}


/* An assistance ruleset beside QUARTERLY that reads psn_idet_type 2304 as another category. */
static const char ASSISTANCE[] =
    "id: assist-orphan\ntitle: 救助\ndocument: 测试〔2025〕3号\ntier: assistance\n"
    "effective_from: 2025-01-01\nupstream: {cite: 测试〔2025〕3号 一}\n"
    "class_b_first_selfpay: {value: 0%, cite: 测试〔2025〕3号 二}\n"
    "categories: [{name: orphan, ratio: 100%, cite: 测试〔2025〕3号 三}]\n"
    "funds:\n  - {key: a, employee: \"610100\", name: 医疗救助基金, amount: maf_pay}\n"
    "layers:\n  - {id: assist, cite: 测试〔2025〕3号 四, med_types: [chronic],\n"
    "     requires: [assistance_identity], fund: a, base: remaining, ratio_source: category}\n"
    "platform:\n  psn_idet_type:\n    - {code: \"2304\", category: orphan, assumption: 孤儿}\n"
    "    - {code: \"2305\", category: orphan, assumption: 孤儿}\n";

/* A person's identity is one assistance category (docs/platform.md, 1101): a psn_idet_type two
 * rulesets of the chain read as different categories is refused, naming both; and a person
 * has one designated institution: a 5301 whose registrations name two is refused. Neither
 * changes the state. */
static void an_identity_read_two_ways_and_two_institutions(void)
{
    mb_ruleset *basic, *assist;
    if (!fx_ruleset_both(&basic, QUARTERLY, "quarterly.yaml", &assist, ASSISTANCE,
                         "assist-orphan.yaml"))
        return;
    const mb_ruleset *chain[] = {basic, assist};
    fx_store store = {0};
    mb_platform *p = platform_on(chain, 2, &store);
    char rec[4096];
    snprintf(rec, sizeof rec, "%.*s[{\"psn_idet_type\": \"2304\", \"begntime\": \"2025-01-01\"}]}",
             (int)(strlen(REC_1101) - 3), REC_1101);
    refused_unchanged(p, &store, envelope("1101", "2025-05-18 09:30:05", rec), MB_E_RULESET,
                      "output.idetinfo[0]: psn_idet_type 2304 is extreme_poverty in quarterly "
                      "but orphan in assist-orphan",
                      "one code, two categories");
    snprintf(rec, sizeof rec, "%.*s[{\"psn_idet_type\": \"2305\", \"begntime\": \"2025-01-01\"}]}",
             (int)(strlen(REC_1101) - 3), REC_1101);
    CHECK_RC(call(p, envelope("1101", "2025-05-18 09:30:06", rec), NULL), MB_OK,
             "1101 with a code both rulesets read as orphan");
    refused_unchanged(p, &store,
                      envelope("5301", "2025-05-18 09:30:10",
                               "\"input\": {\"data\": {" PSN "}}, \"output\": {\"feedetail\": ["
                               "{\"opsp_dise_code\": \"M03900\", \"begndate\": \"2025-01-01\", "
                               "\"fixmedins_code\": \"H00000000001\"}, "
                               "{\"opsp_dise_code\": \"M03900\", \"begndate\": \"2025-02-01\", "
                               "\"fixmedins_code\": \"H00000000002\"}]}"),
                      MB_E_INVALID_ARGUMENT,
                      "output.feedetail[1].fixmedins_code H00000000002: another registration "
                      "names H00000000001, and a person has one designated institution",
                      "two designated institutions");
    CHECK_RC(call(p, envelope("5301", "2025-05-18 09:30:12",
                              "\"input\": {\"data\": {" PSN "}}, \"output\": {\"feedetail\": ["
                              "{\"opsp_dise_code\": \"M03900\", \"begndate\": \"2025-01-01\", "
                              "\"fixmedins_code\": \"H00000000001\"}, "
                              "{\"opsp_dise_code\": \"I20000\", \"begndate\": \"2025-02-01\", "
                              "\"fixmedins_code\": \"H00000000001\"}]}"),
                  NULL),
             MB_OK, "two registrations at one institution");
    free(store.data);
    mb_platform_free(p);
    mb_ruleset_free(assist);
    mb_ruleset_free(basic);
}

/* 测试〔2025〕5号, as the stays below read it: 80% of the policy scope of an admission from the
 * first yuan (an assumption of the test), in the test region. */
static const char STAY[] =
    "id: stay\ntitle: 住院\ndocument: 测试〔2025〕5号\ntier: basic\neffective_from: 2025-01-01\n"
    "schemes: [employee]\naccount: {value: last, cite: 测试〔2025〕5号 一}\n"
    "class_b_first_selfpay: {value: 10%, cite: 测试〔2025〕5号 二}\n"
    "funds:\n  - {key: pooling, employee: \"310100\", name: 统筹基金, amount: hifp_pay}\n"
    "layers:\n  - {id: inpatient, cite: 测试〔2025〕5号 三, med_types: [inpatient], fund: pooling,\n"
    "     ratio: [{all: 80%, cite: 测试〔2025〕5号 三（80%）}]}\n"
    "platform:\n  insuplc_admdvs: {codes: [\"9901\"], assumption: a test region}\n"
    "  insutype: {codes: [\"310\"], assumption: employees}\n";

/* The person of REC_1101 recorded and admitted on 2025-05-10 (2401): stay 900000000001. */
static void admitted_on_10_may(mb_platform *p)
{
    CHECK_RC(call(p, envelope("1101", "2025-05-10 07:50:00", REC_1101), NULL), MB_OK, "1101");
    CHECK_RC(call(p, envelope("2401", "2025-05-10 08:00:00",
                              "\"input\": {\"mdtrtinfo\": {" PSN ", \"insutype\": \"310\", "
                              "\"begntime\": \"2025-05-10 08:00:00\", \"med_type\": \"21\", "
                              "\"ipt_no\": \"ZY1\"}}"),
                  NULL),
             MB_OK, "2401: the admission");
    CHECK(says("\"mdtrt_id\": \"900000000001\""), "the stay's id");
}

/* A stay settled in parts (docs/platform.md, 2304): each settlement takes the fee details
 * uploaded and not yet settled, so none is paid twice. Under STAY: 2301 uploads 1000.00 甲类
 * (and a free item of 0.00), the mid-stay 2304 (mid_setl_flag 1) pays 1000.00 x 80% = 800.00;
 * 2301 uploads 500.00 more, and the discharge 2304 pays 500.00 x 80% = 400.00 for them alone
 * (not 1500.00 x 80% = 1200.00). */
static void a_stay_settled_in_parts(void)
{
    mb_ruleset *rs;
    fx_store store = {0};
    mb_platform *p = platform_of(STAY, "stay.yaml", &rs, &store);
    if (p == NULL)
        return;
    admitted_on_10_may(p);
#define STAY_ROW(sn, amount)                                                                   \
    "{\"feedetl_sn\": \"" sn "\", \"mdtrt_id\": \"900000000001\", " PSN ", \"chrg_bchno\": "    \
    "\"B1\", \"det_item_fee_sumamt\": " amount ", \"chrgitm_lv\": \"01\"}"
#define STAY_FEE(rows) "\"input\": {\"feedetail\": [" rows "]}"
#define STAY_SETTLE(amount, mid)                                                               \
    "\"input\": {\"data\": {" PSN ", \"mdtrt_id\": \"900000000001\", \"insutype\": \"310\", "    \
    "\"medfee_sumamt\": " amount ", \"acct_used_flag\": \"0\", \"mid_setl_flag\": \"" mid "\"" \
    "%s}}"
    CHECK_RC(call(p, envelope("2301", "2025-05-15 09:00:00",
                              STAY_FEE(STAY_ROW("Z0", "0.00") ", " STAY_ROW("Z1", "1000.00"))),
                  NULL),
             MB_OK, "2301: the first details, one of them free (0.00)");
    char body[512];
    snprintf(body, sizeof body, STAY_SETTLE("1000.00", "1"), "");
    CHECK_RC(call(p, envelope("2304", "2025-05-15 10:00:00", body), NULL), MB_OK,
             "2304 mid-stay");
    CHECK(says("\"hifp_pay\": 800.00"), "1000.00 x 80% = 800.00");
    CHECK_RC(call(p, envelope("2301", "2025-05-20 09:00:00", STAY_FEE(STAY_ROW("Z2", "500.00"))),
                  NULL),
             MB_OK, "2301: more details");
    snprintf(body, sizeof body, STAY_SETTLE("500.00", "0"), ", \"dscgTime\": \"2025-05-20\"");
    CHECK_RC(call(p, envelope("2304", "2025-05-20 10:00:00", body), NULL), MB_OK,
             "2304 at discharge");
    CHECK(says("\"medfee_sumamt\": 500.00") && says("\"hifp_pay\": 400.00"),
          "the details not yet settled alone: 500.00 x 80% = 400.00");
#undef STAY_ROW
#undef STAY_FEE
#undef STAY_SETTLE
    free(store.data);
    mb_platform_free(p);
    mb_ruleset_free(rs);
}

/* The critical-illness tier above STAY: 50% of what the basic tier leaves. */
static const char STAY_CI[] =
    "id: stay-ci\ntitle: 大病\ndocument: 测试〔2025〕6号\ntier: critical_illness\n"
    "effective_from: 2025-01-01\nschemes: [employee]\nupstream: {cite: 测试〔2025〕6号 一}\n"
    "class_b_first_selfpay: {value: 10%, cite: 测试〔2025〕6号 一}\n"
    "funds:\n  - {key: ci, employee: \"320100\", name: 大病保险, amount: hifmi_pay}\n"
    "layers:\n  - {id: critical, cite: 测试〔2025〕6号 二, med_types: [inpatient], fund: ci,\n"
    "     ratio: [{all: 50%, cite: 测试〔2025〕6号 二（50%）}]}\n";

/* A fixed chain of two tiers (docs/platform.md, setldetail): a stay without uploaded details
 * settles the request's four amounts (here all 1000.00 in policy scope, the others 0); the basic
 * tier pays 1000.00 x 80% = 800.00 (测试〔2025〕5号 三), the critical-illness tier 50% of what
 * it left, (1000.00 - 800.00) x 50% = 100.00 (测试〔2025〕6号 二); each fund's row traces its
 * own ruleset's steps in setl_proc_info. */
static void a_chain_of_two_tiers(void)
{
    mb_ruleset *basic, *ci;
    if (!fx_ruleset_both(&basic, STAY, "stay.yaml", &ci, STAY_CI, "stay-ci.yaml"))
        return;
    const mb_ruleset *chain[] = {basic, ci};
    fx_store store = {0};
    mb_platform *p = platform_on(chain, 2, &store);
    admitted_on_10_may(p);
    CHECK_RC(call(p, envelope("2304", "2025-05-20 10:00:00",
                              "\"input\": {\"data\": {" PSN ", \"mdtrt_id\": \"900000000001\", "
                              "\"insutype\": \"310\", \"medfee_sumamt\": 1000.00, "
                              "\"fulamt_ownpay_amt\": 0.00, \"overlmt_selfpay\": 0.00, "
                              "\"preselfpay_amt\": 0.00, "
                              "\"inscp_scp_amt\": 1000.00, \"acct_used_flag\": \"0\", "
                              "\"mid_setl_flag\": \"0\", \"dscgTime\": \"2025-05-20\"}}"),
                  NULL),
             MB_OK, "2304 at discharge, no details uploaded");
    CHECK(says("\"hifp_pay\": 800.00") && says("\"hifmi_pay\": 100.00") &&
              says("\"fund_pay_sumamt\": 900.00") && says("\"psn_cash_pay\": 100.00"),
          "800.00 basic, 100.00 critical illness, 100.00 in cash");
    const char *basic_row = response ? strstr(response, "\"fund_pay_type\": \"310100\"") : NULL;
    const char *ci_row = response ? strstr(response, "\"fund_pay_type\": \"320100\"") : NULL;
    const char *basic_info = basic_row ? strstr(basic_row, "\"setl_proc_info\": \"") : NULL;
    const char *ci_info = ci_row ? strstr(ci_row, "\"setl_proc_info\": \"") : NULL;
    CHECK(basic_info && ci_info && strncmp(basic_info + 19, "items", 5) == 0 &&
              strncmp(ci_info + 19, "critical", 8) == 0,
          "each fund's row traces its own ruleset: the basic's from its items, the critical "
          "illness's from its layer");
    free(store.data);
    mb_platform_free(p);
    mb_ruleset_free(ci);
    mb_ruleset_free(basic);
}

/* `request` with its envelope's insuplc_admdvs (990101) made `place` ("": none). */
static const char *at_place(const char *request, const char *place)
{
    static char out[sizeof req];
    static const char ours[] = "\"insuplc_admdvs\": \"990101\"";
    const char *at = strstr(request, ours);
    if (at == NULL)
        return request;
    snprintf(out, sizeof out, "%.*s\"insuplc_admdvs\": \"%s\"%s", (int)(at - request), request,
             place, at + sizeof ours - 1);
    return out;
}

/* docs/ruleset-format.md, platform: without a fixed chain a call settles under the rulesets in
 * force whose insuplc_admdvs begins the insured place's code (the envelope's, else the
 * person's): two basic rulesets that both match are refused, naming both; a place no ruleset
 * declares is refused, saying which (none, when neither the envelope nor the person has one).
 * Neither changes the state. */
static void rulesets_chosen_by_region(void)
{
    static char twin[sizeof QUARTERLY + 16];
    snprintf(twin, sizeof twin, "id: quarterly-twin%s", strchr(QUARTERLY, '\n'));
    mb_ruleset *a, *b;
    if (!fx_ruleset_both(&a, QUARTERLY, "quarterly.yaml", &b, twin, "quarterly-twin.yaml"))
        return;
    const mb_ruleset *both[] = {a, b};
    /* REC_1101 with its first insurance row's place left out */
    static char placeless[sizeof REC_1101];
    static const char place[] = ", \"insuplc_admdvs\": \"990101\"";
    const char *cut = strstr(REC_1101, place);
    snprintf(placeless, sizeof placeless, "%.*s%s", cut ? (int)(cut - REC_1101) : 0, REC_1101,
             cut ? cut + sizeof place - 1 : REC_1101);
    static const struct {
        size_t rulesets;
        bool placeless;
        const char *place, *says, *why;
        int status;
    } cases[] = {
        {2, false, "990101",
         "two basic rulesets declare insuplc_admdvs 990101, insutype 310 and med_type 14 in force "
         "on 20250518: quarterly and quarterly-twin",
         "two basic rulesets of one region", MB_E_CHAIN},
        {1, false, "330101",
         "no basic ruleset declares insuplc_admdvs 330101, insutype 310 and med_type 14 in force "
         "on 20250518",
         "a region no ruleset declares", MB_E_NOT_FOUND},
        {1, true, "",
         "no basic ruleset declares insuplc_admdvs (none), insutype 310 and med_type 14 in force "
         "on 20250518",
         "no region in the envelope or the person's record", MB_E_NOT_FOUND},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        fx_store store = {0};
        mb_platform *p = NULL;
        mb_platform_store s = {fx_store_load, fx_store_save, fx_store_done, &store};
        CHECK_RC(mb_platform_new(&p, both, cases[k].rulesets, 0, NULL), MB_OK,
                 "a platform choosing by region");
        CHECK_RC(mb_platform_set_facility(p, "H00000000001", MB_LEVEL_SECONDARY, NULL), MB_OK,
                 "the institution's level");
        CHECK_RC(mb_platform_set_store(p, &s, NULL), MB_OK, "a caller's store");
        const char *rec = envelope("1101", "2025-05-18 09:30:05",
                                   cases[k].placeless ? placeless : REC_1101);
        CHECK_RC(call(p, cases[k].placeless ? at_place(rec, "") : rec, NULL), MB_OK, "1101");
        CHECK_RC(call(p, envelope("2201", "2025-05-18 09:31:00", visit("2025-05-18")), NULL), MB_OK,
                 "2201");
        CHECK_RC(call(p, envelope("2203", "2025-05-18 09:45:00", diagnosis("900000000001")), NULL),
                 MB_OK, "2203");
        /* 2204 splits the items by the chain's class B first self-pay: it chooses the chain */
        const char *upload = envelope("2204", "2025-05-18 09:50:00", fees("900000000001", "114.00"));
        refused_unchanged(p, &store, at_place(upload, cases[k].place), cases[k].status,
                          cases[k].says, cases[k].why);
        free(store.data);
        mb_platform_free(p);
    }
    mb_ruleset_free(b);
    mb_ruleset_free(a);
}

/* Whether `s` is whole UTF-8: every lead byte followed by its continuation bytes. */
static bool whole_utf8(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char b = (unsigned char)s[i];
        size_t len = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 :
                     (b & 0xF8) == 0xF0 ? 4 : 0;
        if (len == 0 || i + len > n)
            return false;
        for (size_t k = 1; k < len; k++)
            if (((unsigned char)s[i + k] & 0xC0) != 0x80)
                return false;
        i += len;
    }
    return true;
}

/* The platform's 结算过程信息 (setl_proc_info) holds at most 4000 bytes (docs/platform.md):
 * a fund's trace longer than that is cut at a whole character, with an ellipsis. 60 bands of
 * one yuan at 50%, each step citing a clause of 30 characters (90 bytes and more): the trace
 * passes 60 x 90 = 5400 bytes. 153.80 in scope: the bands up to 60 yuan pay 60 x 50% = 30. */
static void a_trace_past_4000_bytes(void)
{
    static char text[16384];
    int n = snprintf(text, sizeof text,
                     "id: bands\ntitle: 分段\ndocument: 测试〔2025〕4号\ntier: basic\n"
                     "effective_from: 2025-01-01\nschemes: [employee]\n"
                     "account: {value: none, cite: 测试〔2025〕4号 一}\n"
                     "class_b_first_selfpay: {value: 10%%, cite: 测试〔2025〕4号 二}\n"
                     "funds:\n  - {key: pooling, employee: \"310100\", name: 统筹基金, amount: hifp_pay}\n"
                     "layers:\n  - id: chronic\n    cite: 测试〔2025〕4号 三\n"
                     "    med_types: [chronic]\n    fund: pooling\n    bands:\n");
    for (int k = 0; k < 60; k++)
        n += snprintf(text + n, sizeof text - (size_t)n,
                      "      - {above: %d, up_to: %d, all: 50%%, cite: 测试〔2025〕4号 第三条第%d款"
                      "（按政策范围内费用分段计算，每段一元）}\n", k, k + 1, k + 1);
    mb_ruleset *rs;
    fx_store store = {0};
    mb_platform *p = platform_of(text, "bands.yaml", &rs, &store);
    if (p == NULL)
        return;
    CHECK_RC(call(p, envelope("1101", "2025-05-18 09:30:05", REC_1101), NULL), MB_OK, "1101");
    a_visit_uploaded(p, "2025-05-18", "900000000001");
    CHECK_RC(call(p, envelope("2206", "2025-05-18 09:52:00", settle("900000000001", "210.20")),
                  NULL),
             MB_OK, "2206");
    CHECK(says("\"hifp_pay\": 30.00"), "60 bands x 1 yuan x 50%");
    const char *info = response ? strstr(response, "\"setl_proc_info\": \"") : NULL;
    const char *end = info ? strstr(info + 19, "\"") : NULL;
    size_t len = end ? (size_t)(end - (info + 19)) : 0;
    CHECK(end != NULL && len <= 4000 && len > 3900, "the text is cut just within 4000 bytes");
    CHECK(len >= 3 && memcmp(end - 3, "…", 3) == 0, "and ends with an ellipsis");
    CHECK(info && whole_utf8(info + 19, len), "of whole characters");
    free(store.data);
    mb_platform_free(p);
    mb_ruleset_free(rs);
}

int main(void)
{
    mb_error *err = mb_error_new();
    if (mb_ruleset_load_file(&jiaozuo, MB_SOURCE_ROOT "/rulesets/jiaozuo-chronic-2022.yaml", err)) {
        fprintf(stderr, "%s\n", mb_error_message(err));
        return 1;
    }
    the_sequence();
    refused_requests_change_nothing();
    a_damaged_state();
    fees_past_the_largest_amount();
    class_b_before_the_diagnosis();
    a_request_past_8_mib();
    a_long_escaped_string();
    a_state_directory();
    err_is_left_alone_on_success();
    a_declared_group();
    platform_arguments();
    a_state_empty_and_past_256_mib();
    warnings_past_their_room();
    figures_by_quarter_and_codes_that_add_up();
    an_identity_read_two_ways_and_two_institutions();
    a_trace_past_4000_bytes();
    rulesets_chosen_by_region();
    a_stay_settled_in_parts();
    a_chain_of_two_tiers();
    mb_ruleset_free(jiaozuo);
    mb_error_free(err);
    return check_summary();
}
