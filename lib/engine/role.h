/* role.h: configuring this pod, what `render` and `run` do before `run`
 * starts the server: the role, taken from an override on the command line
 * (--master, --replica-of, --monitor) or decided by the boot loop (boot.h,
 * with its actions), then the files written atomically (render.h).
 *
 * Before anything is probed or written, the pod must be one of the
 * configured members (settings_require_member()). conf_path gets the main
 * config file's path. */
#ifndef RI_ROLE_H
#define RI_ROLE_H

#include <stddef.h>

#include "config/secrets.h"
#include "config/settings.h"
#include "rules/summary.h"

enum role_override {
    OVERRIDE_NONE = 0,
    OVERRIDE_MASTER, /* --master */
    OVERRIDE_FOLLOW, /* --replica-of HOST[:PORT] (redis-init), --monitor HOST[:PORT] (sentinel-init) */
};

struct role_request {
    int is_sentinel;
    enum role_override override;
    const char *target; /* OVERRIDE_FOLLOW: "HOST[:PORT]" */
};

/* out (may be NULL) gets the decision in counts (rules/summary.h): its
 * rule ("override" for an override, with no peer counted), the role, the
 * master, and what the last round saw. */
int role_configure(const struct settings *s, const struct secrets *sec,
                   const struct role_request *rq, char *conf_path, size_t conf_len,
                   struct decision_summary *out, ri_err *e);

/* This pod's record of a live credential rotation (config/credstate.h),
 * from the data dir of a server or the conf dir of a sentinel; empty (no
 * generation) with [credentials] live = off or no file. EX_DATAERR naming
 * the file and field when it is malformed. credstate_free() it. */
struct creds_state;
int role_credstate(const struct settings *s, int is_sentinel, struct creds_state *cs, ri_err *e);

/* The passwords a short-lived command (check, prestop, discover) logs in
 * with: while this pod's rotation is in its accept phase, the previous
 * generation's (every member still accepts them, while the new ones only
 * once each has taken the Secret); else the secrets as they are. *sec may
 * be replaced. A state file that cannot be read changes nothing: a probe
 * must not fail for it. */
void role_login_secrets(const struct settings *s, int is_sentinel, struct secrets **sec);

/* Split "HOST[:PORT]" or "[V6]:PORT"; port defaults to default_port. 0 or
 * EX_USAGE. */
int role_split_hostport(const char *arg, int default_port, char *host, size_t hostlen, int *port);

#endif
