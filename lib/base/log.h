/* log.h: one-line logfmt records on stderr.
 *
 *   ts=2026-11-23T10:00:00.123Z level=info prog=redis-init msg="decided" role=replica
 *
 * Arguments after msg are key, value pairs of strings, ended by NULL; values
 * are quoted and escaped as logfmt needs, so any string is safe to pass.
 * Never pass a secret value: the logger cannot know what is secret. */
#ifndef RI_LOG_H
#define RI_LOG_H

enum log_level { LOG_DEBUG = 0, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_init(const char *prog, enum log_level min_level);

void log_event(enum log_level level, const char *msg, ...) __attribute__((sentinel));

#define log_debug(...) log_event(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)  log_event(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_event(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_event(LOG_ERROR, __VA_ARGS__)

/* Format an integer into buf for use as a log value; returns buf. */
const char *log_int(char buf[24], long long v);

#endif
