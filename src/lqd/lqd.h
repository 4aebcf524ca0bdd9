/* lqd.h - the parts of the lqd server and what they share: the loaded
 * configuration, the binding store, the event loop, the lease sources and
 * the control socket. */
#ifndef LQD_H
#define LQD_H

#include <event2/event.h>
#include <stdint.h>
#include <sys/socket.h>

#include "lq/config.h"
#include "lq/query.h"
#include "lq/store.h"

struct lqd_source;
struct lqd_control;
struct lqd_udp;
struct lqd_tcp;

struct lqd {
	struct lq_config config;
	struct lq_store *store;
	struct event_base *base;
	struct lqd_source **sources;
	size_t n_sources;
	struct lqd_control *control;
	struct lqd_udp *udp;
	struct lqd_tcp *tcp;
	struct event *signal_term, *signal_int;
	uint64_t control_changes;       /* bindings changed through the control socket */
};

/* ---- log.c ---- */
enum lqd_log_level { LQD_LOG_ERROR, LQD_LOG_WARNING, LQD_LOG_INFO, LQD_LOG_DEBUG };
void lqd_log_set_level(enum lqd_log_level level);
void lqd_log(enum lqd_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Would a line of this level be written? (skip formatting when not) */
bool lqd_log_enabled(enum lqd_log_level level);

/* ---- listen_socket.c ---- */
/* A socket bound to listen address l: TCP (listening, non-blocking) on its
 * tcp-port, or UDP (SO_REUSEPORT) on its udp-port. -1 with errno. */
int lqd_listen_socket(const struct lq_config_listen *l, bool tcp);

/* ---- peer.c: who sent a query ---- */
#define LQD_PEER_TEXT_MAX 64
void lqd_peer_from_sockaddr(const struct sockaddr_storage *ss, struct lq_query_peer *peer);
/* "192.0.2.7 port 4711" into buf; returns buf. */
const char *lqd_peer_text(const struct lq_query_peer *peer, char *buf, size_t cap);

/* ---- source.c: a lease file followed into the store ---- */
struct lqd_source_status {
	const char *path;
	const char *type;
	int family;                     /* 0 until known */
	uint64_t lines, changes, bad_lines, rotations, batches;
	uint64_t offset;
	bool loading;                   /* initial load not finished */
};

/* Open the source of config entry src, resume from the store's saved
 * position or load it whole, and register it with the event loop. */
struct lqd_source *lqd_source_start(struct lqd *d, const struct lq_config_source *src);
void lqd_source_stop(struct lqd_source *s);
void lqd_source_status(const struct lqd_source *s, struct lqd_source_status *out);
/* Read whatever the file has now (also called by the event loop). */
int lqd_source_poll(struct lqd_source *s);

/* ---- udp.c: single leasequeries over UDP ---- */
struct lqd_udp_stats {
	uint64_t received, answered, dropped, refused, send_errors;
	size_t threads;
};
/* Open every UDP listen address and start the receive threads. */
struct lqd_udp *lqd_udp_start(struct lqd *d);
void lqd_udp_stop(struct lqd_udp *udp);
void lqd_udp_stats(const struct lqd_udp *udp, struct lqd_udp_stats *out);

/* ---- tcp*.c: bulk and active leasequeries over TCP, TLS ---- */
struct lqd_tcp_stats {
	uint64_t accepted;              /* connections taken */
	uint64_t rejected;              /* closed at once: limits, requestor not allowed */
	uint64_t open;                  /* connections now */
	uint64_t queries, refused, terminated, timeouts, protocol_errors;
	uint64_t messages, bindings;    /* reply messages and bindings sent */
	uint64_t active_queries, active_dropped; /* active queries started; dropped readers */
	uint64_t tls_handshakes, tls_failures;
};
/* Open every TCP listen address (before privileges are dropped) and start
 * the TCP thread. */
struct lqd_tcp *lqd_tcp_start(struct lqd *d);
/* Shutdown: every running query gets its QueryTerminated message, lqd waits
 * (a bounded time) for the messages to leave, then closes everything. */
void lqd_tcp_stop(struct lqd_tcp *tcp);
void lqd_tcp_stats(const struct lqd_tcp *tcp, struct lqd_tcp_stats *out);
/* The store has new changes (any thread, after a commit): active queries
 * send them. */
void lqd_tcp_notify(struct lqd_tcp *tcp);

/* ---- server_duid.c: the DHCPv6 server DUID when the config has none ---- */
int lqd_server_duid_ensure(struct lqd *d);

/* ---- privileges.c: give root up once ports and files are open ---- */
int lqd_drop_privileges(struct lqd *d);

/* ---- control.c: the Unix control socket ---- */
struct lqd_control *lqd_control_start(struct lqd *d, const char *path);
void lqd_control_stop(struct lqd_control *c);

#endif
