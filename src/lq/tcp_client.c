/* tcp_client.c - the requestor's TCP transport: a non-blocking connect
 * bounded by the data timeout, then one poll() loop that writes queued
 * frames and reads replies at the same time, each wait restarted by any
 * progress (RFC 6926 7.2 and 7.3: BULK_LQ_DATA_TIMEOUT), and a graceful
 * close. With TLS (RFC 7724 and RFC 7653 8.2: after DHCPTLS / STARTTLS)
 * the handshake runs here too, and reads and writes go through
 * SSL_read / SSL_write: their WANT_READ / WANT_WRITE become the events
 * poll() waits for, and records OpenSSL has already decrypted are taken
 * before waiting at all. */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "tcp_client.h"

#define CLOSE_WAIT_MS 1000u     /* how long a graceful close waits for the server's FIN */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int fail(struct lq_tcp *t, enum lq_tcp_fail why, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct lq_tcp *t, enum lq_tcp_fail why, const char *fmt, ...)
{
	va_list ap;

	t->fail = why;
	va_start(ap, fmt);
	vsnprintf(t->why, sizeof(t->why), fmt, ap);
	va_end(ap);
	return -1;
}

static double seconds(uint32_t ms)
{
	return ms / 1000.0;
}

static bool interrupted(const struct lq_tcp *t)
{
	return t->interrupt != NULL && *t->interrupt != 0;
}

int lq_tcp_connect(struct lq_tcp *t, const struct sockaddr *addr, socklen_t addr_len,
		   uint32_t timeout_ms)
{
	struct pollfd p;
	int err = 0, rc;
	socklen_t len = sizeof(err);
	uint64_t deadline = now_ms() + timeout_ms;

	memset(t, 0, offsetof(struct lq_tcp, in));
	t->fd = -1;
	t->timeout_ms = timeout_ms;
	t->in_pos = t->in_len = 0;
	t->ssl = NULL;
	t->ssl_write_len = 0;
	t->ssl_read_wants = POLLIN;
	t->ssl_write_wants = POLLOUT;
	t->progress_ms = now_ms();
	if (lq_frame_reader_init(&t->reader, t->frame, sizeof(t->frame), LQ_FRAME_MAX) != LQ_OK)
		return fail(t, LQ_TCP_CONNECT, "cannot set up the frame reader");
	t->fd = socket(addr->sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (t->fd < 0)
		return fail(t, LQ_TCP_CONNECT, "cannot open a TCP socket: %s", strerror(errno));
	if (connect(t->fd, addr, addr_len) == 0)
		return 0;
	if (errno != EINPROGRESS) {
		err = errno;
		goto failed;
	}
	p.fd = t->fd;
	p.events = POLLOUT;
	for (;;) {
		uint64_t now = now_ms();
		if (now >= deadline) {
			close(t->fd);
			t->fd = -1;
			return fail(t, LQ_TCP_TIMEOUT, "cannot connect: no answer in %.1f s",
				    seconds(timeout_ms));
		}
		rc = poll(&p, 1, (int)(deadline - now));
		if (rc > 0)
			break;
		if (rc < 0 && errno == EINTR && interrupted(t)) {
			close(t->fd);
			t->fd = -1;
			return fail(t, LQ_TCP_INTERRUPTED, "interrupted");
		}
		if (rc < 0 && errno != EINTR) {
			err = errno;
			goto failed;
		}
	}
	if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err == 0) {
		t->progress_ms = now_ms();
		return 0;
	}
failed:
	close(t->fd);
	t->fd = -1;
	errno = err;
	return fail(t, LQ_TCP_CONNECT, "cannot connect: %s", strerror(err));
}

int lq_tcp_local_address(const struct lq_tcp *t, struct sockaddr_storage *local)
{
	socklen_t len = sizeof(*local);

	memset(local, 0, sizeof(*local));
	return getsockname(t->fd, (struct sockaddr *)local, &len);
}

int lq_tcp_queue(struct lq_tcp *t, const uint8_t *msg, size_t len)
{
	size_t need;

	if (len == 0 || len > LQ_FRAME_MAX)
		return fail(t, LQ_TCP_FRAMING, "a message of %zu octets cannot be framed", len);
	need = t->out_len + 2 + len;
	if (need > t->out_cap) {
		size_t cap = t->out_cap != 0 ? t->out_cap : 4096;
		while (cap < need)
			cap *= 2;
		uint8_t *p = realloc(t->out, cap);
		if (p == NULL)
			return fail(t, LQ_TCP_IO, "out of memory");
		t->out = p;
		t->out_cap = cap;
	}
	(void)lq_frame_header(len, t->out + t->out_len);
	memcpy(t->out + t->out_len + 2, msg, len);
	t->out_len = need;
	return 0;
}

/* ------------------------------------------------------------ TLS I/O */

/* What OpenSSL said last, in words (the error queue is emptied). */
static const char *tls_reason(char *buf, size_t cap)
{
	unsigned long e = ERR_get_error(), last = e;

	while (e != 0) {
		last = e;
		e = ERR_get_error();
	}
	if (last == 0)
		return "no further detail";
	ERR_error_string_n(last, buf, cap);
	return buf;
}

/* The outcome of an SSL_read / SSL_write / SSL_connect that returned n <= 0:
 * 0 to wait (t->ssl_*_wants set for reading or writing), 2 for the end of
 * the stream, -1 failed (said). */
static int tls_outcome(struct lq_tcp *t, int n, bool writing, const char *what)
{
	SSL *ssl = t->ssl;
	int e = SSL_get_error(ssl, n);
	char buf[256];
	short *wants = writing ? &t->ssl_write_wants : &t->ssl_read_wants;

	switch (e) {
	case SSL_ERROR_WANT_READ:
		*wants = POLLIN;
		return 0;
	case SSL_ERROR_WANT_WRITE:
		*wants = POLLOUT;
		return 0;
	case SSL_ERROR_ZERO_RETURN:
		return 2;
	case SSL_ERROR_SYSCALL:
		if (errno == EAGAIN || errno == EINTR) {
			*wants = writing ? POLLOUT : POLLIN;
			return 0;
		}
		if (errno == 0 || errno == ECONNRESET || errno == EPIPE) {
			if (writing)
				return fail(t, LQ_TCP_CLOSED, "cannot send: the server closed the "
					    "connection");
			return 2;
		}
		return fail(t, LQ_TCP_IO, "cannot %s: %s", what, strerror(errno));
	default:
		return fail(t, LQ_TCP_TLS, "TLS: cannot %s: %s", what, tls_reason(buf, sizeof(buf)));
	}
}

/* ------------------------------------------------------------ plain I/O */

/* Write what the socket takes now. 1 progress, 0 none (would block), -1. */
static int write_some(struct lq_tcp *t)
{
	size_t len = t->out_len - t->out_pos;
	ssize_t n;

	if (t->ssl != NULL) {
		/* a write that wanted to wait is repeated with the same length
		 * (the buffer may have moved: SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER) */
		if (t->ssl_write_len != 0)
			len = t->ssl_write_len;
		else if (len > 16384)
			len = 16384;
		ERR_clear_error();
		int w = SSL_write(t->ssl, t->out + t->out_pos, (int)len);
		if (w <= 0) {
			t->ssl_write_len = len;
			int rc = tls_outcome(t, w, true, "send");
			return rc == 2 ? fail(t, LQ_TCP_CLOSED, "cannot send: the server closed "
					      "the TLS connection") : rc;
		}
		t->ssl_write_len = 0;
		t->ssl_write_wants = POLLOUT;
		n = w;
	} else {
		n = send(t->fd, t->out + t->out_pos, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return 0;
			return fail(t, errno == EPIPE || errno == ECONNRESET ? LQ_TCP_CLOSED
									     : LQ_TCP_IO,
				    "cannot send: %s", strerror(errno));
		}
	}
	t->out_pos += (size_t)n;
	t->octets_out += (uint64_t)n;
	if (t->out_pos == t->out_len)
		t->out_pos = t->out_len = 0;
	return n > 0;
}

/* Read what the socket has. 1 progress, 0 none, 2 end of stream, -1. */
static int read_some(struct lq_tcp *t)
{
	ssize_t n;

	if (t->ssl != NULL) {
		ERR_clear_error();
		int r = SSL_read(t->ssl, t->in, (int)sizeof(t->in));
		if (r <= 0)
			return tls_outcome(t, r, false, "receive");
		t->ssl_read_wants = POLLIN;
		n = r;
	} else {
		n = recv(t->fd, t->in, sizeof(t->in), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return 0;
			return fail(t, errno == ECONNRESET ? LQ_TCP_CLOSED : LQ_TCP_IO,
				    "cannot receive: %s", strerror(errno));
		}
		if (n == 0)
			return 2;
	}
	t->in_pos = 0;
	t->in_len = (size_t)n;
	t->octets_in += (uint64_t)n;
	return 1;
}

/* A whole frame out of what was read: 1 (msg set), 0 need more, -1. */
static int take_frame(struct lq_tcp *t, lq_bytes *msg)
{
	const uint8_t *data = t->in + t->in_pos;
	size_t len = t->in_len - t->in_pos;
	int rc = lq_frame_read(&t->reader, &data, &len, msg);

	t->in_pos = t->in_len - len;
	if (rc < 0)
		return fail(t, LQ_TCP_FRAMING, "bad framing from the server: %s",
			    lq_strerror(t->reader.err));
	if (rc == 1)
		t->frames_in++;
	return rc;
}

/* One wait for the socket: the events it has, 0 on timeout, -1. */
static int wait_for(struct lq_tcp *t, short events, uint64_t deadline)
{
	struct pollfd p = { t->fd, events, 0 };

	for (;;) {
		uint64_t now = now_ms();
		if (interrupted(t))
			return fail(t, LQ_TCP_INTERRUPTED, "interrupted");
		if (now >= deadline)
			return 0;
		int rc = poll(&p, 1, (int)(deadline - now));
		if (rc > 0)
			return p.revents != 0 ? p.revents : events;
		if (rc == 0)
			return 0;
		if (errno != EINTR)
			return fail(t, LQ_TCP_IO, "poll: %s", strerror(errno));
		if (interrupted(t))
			return fail(t, LQ_TCP_INTERRUPTED, "interrupted");
	}
}

bool lq_tcp_drained(const struct lq_tcp *t)
{
	return t->in_pos == t->in_len && lq_frame_reader_idle(&t->reader);
}

/* The events to wait for: reading always, writing when something is queued. */
static short wanted_events(const struct lq_tcp *t, bool sending)
{
	if (t->ssl == NULL)
		return (short)(POLLIN | (sending ? POLLOUT : 0));
	return (short)(t->ssl_read_wants | (sending ? t->ssl_write_wants : 0));
}

/* After poll() said ev: read and write what can be. 1 progress, 0 none, 2
 * end of stream, -1. */
static int exchange(struct lq_tcp *t, int ev, bool sending)
{
	bool progress = false;
	int rc;
	/* with TLS a read may need the socket writable and the other way
	 * round: try both on any event (the socket does not block) */
	bool any = t->ssl != NULL;

	if (sending && (any || (ev & (POLLOUT | POLLERR | POLLHUP)) != 0)) {
		if ((rc = write_some(t)) < 0)
			return -1;
		progress = rc > 0;
	}
	if (any || (ev & (POLLIN | POLLERR | POLLHUP)) != 0) {
		if ((rc = read_some(t)) < 0)
			return -1;
		if (rc == 2)
			return 2;
		progress = progress || rc > 0;
	}
	return progress ? 1 : 0;
}

int lq_tcp_next_within(struct lq_tcp *t, lq_bytes *msg, uint32_t wake_ms)
{
	uint64_t wake = wake_ms != 0 ? now_ms() + wake_ms : UINT64_MAX;
	int rc;

	if (t->fd < 0)
		return fail(t, LQ_TCP_IO, "not connected");
	for (;;) {
		if ((rc = take_frame(t, msg)) != 0) {
			if (rc == 1)
				t->progress_ms = now_ms();
			return rc;
		}
		bool sending = t->out_len > t->out_pos;
		/* records OpenSSL holds already: no wait for the socket */
		if (t->ssl != NULL && SSL_has_pending(t->ssl)) {
			if ((rc = read_some(t)) < 0)
				return -1;
			if (rc == 1)
				continue;
		}
		uint64_t deadline = t->progress_ms + t->timeout_ms;
		bool woke = wake < deadline;
		int ev = wait_for(t, wanted_events(t, sending), woke ? wake : deadline);
		if (ev < 0)
			return -1;
		if (ev == 0) {
			if (woke)
				return 2;
			return fail(t, LQ_TCP_TIMEOUT, "no data for %.0f s (the data timeout): "
				    "closing", seconds(t->timeout_ms));
		}
		rc = exchange(t, ev, sending);
		if (rc < 0)
			return -1;
		if (rc == 2) {
			if (!lq_frame_reader_idle(&t->reader))
				return fail(t, LQ_TCP_CLOSED, "the server closed the connection in "
					    "the middle of a message");
			fail(t, LQ_TCP_CLOSED, "the server closed the connection");
			return 0;
		}
		if (rc == 1)
			t->progress_ms = now_ms();
	}
}

int lq_tcp_next(struct lq_tcp *t, lq_bytes *msg)
{
	/* each call waits the whole data timeout from its start (bulk) */
	t->progress_ms = now_ms();
	return lq_tcp_next_within(t, msg, 0);
}

int lq_tcp_flush(struct lq_tcp *t)
{
	uint64_t deadline = now_ms() + t->timeout_ms;

	while (t->out_len > t->out_pos) {
		int ev = wait_for(t, t->ssl != NULL ? t->ssl_write_wants : POLLOUT, deadline);
		if (ev < 0)
			return -1;
		if (ev == 0)
			return fail(t, LQ_TCP_TIMEOUT, "cannot send for %.0f s (the data timeout): "
				    "closing", seconds(t->timeout_ms));
		int rc = write_some(t);
		if (rc < 0)
			return -1;
		if (rc > 0)
			deadline = now_ms() + t->timeout_ms;
	}
	return 0;
}

/* ------------------------------------------------------------ TLS handshake */

/* Why the handshake failed, in words: the certificate verification result
 * when that is what failed, else OpenSSL's reason. */
static int handshake_failed(struct lq_tcp *t, int e)
{
	long verify = SSL_get_verify_result(t->ssl);
	char buf[256];

	if (verify != X509_V_OK)
		return fail(t, LQ_TCP_TLS, "TLS handshake failed: the server's certificate does "
			    "not verify: %s", X509_verify_cert_error_string(verify));
	if ((e == SSL_ERROR_SYSCALL || e == SSL_ERROR_ZERO_RETURN) && ERR_peek_error() == 0)
		return fail(t, LQ_TCP_TLS, "TLS handshake failed: the server closed the "
			    "connection%s%s", errno != 0 ? ": " : "", errno != 0 ? strerror(errno) : "");
	return fail(t, LQ_TCP_TLS, "TLS handshake failed: %s", tls_reason(buf, sizeof(buf)));
}

int lq_tcp_start_tls(struct lq_tcp *t, void *ssl_ptr)
{
	SSL *ssl = ssl_ptr;
	uint64_t deadline = now_ms() + t->timeout_ms;

	if (!lq_tcp_drained(t) || t->out_len > t->out_pos) {
		SSL_free(ssl);
		return fail(t, LQ_TCP_TLS, "TLS: data left over in plain text before the handshake");
	}
	if (SSL_set_fd(ssl, t->fd) != 1) {
		SSL_free(ssl);
		return fail(t, LQ_TCP_TLS, "TLS: cannot attach to the socket");
	}
	t->ssl = ssl;
	for (;;) {
		ERR_clear_error();
		errno = 0;
		int n = SSL_connect(ssl);
		if (n == 1)
			break;
		int e = SSL_get_error(ssl, n);
		if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
			handshake_failed(t, e);
			goto freed;
		}
		int ev = wait_for(t, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline);
		if (ev < 0)
			goto freed;
		if (ev == 0) {
			fail(t, LQ_TCP_TIMEOUT, "TLS handshake: no answer in %.0f s",
			     seconds(t->timeout_ms));
			goto freed;
		}
	}
	t->ssl_read_wants = POLLIN;
	t->ssl_write_wants = POLLOUT;
	t->ssl_write_len = 0;
	t->progress_ms = now_ms();
	return 0;
freed:
	/* the connection cannot go on: no close_notify */
	SSL_free(ssl);
	t->ssl = NULL;
	return -1;
}

void lq_tcp_close(struct lq_tcp *t, bool graceful)
{
	uint64_t deadline;

	free(t->out);
	t->out = NULL;
	t->out_len = t->out_pos = t->out_cap = 0;
	if (t->ssl != NULL) {
		/* close_notify, once, without waiting for the server's */
		if (graceful) {
			ERR_clear_error();
			(void)SSL_shutdown(t->ssl);
		}
		SSL_free(t->ssl);
		t->ssl = NULL;
		ERR_clear_error();
	}
	if (t->fd < 0)
		return;
	/* FIN, then read until the server's FIN (it closes when it sees ours,
	 * RFC 6926 8.5) so that close() finds nothing unread and sends no
	 * reset; bounded by CLOSE_WAIT_MS. */
	if (shutdown(t->fd, SHUT_WR) == 0 && graceful) {
		deadline = now_ms() + (t->timeout_ms < CLOSE_WAIT_MS ? t->timeout_ms : CLOSE_WAIT_MS);
		for (;;) {
			int ev = wait_for(t, POLLIN, deadline);
			if (ev <= 0 || read_some(t) != 1)
				break;
		}
	}
	close(t->fd);
	t->fd = -1;
}
