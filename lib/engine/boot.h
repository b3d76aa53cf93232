/* boot.h: the boot loop: rounds of observation until the decision is safe,
 * or the deadline passes.
 *
 *   plan (plan.h) -> observe (a round, net/round.h) -> decide (rules/decide.h)
 *   -> act (act.h), then again after round-interval
 *
 * Contract:
 *  - Every round probes all peers concurrently, then calls the pure
 *    decision. ACT_WAIT retries after round-interval; at the deadline
 *    boot_decide() returns EX_UNAVAILABLE (69) with the last round's reasons.
 *  - BOOT_ACT (render/run): before the first round, publishes what this pod
 *    holds through the beacon (net/beacon.h) and waits (bounded by dns-wait)
 *    until its own name resolves; carries out ACT_FAILOVER and ACT_PROMOTE
 *    (act.h), then keeps deciding.
 *    Without it (discover): writes and changes nothing; those decisions are
 *    final and reported.
 */
#ifndef RI_BOOT_H
#define RI_BOOT_H

#include "base/err.h"
#include "config/secrets.h"
#include "config/settings.h"
#include "model/observation.h"
#include "rules/decision.h"

struct boot_result {
    struct observations obs; /* the last round */
    struct decision dec;     /* its decision */
    int decided;             /* 1 if dec is final */
    int rounds;
    double elapsed_ms;
    char own_host[OBS_HOST_MAX];
    const char *own_dns; /* outcome name of resolving own_host ("answer", "not-found", ...) */
};

#define BOOT_ACT  1 /* render/run: beacon, wait for own name, carry out actions */
#define BOOT_ONCE 2 /* a single round, whatever it decides */
#define BOOT_ALL  4 /* wait for every peer even once the decision has settled */

int boot_decide(const struct settings *s, const struct secrets *sec, int is_sentinel, int flags,
                struct boot_result *r, ri_err *e);

#endif
