/* app.h: `router --run`, `webdis --run` and `exporter --run`: start the
 * program and stay as its init (agent/supervise.h), with the agent
 * applying renewed certificates (agent/rotate_app.c) and following a
 * password rotation (agent/consume.c). */
#ifndef RI_APP_H
#define RI_APP_H

#include "agent/module.h"
#include "commands/command.h"

/* Start program (a PATH name or a path) with the file conf_name of the
 * conf dir and the extra arguments before it (NULL-terminated). */
int app_run(struct invocation *inv, enum agent_app app, const char *program,
            const char *const *pre_args, const char *conf_name, ri_err *e);

/* Start argv (argv[0] a PATH name or a path, NULL-terminated) as it is. */
int app_run_argv(struct invocation *inv, enum agent_app app, char **argv, ri_err *e);

#endif
