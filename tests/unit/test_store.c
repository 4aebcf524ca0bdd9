/* test_store.c - the LMDB binding store against a real LMDB in a temporary
 * directory: every index of both families with exact result sets through
 * insert, update and delete; prefix containment; time qualifiers; snapshot
 * isolation; the change history (order, bounds, pruning, sequence numbers
 * across reopen); source positions stored atomically with their batch;
 * index writes to the same entries many times within one batch; loads in
 * one transaction (commit, undo, failure, a writer of another thread
 * waiting); and consistency after the writer is killed with SIGKILL at
 * random moments.
 * White box: the consistency checker walks the index databases directly. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "lq/lqtime.h"
#include "lq/store.h"
#include "../../lib/store/store_impl.h"
#include "../tools/store_fixture.h"

struct fixture {
	char dir[64];
	struct lq_store *store;
};

/* ---- temporary directories ---- */

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	if (lq_fixture_store_open(f->dir, "/tmp/lq-store-test-XXXXXX", NULL, &f->store) != 0) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	lq_store_close(f->store);
	lq_fixture_remove_dir(f->dir);
	free(f);
	return 0;
}

static void reopen(struct fixture *f, const struct lq_store_options *o)
{
	lq_store_close(f->store);
	f->store = NULL;
	assert_int_equal(lq_store_open(&f->store, f->dir, o), LQ_STORE_OK);
}

/* ---- building bindings ---- */

static lq_bytes text(const char *s)
{
	return s ? (lq_bytes){ (const uint8_t *)s, strlen(s) } : (lq_bytes){ NULL, 0 };
}

/* A v4 binding 10.0.0.<id>; the id is also stored as iaid so result sets can
 * be compared as bit masks. */
static struct lq_binding v4(unsigned id, const char *mac, const char *cid, const char *remote)
{
	struct lq_binding b;
	lq_ip4 a = { { 10, 0, 0, (uint8_t)id } };

	memset(&b, 0, sizeof(b));
	lq_binding_key_v4(&b.key, &a);
	b.type = LQ_LEASE_V4;
	b.state = LQ_STATE_ACTIVE;
	b.iaid = id;
	b.htype = 1;
	b.hwaddr = text(mac);
	b.client_id = text(cid);
	b.remote_id = text(remote);
	b.cltt = 1000;
	b.expire = 4600;
	b.valid_lifetime = 3600;
	return b;
}

static void set_link4(struct lq_binding *b, uint8_t last)
{
	memset(&b->link_address, 0, sizeof(b->link_address));
	b->link_address.b[10] = 0xff;
	b->link_address.b[11] = 0xff;
	b->link_address.b[12] = 10;
	b->link_address.b[15] = last;
}

static lq_ip6 ip6(uint16_t w0, uint16_t w1, uint16_t w2, uint16_t w3, uint16_t w7)
{
	lq_ip6 a;
	uint16_t w[8] = { w0, w1, w2, w3, 0, 0, 0, w7 };

	for (size_t i = 0; i < 8; i++) {
		a.b[2 * i] = (uint8_t)(w[i] >> 8);
		a.b[2 * i + 1] = (uint8_t)w[i];
	}
	return a;
}

static struct lq_binding v6(unsigned id, uint8_t type, lq_ip6 addr, uint8_t plen, const char *duid)
{
	struct lq_binding b;

	memset(&b, 0, sizeof(b));
	lq_binding_key_v6(&b.key, &addr, plen);
	b.type = type;
	b.state = LQ_STATE_ACTIVE;
	b.iaid = id;
	b.client_id = text(duid);
	b.cltt = 1000;
	b.expire = 4600;
	b.valid_lifetime = 3600;
	b.preferred_lifetime = 1800;
	return b;
}

static void upsert(struct lq_store *s, const struct lq_binding *b, int64_t now)
{
	struct lq_binding_change c = { .op = LQ_CHANGE_UPSERT, .binding = *b };

	assert_int_equal(lq_store_apply(s, &c, 1, now, NULL), LQ_STORE_OK);
}

static void delete(struct lq_store *s, const struct lq_binding_key *key, int64_t now)
{
	struct lq_binding_change c = { .op = LQ_CHANGE_DELETE };

	c.binding.key = *key;
	assert_int_equal(lq_store_apply(s, &c, 1, now, NULL), LQ_STORE_OK);
}

/* ---- result sets ---- */

/* The iaids of the bindings a filter yields, as a bit mask; each binding at
 * most once. */
static uint64_t result_mask_reader(struct lq_store_reader *r, const struct lq_store_filter *f)
{
	struct lq_store_cursor *c;
	struct lq_binding b;
	uint64_t mask = 0;
	int rc;

	assert_int_equal(lq_store_cursor_open(r, f, &c), LQ_STORE_OK);
	while ((rc = lq_store_cursor_next(c, &b)) == 1) {
		assert_true(b.iaid < 64);
		assert_false(mask & (UINT64_C(1) << b.iaid));
		mask |= UINT64_C(1) << b.iaid;
	}
	assert_int_equal(rc, 0);
	lq_store_cursor_close(c);
	return mask;
}

static uint64_t result_mask(struct lq_store *s, const struct lq_store_filter *f)
{
	struct lq_store_reader *r;
	uint64_t mask;

	assert_int_equal(lq_store_read_begin(s, &r), LQ_STORE_OK);
	mask = result_mask_reader(r, f);
	lq_store_read_end(r);
	return mask;
}

#define BIT(n) (UINT64_C(1) << (n))

static uint64_t by_value(struct lq_store *s, uint8_t family, uint8_t by, const char *value)
{
	struct lq_store_filter f = { .family = family, .by = by, .value = text(value) };

	return result_mask(s, &f);
}

static uint64_t by_link(struct lq_store *s, uint8_t family, lq_ip6 link)
{
	struct lq_store_filter f = { .family = family, .by = LQ_STORE_BY_LINK, .link = link };

	return result_mask(s, &f);
}

static uint64_t by_subnet(struct lq_store *s, uint8_t family, uint32_t subnet)
{
	struct lq_store_filter f = { .family = family, .by = LQ_STORE_BY_SUBNET, .subnet_id = subnet };

	return result_mask(s, &f);
}

static uint64_t by_vpn(struct lq_store *s, uint8_t family, uint8_t type, const char *id)
{
	struct lq_store_filter f = { .family = family, .by = LQ_STORE_BY_VPN, .vpn_type = type,
				     .vpn_id = text(id) };

	return result_mask(s, &f);
}

static uint64_t all_of(struct lq_store *s, uint8_t family)
{
	struct lq_store_filter f = { .family = family };

	return result_mask(s, &f);
}

/* ---- consistency (white box) ---- */

static void check_binding_indexed(struct lq_store_reader *r, const MDB_val *k, const MDB_val *v)
{
	struct lq_binding b;
	int64_t changed_at;

	assert_int_equal(lq_store_record_decode(v->mv_data, v->mv_size, &b, &changed_at), LQ_STORE_OK);
	assert_int_equal(lq_store_key_decode(k->mv_data, k->mv_size, &b.key), LQ_STORE_OK);
	for (int i = 0; i < LQ_IDX_COUNT; i++) {
		uint8_t ik[LQ_STORE_INDEX_KEY_MAX];
		MDB_val key = { lq_store_index_key((enum lq_store_index)i, &b, changed_at, ik), ik };
		MDB_val data = *k;
		MDB_cursor *cur;

		if (key.mv_size == 0)
			continue;
		assert_int_equal(mdb_cursor_open(r->txn, r->store->index[i], &cur), 0);
		assert_int_equal(mdb_cursor_get(cur, &key, &data, MDB_GET_BOTH), 0);
		mdb_cursor_close(cur);
	}
}

/* Every binding decodes and has all its index entries; returns the count
 * and fills the IPv6 prefix length counts. */
static uint64_t check_bindings(struct lq_store_reader *r, uint64_t plen[LQ_STORE_PLEN_COUNT])
{
	MDB_cursor *cur;
	MDB_val k;
	MDB_val v;
	uint64_t n = 0;

	assert_int_equal(mdb_cursor_open(r->txn, r->store->bindings, &cur), 0);
	while (mdb_cursor_get(cur, &k, &v, MDB_NEXT) == 0) {
		check_binding_indexed(r, &k, &v);
		if (k.mv_size == 18)
			plen[((const uint8_t *)k.mv_data)[17]]++;
		n++;
	}
	mdb_cursor_close(cur);
	return n;
}

/* Every entry of every index points at an existing binding having that
 * field value. */
static void check_index_entries(struct lq_store_reader *r)
{
	for (int i = 0; i < LQ_IDX_COUNT; i++) {
		MDB_cursor *cur;
		MDB_val k;
		MDB_val v;

		assert_int_equal(mdb_cursor_open(r->txn, r->store->index[i], &cur), 0);
		while (mdb_cursor_get(cur, &k, &v, MDB_NEXT) == 0) {
			struct lq_binding b;
			int64_t changed_at;
			uint8_t ik[LQ_STORE_INDEX_KEY_MAX];
			size_t len;
			struct lq_binding_key key;

			assert_int_equal(lq_store_key_decode(v.mv_data, v.mv_size, &key), LQ_STORE_OK);
			assert_int_equal(lq_store_get(r, &key, &b, &changed_at), 1);
			len = lq_store_index_key((enum lq_store_index)i, &b, changed_at, ik);
			assert_int_equal(len, k.mv_size);
			assert_memory_equal(ik, k.mv_data, len);
		}
		mdb_cursor_close(cur);
	}
}

static void check_history(struct lq_store_reader *r)
{
	struct lq_store_history_bounds hb;
	struct lq_store_history_cursor *hc;
	struct lq_store_history_entry e;
	uint64_t expect;
	int64_t last_time = INT64_MIN;
	int rc;

	assert_int_equal(lq_store_history_bounds(r, &hb), LQ_STORE_OK);
	expect = hb.oldest_seq;
	assert_int_equal(lq_store_history_open_seq(r, 0, &hc), LQ_STORE_OK);
	while ((rc = lq_store_history_next(hc, &e)) == 1) {
		assert_int_equal(e.seq, expect);
		assert_true(e.time >= last_time);
		last_time = e.time;
		expect++;
	}
	assert_int_equal(rc, 0);
	lq_store_history_close(hc);
	assert_int_equal(expect, hb.next_seq);
	assert_int_equal(hb.count, hb.next_seq - hb.oldest_seq);
}

static void check_consistency(struct lq_store *s)
{
	struct lq_store_reader *r;
	struct lq_store_stats st;
	uint64_t plen[LQ_STORE_PLEN_COUNT] = { 0 };
	uint64_t n;
	uint64_t n6 = 0;
	MDB_val k = { sizeof(LQ_META_PLEN6) - 1, (void *)LQ_META_PLEN6 };
	MDB_val v;

	if (s == NULL) {
		fail();
		return;
	}
	assert_int_equal(lq_store_read_begin(s, &r), LQ_STORE_OK);
	n = check_bindings(r, plen);
	check_index_entries(r);
	check_history(r);
	/* the writer's prefix length counts match the bindings */
	if (mdb_get(r->txn, s->meta, &k, &v) == 0) {
		for (size_t i = 0; i < LQ_STORE_PLEN_COUNT; i++) {
			assert_int_equal(lq_store_get_u64((const uint8_t *)v.mv_data + 8 * i), plen[i]);
			n6 += plen[i];
		}
	}
	assert_int_equal(lq_store_stats(r, &st), LQ_STORE_OK);
	assert_int_equal(st.bindings4 + st.bindings6, n);
	assert_int_equal(st.bindings6, n6);
	lq_store_read_end(r);
}

/* ---- tests ---- */

static void test_v4_indexes(void **state)
{
	struct fixture *f = *state;
	struct lq_store *s = f->store;
	struct lq_binding b1 = v4(1, "mac-1", "cid-1", "rem-A");
	struct lq_binding b2 = v4(2, "mac-2", "cid-2", "rem-A");
	struct lq_binding b3 = v4(3, "mac-3", NULL, NULL);
	lq_ip6 link;

	set_link4(&b1, 1);
	set_link4(&b2, 1);
	set_link4(&b3, 2);
	b1.relay_id = text("relay-X");
	b2.relay_id = text("relay-X");
	b1.subnet_id = b2.subnet_id = 7;
	b3.subnet_id = 8;
	b3.has_vpn = true;
	b3.vpn_type = 0;
	b3.vpn_id = text("blue");
	upsert(s, &b1, 100);
	upsert(s, &b2, 100);
	upsert(s, &b3, 100);
	link = b1.link_address;

	assert_int_equal(all_of(s, 4), BIT(1) | BIT(2) | BIT(3));
	assert_int_equal(all_of(s, 6), 0);
	assert_int_equal(by_value(s, 4, LQ_STORE_BY_HWADDR, "mac-2"), BIT(2));
	assert_int_equal(by_value(s, 6, LQ_STORE_BY_HWADDR, "mac-2"), 0);
	assert_int_equal(by_value(s, 4, LQ_STORE_BY_CLIENT_ID, "cid-1"), BIT(1));
	assert_int_equal(by_value(s, 4, LQ_STORE_BY_REMOTE_ID, "rem-A"), BIT(1) | BIT(2));
	assert_int_equal(by_value(s, 4, LQ_STORE_BY_RELAY_ID, "relay-X"), BIT(1) | BIT(2));
	assert_int_equal(by_value(s, 4, LQ_STORE_BY_REMOTE_ID, "rem-B"), 0);
	assert_int_equal(by_link(s, 4, link), BIT(1) | BIT(2));
	assert_int_equal(by_link(s, 4, b3.link_address), BIT(3));
	assert_int_equal(by_subnet(s, 4, 7), BIT(1) | BIT(2));
	assert_int_equal(by_subnet(s, 4, 8), BIT(3));
	assert_int_equal(by_vpn(s, 4, 0, "blue"), BIT(3));
	assert_int_equal(by_vpn(s, 4, 0, "red"), 0);
	assert_int_equal(by_vpn(s, 4, 1, "blue"), 0);

	/* update b2: every indexed field changes */
	b2.hwaddr = text("mac-2b");
	b2.client_id = text("cid-2b");
	b2.remote_id = text("rem-B");
	b2.relay_id = text("relay-Y");
	set_link4(&b2, 2);
	b2.subnet_id = 8;
	b2.has_vpn = true;
	b2.vpn_id = text("blue");
	upsert(s, &b2, 200);
	assert_int_equal(by_value(s, 4, LQ_STORE_BY_HWADDR, "mac-2"), 0);
	assert_int_equal(by_value(s, 4, LQ_STORE_BY_HWADDR, "mac-2b"), BIT(2));
	assert_int_equal(by_value(s, 4, LQ_STORE_BY_CLIENT_ID, "cid-2"), 0);
	assert_int_equal(by_value(s, 4, LQ_STORE_BY_CLIENT_ID, "cid-2b"), BIT(2));
	assert_int_equal(by_value(s, 4, LQ_STORE_BY_REMOTE_ID, "rem-A"), BIT(1));
	assert_int_equal(by_value(s, 4, LQ_STORE_BY_REMOTE_ID, "rem-B"), BIT(2));
	assert_int_equal(by_value(s, 4, LQ_STORE_BY_RELAY_ID, "relay-X"), BIT(1));
	assert_int_equal(by_value(s, 4, LQ_STORE_BY_RELAY_ID, "relay-Y"), BIT(2));
	assert_int_equal(by_link(s, 4, link), BIT(1));
	assert_int_equal(by_link(s, 4, b3.link_address), BIT(2) | BIT(3));
	assert_int_equal(by_subnet(s, 4, 7), BIT(1));
	assert_int_equal(by_subnet(s, 4, 8), BIT(2) | BIT(3));
	assert_int_equal(by_vpn(s, 4, 0, "blue"), BIT(2) | BIT(3));

	/* a field removed: b1 loses its client-id */
	b1.client_id = text(NULL);
	upsert(s, &b1, 300);
	assert_int_equal(by_value(s, 4, LQ_STORE_BY_CLIENT_ID, "cid-1"), 0);

	/* delete */
	delete(s, &b3.key, 400);
	assert_int_equal(all_of(s, 4), BIT(1) | BIT(2));
	assert_int_equal(by_value(s, 4, LQ_STORE_BY_HWADDR, "mac-3"), 0);
	assert_int_equal(by_subnet(s, 4, 8), BIT(2));
	assert_int_equal(by_vpn(s, 4, 0, "blue"), BIT(2));
	assert_int_equal(by_link(s, 4, b3.link_address), BIT(2));
	check_consistency(s);
}

static void test_v6_indexes(void **state)
{
	struct fixture *f = *state;
	struct lq_store *s = f->store;
	struct lq_binding na = v6(1, LQ_LEASE_NA, ip6(0x2001, 0xdb8, 1, 0, 0x100), 128, "duid-A");
	struct lq_binding pd = v6(2, LQ_LEASE_PD, ip6(0x2001, 0xdb8, 0x8000, 0x1200, 0), 56, "duid-A");
	struct lq_binding na2 = v6(3, LQ_LEASE_NA, ip6(0x2001, 0xdb8, 1, 0, 0x101), 128, "duid-B");
	lq_ip6 link1 = ip6(0x2001, 0xdb8, 1, 0, 0);
	lq_ip6 link2 = ip6(0x2001, 0xdb8, 2, 0, 0);

	na.link_address = pd.link_address = na2.link_address = link1;
	na.relay_id = pd.relay_id = text("\x03\x01\x02relay");
	na2.remote_id = text("\x01\x02\x0d\xe9rem");
	na.subnet_id = pd.subnet_id = na2.subnet_id = 1;
	na.hwaddr = text("ll-A");
	upsert(s, &na, 100);
	upsert(s, &pd, 100);
	upsert(s, &na2, 100);

	assert_int_equal(all_of(s, 6), BIT(1) | BIT(2) | BIT(3));
	assert_int_equal(all_of(s, 4), 0);
	assert_int_equal(by_value(s, 6, LQ_STORE_BY_CLIENT_ID, "duid-A"), BIT(1) | BIT(2));
	assert_int_equal(by_value(s, 4, LQ_STORE_BY_CLIENT_ID, "duid-A"), 0);
	assert_int_equal(by_value(s, 6, LQ_STORE_BY_CLIENT_ID, "duid-B"), BIT(3));
	assert_int_equal(by_value(s, 6, LQ_STORE_BY_HWADDR, "ll-A"), BIT(1));
	assert_int_equal(by_value(s, 6, LQ_STORE_BY_RELAY_ID, "\x03\x01\x02relay"), BIT(1) | BIT(2));
	assert_int_equal(by_value(s, 6, LQ_STORE_BY_REMOTE_ID, "\x01\x02\x0d\xe9rem"), BIT(3));
	assert_int_equal(by_link(s, 6, link1), BIT(1) | BIT(2) | BIT(3));
	assert_int_equal(by_link(s, 6, link2), 0);
	assert_int_equal(by_subnet(s, 6, 1), BIT(1) | BIT(2) | BIT(3));

	/* update: the PD moves to another link, DUID and relay */
	pd.link_address = link2;
	pd.client_id = text("duid-B");
	pd.relay_id = text(NULL);
	pd.remote_id = text("\x01\x02\x0d\xe9rem");
	pd.subnet_id = 2;
	upsert(s, &pd, 200);
	assert_int_equal(by_value(s, 6, LQ_STORE_BY_CLIENT_ID, "duid-A"), BIT(1));
	assert_int_equal(by_value(s, 6, LQ_STORE_BY_CLIENT_ID, "duid-B"), BIT(2) | BIT(3));
	assert_int_equal(by_value(s, 6, LQ_STORE_BY_RELAY_ID, "\x03\x01\x02relay"), BIT(1));
	assert_int_equal(by_value(s, 6, LQ_STORE_BY_REMOTE_ID, "\x01\x02\x0d\xe9rem"), BIT(2) | BIT(3));
	assert_int_equal(by_link(s, 6, link1), BIT(1) | BIT(3));
	assert_int_equal(by_link(s, 6, link2), BIT(2));
	assert_int_equal(by_subnet(s, 6, 1), BIT(1) | BIT(3));
	assert_int_equal(by_subnet(s, 6, 2), BIT(2));

	delete(s, &na.key, 300);
	assert_int_equal(all_of(s, 6), BIT(2) | BIT(3));
	assert_int_equal(by_value(s, 6, LQ_STORE_BY_CLIENT_ID, "duid-A"), 0);
	assert_int_equal(by_value(s, 6, LQ_STORE_BY_HWADDR, "ll-A"), 0);
	assert_int_equal(by_link(s, 6, link1), BIT(3));
	check_consistency(s);
}

static void test_htype_and_vpn_qualifiers(void **state)
{
	struct fixture *f = *state;
	struct lq_store *s = f->store;
	struct lq_binding b1 = v4(1, "same-mac", NULL, NULL);
	struct lq_binding b2 = v4(2, "same-mac", NULL, NULL);
	struct lq_binding b3 = v4(3, "same-mac", NULL, NULL);
	struct lq_store_filter flt = { .family = 4, .by = LQ_STORE_BY_HWADDR, .value = text("same-mac") };

	b2.htype = 6;
	b2.has_vpn = true;
	b2.vpn_id = text("red");
	b3.has_vpn = true;
	b3.vpn_id = text("blue");
	upsert(s, &b1, 1);
	upsert(s, &b2, 1);
	upsert(s, &b3, 1);
	assert_int_equal(result_mask(s, &flt), BIT(1) | BIT(2) | BIT(3));
	flt.htype = 1;
	assert_int_equal(result_mask(s, &flt), BIT(1) | BIT(3));
	flt.htype = 0;
	flt.vpn_match = LQ_STORE_VPN_GLOBAL;
	assert_int_equal(result_mask(s, &flt), BIT(1));
	flt.vpn_match = LQ_STORE_VPN_EXACT;
	flt.vpn_id = text("red");
	assert_int_equal(result_mask(s, &flt), BIT(2));
	flt.by = LQ_STORE_BY_ALL;
	assert_int_equal(result_mask(s, &flt), BIT(2));
	flt.vpn_match = LQ_STORE_VPN_ANY;
	assert_int_equal(result_mask(s, &flt), BIT(1) | BIT(2) | BIT(3));
	/* an empty or absent value matches nothing */
	assert_int_equal(by_value(s, 4, LQ_STORE_BY_HWADDR, ""), 0);
	assert_int_equal(by_value(s, 4, LQ_STORE_BY_HWADDR, NULL), 0);
	/* invalid filters */
	{
		struct lq_store_reader *r;
		struct lq_store_cursor *c;
		struct lq_store_filter bad = { .family = 5 };

		assert_int_equal(lq_store_read_begin(s, &r), LQ_STORE_OK);
		assert_int_equal(lq_store_cursor_open(r, &bad, &c), LQ_STORE_ERR_INVALID);
		bad.family = 4;
		bad.by = 99;
		assert_int_equal(lq_store_cursor_open(r, &bad, &c), LQ_STORE_ERR_INVALID);
		lq_store_read_end(r);
	}
}

static void test_time_qualifiers(void **state)
{
	struct fixture *f = *state;
	struct lq_store *s = f->store;
	struct lq_store_filter flt = { .family = 4 };

	for (unsigned i = 1; i <= 5; i++) {
		struct lq_binding b = v4(i, "m", NULL, NULL);

		b.subnet_id = 1 + (i & 1);
		upsert(s, &b, 100 * (int64_t)i);
	}
	flt.has_start_time = true;
	flt.start_time = 300;
	assert_int_equal(result_mask(s, &flt), BIT(3) | BIT(4) | BIT(5));
	flt.has_end_time = true;
	flt.end_time = 400;
	assert_int_equal(result_mask(s, &flt), BIT(3) | BIT(4));
	flt.has_start_time = false;
	assert_int_equal(result_mask(s, &flt), BIT(1) | BIT(2) | BIT(3) | BIT(4));
	flt.start_time = 401;
	flt.has_start_time = true;
	assert_int_equal(result_mask(s, &flt), 0);
	/* on an index */
	flt.by = LQ_STORE_BY_SUBNET;
	flt.subnet_id = 2;
	flt.start_time = 200;
	flt.end_time = 500;
	assert_int_equal(result_mask(s, &flt), BIT(3) | BIT(5));
	/* a change moves a binding in time */
	{
		struct lq_binding b = v4(1, "m", NULL, NULL);

		b.subnet_id = 2;
		upsert(s, &b, 450);
	}
	assert_int_equal(result_mask(s, &flt), BIT(1) | BIT(3) | BIT(5));
	flt.by = LQ_STORE_BY_ALL;
	flt.start_time = 401;
	flt.end_time = 460;
	assert_int_equal(result_mask(s, &flt), BIT(1));
	/* negative times sort before positive ones */
	{
		struct lq_binding b = v4(9, "m", NULL, NULL);

		upsert(s, &b, -50);
	}
	flt.start_time = -100;
	flt.end_time = 150;
	assert_int_equal(result_mask(s, &flt), BIT(9));
	check_consistency(s);
}

static void test_lookup_and_containment(void **state)
{
	struct fixture *f = *state;
	struct lq_store *s = f->store;
	struct lq_store_reader *r;
	struct lq_binding out;
	int64_t changed;
	lq_ip6 a;
	lq_ip4 a4 = { { 10, 0, 0, 5 } };
	struct lq_binding pd56 = v6(1, LQ_LEASE_PD, ip6(0x2001, 0xdb8, 0x8000, 0x1200, 0), 56, "d1");
	struct lq_binding pd48 = v6(2, LQ_LEASE_PD, ip6(0x2001, 0xdb8, 0x8000, 0, 0), 48, "d2");
	struct lq_binding na = v6(3, LQ_LEASE_NA, ip6(0x2001, 0xdb8, 0x8000, 0x1234, 7), 128, "d3");
	/* a non-PD binding with a short prefix never contains anything */
	struct lq_binding odd = v6(4, LQ_LEASE_NA, ip6(0x2001, 0xdb8, 0x9000, 0, 0), 64, "d4");
	struct lq_binding b4 = v4(5, "m", NULL, NULL);

	upsert(s, &pd56, 10);
	upsert(s, &pd48, 20);
	upsert(s, &na, 30);
	upsert(s, &odd, 40);
	upsert(s, &b4, 50);
	assert_int_equal(lq_store_read_begin(s, &r), LQ_STORE_OK);

	a = ip6(0x2001, 0xdb8, 0x8000, 0x12ff, 0x99);       /* inside the /56 */
	assert_int_equal(lq_store_find_containing(r, &a, &out, &changed), 1);
	assert_int_equal(out.iaid, 1);
	assert_int_equal(out.key.prefix_len, 56);
	assert_true(changed == 10);
	a = ip6(0x2001, 0xdb8, 0x8000, 0x1300, 1);          /* outside /56, inside /48 */
	assert_int_equal(lq_store_find_containing(r, &a, &out, NULL), 1);
	assert_int_equal(out.iaid, 2);
	a = ip6(0x2001, 0xdb8, 0x8000, 0x1234, 7);          /* the NA itself */
	assert_int_equal(lq_store_find_containing(r, &a, &out, NULL), 1);
	assert_int_equal(out.iaid, 3);
	a = ip6(0x2001, 0xdb8, 0x8001, 0x1200, 1);          /* outside both */
	assert_int_equal(lq_store_find_containing(r, &a, &out, NULL), 0);
	a = ip6(0x2001, 0xdb8, 0x9000, 0, 1);               /* inside the /64 NA */
	assert_int_equal(lq_store_find_containing(r, &a, &out, NULL), 0);
	assert_int_equal(lq_store_find_v4(r, &a4, &out, &changed), 1);
	assert_int_equal(out.iaid, 5);
	assert_true(changed == 50);
	a4.b[3] = 6;
	assert_int_equal(lq_store_find_v4(r, &a4, &out, NULL), 0);
	assert_int_equal(lq_store_get(r, &pd56.key, &out, NULL), 1);
	assert_int_equal(out.iaid, 1);
	lq_store_read_end(r);

	/* after the /56 is deleted, its addresses fall to the /48 */
	delete(s, &pd56.key, 60);
	assert_int_equal(lq_store_read_begin(s, &r), LQ_STORE_OK);
	a = ip6(0x2001, 0xdb8, 0x8000, 0x12ff, 0x99);
	assert_int_equal(lq_store_find_containing(r, &a, &out, NULL), 1);
	assert_int_equal(out.iaid, 2);
	lq_store_read_end(r);
	check_consistency(s);
}

/* BY_RANGE: the bindings whose key address lies in [first, last], prefixes
 * by their network address, each prefix length at an address, time
 * qualifiers applied, nothing of the other family, the ends inclusive. */
static uint64_t by_range(struct lq_store *s, uint8_t family, lq_ip6 first, lq_ip6 last)
{
	struct lq_store_filter f = { .family = family, .by = LQ_STORE_BY_RANGE,
				     .range_first = first, .range_last = last };

	return result_mask(s, &f);
}

static lq_ip6 mapped4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	lq_ip6 x;

	memset(&x, 0, sizeof(x));
	x.b[10] = 0xff;
	x.b[11] = 0xff;
	x.b[12] = a;
	x.b[13] = b;
	x.b[14] = c;
	x.b[15] = d;
	return x;
}

static void test_range_cursor(void **state)
{
	struct fixture *f = *state;
	struct lq_store *s = f->store;
	lq_ip6 lo = ip6(0x2001, 0xdb8, 1, 0, 0), hi = ip6(0x2001, 0xdb8, 1, 0xffff, 0);
	struct lq_binding b[] = {
		v6(1, LQ_LEASE_NA, ip6(0x2001, 0xdb8, 1, 0, 0x100), 128, "d1"),
		v6(2, LQ_LEASE_NA, ip6(0x2001, 0xdb8, 1, 0, 0x101), 128, "d2"),
		v6(3, LQ_LEASE_PD, ip6(0x2001, 0xdb8, 1, 0x100, 0), 56, "d3"),
		v6(4, LQ_LEASE_PD, ip6(0x2001, 0xdb8, 1, 0x100, 0), 64, "d4"),
		v6(5, LQ_LEASE_NA, ip6(0x2001, 0xdb8, 2, 0, 0x100), 128, "d5"),
		v6(6, LQ_LEASE_NA, ip6(0x2001, 0xdb8, 0, 0xffff, 0x100), 128, "d6"),
		v6(7, LQ_LEASE_NA, lo, 128, "d7"),                  /* the first address */
		v4(8, "m8", NULL, NULL),                            /* 10.0.0.8 */
		v4(9, "m9", NULL, NULL),                            /* 10.0.0.9 */
	};
	for (size_t i = 8; i < 16; i++)
		hi.b[i] = 0xff;                                     /* 2001:db8:1:ffff:ffff:... */

	for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++)
		upsert(s, &b[i], 100 * (int64_t)(i + 1));
	/* 2001:db8:1::/48 */
	assert_int_equal(by_range(s, 6, lo, hi), BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(7));
	/* both ends inclusive */
	assert_int_equal(by_range(s, 6, b[0].key.addr, b[1].key.addr), BIT(1) | BIT(2));
	assert_int_equal(by_range(s, 6, b[1].key.addr, b[1].key.addr), BIT(2));
	/* both prefix lengths at one network address */
	assert_int_equal(by_range(s, 6, b[2].key.addr, b[2].key.addr), BIT(3) | BIT(4));
	/* a range in no binding, a reversed range */
	assert_int_equal(by_range(s, 6, ip6(0x2001, 0xdb8, 3, 0, 0), ip6(0x2001, 0xdb8, 9, 0, 0)), 0);
	assert_int_equal(by_range(s, 6, hi, lo), 0);
	/* everything: nothing of family 4 */
	{
		lq_ip6 all1;

		memset(&all1, 0xff, sizeof(all1));
		assert_int_equal(by_range(s, 6, ip6(0, 0, 0, 0, 0), all1),
				 BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(7));
	}
	/* family 4, in the ::ffff:a.b.c.d form; nothing of family 6 */
	assert_int_equal(by_range(s, 4, mapped4(10, 0, 0, 0), mapped4(10, 0, 0, 255)), BIT(8) | BIT(9));
	assert_int_equal(by_range(s, 4, mapped4(10, 0, 0, 9), mapped4(10, 0, 0, 9)), BIT(9));
	assert_int_equal(by_range(s, 4, mapped4(10, 0, 0, 10), mapped4(255, 0, 0, 0)), 0);
	/* time qualifiers apply (b[i] changed at 100 * (i + 1)) */
	{
		struct lq_store_filter flt = { .family = 6, .by = LQ_STORE_BY_RANGE,
					       .range_first = lo, .range_last = hi,
					       .has_start_time = true, .start_time = 200,
					       .has_end_time = true, .end_time = 400 };

		assert_int_equal(result_mask(s, &flt), BIT(2) | BIT(3) | BIT(4));
	}
	/* a family-4 range not in the mapped form */
	{
		struct lq_store_reader *r;
		struct lq_store_cursor *c;
		struct lq_store_filter bad = { .family = 4, .by = LQ_STORE_BY_RANGE,
					       .range_first = lo, .range_last = hi };

		assert_int_equal(lq_store_read_begin(s, &r), LQ_STORE_OK);
		assert_int_equal(lq_store_cursor_open(r, &bad, &c), LQ_STORE_ERR_INVALID);
		lq_store_read_end(r);
	}
	/* a deleted binding leaves the range */
	delete(s, &b[1].key, 1000);
	assert_int_equal(by_range(s, 6, b[0].key.addr, b[1].key.addr), BIT(1));
}

/* BY_LINK_RANGE: the bindings whose link address lies in [first, last],
 * from the link index: both ends inclusive, several bindings on a link,
 * never a binding without a link, time qualifiers applied, the families
 * apart, and links in the IPv4-mapped form (5-octet index keys that lie
 * among the 17-octet ones in LMDB's order) found exactly when in range. */
static uint64_t by_link_range(struct lq_store *s, uint8_t family, lq_ip6 first, lq_ip6 last)
{
	struct lq_store_filter f = { .family = family, .by = LQ_STORE_BY_LINK_RANGE,
				     .range_first = first, .range_last = last };

	return result_mask(s, &f);
}

static void test_link_range_cursor(void **state)
{
	struct fixture *f = *state;
	struct lq_store *s = f->store;
	lq_ip6 net_first = ip6(0x2001, 0xdb8, 2, 0, 0), net_last = net_first, all_last;
	struct {
		unsigned id;
		lq_ip6 link;
	} v6_links[] = {
		{ 1, ip6(0x2001, 0xdb8, 2, 0, 1) },
		{ 2, ip6(0x2001, 0xdb8, 2, 0, 2) },              /* another address of the /64 */
		{ 3, ip6(0x2001, 0xdb8, 2, 0, 0xffff) },         /* the last one (below) */
		{ 4, ip6(0x2001, 0xdb8, 3, 0, 1) },              /* the next /64 */
		{ 5, ip6(0x2001, 0xdb8, 1, 0xffff, 0xffff) },    /* before it */
		{ 6, ip6(0, 0, 0, 0, 0) },                       /* no link */
		{ 7, mapped4(10, 0, 0, 1) },                     /* key [6][0a 00 00 01] */
		{ 8, mapped4(0x20, 0x01, 0x0d, 0xb8) },          /* key [6][20 01 0d b8] */
		{ 9, ip6(0x2001, 0xdb8, 2, 0, 1) },              /* a second binding on 1's link */
		{ 12, ip6(0x0a00, 1, 0, 0, 5) },                 /* key [6][0a 00 00 01 00 ...] */
		{ 13, ip6(0x0a00, 0, 0, 0, 1) },                 /* key [6][0a 00 00 00 00 ...] */
	};
	struct lq_binding b;
	lq_ip6 ten_first = mapped4(10, 0, 0, 0), ten_last = mapped4(10, 0, 0, 255);

	for (size_t i = 8; i < 16; i++)
		net_last.b[i] = 0xff;                            /* 2001:db8:2::/64 */
	v6_links[2].link = net_last;
	memset(&all_last, 0xff, sizeof(all_last));
	for (size_t i = 0; i < sizeof(v6_links) / sizeof(v6_links[0]); i++) {
		b = v6(v6_links[i].id, LQ_LEASE_NA, ip6(0x2001, 0xdb8, 0x99, 0, (uint16_t)(i + 1)), 128, "d");
		b.link_address = v6_links[i].link;
		upsert(s, &b, 100 * (int64_t)v6_links[i].id);
	}
	b = v4(10, "m10", NULL, NULL);
	set_link4(&b, 1);                                        /* ::ffff:10.0.0.1 */
	upsert(s, &b, 1000);
	b = v4(11, "m11", NULL, NULL);
	set_link4(&b, 9);
	upsert(s, &b, 1100);

	/* a subnet's prefix: every address of it, both ends */
	assert_int_equal(by_link_range(s, 6, net_first, net_last), BIT(1) | BIT(2) | BIT(3) | BIT(9));
	/* one address: the same as BY_LINK */
	assert_int_equal(by_link_range(s, 6, v6_links[1].link, v6_links[1].link), BIT(2));
	assert_int_equal(by_link_range(s, 6, v6_links[0].link, v6_links[0].link),
			 by_link(s, 6, v6_links[0].link));
	/* 2001:db8::/32: not the mapped link whose 5-octet key starts 20 01 0d b8 */
	{
		lq_ip6 last = ip6(0x2001, 0xdb8, 0xffff, 0xffff, 0xffff);

		for (size_t i = 8; i < 16; i++)
			last.b[i] = 0xff;
		assert_int_equal(by_link_range(s, 6, ip6(0x2001, 0xdb8, 0, 0, 0), last),
				 BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5) | BIT(9));
	}
	/* the mapped 10.0.0.0/24 in family 6: the 5-octet key only, not the
	 * 17-octet keys around it (0a00::1, 0a00:1::5) */
	assert_int_equal(by_link_range(s, 6, ten_first, ten_last), BIT(7));
	/* a range from inside the mapped block (::ffff:10.0.0.0) to beyond
	 * it: both runs; without that part, only 17-octet keys */
	assert_int_equal(by_link_range(s, 6, ten_first, ip6(0x2001, 0xdb8, 1, 0, 0)),
			 BIT(7) | BIT(8) | BIT(12) | BIT(13));
	assert_int_equal(by_link_range(s, 6, ip6(0x0a00, 0, 0, 0, 0), ip6(0x2001, 0xdb8, 1, 0, 0)),
			 BIT(12) | BIT(13));
	assert_int_equal(by_link_range(s, 6, ip6(0, 0, 0, 0, 0), ten_last), BIT(7));
	/* everything: every v6 binding with a link (not 6), nothing of family 4 */
	assert_int_equal(by_link_range(s, 6, ip6(0, 0, 0, 0, 0), all_last),
			 BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5) | BIT(7) | BIT(8) | BIT(9) | BIT(12) |
			 BIT(13));
	/* family 4 in the mapped form; nothing of family 6 */
	assert_int_equal(by_link_range(s, 4, ten_first, ten_last), BIT(10) | BIT(11));
	assert_int_equal(by_link_range(s, 4, mapped4(10, 0, 0, 2), mapped4(10, 0, 0, 9)), BIT(11));
	assert_int_equal(by_link_range(s, 4, mapped4(10, 0, 0, 10), mapped4(255, 255, 255, 255)), 0);
	/* a reversed range */
	assert_int_equal(by_link_range(s, 6, net_last, net_first), 0);
	/* time qualifiers (changed at 100 * id) */
	{
		struct lq_store_filter flt = { .family = 6, .by = LQ_STORE_BY_LINK_RANGE,
					       .range_first = net_first, .range_last = net_last,
					       .has_start_time = true, .start_time = 200,
					       .has_end_time = true, .end_time = 800 };

		assert_int_equal(result_mask(s, &flt), BIT(2) | BIT(3));
	}
	/* a family-4 range not in the mapped form */
	{
		struct lq_store_reader *r;
		struct lq_store_cursor *c;
		struct lq_store_filter bad = { .family = 4, .by = LQ_STORE_BY_LINK_RANGE,
					       .range_first = net_first, .range_last = net_last };

		assert_int_equal(lq_store_read_begin(s, &r), LQ_STORE_OK);
		assert_int_equal(lq_store_cursor_open(r, &bad, &c), LQ_STORE_ERR_INVALID);
		lq_store_read_end(r);
	}
	/* a binding that moves out of the range, one deleted */
	b = v6(2, LQ_LEASE_NA, ip6(0x2001, 0xdb8, 0x99, 0, 2), 128, "d");
	b.link_address = v6_links[3].link;
	upsert(s, &b, 2000);
	b = v6(9, LQ_LEASE_NA, ip6(0x2001, 0xdb8, 0x99, 0, 9), 128, "d");
	delete(s, &b.key, 2000);
	assert_int_equal(by_link_range(s, 6, net_first, net_last), BIT(1) | BIT(3));
	check_consistency(s);
}

static void test_snapshot_isolation(void **state)
{
	struct fixture *f = *state;
	struct lq_store *s = f->store;
	struct lq_store_reader *old;
	struct lq_store_reader *cur_reader;
	struct lq_store_cursor *c;
	struct lq_store_filter all4 = { .family = 4 };
	struct lq_binding b;
	uint64_t seen = 0;
	int rc;

	for (unsigned i = 1; i <= 20; i++) {
		b = v4(i, "m", NULL, NULL);
		upsert(s, &b, 1);
	}
	assert_int_equal(lq_store_read_begin(s, &old), LQ_STORE_OK);
	b = v4(2, "changed", NULL, NULL);
	upsert(s, &b, 2);
	delete(s, &b.key, 2);
	b = v4(30, "new", NULL, NULL);
	upsert(s, &b, 2);
	assert_int_equal(result_mask_reader(old, &all4), (BIT(21) - 1) & ~BIT(0));
	assert_int_equal(all_of(s, 4), ((BIT(21) - 1) & ~BIT(0) & ~BIT(2)) | BIT(30));
	assert_int_equal(lq_store_find_v4(old, &(lq_ip4){ { 10, 0, 0, 2 } }, &b, NULL), 1);
	assert_int_equal(b.hwaddr.len, 1);
	lq_store_read_end(old);

	/* a cursor keeps iterating its snapshot while other transactions delete
	 * bindings it has not reached yet and insert new ones */
	assert_int_equal(lq_store_read_begin(s, &cur_reader), LQ_STORE_OK);
	assert_int_equal(lq_store_cursor_open(cur_reader, &all4, &c), LQ_STORE_OK);
	while ((rc = lq_store_cursor_next(c, &b)) == 1) {
		unsigned id = b.iaid;
		struct lq_binding nb = v4(id + 40 < 64 ? id + 40 : 63, "x", NULL, NULL);

		assert_false(seen & BIT(id));
		seen |= BIT(id);
		if (id + 1 <= 20) {
			struct lq_binding next = v4(id + 1, "m", NULL, NULL);

			delete(s, &next.key, 3);
		}
		upsert(s, &nb, 3);
	}
	assert_int_equal(rc, 0);
	lq_store_cursor_close(c);
	lq_store_read_end(cur_reader);
	assert_int_equal(seen, ((BIT(21) - 1) & ~BIT(0) & ~BIT(2)) | BIT(30));
	check_consistency(s);
}

static int collect_history(struct lq_store_history_cursor *hc, struct lq_store_history_entry *out, int max)
{
	int n = 0;

	while (n < max && lq_store_history_next(hc, &out[n]) == 1)
		n++;
	lq_store_history_close(hc);
	return n;
}

static void test_history(void **state)
{
	struct fixture *f = *state;
	struct lq_store *s = f->store;
	struct lq_store_reader *r;
	struct lq_store_history_cursor *hc;
	struct lq_store_history_entry e[16];
	struct lq_store_history_bounds hb;
	struct lq_binding b1 = v4(1, "m", NULL, NULL);
	struct lq_binding b2 = v4(2, "m", NULL, NULL);
	struct lq_binding_change batch[2] = {
		{ .op = LQ_CHANGE_UPSERT, .binding = b1 },
		{ .op = LQ_CHANGE_UPSERT, .binding = b2 },
	};

	assert_int_equal(lq_store_read_begin(s, &r), LQ_STORE_OK);
	assert_int_equal(lq_store_history_bounds(r, &hb), LQ_STORE_OK);
	assert_int_equal(hb.count, 0);
	assert_int_equal(hb.next_seq, 1);
	lq_store_read_end(r);

	assert_int_equal(lq_store_apply(s, batch, 2, 100, NULL), LQ_STORE_OK);   /* seq 1, 2 */
	upsert(s, &b1, 200);                  /* 3: identical content, still recorded */
	delete(s, &b2.key, 150);              /* 4: time made non-decreasing: 200 */
	delete(s, &b2.key, 300);              /* 5: absent key, not an error */
	assert_int_equal(lq_store_apply(s, NULL, 0, 400, NULL), LQ_STORE_OK);   /* nothing */

	assert_int_equal(lq_store_read_begin(s, &r), LQ_STORE_OK);
	assert_int_equal(lq_store_history_bounds(r, &hb), LQ_STORE_OK);
	assert_int_equal(hb.count, 5);
	assert_int_equal(hb.oldest_seq, 1);
	assert_true(hb.oldest_time == 100);
	assert_int_equal(hb.newest_seq, 5);
	assert_true(hb.newest_time == 300);
	assert_int_equal(hb.next_seq, 6);

	assert_int_equal(lq_store_history_open_seq(r, 0, &hc), LQ_STORE_OK);
	assert_int_equal(collect_history(hc, e, 16), 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(e[i].seq, (uint64_t)i + 1);
	assert_int_equal(e[0].op, LQ_CHANGE_UPSERT);
	assert_memory_equal(&e[0].key, &b1.key, sizeof(b1.key));
	assert_memory_equal(&e[1].key, &b2.key, sizeof(b2.key));
	assert_int_equal(e[3].op, LQ_CHANGE_DELETE);
	assert_true(e[3].time == 200);
	assert_true(e[4].time == 300);

	assert_int_equal(lq_store_history_open_seq(r, 3, &hc), LQ_STORE_OK);
	assert_int_equal(collect_history(hc, e, 16), 2);
	assert_int_equal(e[0].seq, 4);
	assert_int_equal(lq_store_history_open_seq(r, 5, &hc), LQ_STORE_OK);
	assert_int_equal(collect_history(hc, e, 16), 0);

	assert_int_equal(lq_store_history_open_time(r, 200, &hc), LQ_STORE_OK);
	assert_int_equal(collect_history(hc, e, 16), 3);
	assert_int_equal(e[0].seq, 3);
	assert_int_equal(lq_store_history_open_time(r, 101, &hc), LQ_STORE_OK);
	assert_int_equal(collect_history(hc, e, 16), 3);
	assert_int_equal(lq_store_history_open_time(r, INT64_MIN, &hc), LQ_STORE_OK);
	assert_int_equal(collect_history(hc, e, 16), 5);
	assert_int_equal(lq_store_history_open_time(r, 301, &hc), LQ_STORE_OK);
	assert_int_equal(collect_history(hc, e, 16), 0);
	lq_store_read_end(r);

	/* sequence numbers continue after close and reopen */
	reopen(f, NULL);
	s = f->store;
	upsert(s, &b2, 500);
	assert_int_equal(lq_store_read_begin(s, &r), LQ_STORE_OK);
	assert_int_equal(lq_store_history_open_seq(r, 5, &hc), LQ_STORE_OK);
	assert_int_equal(collect_history(hc, e, 16), 1);
	assert_int_equal(e[0].seq, 6);
	lq_store_read_end(r);
	check_consistency(s);
}

static void test_history_pruning(void **state)
{
	struct fixture *f = *state;
	struct lq_store_options o = { .history_limit = 5 };
	struct lq_store_reader *r;
	struct lq_store_history_cursor *hc;
	struct lq_store_history_entry e[16];
	struct lq_store_history_bounds hb;

	reopen(f, &o);
	for (unsigned i = 1; i <= 12; i++) {
		struct lq_binding b = v4(i, "m", NULL, NULL);

		upsert(f->store, &b, 1000 + (int64_t)i);
	}
	assert_int_equal(lq_store_read_begin(f->store, &r), LQ_STORE_OK);
	assert_int_equal(lq_store_history_bounds(r, &hb), LQ_STORE_OK);
	assert_int_equal(hb.count, 5);
	assert_int_equal(hb.oldest_seq, 8);
	assert_true(hb.oldest_time == 1008);
	assert_int_equal(hb.newest_seq, 12);
	assert_int_equal(lq_store_history_open_seq(r, 0, &hc), LQ_STORE_OK);
	assert_int_equal(collect_history(hc, e, 16), 5);
	assert_int_equal(e[0].seq, 8);
	assert_int_equal(e[4].seq, 12);
	assert_int_equal(lq_store_history_open_time(r, 0, &hc), LQ_STORE_OK);
	assert_int_equal(collect_history(hc, e, 16), 5);
	assert_int_equal(e[0].seq, 8);
	lq_store_read_end(r);
	/* a batch larger than the limit keeps its newest entries */
	{
		struct lq_binding_change batch[8];

		for (unsigned i = 0; i < 8; i++) {
			batch[i].op = LQ_CHANGE_UPSERT;
			batch[i].binding = v4(20 + i, "m", NULL, NULL);
		}
		assert_int_equal(lq_store_apply(f->store, batch, 8, 2000, NULL), LQ_STORE_OK);
	}
	assert_int_equal(lq_store_read_begin(f->store, &r), LQ_STORE_OK);
	assert_int_equal(lq_store_history_bounds(r, &hb), LQ_STORE_OK);
	assert_int_equal(hb.count, 5);
	assert_int_equal(hb.oldest_seq, 16);
	assert_int_equal(hb.newest_seq, 20);
	lq_store_read_end(r);
	check_consistency(f->store);
}

static void test_source_position(void **state)
{
	struct fixture *f = *state;
	struct lq_store *s = f->store;
	struct lq_binding good = v4(1, "m", NULL, NULL);
	struct lq_binding_change batch[2] = { { .op = LQ_CHANGE_UPSERT, .binding = good } };
	struct lq_store_source_pos pos = { .name = "kea4", .data = text("inode=7 offset=100") };
	uint8_t buf[LQ_STORE_SOURCE_POS_MAX];
	size_t len = 0;

	assert_int_equal(lq_store_source_pos_get(s, "kea4", buf, sizeof(buf), &len), 0);
	assert_int_equal(lq_store_apply(s, batch, 1, 10, &pos), LQ_STORE_OK);
	assert_int_equal(lq_store_source_pos_get(s, "kea4", buf, sizeof(buf), &len), 1);
	assert_int_equal(len, 18);
	assert_memory_equal(buf, "inode=7 offset=100", 18);

	/* a batch that fails part way stores neither its changes nor its position */
	batch[0].binding = v4(2, "m", NULL, NULL);
	batch[1].op = LQ_CHANGE_UPSERT;
	batch[1].binding = v4(3, "m", NULL, NULL);
	batch[1].binding.key.family = 9;
	pos.data = text("inode=7 offset=200");
	assert_int_equal(lq_store_apply(s, batch, 2, 20, &pos), LQ_STORE_ERR_INVALID);
	assert_int_equal(lq_store_source_pos_get(s, "kea4", buf, sizeof(buf), &len), 1);
	assert_memory_equal(buf, "inode=7 offset=100", 18);
	assert_int_equal(all_of(s, 4), BIT(1));

	/* a position may advance without changes; sources are separate */
	assert_int_equal(lq_store_apply(s, NULL, 0, 30, &pos), LQ_STORE_OK);
	assert_int_equal(lq_store_source_pos_get(s, "kea4", buf, sizeof(buf), &len), 1);
	assert_memory_equal(buf, "inode=7 offset=200", 18);
	assert_int_equal(lq_store_source_pos_get(s, "kea6", buf, sizeof(buf), &len), 0);
	/* a small buffer gets a prefix and the full length */
	assert_int_equal(lq_store_source_pos_get(s, "kea4", buf, 4, &len), 1);
	assert_int_equal(len, 18);

	/* bad positions */
	{
		uint8_t big[LQ_STORE_SOURCE_POS_MAX + 1] = { 0 };
		struct lq_store_source_pos bad = { .name = "", .data = text("x") };

		assert_int_equal(lq_store_apply(s, NULL, 0, 30, &bad), LQ_STORE_ERR_INVALID);
		bad.name = "kea4";
		bad.data = (lq_bytes){ big, sizeof(big) };
		assert_int_equal(lq_store_apply(s, NULL, 0, 30, &bad), LQ_STORE_ERR_INVALID);
	}
	reopen(f, NULL);
	assert_int_equal(lq_store_source_pos_get(f->store, "kea4", buf, sizeof(buf), &len), 1);
	assert_memory_equal(buf, "inode=7 offset=200", 18);
}

static void test_reopen_keeps_everything(void **state)
{
	struct fixture *f = *state;
	struct lq_binding b = v4(1, "mac-1", "cid-1", "rem");
	struct lq_binding p = v6(2, LQ_LEASE_PD, ip6(0x2001, 0xdb8, 0x8000, 0x1200, 0), 56, "duid");
	struct lq_store_reader *r;
	struct lq_store_stats st;
	struct lq_binding out;
	lq_ip6 inside = ip6(0x2001, 0xdb8, 0x8000, 0x1201, 1);

	b.hostname = text("host");
	upsert(f->store, &b, 77);
	upsert(f->store, &p, 78);
	reopen(f, NULL);
	assert_int_equal(by_value(f->store, 4, LQ_STORE_BY_CLIENT_ID, "cid-1"), BIT(1));
	assert_int_equal(by_value(f->store, 6, LQ_STORE_BY_CLIENT_ID, "duid"), BIT(2));
	assert_int_equal(lq_store_read_begin(f->store, &r), LQ_STORE_OK);
	assert_int_equal(lq_store_get(r, &b.key, &out, NULL), 1);
	assert_int_equal(out.hostname.len, 4);
	assert_memory_equal(out.hostname.data, "host", 4);
	assert_int_equal(lq_store_find_containing(r, &inside, &out, NULL), 1);
	assert_int_equal(out.iaid, 2);
	assert_int_equal(lq_store_stats(r, &st), LQ_STORE_OK);
	assert_int_equal(st.bindings4, 1);
	assert_int_equal(st.bindings6, 1);
	assert_int_equal(st.history_entries, 2);
	assert_true(st.bytes_used > 0);
	/* reset and renew give a fresh snapshot */
	lq_store_read_reset(r);
	delete(f->store, &b.key, 80);
	assert_int_equal(lq_store_read_renew(r), LQ_STORE_OK);
	assert_int_equal(lq_store_get(r, &b.key, &out, NULL), 0);
	lq_store_read_end(r);

	/* read-only: reads work, writes are refused */
	{
		struct lq_store_options ro = { .read_only = true };

		reopen(f, &ro);
		assert_int_equal(by_value(f->store, 6, LQ_STORE_BY_CLIENT_ID, "duid"), BIT(2));
		assert_int_equal(lq_store_apply(f->store, NULL, 0, 1, NULL), LQ_STORE_ERR_READONLY);
		reopen(f, NULL);
	}
}

static void test_errors(void **state)
{
	struct fixture *f = *state;
	struct lq_store *s = NULL;
	struct lq_store_options ro = { .read_only = true };
	struct lq_binding b = v4(1, "m", NULL, NULL);
	struct lq_binding_change c = { .op = 7, .binding = b };
	char missing[96];

	snprintf(missing, sizeof(missing), "%s/absent", f->dir);
	assert_int_equal(lq_store_open(&s, missing, &ro), LQ_STORE_ERR_NOT_FOUND);
	assert_null(s);
	assert_int_equal(lq_store_apply(f->store, &c, 1, 1, NULL), LQ_STORE_ERR_INVALID);
	c.op = LQ_CHANGE_UPSERT;
	c.binding.hwaddr = text("0123456789abcdefX");    /* 17 > LQ_BINDING_MAX_HWADDR */
	assert_int_equal(lq_store_apply(f->store, &c, 1, 1, NULL), LQ_STORE_ERR_INVALID);
	assert_int_equal(all_of(f->store, 4), 0);
	assert_string_equal(lq_store_strerror(LQ_STORE_ERR_FULL), "store map size reached");
	/* a fresh store opened in a directory that does not exist yet */
	assert_int_equal(lq_store_open(&s, missing, NULL), LQ_STORE_OK);
	lq_store_close(s);
}

/* ---- kill -9 ---- */

#define KILL_KEYS 200
#define KILL_BATCH 16
#define KILL_ROUNDS 20

/* The bytes of one generated change (stable storage for its views). */
struct gen_change {
	char mac[8];
	char cid[16];
	char remote[16];
	char host[16];
};

static void gen_key(unsigned idx, struct lq_binding_key *key)
{
	if (idx % 8 == 0) {
		lq_ip6 a = ip6(0x2001, 0xdb8, 0x8000, (uint16_t)(idx << 8), 0);

		lq_binding_key_v6(key, &a, 56);
	} else if (idx % 8 == 1) {
		lq_ip6 a = ip6(0x2001, 0xdb8, 1, 0, (uint16_t)idx);

		lq_binding_key_v6(key, &a, 128);
	} else {
		lq_ip4 a = { { 10, 1, (uint8_t)(idx >> 8), (uint8_t)idx } };

		lq_binding_key_v4(key, &a);
	}
}

/* Change j of batch n: deterministic, so the test can replay the batches the
 * store says it has applied. */
static void gen_change(unsigned n, unsigned j, struct lq_binding_change *c, struct gen_change *g,
		       unsigned *idx_out)
{
	unsigned idx = (n * 37u + j * 101u) % KILL_KEYS;
	struct lq_binding *b = &c->binding;

	memset(c, 0, sizeof(*c));
	*idx_out = idx;
	gen_key(idx, &b->key);
	c->op = (n + j) % 5 == 0 ? LQ_CHANGE_DELETE : LQ_CHANGE_UPSERT;
	snprintf(g->mac, sizeof(g->mac), "m%u", n % 13);
	snprintf(g->cid, sizeof(g->cid), "c%u", (n + idx) % 17);
	snprintf(g->remote, sizeof(g->remote), "r%u", n % 7);
	snprintf(g->host, sizeof(g->host), "h%u.%u", n, j);
	b->type = b->key.family == 4 ? LQ_LEASE_V4 : b->key.prefix_len == 128 ? LQ_LEASE_NA : LQ_LEASE_PD;
	b->state = LQ_STATE_ACTIVE;
	b->hwaddr = text(g->mac);
	b->client_id = text(g->cid);
	b->remote_id = text(n % 3 ? g->remote : NULL);
	b->hostname = text(g->host);
	b->subnet_id = n % 4;
	b->has_vpn = n % 6 == 0;
	b->vpn_id = text(b->has_vpn ? "vpn" : NULL);
	b->cltt = 1000 + n;
	b->expire = 5000 + n;
	if (idx % 3 == 0)
		set_link4(b, (uint8_t)(n % 5));
}

static void run_writer_forever(const char *dir)
{
	struct lq_store_options o = { .history_limit = 300, .no_sync = true };
	struct lq_store *s;
	uint8_t buf[8];
	size_t len = 0;
	unsigned n = 0;

	if (lq_store_open(&s, dir, &o) != LQ_STORE_OK)
		_exit(2);
	if (lq_store_source_pos_get(s, "gen", buf, sizeof(buf), &len) == 1 && len == 8)
		n = (unsigned)lq_store_get_u64(buf);
	for (;;) {
		struct lq_binding_change batch[KILL_BATCH];
		struct gen_change g[KILL_BATCH] = { 0 };
		struct lq_store_source_pos pos = { .name = "gen", .data = { buf, 8 } };
		unsigned idx;

		n++;
		for (unsigned j = 0; j < KILL_BATCH; j++)
			gen_change(n, j, &batch[j], &g[j], &idx);
		lq_store_put_u64(buf, n);
		if (lq_store_apply(s, batch, KILL_BATCH, 1000 + n, &pos) != LQ_STORE_OK)
			_exit(3);
	}
}

/* Replay batches 1..n: which batch/change last touched each key, and
 * whether it is present. */
struct model_slot {
	bool present;
	unsigned n;
	unsigned j;
};

static void replay(unsigned batches, struct model_slot model[KILL_KEYS])
{
	memset(model, 0, sizeof(struct model_slot) * KILL_KEYS);
	for (unsigned n = 1; n <= batches; n++) {
		for (unsigned j = 0; j < KILL_BATCH; j++) {
			struct lq_binding_change c;
			struct gen_change g = { 0 };
			unsigned idx;

			gen_change(n, j, &c, &g, &idx);
			model[idx].present = c.op == LQ_CHANGE_UPSERT;
			model[idx].n = n;
			model[idx].j = j;
		}
	}
}

static void assert_bytes_same(lq_bytes a, lq_bytes b)
{
	assert_int_equal(a.len, b.len);
	assert_true((a.data == NULL) == (b.data == NULL));
	if (a.len)
		assert_memory_equal(a.data, b.data, a.len);
}

static void check_against_model(struct lq_store *s, unsigned batches)
{
	struct model_slot model[KILL_KEYS];
	struct lq_store_reader *r;
	struct lq_store_history_bounds hb;

	replay(batches, model);
	assert_int_equal(lq_store_read_begin(s, &r), LQ_STORE_OK);
	for (unsigned idx = 0; idx < KILL_KEYS; idx++) {
		struct lq_binding_key key;
		struct lq_binding got;
		int64_t changed;

		gen_key(idx, &key);
		assert_int_equal(lq_store_get(r, &key, &got, &changed), model[idx].present ? 1 : 0);
		if (model[idx].present) {
			struct lq_binding_change want;
			struct gen_change g = { 0 };
			unsigned ignored;

			gen_change(model[idx].n, model[idx].j, &want, &g, &ignored);
			assert_true(changed == 1000 + (int64_t)model[idx].n);
			assert_bytes_same(got.hostname, want.binding.hostname);
			assert_bytes_same(got.hwaddr, want.binding.hwaddr);
			assert_bytes_same(got.client_id, want.binding.client_id);
			assert_bytes_same(got.remote_id, want.binding.remote_id);
			assert_int_equal(got.subnet_id, want.binding.subnet_id);
			assert_int_equal(got.has_vpn, want.binding.has_vpn);
		}
	}
	assert_int_equal(lq_store_history_bounds(r, &hb), LQ_STORE_OK);
	assert_int_equal(hb.next_seq, (uint64_t)batches * KILL_BATCH + 1);
	lq_store_read_end(r);
}

static unsigned stored_batches(struct lq_store *s)
{
	uint8_t buf[8];
	size_t len = 0;
	int rc = lq_store_source_pos_get(s, "gen", buf, sizeof(buf), &len);

	if (rc == 0)
		return 0;
	assert_int_equal(rc, 1);
	assert_int_equal(len, 8);
	return (unsigned)lq_store_get_u64(buf);
}

/* xorshift32: kill moments need no more than this */
static uint32_t next_random(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

static void test_kill9_consistency(void **state)
{
	struct fixture *f = *state;
	unsigned last = 0;

	lq_store_close(f->store);      /* no environment open across fork */
	f->store = NULL;
	uint32_t random_state = (uint32_t)getpid() | 1u;

	for (int round = 0; round < KILL_ROUNDS; round++) {
		int status;
		pid_t pid = fork();
		struct timespec wait = { 0, (long)(2 + next_random(&random_state) % 40) * 1000000L };
		unsigned batches;

		assert_true(pid >= 0);
		if (pid == 0)
			run_writer_forever(f->dir);
		if (round == KILL_ROUNDS - 1)
			wait.tv_nsec = 200000000L;    /* make sure something got written */
		nanosleep(&wait, NULL);
		assert_int_equal(kill(pid, SIGKILL), 0);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

		assert_int_equal(lq_store_open(&f->store, f->dir, NULL), LQ_STORE_OK);
		batches = stored_batches(f->store);
		assert_true(batches >= last);
		last = batches;
		check_consistency(f->store);
		check_against_model(f->store, batches);
		lq_store_close(f->store);
		f->store = NULL;
	}
	print_message("kill -9: %u batches survived %d kills\n", last, KILL_ROUNDS);
	assert_true(last > 0);
	assert_int_equal(lq_store_open(&f->store, f->dir, NULL), LQ_STORE_OK);
}


/* ---- many writes to the same entries in one batch ---- */

/* One batch moves bindings between index values and back, deletes and
 * re-adds them: the indexes must end as if the changes came one by one. */
static void test_index_writes_within_a_batch(void **state)
{
	struct fixture *f = *state;
	struct lq_store *s = f->store;
	struct lq_binding_change c[9];
	lq_ip6 link;

	memset(c, 0, sizeof(c));
	c[0].binding = v4(1, "mac-X", "cid-1", "rem-A");
	c[1].binding = v4(1, "mac-Y", "cid-1", "rem-B");
	c[2].binding = v4(2, "mac-Y", "cid-2", "rem-A");
	c[3].op = LQ_CHANGE_DELETE;
	c[3].binding.key = c[0].binding.key;
	c[4].binding = v4(1, "mac-X", "cid-9", "rem-A");
	c[5].binding = v4(3, "mac-X", NULL, NULL);
	set_link4(&c[5].binding, 7);
	c[6].op = LQ_CHANGE_DELETE;
	c[6].binding.key = c[2].binding.key;
	c[7].binding = v4(2, "mac-Z", "cid-2", "rem-C");
	c[8].binding = v4(3, "mac-Y", NULL, NULL);
	for (size_t i = 0; i < 9; i++) {
		if (c[i].op != LQ_CHANGE_DELETE)
			c[i].op = LQ_CHANGE_UPSERT;
	}
	assert_int_equal(lq_store_apply(s, c, 9, 5000, NULL), LQ_STORE_OK);
	check_consistency(s);
	assert_int_equal(by_value(s, 4, LQ_STORE_BY_HWADDR, "mac-X"), BIT(1));
	assert_int_equal(by_value(s, 4, LQ_STORE_BY_HWADDR, "mac-Y"), BIT(3));
	assert_int_equal(by_value(s, 4, LQ_STORE_BY_HWADDR, "mac-Z"), BIT(2));
	assert_int_equal(by_value(s, 4, LQ_STORE_BY_CLIENT_ID, "cid-1"), 0);
	assert_int_equal(by_value(s, 4, LQ_STORE_BY_CLIENT_ID, "cid-9"), BIT(1));
	assert_int_equal(by_value(s, 4, LQ_STORE_BY_REMOTE_ID, "rem-A"), BIT(1));
	assert_int_equal(by_value(s, 4, LQ_STORE_BY_REMOTE_ID, "rem-B"), 0);
	assert_int_equal(by_value(s, 4, LQ_STORE_BY_REMOTE_ID, "rem-C"), BIT(2));
	set_link4(&c[0].binding, 7);
	link = c[0].binding.link_address;
	assert_int_equal(by_link(s, 4, link), 0);
	assert_int_equal(all_of(s, 4), BIT(1) | BIT(2) | BIT(3));
}

/* Large batches of random changes over few keys and few values, so that
 * most index entries are written several times per batch, in every order;
 * the store must match a replay of the changes and stay consistent. */
#define MANY_KEYS 40
#define MANY_BATCH 300

static void test_index_writes_random_batches(void **state)
{
	struct fixture *f = *state;
	struct lq_store *s = f->store;
	static struct lq_binding_change batch[MANY_BATCH];
	static struct gen_change g[MANY_BATCH];
	bool present[MANY_KEYS] = { false };
	char host[MANY_KEYS][16];
	uint32_t seed = 7;

	for (unsigned n = 1; n <= 12; n++) {
		for (unsigned j = 0; j < MANY_BATCH; j++) {
			seed = seed * 1103515245u + 12345u;
			unsigned key = (seed >> 8) % MANY_KEYS;
			gen_change(n * 1000 + j, (seed >> 3) % 5, &batch[j], &g[j], &(unsigned){ 0 });
			gen_key(key, &batch[j].binding.key);
			batch[j].binding.type = batch[j].binding.key.family == 4 ? LQ_LEASE_V4
						: batch[j].binding.key.prefix_len == 128 ? LQ_LEASE_NA : LQ_LEASE_PD;
			present[key] = batch[j].op == LQ_CHANGE_UPSERT;
			memcpy(host[key], g[j].host, sizeof(host[key]));
		}
		assert_int_equal(lq_store_apply(s, batch, MANY_BATCH, 1000 + n, NULL), LQ_STORE_OK);
		check_consistency(s);
		struct lq_store_reader *r;
		assert_int_equal(lq_store_read_begin(s, &r), LQ_STORE_OK);
		for (unsigned key = 0; key < MANY_KEYS; key++) {
			struct lq_binding_key k;
			struct lq_binding got;
			gen_key(key, &k);
			assert_int_equal(lq_store_get(r, &k, &got, NULL), present[key] ? 1 : 0);
			if (present[key])
				assert_bytes_same(got.hostname, text(host[key]));
		}
		lq_store_read_end(r);
	}
}


/* Long runs of entries under one index key (subnet, link, time), written in
 * rising, falling, interleaved and scattered order across batches, with
 * removals: the entries past the stored ones are appended, the others
 * inserted; the indexes must hold exactly the bindings. */
static unsigned count_filter(struct lq_store *s, const struct lq_store_filter *f)
{
	struct lq_store_reader *r;
	struct lq_store_cursor *c;
	struct lq_binding b;
	unsigned n = 0;
	int rc;

	assert_int_equal(lq_store_read_begin(s, &r), LQ_STORE_OK);
	assert_int_equal(lq_store_cursor_open(r, f, &c), LQ_STORE_OK);
	while ((rc = lq_store_cursor_next(c, &b)) == 1)
		n++;
	assert_int_equal(rc, 0);
	lq_store_cursor_close(c);
	lq_store_read_end(r);
	return n;
}

#define RUN_KEYS 600

static unsigned run_order(unsigned round, unsigned j)
{
	switch (round % 4) {
	case 0: return j;                                       /* rising */
	case 1: return RUN_KEYS - 1 - j;                        /* falling */
	case 2: return j < RUN_KEYS / 2 ? 2 * j : 2 * (j - RUN_KEYS / 2) + 1;   /* interleaved */
	default: return (j * 257u + round) % RUN_KEYS;          /* scattered */
	}
}

static void test_index_dup_runs(void **state)
{
	struct fixture *f = *state;
	struct lq_store *s = f->store;
	static struct lq_binding_change batch[RUN_KEYS / 2];
	bool present[RUN_KEYS] = { false };
	struct lq_store_filter subnet = { .family = 4, .by = LQ_STORE_BY_SUBNET, .subnet_id = 1 };
	struct lq_store_filter link = { .family = 4, .by = LQ_STORE_BY_LINK };

	for (unsigned round = 0; round < 8; round++) {
		for (unsigned half = 0; half < 2; half++) {
			for (unsigned j = 0; j < RUN_KEYS / 2; j++) {
				unsigned id = run_order(round, half * RUN_KEYS / 2 + j);
				lq_ip4 a = { { 10, 2, (uint8_t)(id >> 8), (uint8_t)id } };
				struct lq_binding_change *c = &batch[j];

				memset(c, 0, sizeof(*c));
				lq_binding_key_v4(&c->binding.key, &a);
				c->op = (id + round) % 7 == 0 ? LQ_CHANGE_DELETE : LQ_CHANGE_UPSERT;
				c->binding.type = LQ_LEASE_V4;
				c->binding.subnet_id = 1;
				c->binding.cltt = 1000;
				c->binding.expire = 2000;
				set_link4(&c->binding, 9);
				present[id] = c->op == LQ_CHANGE_UPSERT;
			}
			/* same time for the whole round: one time key with long runs */
			assert_int_equal(lq_store_apply(s, batch, RUN_KEYS / 2, 7000 + round, NULL), LQ_STORE_OK);
		}
		unsigned want = 0;
		for (unsigned id = 0; id < RUN_KEYS; id++)
			want += present[id];
		link.link = batch[0].binding.link_address;
		assert_int_equal(count_filter(s, &subnet), want);
		assert_int_equal(count_filter(s, &link), want);
		check_consistency(s);
	}
}


/* The store's own comparison of keys and binding keys orders exactly as
 * LMDB's default (the meta database keeps it): other programs may open the
 * store without it. */
static void test_key_order_is_lmdb_default(void **state)
{
	struct fixture *f = *state;
	struct lq_store *s = f->store;
	uint8_t a[40], b[40];
	uint32_t seed = 99;
	MDB_txn *txn;

	assert_int_equal(mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn), 0);
	for (int round = 0; round < 200000; round++) {
		size_t alen, blen;
		seed = seed * 1103515245u + 12345u;
		alen = (seed >> 8) % 40;
		blen = (seed >> 16) % 40;
		for (size_t i = 0; i < 40; i++) {
			seed = seed * 1103515245u + 12345u;
			/* few distinct octets, so long common prefixes are frequent */
			a[i] = (uint8_t)((seed >> 24) % 3 == 0 ? 0xff : 0);
			b[i] = round % 2 ? a[i] : (uint8_t)((seed >> 16) % 3 == 0 ? 0xff : 0);
		}
		MDB_val x = { alen, a }, y = { blen, b };
		int want = mdb_cmp(txn, s->meta, &x, &y);
		int got_key = mdb_cmp(txn, s->bindings, &x, &y);
		int got_dup = mdb_dcmp(txn, s->index[LQ_IDX_TIME], &x, &y);
		assert_int_equal(want < 0, got_key < 0);
		assert_int_equal(want > 0, got_key > 0);
		assert_int_equal(want < 0, got_dup < 0);
		assert_int_equal(want > 0, got_dup > 0);
	}
	mdb_txn_abort(txn);
}

/* ---- loads in one transaction ---- */

static unsigned count_v4(struct lq_store *s)
{
	struct lq_store_reader *r;
	struct lq_store_stats st;

	assert_int_equal(lq_store_read_begin(s, &r), LQ_STORE_OK);
	assert_int_equal(lq_store_stats(r, &st), LQ_STORE_OK);
	lq_store_read_end(r);
	return (unsigned)st.bindings4;
}

static void apply_one(struct lq_store *s, unsigned id, int expect)
{
	struct lq_binding_change c = { .op = LQ_CHANGE_UPSERT, .binding = v4(id, "mac", "cid", NULL) };

	assert_int_equal(lq_store_apply(s, &c, 1, 2000 + id, NULL), expect);
}

static void test_load_commit_and_undo(void **state)
{
	struct fixture *f = *state;
	struct lq_store *s = f->store;
	uint8_t pos[4] = { 1, 2, 3, 4 }, got[4];
	size_t len;

	apply_one(s, 1, LQ_STORE_OK);
	/* undone: none of it stays */
	assert_int_equal(lq_store_load_begin(s), LQ_STORE_OK);
	assert_int_equal(lq_store_load_begin(s), LQ_STORE_ERR_INVALID);
	apply_one(s, 2, LQ_STORE_OK);
	assert_int_equal(lq_store_load_end(s, false), LQ_STORE_OK);
	assert_int_equal(count_v4(s), 1);
	assert_int_equal(lq_store_load_end(s, true), LQ_STORE_ERR_INVALID);

	/* committed: readers see it only at the end, with the position */
	assert_int_equal(lq_store_load_begin(s), LQ_STORE_OK);
	for (unsigned id = 2; id < 40; id++) {
		struct lq_binding_change c = { .op = LQ_CHANGE_UPSERT, .binding = v4(id, "m", "c", "r") };
		struct lq_store_source_pos p = { "file", { pos, sizeof(pos) } };
		pos[3] = (uint8_t)id;
		assert_int_equal(lq_store_apply(s, &c, 1, 3000, &p), LQ_STORE_OK);
	}
	assert_int_equal(count_v4(s), 1);
	assert_int_equal(lq_store_source_pos_get(s, "file", got, sizeof(got), &len), 0);
	assert_int_equal(lq_store_load_end(s, true), LQ_STORE_OK);
	assert_int_equal(count_v4(s), 39);
	assert_int_equal(lq_store_source_pos_get(s, "file", got, sizeof(got), &len), 1);
	assert_int_equal(got[3], 39);
	check_consistency(s);
	assert_int_equal(by_value(s, 4, LQ_STORE_BY_REMOTE_ID, "r"), (BIT(40) - 1) & ~(BIT(0) | BIT(1)));
}

static void test_load_failure_undoes_all(void **state)
{
	struct fixture *f = *state;
	struct lq_store *s = f->store;
	struct lq_binding_change bad = { .op = LQ_CHANGE_UPSERT, .binding = v4(9, "m", NULL, NULL) };

	apply_one(s, 1, LQ_STORE_OK);
	assert_int_equal(lq_store_load_begin(s), LQ_STORE_OK);
	apply_one(s, 2, LQ_STORE_OK);
	bad.binding.key.family = 5;
	assert_int_equal(lq_store_apply(s, &bad, 1, 4000, NULL), LQ_STORE_ERR_INVALID);
	apply_one(s, 3, LQ_STORE_ERR_INVALID);
	assert_int_equal(lq_store_load_end(s, true), LQ_STORE_ERR_INVALID);
	assert_int_equal(count_v4(s), 1);
	/* the store works on */
	apply_one(s, 4, LQ_STORE_OK);
	assert_int_equal(count_v4(s), 2);
	check_consistency(s);
}

struct other_writer {
	struct lq_store *store;
	int rc;
};

static void *write_from_other_thread(void *arg)
{
	struct other_writer *w = arg;
	struct lq_binding_change c = { .op = LQ_CHANGE_UPSERT, .binding = v4(20, "other", NULL, NULL) };

	w->rc = lq_store_apply(w->store, &c, 1, 5000, NULL);
	return NULL;
}

/* A writer of another thread waits for the load; it does not join it. */
static void test_load_and_another_thread(void **state)
{
	struct fixture *f = *state;
	struct lq_store *s = f->store;
	struct other_writer w = { s, 1 };
	pthread_t t;
	struct timespec pause = { 0, 50000000L };

	assert_int_equal(lq_store_load_begin(s), LQ_STORE_OK);
	apply_one(s, 1, LQ_STORE_OK);
	assert_int_equal(pthread_create(&t, NULL, write_from_other_thread, &w), 0);
	nanosleep(&pause, NULL);
	assert_int_equal(w.rc, 1);              /* still waiting for the writer lock */
	assert_int_equal(lq_store_load_end(s, false), LQ_STORE_OK);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(w.rc, LQ_STORE_OK);
	assert_int_equal(by_value(s, 4, LQ_STORE_BY_HWADDR, "other"), BIT(20));
	assert_int_equal(count_v4(s), 1);
}

/* ---- BY_CLIENTS and BY_NO_CLIENT_ID ---- */

/* LMDB's order of values: octets, then the shorter first. */
static int bytes_order(lq_bytes a, lq_bytes b)
{
	size_t n = a.len < b.len ? a.len : b.len;
	int d = n > 0 ? memcmp(a.data, b.data, n) : 0;

	if (d != 0)
		return d;
	return (a.len > b.len) - (a.len < b.len);
}

static int key_order(const struct lq_binding_key *a, const struct lq_binding_key *b)
{
	uint8_t ka[LQ_STORE_KEY_MAX], kb[LQ_STORE_KEY_MAX];
	size_t la = lq_store_key_encode(a, ka), lb = lq_store_key_encode(b, kb);

	return bytes_order((lq_bytes){ ka, la }, (lq_bytes){ kb, lb });
}

/* Run f to its end, checking the order it promises: BY_CLIENTS client id by
 * client id (each once, in octet order), keys ascending within one;
 * BY_NO_CLIENT_ID keys ascending, none with a client id. Returns the iaids
 * (the mask) and how many bindings came. */
static uint64_t clients_pass(struct lq_store_reader *r, const struct lq_store_filter *f,
			     unsigned *count)
{
	struct lq_store_cursor *c;
	struct lq_binding b, prev;
	uint64_t mask = 0;
	int rc;

	*count = 0;
	assert_int_equal(lq_store_cursor_open(r, f, &c), LQ_STORE_OK);
	while ((rc = lq_store_cursor_next(c, &b)) == 1) {
		assert_true(b.iaid < 64);
		assert_false(mask & BIT(b.iaid));
		mask |= BIT(b.iaid);
		assert_int_equal(b.key.family, f->family);
		if (f->by == LQ_STORE_BY_CLIENTS) {
			assert_true(b.client_id.len > 0);
			if (*count > 0) {
				int d = bytes_order(prev.client_id, b.client_id);

				assert_true(d <= 0);
				if (d == 0)
					assert_true(key_order(&prev.key, &b.key) < 0);
			}
		} else {
			assert_int_equal(b.client_id.len, 0);
			if (*count > 0)
				assert_true(key_order(&prev.key, &b.key) < 0);
		}
		prev = b;
		(*count)++;
	}
	assert_int_equal(rc, 0);
	lq_store_cursor_close(c);
	return mask;
}

/* The bindings of the family with a client id (one to 255 octets). */
static uint64_t with_client_id(struct lq_store_reader *r, uint8_t family)
{
	struct lq_store_filter f = { .family = family };
	struct lq_store_cursor *c;
	struct lq_binding b;
	uint64_t mask = 0;

	assert_int_equal(lq_store_cursor_open(r, &f, &c), LQ_STORE_OK);
	while (lq_store_cursor_next(c, &b) == 1)
		if (b.client_id.data != NULL && b.client_id.len > 0)
			mask |= BIT(b.iaid);
	lq_store_cursor_close(c);
	return mask;
}

/* BY_CLIENTS reads the client-id index in batches (sorting each batch's
 * binding keys to find the bindings in one walk): the same bindings in
 * the same order whatever the batch size, including batches that end in
 * the middle of a client; BY_NO_CLIENT_ID yields the rest. */
static void test_clients_cursor(void **state)
{
	static const char *const duids[] = { "duid-A", "duid-AB", "duid", "\x01", "\xff\xfe",
					     "duid-many", "", NULL };
	static const size_t batches[] = { 1, 2, 3, 5, 7, 64, LQ_STORE_CLIENT_BATCH_MAX };
	struct fixture *f = *state;
	struct lq_store *s = f->store;
	struct lq_binding_change ch[64];
	unsigned n = 0, na, nb;
	uint64_t all6, cid6, cid4, first = 0;

	memset(ch, 0, sizeof(ch));
	for (unsigned id = 0; id < 44; id++, n++) {
		const char *duid = duids[id < 20 ? id % 8 : 5];   /* duid-many: a long client */
		uint32_t r = (id * 2654435761u) >> 8;
		lq_ip6 a = ip6(0x2001, 0xdb8, (uint16_t)(r & 3), (uint16_t)(r >> 8), (uint16_t)id);
		uint8_t plen = id % 5 == 0 ? 56 : 128;

		/* the same address with two prefix lengths: keys by length */
		if (id == 11 || id == 12)
			a = ip6(0x2001, 0xdb8, 9, 0, 0);
		plen = id == 11 ? 48 : id == 12 ? 64 : plen;
		ch[n].op = LQ_CHANGE_UPSERT;
		ch[n].binding = v6(id, plen < 128 ? LQ_LEASE_PD : LQ_LEASE_NA, a, plen, duid);
		if (duid != NULL && duid[0] == '\0')
			ch[n].binding.client_id = (lq_bytes){ (const uint8_t *)"x", 0 };  /* empty */
		ch[n].binding.hwaddr = id % 3 == 0 ? text("hw") : text(NULL);
		ch[n].binding.link_address = id % 4 == 0 ? ip6(0x2001, 0xdb8, 1, 0, 1) : ip6(0, 0, 0, 0, 0);
	}
	for (unsigned id = 50; id < 56; id++, n++) {
		ch[n].op = LQ_CHANGE_UPSERT;
		ch[n].binding = v4(id, "mac", id % 2 ? "duid-A" : NULL, NULL);
	}
	assert_int_equal(lq_store_apply(s, ch, n, 100, NULL), LQ_STORE_OK);
	/* a later change: time qualifiers apply */
	ch[0].binding.valid_lifetime = 7200;
	assert_int_equal(lq_store_apply(s, ch, 1, 500, NULL), LQ_STORE_OK);

	struct lq_store_reader *r;
	assert_int_equal(lq_store_read_begin(s, &r), LQ_STORE_OK);
	all6 = result_mask_reader(r, &(struct lq_store_filter){ .family = 6 });
	cid6 = with_client_id(r, 6);
	cid4 = with_client_id(r, 4);
	assert_true(cid6 != 0 && cid6 != all6 && cid4 != 0);
	for (size_t i = 0; i < sizeof(batches) / sizeof(batches[0]); i++) {
		struct lq_store_filter fc = { .family = 6, .by = LQ_STORE_BY_CLIENTS };
		struct lq_store_filter fn = { .family = 6, .by = LQ_STORE_BY_NO_CLIENT_ID };
		struct lq_store_filter fc4 = { .family = 4, .by = LQ_STORE_BY_CLIENTS };
		struct lq_store_filter late = fc;
		uint64_t got;

		lq_store_client_batch_max = batches[i];
		got = clients_pass(r, &fc, &na);
		assert_int_equal(got, cid6);
		if (i == 0)
			first = got;
		assert_int_equal(got, first);
		assert_int_equal(clients_pass(r, &fn, &nb), all6 & ~cid6);
		assert_int_equal(na + nb, 44);
		assert_int_equal(clients_pass(r, &fc4, &na), cid4);
		late.has_start_time = true;
		late.start_time = 500;
		assert_int_equal(clients_pass(r, &late, &na), BIT(0));
		fn.has_end_time = true;
		fn.end_time = 400;
		assert_int_equal(clients_pass(r, &fn, &nb), all6 & ~cid6);
		/* a store without IPv6 client ids, or no bindings at all */
		fn.family = 4;
		fn.has_end_time = false;
		assert_int_equal(clients_pass(r, &fn, &nb), all_of(s, 4) & ~cid4);
	}
	lq_store_client_batch_max = LQ_STORE_CLIENT_BATCH_MAX;
	lq_store_read_end(r);
	check_consistency(s);
}

/* lq_store_count: the entries of an index key, of a range of links (both
 * lengths of link key), capped at the limit; invalid for other filters. */
static void test_count(void **state)
{
	struct fixture *f = *state;
	struct lq_store *s = f->store;
	struct lq_binding_change ch[40];
	struct lq_store_reader *r;
	uint64_t n;

	memset(ch, 0, sizeof(ch));
	for (unsigned i = 0; i < 30; i++) {
		ch[i].op = LQ_CHANGE_UPSERT;
		ch[i].binding = v6(i, LQ_LEASE_NA, ip6(0x2001, 0xdb8, 1, 0, (uint16_t)(0x100 + i)), 128,
				   i < 20 ? "duid-A" : NULL);
		/* links: 10 on ::1, 10 on ::2 of 2001:db8:1::/64, 5 on an
		 * IPv4-mapped link, 5 without */
		if (i < 20)
			ch[i].binding.link_address = ip6(0x2001, 0xdb8, 1, 0, (uint16_t)(1 + i % 2));
		else if (i < 25)
			ch[i].binding.link_address = (lq_ip6){ { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
								10, 0, 0, 1 } };
		ch[i].binding.subnet_id = i < 12 ? 7 : 0;
	}
	for (unsigned i = 30; i < 35; i++) {
		ch[i].op = LQ_CHANGE_UPSERT;
		ch[i].binding = v4(i, "mac", "duid-A", NULL);
		set_link4(&ch[i].binding, 1);
	}
	assert_int_equal(lq_store_apply(s, ch, 35, 100, NULL), LQ_STORE_OK);
	assert_int_equal(lq_store_read_begin(s, &r), LQ_STORE_OK);

	struct lq_store_filter fl = { .family = 6, .by = LQ_STORE_BY_LINK_RANGE,
				      .range_first = ip6(0x2001, 0xdb8, 1, 0, 0),
				      .range_last = ip6(0x2001, 0xdb8, 1, 0xffff, 0xffff) };
	assert_int_equal(lq_store_count(r, &fl, 1000, &n), LQ_STORE_OK);
	assert_int_equal(n, 20);
	assert_int_equal(lq_store_count(r, &fl, 15, &n), LQ_STORE_OK);
	assert_int_equal(n, 15);
	fl.range_first = ip6(0, 0, 0, 0, 0);
	fl.range_last = ip6(0xffff, 0xffff, 0xffff, 0xffff, 0xffff);
	assert_int_equal(lq_store_count(r, &fl, 1000, &n), LQ_STORE_OK);
	assert_int_equal(n, 25);
	fl.family = 4;
	assert_int_equal(lq_store_count(r, &fl, 1000, &n), LQ_STORE_ERR_INVALID);
	fl.range_first = mapped4(0, 0, 0, 0);
	fl.range_last = mapped4(255, 255, 255, 255);
	assert_int_equal(lq_store_count(r, &fl, 1000, &n), LQ_STORE_OK);
	assert_int_equal(n, 5);

	struct lq_store_filter fs = { .family = 6, .by = LQ_STORE_BY_SUBNET, .subnet_id = 7 };
	assert_int_equal(lq_store_count(r, &fs, 1000, &n), LQ_STORE_OK);
	assert_int_equal(n, 12);
	fs.subnet_id = 8;
	assert_int_equal(lq_store_count(r, &fs, 1000, &n), LQ_STORE_OK);
	assert_int_equal(n, 0);
	fs.subnet_id = 0;           /* no such index key */
	assert_int_equal(lq_store_count(r, &fs, 1000, &n), LQ_STORE_OK);
	assert_int_equal(n, 0);

	struct lq_store_filter fc = { .family = 6, .by = LQ_STORE_BY_CLIENT_ID, .value = text("duid-A") };
	assert_int_equal(lq_store_count(r, &fc, 1000, &n), LQ_STORE_OK);
	assert_int_equal(n, 20);
	assert_int_equal(lq_store_count(r, &fc, 3, &n), LQ_STORE_OK);
	assert_int_equal(n, 3);
	fc.family = 4;
	assert_int_equal(lq_store_count(r, &fc, 1000, &n), LQ_STORE_OK);
	assert_int_equal(n, 5);

	struct lq_store_filter fa = { .family = 6 };
	assert_int_equal(lq_store_count(r, &fa, 1000, &n), LQ_STORE_ERR_INVALID);
	fa.by = LQ_STORE_BY_CLIENTS;
	assert_int_equal(lq_store_count(r, &fa, 1000, &n), LQ_STORE_ERR_INVALID);
	fa.by = LQ_STORE_BY_RANGE;
	assert_int_equal(lq_store_count(r, &fa, 1000, &n), LQ_STORE_ERR_INVALID);
	lq_store_read_end(r);
}

/* The record peek BY_NO_CLIENT_ID uses agrees with the full decode, over
 * every combination of the fields stored before the client id, and never
 * reads past a truncated record. */
static void test_record_client_id_indexed(void **state)
{
	static uint8_t long_hw[LQ_BINDING_MAX_HWADDR];
	uint8_t rec[LQ_STORE_RECORD_MAX];
	size_t len;

	(void)state;
	memset(long_hw, 0xab, sizeof(long_hw));
	for (unsigned m = 0; m < 512; m++) {
		struct lq_binding b = v6(1, LQ_LEASE_NA, ip6(0x2001, 0xdb8, 1, 0, 5), 128, NULL);
		struct lq_binding d;
		int64_t changed;
		int want, got;

		b.hwaddr = m & 1 ? (lq_bytes){ long_hw, m & 2 ? sizeof(long_hw) : 6 } : text(NULL);
		b.htype = m & 4 ? 1 : 0;
		b.expire = m & 8 ? LQ_TIME_NEVER : 4600;
		b.preferred_lifetime = m & 16 ? 1800 : 0;
		b.iaid = m & 32 ? 0x12345678 : 0;
		b.link_address = m & 64 ? ip6(0x2001, 0xdb8, 1, 0, 1) : ip6(0, 0, 0, 0, 0);
		if (m & 128)
			b.link_address = (lq_ip6){ { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1 } };
		b.relay_peer = m & 256 ? ip6(0xfe80, 0, 0, 0, 1) : ip6(0, 0, 0, 0, 0);
		b.subnet_id = m * 977;
		b.relay_info = text("relay");
		b.hostname = text("host");
		for (unsigned cid = 0; cid < 4; cid++) {
			static uint8_t big[LQ_BINDING_MAX_CLIENT_ID];

			b.client_id = cid == 0 ? text(NULL) : cid == 1 ? (lq_bytes){ big, 0 } :
				      cid == 2 ? text("duid") : (lq_bytes){ big, sizeof(big) };
			assert_int_equal(lq_store_record_encode(&b, 12345, rec, sizeof(rec), &len), LQ_STORE_OK);
			assert_int_equal(lq_store_record_decode(rec, len, &d, &changed), LQ_STORE_OK);
			want = d.client_id.data != NULL && d.client_id.len > 0;
			assert_int_equal(lq_store_record_client_id_indexed(rec, len), want);
			/* cut short: an error, or the answer when the client id's
			 * length was read whole */
			for (size_t cut = 0; cut < len; cut++) {
				got = lq_store_record_client_id_indexed(rec, cut);
				assert_true(got == LQ_STORE_ERR_CORRUPT || got == want);
			}
		}
	}
	rec[0] = LQ_STORE_RECORD_VERSION + 1;
	assert_int_equal(lq_store_record_client_id_indexed(rec, len), LQ_STORE_ERR_CORRUPT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_v4_indexes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v6_indexes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_htype_and_vpn_qualifiers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_time_qualifiers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_and_containment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_range_cursor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_range_cursor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clients_cursor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_count, setup, teardown),
		cmocka_unit_test(test_record_client_id_indexed),
		cmocka_unit_test_setup_teardown(test_snapshot_isolation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history_pruning, setup, teardown),
		cmocka_unit_test_setup_teardown(test_source_position, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reopen_keeps_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_writes_within_a_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_writes_random_batches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_dup_runs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_order_is_lmdb_default, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_commit_and_undo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_failure_undoes_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_and_another_thread, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kill9_consistency, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
