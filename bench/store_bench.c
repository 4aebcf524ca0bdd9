/* store_bench.c - measures the binding store with typical IPv4 bindings
 * (6-octet MAC, 7-octet client-id, 22-octet option 82 with circuit- and
 * remote-id): load time in batches, LMDB bytes per binding, reopen time, the
 * bulk cursor rate and single lookups per second.
 * Usage: store_bench [BINDINGS [DIR]] (default 1000000, a temporary dir).
 * Environment: LQ_BENCH_BATCH (changes per transaction, default 10000),
 * LQ_BENCH_SHUFFLE (scattered instead of address order), LQ_BENCH_SYNC
 * (fsync every batch instead of no_sync), LQ_BENCH_LOAD (all batches in one
 * load transaction, lq_store_load_begin, as lqd's initial load). */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lq/store.h"

static uint32_t batch_size = 10000;   /* LQ_BENCH_BATCH */

struct typical {
	uint8_t mac[6];
	uint8_t cid[7];
	uint8_t relay[22];
};

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void make_binding(uint32_t i, struct typical *t, struct lq_binding *b)
{
	lq_ip4 a = { { 10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i } };
	static const uint8_t relay_head[] = { 1, 8, 'p', 'o', 'r', 't', '0', '0', '0', '0',
					      2, 10, 0, 0, 0x0d, 0xe9 };
	static const uint8_t cpe[] = { 'c', 'p', 'e' };

	memset(b, 0, sizeof(*b));
	lq_binding_key_v4(&b->key, &a);
	/* MACs (and so client-ids and remote-ids) unrelated to the address */
	uint32_t h = i * 2246822519u + 374761393u;
	t->mac[0] = 0x02;
	t->mac[1] = 0x00;
	t->mac[2] = (uint8_t)(h >> 24);
	t->mac[3] = (uint8_t)(h >> 16);
	t->mac[4] = (uint8_t)(h >> 8);
	t->mac[5] = (uint8_t)h;
	t->cid[0] = 1;
	memcpy(t->cid + 1, t->mac, 6);
	memcpy(t->relay, relay_head, sizeof(relay_head));
	memcpy(t->relay + sizeof(relay_head), cpe, sizeof(cpe));
	memcpy(t->relay + sizeof(relay_head) + 3, t->mac + 3, 3);
	b->type = LQ_LEASE_V4;
	b->state = LQ_STATE_ACTIVE;
	b->htype = 1;
	b->hwaddr = (lq_bytes){ t->mac, 6 };
	b->client_id = (lq_bytes){ t->cid, 7 };
	b->relay_info = (lq_bytes){ t->relay, sizeof(t->relay) };
	b->circuit_id = (lq_bytes){ t->relay + 2, 8 };
	b->remote_id = (lq_bytes){ t->relay + 12, 10 };
	b->cltt = 1700000000 + (int64_t)(i % 3600);
	b->expire = b->cltt + 3600;
	b->state_since = b->cltt;
	b->valid_lifetime = 3600;
	b->subnet_id = 1 + i / 65536;
	b->link_address.b[10] = 0xff;
	b->link_address.b[11] = 0xff;
	b->link_address.b[12] = 10;
	b->link_address.b[13] = (uint8_t)(i >> 16);
	b->link_address.b[15] = 1;
}

static int load(struct lq_store *s, uint32_t n)
{
	bool shuffle = getenv("LQ_BENCH_SHUFFLE") != NULL;
	uint32_t batch_len = batch_size > 0 ? batch_size : 1;
	struct lq_binding_change *batch = calloc(batch_len, sizeof(*batch));
	struct typical *t = calloc(batch_len, sizeof(*t));
	int rc = LQ_STORE_OK;

	if (batch == NULL || t == NULL) {
		free(batch);
		free(t);
		return LQ_STORE_ERR_NOMEM;
	}
	bool one_txn = getenv("LQ_BENCH_LOAD") != NULL;
	if (one_txn && (rc = lq_store_load_begin(s)) != LQ_STORE_OK) {
		free(batch);
		free(t);
		return rc;
	}
	for (uint32_t start = 0; rc == LQ_STORE_OK && start < n; start += batch_len) {
		uint32_t count = n - start < batch_len ? n - start : batch_len;

		for (uint32_t j = 0; j < count; j++) {
			/* address order (as Kea's lease file cleanup writes it)
			 * or, with LQ_BENCH_SHUFFLE, a scattered order */
			uint32_t i = shuffle ? (uint32_t)(((uint64_t)(start + j) * 2654435761u) % n)
					     : start + j;

			batch[j].op = LQ_CHANGE_UPSERT;
			make_binding(i, &t[j], &batch[j].binding);
		}
		rc = lq_store_apply(s, batch, count, 1700003600 + start / batch_len, NULL);
	}
	if (one_txn) {
		int end = lq_store_load_end(s, rc == LQ_STORE_OK);
		if (rc == LQ_STORE_OK)
			rc = end;
	}
	free(batch);
	free(t);
	return rc;
}

static double scan(struct lq_store *s, const struct lq_store_filter *f, uint64_t *count)
{
	struct lq_store_reader *r;
	struct lq_store_cursor *c;
	struct lq_binding b;
	double t0 = now_seconds();

	*count = 0;
	if (lq_store_read_begin(s, &r) != LQ_STORE_OK)
		return 0;
	if (lq_store_cursor_open(r, f, &c) == LQ_STORE_OK) {
		while (lq_store_cursor_next(c, &b) == 1)
			(*count)++;
		lq_store_cursor_close(c);
	}
	lq_store_read_end(r);
	return now_seconds() - t0;
}

static double lookups(struct lq_store *s, uint32_t n, uint32_t queries)
{
	struct lq_store_reader *r;
	struct lq_binding b;
	double t0 = now_seconds();
	uint32_t found = 0;

	if (lq_store_read_begin(s, &r) != LQ_STORE_OK)
		return 0;
	for (uint32_t q = 0; q < queries; q++) {
		uint32_t i = (uint32_t)(((uint64_t)q * 40503u) % n);
		lq_ip4 a = { { 10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i } };

		/* a fresh snapshot per query, as a UDP server would take */
		lq_store_read_reset(r);
		if (lq_store_read_renew(r) != LQ_STORE_OK)
			break;
		found += lq_store_find_v4(r, &a, &b, NULL) == 1;
	}
	lq_store_read_end(r);
	if (found != queries)
		fprintf(stderr, "lookups: %u of %u found\n", found, queries);
	return now_seconds() - t0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int run(const char *dir, uint32_t n, bool no_sync)
{
	struct lq_store_options o = { .no_sync = no_sync };
	struct lq_store *s;
	struct lq_store_reader *r;
	struct lq_store_stats st;
	struct lq_store_filter all = { .family = 4 };
	struct lq_store_filter subnet = { .family = 4, .by = LQ_STORE_BY_SUBNET, .subnet_id = 1 };
	uint64_t count;
	double t0;
	double t;
	int rc = lq_store_open(&s, dir, &o);

	if (rc != LQ_STORE_OK) {
		fprintf(stderr, "open: %s\n", lq_store_strerror(rc));
		return 1;
	}
	t0 = now_seconds();
	rc = load(s, n);
	if (rc == LQ_STORE_OK)
		rc = lq_store_sync(s);
	t = now_seconds() - t0;
	if (rc != LQ_STORE_OK) {
		fprintf(stderr, "load: %s\n", lq_store_strerror(rc));
		lq_store_close(s);
		return 1;
	}
	printf("load %u bindings (%s, %s%s, batches of %u): %.2f s, %.0f bindings/s\n", n,
	       getenv("LQ_BENCH_SHUFFLE") ? "shuffled" : "address order",
	       getenv("LQ_BENCH_LOAD") ? "one load transaction, " : "",
	       no_sync ? "no_sync" : "fsync per batch", batch_size, t, n / t);
	if (lq_store_read_begin(s, &r) == LQ_STORE_OK) {
		if (lq_store_stats(r, &st) == LQ_STORE_OK)
			printf("file: %.1f MB used, %.1f bytes per binding (with %llu history entries)\n",
			       (double)st.bytes_used / 1e6, (double)st.bytes_used / n,
			       (unsigned long long)st.history_entries);
		lq_store_read_end(r);
	}
	lq_store_close(s);

	t0 = now_seconds();
	rc = lq_store_open(&s, dir, &o);
	t = now_seconds() - t0;
	if (rc != LQ_STORE_OK)
		return 1;
	printf("reopen: %.4f s\n", t);
	t = scan(s, &all, &count);
	printf("cursor ALL: %llu bindings in %.3f s, %.0f bindings/s\n",
	       (unsigned long long)count, t, count / t);
	t = scan(s, &subnet, &count);
	printf("cursor BY_SUBNET: %llu bindings in %.3f s, %.0f bindings/s\n",
	       (unsigned long long)count, t, count / t);
	t = lookups(s, n, 1000000);
	printf("single lookups (renewed snapshot each): %.0f /s\n", 1000000 / t);
	lq_store_close(s);
	return 0;
}

int main(int argc, char **argv)
{
	uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 1000000;
	char tmp[] = "/tmp/lq-store-bench-XXXXXX";
	const char *dir = argc > 2 ? argv[2] : NULL;
	const char *batch_env = getenv("LQ_BENCH_BATCH");
	int rc;

	if (batch_env != NULL)
		batch_size = (uint32_t)strtoul(batch_env, NULL, 10);
	if (n == 0 || n > 16000000 || batch_size == 0) {
		fprintf(stderr, "usage: store_bench [BINDINGS [DIR]]\n");
		return 2;
	}
	if (dir == NULL) {
		if (mkdtemp(tmp) == NULL)
			return 1;
		dir = tmp;
	}
	rc = run(dir, n, getenv("LQ_BENCH_SYNC") == NULL);
	if (argc <= 2)
		nftw(tmp, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	return rc;
}
