/* module.h: what an agent module is, and what it may use (agent.h has the
 * loop that runs them), and the configuration the agent starts with.
 *
 * A module starts beside a running server, ticks (periodic work; each tick
 * returns when it wants the next), may wait on a descriptor of its own (a
 * listener, a file watch), and stops. It reaches the rest of the agent only
 * through its context: the configuration, and the one request a module may
 * make, a step-down. It must never block longer than a probe's bound, and
 * never touch the server process: the init owns it. */
#ifndef RI_MODULE_H
#define RI_MODULE_H

#include "config/secrets.h"
#include "config/settings.h"
#include "model/observation.h"
#include "rules/summary.h"

/* Beside what the init runs: a server or sentinel of this pod (APP_NONE),
 * or the router's HAProxy, Webdis or the redis_exporter sidecar (`router
 * --run`, `webdis --run`, `exporter --run`), for which only the
 * certificate rotation and consume run, and SIGTERM is forwarded at once
 * (no handover: they hold no data). */
enum agent_app { APP_NONE = 0, APP_ROUTER, APP_WEBDIS, APP_EXPORTER };

/* What the agent is started with. */
struct agent_config {
    const struct settings *s;
    const struct secrets *sec;
    int is_sentinel;
    /* The decision the running role comes from (its rule: "B5", "S5",
     * "override"); a new decision after a step-down replaces it. */
    struct decision_summary boot;
    enum agent_app app;
    /* Optional: read the settings again as the command line gave them
     * (the creds module follows [acl] user lines live); NULL: never. */
    int (*load_settings)(const void *arg, struct settings *s, ri_err *e);
    const void *load_arg;
};

/* What the modules see of the server and the metrics module shows. The
 * modules run on the agent's one thread: no lock. */
struct agent_stats {
    double started_ms;        /* mono ms: the agent started */
    enum role role;           /* the local server's role at the watch's last look */
    long long role_changes;   /* changes of that role the watch has seen */
    double record_in_step_ms; /* mono ms: the history record last matched the server (0: never) */
};

struct agent_ctx {
    const struct agent_config *cfg;
    struct agent_stats *stats;
    /* Ask the init to stop the server so that this pod decides again. */
    void (*step_down)(void *owner);
    /* Ask the init to restart the program as it is (Webdis, which cannot
     * reload its certificate). */
    void (*restart)(void *owner);
    /* The secrets every module uses from now on (a live credential
     * rotation's new generation), taken: the agent frees them when they are
     * replaced or it ends. The other modules start again on them once this
     * tick returns. */
    void (*set_secrets)(void *owner, struct secrets *sec);
    /* The same for settings read again (their [acl] users changed live). */
    void (*set_settings)(void *owner, struct settings *s);
    void *owner;
};

struct agent_module {
    const char *name;
    /* 0 to run beside this pod's server; else this module is not for it. */
    int (*start)(const struct agent_ctx *ctx, void **state);
    /* Periodic work; returns the ms until its next tick, or -1: done. */
    int (*tick)(const struct agent_ctx *ctx, void *state);
    /* Optional: a descriptor to wait on (-1 none), and what to do when it
     * is readable. */
    int (*fd)(void *state);
    void (*readable)(const struct agent_ctx *ctx, void *state);
    void (*stop)(void *state);
};

/* The modules (agent/<name>.c); agent.c holds their table. */
extern const struct agent_module agent_watch, agent_heal, agent_rotate, agent_rotate_app,
    agent_creds, agent_consume, agent_exporter, agent_metrics;

#endif
