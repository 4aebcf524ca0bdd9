/* source.c - a lease file followed into the binding store: lines from the
 * follower go through the file's parser (Kea CSV or dhcpd.leases) into a
 * batch, and each batch reaches the store in one transaction together with
 * the file position after it, so a restart resumes exactly where the store
 * is. When it cannot resume (first start, or the file was replaced while lqd
 * was down) the source loads the file whole (for Kea with the rotated files
 * first, in the order Kea itself reads them) and then deletes from the store
 * every binding of its family the source no longer has. Such a load goes
 * into one store transaction (lq_store_load_begin): every page is written
 * once and synced once, at the end; for Kea files a reader thread reads and
 * parses the next batch while this thread stores the previous one. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "keyset.h"
#include "lq/change_batch.h"
#include "lq/dhcpd_leases.h"
#include "lq/follow.h"
#include "lq/kea_csv.h"
#include "lqd.h"

#define BATCH_MAX 20000          /* changes per store transaction */
#define POS_RECORD_LEN 33

/* A load in two threads: the reader thread hands each full batch over
 * (with the file position after it) and the store thread takes it. Three
 * batches rotate: the reader's, the one handed over, the one being stored. */
struct load_pipe {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct lq_change_batch ready;   /* handed over, not yet taken */
	uint8_t ready_pos[POS_RECORD_LEN];
	bool ready_has_pos;
	bool full;                      /* ready holds a batch */
	bool done;                      /* the reader is at the end (read_rc) */
	bool failed;                    /* the store failed: the reader stops */
	int read_rc, read_errno;
};

struct lqd_source {
	struct lqd *d;
	const struct lq_config_source *cfg;
	char name[LQ_STORE_SOURCE_NAME_MAX + 1];   /* the store's key for our position */
	int family;
	struct lq_follow follow;
	struct event *ev;
	struct lq_kea_csv *kea;
	struct lq_dhcpd_leases *dhcpd;
	struct lq_change_batch batch;
	struct lq_follow_pos pos;        /* where the store will be after the batch */
	bool pos_valid;
	bool loading;                    /* full load in progress: sweep at its end */
	bool in_load_txn;                /* the load goes into one store transaction */
	bool skip_sweep;                 /* the load began on an empty store */
	struct lqd_keyset seen;          /* keys the load had, unless skip_sweep */
	struct load_pipe *pipe;          /* a load in two threads is going on */
	const char *reading;             /* the file being read, for messages */
	uint64_t lines, changes, bad_lines, batches;
};

/* ---- the position record: dev, ino, offset, line, dhcpd byte order ---- */

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void encode_pos(const struct lqd_source *s, uint8_t out[POS_RECORD_LEN])
{
	put64(out, s->pos.dev);
	put64(out + 8, s->pos.ino);
	put64(out + 16, s->pos.offset);
	put64(out + 24, s->pos.line);
	out[32] = s->dhcpd != NULL && s->dhcpd->big_endian;
}

static bool load_saved_pos(struct lqd_source *s, struct lq_follow_pos *pos, bool *big_endian)
{
	uint8_t rec[POS_RECORD_LEN];
	size_t len = 0;

	if (lq_store_source_pos_get(s->d->store, s->name, rec, sizeof(rec), &len) != 1 || len != POS_RECORD_LEN)
		return false;
	*pos = (struct lq_follow_pos){get64(rec), get64(rec + 8), get64(rec + 16), get64(rec + 24)};
	*big_endian = rec[32] != 0;
	return true;
}

/* ---- batches ---- */

static int flush_batch(struct lqd_source *s)
{
	uint8_t rec[POS_RECORD_LEN];
	struct lq_store_source_pos pos = {s->name, {rec, sizeof(rec)}};

	if (s->batch.n == 0 && !s->pos_valid)
		return 0;
	encode_pos(s, rec);
	int rc = lq_store_apply(s->d->store, s->batch.items, s->batch.n, (int64_t)time(NULL),
				s->pos_valid ? &pos : NULL);
	if (rc < 0) {
		lqd_log(LQD_LOG_ERROR, "%s: cannot store %zu changes: %s", s->cfg->path, s->batch.n,
			lq_store_strerror(rc));
		return -1;
	}
	s->changes += s->batch.n;
	s->batches++;
	lq_change_batch_clear(&s->batch);
	s->pos_valid = false;
	if (!s->in_load_txn)
		lqd_tcp_notify(s->d->tcp);      /* active queries send what changed */
	return 0;
}

/* The reader thread of a load: hand the full batch (and the position
 * after it) to the store thread, taking an empty one back. */
static int hand_over(struct lqd_source *s)
{
	struct load_pipe *p = s->pipe;

	if (s->batch.n == 0 && !s->pos_valid)
		return 0;
	pthread_mutex_lock(&p->lock);
	while (p->full && !p->failed)
		pthread_cond_wait(&p->cond, &p->lock);
	bool failed = p->failed;
	if (!failed) {
		struct lq_change_batch empty = p->ready;
		p->ready = s->batch;
		s->batch = empty;
		encode_pos(s, p->ready_pos);
		p->ready_has_pos = s->pos_valid;
		p->full = true;
		pthread_cond_broadcast(&p->cond);
	}
	pthread_mutex_unlock(&p->lock);
	s->pos_valid = false;
	return failed ? -1 : 0;
}

/* A batch is full (or a file ended): store it, or hand it over. */
static int batch_done(struct lqd_source *s)
{
	return s->pipe != NULL ? hand_over(s) : flush_batch(s);
}

static int add_change(struct lqd_source *s, const struct lq_binding_change *c)
{
	if (s->family == 0)
		s->family = c->binding.key.family;
	if (s->loading && !s->skip_sweep && lqd_keyset_add(&s->seen, &c->binding.key) < 0)
		return -1;
	if (lq_change_batch_add(&s->batch, c) < 0) {
		lqd_log(LQD_LOG_ERROR, "%s: out of memory", s->cfg->path);
		return -1;
	}
	return 0;
}

/* ---- Kea CSV ---- */

static void kea_line(struct lqd_source *s, const char *line, size_t len, uint64_t line_no)
{
	struct lq_binding_change c;
	char why[160];

	if (line_no == 1 || lq_kea_csv_is_header(line, len)) {
		if (lq_kea_csv_header(s->kea, line, len, why, sizeof(why)) < 0) {
			s->bad_lines++;
			lqd_log(LQD_LOG_WARNING, "%s:%llu: %s", s->reading, (unsigned long long)line_no, why);
		}
		return;
	}
	int rc = lq_kea_csv_line(s->kea, line, len, &c, why, sizeof(why));
	if (rc < 0) {
		s->bad_lines++;
		lqd_log(LQD_LOG_WARNING, "%s:%llu: line skipped: %s", s->reading, (unsigned long long)line_no, why);
		return;
	}
	if (s->kea->warning[0] != '\0')
		lqd_log(LQD_LOG_WARNING, "%s:%llu: %s", s->reading, (unsigned long long)line_no, s->kea->warning);
	if (rc == 1)
		add_change(s, &c);
}

/* ---- dhcpd.leases ---- */

static void dhcpd_change(void *ctx, const struct lq_binding_change *c)
{
	add_change(ctx, c);
}

static void dhcpd_error(void *ctx, const struct lq_dhcpd_leases_error *err)
{
	struct lqd_source *s = ctx;

	s->bad_lines++;
	lqd_log(LQD_LOG_WARNING, "%s:%lu: declaration from line %lu skipped: %s", s->reading, err->line,
		err->block_line, err->message);
}

/* ---- following ---- */

static int on_line(void *ctx, const char *line, size_t len, uint64_t line_no, const struct lq_follow_pos *after)
{
	struct lqd_source *s = ctx;

	s->lines++;
	if (s->kea != NULL) {
		if (line_no == 1 && s->dhcpd == NULL)
			lq_kea_csv_init(s->kea);       /* a new file: its own header */
		kea_line(s, line, len, line_no);
		s->pos = *after;
		s->pos_valid = true;
	} else {
		if (line_no == 1 && !lq_dhcpd_leases_idle(s->dhcpd))
			lq_dhcpd_leases_finish(s->dhcpd, dhcpd_error, s);
		s->loading |= line_no == 1;    /* dhcpd's rewrite is whole: sweep what it left out */
		lq_dhcpd_leases_feed_line(s->dhcpd, line, len, dhcpd_change, dhcpd_error, s);
		if (lq_dhcpd_leases_idle(s->dhcpd)) {
			s->pos = *after;           /* only between declarations */
			s->pos_valid = true;
		}
	}
	if (s->batch.n >= BATCH_MAX && s->pos_valid)
		return batch_done(s) < 0 ? -1 : 0;
	return 0;
}

static void on_warn(void *ctx, const char *path, uint64_t line_no, const char *what)
{
	struct lqd_source *s = ctx;

	s->bad_lines++;
	lqd_log(LQD_LOG_WARNING, "%s:%llu: %s", path, (unsigned long long)line_no, what);
}

/* The family a lease file holds when the configuration does not say: the
 * last 4 or 6 in its file name (kea-leases6.csv, dhcpd6.leases), else 4. */
static int family_from_file_name(const char *path)
{
	const char *base = strrchr(path, '/');
	int family = 4;

	for (const char *p = base != NULL ? base + 1 : path; *p != '\0'; p++) {
		if (*p == '4' || *p == '6')
			family = *p - '0';
	}
	return family;
}

/* After a full load: delete what the source no longer has. */
static int sweep(struct lqd_source *s)
{
	struct lq_store_reader *r;
	struct lq_store_cursor *cur;
	struct lq_binding b;
	uint64_t removed = 0;

	if (s->family == 0)
		s->family = family_from_file_name(s->cfg->path);
	struct lq_store_filter f = {.family = (uint8_t)s->family, .by = LQ_STORE_BY_ALL};
	int rc = lq_store_read_begin(s->d->store, &r);
	if (rc < 0)
		goto store_failed;
	rc = lq_store_cursor_open(r, &f, &cur);
	if (rc < 0) {
		lq_store_read_end(r);
		goto store_failed;
	}
	while ((rc = lq_store_cursor_next(cur, &b)) == 1) {
		if (lqd_keyset_has(&s->seen, &b.key))
			continue;
		struct lq_binding_change c = {.op = LQ_CHANGE_DELETE};
		c.binding.key = b.key;
		if (lq_change_batch_add(&s->batch, &c) < 0) {
			rc = LQ_STORE_ERR_NOMEM;
			break;
		}
		removed++;
	}
	lq_store_cursor_close(cur);
	lq_store_read_end(r);
	if (rc < 0)
		goto store_failed;
	if (flush_batch(s) < 0)
		return -1;
	if (removed > 0)
		lqd_log(LQD_LOG_INFO, "%s: removed %llu bindings the source no longer has", s->cfg->path,
			(unsigned long long)removed);
	return 0;
store_failed:
	lqd_log(LQD_LOG_ERROR, "%s: reading the store for stale bindings: %s", s->cfg->path, lq_store_strerror(rc));
	return -1;
}

/* ---- full loads ---- */

static bool store_is_empty(struct lq_store *store)
{
	struct lq_store_reader *r;
	struct lq_store_stats st;
	bool empty = false;

	if (lq_store_read_begin(store, &r) < 0)
		return false;
	if (lq_store_stats(r, &st) >= 0)
		empty = st.bindings4 == 0 && st.bindings6 == 0;
	lq_store_read_end(r);
	return empty;
}

/* Start a full load: one store transaction for all of it. Into an empty
 * store there is nothing to sweep afterwards, so no keys are collected. */
static void begin_load(struct lqd_source *s)
{
	s->loading = true;
	s->skip_sweep = store_is_empty(s->d->store);
	int rc = lq_store_load_begin(s->d->store);
	if (rc < 0)
		lqd_log(LQD_LOG_WARNING, "%s: loading batch by batch: %s", s->cfg->path, lq_store_strerror(rc));
	s->in_load_txn = rc == 0;
}

/* Commit the load's transaction (if it has one): what was read so far. */
static int end_load_txn(struct lqd_source *s)
{
	if (!s->in_load_txn)
		return 0;
	s->in_load_txn = false;
	int rc = lq_store_load_end(s->d->store, true);
	if (rc < 0) {
		lqd_log(LQD_LOG_ERROR, "%s: the load failed, none of it is stored (restart lqd to load again): %s",
			s->cfg->path, lq_store_strerror(rc));
		return -1;
	}
	lqd_tcp_notify(s->d->tcp);
	return 0;
}

static void finish_load(struct lqd_source *s)
{
	s->loading = false;
	end_load_txn(s);
	if (!s->skip_sweep && sweep(s) < 0)
		lqd_log(LQD_LOG_ERROR, "%s: could not remove stale bindings", s->cfg->path);
	s->skip_sweep = false;
	lqd_keyset_free(&s->seen);
	lqd_log(LQD_LOG_INFO, "%s: loaded, %llu lines, %llu changes, %llu bad lines; following",
		s->cfg->path, (unsigned long long)s->lines, (unsigned long long)s->changes,
		(unsigned long long)s->bad_lines);
}

int lqd_source_poll(struct lqd_source *s)
{
	s->reading = s->cfg->path;
	int rc = lq_follow_read(&s->follow, on_line, on_warn, s);
	if (rc != 0)
		lqd_log(LQD_LOG_ERROR, "%s: %s", s->cfg->path, rc < 0 ? strerror(errno) : "store failure");
	if (rc != 0 || flush_batch(s) < 0) {
		end_load_txn(s);        /* never keep the writer lock past this call */
		return -1;
	}
	if (s->loading)
		finish_load(s);
	return 0;
}

static void on_readable(evutil_socket_t fd, short what, void *ctx)
{
	(void)fd;
	(void)what;
	lqd_source_poll(ctx);
}

/* Kea reads its rotated files before the current one: the LFC result
 * (.completed, else .2), then the file it moved aside for LFC (.1). */
static void load_kea_rotated(struct lqd_source *s)
{
	static const char *const suffixes[][2] = {{".completed", ".2"}, {".1", NULL}};
	char path[4096];

	for (size_t i = 0; i < 2; i++) {
		FILE *f = NULL;
		for (size_t j = 0; j < 2 && suffixes[i][j] != NULL && f == NULL; j++) {
			snprintf(path, sizeof(path), "%s%s", s->cfg->path, suffixes[i][j]);
			f = fopen(path, "r");
		}
		if (f == NULL)
			continue;
		char *line = NULL;
		size_t cap = 0;
		ssize_t n;
		uint64_t line_no = 0;
		s->reading = path;
		lq_kea_csv_init(s->kea);
		while ((n = getline(&line, &cap, f)) > 0) {
			size_t len = (size_t)n;
			while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
				len--;
			kea_line(s, line, len, ++line_no);
			if (s->batch.n >= BATCH_MAX)
				batch_done(s);
		}
		free(line);
		fclose(f);
		batch_done(s);
		lqd_log(LQD_LOG_INFO, "%s: read %llu lines of the rotated file", path, (unsigned long long)line_no);
	}
	lq_kea_csv_init(s->kea);
}

/* ---- a Kea load in two threads ---- */

static void *load_reader(void *arg)
{
	struct lqd_source *s = arg;
	struct load_pipe *p = s->pipe;

	load_kea_rotated(s);
	s->reading = s->cfg->path;
	int rc = lq_follow_read(&s->follow, on_line, on_warn, s);
	if (rc == 0)
		rc = hand_over(s);      /* the last, partial batch */
	pthread_mutex_lock(&p->lock);
	p->done = true;
	p->read_rc = rc;
	p->read_errno = errno;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* Store the batches the reader hands over until it is done. */
static void store_handed_over(struct lqd_source *s)
{
	struct load_pipe *p = s->pipe;
	struct lq_change_batch work;
	uint8_t rec[POS_RECORD_LEN];
	struct lq_store_source_pos pos = {s->name, {rec, sizeof(rec)}};

	lq_change_batch_init(&work);
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->full && !p->done)
			pthread_cond_wait(&p->cond, &p->lock);
		if (!p->full)
			break;
		struct lq_change_batch taken = p->ready;
		p->ready = work;
		work = taken;
		bool has_pos = p->ready_has_pos;
		memcpy(rec, p->ready_pos, sizeof(rec));
		p->full = false;
		pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->lock);

		int rc = lq_store_apply(s->d->store, work.items, work.n, (int64_t)time(NULL), has_pos ? &pos : NULL);
		if (rc < 0)
			lqd_log(LQD_LOG_ERROR, "%s: cannot store %zu changes: %s", s->cfg->path, work.n,
				lq_store_strerror(rc));
		s->changes += rc < 0 ? 0 : work.n;
		s->batches++;
		lq_change_batch_clear(&work);

		if (rc == 0 && !s->in_load_txn)
			lqd_tcp_notify(s->d->tcp);
		pthread_mutex_lock(&p->lock);
		p->failed |= rc < 0;
		pthread_cond_broadcast(&p->cond);
	}
	pthread_mutex_unlock(&p->lock);
	lq_change_batch_free(&work);
}

/* Load the Kea file (rotated files first) with a reader thread; returns
 * the reader's result, or 1 when no thread could be started (the caller
 * then loads in this thread). */
static int load_in_two_threads(struct lqd_source *s)
{
	struct load_pipe p = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};
	pthread_t reader;

	lq_change_batch_init(&p.ready);
	s->pipe = &p;
	if (pthread_create(&reader, NULL, load_reader, s) != 0) {
		s->pipe = NULL;
		return 1;
	}
	store_handed_over(s);
	pthread_join(reader, NULL);
	s->pipe = NULL;
	lq_change_batch_free(&p.ready);
	pthread_cond_destroy(&p.cond);
	pthread_mutex_destroy(&p.lock);
	if (p.read_rc != 0)
		lqd_log(LQD_LOG_ERROR, "%s: %s", s->cfg->path, p.read_rc < 0 ? strerror(p.read_errno) : "store failure");
	return p.read_rc != 0 || p.failed ? -1 : 0;
}

/* A full load of the source: for Kea in two threads, then (or otherwise)
 * through lqd_source_poll, which also ends the load. */
static void load_whole(struct lqd_source *s)
{
	if (s->kea != NULL && load_in_two_threads(s) == 1)
		load_kea_rotated(s);
	lqd_source_poll(s);
}

/* Resuming a Kea file in its middle: read its header first. */
static void kea_read_header(struct lqd_source *s)
{
	char buf[8192];
	ssize_t n = pread(s->follow.fd, buf, sizeof(buf), 0);
	char *nl = n > 0 ? memchr(buf, '\n', (size_t)n) : NULL;

	if (nl != NULL)
		kea_line(s, buf, (size_t)(nl - buf), 1);
}

static int source_open_parser(struct lqd_source *s)
{
	if (s->cfg->type == LQ_CONFIG_SOURCE_KEA_CSV) {
		s->kea = malloc(sizeof(*s->kea));
		if (s->kea == NULL)
			return -1;
		lq_kea_csv_init(s->kea);
		s->family = s->cfg->family;    /* else the file's header or first lease tells */
		return 0;
	}
	s->dhcpd = malloc(sizeof(*s->dhcpd));
	if (s->dhcpd == NULL)
		return -1;
	s->family = s->cfg->family;
	if (s->family == 0)
		s->family = family_from_file_name(s->cfg->path);
	return lq_dhcpd_leases_init(s->dhcpd, s->family) == LQ_OK ? 0 : -1;
}

struct lqd_source *lqd_source_start(struct lqd *d, const struct lq_config_source *src)
{
	struct lqd_source *s = calloc(1, sizeof(*s));
	struct lq_follow_pos saved = {0};
	bool big_endian = false, resumed = false;

	if (s == NULL)
		return NULL;
	s->d = d;
	s->cfg = src;
	snprintf(s->name, sizeof(s->name), "%s:%s", lq_config_source_type_name(src->type), src->path);
	lq_change_batch_init(&s->batch);
	lqd_keyset_init(&s->seen);
	if (source_open_parser(s) < 0)
		goto fail;
	bool have_saved = load_saved_pos(s, &saved, &big_endian);
	if (lq_follow_open(&s->follow, src->path, have_saved ? &saved : NULL, &resumed) < 0) {
		lqd_log(LQD_LOG_ERROR, "%s: cannot follow: %s", src->path, strerror(errno));
		goto fail;
	}
	if (resumed) {
		lqd_log(LQD_LOG_INFO, "%s: resuming at line %llu (offset %llu)", src->path,
			(unsigned long long)saved.line, (unsigned long long)saved.offset);
		if (s->kea != NULL)
			kea_read_header(s);
		else {
			s->dhcpd->line = (unsigned long)saved.line;
			s->dhcpd->big_endian = big_endian;
		}
	} else {
		lqd_log(LQD_LOG_INFO, "%s: %s, loading it whole", src->path,
			have_saved ? "replaced since the last run" : "first run");
		begin_load(s);
	}
	s->ev = event_new(d->base, lq_follow_fd(&s->follow), EV_READ | EV_PERSIST, on_readable, s);
	if (s->ev == NULL || event_add(s->ev, NULL) < 0)
		goto fail;
	if (s->loading)
		load_whole(s);
	else
		lqd_source_poll(s);
	return s;
fail:
	lqd_source_stop(s);
	return NULL;
}

void lqd_source_stop(struct lqd_source *s)
{
	if (s == NULL)
		return;
	if (s->in_load_txn)
		lq_store_load_end(s->d->store, false);
	if (s->ev != NULL)
		event_free(s->ev);
	lq_follow_close(&s->follow);
	lq_change_batch_free(&s->batch);
	lqd_keyset_free(&s->seen);
	free(s->kea);
	free(s->dhcpd);
	free(s);
}

void lqd_source_status(const struct lqd_source *s, struct lqd_source_status *out)
{
	*out = (struct lqd_source_status){
		.path = s->cfg->path,
		.type = lq_config_source_type_name(s->cfg->type),
		.family = s->family,
		.lines = s->lines,
		.changes = s->changes,
		.bad_lines = s->bad_lines,
		.rotations = s->follow.rotations,
		.batches = s->batches,
		.offset = s->follow.pos.offset,
		.loading = s->loading,
	};
}
