/* beacon.h: while redis-init decides, answer on the redis port for it.
 *
 * A pod still in its init phase runs no server, so its peers could not learn
 * whether it holds data or how new its history is: after a full outage
 * every pod would be "refused" and none could tell the newest history. The
 * beacon closes that gap. From the first round until the decision it
 * listens on the redis port (the bind addresses of [redis] bind) and speaks
 * just enough RESP for a discovery probe:
 *
 *   AUTH [user] pass   the probe user: +OK, or WRONGPASS for a wrong
 *                      password; any other user: -INIT (an application must
 *                      not read "wrong password" and give up)
 *   INFO [section]     role:redis-init, ri_has_data and the recorded history
 *                      (ri_replid, ri_offset, ri_parent_replid, ...)
 *   QUIT               +OK, then close
 *   anything else      -INIT (PING too: a sentinel must not think a
 *                      deciding pod is a live server and delay a failover)
 *
 * It serves from its own thread so that peers get an answer while a round
 * waits on a slow peer. beacon_stop() closes every socket (they are also
 * close-on-exec) so the server can bind the port.
 */
#ifndef RI_BEACON_H
#define RI_BEACON_H

#include "model/history.h"

struct beacon;

/* Listen on port at the addresses of bind (Redis syntax: "*", "-::*",
 * literal IPs; a leading "-" marks an optional one). Returns NULL, with a
 * warning logged, when no address could be bound: discovery goes on, the
 * peers just see this pod as down. */
struct beacon *beacon_start(const char *bind, int port, const char *user, const char *pass,
                            int has_data, const struct history *h);

/* Stop serving and close everything; NULL is a no-op. */
void beacon_stop(struct beacon *b);

/* The INFO text for one section ("replication", "persistence", "keyspace",
 * "server", or NULL/"all"/"everything"/"default" for all). Pure; exposed for
 * tests: info_parse_replication() must read it back. */
int beacon_info_text(char *buf, size_t size, const char *section, int has_data,
                     const struct history *h);

#endif
