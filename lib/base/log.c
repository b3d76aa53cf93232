/* log.c: logfmt records on stderr, one line each, whole even from several
 * threads (see log.h). */
#include "base/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *log_prog = "redis-init";
static enum log_level log_min = LOG_INFO;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *const level_names[] = {"debug", "info", "warn", "error"};

void log_init(const char *prog, enum log_level min_level) {
    log_prog = prog;
    log_min = min_level;
}

const char *log_int(char buf[24], long long v) {
    snprintf(buf, 24, "%lld", v);
    return buf;
}

/* logfmt: bare when the value is plain, else double-quoted with escapes. */
static void put_value(FILE *f, const char *v) {
    int plain = *v != '\0';
    for (const char *p = v; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c >= 0x7f) {
            plain = 0;
            break;
        }
    }
    if (plain) {
        fputs(v, f);
        return;
    }
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
        else if (*p == '\n') fputs("\\n", f);
        else if (*p < ' ' || *p == 0x7f) fprintf(f, "\\x%02x", *p);
        else fputc(*p, f);
    }
    fputc('"', f);
}

void log_event(enum log_level level, const char *msg, ...) {
    if (level < log_min) return;
    struct timespec ts;
    struct tm tm;
    char stamp[32];
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);

    pthread_mutex_lock(&log_lock);
    FILE *f = stderr;
    fprintf(f, "ts=%s.%03ldZ level=%s prog=%s msg=", stamp, ts.tv_nsec / 1000000L,
            level_names[level], log_prog);
    put_value(f, msg);
    va_list ap;
    va_start(ap, msg);
    for (const char *k; (k = va_arg(ap, const char *)) != NULL;) {
        const char *v = va_arg(ap, const char *);
        fprintf(f, " %s=", k);
        put_value(f, v ? v : "");
    }
    va_end(ap);
    fputc('\n', f);
    fflush(f);
    pthread_mutex_unlock(&log_lock);
}
