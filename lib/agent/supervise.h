/* supervise.h: `run` as the server's init, the way tini and dumb-init are
 * (read them): it starts the server as its child and stays.
 *
 *  - It forwards SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 to
 *    the server, once each (rules/supervise.h says what each signal does);
 *    with the agent on, the first SIGTERM first hands over (agent.h). A
 *    server still running a second after a SIGTERM of ours gets it again,
 *    every second: Redis refuses one it cannot honour yet (its first AOF
 *    after a sync) and runs on.
 *  - It reaps every child, re-parented orphans included (it is PID 1 in a
 *    container, or a child subreaper elsewhere).
 *  - It exits with the server's status, or 128 + the signal that killed
 *    it.
 *  - The server runs in a process group of its own, so a terminal's Ctrl-C
 *    reaches it once, through the init, and not twice (a second SIGINT
 *    makes Redis exit at once, without saving).
 *  - It never kills or restarts the server because of an error of its own
 *    or of the agent's; the one restart is a step-down the agent asks for
 *    (rules/stepdown.h): an empty fresh master that holds and acknowledged
 *    nothing. (Webdis, which holds nothing, is restarted for a renewed
 *    certificate: AGENT_RESTART.)
 *
 * Returns the exit code; EX_OSERR when the server cannot be started at
 * all (e names it). */
#ifndef RI_SUPERVISE_AGENT_H
#define RI_SUPERVISE_AGENT_H

#include "agent/agent.h"
#include "base/err.h"

struct supervise_config {
    struct agent_config agent;
    int agent_on; /* 0: the init only (no record, no step-down, no handover) */
    /* The program and its arguments, NULL-terminated: redis-server /
     * redis-sentinel and the conf path; haproxy or webdis (agent.app).
     * argv[0] is a PATH name or a path. */
    char *const *argv;
};

int supervise_run(const struct supervise_config *cfg, ri_err *e);

#endif
