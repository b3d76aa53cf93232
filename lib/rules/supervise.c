/* supervise.c: the init's signal policy and exit status (see supervise.h). */
#include "rules/supervise.h"

#include <signal.h>
#include <sys/wait.h>

int supervise_forwards(int sig) {
    return sig == SIGTERM || sig == SIGINT || sig == SIGHUP || sig == SIGQUIT || sig == SIGUSR1 ||
           sig == SIGUSR2;
}

enum init_action supervise_signal(int sig, const struct init_state *st) {
    if (!supervise_forwards(sig)) return INIT_IGNORE;
    if (!st->server_running)
        return sig == SIGTERM || sig == SIGINT || sig == SIGQUIT ? INIT_EXIT : INIT_IGNORE;
    if (sig == SIGTERM && st->agent && !st->handing_over) return INIT_HANDOVER;
    return INIT_FORWARD;
}

const char *init_action_name(enum init_action a) {
    static const char *const names[] = {"ignore", "forward", "handover", "exit"};
    return (unsigned)a < sizeof names / sizeof names[0] ? names[a] : "unknown";
}

int supervise_exit_code(int wait_status) {
    if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
    if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
    return -1;
}
