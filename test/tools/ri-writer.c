/* ri-writer: the steady writer of the end-to-end and fault tests.
 *
 *   ri-writer write  -s SECRETS -S HOST:PORT[,HOST:PORT...] -m GROUP -p PREFIX
 *                    -a ACKED_FILE -x STOP_FILE [-w WAIT_MS] [-t TLS_DIR]
 *   ri-writer verify -s SECRETS -S ... -m GROUP -p PREFIX -a ACKED_FILE [-t TLS_DIR]
 *
 * -t: speak TLS to the sentinels and the servers, as redis-init does
 * (net/tls.h: the same contexts, host names verified), with TLS_DIR's
 * tls.crt, tls.key and ca.crt.
 *
 * write: like an application with a Sentinel client: ask the sentinels (in
 * order, first answer wins) for the master, then SET PREFIX:n n and confirm
 * each with WAIT 1 WAIT_MS; on any error, find the master again. Numbers
 * whose WAIT reported a replica are acknowledged: one per line into
 * ACKED_FILE. Stops when STOP_FILE exists, then prints one line:
 *   issued=N acked=N max_gap_ms=N errors=N
 * (max_gap_ms: the longest time between two consecutive acknowledgements).
 * verify: every acknowledged number is present on the master the sentinels
 * name, with its value; prints "verified=N lost=N" and exits 1 if any is lost.
 *
 * Credentials: the service user from the secrets file, as applications use;
 * never on argv. Like an application whose Secret is mounted, it reads the
 * file again when a new connection's AUTH is refused (a password rotated
 * live, docs/credentials.md) and tries once more; the summary line counts
 * those reloads (auth_reloads=N). Test tool, not shipped. */
#include <errno.h>
#include <getopt.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "config/secrets.h"
#include "net/session.h"
#include "net/tls.h"

struct opts {
    const char *secrets, *sentinels, *group, *prefix, *acked, *stop, *tls_dir;
    int wait_ms;
    const char *user, *pass;
};

static struct secrets *creds;  /* where user and pass point */
static long long auth_reloads; /* times the secrets were read again after a refused AUTH */

/* The service user's credentials from the secrets file, into o. */
static int load_creds(struct opts *o, ri_err *e) {
    struct secrets *sec = NULL;
    const char *user, *pass;
    if (secrets_load(&sec, o->secrets, e) != 0 ||
        secrets_require(sec, SECRET_SERVICE_USER, &user, e) != 0 ||
        secrets_require(sec, SECRET_SERVICE_PASS, &pass, e) != 0) {
        secrets_free(sec);
        return -1;
    }
    secrets_free(creds);
    creds = sec;
    o->user = user;
    o->pass = pass;
    return 0;
}

static int auth(redisContext *c, const struct opts *o) {
    redisReply *r = redisCommand(c, "AUTH %s %s", o->user, o->pass);
    int ok = r && r->type == REDIS_REPLY_STATUS;
    if (r) freeReplyObject(r);
    return ok;
}

static redisContext *connect_auth(const char *host, int port, const struct opts *o) {
    char why[160];
    redisContext *c = session_connect(host, port, 500, why, sizeof why);
    if (!c) return NULL;
    struct timeval rt = {2, 0};
    redisSetTimeout(c, rt);
    int ok = auth(c, o);
    if (!ok) { /* a rotated password: the mounted file has the new one */
        ri_err e = {0};
        if (load_creds((struct opts *)o, &e) == 0) {
            auth_reloads++;
            ok = auth(c, o);
        }
    }
    if (!ok) {
        redisFree(c);
        return NULL;
    }
    return c;
}

/* The master the first answering sentinel names; 0 on success. */
static int find_master(const struct opts *o, char *host, size_t hlen, int *port) {
    char list[4096];
    snprintf(list, sizeof list, "%s", o->sentinels);
    for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *colon = strrchr(t, ':');
        if (!colon) continue;
        *colon = '\0';
        redisContext *c = connect_auth(t, atoi(colon + 1), o);
        if (!c) continue;
        redisReply *r = redisCommand(c, "SENTINEL get-master-addr-by-name %s", o->group);
        int ok = r && r->type == REDIS_REPLY_ARRAY && r->elements == 2;
        if (ok) {
            snprintf(host, hlen, "%s", r->element[0]->str);
            *port = atoi(r->element[1]->str);
        }
        if (r) freeReplyObject(r);
        redisFree(c);
        if (ok) return 0;
    }
    return -1;
}

static redisContext *connect_master(const struct opts *o) {
    char host[256];
    int port;
    if (find_master(o, host, sizeof host, &port) != 0) return NULL;
    return connect_auth(host, port, o);
}

static int stop_requested(const struct opts *o) { return access(o->stop, F_OK) == 0; }

static int run_write(const struct opts *o) {
    FILE *acked = fopen(o->acked, "w");
    if (!acked) {
        perror(o->acked);
        return 2;
    }
    long long issued = 0, n_acked = 0, errors = 0;
    double last_ack = mono_ms(), max_gap = 0;
    redisContext *c = NULL;
    while (!stop_requested(o)) {
        if (!c && !(c = connect_master(o))) {
            errors++;
            sleep_ms(20);
            continue;
        }
        long long n = ++issued;
        redisReply *r = redisCommand(c, "SET %s:%lld %lld", o->prefix, n, n);
        int ok = r && r->type == REDIS_REPLY_STATUS;
        if (r) freeReplyObject(r);
        if (ok) {
            r = redisCommand(c, "WAIT 1 %d", o->wait_ms);
            ok = r && r->type == REDIS_REPLY_INTEGER;
            if (ok && r->integer >= 1) {
                double now = mono_ms();
                if (now - last_ack > max_gap) max_gap = now - last_ack;
                last_ack = now;
                n_acked++;
                fprintf(acked, "%lld\n", n);
                fflush(acked);
            }
            if (r) freeReplyObject(r);
        }
        if (!ok) { /* READONLY, NOREPLICAS, a closed connection: find the master again */
            errors++;
            redisFree(c);
            c = NULL;
            sleep_ms(20);
        }
    }
    if (c) redisFree(c);
    fclose(acked);
    printf("issued=%lld acked=%lld max_gap_ms=%.0f errors=%lld auth_reloads=%lld\n", issued,
           n_acked, max_gap, errors, auth_reloads);
    return 0;
}

static int run_verify(const struct opts *o) {
    FILE *acked = fopen(o->acked, "r");
    if (!acked) {
        perror(o->acked);
        return 2;
    }
    redisContext *c = NULL;
    for (int i = 0; i < 50 && !(c = connect_master(o)); i++) sleep_ms(100);
    if (!c) {
        fprintf(stderr, "ri-writer: no master to verify against\n");
        fclose(acked);
        return 2;
    }
    /* Pipelined, VERIFY_BATCH GETs per round trip: a 30-minute campaign
     * acknowledges millions of writes. */
    enum { VERIFY_BATCH = 1000 };
    static long long batch[VERIFY_BATCH];
    long long verified = 0, lost = 0;
    for (int eof = 0; !eof && lost >= 0;) {
        int k = 0;
        while (k < VERIFY_BATCH && fscanf(acked, "%lld", &batch[k]) == 1)
            redisAppendCommand(c, "GET %s:%lld", o->prefix, batch[k++]);
        eof = k < VERIFY_BATCH;
        for (int i = 0; i < k; i++) {
            redisReply *r = NULL;
            if (redisGetReply(c, (void **)&r) != REDIS_OK || !r) {
                fprintf(stderr, "ri-writer: connection lost while verifying\n");
                lost = -1;
                break;
            }
            if (r->type == REDIS_REPLY_STRING && atoll(r->str) == batch[i]) verified++;
            else {
                if (lost < 5) fprintf(stderr, "ri-writer: lost %s:%lld\n", o->prefix, batch[i]);
                lost++;
            }
            freeReplyObject(r);
        }
    }
    fclose(acked);
    redisFree(c);
    printf("verified=%lld lost=%lld\n", verified, lost);
    return lost == 0 ? 0 : 1;
}

static int setup_tls(const char *dir, ri_err *e) {
    char cert[1024], key[1024], ca[1024];
    snprintf(cert, sizeof cert, "%s/tls.crt", dir);
    snprintf(key, sizeof key, "%s/tls.key", dir);
    snprintf(ca, sizeof ca, "%s/ca.crt", dir);
    struct tls_files f = {.cert = cert, .key = key, .ca = ca};
    return tls_setup(&f, e);
}

int main(int argc, char **argv) {
    struct opts o = {.wait_ms = 1000};
    if (argc < 2) {
        fprintf(stderr, "usage: ri-writer write|verify OPTIONS\n");
        return 64;
    }
    const char *mode = argv[1];
    int c;
    optind = 2;
    while ((c = getopt(argc, argv, "s:S:m:p:a:x:w:t:")) != -1) {
        switch (c) {
        case 's': o.secrets = optarg; break;
        case 'S': o.sentinels = optarg; break;
        case 'm': o.group = optarg; break;
        case 'p': o.prefix = optarg; break;
        case 'a': o.acked = optarg; break;
        case 'x': o.stop = optarg; break;
        case 'w': o.wait_ms = atoi(optarg); break;
        case 't': o.tls_dir = optarg; break;
        default: return 64;
        }
    }
    int write = strcmp(mode, "write") == 0;
    if ((!write && strcmp(mode, "verify") != 0) || !o.secrets || !o.sentinels || !o.group ||
        !o.prefix || !o.acked || (write && !o.stop)) {
        fprintf(stderr, "ri-writer: missing options (see the comment at the top of ri-writer.c)\n");
        return 64;
    }
    ri_err e = {0};
    if (load_creds(&o, &e) != 0) {
        fprintf(stderr, "ri-writer: %s\n", e.msg);
        return 66;
    }
    if (o.tls_dir && setup_tls(o.tls_dir, &e) != 0) {
        fprintf(stderr, "ri-writer: %s\n", e.msg);
        return 78;
    }
    int rc = write ? run_write(&o) : run_verify(&o);
    secrets_free(creds);
    return rc;
}
