/* report.c: discover's output, and the termination message of `run`. */
#include "engine/report.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "rules/tally.h"

#ifndef RI_VERSION
#define RI_VERSION "dev"
#endif

/* ---------------------------------------------------------------------------
 * Text
 * ------------------------------------------------------------------------ */

static void text_peer_head(FILE *f, const char *kind, const struct peer_common *p) {
    fprintf(f, "  %s-%d  %s:%d", kind, p->ordinal, p->host, p->port);
    if (p->addr[0]) fprintf(f, "  (%s)", p->addr);
    fputc('\n', f);
}

static void text_failure(FILE *f, const struct peer_common *p) {
    fprintf(f, "      %s", outcome_name(p->outcome));
    if (p->detail[0]) fprintf(f, ": %s", p->detail);
    if (p->elapsed_ms > 0) fprintf(f, "  [%.1f ms]", p->elapsed_ms);
    fputc('\n', f);
}

static void text_sentinel(FILE *f, const struct sentinel_obs *so) {
    text_peer_head(f, "sentinel", &so->p);
    if (so->p.outcome == OUT_SELF) {
        fputs("      this pod (not probed)\n", f);
        return;
    }
    if (so->p.outcome != OUT_ANSWER) {
        text_failure(f, &so->p);
        return;
    }
    fprintf(f, "      answer: master is %s:%d  [%.1f ms]\n", so->master_host, so->master_port,
            so->p.elapsed_ms);
}

static void text_redis(FILE *f, const struct redis_obs *ro, const struct observations *o) {
    text_peer_head(f, "redis", &ro->p);
    if (ro->p.outcome == OUT_SELF) {
        char hist[128];
        history_describe(&o->self_hist, hist, sizeof hist);
        fprintf(f, "      this pod (not probed); data dir: %s, %s; history %s\n",
                o->self_data.has_data ? "HOLDS DATA" : "empty", o->self_data.summary, hist);
        return;
    }
    if (ro->p.outcome != OUT_ANSWER) {
        text_failure(f, &ro->p);
        return;
    }
    fprintf(f, "      answer: %s", role_name(ro->role));
    if (ro->role == ROLE_REPLICA)
        fprintf(f, " of %s:%d, link %s", ro->master_host, ro->master_port,
                ro->link_up ? "up" : "DOWN");
    else if (ro->role == ROLE_MASTER)
        fprintf(f, " with %d connected replica(s)", ro->connected_replicas);
    char hist[128];
    history_describe(&ro->hist, hist, sizeof hist);
    if (ro->role == ROLE_INIT)
        fprintf(f, " (deciding), data dir %s; history %s  [%.1f ms]\n",
                ro->init_has_data ? "HOLDS DATA" : "empty", hist, ro->p.elapsed_ms);
    else
        fprintf(f, "; offset %lld; %lld key(s)%s; history %s  [%.1f ms]\n", ro->offset, ro->keys,
                ro->loading ? " (LOADING)" : "", hist, ro->p.elapsed_ms);
}

static void text_decision(FILE *f, const struct boot_result *r) {
    const struct decision *d = &r->dec;
    fprintf(f, "\nDECISION  %s", action_name(d->action));
    if (d->action == ACT_FOLLOW || d->action == ACT_MONITOR || d->action == ACT_PROMOTE)
        fprintf(f, " %s:%d", d->host, d->port);
    fprintf(f, "   (rule %s%s)\n", d->rule ? d->rule : "?", r->decided ? "" : ", not final");
    /* reasons[0] decides; the rest is the context it was decided in. */
    for (int i = 0; i < d->n_reasons; i++)
        fprintf(f, "  %s %s\n", i ? "context" : "because", d->reasons[i]);
    for (int i = 0; i < d->n_warnings; i++) fprintf(f, "  WARNING %s\n", d->warnings[i]);
}

void report_text(FILE *f, const struct report_meta *m, const struct boot_result *r) {
    const struct observations *o = &r->obs;
    fprintf(f, "%s %s discover: pod %s (ordinal %d), master group \"%s\"\n", m->program, RI_VERSION,
            m->s->pod_name, o->self_ordinal, m->s->master_name);
    fprintf(f, "  %d round(s) in %.1f ms; own name %s: %s\n", r->rounds, r->elapsed_ms,
            o->self_host[0] ? o->self_host : "(none)", r->own_dns ? r->own_dns : "not-checked");
    fprintf(f, "\nSENTINELS  (%d configured, majority %d)\n", o->n_sentinels,
            sentinel_majority(o->n_sentinels));
    for (int i = 0; i < o->n_sentinels; i++) text_sentinel(f, &o->sentinels[i]);
    fprintf(f, "\nREDIS PODS  (%d configured)\n", o->n_redis);
    for (int i = 0; i < o->n_redis; i++) text_redis(f, &o->redis[i], o);
    text_decision(f, r);
    if (m->error) fprintf(f, "\nNOT DECIDED (exit %d): %s\n", m->exit_code, m->error);
}

/* ---------------------------------------------------------------------------
 * JSON
 * ------------------------------------------------------------------------ */

static json_t *json_peer(const struct peer_common *p) {
    return json_pack("{s:i, s:s, s:i, s:s?, s:s, s:s?, s:f}", "ordinal", p->ordinal, "host",
                     p->host, "port", p->port, "addr", p->addr[0] ? p->addr : NULL, "outcome",
                     outcome_name(p->outcome), "detail", p->detail[0] ? p->detail : NULL,
                     "elapsed_ms", p->elapsed_ms);
}

static json_t *json_sentinel(const struct sentinel_obs *so) {
    json_t *j = json_peer(&so->p);
    if (j && so->p.outcome == OUT_ANSWER) {
        json_object_set_new(j, "master_host", json_string(so->master_host));
        json_object_set_new(j, "master_port", json_integer(so->master_port));
    }
    return j;
}

static json_t *json_history(const struct history *h) {
    return json_pack("{s:s, s:I, s:s?, s:I, s:b, s:I}", "replid", h->id, "offset",
                     (json_int_t)h->offset, "parent_replid", h->parent_id[0] ? h->parent_id : NULL,
                     "parent_offset", (json_int_t)h->parent_offset, "was_master", h->was_master,
                     "written_ms", (json_int_t)h->written_ms);
}

static json_t *json_redis(const struct redis_obs *ro) {
    json_t *j = json_peer(&ro->p);
    if (!j || ro->p.outcome != OUT_ANSWER) return j;
    json_t *a =
        json_pack("{s:s, s:s, s:s, s:I, s:I, s:i, s:I, s:b}", "role", role_name(ro->role), "replid",
                  ro->replid, "replid2", ro->replid2, "offset", (json_int_t)ro->offset,
                  "second_offset", (json_int_t)ro->second_offset, "connected_replicas",
                  ro->connected_replicas, "keys", (json_int_t)ro->keys, "loading", ro->loading);
    if (a && ro->hist.known) json_object_set_new(a, "history", json_history(&ro->hist));
    if (a && ro->role == ROLE_INIT)
        json_object_set_new(a, "has_data", json_boolean(ro->init_has_data));
    if (a && ro->role == ROLE_REPLICA) {
        json_object_set_new(a, "master_host", json_string(ro->master_host));
        json_object_set_new(a, "master_port", json_integer(ro->master_port));
        json_object_set_new(a, "link_up", json_boolean(ro->link_up));
    }
    if (a) json_object_update(j, a);
    json_decref(a);
    return j;
}

static json_t *json_strings(const char (*items)[DEC_REASON_MAX], int n) {
    json_t *a = json_array();
    for (int i = 0; a && i < n; i++) json_array_append_new(a, json_string(items[i]));
    return a;
}

static json_t *json_decision(const struct boot_result *r) {
    const struct decision *d = &r->dec;
    int has_target =
        d->action == ACT_FOLLOW || d->action == ACT_MONITOR || d->action == ACT_PROMOTE;
    json_t *j = json_pack("{s:s, s:s, s:b, s:o, s:o}", "action", action_name(d->action), "rule",
                          d->rule ? d->rule : "", "final", r->decided, "reasons",
                          json_strings(d->reasons, d->n_reasons), "warnings",
                          json_strings(d->warnings, d->n_warnings));
    if (j && has_target) {
        json_object_set_new(j, "host", json_string(d->host));
        json_object_set_new(j, "port", json_integer(d->port));
    }
    return j;
}

static json_t *json_report(const struct report_meta *m, const struct boot_result *r) {
    const struct observations *o = &r->obs;
    json_t *sent = json_array(), *red = json_array();
    for (int i = 0; sent && i < o->n_sentinels; i++)
        json_array_append_new(sent, json_sentinel(&o->sentinels[i]));
    for (int i = 0; red && i < o->n_redis; i++)
        json_array_append_new(red, json_redis(&o->redis[i]));
    json_t *j = json_pack(
        "{s:i, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:i, s:f, s:b, s:i, s:s?, s:o, s:o, s:o}",
        "schema", 1, "program", m->program, "version", RI_VERSION, "pod", m->s->pod_name, "ordinal",
        o->self_ordinal, "self_host", o->self_host, "self_dns",
        r->own_dns ? r->own_dns : "not-checked", "master_name", m->s->master_name, "rounds",
        r->rounds, "elapsed_ms", r->elapsed_ms, "decided", r->decided, "exit_code", m->exit_code,
        "error", m->error, "decision", json_decision(r), "sentinels", sent, "redis", red);
    if (j && !o->is_sentinel) {
        const struct local_data *ld = &o->self_data;
        json_object_set_new(j, "self_data",
                            json_pack("{s:b, s:s, s:s, s:I}", "has_data", ld->has_data, "summary",
                                      ld->summary, "replid", ld->replid, "offset",
                                      (json_int_t)ld->offset));
        if (o->self_hist.known) json_object_set_new(j, "self_history", json_history(&o->self_hist));
    }
    return j;
}

int report_json(FILE *f, const struct report_meta *m, const struct boot_result *r) {
    json_t *j = json_report(m, r);
    if (!j) return -1;
    int rc = json_dumpf(j, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', f);
    json_decref(j);
    return rc;
}

/* ---------------------------------------------------------------------------
 * Termination message
 * ------------------------------------------------------------------------ */

void report_termination(const struct settings *s, const char *program,
                        const struct decision_summary *sum, const ri_err *failure) {
    if (!s->termination_log[0]) return;
    /* No O_CREAT: outside Kubernetes the file is not there, and that is fine. */
    int fd = open(s->termination_log, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        if (errno != ENOENT)
            log_warn("cannot write the termination message", "file", s->termination_log, "error",
                     strerror(errno), NULL);
        return;
    }
    char line[1024], what[768];
    if (sum) summary_line(sum, what, sizeof what);
    int n = snprintf(line, sizeof line, "%s: %s%s\n", program, sum ? "" : "no role: ",
                     sum                          ? what
                     : failure && failure->msg[0] ? failure->msg
                                                  : "failed");
    if (n >= (int)sizeof line) n = (int)sizeof line - 1;
    if (write(fd, line, (size_t)n) != n)
        log_warn("cannot write the termination message", "file", s->termination_log, "error",
                 strerror(errno), NULL);
    close(fd);
}
