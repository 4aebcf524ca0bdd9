/* tcp_active.c - active leasequery on lqd's TCP service (RFC 7724 for
 * DHCPv4, RFC 7653 for DHCPv6): a connection whose first query is a
 * DHCPACTIVELEASEQUERY / ACTIVELEASEQUERY keeps it open, and every binding
 * change the store learns, from any source, goes to it as soon as it is
 * committed.
 *
 * How a change travels: the thread that wrote the store calls
 * lqd_tcp_notify (an eventfd write); the TCP thread wakes, marks its shared
 * "live" snapshot stale and lets every active connection write what the
 * engine (lib/active) finds in the change history after that connection's
 * position, while the connection has room (the same 256 KiB bound as bulk).
 * A requestor that reads slowly falls behind in the history, not into
 * lqd's memory; one that reads nothing for ACTIVE_LQ_SEND_TIMEOUT is
 * dropped and gets what it missed through catch-up when it reconnects.
 *
 * Keepalives: a connection that has sent nothing for ACTIVE_LQ_IDLE_TIMEOUT
 * gets the engine's keepalive message (checked once a second).
 *
 * Limits: active.max-connections active queries in all, and
 * active.max-connections-per-requestor from one address; over either the
 * query is ended at once with QueryTerminated saying which limit. */
#include <errno.h>
#include <event2/buffer.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "tcp_internal.h"

struct tcp_active {
	struct lq_active_query *q;
	struct lq_store_reader *start;  /* the snapshot the query began with (catch-up) */
	uint32_t xid;
	enum lq_query_kind kind;
	struct timespec started;
	time_t last_sent;               /* monotonic seconds */
	bool caught_up_logged;
};

static time_t mono_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* The shared snapshot active queries read, fresh after a store change. */
static struct lq_store_reader *live_reader(struct lqd_tcp *tcp)
{
	if (tcp->live_stale) {
		lq_store_read_reset(tcp->live);
		if (lq_store_read_renew(tcp->live) < 0)
			return NULL;
		tcp->live_stale = false;
	}
	return tcp->live;
}

static void queue_and_stamp(struct tcp_conn *c, size_t len)
{
	tcp_queue_message(c, len);
	c->active->last_sent = mono_seconds();
}

void tcp_active_start(struct tcp_conn *c, const uint8_t *msg, size_t len)
{
	struct lqd_tcp *tcp = c->tcp;
	const struct lq_config *cfg = &tcp->d->config;
	struct lq_query_env env = {.config = cfg, .now = (int64_t)time(NULL)};
	struct lq_store_reader *start = NULL;
	struct lq_active_query *q = NULL;
	struct lq_bulk_opened opened = {0};
	int rc = lq_store_read_begin(tcp->d->store, &start);

	if (rc == 0)
		rc = lq_active_open(&env, start, c->family, msg, len, &c->peer, &q, &opened);
	if (rc < 0 || opened.action != LQ_BULK_RUN) {
		lq_store_read_end(start);
		if (rc < 0) {
			lqd_log(LQD_LOG_ERROR, "tcp: %s: cannot start an active query: %s", c->who,
				lq_store_strerror(rc));
			tcp_conn_close_gracefully(c);
		} else if (opened.refused) {
			atomic_fetch_add(&tcp->refused, 1);
			if (tcp_reject_log_allowed(tcp))
				lqd_log(LQD_LOG_WARNING, "tcp: %s: refused a DHCPv%d active query (dropped)",
					c->who, c->family);
			tcp_conn_close_gracefully(c);
		} else {
			tcp_conn_protocol_error(c, opened.reason != NULL ? opened.reason : "not an active leasequery");
		}
		return;
	}
	c->active = calloc(1, sizeof(*c->active));
	if (c->active == NULL) {
		lq_active_close(q);
		lq_store_read_end(start);
		tcp_conn_close_gracefully(c);
		return;
	}
	*c->active = (struct tcp_active){.q = q, .start = start, .xid = opened.xid, .kind = opened.kind,
					 .last_sent = mono_seconds()};
	clock_gettime(CLOCK_MONOTONIC, &c->active->started);
	tcp->n_active++;
	atomic_fetch_add(&tcp->queries, 1);
	atomic_fetch_add(&tcp->active_queries, 1);
	if (opened.refused) {
		atomic_fetch_add(&tcp->refused, 1);
		if (tcp_reject_log_allowed(tcp))
			lqd_log(LQD_LOG_WARNING, "tcp: %s: refused a DHCPv%d active query (answered NotAllowed)",
				c->who, c->family);
	} else if (tcp->n_active > cfg->active.max_connections ||
		   tcp_conns_from(tcp, &c->peer, true) > cfg->active.max_connections_per_requestor) {
		bool total = tcp->n_active > cfg->active.max_connections;
		if (tcp_reject_log_allowed(tcp))
			lqd_log(LQD_LOG_WARNING, "tcp: %s: active query refused: %s reached", c->who,
				total ? "active.max-connections" : "active.max-connections-per-requestor");
		tcp_active_terminate(c, total ? "too many active queries (active.max-connections)"
					      : "too many active queries from this requestor");
		tcp_conn_close_gracefully(c);
		return;
	} else {
		lqd_log(LQD_LOG_INFO, "tcp: %s: DHCPv%d active query xid 0x%x%s", c->who, c->family, opened.xid,
			lq_active_catching_up(q) ? ", catching up" : "");
	}
	tcp_conn_set_timeouts(c);
}

/* Catch-up reads the snapshot the query began with; after it, the shared
 * live snapshot (and the query's own is released: an old snapshot kept for
 * a query that runs for days would keep the store from reusing pages). */
static struct lq_store_reader *query_reader(struct tcp_conn *c)
{
	struct tcp_active *a = c->active;

	if (lq_active_catching_up(a->q))
		return a->start;
	if (a->start != NULL) {
		lq_store_read_end(a->start);
		a->start = NULL;
	}
	return live_reader(c->tcp);
}

/* Calls that found nothing for this query before it lets others run. */
#define AGAIN_PER_FILL 16

void tcp_active_fill(struct tcp_conn *c)
{
	struct tcp_active *a = c->active;
	int64_t now = (int64_t)time(NULL);
	unsigned again = 0;

	while (!lq_active_finished(a->q) && tcp_conn_unsent(c) < TCP_OUT_HIGH) {
		struct lq_store_reader *reader = query_reader(c);
		size_t len = 0;
		int rc = reader == NULL ? LQ_STORE_ERR_IO
					: lq_active_next(a->q, reader, now, c->tcp->scratch + 2, LQ_BULK_MSG_MAX, &len);
		if (rc == 1) {
			queue_and_stamp(c, len);
			continue;
		}
		if (rc == LQ_ACTIVE_AGAIN) {
			if (++again < AGAIN_PER_FILL)
				continue;
			/* more history to skip: come back after the other connections */
			event_active(c->tcp->notify_ev, EV_READ, 0);
			break;
		}
		if (rc < 0) {
			lqd_log(LQD_LOG_ERROR, "tcp: %s: active query xid 0x%x aborted: store: %s", c->who, a->xid,
				lq_store_strerror(rc));
			tcp_active_terminate(c, "the server could not read its lease store");
			tcp_conn_close_gracefully(c);
		}
		break;
	}
	if (!a->caught_up_logged && !lq_active_catching_up(a->q)) {
		struct lq_bulk_progress p;
		lq_active_progress(a->q, &p);
		a->caught_up_logged = true;
		lqd_log(LQD_LOG_DEBUG, "tcp: %s: active query xid 0x%x caught up (%llu messages)", c->who, a->xid,
			(unsigned long long)p.messages);
	}
	if (lq_active_finished(a->q) && !c->closing)
		tcp_conn_close_gracefully(c);   /* an error reply, or terminated: RFC 7653 9.3 */
}

void tcp_active_terminate(struct tcp_conn *c, const char *why)
{
	size_t len = 0;

	if (lq_active_terminate(c->active->q, (int64_t)time(NULL), why, c->tcp->scratch + 2, LQ_BULK_MSG_MAX,
				&len) == 1) {
		queue_and_stamp(c, len);
		atomic_fetch_add(&c->tcp->terminated, 1);
	}
}

void tcp_active_free(struct tcp_conn *c)
{
	struct tcp_active *a = c->active;
	struct lq_bulk_progress p;

	lq_active_progress(a->q, &p);
	atomic_fetch_add(&c->tcp->bindings, p.bindings);
	lqd_log(LQD_LOG_INFO, "tcp: %s: DHCPv%d active query xid 0x%x ended: %llu bindings in %llu messages, %.0f s",
		c->who, c->family, a->xid, (unsigned long long)p.bindings, (unsigned long long)p.messages,
		(double)(mono_seconds() - a->started.tv_sec));
	lq_active_close(a->q);
	lq_store_read_end(a->start);
	free(a);
	c->active = NULL;
	c->tcp->n_active--;
}

/* ---- change notifications and keepalives ---- */

static void on_notify(evutil_socket_t fd, short what, void *ctx)
{
	struct lqd_tcp *tcp = ctx;
	uint64_t count;
	struct tcp_conn *next;

	(void)what;
	if (read(fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		lqd_log(LQD_LOG_WARNING, "tcp: change notification: %s", strerror(errno));
	tcp->live_stale = true;
	for (struct tcp_conn *c = tcp->conns; c != NULL; c = next) {
		next = c->next;
		if (c->active != NULL && !c->closing)
			tcp_conn_service(c);
	}
}

static void on_keepalive_tick(evutil_socket_t fd, short what, void *ctx)
{
	struct lqd_tcp *tcp = ctx;
	time_t now = mono_seconds();
	unsigned idle = tcp->d->config.active.idle_timeout;

	(void)fd;
	(void)what;
	for (struct tcp_conn *c = tcp->conns; c != NULL; c = c->next) {
		size_t len = 0;
		if (c->active == NULL || c->closing || lq_active_finished(c->active->q) ||
		    now - c->active->last_sent < (time_t)idle ||
		    tcp_conn_unsent(c) > 0)
			continue;
		if (lq_active_keepalive(c->active->q, (int64_t)time(NULL), c->tcp->scratch + 2, LQ_BULK_MSG_MAX,
					&len) == 1)
			queue_and_stamp(c, len);
	}
}

int tcp_active_setup(struct lqd_tcp *tcp)
{
	struct timeval second = {1, 0};

	tcp->notify_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (tcp->notify_fd < 0 || lq_store_read_begin(tcp->d->store, &tcp->live) < 0)
		return -1;
	lq_store_read_reset(tcp->live);
	tcp->live_stale = true;
	tcp->notify_ev = event_new(tcp->base, tcp->notify_fd, EV_READ | EV_PERSIST, on_notify, tcp);
	tcp->keepalive_ev = event_new(tcp->base, -1, EV_PERSIST, on_keepalive_tick, tcp);
	if (tcp->notify_ev == NULL || tcp->keepalive_ev == NULL || event_add(tcp->notify_ev, NULL) < 0 ||
	    event_add(tcp->keepalive_ev, &second) < 0)
		return -1;
	return 0;
}

void tcp_active_teardown(struct lqd_tcp *tcp)
{
	if (tcp->notify_ev != NULL)
		event_free(tcp->notify_ev);
	if (tcp->keepalive_ev != NULL)
		event_free(tcp->keepalive_ev);
	if (tcp->live != NULL)
		lq_store_read_end(tcp->live);
	if (tcp->notify_fd >= 0)
		close(tcp->notify_fd);
	tcp->notify_ev = tcp->keepalive_ev = NULL;
	tcp->live = NULL;
	tcp->notify_fd = -1;
}

void lqd_tcp_notify(struct lqd_tcp *tcp)
{
	uint64_t one = 1;

	if (tcp == NULL || tcp->notify_fd < 0)
		return;
	if (write(tcp->notify_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		lqd_log(LQD_LOG_WARNING, "tcp: cannot notify the TCP thread: %s", strerror(errno));
}
