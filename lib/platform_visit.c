/*
 * Visits and their fees: 2201 (outpatient registration), 2401 (admission), 2203 (visit and
 * diagnosis), 2204 and 2301 (fee details, outpatient and inpatient). The fee details are
 * classified as the platform classifies them, item by item: 丙类 in full to the person
 * (fulamt_ownpay_amt), 乙类's first self-pay (preselfpay_amt = det x selfpay_prop, half up to
 * the fen), the rest in policy scope (inscp_scp_amt).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"

/* A new visit of `person` from 2201 or 2401. */
static int open_visit(mb_call *c, const mb_json *data, const char *where, bool inpatient)
{
    const char *psn_no, *insutype, *begntime, *ipt, *cert_type, *cert_no, *med_type = NULL,
                                                                        *dise = NULL;
    int32_t date;
    mb_json *person;
    int rc;
    if ((rc = mb_field_text(c, data, where, "psn_no", true, 30, &psn_no)) ||
        (rc = mb_field_text(c, data, where, "insutype", true, 6, &insutype)) ||
        (rc = mb_field_text(c, data, where, "begntime", true, 19, &begntime)) ||
        (rc = mb_field_date(c, data, where, "begntime", true, &date)) ||
        (rc = mb_field_text(c, data, where, inpatient ? "ipt_no" : "ipt_otp_no", false, 30, &ipt)) ||
        (rc = mb_field_text(c, data, where, "mdtrt_cert_type", false, 3, &cert_type)) ||
        (rc = mb_field_text(c, data, where, "mdtrt_cert_no", false, 50, &cert_no)) ||
        (inpatient && (rc = mb_field_text(c, data, where, "med_type", true, 6, &med_type))) ||
        (inpatient && (rc = mb_field_text(c, data, where, "dise_codg", false, 30, &dise))) ||
        (rc = mb_state_person(c, psn_no, c->infno, &person)))
        return rc;
    if (strcmp(insutype, mb_state_text(person, "insutype")) != 0)
        return mb_fail(c->err, MB_E_UNKNOWN_CODE,
                       "%s.insutype %s: psn_no %s is insured under %s, and visits settle under "
                       "the person's basic insutype (its other funds pay through it)",
                       where, insutype, psn_no, mb_state_text(person, "insutype"));
    char id[32];
    if ((rc = mb_state_next_id(c, "mdtrt", id)))
        return rc;
    mb_json_doc *s = &c->st;
    mb_json *v = mb_json_set(s, mb_state_table(c, "visits"), id, mb_json_object(s));
    char day[16];
    snprintf(day, sizeof day, "%d", date);
    mb_json_set_string(s, v, "kind", inpatient ? "inpatient" : "outpatient");
    mb_json_set_string(s, v, "psn_no", psn_no);
    mb_json_set_string(s, v, "insutype", insutype);
    mb_json_set_string(s, v, "begntime", begntime);
    mb_json_set_number(s, v, "date", day);
    mb_json_set_string(s, v, "fixmedins_code", c->fixmedins_code);
    mb_json_set_string(s, v, "ipt_otp_no", ipt);
    mb_json_set_string(s, v, "mdtrt_cert_type", cert_type);
    mb_json_set_string(s, v, "mdtrt_cert_no", cert_no);
    mb_json_set_string(s, v, "med_type", med_type);
    mb_json_set_string(s, v, "dise_codg", dise);
    mb_json_set(s, v, "fees", mb_json_array(s));
    mb_json_doc *d = &c->out;
    mb_json *out = mb_json_set(d, c->output, "data", mb_json_object(d));
    mb_json_set_string(d, out, "mdtrt_id", id);
    mb_json_set_string(d, out, "psn_no", psn_no);
    mb_json_set_string(d, out, "ipt_otp_no", ipt);
    mb_json_set(d, out, "exp_content", mb_json_null(d));
    return mb_json_failed(s) || mb_json_failed(d) ? mb_fail(c->err, MB_E_NOMEM, "out of memory")
                                                  : MB_OK;
}

int mb_msg_2201(mb_call *c)
{
    const mb_json *data;
    int rc = mb_field_node(c, c->input, "input", "data", MB_JSON_OBJECT, true, &data);
    return rc ? rc : open_visit(c, data, "input.data", false);
}

int mb_msg_2401(mb_call *c)
{
    const mb_json *info;
    int rc = mb_field_node(c, c->input, "input", "mdtrtinfo", MB_JSON_OBJECT, true, &info);
    return rc ? rc : open_visit(c, info, "input.mdtrtinfo", true);
}

int mb_message_visit(mb_call *c, const char *where, const char *mdtrt_id, const char *psn_no,
                         bool inpatient, mb_json **out)
{
    int rc = mb_state_visit(c, mdtrt_id, where, out);
    if (rc != MB_OK)
        return rc;
    if (strcmp(mb_state_text(*out, "psn_no"), psn_no) != 0)
        return mb_fail(c->err, MB_E_INVALID_ARGUMENT, "%s: mdtrt_id %s is a visit of psn_no %s, not %s",
                       where, mdtrt_id, mb_state_text(*out, "psn_no"), psn_no);
    bool is_inpatient = strcmp(mb_state_text(*out, "kind"), "inpatient") == 0;
    if (is_inpatient != inpatient)
        return mb_fail(c->err, MB_E_INVALID_ARGUMENT,
                       "%s: mdtrt_id %s is %s visit: %s", where, mdtrt_id,
                       is_inpatient ? "an inpatient" : "an outpatient",
                       is_inpatient ? "its messages are 2301, 2303, 2304 and 2305"
                                    : "its messages are 2203, 2204, 2206, 2207 and 2208");
    if (mb_json_member(*out, "closed") != NULL)
        return mb_fail(c->err, MB_E_STATE,
                       "%s: mdtrt_id %s was settled at discharge (setl_id %s): reverse that "
                       "settlement (2305) before changing the stay",
                       where, mdtrt_id, mb_state_text(*out, "closed"));
    return MB_OK;
}

int mb_msg_2203(mb_call *c)
{
    const mb_json *info, *diseinfo;
    const char *mdtrt_id, *psn_no, *med_type, *dise, *dise_name, *begntime;
    int32_t date;
    mb_json *visit;
    int rc;
    const char *w = "input.mdtrtinfo";
    if ((rc = mb_field_node(c, c->input, "input", "mdtrtinfo", MB_JSON_OBJECT, true, &info)) ||
        (rc = mb_field_text(c, info, w, "mdtrt_id", true, 30, &mdtrt_id)) ||
        (rc = mb_field_text(c, info, w, "psn_no", true, 30, &psn_no)) ||
        (rc = mb_field_text(c, info, w, "med_type", true, 6, &med_type)) ||
        (rc = mb_field_text(c, info, w, "begntime", false, 19, &begntime)) ||
        (rc = mb_field_date(c, info, w, "begntime", false, &date)) ||
        (rc = mb_field_text(c, info, w, "dise_codg", false, 30, &dise)) ||
        (rc = mb_field_text(c, info, w, "dise_name", false, 500, &dise_name)) ||
        (rc = mb_message_visit(c, w, mdtrt_id, psn_no, false, &visit)))
        return rc;
    diseinfo = mb_json_member(c->input, "diseinfo"); /* an object or an array (YR accepts both) */
    if (diseinfo && diseinfo->type != MB_JSON_ARRAY && diseinfo->type != MB_JSON_OBJECT &&
        diseinfo->type != MB_JSON_NULL)
        return mb_fail(c->err, MB_E_INVALID_ARGUMENT, "input.diseinfo must be an array or an object");
    if (strspn(med_type, "0123456789") != strlen(med_type) || strlen(med_type) < 2)
        return mb_fail(c->err, MB_E_UNKNOWN_CODE, "%s.med_type '%s' is not a med_type code", w,
                       med_type);
    mb_json_doc *s = &c->st;
    mb_json_set_string(s, visit, "med_type", med_type);
    mb_json_set_string(s, visit, "dise_codg", dise);
    mb_json_set_string(s, visit, "dise_name", dise_name);
    if (diseinfo)
        mb_json_set(s, visit, "diseinfo", mb_json_copy(s, diseinfo));
    c->changed = true;
    return mb_json_failed(s) ? mb_fail(c->err, MB_E_NOMEM, "out of memory") : MB_OK;
}

/* One fee row of 2204/2301, classified and split. */
static int fee_row(mb_call *c, const char *where, const mb_json *r, mb_json *visit,
                   mb_json *stored_fees, mb_json *answer)
{
    const char *sn, *batch, *lv, *ctype, *time;
    int64_t det;
    int32_t bp;
    int rc;
    if ((rc = mb_field_text(c, r, where, "feedetl_sn", true, 30, &sn)) ||
        (rc = mb_field_text(c, r, where, "chrg_bchno", true, 30, &batch)) ||
        (rc = mb_field_amount(c, r, where, "det_item_fee_sumamt", true, &det, NULL)) ||
        (rc = mb_field_text(c, r, where, "chrgitm_lv", false, 3, &lv)) ||
        (rc = mb_field_ratio(c, r, where, "selfpay_prop", &bp)) ||
        (rc = mb_field_text(c, r, where, "med_chrgitm_type", false, 6, &ctype)) ||
        (rc = mb_field_text(c, r, where, "fee_ocur_time", false, 19, &time)))
        return rc;
    if (lv == NULL)
        return mb_fail(c->err, MB_E_INVALID_ARGUMENT,
                       "%s (%s): chrgitm_lv is required offline: the platform classifies items "
                       "by its catalogue, which the library does not hold; send 01 甲类, 02 乙类 "
                       "or 03 丙类 as the catalogue download (1301-1319) gives it",
                       where, sn);
    int cls = mb_item_class_parse(lv);
    if (cls < 0 || strlen(lv) != 2)
        return mb_fail(c->err, MB_E_UNKNOWN_CODE,
                       "%s (%s): chrgitm_lv '%s' is not 01 甲类, 02 乙类 or 03 丙类", where, sn, lv);
    for (const mb_json *f = stored_fees->first; f; f = f->next)
        if (strcmp(mb_state_text(f, "feedetl_sn"), sn) == 0)
            return mb_fail(c->err, MB_E_INVALID_ARGUMENT,
                           "%s: feedetl_sn %s is already uploaded for mdtrt_id %s (费用明细流水号"
                           "须在单次就诊内唯一)",
                           where, sn, visit->key);
    if (cls == MB_CLASS_A && bp > 0)
        return mb_fail(c->err, MB_E_INVALID_ARGUMENT,
                       "%s (%s): selfpay_prop is not 0 for a 甲类 item (01 has no first self-pay)",
                       where, sn);
    if (cls == MB_CLASS_C && bp >= 0 && bp != MB_BP_ONE)
        return mb_fail(c->err, MB_E_INVALID_ARGUMENT,
                       "%s (%s): selfpay_prop is not 1 for a 丙类 item (03 is paid in full by the "
                       "person)",
                       where, sn);
    int64_t own = 0, pre = 0, inscp = 0;
    if (cls == MB_CLASS_C) {
        own = det;
        bp = MB_BP_ONE;
    } else if (cls == MB_CLASS_A) {
        inscp = det;
        bp = 0;
    } else {
        if (bp < 0) {
            /* the chain's own first self-pay for class B (its basic ruleset) */
            const mb_ruleset *chain[MB_CHAIN_MAX];
            size_t n;
            int med;
            mb_json *person;
            const char *med_code = mb_state_text(visit, "med_type");
            if (*med_code == '\0')
                return mb_fail(c->err, MB_E_INVALID_ARGUMENT,
                               "%s (%s): a 02 乙类 item without selfpay_prop takes the ruleset's "
                               "first self-pay, which depends on the visit's med_type: upload "
                               "the visit (2203) first, or send selfpay_prop",
                               where, sn);
            if ((rc = mb_state_person(c, mb_state_text(visit, "psn_no"), where, &person)) ||
                (rc = mb_visit_chain(c, person, med_code, (int32_t)atoi(mb_state_text(visit, "date")),
                                     chain, &n, &med)))
                return rc;
            bp = chain[0]->class_b_bp;
        }
        pre = mb_apply_ratio(det, bp);
        inscp = det - pre;
    }
    mb_json_doc *s = &c->st;
    mb_json *f = mb_json_append(s, stored_fees, mb_json_object(s));
    char bptext[16];
    snprintf(bptext, sizeof bptext, "%d", (int)bp);
    mb_json_set_string(s, f, "feedetl_sn", sn);
    mb_json_set_string(s, f, "chrg_bchno", batch);
    mb_json_set_string(s, f, "chrgitm_lv", lv);
    mb_json_set_number(s, f, "selfpay_bp", bptext);
    mb_json_set_fen(s, f, "det_item_fee_sumamt", det);
    mb_json_set_fen(s, f, "fulamt_ownpay_amt", own);
    mb_json_set_fen(s, f, "preselfpay_amt", pre);
    mb_json_set_fen(s, f, "inscp_scp_amt", inscp);
    mb_json_set_string(s, f, "fee_ocur_time", time);
    mb_json_set(s, f, "setl_id", mb_json_null(s));
    /* the answer row, in the order of the platform's result[] */
    mb_json_doc *d = &c->out;
    mb_json *a = mb_json_append(d, answer, mb_json_object(d));
    char ratio[16];
    mb_ratio_text(bp, ratio);
    mb_json_set_string(d, a, "feedetl_sn", sn);
    mb_json_set_fen(d, a, "det_item_fee_sumamt", det);
    const mb_json *cnt = mb_json_member(r, "cnt"), *pric = mb_json_member(r, "pric");
    mb_json_set(d, a, "cnt", cnt ? mb_json_copy(d, cnt) : mb_json_null(d));
    mb_json_set(d, a, "pric", pric ? mb_json_copy(d, pric) : mb_json_null(d));
    mb_json_set(d, a, "pric_uplmt_amt", mb_json_null(d));
    mb_json_set_number(d, a, "selfpay_prop", ratio);
    mb_json_set_fen(d, a, "fulamt_ownpay_amt", own);
    mb_json_set_fen(d, a, "overlmt_amt", 0);
    mb_json_set_fen(d, a, "preselfpay_amt", pre);
    mb_json_set_fen(d, a, "inscp_scp_amt", inscp);
    mb_json_set_string(d, a, "chrgitm_lv", lv);
    mb_json_set_string(d, a, "med_chrgitm_type", ctype);
    mb_json_set(d, a, "memo", mb_json_null(d));
    return MB_OK;
}

int mb_msg_2204(mb_call *c)
{
    bool inpatient = strcmp(c->infno, "2301") == 0;
    const mb_json *rows;
    int rc = mb_field_node(c, c->input, "input", "feedetail", MB_JSON_ARRAY, true, &rows);
    if (rc != MB_OK)
        return rc;
    if (rows->count == 0)
        return mb_fail(c->err, MB_E_INVALID_ARGUMENT, "input.feedetail lists no fee detail");
    mb_json *answer = mb_json_set(&c->out, c->output, "result", mb_json_array(&c->out));
    size_t i = 0;
    for (const mb_json *r = rows->first; r; r = r->next, i++) {
        char where[48];
        snprintf(where, sizeof where, "input.feedetail[%zu]", i);
        const char *mdtrt_id, *psn_no;
        mb_json *visit;
        if (r->type != MB_JSON_OBJECT)
            return mb_fail(c->err, MB_E_INVALID_ARGUMENT, "%s must be an object", where);
        if ((rc = mb_field_text(c, r, where, "mdtrt_id", true, 30, &mdtrt_id)) ||
            (rc = mb_field_text(c, r, where, "psn_no", true, 30, &psn_no)) ||
            (rc = mb_message_visit(c, where, mdtrt_id, psn_no, inpatient, &visit)))
            return rc;
        mb_json *fees = mb_json_member(visit, "fees");
        if (fees == NULL || fees->type != MB_JSON_ARRAY)
            return mb_fail(c->err, MB_E_CORRUPT, "the platform state's visit %s has no fees", mdtrt_id);
        if ((rc = fee_row(c, where, r, visit, fees, answer)))
            return rc;
    }
    c->changed = true;
    return mb_json_failed(&c->st) || mb_json_failed(&c->out)
               ? mb_fail(c->err, MB_E_NOMEM, "out of memory")
               : MB_OK;
}
