/* test_supervise.c: the init's signal policy and its exit status
 * (rules/supervise.h), table-driven. */
#include <signal.h>
#include <sys/wait.h>

#include "checkmain.h"
#include "rules/supervise.h"

/* A wait status as the kernel builds it. */
#define EXITED(code) (((code) & 0xff) << 8)
#define KILLED(sig)  ((sig) & 0x7f)

static const struct {
    int sig, running, agent, handing_over;
    enum init_action want;
} signals[] = {
    /* a server runs, the agent beside it */
    {SIGTERM, 1, 1, 0, INIT_HANDOVER},   /* the first SIGTERM hands over first */
    {SIGTERM, 1, 1, 1, INIT_FORWARD},    /* a second one during the handover: now */
    {SIGINT, 1, 1, 0, INIT_FORWARD},
    {SIGINT, 1, 1, 1, INIT_FORWARD},
    {SIGHUP, 1, 1, 0, INIT_FORWARD},
    {SIGQUIT, 1, 1, 0, INIT_FORWARD},
    {SIGUSR1, 1, 1, 0, INIT_FORWARD},
    {SIGUSR2, 1, 1, 0, INIT_FORWARD},
    {SIGCHLD, 1, 1, 0, INIT_IGNORE},     /* reaping, not forwarding */
    {SIGWINCH, 1, 1, 0, INIT_IGNORE},
    {SIGPIPE, 1, 1, 0, INIT_IGNORE},
    {SIGALRM, 1, 1, 0, INIT_IGNORE},
    /* no agent (the init alone): SIGTERM goes straight on */
    {SIGTERM, 1, 0, 0, INIT_FORWARD},
    {SIGINT, 1, 0, 0, INIT_FORWARD},
    /* no server (deciding again after a step-down) */
    {SIGTERM, 0, 1, 0, INIT_EXIT},
    {SIGINT, 0, 1, 0, INIT_EXIT},
    {SIGQUIT, 0, 1, 0, INIT_EXIT},
    {SIGHUP, 0, 1, 0, INIT_IGNORE},
    {SIGUSR1, 0, 1, 0, INIT_IGNORE},
    {SIGUSR2, 0, 0, 0, INIT_IGNORE},
    {SIGCHLD, 0, 1, 0, INIT_IGNORE},
};

START_TEST(signal_actions) {
    struct init_state st = {signals[_i].running, signals[_i].agent, signals[_i].handing_over};
    enum init_action got = supervise_signal(signals[_i].sig, &st);
    ck_assert_msg(got == signals[_i].want, "row %d: signal %d: %s, want %s", _i, signals[_i].sig,
                  init_action_name(got), init_action_name(signals[_i].want));
    ck_assert_int_eq(supervise_forwards(signals[_i].sig),
                     signals[_i].sig != SIGCHLD && signals[_i].sig != SIGWINCH &&
                         signals[_i].sig != SIGPIPE && signals[_i].sig != SIGALRM);
}
END_TEST

static const struct {
    int status, want;
} statuses[] = {
    {EXITED(0), 0},        {EXITED(1), 1},          {EXITED(3), 3},           {EXITED(71), 71},
    {EXITED(255), 255},    {KILLED(SIGKILL), 137},  {KILLED(SIGTERM), 143},   {KILLED(SIGSEGV), 139},
    {KILLED(SIGINT), 130}, {KILLED(SIGABRT), 134},  {0x137f /* stopped */, -1}, {0xffff /* continued */, -1},
};

START_TEST(exit_codes) {
    ck_assert_msg(supervise_exit_code(statuses[_i].status) == statuses[_i].want,
                  "status 0x%x: %d, want %d", statuses[_i].status,
                  supervise_exit_code(statuses[_i].status), statuses[_i].want);
}
END_TEST

START_TEST(names) {
    ck_assert_str_eq(init_action_name(INIT_IGNORE), "ignore");
    ck_assert_str_eq(init_action_name(INIT_FORWARD), "forward");
    ck_assert_str_eq(init_action_name(INIT_HANDOVER), "handover");
    ck_assert_str_eq(init_action_name(INIT_EXIT), "exit");
    ck_assert_str_eq(init_action_name((enum init_action)9), "unknown");
}
END_TEST

static Suite *make_suite(void) {
    Suite *s = suite_create("supervise");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, signal_actions, 0, (int)(sizeof signals / sizeof signals[0]));
    tcase_add_loop_test(tc, exit_codes, 0, (int)(sizeof statuses / sizeof statuses[0]));
    tcase_add_test(tc, names);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(make_suite)
