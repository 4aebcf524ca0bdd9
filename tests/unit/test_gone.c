/* test_gone.c - the keys deleted within a time window and still gone
 * (lib/bulk/gone.h), over a real LMDB store in a temporary directory: the
 * window's bounds (inclusive, either optional), the de-duplication rule (a
 * key is yielded once, when its newest history entry is a DELETE in the
 * window and it has no binding), the families apart, prefixes of one
 * address with two lengths, an empty history, history pruned past the
 * window, the snapshot, and many keys across several batches (some deleted
 * again or re-added in a later batch) checked key by key. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lq/store.h"
#include "../../lib/bulk/gone.h"
#include "../tools/store_fixture.h"

struct fixture {
	char dir[64];
	struct lq_store *store;
};

static int open_with(void **state, const struct lq_store_options *o)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	if (lq_fixture_store_open(f->dir, "/tmp/lq-gone-test-XXXXXX", o, &f->store) != 0) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return open_with(state, NULL);
}

/* A history of 8 entries. */
static int setup_short(void **state)
{
	struct lq_store_options o = { .history_limit = 8 };

	return open_with(state, &o);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	lq_store_close(f->store);
	lq_fixture_remove_dir(f->dir);
	free(f);
	return 0;
}

/* ---- changes ---- */

/* The v4 key of number i: 10.(i >> 16).(i >> 8).i */
static struct lq_binding_key key4(unsigned i)
{
	struct lq_binding_key k;
	lq_ip4 a = { { 10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i } };

	lq_binding_key_v4(&k, &a);
	return k;
}

static unsigned num4(const struct lq_binding_key *k)
{
	assert_int_equal(k->family, 4);
	assert_int_equal(k->addr.b[12], 10);
	return (unsigned)k->addr.b[13] << 16 | (unsigned)k->addr.b[14] << 8 | k->addr.b[15];
}

static struct lq_binding_key key6(uint8_t n, uint8_t plen)
{
	struct lq_binding_key k;
	lq_ip6 a = { { 0x20, 0x01, 0x0d, 0xb8, 0, n } };

	lq_binding_key_v6(&k, &a, plen);
	return k;
}

static void change(struct lq_store *s, uint8_t op, const struct lq_binding_key *k, int64_t when)
{
	struct lq_binding_change c;

	memset(&c, 0, sizeof(c));
	c.op = op;
	c.binding.key = *k;
	c.binding.type = k->family == 4 ? LQ_LEASE_V4 : (k->prefix_len == 128 ? LQ_LEASE_NA : LQ_LEASE_PD);
	c.binding.state = LQ_STATE_ACTIVE;
	assert_int_equal(lq_store_apply(s, &c, 1, when, NULL), LQ_STORE_OK);
}

static void put(struct lq_store *s, unsigned i, int64_t when)
{
	struct lq_binding_key k = key4(i);

	change(s, LQ_CHANGE_UPSERT, &k, when);
}

static void del(struct lq_store *s, unsigned i, int64_t when)
{
	struct lq_binding_key k = key4(i);

	change(s, LQ_CHANGE_DELETE, &k, when);
}

/* ---- what a cursor yields ---- */

#define NO INT64_MIN    /* no bound */

/* The v4 keys yielded for [start, end] in reader r, as a bit mask of their
 * numbers (< 64); each at most once. */
static uint64_t gone_mask_in(struct lq_store_reader *r, int64_t start, int64_t end)
{
	struct lq_gone_cursor *c;
	struct lq_binding_key k;
	uint64_t mask = 0;
	int rc;

	assert_int_equal(lq_gone_open(r, 4, start != NO, start, end != NO, end, &c), LQ_STORE_OK);
	while ((rc = lq_gone_next(c, &k)) == 1) {
		unsigned n = num4(&k);

		assert_true(n < 64);
		assert_false(mask & (UINT64_C(1) << n));
		mask |= UINT64_C(1) << n;
	}
	assert_int_equal(rc, 0);
	/* the end stays the end */
	assert_int_equal(lq_gone_next(c, &k), 0);
	lq_gone_close(c);
	return mask;
}

static uint64_t gone_mask(struct lq_store *s, int64_t start, int64_t end)
{
	struct lq_store_reader *r;
	uint64_t mask;

	assert_int_equal(lq_store_read_begin(s, &r), LQ_STORE_OK);
	mask = gone_mask_in(r, start, end);
	lq_store_read_end(r);
	return mask;
}

#define BIT(n) (UINT64_C(1) << (n))

/* ---- tests ---- */

static void test_empty_and_invalid(void **state)
{
	struct fixture *f = *state;
	struct lq_store_reader *r;
	struct lq_gone_cursor *c;

	assert_int_equal(gone_mask(f->store, NO, NO), 0);
	put(f->store, 1, 100);
	assert_int_equal(gone_mask(f->store, NO, NO), 0);
	assert_int_equal(lq_store_read_begin(f->store, &r), LQ_STORE_OK);
	assert_int_equal(lq_gone_open(r, 5, false, 0, false, 0, &c), LQ_STORE_ERR_INVALID);
	assert_null(c);
	lq_store_read_end(r);
	lq_gone_close(NULL);
}

/* The rule, one key per case (times are the history's, non-decreasing). */
static void test_rule(void **state)
{
	struct fixture *f = *state;
	struct lq_store *s = f->store;

	for (unsigned i = 1; i <= 9; i++)
		put(s, i, 100);
	del(s, 1, 200);                 /* 1: deleted once */
	del(s, 2, 200);                 /* 2: deleted twice */
	del(s, 2, 210);
	del(s, 3, 220);                 /* 3: deleted, re-added, deleted */
	put(s, 3, 230);
	del(s, 3, 240);
	del(s, 4, 250);                 /* 4: deleted, re-added */
	put(s, 4, 260);
	del(s, 10, 270);                /* 10: never bound, deleted */
	del(s, 5, 280);                 /* 5: deleted, then re-added and deleted later */
	del(s, 6, 300);                 /* 6: deleted at 300 */
	put(s, 7, 300);                 /* 7: changed, not deleted */
	put(s, 5, 400);
	del(s, 5, 410);

	/* every change */
	assert_int_equal(gone_mask(s, NO, NO), BIT(1) | BIT(2) | BIT(3) | BIT(5) | BIT(6) | BIT(10));
	assert_int_equal(gone_mask(s, 200, NO), BIT(1) | BIT(2) | BIT(3) | BIT(5) | BIT(6) | BIT(10));
	/* start inclusive: 1 and 2's first delete out, 2's second in */
	assert_int_equal(gone_mask(s, 201, NO), BIT(2) | BIT(3) | BIT(5) | BIT(6) | BIT(10));
	assert_int_equal(gone_mask(s, 211, NO), BIT(3) | BIT(5) | BIT(6) | BIT(10));
	/* 3's last delete decides */
	assert_int_equal(gone_mask(s, 221, NO), BIT(3) | BIT(5) | BIT(6) | BIT(10));
	assert_int_equal(gone_mask(s, 241, NO), BIT(5) | BIT(6) | BIT(10));
	/* an end before 5's last change: not 5 (its last change is later) */
	assert_int_equal(gone_mask(s, NO, 300), BIT(1) | BIT(2) | BIT(3) | BIT(6) | BIT(10));
	assert_int_equal(gone_mask(s, 280, 300), BIT(6));
	/* end inclusive */
	assert_int_equal(gone_mask(s, NO, 200), BIT(1));
	assert_int_equal(gone_mask(s, NO, 199), 0);
	assert_int_equal(gone_mask(s, 300, 300), BIT(6));
	assert_int_equal(gone_mask(s, 410, 410), BIT(5));
	assert_int_equal(gone_mask(s, 411, NO), 0);
	/* a window with no delete in it */
	assert_int_equal(gone_mask(s, 301, 399), 0);
}

/* The reader's snapshot decides: a key re-added after the reader began
 * is still gone for it; a delete after it is not seen. */
static void test_snapshot(void **state)
{
	struct fixture *f = *state;
	struct lq_store *s = f->store;
	struct lq_store_reader *r;

	put(s, 1, 100);
	put(s, 2, 100);
	del(s, 1, 200);
	assert_int_equal(lq_store_read_begin(s, &r), LQ_STORE_OK);
	put(s, 1, 300);
	del(s, 2, 300);
	assert_int_equal(gone_mask_in(r, NO, NO), BIT(1));
	lq_store_read_end(r);
	assert_int_equal(gone_mask(s, NO, NO), BIT(2));
}

/* The families apart; a v6 address with two prefix lengths is two keys. */
static void test_families(void **state)
{
	struct fixture *f = *state;
	struct lq_store *s = f->store;
	struct lq_binding_key a56 = key6(1, 56), a64 = key6(1, 64), b128 = key6(2, 128);
	struct lq_store_reader *r;
	struct lq_gone_cursor *c;
	struct lq_binding_key k;
	unsigned seen = 0;
	int rc;

	change(s, LQ_CHANGE_UPSERT, &a56, 100);
	change(s, LQ_CHANGE_UPSERT, &a64, 100);
	change(s, LQ_CHANGE_UPSERT, &b128, 100);
	put(s, 1, 100);
	change(s, LQ_CHANGE_DELETE, &a56, 200);
	change(s, LQ_CHANGE_DELETE, &a64, 200);
	change(s, LQ_CHANGE_DELETE, &a56, 210);
	del(s, 1, 200);
	assert_int_equal(gone_mask(s, NO, NO), BIT(1));
	assert_int_equal(lq_store_read_begin(s, &r), LQ_STORE_OK);
	assert_int_equal(lq_gone_open(r, 6, true, 150, false, 0, &c), LQ_STORE_OK);
	while ((rc = lq_gone_next(c, &k)) == 1) {
		assert_int_equal(k.family, 6);
		if (memcmp(&k, &a56, sizeof(k)) == 0) {
			assert_false(seen & 1);
			seen |= 1;
		} else if (memcmp(&k, &a64, sizeof(k)) == 0) {
			assert_false(seen & 2);
			seen |= 2;
		} else {
			fail_msg("an unexpected v6 key /%u", k.prefix_len);
		}
	}
	assert_int_equal(rc, 0);
	assert_int_equal(seen, 3);
	lq_gone_close(c);
	lq_store_read_end(r);
}

/* A delete older than the history kept is not known. */
static void test_pruned(void **state)
{
	struct fixture *f = *state;
	struct lq_store *s = f->store;

	put(s, 1, 100);
	del(s, 1, 110);
	for (unsigned i = 2; i < 12; i++)
		put(s, i, 200);
	del(s, 2, 300);
	assert_int_equal(gone_mask(s, NO, NO), BIT(2));
	assert_int_equal(gone_mask(s, 100, NO), BIT(2));
}

/* Many keys, several batches: key i (N of them) is added at 100 and
 * deleted at 200; then i % 3 == 0 deleted again at 300 (absent), i % 5 ==
 * 0 re-added at 400, i % 7 == 0 re-added at 400 and deleted at 500. Each
 * window is checked key by key, every key at most once. */
#define MANY (3 * LQ_GONE_BATCH + 123)

static void apply_all(struct lq_store *s, uint8_t op, unsigned mod, int64_t when)
{
	struct lq_binding_change *c = calloc(MANY, sizeof(*c));
	size_t n = 0;

	assert_non_null(c);
	for (unsigned i = 0; i < MANY; i++) {
		if (i % mod != 0)
			continue;
		c[n].op = op;
		c[n].binding.key = key4(i);
		c[n].binding.type = LQ_LEASE_V4;
		c[n].binding.state = LQ_STATE_ACTIVE;
		n++;
	}
	assert_int_equal(lq_store_apply(s, c, n, when, NULL), LQ_STORE_OK);
	free(c);
}

/* Is key i yielded for the window? */
typedef bool (*want_fn)(unsigned i);

static bool present(unsigned i)
{
	return i % 5 == 0 && i % 7 != 0;
}

static bool want_all(unsigned i)
{
	return !present(i);
}

static bool want_until_250(unsigned i)
{
	return i % 3 != 0 && i % 5 != 0 && i % 7 != 0;
}

static bool want_from_300(unsigned i)
{
	return !present(i) && (i % 3 == 0 || i % 7 == 0);
}

static bool want_at_300(unsigned i)
{
	return i % 3 == 0 && i % 5 != 0 && i % 7 != 0;
}

static void check_many(struct lq_store_reader *r, int64_t start, int64_t end, want_fn want)
{
	uint8_t *seen = calloc(MANY, 1);
	struct lq_gone_cursor *c;
	struct lq_binding_key k;
	size_t n = 0, expected = 0;
	int rc;

	assert_non_null(seen);
	assert_int_equal(lq_gone_open(r, 4, start != NO, start, end != NO, end, &c), LQ_STORE_OK);
	while ((rc = lq_gone_next(c, &k)) == 1) {
		unsigned i = num4(&k);

		assert_true(i < MANY);
		assert_false(seen[i]);
		if (!want(i))
			fail_msg("key %u yielded for [%lld, %lld]", i, (long long)start, (long long)end);
		seen[i] = 1;
		n++;
	}
	assert_int_equal(rc, 0);
	lq_gone_close(c);
	for (unsigned i = 0; i < MANY; i++)
		expected += want(i);
	assert_int_equal(n, expected);
	assert_true(expected > LQ_GONE_BATCH || start == 300);
	free(seen);
}

static void test_many_batches(void **state)
{
	struct fixture *f = *state;
	struct lq_store *s = f->store;
	struct lq_store_reader *r;

	apply_all(s, LQ_CHANGE_UPSERT, 1, 100);
	apply_all(s, LQ_CHANGE_DELETE, 1, 200);
	apply_all(s, LQ_CHANGE_DELETE, 3, 300);
	apply_all(s, LQ_CHANGE_UPSERT, 5, 400);
	apply_all(s, LQ_CHANGE_UPSERT, 7, 400);
	apply_all(s, LQ_CHANGE_DELETE, 7, 500);
	assert_int_equal(lq_store_read_begin(s, &r), LQ_STORE_OK);
	check_many(r, NO, NO, want_all);
	check_many(r, 200, NO, want_all);
	check_many(r, NO, 250, want_until_250);
	check_many(r, 300, NO, want_from_300);
	check_many(r, 300, 300, want_at_300);
	lq_store_read_end(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty_and_invalid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rule, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_families, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pruned, setup_short, teardown),
		cmocka_unit_test_setup_teardown(test_many_batches, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
