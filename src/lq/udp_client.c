/* udp_client.c - the requestor's UDP transport: parsing server names,
 * finding the local address toward a server, the query socket, and the
 * send/retransmit/receive loop of one exchange with several servers. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "udp_client.h"

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int parse_port(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v;

	if (*s == '\0')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int lq_udp_parse_server(const char *text, int family, uint16_t default_port,
			struct lq_udp_server *out, char *err, size_t err_cap)
{
	char host[256];
	const char *port_text = NULL;
	uint16_t port = default_port;
	struct addrinfo hints, *res = NULL;
	const char *colon = strrchr(text, ':');
	size_t n;

	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", text);
	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (close == NULL || (close[1] != '\0' && close[1] != ':')) {
			snprintf(err, err_cap, "'%s': expected [ADDRESS]:PORT", text);
			return -1;
		}
		n = (size_t)(close - text - 1);
		if (close[1] == ':')
			port_text = close + 2;
		text++;
	} else if (colon != NULL && strchr(text, ':') == colon) {
		/* exactly one colon: HOST:PORT (a bare IPv6 address has several) */
		n = (size_t)(colon - text);
		port_text = colon + 1;
	} else {
		n = strlen(text);
	}
	if (n == 0 || n >= sizeof(host)) {
		snprintf(err, err_cap, "'%s': no host", out->name);
		return -1;
	}
	memcpy(host, text, n);
	host[n] = '\0';
	if (port_text != NULL && parse_port(port_text, &port) < 0) {
		snprintf(err, err_cap, "'%s': the port is not a number in 1..65535", out->name);
		return -1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family == 4 ? AF_INET : AF_INET6;
	hints.ai_socktype = SOCK_DGRAM;
	int rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc != 0 || res == NULL) {
		snprintf(err, err_cap, "'%s': not an IPv%d address or name (%s)", out->name, family,
			 rc != 0 ? gai_strerror(rc) : "no address");
		if (res != NULL)
			freeaddrinfo(res);
		return -1;
	}
	memcpy(&out->addr, res->ai_addr, res->ai_addrlen);
	out->addr_len = res->ai_addrlen;
	freeaddrinfo(res);
	if (family == 4)
		((struct sockaddr_in *)&out->addr)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)&out->addr)->sin6_port = htons(port);
	return 0;
}

int lq_udp_local_address(const struct sockaddr_storage *dst, socklen_t dst_len,
			 struct sockaddr_storage *local)
{
	socklen_t len = sizeof(*local);
	int fd = socket(dst->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)dst, dst_len) < 0 ||
	    getsockname(fd, (struct sockaddr *)local, &len) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	close(fd);
	return 0;
}

int lq_udp_open(int family, uint16_t port)
{
	int fd = socket(family == 4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int one = 1;

	if (fd < 0)
		return -1;
	if (family == 4) {
		struct sockaddr_in sin;
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons(port);
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
			goto fail;
	} else {
		struct sockaddr_in6 sin6;
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
			goto fail;
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons(port);
		if (bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) < 0)
			goto fail;
	}
	return fd;
fail:;
	int e = errno;
	close(fd);
	errno = e;
	return -1;
}

uint16_t lq_udp_local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	memset(&ss, 0, sizeof(ss));
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return 0;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

const char *lq_udp_format(const struct sockaddr_storage *sa, char *buf, size_t cap)
{
	char addr[INET6_ADDRSTRLEN];

	if (sa->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &sin->sin_addr, addr, sizeof(addr));
		snprintf(buf, cap, "%s:%u", addr, ntohs(sin->sin_port));
	} else {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
		inet_ntop(AF_INET6, &sin6->sin6_addr, addr, sizeof(addr));
		snprintf(buf, cap, "[%s]:%u", addr, ntohs(sin6->sin6_port));
	}
	return buf;
}

/* Per-server state of an exchange. */
struct target {
	struct lq_retx retx;
	uint64_t first_sent;    /* 0: not sent yet */
	uint64_t next_send;     /* UINT64_MAX: no more transmissions */
	uint64_t give_up;       /* after the last transmission's timeout */
	bool done;
};

static void send_query(struct lq_udp_exchange *ex, size_t i, struct target *t, uint64_t now)
{
	char where[LQ_UDP_NAME_MAX + 64];
	uint32_t wait_ms;
	bool more;

	if (sendto(ex->fd, ex->queries[i], ex->query_lens[i], 0,
		   (const struct sockaddr *)&ex->servers[i].addr, ex->servers[i].addr_len) < 0) {
		if (ex->verbose)
			fprintf(stderr, ";; send to %s failed: %s\n",
				lq_udp_format(&ex->servers[i].addr, where, sizeof(where)),
				strerror(errno));
	} else if (ex->verbose) {
		fprintf(stderr, ";; sent %zu octets to %s (transmission %u)\n", ex->query_lens[i],
			lq_udp_format(&ex->servers[i].addr, where, sizeof(where)), ex->sent[i] + 1);
	}
	ex->sent[i]++;
	if (t->first_sent == 0)
		t->first_sent = now;
	more = lq_retx_next(&t->retx, &wait_ms);
	t->next_send = more ? now + wait_ms : UINT64_MAX;
	t->give_up = now + wait_ms;
}

/* Milliseconds until the next thing to do (a send or a give-up), capped
 * by the deadline; -1 when every server is done or given up. */
static int next_event(const struct lq_udp_exchange *ex, const struct target *t, uint64_t now,
		      uint64_t deadline)
{
	uint64_t next = UINT64_MAX;

	for (size_t i = 0; i < ex->n; i++) {
		if (t[i].done || (t[i].next_send == UINT64_MAX && now >= t[i].give_up))
			continue;
		uint64_t e = t[i].next_send != UINT64_MAX ? t[i].next_send : t[i].give_up;
		if (e < next)
			next = e;
	}
	if (next == UINT64_MAX)
		return -1;
	if (next > deadline)
		next = deadline;
	return next <= now ? 0 : (int)(next - now);
}

static int receive_one(struct lq_udp_exchange *ex, struct target *t, uint8_t *buf, size_t cap,
		       uint64_t now)
{
	struct sockaddr_storage from;
	socklen_t from_len = sizeof(from);
	ssize_t got = recvfrom(ex->fd, buf, cap, MSG_DONTWAIT, (struct sockaddr *)&from, &from_len);

	if (got < 0)
		return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ||
			errno == ECONNREFUSED) ? 0 : -1;
	int i = ex->on_datagram(ex->ctx, buf, (size_t)got, &from);
	if (i >= 0 && (size_t)i < ex->n && !t[i].done) {
		t[i].done = true;
		ex->elapsed_ms[i] = (uint32_t)(now - t[i].first_sent);
		return 1;
	}
	return 0;
}

int lq_udp_run(struct lq_udp_exchange *ex)
{
	struct target t[LQ_UDP_MAX_SERVERS];
	uint8_t *buf;
	const size_t cap = 65536;
	uint64_t now = now_ms();
	const uint64_t deadline = now + ex->timeout_ms;
	int answered = 0;

	if (ex->n > LQ_UDP_MAX_SERVERS) {
		errno = EINVAL;
		return -1;
	}
	if ((buf = malloc(cap)) == NULL)
		return -1;
	memset(t, 0, sizeof(t));
	for (size_t i = 0; i < ex->n; i++) {
		lq_retx_init(&t[i].retx, ex->family, ex->rng);
		t[i].next_send = now;
		ex->sent[i] = 0;
		ex->elapsed_ms[i] = 0;
	}
	while ((size_t)answered < ex->n) {
		now = now_ms();
		if (now >= deadline)
			break;
		for (size_t i = 0; i < ex->n; i++)
			if (!t[i].done && t[i].next_send != UINT64_MAX && now >= t[i].next_send)
				send_query(ex, i, &t[i], now);
		int wait = next_event(ex, t, now, deadline);
		if (wait < 0)
			break;
		struct pollfd pfd = { .fd = ex->fd, .events = POLLIN };
		int rc = poll(&pfd, 1, wait);
		if (rc < 0 && errno != EINTR) {
			free(buf);
			return -1;
		}
		/* read everything queued, then go back to sending and waiting */
		while (rc > 0 && (pfd.revents & POLLIN)) {
			int r = receive_one(ex, t, buf, cap, now_ms());
			if (r < 0) {
				free(buf);
				return -1;
			}
			answered += r;
			rc = poll(&pfd, 1, 0);
		}
	}
	free(buf);
	return answered;
}
