/* agent.c: the agent's thread: the module loop, the handover on SIGTERM,
 * and deciding again after a step-down (see agent.h).
 *
 * _GNU_SOURCE for pipe2() (glibc; musl has it anyway). */
#define _GNU_SOURCE
#include "agent/agent.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/module.h"
#include "base/clock.h"
#include "base/log.h"
#include "engine/handover.h"
#include "engine/report.h"
#include "engine/role.h"

/* The modules, in the order they tick. */
static const struct agent_module *const modules[] = {
    &agent_watch, &agent_heal,    &agent_rotate,   &agent_rotate_app,
    &agent_creds, &agent_consume, &agent_exporter, &agent_metrics};
#define N_MODULES (sizeof modules / sizeof modules[0])

struct agent {
    struct agent_config cfg;
    struct agent_ctx ctx; /* what the modules see */
    struct agent_stats stats;
    pthread_t thread;
    int ev[2], req[2];         /* init -> agent events, agent -> init requests */
    int stop;                  /* AGENT_STOP seen */
    int server_up;             /* modules run only while the server does */
    int exit_code;             /* AGENT_GIVE_UP */
    struct secrets *owned_sec; /* from set_secrets; NULL: cfg.sec is the caller's */
    struct settings *owned_s;  /* from set_settings; NULL: cfg.s is the caller's */
    int sec_changed;           /* set_secrets ran: the other modules start again */
    struct {
        void *state;
        int running;
        double due;
    } mod[N_MODULES];
};

int agent_request_fd(const struct agent *a) { return a->req[0]; }
int agent_exit_code(const struct agent *a) { return a->exit_code; }

static void send_byte(int fd, int v) {
    unsigned char b = (unsigned char)v;
    while (write(fd, &b, 1) < 0 && errno == EINTR) {}
}

enum agent_request agent_request_read(struct agent *a) {
    unsigned char b;
    return read(a->req[0], &b, 1) == 1 ? (enum agent_request)b : AGENT_NONE;
}

void agent_tell(struct agent *a, enum agent_event ev) { send_byte(a->ev[1], ev); }

static void ask(struct agent *a, enum agent_request r) { send_byte(a->req[1], r); }

/* The server is about to stop: the modules rest until it runs again. */
static void step_down(void *owner) {
    struct agent *a = owner;
    a->server_up = 0;
    ask(a, AGENT_STOP_SERVER);
}

/* The program stops and starts again as it is (Webdis). */
static void restart(void *owner) { ask(owner, AGENT_RESTART); }

static void set_secrets(void *owner, struct secrets *sec) {
    struct agent *a = owner;
    secrets_free(a->owned_sec);
    a->owned_sec = sec;
    a->cfg.sec = sec;
    a->sec_changed = 1;
}

static void set_settings(void *owner, struct settings *s) {
    struct agent *a = owner;
    free(a->owned_s);
    a->owned_s = s;
    a->cfg.s = s;
    a->sec_changed = 1;
}

/* The next event, or 0 when none is waiting (the pipe is non-blocking). */
static int next_event(struct agent *a) {
    unsigned char b;
    return read(a->ev[0], &b, 1) == 1 ? b : 0;
}

/* ---------------------------------------------------------------------------
 * Modules
 * ------------------------------------------------------------------------ */

static void modules_start(struct agent *a) {
    double now = mono_ms();
    for (size_t i = 0; i < N_MODULES; i++) {
        a->mod[i].state = NULL;
        a->mod[i].running = modules[i]->start(&a->ctx, &a->mod[i].state) == 0;
        a->mod[i].due = now;
    }
}

static void modules_stop(struct agent *a) {
    for (size_t i = 0; i < N_MODULES; i++)
        if (a->mod[i].running || a->mod[i].state) {
            if (modules[i]->stop) modules[i]->stop(a->mod[i].state);
            a->mod[i].state = NULL;
            a->mod[i].running = 0;
        }
}

/* Module i starts again on the configuration as it is now. */
static void module_restart(struct agent *a, size_t i) {
    if (modules[i]->stop && (a->mod[i].running || a->mod[i].state))
        modules[i]->stop(a->mod[i].state);
    a->mod[i].state = NULL;
    a->mod[i].running = modules[i]->start(&a->ctx, &a->mod[i].state) == 0;
    a->mod[i].due = mono_ms();
}

static void modules_tick(struct agent *a) {
    for (size_t i = 0; i < N_MODULES && a->server_up; i++) {
        if (!a->mod[i].running || mono_ms() < a->mod[i].due) continue;
        int next = modules[i]->tick(&a->ctx, a->mod[i].state);
        if (next < 0) a->mod[i].running = 0;
        else a->mod[i].due = mono_ms() + next;
        if (a->sec_changed) { /* the passwords the others derived at start are stale */
            a->sec_changed = 0;
            for (size_t k = 0; k < N_MODULES; k++)
                if (k != i) module_restart(a, k);
        }
    }
}

/* Until the next tick due, in ms (-1: none). */
static int modules_wait(const struct agent *a) {
    int any = 0;
    double wait = 0, now = mono_ms();
    for (size_t i = 0; i < N_MODULES && a->server_up; i++) {
        if (!a->mod[i].running) continue;
        double w = a->mod[i].due - now;
        if (!any || w < wait) wait = w;
        any = 1;
    }
    /* Rounded up: waking a fraction of a ms early would spin until due. */
    return !any ? -1 : wait <= 0 ? 0 : (int)wait + 1;
}

/* ---------------------------------------------------------------------------
 * Events
 * ------------------------------------------------------------------------ */

static int handover_stop(void *ctx) {
    struct agent *a = ctx;
    int ev;
    while ((ev = next_event(a)) != 0)
        if (ev == AGENT_STOP) a->stop = 1;
    return a->stop;
}

static void hand_over(struct agent *a) {
    struct handover_stop hs = {handover_stop, a};
    ri_err e = {0};
    int rc = a->cfg.is_sentinel ? handover_sentinel(a->cfg.s, a->cfg.sec, &hs, &e)
                                : handover_redis(a->cfg.s, a->cfg.sec, &hs, &e);
    if (rc)
        log_warn("the handover did not complete; stopping the server anyway", "error", e.msg, NULL);
    else log_info("handover done; stopping the server", NULL);
    ask(a, AGENT_HANDOVER_DONE);
}

/* After a step-down: decide again, like a pod that boots, until the
 * decision is safe; then the files are written and the init starts the
 * server on them. */
static void decide_again(struct agent *a) {
    struct role_request rq = {a->cfg.is_sentinel, OVERRIDE_NONE, NULL};
    char conf[PATH_MAX];
    a->server_up = 0;
    modules_stop(a);
    for (;;) {
        ri_err e = {0};
        int rc = role_configure(a->cfg.s, a->cfg.sec, &rq, conf, sizeof conf, &a->cfg.boot, &e);
        if (rc == 0) {
            report_termination(a->cfg.s, a->cfg.is_sentinel ? "sentinel-init" : "redis-init",
                               &a->cfg.boot, NULL);
            ask(a, AGENT_START_SERVER);
            return;
        }
        if (handover_stop(a)) return;
        if (rc != EX_UNAVAILABLE) {
            log_error("cannot decide again; ending", "error", e.msg, NULL);
            a->exit_code = rc;
            ask(a, AGENT_GIVE_UP);
            return;
        }
        log_warn("no safe decision yet; deciding again", "error", e.msg, NULL);
    }
}

static void on_event(struct agent *a, int ev) {
    switch (ev) {
    case AGENT_HANDOVER:
        a->server_up = 0; /* no more step-downs or records from a server that is leaving */
        hand_over(a);
        break;
    case AGENT_SERVER_GONE: decide_again(a); break;
    case AGENT_SERVER_UP:
        modules_stop(a);
        modules_start(a);
        a->server_up = 1;
        break;
    case AGENT_STOP: a->stop = 1; break;
    }
}

static void *run(void *arg) {
    struct agent *a = arg;
    /* A peer that closes first makes a write fail with EPIPE, not kill us. */
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, NULL);
    modules_start(a);
    a->server_up = 1;
    while (!a->stop) {
        struct pollfd pfd[1 + N_MODULES];
        int n = 0, who[1 + N_MODULES];
        pfd[n] = (struct pollfd){.fd = a->ev[0], .events = POLLIN};
        who[n++] = -1;
        /* No module looks at a server that is leaving or gone. */
        for (size_t i = 0; i < N_MODULES && a->server_up; i++) {
            int fd = a->mod[i].running && modules[i]->fd ? modules[i]->fd(a->mod[i].state) : -1;
            if (fd < 0) continue;
            pfd[n] = (struct pollfd){.fd = fd, .events = POLLIN};
            who[n++] = (int)i;
        }
        if (poll(pfd, (nfds_t)n, modules_wait(a)) < 0 && errno != EINTR) sleep_ms(100);
        int ev;
        while (!a->stop && (ev = next_event(a)) != 0) on_event(a, ev);
        for (int k = 1; k < n && !a->stop && a->server_up; k++)
            if (pfd[k].revents) modules[who[k]]->readable(&a->ctx, a->mod[who[k]].state);
        if (!a->stop) modules_tick(a);
    }
    modules_stop(a);
    ask(a, AGENT_STOPPED);
    return NULL;
}

/* ---------------------------------------------------------------------------
 * Start and finish
 * ------------------------------------------------------------------------ */

struct agent *agent_start(const struct agent_config *cfg, ri_err *e) {
    struct agent *a = calloc(1, sizeof *a);
    if (!a) return ri_fail(e, EX_OSERR, "out of memory"), NULL;
    a->cfg = *cfg;
    a->stats.started_ms = mono_ms();
    a->ctx =
        (struct agent_ctx){&a->cfg, &a->stats, step_down, restart, set_secrets, set_settings, a};
    if (pipe2(a->ev, O_CLOEXEC | O_NONBLOCK) != 0 || pipe2(a->req, O_CLOEXEC) != 0) {
        ri_fail(e, EX_OSERR, "agent: pipe: %s", strerror(errno));
        free(a);
        return NULL;
    }
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setstacksize(&at, 512 * 1024);
    int err = pthread_create(&a->thread, &at, run, a);
    pthread_attr_destroy(&at);
    if (err) {
        ri_fail(e, EX_OSERR, "agent: thread: %s", strerror(err));
        for (int i = 0; i < 2; i++) close(a->ev[i]), close(a->req[i]);
        free(a);
        return NULL;
    }
    return a;
}

void agent_finish(struct agent *a, int timeout_ms) {
    agent_tell(a, AGENT_STOP);
    double end = mono_ms() + timeout_ms;
    for (;;) {
        struct pollfd pfd = {.fd = a->req[0], .events = POLLIN};
        int left = (int)(end - mono_ms());
        if (left <= 0 || poll(&pfd, 1, left) <= 0) {
            /* Still inside a bounded probe: the process ends around it. */
            log_warn("the agent did not stop in time; leaving it", NULL);
            return;
        }
        if (agent_request_read(a) == AGENT_STOPPED) break;
    }
    pthread_join(a->thread, NULL);
    for (int i = 0; i < 2; i++) close(a->ev[i]), close(a->req[i]);
    secrets_free(a->owned_sec);
    free(a->owned_s);
    free(a);
}
