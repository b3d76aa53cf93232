/* supervise.h: what `run`, as the server's init, does with a signal, and
 * the status it ends with. Pure: agent/supervise.c asks and carries out.
 *
 * The init forwards SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2
 * to the server, once each, and ignores the rest (SIGCHLD is its own
 * business: reaping). SIGTERM is the exception while the agent runs: the
 * first one starts the planned handover (rules/handover.h) and is
 * forwarded once it ends; a second one during the handover is forwarded at
 * once (whoever sends it insists). Without a server (a pod deciding again
 * after a step-down) SIGTERM, SIGINT and SIGQUIT end the init, the others
 * have nobody to reach.
 *
 * Exit status: the server's own when it exited, 128 + the signal that
 * killed it otherwise (what a shell reports). */
#ifndef RI_SUPERVISE_H
#define RI_SUPERVISE_H

enum init_action {
    INIT_IGNORE = 0, /* not a signal the init passes on */
    INIT_FORWARD,    /* send it to the server now */
    INIT_HANDOVER,   /* hand over first, forward SIGTERM when done */
    INIT_EXIT,       /* no server runs: end, with 128 + the signal */
};

struct init_state {
    int server_running; /* the server process exists */
    int agent;          /* the agent runs beside it (not --exec) */
    int handing_over;   /* a handover started by SIGTERM is under way */
};

enum init_action supervise_signal(int sig, const struct init_state *st);

/* "ignore", "forward", "handover", "exit". */
const char *init_action_name(enum init_action a);

/* The init's exit code for the server's wait status; -1 when the status
 * says the server did not end (stopped, continued). */
int supervise_exit_code(int wait_status);

/* 1 for the signals the init passes on. */
int supervise_forwards(int sig);

#endif
