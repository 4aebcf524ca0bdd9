/* test_time.c - the two wire epochs, clamping, and RFC 3339 text. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "lq/lqtime.h"

static void test_epochs(void **state)
{
	(void)state;
	/* 2000-01-01T00:00:00Z = 10957 days * 86400 = 946684800 */
	assert_int_equal(LQ_EPOCH_2000, 10957LL * 86400);
	assert_int_equal(lq_time_to_v6(LQ_EPOCH_2000), 0);
	assert_int_equal(lq_time_to_v6(LQ_EPOCH_2000 + 3600), 3600);
	assert_int_equal(lq_time_from_v6(3600), LQ_EPOCH_2000 + 3600);
	assert_int_equal(lq_time_to_v4(1700000000), 1700000000u);
	assert_int_equal(lq_time_from_v4(1700000000u), 1700000000);
	/* the same instant on both wires differs by the epoch offset */
	int64_t t = 1795000000;
	assert_int_equal((int64_t)lq_time_to_v4(t) - (int64_t)lq_time_to_v6(t), LQ_EPOCH_2000);
}

static void test_clamping(void **state)
{
	(void)state;
	assert_int_equal(lq_time_to_v6(100), 0);          /* before 2000 */
	assert_int_equal(lq_time_to_v4(-5), 0);
	assert_int_equal(lq_time_to_v4(INT64_C(1) << 40), UINT32_MAX);
	assert_int_equal(lq_time_remaining(100, 200), 0);
	assert_int_equal(lq_time_remaining(200, 200), 0);
	assert_int_equal(lq_time_remaining(260, 200), 60);
	assert_int_equal(lq_time_remaining(LQ_TIME_NEVER, 200), LQ_INFINITE_LIFETIME);
	/* a finite lifetime is never reported as infinite */
	assert_int_equal(lq_time_remaining(INT64_C(1) << 40, 0), UINT32_MAX - 1);
	assert_int_equal(lq_time_elapsed(100, 160), 60);
	assert_int_equal(lq_time_elapsed(200, 160), 0);
}

static void test_format(void **state)
{
	(void)state;
	char buf[LQ_TIME_STRLEN];
	assert_string_equal(lq_time_format(0, buf, sizeof(buf)), "1970-01-01T00:00:00Z");
	assert_string_equal(lq_time_format(LQ_EPOCH_2000, buf, sizeof(buf)), "2000-01-01T00:00:00Z");
	/* 1795000000 = 20775 days (2026-11-18) + 40000 s (11:06:40) */
	assert_string_equal(lq_time_format(1795000000, buf, sizeof(buf)), "2026-11-18T11:06:40Z");
}

static void test_parse(void **state)
{
	(void)state;
	int64_t v = 0;
	assert_int_equal(lq_time_parse("2026-11-18T11:06:40Z", 0, &v), 0);
	assert_int_equal(v, 1795000000);
	assert_int_equal(lq_time_parse("2000-01-01T00:00:00", 0, &v), 0);
	assert_int_equal(v, LQ_EPOCH_2000);
	assert_int_equal(lq_time_parse("now", 5000, &v), 0);
	assert_int_equal(v, 5000);
	assert_int_equal(lq_time_parse("now-3600", 5000, &v), 0);
	assert_int_equal(v, 1400);
	assert_int_equal(lq_time_parse("now+10", 5000, &v), 0);
	assert_int_equal(v, 5010);
	assert_int_equal(lq_time_parse("1700000000", 0, &v), 0);
	assert_int_equal(v, 1700000000);
	assert_int_equal(lq_time_parse("", 0, &v), -1);
	assert_int_equal(lq_time_parse("yesterday", 0, &v), -1);
	assert_int_equal(lq_time_parse("now-", 0, &v), -1);
	assert_int_equal(lq_time_parse("now--5", 0, &v), -1);
	assert_int_equal(lq_time_parse("2026-11-18T11:06:40Zjunk", 0, &v), -1);
	assert_int_equal(lq_time_parse("12abc", 0, &v), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_epochs),
		cmocka_unit_test(test_clamping),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
