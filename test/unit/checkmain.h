/* checkmain.h: the main() of every Check suite binary.
 *   #include "checkmain.h"
 *   static Suite *make_suite(void) { ... }
 *   CHECK_MAIN(make_suite)
 * Exits non-zero when any test fails; prints Check's summary line. */
#ifndef RI_CHECKMAIN_H
#define RI_CHECKMAIN_H

#include <check.h>
#include <stdlib.h>

#define CHECK_MAIN(suite_fn)                                   \
    int main(void) {                                           \
        SRunner *sr = srunner_create(suite_fn());              \
        srunner_run_all(sr, CK_NORMAL);                        \
        int failed = srunner_ntests_failed(sr);                \
        srunner_free(sr);                                      \
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;      \
    }

#endif
