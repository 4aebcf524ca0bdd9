/* tcp_client.h - the requestor's TCP transport for bulk and active
 * leasequery: a blocking connection driven by poll(), messages in the
 * 2-octet length framing (framing.h; RFC 6926 6.1, RFC 5460 4.1). Queued
 * queries are written while replies are read, so a server that answers
 * before it has read every query never deadlocks us. Every wait is bounded
 * by the data timeout (BULK_LQ_DATA_TIMEOUT, RFC 6926 6.3; an active query
 * sets ACTIVE_LQ_RCV_TIMEOUT): a connect, read or write that makes no
 * progress for that long fails. After a TLS handshake (tls_client.h) the
 * same framing runs through the TLS layer: SSL_read / SSL_write on the
 * non-blocking socket, their WANT_READ / WANT_WRITE waited for with poll()
 * under the same timeout. */
#ifndef LQ_TCP_CLIENT_H
#define LQ_TCP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <sys/socket.h>

#include "lq/framing.h"

#define LQ_TCP_DATA_TIMEOUT_MS 300000u  /* BULK_LQ_DATA_TIMEOUT: 300 s */

/* Why a call failed (also in errno where the system said so). */
enum lq_tcp_fail {
	LQ_TCP_OK = 0,
	LQ_TCP_CONNECT,                 /* the connection could not be made */
	LQ_TCP_TIMEOUT,                 /* no progress for the data timeout */
	LQ_TCP_CLOSED,                  /* the server closed the connection (perhaps
					 * in the middle of a message) */
	LQ_TCP_IO,                      /* a read or write failed */
	LQ_TCP_FRAMING,                 /* a frame of length 0 */
	LQ_TCP_TLS,                     /* TLS could not be set up (refused by the
					 * server, a failed handshake, a certificate
					 * that does not verify) or broke */
	LQ_TCP_INTERRUPTED,             /* *interrupt was set (a signal) */
};

struct lq_tcp {
	int fd;
	uint32_t timeout_ms;
	enum lq_tcp_fail fail;
	char why[160];                  /* the failure in words */
	/* queued output: framed queries not yet written */
	uint8_t *out;
	size_t out_len, out_pos, out_cap;
	/* input: what read() delivered, and the frame being assembled */
	uint8_t in[16384];
	size_t in_pos, in_len;
	struct lq_frame_reader reader;
	uint8_t frame[LQ_FRAME_MAX];
	/* counters */
	uint64_t frames_in, octets_in, octets_out;
	/* TLS (NULL: plain TCP): an SSL * once lq_tcp_start_tls succeeded */
	void *ssl;
	short ssl_read_wants, ssl_write_wants;  /* POLLIN / POLLOUT */
	size_t ssl_write_len;           /* length of an SSL_write to repeat (0: none) */
	uint64_t progress_ms;           /* monotonic time of the last progress */
	/* set by the caller (kept across lq_tcp_connect): when it points to a
	 * non-zero value after a wait was interrupted by a signal, the call
	 * fails with LQ_TCP_INTERRUPTED */
	volatile sig_atomic_t *interrupt;
};

/* Connect to addr within timeout_ms (which stays the data timeout of every
 * later wait). 0, or -1 with t->fail and t->why set (t->fd is then -1). */
int lq_tcp_connect(struct lq_tcp *t, const struct sockaddr *addr, socklen_t addr_len,
		   uint32_t timeout_ms);

/* Our end of the connection (for the DHCPv6 DUID). 0 or -1. */
int lq_tcp_local_address(const struct lq_tcp *t, struct sockaddr_storage *local);

/* Queue one message (framed here). 0, or -1 (too long: LQ_TCP_FRAMING;
 * out of memory: LQ_TCP_IO). */
int lq_tcp_queue(struct lq_tcp *t, const uint8_t *msg, size_t len);

/* Write what is queued while waiting for the next whole message. Returns 1
 * with *msg set (valid until the next call), 0 when the server closed the
 * connection at a message boundary (t->fail LQ_TCP_CLOSED), or -1 with
 * t->fail and t->why set (LQ_TCP_CLOSED when it closed in the middle of a
 * message). */
int lq_tcp_next(struct lq_tcp *t, lq_bytes *msg);

/* As lq_tcp_next, but waits at most wake_ms (0: no limit but the data
 * timeout): returns 2 when that passed without a whole message (the data
 * timeout still counts from the last progress). */
int lq_tcp_next_within(struct lq_tcp *t, lq_bytes *msg, uint32_t wake_ms);

/* Is everything read so far consumed (no partial frame, nothing buffered
 * after the last message)? A TLS handshake may only start then. */
bool lq_tcp_drained(const struct lq_tcp *t);

/* Run the TLS handshake as client over the connection with ssl (an SSL *
 * made by tls_client.c, its descriptor not yet set), bounded by the data
 * timeout. On success t owns ssl and every later read and write goes
 * through it: 0. Otherwise -1 with t->fail (LQ_TCP_TLS, LQ_TCP_TIMEOUT,
 * LQ_TCP_INTERRUPTED) and t->why (what failed: the verification error of
 * the server's certificate, the alert, the connection closed); ssl is
 * freed. */
int lq_tcp_start_tls(struct lq_tcp *t, void *ssl);

/* Write everything queued (bounded by the data timeout). 0 or -1. */
int lq_tcp_flush(struct lq_tcp *t);

/* Close: TLS close_notify when TLS runs, FIN (shutdown for writing), then
 * close. graceful (RFC 6926 7.8:
 * after the last query finished): first read until the server's FIN, for
 * at most a second, so that no unread data makes close() send a reset.
 * Otherwise (a timeout, a protocol violation) at once. Frees the queue.
 * Safe to call twice. */
void lq_tcp_close(struct lq_tcp *t, bool graceful);

#endif
