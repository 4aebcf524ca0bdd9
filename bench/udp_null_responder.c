/* udp_null_responder.c - the do-nothing leasequery server the single-query
 * benchmark compares lqd with: the upper bound of what a server built like
 * lqd can answer over UDP on this machine.
 *
 * It has lqd's UDP threading (src/lqd/udp.c): one thread per core (at most
 * 8), each with its own SO_REUSEPORT socket, poll then recvmmsg batches of
 * 32, replies with one sendmmsg. But instead of decoding the query and
 * looking anything up it swaps each datagram, in place, into the smallest
 * valid reply and sends it where lqd would:
 *
 *   DHCPv4: a DHCPLEASEQUERY (op BOOTREQUEST, magic cookie, non-zero giaddr)
 *   becomes DHCPLEASEUNKNOWN (RFC 4388 6.4.3: the query's xid, flags,
 *   ciaddr, htype/hlen/chaddr and giaddr; options 53 and 54 only) sent to
 *   giaddr port 67, or to the query's source port when option 82 carries
 *   the relay source port sub-option (RFC 8357), as lqd does.
 *   DHCPv6: a LEASEQUERY becomes a LEASEQUERY-REPLY with the same
 *   transaction id, the requestor's client identifier, a server identifier
 *   and status NotConfigured, sent back to the source address and port.
 *
 * Anything else is dropped. Runs until SIGINT or SIGTERM, then prints its
 * counters to standard error.
 *
 * usage: udp_null_responder [-a ADDRESS] [-p PORT] [-S SERVER_ID] [-T THREADS]
 *   -a  address to listen on (default 127.0.0.1; an IPv6 one serves DHCPv6)
 *   -p  UDP port (default 67, or 547 for IPv6)
 *   -S  DHCPv4 server identifier (option 54; default the listen address)
 *   -T  threads (default one per online core, at most 8, as lqd) */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH 32                  /* as lqd's UDP_BATCH */
#define MAX_QUERY 4096            /* as lqd's UDP_MAX_QUERY */
#define MAX_THREADS 8
#define POLL_MS 200

/* BOOTP (RFC 2131 2) */
#define V4_HEADER 236
#define V4_OPTIONS 240            /* after the magic cookie */
#define OFF_GIADDR 24
#define OFF_SNAME 44
#define V4_REPLY_LEN (V4_OPTIONS + 3 + 6 + 1)

static const uint8_t cookie[4] = { 99, 130, 83, 99 };
static const uint8_t server_duid[] = { 0, 3, 0, 1, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 }; /* DUID-LL */

static atomic_bool stopping;

struct worker {
	pthread_t thread;
	int fd;
	int family;
	uint8_t server_id[4];
	uint64_t received, answered, dropped;
	uint8_t in[BATCH][MAX_QUERY];
	struct sockaddr_storage from[BATCH];
	struct sockaddr_storage to[BATCH];
};

/* Does the option area carry option 82 with sub-option 19 (relay port)? */
static bool has_relay_port(const uint8_t *p, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint8_t code = p[i];
		if (code == 0) {
			i++;
			continue;
		}
		if (code == 255 || i + 1 >= len || i + 2 + p[i + 1] > len)
			return false;
		if (code == 82) {
			const uint8_t *s = p + i + 2;
			size_t slen = p[i + 1];
			for (size_t j = 0; j + 1 < slen; j += 2 + (size_t)s[j + 1])
				if (s[j] == 19)
					return true;
		}
		i += 2 + (size_t)p[i + 1];
	}
	return false;
}

/* The query in buf (len octets) from *from becomes DHCPLEASEUNKNOWN; *to
 * gets its destination. Returns the reply length, 0 to drop. */
static size_t swap4(struct worker *w, uint8_t *buf, size_t len, const struct sockaddr_in *from,
		    struct sockaddr_in *to)
{
	if (len < V4_OPTIONS || buf[0] != 1 || memcmp(buf + V4_HEADER, cookie, 4) != 0 ||
	    memcmp(buf + OFF_GIADDR, "\0\0\0\0", 4) == 0)
		return 0;
	memset(to, 0, sizeof(*to));
	to->sin_family = AF_INET;
	memcpy(&to->sin_addr, buf + OFF_GIADDR, 4);
	to->sin_port = has_relay_port(buf + V4_OPTIONS, len - V4_OPTIONS) ? from->sin_port : htons(67);
	buf[0] = 2;                          /* BOOTREPLY */
	buf[3] = 0;                          /* hops */
	memset(buf + 8, 0, 2);               /* secs */
	memset(buf + 16, 0, 8);              /* yiaddr, siaddr */
	memset(buf + OFF_SNAME, 0, V4_HEADER - OFF_SNAME);
	uint8_t *o = buf + V4_OPTIONS;
	*o++ = 53, *o++ = 1, *o++ = 12;      /* DHCPLEASEUNKNOWN */
	*o++ = 54, *o++ = 4;
	memcpy(o, w->server_id, 4);
	o += 4;
	*o = 255;
	return V4_REPLY_LEN;
}

/* A LEASEQUERY becomes LEASEQUERY-REPLY, status NotConfigured. */
static size_t swap6(uint8_t *buf, size_t len)
{
	uint8_t client_id[2 + 2 + 130];
	size_t cid_len = 0, n;

	if (len < 4 || buf[0] != 14)
		return 0;
	for (size_t i = 4; i + 4 <= len;) {
		size_t code = (size_t)buf[i] << 8 | buf[i + 1], olen = (size_t)buf[i + 2] << 8 | buf[i + 3];
		if (i + 4 + olen > len)
			return 0;
		if (code == 1 && olen <= 130) {
			cid_len = 4 + olen;
			memcpy(client_id, buf + i, cid_len);
		}
		i += 4 + olen;
	}
	if (cid_len == 0)
		return 0;
	buf[0] = 15;
	n = 4;
	memcpy(buf + n, client_id, cid_len);
	n += cid_len;
	buf[n++] = 0, buf[n++] = 2, buf[n++] = 0, buf[n++] = sizeof(server_duid);
	memcpy(buf + n, server_duid, sizeof(server_duid));
	n += sizeof(server_duid);
	buf[n++] = 0, buf[n++] = 13, buf[n++] = 0, buf[n++] = 2;   /* status code */
	buf[n++] = 0, buf[n++] = 9;                                /* NotConfigured */
	return n;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct mmsghdr msgs[BATCH], replies[BATCH];
	struct iovec iov[BATCH], reply_iov[BATCH];
	struct pollfd pfd = { .fd = w->fd, .events = POLLIN };

	while (!atomic_load(&stopping)) {
		if (poll(&pfd, 1, POLL_MS) <= 0)
			continue;
		for (unsigned i = 0; i < BATCH; i++) {
			iov[i] = (struct iovec){ .iov_base = w->in[i], .iov_len = MAX_QUERY };
			msgs[i].msg_hdr = (struct msghdr){
				.msg_name = &w->from[i], .msg_namelen = sizeof(w->from[i]),
				.msg_iov = &iov[i], .msg_iovlen = 1,
			};
		}
		int n = recvmmsg(w->fd, msgs, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			continue;
		w->received += (uint64_t)n;
		unsigned k = 0;
		for (int i = 0; i < n; i++) {
			size_t len;
			socklen_t tolen;
			if (w->family == 4) {
				len = swap4(w, w->in[i], msgs[i].msg_len, (struct sockaddr_in *)&w->from[i],
					    (struct sockaddr_in *)&w->to[k]);
				tolen = sizeof(struct sockaddr_in);
			} else {
				len = swap6(w->in[i], msgs[i].msg_len);
				memcpy(&w->to[k], &w->from[i], sizeof(w->to[k]));
				tolen = msgs[i].msg_hdr.msg_namelen;
			}
			if (len == 0) {
				w->dropped++;
				continue;
			}
			reply_iov[k] = (struct iovec){ .iov_base = w->in[i], .iov_len = len };
			replies[k].msg_hdr = (struct msghdr){
				.msg_name = &w->to[k], .msg_namelen = tolen,
				.msg_iov = &reply_iov[k], .msg_iovlen = 1,
			};
			k++;
		}
		for (unsigned sent = 0; sent < k;) {
			int r = sendmmsg(w->fd, replies + sent, k - sent, 0);
			if (r <= 0) {
				sent++;   /* skip the datagram that failed */
				continue;
			}
			sent += (unsigned)r;
			w->answered += (uint64_t)r;
		}
	}
	return NULL;
}

static int open_socket(int family, const uint8_t *addr, uint16_t port)
{
	int on = 1;
	int fd = socket(family == 4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_storage ss;
	socklen_t len;

	if (fd < 0)
		return -1;
	memset(&ss, 0, sizeof(ss));
	if (family == 4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, addr, 4);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, addr, 16);
		len = sizeof(*sin6);
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) < 0 ||
	    bind(fd, (struct sockaddr *)&ss, len) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&stopping, true);
}

int main(int argc, char **argv)
{
	const char *address = "127.0.0.1", *server_id = NULL;
	long threads = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned long port = 0;
	uint8_t addr[16], sid[4] = { 0 };
	int family, c;

	while ((c = getopt(argc, argv, "a:p:S:T:h")) != -1) {
		switch (c) {
		case 'a': address = optarg; break;
		case 'p': port = strtoul(optarg, NULL, 10); break;
		case 'S': server_id = optarg; break;
		case 'T': threads = strtol(optarg, NULL, 10); break;
		default:
			fprintf(stderr, "usage: udp_null_responder [-a ADDRESS] [-p PORT] [-S SERVER_ID] [-T THREADS]\n");
			return c == 'h' ? 0 : 2;
		}
	}
	if (inet_pton(AF_INET, address, addr) == 1)
		family = 4;
	else if (inet_pton(AF_INET6, address, addr) == 1)
		family = 6;
	else {
		fprintf(stderr, "udp_null_responder: bad address %s\n", address);
		return 2;
	}
	if (port == 0 || port > 65535)
		port = family == 4 ? 67 : 547;
	if (threads < 1)
		threads = 1;
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	if (family == 4)
		memcpy(sid, addr, 4);
	if (server_id != NULL && inet_pton(AF_INET, server_id, sid) != 1) {
		fprintf(stderr, "udp_null_responder: bad server identifier %s\n", server_id);
		return 2;
	}

	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	struct worker *w = calloc((size_t)threads, sizeof(*w));
	if (w == NULL)
		return 1;
	for (long i = 0; i < threads; i++) {
		w[i].family = family;
		memcpy(w[i].server_id, sid, 4);
		if ((w[i].fd = open_socket(family, addr, (uint16_t)port)) < 0) {
			fprintf(stderr, "udp_null_responder: cannot listen on %s port %lu: %s\n", address, port,
				strerror(errno));
			free(w);
			return 1;
		}
	}
	for (long i = 0; i < threads; i++) {
		if (pthread_create(&w[i].thread, NULL, worker_main, &w[i]) != 0) {
			fprintf(stderr, "udp_null_responder: cannot start a thread\n");
			exit(1);
		}
	}
	fprintf(stderr, "udp_null_responder: answering DHCPv%d on %s port %lu (%ld threads)\n", family, address,
		port, threads);
	uint64_t received = 0, answered = 0, dropped = 0;
	for (long i = 0; i < threads; i++) {
		pthread_join(w[i].thread, NULL);
		close(w[i].fd);
		received += w[i].received;
		answered += w[i].answered;
		dropped += w[i].dropped;
	}
	fprintf(stderr, "udp_null_responder: received %llu, answered %llu, dropped %llu\n",
		(unsigned long long)received, (unsigned long long)answered, (unsigned long long)dropped);
	free(w);
	return 0;
}
