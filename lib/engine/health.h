/* health.h: one Kubernetes probe of the pod's own server, as `check`
 * answers it: observe (on LOCAL_HOST, never through DNS, plus the
 * sentinels where the rule needs them, as the least-privilege probe user),
 * then judge with the pure verdicts of rules/health.h. One budget,
 * check-timeout, bounds everything: probes run concurrently, and what is
 * still running at the end counts as unknown. A readiness probe of a redis
 * pod also refreshes the history record (record.h).
 *
 * Returns HEALTH_PASS (0), or the verdict's code with e naming the rule and
 * the reason; EX_OSERR and secrets errors as usual. */
#ifndef RI_ENGINE_HEALTH_H
#define RI_ENGINE_HEALTH_H

#include "config/secrets.h"
#include "config/settings.h"
#include "rules/health.h"

int health_probe(int is_sentinel, enum health_kind kind, const struct settings *s,
                 const struct secrets *sec, ri_err *e);

#endif
