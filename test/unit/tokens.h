/* tokens.h: the outcome tokens the table-driven decision tests share
 * (test_decide.c, test_lifecycle.c): "answer", "nil", "not-found",
 * "dns-failure", "refused", "timeout", "auth-failed", "error", "not-awaited",
 * "self". Include after checkmain.h. */
#ifndef RI_TEST_TOKENS_H
#define RI_TEST_TOKENS_H

#include <string.h>
#include "model/observation.h"

static enum outcome parse_outcome(const char *s)
{
    static const char *const names[OUT__COUNT] = {
        [OUT_ANSWER] = "answer",       [OUT_NIL_MASTER] = "nil",       [OUT_NOT_FOUND] = "not-found",
        [OUT_DNS_FAILURE] = "dns-failure", [OUT_REFUSED] = "refused", [OUT_TIMEOUT] = "timeout",
        [OUT_AUTH_FAILED] = "auth-failed", [OUT_ERROR] = "error",
        [OUT_NOT_AWAITED] = "not-awaited", [OUT_SELF] = "self"};
    for (int k = 0; k < OUT__COUNT; k++)
        if (names[k] && strcmp(s, names[k]) == 0) return (enum outcome)k;
    ck_abort_msg("bad outcome token '%s'", s);
    return OUT_ERROR;
}

#endif
