/* commands.h: the commands, one file each (lib/cmd_<name>.c). cli.c parses
 * the options and dispatches here; each returns 0 or an exit code with e set
 * (cli_execute prints e as one line). Settings have passed
 * settings_finish() and the secrets are loaded. */
#ifndef RI_COMMANDS_H
#define RI_COMMANDS_H

#include "cli.h"
#include "err.h"
#include "lifecycle.h"
#include "secrets.h"
#include "settings.h"

/* discover: rounds until a decision (or the deadline), then the report on
 * stdout (lib/cmd_discover.c). 0, or EX_UNAVAILABLE with the report printed. */
int cmd_discover(const struct cli_opts *o, const struct settings *s, const struct secrets *sec,
                 ri_err *e);

/* render: decide the role (override or discovery) and write the files;
 * conf_path gets the main config file's path (lib/cmd_render.c). */
int cmd_render(const struct cli_opts *o, const struct settings *s, const struct secrets *sec,
               char *conf_path, size_t conf_len, ri_err *e);

/* run: exec redis-server / redis-sentinel on conf_path; returns only on
 * failure (EX_OSERR). */
int cmd_run(const struct cli_opts *o, const struct settings *s, const char *conf_path, ri_err *e);

/* check: one Kubernetes probe of the local server (lib/cmd_check.c).
 * 0 pass, CHECK_DOWN / CHECK_NOT_READY / CHECK_AUTH otherwise. */
int cmd_check(enum ri_kind kind, enum probe_kind probe, const struct settings *s,
              const struct secrets *sec, ri_err *e);

/* prestop: the preStop hook (lib/cmd_prestop.c). redis-init hands the
 * master role over (pause, failover, wait); sentinel-init waits while it
 * leads a failover. 0 done or nothing to do, CHECK_DOWN when it could not. */
int cmd_prestop(enum ri_kind kind, const struct settings *s, const struct secrets *sec, ri_err *e);

#endif
