/* tcp.c - lqd's TCP service for bulk leasequery (RFC 6926 on port 67,
 * RFC 5460 on port 547): one thread with its own event loop accepts the
 * connections of every TCP listen address, reads 2-octet-framed queries,
 * runs them through the bulk engine (lib/bulk) and streams their replies.
 *
 * Connections: at most bulk.max-connections at once (BULK_LQ_MAX_CONNS) and
 * bulk.max-connections-per-requestor from one address; a connection from a
 * requestor that may not query, or over a limit, is closed at once (RFC 6926
 * 8.1). A connection runs up to bulk.max-queries-per-connection queries at
 * once, their replies interleaved message by message; while that many run,
 * lqd stops reading it (RFC 6926 8.2: read no more queries than it will
 * process), so further queries wait in the socket.
 *
 * Backpressure: replies are produced only while less than TCP_OUT_HIGH
 * octets wait to be sent on the connection, and again once the requestor has
 * read it down to TCP_OUT_LOW: a slow reader costs lqd at most that much
 * memory, never the whole answer. Each query reads its own store snapshot,
 * so bindings changing underneath are sent at most once, as they were.
 *
 * Timers (bulk.data-timeout, BULK_LQ_DATA_TIMEOUT): a requestor that reads
 * nothing while replies wait, or sends nothing (half a query, or no new
 * query after its last DONE has left: lqd's buffer and the kernel's send
 * queue both drained) for that long is disconnected.
 *
 * Closing: gracefully (what is queued is sent, then FIN, and lqd reads until
 * the requestor closes too, for at most TCP_LINGER_S) after a protocol
 * error or an aborted query; at once when the requestor closes or a timer
 * expires. On shutdown every running query gets its QueryTerminated message
 * (DHCPLEASEQUERYDONE / LEASEQUERY-DONE) and lqd waits up to
 * TCP_STOP_GRACE_MS for them to leave.
 *
 * This file knows sockets and framing, not option layouts. */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lq/dhcp4.h"
#include "lq/dhcp6.h"
#include "lq/framing.h"
#include "tcp_internal.h"


static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* At most LOG_REJECTS_PER_SECOND warnings a second about refused
 * connections and queries: a flood must not flood the log too. */
bool tcp_reject_log_allowed(struct lqd_tcp *tcp)
{
	time_t now = time(NULL);

	if (now != tcp->log_second) {
		if (tcp->log_count > LOG_REJECTS_PER_SECOND)
			lqd_log(LQD_LOG_WARNING, "tcp: %u more refusals not logged",
				tcp->log_count - LOG_REJECTS_PER_SECOND);
		tcp->log_second = now;
		tcp->log_count = 0;
	}
	return ++tcp->log_count <= LOG_REJECTS_PER_SECOND;
}

/* ---- connections ---- */

static void query_free(struct tcp_query *tq)
{
	lq_bulk_close(tq->q);
	lq_store_read_end(tq->reader);
	memset(tq, 0, sizeof(*tq));
}

void tcp_conn_free(struct tcp_conn *c)
{
	struct lqd_tcp *tcp = c->tcp;

	for (unsigned i = 0; i < c->n_queries; i++)
		query_free(&c->queries[i]);
	if (c->active != NULL)
		tcp_active_free(c);
	if (c->drain_ev != NULL)
		event_free(c->drain_ev);
	if (c->tls_wait_ev != NULL)
		event_free(c->tls_wait_ev);
	if (c->bev != NULL)
		bufferevent_free(c->bev);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		tcp->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	free(c->queries);
	free(c);
	atomic_fetch_sub(&tcp->open, 1);
	if (tcp->stopping && tcp->conns == NULL)
		event_base_loopbreak(tcp->base);
}

/* Close gracefully: stop reading queries, send what is queued; tcp_conn_service
 * then sends FIN once the output is empty and lingers for the requestor's. */
void tcp_conn_close_gracefully(struct tcp_conn *c)
{
	c->closing = true;
}

#define DRAIN_TICK_MS 50

/* TLS: the records of the last replies wait in the socket layer below the
 * TLS layer; free the connection once they have left (or after
 * TCP_LINGER_S). */
static void on_drain_tick(evutil_socket_t fd, short what, void *ctx)
{
	struct tcp_conn *c = ctx;
	struct bufferevent *under = bufferevent_get_underlying(c->bev);
	struct timeval tick = {0, DRAIN_TICK_MS * 1000L};

	(void)fd;
	(void)what;
	if (under == NULL || evbuffer_get_length(bufferevent_get_output(under)) == 0 ||
	    ++c->drain_ticks > TCP_LINGER_S * 1000 / DRAIN_TICK_MS) {
		tcp_conn_free(c);
		return;
	}
	evtimer_add(c->drain_ev, &tick);
}

/* Send FIN and wait (a bounded time) for the requestor to close, discarding
 * what it still sends: closing with unread input would reset the connection
 * and could destroy the last replies in flight. TLS: wait until the records
 * have left, then free. */
static void conn_linger(struct tcp_conn *c)
{
	c->lingering = true;
	if (c->tls) {
		struct timeval tick = {0, DRAIN_TICK_MS * 1000L};
		/* never freed here: the caller still holds c */
		c->drain_ev = evtimer_new(c->tcp->base, on_drain_tick, c);
		if (c->drain_ev != NULL)
			evtimer_add(c->drain_ev, &tick);
		bufferevent_disable(c->bev, EV_READ);
		return;
	}
	shutdown(bufferevent_getfd(c->bev), SHUT_WR);
	bufferevent_set_timeouts(c->bev, &c->tcp->linger, NULL);
	bufferevent_setwatermark(c->bev, EV_READ, 0, 0);
	bufferevent_enable(c->bev, EV_READ);
}

/* The read timeout applies only while no query runs and every reply has
 * left: a requestor waiting for, or still reading, a long answer sends
 * nothing, rightly (RFC 6926 8.5: the idle timer starts once the
 * DHCPLEASEQUERYDONE is sent, not queued). Changes only when it must:
 * setting it restarts the timer. */
void tcp_conn_set_timeouts(struct tcp_conn *c)
{
	const struct timeval *tv = &c->tcp->data_timeout;
	bool idle = c->n_queries == 0 && tcp_conn_unsent(c) == 0;
	struct bufferevent *under = c->tls ? bufferevent_get_underlying(c->bev) : NULL;

	if (c->active != NULL) {
		/* an active requestor sends nothing more; a blocked writer is
		 * dropped after ACTIVE_LQ_SEND_TIMEOUT (RFC 7724 8.4) */
		bufferevent_set_timeouts(c->bev, NULL, &c->tcp->send_timeout);
		if (under != NULL)
			bufferevent_set_timeouts(under, NULL, &c->tcp->send_timeout);
		c->timeouts_set = false;
		return;
	}
	/* TLS: the records wait below the TLS layer; a requestor that stops
	 * reading blocks the socket there */
	if (under != NULL)
		bufferevent_set_timeouts(under, NULL, tv);
	if (c->idle_timer_armed == idle && c->timeouts_set)
		return;
	c->idle_timer_armed = idle;
	c->timeouts_set = true;
	c->last_unsent = INT_MAX;
	bufferevent_set_timeouts(c->bev, idle ? tv : NULL, tv);
}

static void query_finished(struct tcp_conn *c, unsigned i)
{
	struct tcp_query *tq = &c->queries[i];
	struct lq_bulk_progress p;

	lq_bulk_progress(tq->q, &p);
	atomic_fetch_add(&c->tcp->bindings, p.bindings);
	lqd_log(LQD_LOG_INFO, "tcp: %s: DHCPv%d %s query xid 0x%x: %llu bindings in %llu messages, %s, %.3f s",
		c->who, c->family, lq_query_kind_name(tq->kind), tq->xid, (unsigned long long)p.bindings,
		(unsigned long long)p.messages,
		c->family == 4 ? lq4_status_name((uint8_t)p.status) : lq6_status_name(p.status),
		seconds_since(&tq->started));
	query_free(tq);
	c->n_queries--;
	if (i != c->n_queries) {
		c->queries[i] = c->queries[c->n_queries];
		memset(&c->queries[c->n_queries], 0, sizeof(c->queries[0]));
	}
}

size_t tcp_conn_unsent(const struct tcp_conn *c)
{
	size_t n = evbuffer_get_length(bufferevent_get_output(c->bev));
	struct bufferevent *under = c->tls ? bufferevent_get_underlying(c->bev) : NULL;

	return under != NULL ? n + evbuffer_get_length(bufferevent_get_output(under)) : n;
}

#define TLS_WAIT_TICK_MS 20

/* TLS: the TLS layer hands every record to the socket layer below at once,
 * so its own write callback says nothing about the requestor reading; watch
 * the layer below until it has room again. */
static void on_tls_wait_tick(evutil_socket_t fd, short what, void *ctx)
{
	struct tcp_conn *c = ctx;
	struct timeval tick = {0, TLS_WAIT_TICK_MS * 1000L};

	(void)fd;
	(void)what;
	if (tcp_conn_unsent(c) <= TCP_OUT_LOW)
		tcp_conn_service(c);
	else
		evtimer_add(c->tls_wait_ev, &tick);
}

static void tls_wait_for_room(struct tcp_conn *c)
{
	struct timeval tick = {0, TLS_WAIT_TICK_MS * 1000L};

	if (c->tls_wait_ev == NULL)
		c->tls_wait_ev = evtimer_new(c->tcp->base, on_tls_wait_tick, c);
	if (c->tls_wait_ev != NULL && !evtimer_pending(c->tls_wait_ev, NULL))
		evtimer_add(c->tls_wait_ev, &tick);
}

void tcp_queue_message(struct tcp_conn *c, size_t len)
{
	uint8_t *frame = c->tcp->scratch;

	(void)lq_frame_header(len, frame);
	evbuffer_add(bufferevent_get_output(c->bev), frame, 2 + len);
	atomic_fetch_add(&c->tcp->messages, 1);
}

/* End query i early with its QueryTerminated message. */
static void query_terminate(struct tcp_conn *c, unsigned i, const char *why)
{
	size_t len = 0;

	if (lq_bulk_terminate(c->queries[i].q, (int64_t)time(NULL), why, c->tcp->scratch + 2,
			      LQ_BULK_MSG_MAX, &len) == 1)
		tcp_queue_message(c, len);
	atomic_fetch_add(&c->tcp->terminated, 1);
	query_finished(c, i);
}

/* Produce replies, round robin over the running queries, while the output
 * has room. */
static void conn_fill(struct tcp_conn *c)
{
	int64_t now = (int64_t)time(NULL);

	if (c->active != NULL) {
		tcp_active_fill(c);
		return;
	}
	while (c->n_queries > 0 && tcp_conn_unsent(c) < TCP_OUT_HIGH) {
		unsigned i = c->next_turn % c->n_queries;
		size_t len = 0;
		int rc = lq_bulk_next(c->queries[i].q, now, c->tcp->scratch + 2, LQ_BULK_MSG_MAX, &len);

		if (rc == 1) {
			tcp_queue_message(c, len);
			c->next_turn = i + 1;
		} else if (rc == 0) {
			query_finished(c, i);
		} else {
			lqd_log(LQD_LOG_ERROR, "tcp: %s: query xid 0x%x aborted: store: %s", c->who,
				c->queries[i].xid, lq_store_strerror(rc));
			query_terminate(c, i, "the server could not read its lease store");
			/* RFC 6926 8.3: close after aborting a query */
			tcp_conn_close_gracefully(c);
		}
	}
}

/* A protocol violation: say why in the log and close. */
void tcp_conn_protocol_error(struct tcp_conn *c, const char *reason)
{
	atomic_fetch_add(&c->tcp->protocol_errors, 1);
	lqd_log(LQD_LOG_WARNING, "tcp: %s: %s: closing the connection", c->who, reason);
	for (unsigned i = c->n_queries; i-- > 0;)
		query_terminate(c, i, reason);
	if (c->active != NULL)
		tcp_active_terminate(c, reason);
	tcp_conn_close_gracefully(c);
}

static bool xid_running(const struct tcp_conn *c, uint32_t xid)
{
	for (unsigned i = 0; i < c->n_queries; i++)
		if (c->queries[i].xid == xid)
			return true;
	return false;
}

/* Start the query in one received frame. */
/* A message that is not a bulk query: an active query or a TLS request. */
static void start_other(struct tcp_conn *c, const uint8_t *msg, size_t len, uint8_t msg_type)
{
	bool tls = msg_type == (c->family == 4 ? LQ4_TLS : LQ6_STARTTLS);

	if (tls) {
		if (c->spoke || c->tls)
			tcp_conn_protocol_error(c, c->family == 4 ? "DHCPTLS after the first message (RFC 7724 6.1)"
							      : "STARTTLS after the first message (RFC 7653 8.2)");
		else
			tcp_tls_start(c, msg, len);
		return;
	}
	if (c->n_queries > 0)
		tcp_conn_protocol_error(c, "an active query on a connection with bulk queries running "
					   "(RFC 7653 8.3: use another connection)");
	else
		tcp_active_start(c, msg, len);
}

/* Start the query in one received frame. */
static void start_query(struct tcp_conn *c, const uint8_t *msg, size_t len)
{
	struct lqd_tcp *tcp = c->tcp;
	struct lq_query_env env = {.config = &tcp->d->config, .now = (int64_t)time(NULL)};
	struct lq_store_reader *reader = NULL;
	struct lq_bulk_query *q = NULL;
	struct lq_bulk_opened opened = {0};
	int rc;

	if (c->active != NULL) {
		tcp_conn_protocol_error(c, "a message after the active query (RFC 7653 8.3: use another connection)");
		return;
	}
	rc = lq_store_read_begin(tcp->d->store, &reader);
	if (rc == 0)
		rc = lq_bulk_open(&env, reader, c->family, msg, len, &c->peer, &q, &opened);
	if (rc < 0) {
		lq_store_read_end(reader);
		lqd_log(LQD_LOG_ERROR, "tcp: %s: cannot start a query: %s", c->who, lq_store_strerror(rc));
		tcp_conn_close_gracefully(c);
		return;
	}
	bool tls_request = opened.action == LQ_BULK_NOT_BULK &&
			   opened.msg_type == (c->family == 4 ? LQ4_TLS : LQ6_STARTTLS);
	if (tcp_tls_required(c) && !tls_request) {
		/* tls.mode required: a plain-text query is not answered (RFC 7653 9.1) */
		if (opened.action == LQ_BULK_RUN)
			lq_bulk_close(q);
		lq_store_read_end(reader);
		atomic_fetch_add(&tcp->refused, 1);
		if (tcp_reject_log_allowed(tcp))
			lqd_log(LQD_LOG_WARNING, "tcp: %s: a query without TLS, and tls.mode is required: closing",
				c->who);
		tcp_conn_close_gracefully(c);
		return;
	}
	if (opened.action == LQ_BULK_NOT_BULK) {
		lq_store_read_end(reader);
		start_other(c, msg, len, opened.msg_type);
		c->spoke = true;
		return;
	}
	c->spoke = true;
	if (opened.action != LQ_BULK_RUN) {
		lq_store_read_end(reader);
		if (opened.refused) {
			atomic_fetch_add(&tcp->refused, 1);
			if (tcp_reject_log_allowed(tcp))
				lqd_log(LQD_LOG_WARNING, "tcp: %s: refused a DHCPv%d %s query (dropped)",
					c->who, c->family, lq_query_kind_name(opened.kind));
			tcp_conn_close_gracefully(c);
		} else {
			tcp_conn_protocol_error(c, opened.reason != NULL ? opened.reason : "not a bulk leasequery");
		}
		return;
	}
	if (xid_running(c, opened.xid)) {
		lq_bulk_close(q);
		lq_store_read_end(reader);
		tcp_conn_protocol_error(c, "a query reuses the xid of a running query (RFC 6926 7.2)");
		return;
	}
	atomic_fetch_add(&tcp->queries, 1);
	if (opened.refused) {
		atomic_fetch_add(&tcp->refused, 1);
		if (tcp_reject_log_allowed(tcp))
			lqd_log(LQD_LOG_WARNING, "tcp: %s: refused a DHCPv%d %s query (answered NotAllowed)",
				c->who, c->family, lq_query_kind_name(opened.kind));
	}
	lqd_log(LQD_LOG_DEBUG, "tcp: %s: DHCPv%d %s query xid 0x%x", c->who, c->family,
		lq_query_kind_name(opened.kind), opened.xid);
	struct tcp_query *tq = &c->queries[c->n_queries++];
	*tq = (struct tcp_query){.q = q, .reader = reader, .xid = opened.xid, .kind = opened.kind};
	clock_gettime(CLOCK_MONOTONIC, &tq->started);
	tcp_conn_set_timeouts(c);
}

/* Take whole queries from the input while the connection may run more.
 * Returns how many were taken. */
static unsigned take_queries(struct tcp_conn *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	unsigned max = c->tcp->d->config.bulk.max_queries_per_connection;
	unsigned taken = 0;

	while (!c->closing && c->n_queries < max) {
		uint8_t hdr[2];
		bool was_tls = c->tls;
		size_t have = evbuffer_get_length(in);

		if (have < 2)
			break;
		evbuffer_copyout(in, hdr, 2);
		size_t need = (size_t)hdr[0] << 8 | hdr[1];
		if (need == 0) {
			tcp_conn_protocol_error(c, "empty frame (a message cannot be 0 octets)");
			break;
		}
		if (have < 2 + need)
			break;
		/* take the frame out before starting it: a TLS upgrade reads what
		 * follows it from this buffer */
		evbuffer_drain(in, 2);
		evbuffer_remove(in, c->tcp->frame, need);
		start_query(c, c->tcp->frame, need);
		taken++;
		if (c->tls != was_tls)
			break;          /* the TLS layer reads from now on */
	}
	return taken;
}

/* Read queries, produce replies and decide what to wait for next. Never
 * frees the connection (only event callbacks and timers do). */
void tcp_conn_service(struct tcp_conn *c)
{
	unsigned max = c->tcp->d->config.bulk.max_queries_per_connection;

	if (c->lingering)
		return;
	for (;;) {
		unsigned running = c->n_queries;
		take_queries(c);
		conn_fill(c);
		/* queries that finished make room for waiting ones */
		if (c->closing || c->n_queries >= running || c->n_queries >= max ||
		    evbuffer_get_length(bufferevent_get_input(c->bev)) < 2)
			break;
	}
	if (c->closing) {
		bufferevent_disable(c->bev, EV_READ);
		if (tcp_conn_unsent(c) == 0)
			conn_linger(c);
		return;
	}
	if (c->tls && tcp_conn_unsent(c) >= TCP_OUT_HIGH)
		tls_wait_for_room(c);
	/* read no more queries than we will run (RFC 6926 8.2) */
	if (c->n_queries >= max)
		bufferevent_disable(c->bev, EV_READ);
	else
		bufferevent_enable(c->bev, EV_READ);
	tcp_conn_set_timeouts(c);
}

void tcp_on_read(struct bufferevent *bev, void *ctx)
{
	struct tcp_conn *c = ctx;

	if (c->lingering) {
		struct evbuffer *in = bufferevent_get_input(bev);
		evbuffer_drain(in, evbuffer_get_length(in));
		return;
	}
	tcp_conn_service(c);
}

void tcp_on_write(struct bufferevent *bev, void *ctx)
{
	struct tcp_conn *c = ctx;

	(void)bev;
	tcp_conn_service(c);
}

/* The idle timer expired, but are replies still leaving? The last DONE may
 * sit in the kernel's send queue while a slow requestor reads it: the
 * connection is idle only once that queue stops shrinking. */
static bool replies_still_leaving(struct tcp_conn *c)
{
	int unsent = 0;

	if (ioctl(bufferevent_getfd(c->bev), SIOCOUTQ, &unsent) < 0 || unsent <= 0 || unsent >= c->last_unsent)
		return false;
	c->last_unsent = unsent;
	bufferevent_enable(c->bev, EV_READ);   /* the timeout disabled it; this restarts the timer */
	return true;
}

void tcp_on_event(struct bufferevent *bev, short what, void *ctx)
{
	struct tcp_conn *c = ctx;
	struct lqd_tcp *tcp = c->tcp;

	(void)bev;
	if ((what & BEV_EVENT_TIMEOUT) && (what & BEV_EVENT_READING) && !c->lingering &&
	    replies_still_leaving(c))
		return;
	if (c->lingering) {
		tcp_conn_free(c);
		return;
	}
	if (what & BEV_EVENT_TIMEOUT) {
		atomic_fetch_add(&tcp->timeouts, 1);
		if ((what & BEV_EVENT_WRITING) && c->active != NULL) {
			atomic_fetch_add(&tcp->active_dropped, 1);
			lqd_log(LQD_LOG_WARNING, "tcp: %s: the active requestor read nothing for %u s "
				"(ACTIVE_LQ_SEND_TIMEOUT): dropping it; it catches up when it reconnects", c->who,
				tcp->d->config.active.send_timeout);
		} else if (what & BEV_EVENT_WRITING)
			lqd_log(LQD_LOG_WARNING, "tcp: %s: the requestor read nothing for %u s "
				"(BULK_LQ_DATA_TIMEOUT): dropping it with %u queries running", c->who,
				tcp->d->config.bulk.data_timeout, c->n_queries);
		else
			lqd_log(LQD_LOG_INFO, "tcp: %s: nothing received for %u s (BULK_LQ_DATA_TIMEOUT): closing",
				c->who, tcp->d->config.bulk.data_timeout);
	} else if (what & BEV_EVENT_EOF) {
		if (c->n_queries > 0)
			lqd_log(LQD_LOG_INFO, "tcp: %s: closed by the requestor with %u queries running",
				c->who, c->n_queries);
		else
			lqd_log(LQD_LOG_DEBUG, "tcp: %s: closed by the requestor", c->who);
	} else if (what & BEV_EVENT_ERROR) {
		lqd_log(LQD_LOG_INFO, "tcp: %s: connection error: %s", c->who, strerror(errno));
	}
	tcp_conn_free(c);
}

unsigned tcp_conns_from(const struct lqd_tcp *tcp, const struct lq_query_peer *peer, bool active_only)
{
	size_t n = peer->family == 4 ? 4 : 16;
	unsigned count = 0;

	for (const struct tcp_conn *c = tcp->conns; c != NULL; c = c->next)
		if ((!active_only || c->active != NULL) && c->peer.family == peer->family &&
		    memcmp(c->peer.addr, peer->addr, n) == 0)
			count++;
	return count;
}

static void reject(struct lqd_tcp *tcp, evutil_socket_t fd, const struct lq_query_peer *peer,
		   const char *why)
{
	char who[LQD_PEER_TEXT_MAX];

	atomic_fetch_add(&tcp->rejected, 1);
	if (tcp_reject_log_allowed(tcp))
		lqd_log(LQD_LOG_WARNING, "tcp: connection from %s closed: %s",
			lqd_peer_text(peer, who, sizeof(who)), why);
	evutil_closesocket(fd);
}

static void on_accept(struct evconnlistener *lev, evutil_socket_t fd, struct sockaddr *sa, int salen,
		      void *ctx)
{
	struct tcp_listener *l = ctx;
	struct lqd_tcp *tcp = l->tcp;
	const struct lq_config *cfg = &tcp->d->config;
	struct sockaddr_storage ss;
	struct lq_query_peer peer;

	(void)lev;
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, sa, (size_t)salen < sizeof(ss) ? (size_t)salen : sizeof(ss));
	lqd_peer_from_sockaddr(&ss, &peer);
	if (tcp->stopping) {
		evutil_closesocket(fd);
		return;
	}
	if (!lq_config_requester_allowed(cfg, peer.family, peer.addr)) {
		reject(tcp, fd, &peer, "requestor not allowed (requesters)");
		return;
	}
	if (atomic_load(&tcp->open) >= cfg->bulk.max_connections) {
		reject(tcp, fd, &peer, "bulk.max-connections reached (BULK_LQ_MAX_CONNS)");
		return;
	}
	if (tcp_conns_from(tcp, &peer, false) >= cfg->bulk.max_connections_per_requestor) {
		reject(tcp, fd, &peer, "bulk.max-connections-per-requestor reached");
		return;
	}
	int on = 1;
	/* replies go out as soon as they are written: an active requestor waits
	 * for each change, and Nagle with its delayed ACK would add up to 40 ms */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	struct tcp_conn *c = calloc(1, sizeof(*c));
	if (c != NULL)
		c->queries = calloc(cfg->bulk.max_queries_per_connection, sizeof(*c->queries));
	if (c != NULL && c->queries != NULL)
		c->bev = bufferevent_socket_new(tcp->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c == NULL || c->queries == NULL || c->bev == NULL) {
		if (c != NULL)
			free(c->queries);
		free(c);
		reject(tcp, fd, &peer, "out of memory");
		return;
	}
	c->tcp = tcp;
	c->family = l->listen->family;
	c->peer = peer;
	lqd_peer_text(&peer, c->who, sizeof(c->who));
	c->next = tcp->conns;
	if (tcp->conns != NULL)
		tcp->conns->prev = c;
	tcp->conns = c;
	atomic_fetch_add(&tcp->open, 1);
	atomic_fetch_add(&tcp->accepted, 1);
	bufferevent_setcb(c->bev, tcp_on_read, tcp_on_write, tcp_on_event, c);
	bufferevent_setwatermark(c->bev, EV_READ, 0, TCP_IN_MAX);
	bufferevent_setwatermark(c->bev, EV_WRITE, TCP_OUT_LOW, 0);
	tcp_conn_set_timeouts(c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	lqd_log(LQD_LOG_DEBUG, "tcp: %s: connected", c->who);
}

static void on_accept_error(struct evconnlistener *lev, void *ctx)
{
	struct tcp_listener *l = ctx;

	(void)lev;
	lqd_log(LQD_LOG_WARNING, "tcp: accepting on %s port %u: %s", l->listen->address, l->listen->tcp_port,
		strerror(errno));
}

/* ---- shutdown ---- */

static void free_all_conns(struct lqd_tcp *tcp)
{
	struct tcp_conn *next;

	for (struct tcp_conn *c = tcp->conns; c != NULL; c = next) {
		next = c->next;
		tcp_conn_free(c);
	}
}

static void on_grace_over(evutil_socket_t fd, short what, void *ctx)
{
	struct lqd_tcp *tcp = ctx;

	(void)fd;
	(void)what;
	free_all_conns(tcp);
	event_base_loopbreak(tcp->base);
}

static void on_wake(evutil_socket_t fd, short what, void *ctx)
{
	struct lqd_tcp *tcp = ctx;
	struct timeval grace = {TCP_STOP_GRACE_MS / 1000, (long)(TCP_STOP_GRACE_MS % 1000) * 1000};
	char byte;

	(void)what;
	if (read(fd, &byte, 1) < 0 && errno != EAGAIN)
		lqd_log(LQD_LOG_WARNING, "tcp: wake-up pipe: %s", strerror(errno));
	tcp->stopping = true;
	for (size_t i = 0; i < tcp->n_listeners; i++) {
		evconnlistener_free(tcp->listeners[i].lev);
		tcp->listeners[i].lev = NULL;
	}
	if (tcp->conns == NULL) {
		event_base_loopbreak(tcp->base);
		return;
	}
	for (struct tcp_conn *c = tcp->conns, *next; c != NULL; c = next) {
		next = c->next;
		for (unsigned i = c->n_queries; i-- > 0;)
			query_terminate(c, i, "the server is shutting down");
		if (c->active != NULL)
			tcp_active_terminate(c, "the server is shutting down");
		tcp_conn_close_gracefully(c);
		tcp_conn_service(c);
	}
	tcp->grace_ev = evtimer_new(tcp->base, on_grace_over, tcp);
	if (tcp->grace_ev == NULL || evtimer_add(tcp->grace_ev, &grace) < 0)
		on_grace_over(-1, 0, tcp);
}

static void *tcp_thread_main(void *arg)
{
	struct lqd_tcp *tcp = arg;

	event_base_dispatch(tcp->base);
	return NULL;
}

/* ---- setup ---- */

static int start_listener(struct lqd_tcp *tcp, const struct lq_config_listen *l)
{
	struct tcp_listener *tl = &tcp->listeners[tcp->n_listeners];
	int fd = lqd_listen_socket(l, true);

	if (fd < 0) {
		lqd_log(LQD_LOG_ERROR, "tcp: cannot listen on %s port %u: %s", l->address, l->tcp_port,
			strerror(errno));
		return -1;
	}
	tl->tcp = tcp;
	tl->listen = l;
	tl->lev = evconnlistener_new(tcp->base, on_accept, tl, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC,
				     -1, fd);
	if (tl->lev == NULL) {
		close(fd);
		lqd_log(LQD_LOG_ERROR, "tcp: cannot listen on %s port %u", l->address, l->tcp_port);
		return -1;
	}
	evconnlistener_set_error_cb(tl->lev, on_accept_error);
	tcp->n_listeners++;
	lqd_log(LQD_LOG_INFO, "tcp: answering DHCPv%d bulk leasequeries on %s port %u", l->family,
		l->address, l->tcp_port);
	return 0;
}

struct lqd_tcp *lqd_tcp_start(struct lqd *d)
{
	struct lqd_tcp *tcp = calloc(1, sizeof(*tcp));

	if (tcp == NULL)
		return NULL;
	tcp->d = d;
	tcp->wake[0] = tcp->wake[1] = -1;
	tcp->notify_fd = -1;
	tcp->data_timeout = (struct timeval){.tv_sec = d->config.bulk.data_timeout};
	tcp->send_timeout = (struct timeval){.tv_sec = d->config.active.send_timeout};
	tcp->linger = (struct timeval){.tv_sec = TCP_LINGER_S};
	tcp->listeners = calloc(d->config.n_listen > 0 ? d->config.n_listen : 1, sizeof(*tcp->listeners));
	tcp->base = event_base_new();
	if (tcp->listeners == NULL || tcp->base == NULL || pipe2(tcp->wake, O_CLOEXEC | O_NONBLOCK) < 0)
		goto fail;
	tcp->wake_ev = event_new(tcp->base, tcp->wake[0], EV_READ, on_wake, tcp);
	if (tcp->wake_ev == NULL || event_add(tcp->wake_ev, NULL) < 0 || tcp_tls_setup(tcp) < 0 ||
	    tcp_active_setup(tcp) < 0)
		goto fail;
	for (size_t i = 0; i < d->config.n_listen; i++)
		if (d->config.listen[i].tcp_port != 0 && start_listener(tcp, &d->config.listen[i]) < 0)
			goto fail;
	if (pthread_create(&tcp->thread, NULL, tcp_thread_main, tcp) != 0) {
		lqd_log(LQD_LOG_ERROR, "tcp: cannot start a thread");
		goto fail;
	}
	tcp->started = true;
	return tcp;
fail:
	lqd_tcp_stop(tcp);
	return NULL;
}

void lqd_tcp_stop(struct lqd_tcp *tcp)
{
	if (tcp == NULL)
		return;
	if (tcp->started) {
		if (write(tcp->wake[1], "x", 1) != 1)
			lqd_log(LQD_LOG_WARNING, "tcp: cannot wake the TCP thread: %s", strerror(errno));
		pthread_join(tcp->thread, NULL);
	}
	free_all_conns(tcp);
	for (size_t i = 0; i < tcp->n_listeners; i++)
		if (tcp->listeners[i].lev != NULL)
			evconnlistener_free(tcp->listeners[i].lev);
	if (tcp->grace_ev != NULL)
		event_free(tcp->grace_ev);
	tcp_active_teardown(tcp);
	tcp_tls_teardown(tcp);
	if (tcp->wake_ev != NULL)
		event_free(tcp->wake_ev);
	for (int i = 0; i < 2; i++)
		if (tcp->wake[i] >= 0)
			close(tcp->wake[i]);
	if (tcp->base != NULL)
		event_base_free(tcp->base);
	free(tcp->listeners);
	free(tcp);
}

void lqd_tcp_stats(const struct lqd_tcp *tcp, struct lqd_tcp_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (tcp == NULL)
		return;
	out->accepted = atomic_load(&tcp->accepted);
	out->rejected = atomic_load(&tcp->rejected);
	out->open = atomic_load(&tcp->open);
	out->queries = atomic_load(&tcp->queries);
	out->refused = atomic_load(&tcp->refused);
	out->terminated = atomic_load(&tcp->terminated);
	out->timeouts = atomic_load(&tcp->timeouts);
	out->protocol_errors = atomic_load(&tcp->protocol_errors);
	out->messages = atomic_load(&tcp->messages);
	out->bindings = atomic_load(&tcp->bindings);
	out->active_queries = atomic_load(&tcp->active_queries);
	out->active_dropped = atomic_load(&tcp->active_dropped);
	out->tls_handshakes = atomic_load(&tcp->tls_handshakes);
	out->tls_failures = atomic_load(&tcp->tls_failures);
}
