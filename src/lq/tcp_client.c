/* tcp_client.c - the requestor's TCP transport: a non-blocking connect
 * bounded by the data timeout, then one poll() loop that writes queued
 * frames and reads replies at the same time, each wait restarted by any
 * progress (RFC 6926 7.2 and 7.3: BULK_LQ_DATA_TIMEOUT), and a graceful
 * close. */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
		if (rc < 0 && errno != EINTR) {
			err = errno;
			goto failed;
		}
	}
	if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err == 0)
		return 0;
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

/* Write what the socket takes now. 1 progress, 0 none (would block), -1. */
static int write_some(struct lq_tcp *t)
{
	ssize_t n = send(t->fd, t->out + t->out_pos, t->out_len - t->out_pos,
			 MSG_NOSIGNAL | MSG_DONTWAIT);

	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return 0;
		return fail(t, errno == EPIPE || errno == ECONNRESET ? LQ_TCP_CLOSED : LQ_TCP_IO,
			    "cannot send: %s", strerror(errno));
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
	ssize_t n = recv(t->fd, t->in, sizeof(t->in), MSG_DONTWAIT);

	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return 0;
		return fail(t, errno == ECONNRESET ? LQ_TCP_CLOSED : LQ_TCP_IO,
			    "cannot receive: %s", strerror(errno));
	}
	if (n == 0)
		return 2;
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
		if (now >= deadline)
			return 0;
		int rc = poll(&p, 1, (int)(deadline - now));
		if (rc > 0)
			return p.revents != 0 ? p.revents : events;
		if (rc == 0)
			return 0;
		if (errno != EINTR)
			return fail(t, LQ_TCP_IO, "poll: %s", strerror(errno));
	}
}

int lq_tcp_next(struct lq_tcp *t, lq_bytes *msg)
{
	uint64_t deadline = now_ms() + t->timeout_ms;
	int rc;

	if (t->fd < 0)
		return fail(t, LQ_TCP_IO, "not connected");
	for (;;) {
		if ((rc = take_frame(t, msg)) != 0)
			return rc;
		bool sending = t->out_len > t->out_pos;
		int ev = wait_for(t, (short)(POLLIN | (sending ? POLLOUT : 0)), deadline);
		if (ev < 0)
			return -1;
		if (ev == 0)
			return fail(t, LQ_TCP_TIMEOUT, "no data for %.0f s (the data timeout, "
				    "BULK_LQ_DATA_TIMEOUT): closing", seconds(t->timeout_ms));
		bool progress = false;
		if (sending && (ev & (POLLOUT | POLLERR | POLLHUP)) != 0) {
			if ((rc = write_some(t)) < 0)
				return -1;
			progress = rc > 0;
		}
		if ((ev & (POLLIN | POLLERR | POLLHUP)) != 0) {
			if ((rc = read_some(t)) < 0)
				return -1;
			if (rc == 2) {
				if (!lq_frame_reader_idle(&t->reader))
					return fail(t, LQ_TCP_CLOSED, "the server closed the "
						    "connection in the middle of a message");
				fail(t, LQ_TCP_CLOSED, "the server closed the connection");
				return 0;
			}
			progress = progress || rc > 0;
		}
		if (progress)
			deadline = now_ms() + t->timeout_ms;
	}
}

int lq_tcp_flush(struct lq_tcp *t)
{
	uint64_t deadline = now_ms() + t->timeout_ms;

	while (t->out_len > t->out_pos) {
		int ev = wait_for(t, POLLOUT, deadline);
		if (ev < 0)
			return -1;
		if (ev == 0)
			return fail(t, LQ_TCP_TIMEOUT, "cannot send for %.0f s (the data timeout, "
				    "BULK_LQ_DATA_TIMEOUT): closing", seconds(t->timeout_ms));
		int rc = write_some(t);
		if (rc < 0)
			return -1;
		if (rc > 0)
			deadline = now_ms() + t->timeout_ms;
	}
	return 0;
}

void lq_tcp_close(struct lq_tcp *t, bool graceful)
{
	uint64_t deadline;

	free(t->out);
	t->out = NULL;
	t->out_len = t->out_pos = t->out_cap = 0;
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
