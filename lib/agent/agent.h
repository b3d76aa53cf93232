/* agent.h: the resident agent: the work `run` keeps doing beside the
 * server it started (agent/supervise.h is the init itself).
 *
 * The agent is one thread with a loop of modules. Each module has a tick
 * (periodic work; it returns when it wants the next one), and may have a
 * file descriptor to wait on (a listener, a file watch). The modules today:
 *   watch  the history record, kept in step with the local server
 *          (agent/watch.c, every [lifecycle] watch-interval);
 *   heal   an empty fresh master stepping down when a peer holds data
 *          (agent/heal.c, rules/stepdown.h);
 *   rotate renewed certificates applied to the server, or the sentinel
 *          restarted for them (agent/rotate.c);
 *   rotate_app  the same for the router's HAProxy (runtime API) and
 *          Webdis (restarted) (agent/rotate_app.c);
 *   metrics the pod's own metrics on [metrics] port (agent/metrics.c).
 * A new one (Secret rotation) is a file with a
 * struct agent_module (agent/module.h) and a line in the table of agent.c.
 *
 * The agent and the init (the main thread) talk through two pipes: the
 * init tells the agent of events (a SIGTERM to hand over, the server gone
 * after a step-down, stop), the agent asks the init for what only the
 * init may do to the server process (stop it, start it again), or says the
 * handover is done. The agent never stops or restarts the server for an
 * error of its own: its errors are logged, and it goes on.
 */
#ifndef RI_AGENT_H
#define RI_AGENT_H

#include "agent/module.h"
#include "base/err.h"

struct agent;

/* What the init tells the agent. */
enum agent_event {
    AGENT_HANDOVER = 1, /* SIGTERM: hand the master role over (or, sentinel, finish leading) */
    AGENT_SERVER_GONE,  /* the server stopped as the agent asked: decide again */
    AGENT_SERVER_UP,    /* the server runs again (after a new decision) */
    AGENT_STOP,         /* the init is ending: stop now */
};

/* What the agent asks of the init. */
enum agent_request {
    AGENT_NONE = 0,
    AGENT_HANDOVER_DONE, /* forward SIGTERM now */
    AGENT_STOP_SERVER,   /* step down: stop the server (SIGTERM), then tell AGENT_SERVER_GONE */
    AGENT_START_SERVER,  /* decided again and wrote the files: start the server */
    AGENT_GIVE_UP,       /* deciding again failed for good (exit code in agent_exit_code) */
    AGENT_STOPPED,       /* the thread has ended (after AGENT_STOP) */
    AGENT_RESTART,       /* stop the program and start it again as it is, then AGENT_SERVER_UP */
};

/* Start the agent's thread. NULL (logged, with e set) when it cannot start:
 * the server then runs without it. */
struct agent *agent_start(const struct agent_config *cfg, ri_err *e);

/* Readable when the agent has a request; agent_request_read() takes one. */
int agent_request_fd(const struct agent *a);
enum agent_request agent_request_read(struct agent *a);
int agent_exit_code(const struct agent *a);

void agent_tell(struct agent *a, enum agent_event ev);

/* AGENT_STOP, then wait up to timeout_ms for the thread to end (it may be
 * inside a bounded probe); frees a when it ended. */
void agent_finish(struct agent *a, int timeout_ms);

#endif
