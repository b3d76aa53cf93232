/* aclget.h: what one member's ACL says of a live credential rotation
 * (issue 21): ACL GETUSER of the marker user (model/credentials.h) and of
 * each user asked, pipelined in one bounded session as admin.
 *
 * A user that does not exist reads as exists = 0 (GETUSER's nil). Its
 * password hashes are kept as ACL GETUSER gives them (64 hex digits); the
 * marker's channels as one string of words, whether the server answers a
 * string (Redis 7, Valkey) or a list (Redis 6.2). No password is ever sent
 * or read: ACL GETUSER shows only hashes.
 */
#ifndef RI_ACLGET_H
#define RI_ACLGET_H

#include <hiredis/hiredis.h>

#include "model/observation.h"

#define ACLGET_MAX_USERS  16 /* SESSION_MAX_COMMANDS - 1 */
#define ACLGET_MAX_HASHES 4  /* a rotation holds two; more are kept as "more" */

struct aclget_user {
    int exists;
    int n;    /* hashes kept */
    int more; /* the user had more than ACLGET_MAX_HASHES */
    char hashes[ACLGET_MAX_HASHES][65];
};

struct aclget_result {
    struct peer_common p; /* the outcome and its detail */
    int marker;           /* the marker user exists */
    char channels[512];   /* the marker's channels */
    int n;
    struct aclget_user users[ACLGET_MAX_USERS];
};

/* Ask host:port as user/pass for the marker and names[0..n); out->p.outcome
 * says how it went (OUT_ANSWER: everything parsed). n <= ACLGET_MAX_USERS. */
void aclget(const char *host, int port, const char *user, const char *pass, int timeout_ms,
            const char *const *names, int n, struct aclget_result *out);

/* One ACL GETUSER reply into u; channels (may be NULL) gets its channels.
 * 0, or -1 when the reply is neither nil nor a GETUSER field list. */
int aclget_parse(const redisReply *r, struct aclget_user *u, char *channels, size_t chlen);

/* 1 when u holds the password whose SHA-256 is hash. */
int aclget_has(const struct aclget_user *u, const unsigned char hash[32]);

#endif
