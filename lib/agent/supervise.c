/* supervise.c: the init (see supervise.h). One thread: it waits on a
 * signalfd and on the agent's requests, and never blocks anywhere else. */
#include "agent/supervise.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "rules/supervise.h"

#define AGENT_FINISH_MS 2000 /* the agent may be inside a bounded probe */

struct init {
    const struct supervise_config *cfg;
    char path[PATH_MAX]; /* the server program, resolved */
    sigset_t old_mask;   /* the mask the server gets back */
    int sfd;
    struct agent *agent;
    pid_t server; /* 0: none runs */
    int handing_over, term_forwarded, stepping_down, restarting, ending;
    double term_at; /* when our last SIGTERM went to the server (0: none pending) */
    int term_retries;
    int exit_code; /* once ending: what the init exits with */
};

static const int forwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

static const char *sig_name(int sig) {
    switch (sig) {
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    case SIGHUP: return "SIGHUP";
    case SIGQUIT: return "SIGQUIT";
    case SIGUSR1: return "SIGUSR1";
    case SIGUSR2: return "SIGUSR2";
    case SIGKILL: return "SIGKILL";
    default: return "signal";
    }
}

/* The program as execv needs it: a path, searched in PATH here, before the
 * fork (the child may call only async-signal-safe functions). */
static int resolve(const char *prog, char *out, size_t len, ri_err *e) {
    if (strchr(prog, '/')) {
        if (snprintf(out, len, "%s", prog) >= (int)len)
            return ri_fail(e, EX_OSERR, "path too long");
        if (access(out, X_OK) == 0) return 0;
        return ri_fail(e, EX_OSERR, "cannot exec %s: %s", prog, strerror(errno));
    }
    const char *p = getenv("PATH");
    for (p = p && *p ? p : "/usr/local/bin:/usr/bin:/bin"; *p;) {
        size_t n = strcspn(p, ":");
        struct stat st;
        if (n && snprintf(out, len, "%.*s/%s", (int)n, p, prog) < (int)len && stat(out, &st) == 0 &&
            S_ISREG(st.st_mode) && access(out, X_OK) == 0)
            return 0;
        p += n + (p[n] == ':');
    }
    return ri_fail(e, EX_OSERR, "cannot exec %s: not found in PATH", prog);
}

static int spawn(struct init *in, ri_err *e) {
    char *const *args = in->cfg->argv;
    const char *last = args[0];
    for (int i = 1; args[i]; i++) last = args[i];
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return ri_fail(e, EX_OSERR, "cannot start %s: fork: %s", in->path, strerror(errno));
    if (pid == 0) {
        /* Only async-signal-safe calls from here on. */
        setpgid(0, 0);
        sigprocmask(SIG_SETMASK, &in->old_mask, NULL);
        execv(in->path, args);
        static const char msg[] = "level=error prog=redis-init msg=\"cannot exec the server\"\n";
        (void)!write(2, msg, sizeof msg - 1);
        _exit(EX_OSERR);
    }
    in->server = pid;
    char p[24];
    log_info("server started", "program", in->path, "config", last, "pid", log_int(p, pid), NULL);
    return 0;
}

/* SIGTERM to the server, remembered: a server that is still there a
 * second later gets it again (term_again()). */
static void send_term(struct init *in) {
    in->term_at = mono_ms();
    kill(in->server, SIGTERM);
}

static void forward(struct init *in, int sig) {
    if (!in->server) return;
    if (sig == SIGTERM) {
        if (in->term_forwarded) return; /* ours repeats it already (term_again) */
        in->term_forwarded = 1;
        in->restarting = 0; /* a stop asked from outside wins over our restart */
    }
    log_info("forwarding to the server", "signal", sig_name(sig), NULL);
    if (sig == SIGTERM) send_term(in);
    else kill(in->server, sig);
}

/* Redis refuses a SIGTERM it cannot honour yet and runs on: while it
 * writes its first AOF after a sync ("Writing initial AOF, can't exit"),
 * or when the final save fails. A SIGTERM repeated every TERM_AGAIN_MS
 * makes it stop as soon as it can, saving as always (only a second SIGINT
 * makes Redis exit without saving; a second SIGTERM during its own
 * shutdown wait changes nothing). ms until the next one, or -1. */
#define TERM_AGAIN_MS 1000
static int term_again(struct init *in) {
    if (!in->server || !in->term_at) return -1;
    double due = in->term_at + TERM_AGAIN_MS, now = mono_ms();
    if (now < due) return (int)(due - now) + 1;
    if (in->term_retries++ == 0)
        log_warn("the server has not stopped a second after SIGTERM; sending it again every "
                 "second (Redis refuses while it writes its first AOF, or cannot save)",
                 NULL);
    send_term(in);
    return TERM_AGAIN_MS;
}

/* The first reason to end wins (a signal during a step-down, then the
 * server's own exit). */
static void end(struct init *in, int code) {
    if (in->ending) return;
    in->ending = 1;
    in->exit_code = code;
}

/* Every child that ended: the server, and orphans re-parented to us. */
static void reap(struct init *in) {
    int st;
    pid_t pid;
    while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
        if (pid != in->server) continue;
        in->server = 0;
        in->term_at = 0;
        in->term_retries = 0;
        int code = supervise_exit_code(st);
        char c[24];
        if (in->restarting && !in->ending) {
            in->restarting = 0;
            log_info("the program stopped; starting it again", "exit_code", log_int(c, code), NULL);
            ri_err e = {0};
            if (spawn(in, &e)) end(in, e.code);
            else agent_tell(in->agent, AGENT_SERVER_UP);
            continue;
        }
        if (in->stepping_down && !in->ending) {
            in->stepping_down = 0;
            log_info("the server stopped; deciding again", "exit_code", log_int(c, code), NULL);
            agent_tell(in->agent, AGENT_SERVER_GONE);
            continue;
        }
        log_info("the server ended", WIFSIGNALED(st) ? "signal" : "exit_code",
                 WIFSIGNALED(st) ? sig_name(WTERMSIG(st)) : log_int(c, code), NULL);
        end(in, code);
    }
}

static void on_signal(struct init *in, int sig) {
    if (sig == SIGCHLD) {
        reap(in);
        return;
    }
    /* Stopping for a step-down already: end once it is gone, no new decision. */
    if (in->stepping_down && (sig == SIGTERM || sig == SIGINT || sig == SIGQUIT)) {
        log_info("ending after the step-down", "signal", sig_name(sig), NULL);
        end(in, 128 + sig);
        return;
    }
    /* Only a server of this pod hands over; the router and Webdis stop at once. */
    struct init_state st = {in->server != 0, in->agent != NULL && !in->cfg->agent.app,
                            in->handing_over};
    switch (supervise_signal(sig, &st)) {
    case INIT_IGNORE: return;
    case INIT_FORWARD:
        forward(in, sig);
        /* A second SIGTERM cuts the handover short. */
        if (sig == SIGTERM && in->handing_over && in->agent) agent_tell(in->agent, AGENT_STOP);
        return;
    case INIT_HANDOVER:
        in->handing_over = 1;
        log_info("SIGTERM: handing over before the server stops", NULL);
        agent_tell(in->agent, AGENT_HANDOVER);
        return;
    case INIT_EXIT:
        log_info("ending: no server runs", "signal", sig_name(sig), NULL);
        end(in, 128 + sig);
        return;
    }
}

static void on_request(struct init *in, ri_err *e) {
    switch (agent_request_read(in->agent)) {
    case AGENT_HANDOVER_DONE: forward(in, SIGTERM); break;
    case AGENT_STOP_SERVER:
        if (!in->server || in->handing_over || in->ending) break;
        in->stepping_down = 1;
        log_info("stepping down: stopping the server to decide again", NULL);
        send_term(in);
        in->term_forwarded = 0;
        break;
    case AGENT_START_SERVER:
        if (in->ending || in->server) break;
        if (spawn(in, e)) end(in, e->code);
        else agent_tell(in->agent, AGENT_SERVER_UP);
        break;
    case AGENT_RESTART:
        if (!in->server || in->ending || in->restarting) break;
        in->restarting = 1;
        log_info("restarting the program", NULL);
        send_term(in);
        break;
    case AGENT_GIVE_UP:
        if (!in->server) end(in, agent_exit_code(in->agent));
        break;
    case AGENT_STOPPED:
    case AGENT_NONE: break;
    }
}

static int setup(struct init *in, ri_err *e) {
    sigset_t set;
    sigemptyset(&set);
    /* A shell starts background jobs with SIGINT and SIGQUIT ignored, and
     * an ignored signal never reaches a signalfd: take them back first
     * (the server then gets them back as defaults, too). */
    for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++) {
        signal(forwarded[i], SIG_DFL);
        sigaddset(&set, forwarded[i]);
    }
    signal(SIGCHLD, SIG_DFL);
    sigaddset(&set, SIGCHLD);
    pthread_sigmask(SIG_BLOCK, &set, &in->old_mask);
    in->sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    if (in->sfd < 0) return ri_fail(e, EX_OSERR, "signalfd: %s", strerror(errno));
    /* Orphans come to us when we are not PID 1 (a shell, a unit file). */
    if (getpid() != 1 && prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
        log_warn("cannot become a child subreaper; orphans go to PID 1", "error", strerror(errno),
                 NULL);
    return resolve(in->cfg->argv[0], in->path, sizeof in->path, e);
}

static void loop(struct init *in, ri_err *e) {
    while (!in->ending || in->server) {
        struct pollfd pfd[2] = {
            {.fd = in->sfd, .events = POLLIN},
            {.fd = in->agent ? agent_request_fd(in->agent) : -1, .events = POLLIN}};
        if (poll(pfd, 2, term_again(in)) < 0 && errno != EINTR) {
            log_error("poll failed; the init goes on waiting for the server", "error",
                      strerror(errno), NULL);
            sleep(1);
            continue;
        }
        struct signalfd_siginfo si;
        while (read(in->sfd, &si, sizeof si) == (ssize_t)sizeof si)
            on_signal(in, (int)si.ssi_signo);
        if (pfd[1].revents) on_request(in, e);
    }
}

int supervise_run(const struct supervise_config *cfg, ri_err *e) {
    struct init in = {.cfg = cfg, .sfd = -1};
    int rc = setup(&in, e);
    if (!rc) rc = spawn(&in, e);
    if (rc) return rc;
    if (cfg->agent_on) {
        ri_err ae = {0};
        in.agent = agent_start(&cfg->agent, &ae);
        if (!in.agent)
            log_error("the agent did not start; the server runs without it", "error", ae.msg, NULL);
    }
    loop(&in, e);
    if (in.agent) agent_finish(in.agent, AGENT_FINISH_MS);
    close(in.sfd);
    return in.exit_code;
}
