/* admin.h: the writes. Every command that changes a server or a sentinel
 * goes through here, as the admin user, in one bounded session (session.h)
 * whose one reply must be +OK (or a status starting with OK). The reads
 * are probe.h's; `discover` never writes.
 *
 * Each returns 0, or EX_UNAVAILABLE with one line naming the command, the
 * peer and the outcome (never the password). err_code, where taken, gets
 * the first word of an error reply ("INPROG", "NOGOODSLAVE") or "". */
#ifndef RI_ADMIN_H
#define RI_ADMIN_H

#include "base/err.h"

/* Where to send, as whom, within what time. */
struct admin_conn {
    const char *host;
    int port;
    const char *user, *pass;
    int timeout_ms;
};

/* Any command (argv[0..argc)); what names it in the error line. */
int admin_call(const struct admin_conn *c, int argc, const char **argv, const char *what,
               char err_code[32], ri_err *e);

int admin_failover(const struct admin_conn *c, const char *master_name, char err_code[32],
                   ri_err *e);                            /* SENTINEL FAILOVER <group> */
int admin_promote(const struct admin_conn *c, ri_err *e); /* REPLICAOF NO ONE */
int admin_follow(const struct admin_conn *c, const char *host, int port,
                 ri_err *e);                                           /* REPLICAOF host port */
int admin_pause_writes(const struct admin_conn *c, int ms, ri_err *e); /* CLIENT PAUSE ms WRITE */
int admin_unpause(const struct admin_conn *c, ri_err *e);              /* CLIENT UNPAUSE */
/* ACL DELUSER user: Redis closes the user's connections with it. */
int admin_deluser(const struct admin_conn *c, const char *user, ri_err *e);

#endif
