#ifndef MEDBENEFIT_TOOL_REPORT_H
#define MEDBENEFIT_TOOL_REPORT_H
#include <stdio.h>

#include "scenario.h"

/* One JSON object per claim: setlinfo amounts and setldetail rows, national field names. */
void report_json(FILE *out, const char *scenario, const char *claim_id, const mb_result *r);
void report_error_json(FILE *out, const char *scenario, const char *claim_id, int status,
                       const char *message);
/* The settlement as a readable trace citing each clause. */
void report_explain(FILE *out, const char *scenario, const char *claim_id, const mb_result *r);
#endif
