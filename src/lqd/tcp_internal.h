/* tcp_internal.h - what the parts of lqd's TCP service share: tcp.c
 * (connections, framing, limits, bulk queries), tcp_active.c (active
 * leasequery subscriptions fed by the store's change history) and tcp_tls.c
 * (the DHCPTLS / STARTTLS upgrade). Everything here runs on the TCP thread,
 * except lqd_tcp_notify (any thread). */
#ifndef LQD_TCP_INTERNAL_H
#define LQD_TCP_INTERNAL_H

#include <event2/bufferevent.h>
#include <event2/listener.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "lq/active.h"
#include "lq/bulk.h"
#include "lq/framing.h"
#include "lqd.h"

#define TCP_OUT_HIGH ((size_t)256 * 1024) /* stop producing replies above this much unsent */
#define TCP_OUT_LOW ((size_t)64 * 1024)   /* ... until the requestor has read down to this */
#define TCP_IN_MAX ((size_t)2 + LQ_FRAME_MAX) /* read no further ahead than one whole query */
#define TCP_LINGER_S 5             /* after our FIN, wait this long for the requestor's */
#define TCP_STOP_GRACE_MS 2000     /* shutdown: time for the QueryTerminated messages */
#define LOG_REJECTS_PER_SECOND 10

struct tcp_query {
	struct lq_bulk_query *q;
	struct lq_store_reader *reader;
	uint32_t xid;
	enum lq_query_kind kind;
	struct timespec started;
};

struct tcp_active;

struct tcp_conn {
	struct lqd_tcp *tcp;
	struct tcp_conn *prev, *next;
	struct bufferevent *bev;
	int family;                     /* the protocol: that of the listen address */
	struct lq_query_peer peer;
	char who[LQD_PEER_TEXT_MAX];
	struct tcp_query *queries;      /* bulk.max-queries-per-connection slots */
	unsigned n_queries;
	unsigned next_turn;             /* round robin among the running queries */
	bool closing;                   /* send what is queued, then close gracefully */
	bool lingering;                 /* FIN sent: discard input until the requestor's FIN */
	bool timeouts_set, idle_timer_armed;
	int last_unsent;                /* idle timer: octets the kernel still had to send */
	bool tls;                       /* TLS negotiated on this connection */
	bool spoke;                     /* a first message was received */
	struct tcp_active *active;      /* the connection runs an active query */
	struct event *drain_ev;         /* TLS close: waits for the records to leave */
	struct event *tls_wait_ev;      /* TLS: waits for room below the TLS layer */
	int drain_ticks;
};

struct tcp_listener {
	struct lqd_tcp *tcp;
	const struct lq_config_listen *listen;
	struct evconnlistener *lev;
};

struct lqd_tcp {
	struct lqd *d;
	struct event_base *base;
	struct tcp_listener *listeners;
	size_t n_listeners;
	struct tcp_conn *conns;
	int wake[2];                    /* the main thread asks for shutdown through it */
	struct event *wake_ev, *grace_ev;
	pthread_t thread;
	bool started, stopping;
	struct timeval data_timeout, linger, send_timeout;
	time_t log_second;
	unsigned log_count;
	uint8_t scratch[2 + LQ_BULK_MSG_MAX];
	uint8_t frame[LQ_FRAME_MAX];    /* the query being started */
	SSL_CTX *ssl_ctx;               /* NULL: tls.mode off */
	/* active leasequery: the store's change notifications */
	int notify_fd;                  /* eventfd written by lqd_tcp_notify */
	struct event *notify_ev, *keepalive_ev;
	struct lq_store_reader *live;   /* the snapshot active queries read, renewed on change */
	bool live_stale;
	unsigned n_active;
	/* statistics, read by the control socket */
	_Atomic uint64_t accepted, rejected, open, queries, refused, terminated, timeouts,
		protocol_errors, messages, bindings, active_queries, active_dropped, tls_handshakes,
		tls_failures;
};


/* tcp.c */
bool tcp_reject_log_allowed(struct lqd_tcp *tcp);
void tcp_queue_message(struct tcp_conn *c, size_t len);   /* tcp->scratch + 2, len octets */
/* Octets written and not yet sent: the connection's buffer and, with TLS,
 * the socket layer's below it. */
size_t tcp_conn_unsent(const struct tcp_conn *c);
void tcp_conn_close_gracefully(struct tcp_conn *c);
void tcp_conn_protocol_error(struct tcp_conn *c, const char *reason);
void tcp_conn_service(struct tcp_conn *c);
void tcp_conn_free(struct tcp_conn *c);
/* The bufferevent callbacks of a connection (plain or TLS). */
void tcp_on_read(struct bufferevent *bev, void *ctx);
void tcp_on_write(struct bufferevent *bev, void *ctx);
void tcp_on_event(struct bufferevent *bev, short what, void *ctx);
/* Connections from the requestor at peer's address (only those running an
 * active query when active_only). */
unsigned tcp_conns_from(const struct lqd_tcp *tcp, const struct lq_query_peer *peer, bool active_only);
/* Timers for what the connection does now (idle, bulk, active). */
void tcp_conn_set_timeouts(struct tcp_conn *c);

/* tcp_active.c */
int tcp_active_setup(struct lqd_tcp *tcp);
void tcp_active_teardown(struct lqd_tcp *tcp);
/* Start the active query in msg on c (its first and only query). */
void tcp_active_start(struct tcp_conn *c, const uint8_t *msg, size_t len);
/* Write what the active query of c has to send while the output has room. */
void tcp_active_fill(struct tcp_conn *c);
/* Shutdown: QueryTerminated. */
void tcp_active_terminate(struct tcp_conn *c, const char *why);
void tcp_active_free(struct tcp_conn *c);

/* tcp_tls.c */
int tcp_tls_setup(struct lqd_tcp *tcp);
void tcp_tls_teardown(struct lqd_tcp *tcp);
/* msg is a DHCPTLS (v4) / STARTTLS (v6) request received on c: answer it
 * and, when TLS is on, start the handshake. */
void tcp_tls_start(struct tcp_conn *c, const uint8_t *msg, size_t len);
/* tls.mode required and c is plain text: a query must be refused. */
bool tcp_tls_required(const struct tcp_conn *c);

#endif
