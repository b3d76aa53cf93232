/* fuzz_info: the three INFO parsers on any bytes (NUL-terminated copy, as
 * hiredis hands them over). abort() when a result breaks its contract. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/info.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_str(const char *s, size_t cap) {
    if (!memchr(s, '\0', cap)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    struct redis_obs r;
    memset(&r, 0xA5, sizeof r); /* every answer field must be reset */
    int rc = info_parse_replication(text, &r);
    if (rc != 0 && rc != -1) abort();
    if (r.role != ROLE_UNKNOWN && r.role != ROLE_MASTER && r.role != ROLE_REPLICA) abort();
    if (rc == -1 && r.role != ROLE_UNKNOWN) abort();
    check_str(r.master_host, sizeof r.master_host);
    check_str(r.replid, sizeof r.replid);
    check_str(r.replid2, sizeof r.replid2);
    if (r.master_port < 0 || r.master_port > 65535) abort();
    if (r.link_up != 0 && r.link_up != 1) abort();
    if (r.connected_replicas < 0) abort();
    if (strlen(r.master_host) > strlen(text)) abort();

    if (info_parse_keys(text) < 0) abort();
    int loading = info_parse_loading(text);
    if (loading != 0 && loading != 1) abort();

    struct server_stats st;
    memset(&st, 0xA5, sizeof st); /* every field must be set */
    info_parse_stats(text, &st);
    if (st.role != ROLE_UNKNOWN && st.role != ROLE_MASTER && st.role != ROLE_REPLICA) abort();
    if (st.connected_clients < -1 || st.maxclients < -1 || st.good_replicas < -1 ||
        st.fenced_writes < -1)
        abort();
    free(text);
    return 0;
}
