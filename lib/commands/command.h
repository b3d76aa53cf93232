/* command.h: the commands, one entry each, in the style of git's builtin/:
 * the name, the function that runs it, what it needs and takes (flags),
 * its line in the command list and its --help. Each lives in a file of its
 * own (commands/<name>.c, help and version in cli.c); cli.c holds the table,
 * parses the command line against it, loads what the flags ask for, and
 * calls run(). */
#ifndef RI_COMMAND_H
#define RI_COMMAND_H

#include <stdio.h>

#include "base/err.h"
#include "config/secrets.h"
#include "config/settings.h"
#include "engine/role.h"
#include "rules/health.h"

/* Which program: the name it runs under picks it (cli_kind_from_argv0). */
enum ri_kind { KIND_REDIS = 0, KIND_SENTINEL };

#define NEEDS_SETTINGS    0x01 /* settings loaded and finished: default < INI < environment < flags */
#define NEEDS_SECRETS     0x02 /* and the secrets (implies NEEDS_SETTINGS) */
#define REDIS_ONLY        0x04 /* a redis-init command */
#define TAKES_OVERRIDE    0x08 /* --master / --replica-of (redis-init), --monitor (sentinel-init) */
#define TAKES_REPORT      0x10 /* --json, --once, --all */
#define TAKES_HEALTH_KIND 0x20 /* --readiness, --liveness, --startup */
#define TAKES_DIR         0x40 /* one operand DIR, and none of the settings options */
/* Run every second by HAProxy: warnings only unless -v, and its "no"
 * (EX_UNAVAILABLE) is an answer, logged at debug. */
#define QUIET_ANSWER 0x80
/* --exec: exec the server instead of staying as its init. */
#define TAKES_EXEC 0x100
/* Connects to servers or sentinels: with [tls] mode on or dual, over TLS
 * (engine/tlsboot.h). CHECKS_TLS: render and run check the certificate for
 * this pod first, before anything is written. */
#define USES_TLS   0x200
#define CHECKS_TLS 0x400
/* Whose certificate: the router's (it must name the router's Service), or
 * a client's (Webdis: no name, clientAuth); else this pod's. */
#define TLS_AS_ROUTER 0x800
#define TLS_AS_CLIENT 0x1000
/* --run: start the program on the files written and stay beside it,
 * applying renewed certificates (router, webdis). */
#define TAKES_RUN 0x2000
/* One operand naming what to do (credentials status). */
#define TAKES_ACTION 0x4000
/* Logs in as this pod's agent does: mid-rotation, with the passwords every
 * member accepts (engine/role.h role_login_secrets). */
#define LOGS_IN_BY_PHASE 0x8000
/* Operands after "--": a PROGRAM and its arguments (exporter --run). */
#define TAKES_PROGRAM 0x10000
/* Only observes (discover): its TLS contexts are built on a thread while
 * its first round resolves and connects; a failed build ends that round
 * with the build's error (EX_CONFIG), before anything is decided. */
#define TLS_BACKGROUND 0x20000

#define CLI_MAX_SETS 64

struct command;

/* The command line, parsed (cli_parse()). */
struct cli_opts {
    enum ri_kind kind;
    const char *prog;               /* "redis-init" / "sentinel-init" */
    const struct command *cmd;      /* what to run */
    const struct command *help_for; /* help: the command asked about, NULL for all */
    int verbose, quiet, json, once, all, exec, run;
    enum health_kind health;     /* check: --readiness (default), --liveness, --startup */
    int health_set;              /* a health kind flag was given */
    enum role_override override; /* render, run */
    const char *override_target; /* HOST[:PORT] of --replica-of / --monitor */
    const char *dir;             /* install DIR */
    const char *action;          /* TAKES_ACTION: the operand */
    char **program;              /* TAKES_PROGRAM: argv of the program, NULL-terminated */
    const char *config_path;     /* -c, else $REDIS_INIT_CONFIG */
    /* flags that map onto settings keys, applied last (highest precedence) */
    int n_sets;
    struct {
        const char *section, *key, *value, *flag;
    } sets[CLI_MAX_SETS];
    const char *set_args[CLI_MAX_SETS]; /* --set section.key=value */
    int n_set_args;
};

/* What a command runs with. */
struct invocation {
    const struct cli_opts *o;
    struct settings *s;  /* NEEDS_SETTINGS: loaded and finished; else NULL */
    struct secrets *sec; /* NEEDS_SECRETS: loaded; else NULL. A command may free it early and
                            set it NULL (run, before it execs the server). */
};

struct command {
    const char *name;
    /* 0, or an exit code with e set (cli.c prints e as one line). */
    int (*run)(struct invocation *inv, ri_err *e);
    unsigned flags;
    const char *summary[2]; /* its line in the command list, per kind; NULL: not listed */
    void (*usage)(FILE *f, const struct cli_opts *o);
};

extern const struct command command_render, command_discover, command_run, command_check,
    command_prestop, command_install, command_router, command_router_check, command_webdis,
    command_exporter, command_credentials, command_help, command_version;

#endif
