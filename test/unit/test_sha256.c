/* test_sha256.c: FIPS 180-4 / NIST digests and RFC 4231 HMAC vectors. */
#include "checkmain.h"
#include "base/sha256.h"

#include <string.h>

static void digest_hex(const void *data, size_t len, char hex[65]) {
    unsigned char d[32];
    sha256(data, len, d);
    hex_encode(d, 32, hex);
}

/* ---------------------------------------------------------------------------
 * SHA-256
 * ------------------------------------------------------------------------- */

static const struct { const char *msg, *hex; } sha_cases[] = {
    {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqr"
     "lmnopqrsmnopqrstnopqrstu",
     "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
};

START_TEST(test_sha_vectors) {
    char hex[65];
    digest_hex(sha_cases[_i].msg, strlen(sha_cases[_i].msg), hex);
    ck_assert_str_eq(hex, sha_cases[_i].hex);
}
END_TEST

/* The same messages fed one byte at a time must give the same digest:
 * exercises the partial-block path of sha256_update. */
START_TEST(test_sha_bytewise) {
    const char *m = sha_cases[_i].msg;
    unsigned char d[32];
    char hex[65];
    sha256_ctx c;
    sha256_init(&c);
    for (size_t i = 0; m[i]; i++) sha256_update(&c, m + i, 1);
    sha256_final(&c, d);
    hex_encode(d, 32, hex);
    ck_assert_str_eq(hex, sha_cases[_i].hex);
}
END_TEST

/* One million 'a' in chunks of odd sizes that straddle block boundaries. */
START_TEST(test_sha_million_a) {
    static const size_t sizes[] = {1, 3, 7, 63, 65, 127, 129, 1000, 4093};
    char chunk[4096];
    memset(chunk, 'a', sizeof chunk);
    sha256_ctx c;
    sha256_init(&c);
    size_t left = 1000000, k = 0;
    while (left) {
        size_t n = sizes[k++ % (sizeof sizes / sizeof sizes[0])];
        if (n > left) n = left;
        sha256_update(&c, chunk, n);
        left -= n;
    }
    unsigned char d[32];
    char hex[65];
    sha256_final(&c, d);
    hex_encode(d, 32, hex);
    ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

/* Lengths around the 55/56/64-byte padding edges: incremental and one-shot agree. */
START_TEST(test_sha_padding_edges) {
    unsigned char msg[130], a[32], b[32];
    for (size_t i = 0; i < sizeof msg; i++) msg[i] = (unsigned char)(i * 7 + 1);
    for (size_t n = 0; n <= sizeof msg; n++) {
        sha256(msg, n, a);
        sha256_ctx c;
        sha256_init(&c);
        sha256_update(&c, msg, n / 3);
        sha256_update(&c, msg + n / 3, n - n / 3);
        sha256_final(&c, b);
        ck_assert_mem_eq(a, b, 32);
    }
}
END_TEST

/* ---------------------------------------------------------------------------
 * HMAC-SHA256 (RFC 4231; case 5 is a truncated output and is skipped)
 * ------------------------------------------------------------------------- */

struct hmac_case {
    unsigned char key_byte;  /* 0 means the key is given in key[] */
    size_t key_len;
    const char *key;
    unsigned char msg_byte;  /* 0 means the message is msg */
    size_t msg_len;
    const char *msg;
    const char *hex;
};

static const struct hmac_case hmac_cases[] = {
    {0x0b, 20, NULL, 0, 0, "Hi There",
     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
    {0, 4, "Jefe", 0, 0, "what do ya want for nothing?",
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
    {0xaa, 20, NULL, 0xdd, 50, NULL,
     "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
    {0, 25,
     "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16"
     "\x17\x18\x19",
     0xcd, 50, NULL, "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
    {0xaa, 131, NULL, 0, 0, "Test Using Larger Than Block-Size Key - Hash Key First",
     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
    {0xaa, 131, NULL, 0, 0,
     "This is a test using a larger than block-size key and a larger than block-size data. "
     "The key needs to be hashed before being used by the HMAC algorithm.",
     "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
};

START_TEST(test_hmac_vectors) {
    const struct hmac_case *t = &hmac_cases[_i];
    unsigned char key[200], msg[200], d[32];
    char hex[65];
    if (t->key_byte) memset(key, t->key_byte, t->key_len);
    else memcpy(key, t->key, t->key_len);
    size_t mlen = t->msg_byte ? t->msg_len : strlen(t->msg);
    if (t->msg_byte) memset(msg, t->msg_byte, mlen);
    else memcpy(msg, t->msg, mlen);
    hmac_sha256(key, t->key_len, msg, mlen, d);
    hex_encode(d, 32, hex);
    ck_assert_str_eq(hex, t->hex);
}
END_TEST

START_TEST(test_hex_encode) {
    static const unsigned char in[] = {0x00, 0x0f, 0xa0, 0xff, 0x5e};
    char out[11];
    memset(out, 'X', sizeof out);
    hex_encode(in, sizeof in, out);
    ck_assert_str_eq(out, "000fa0ff5e");
    hex_encode(in, 0, out);
    ck_assert_str_eq(out, "");
}
END_TEST

static Suite *make_suite(void) {
    Suite *s = suite_create("sha256");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_sha_vectors, 0, (int)(sizeof sha_cases / sizeof sha_cases[0]));
    tcase_add_loop_test(tc, test_sha_bytewise, 0, (int)(sizeof sha_cases / sizeof sha_cases[0]));
    tcase_add_test(tc, test_sha_million_a);
    tcase_add_test(tc, test_sha_padding_edges);
    tcase_add_loop_test(tc, test_hmac_vectors, 0, (int)(sizeof hmac_cases / sizeof hmac_cases[0]));
    tcase_add_test(tc, test_hex_encode);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(make_suite)
