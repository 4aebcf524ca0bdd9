/* udp.c - lqd's UDP service for single leasequeries (RFC 4388 on port 67,
 * RFC 5007 on port 547): for every listen address with a UDP port, one
 * receive thread per core, each with its own SO_REUSEPORT socket and its own
 * store snapshot reader. A thread takes up to UDP_BATCH datagrams with one
 * recvmmsg, answers them from one fresh snapshot (readers never wait for the
 * ingestion writer) through the query engine (lib/query), and sends the
 * replies with one sendmmsg. This file knows sockets, not option layouts. */
#include <errno.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lq/query.h"
#include "lqd.h"

#define UDP_BATCH 32
#define UDP_MAX_QUERY 4096        /* a larger datagram is truncated, then refused by the decoder */
#define UDP_MAX_THREADS 8
#define UDP_POLL_MS 200           /* how often an idle thread checks for shutdown */

/* All_DHCP_Relay_Agents_and_Servers (RFC 8415) */
static const uint8_t all_dhcp_relay_agents_and_servers[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0,
							      0, 0, 0, 0, 0, 1, 0, 2};

struct udp_thread {
	struct lqd_udp *udp;
	const struct lq_config_listen *listen;
	int fd;
	pthread_t thread;
	bool started;
	struct lq_store_reader *reader;
	/* batch buffers */
	uint8_t (*in)[UDP_MAX_QUERY];
	uint8_t (*out)[LQ_QUERY_MAX_REPLY];
	struct sockaddr_storage from[UDP_BATCH];
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} control[UDP_BATCH];
	/* counters, read by the control socket */
	_Atomic uint64_t received, answered, dropped, refused, send_errors;
};

struct lqd_udp {
	struct lqd *d;
	atomic_bool stopping;
	struct udp_thread *threads;
	size_t n_threads;
	/* refusal logging: at most LOG_REFUSALS_PER_SECOND lines a second */
	pthread_mutex_t log_lock;
	time_t log_second;
	unsigned log_count;
};

#define LOG_REFUSALS_PER_SECOND 10

static unsigned threads_per_address(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		n = 1;
	return n > UDP_MAX_THREADS ? UDP_MAX_THREADS : (unsigned)n;
}

/* On the unspecified address, DHCPv6 requestors on the link may send to
 * All_DHCP_Relay_Agents_and_Servers: join it on every interface that has
 * multicast. Failures are not fatal (unicast still works). */
static void join_dhcp6_multicast(int fd)
{
	struct if_nameindex *ifs = if_nameindex();

	if (ifs == NULL)
		return;
	for (struct if_nameindex *i = ifs; i->if_index != 0; i++) {
		struct ipv6_mreq mreq = {.ipv6mr_interface = i->if_index};
		memcpy(&mreq.ipv6mr_multiaddr, all_dhcp_relay_agents_and_servers, 16);
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &mreq, sizeof(mreq));
	}
	if_freenameindex(ifs);
}

static socklen_t sockaddr_from_peer(const struct lq_query_peer *peer, uint32_t scope_id,
				    struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (peer->family == 4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(peer->port);
		memcpy(&sin->sin_addr, peer->addr, 4);
		return sizeof(*sin);
	}
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(peer->port);
	memcpy(&sin6->sin6_addr, peer->addr, 16);
	sin6->sin6_scope_id = scope_id;
	return sizeof(*sin6);
}

/* Was the datagram sent to a multicast address? (and on which interface) */
static bool received_on_multicast(struct msghdr *mh, uint32_t *ifindex)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			*ifindex = (uint32_t)pi.ipi6_ifindex;
			return pi.ipi6_addr.s6_addr[0] == 0xff;
		}
	}
	return false;
}

static void log_refusal(struct lqd_udp *udp, const struct lq_query_peer *peer, const struct lq_query_result *res)
{
	char who[LQD_PEER_TEXT_MAX];
	time_t now = time(NULL);
	bool log;

	pthread_mutex_lock(&udp->log_lock);
	if (now != udp->log_second) {
		if (udp->log_count > LOG_REFUSALS_PER_SECOND)
			lqd_log(LQD_LOG_WARNING, "udp: %u more refusals not logged",
				udp->log_count - LOG_REFUSALS_PER_SECOND);
		udp->log_second = now;
		udp->log_count = 0;
	}
	log = ++udp->log_count <= LOG_REFUSALS_PER_SECOND;
	pthread_mutex_unlock(&udp->log_lock);
	if (!log)
		return;
	lqd_log(LQD_LOG_WARNING, "udp: refused a DHCPv%d %s query from %s (%s)", peer->family,
		lq_query_kind_name(res->kind), lqd_peer_text(peer, who, sizeof(who)),
		res->verdict == LQ_QUERY_DROP ? "dropped" : "answered NotAllowed");
}

/* Answer one received batch; returns how many replies were queued in out. */
static unsigned answer_batch(struct udp_thread *t, struct mmsghdr *msgs, unsigned n, struct mmsghdr *replies,
			     struct iovec *reply_iov, struct sockaddr_storage *reply_to)
{
	struct lqd *d = t->udp->d;
	struct lq_query_env env = {.config = &d->config, .now = (int64_t)time(NULL)};
	unsigned n_replies = 0;

	if (lq_store_read_renew(t->reader) < 0) {
		t->dropped += n;
		return 0;
	}
	for (unsigned i = 0; i < n; i++) {
		struct lq_query_peer peer;
		struct lq_query_result res;
		uint32_t ifindex = 0;
		int rc;

		lqd_peer_from_sockaddr(&t->from[i], &peer);
		peer.multicast = peer.family == 6 && received_on_multicast(&msgs[i].msg_hdr, &ifindex);
		memset(&res, 0, sizeof(res));
		if (peer.family == 4)
			rc = lq4_query_answer(&env, t->reader, t->in[i], msgs[i].msg_len, &peer, t->out[n_replies],
					      sizeof(t->out[n_replies]), &res);
		else
			rc = lq6_query_answer(&env, t->reader, t->in[i], msgs[i].msg_len, &peer, t->out[n_replies],
					      sizeof(t->out[n_replies]), &res);
		if (res.refused) {
			t->refused++;
			log_refusal(t->udp, &peer, &res);
		}
		if (rc < 0 || res.verdict != LQ_QUERY_REPLY) {
			t->dropped++;
			if (rc == 0 && !res.refused && res.reason != NULL && lqd_log_enabled(LQD_LOG_DEBUG)) {
				char who[LQD_PEER_TEXT_MAX];
				lqd_log(LQD_LOG_DEBUG, "udp: dropped a datagram from %s: %s",
					lqd_peer_text(&peer, who, sizeof(who)), res.reason);
			}
			continue;
		}
		reply_iov[n_replies] = (struct iovec){.iov_base = t->out[n_replies], .iov_len = res.len};
		socklen_t tolen = sockaddr_from_peer(&res.dest, ifindex, &reply_to[n_replies]);
		replies[n_replies].msg_hdr = (struct msghdr){
			.msg_name = &reply_to[n_replies], .msg_namelen = tolen,
			.msg_iov = &reply_iov[n_replies], .msg_iovlen = 1,
		};
		t->answered++;
		n_replies++;
	}
	lq_store_read_reset(t->reader);
	return n_replies;
}

static void *udp_thread_main(void *arg)
{
	struct udp_thread *t = arg;
	struct mmsghdr msgs[UDP_BATCH], replies[UDP_BATCH];
	struct iovec iov[UDP_BATCH], reply_iov[UDP_BATCH];
	struct sockaddr_storage reply_to[UDP_BATCH];
	struct pollfd pfd = {.fd = t->fd, .events = POLLIN};

	while (!atomic_load(&t->udp->stopping)) {
		int ready = poll(&pfd, 1, UDP_POLL_MS);
		if (ready <= 0)
			continue;
		for (unsigned i = 0; i < UDP_BATCH; i++) {
			iov[i] = (struct iovec){.iov_base = t->in[i], .iov_len = UDP_MAX_QUERY};
			msgs[i].msg_hdr = (struct msghdr){
				.msg_name = &t->from[i], .msg_namelen = sizeof(t->from[i]),
				.msg_iov = &iov[i], .msg_iovlen = 1,
				.msg_control = t->control[i].buf, .msg_controllen = sizeof(t->control[i].buf),
			};
		}
		int n = recvmmsg(t->fd, msgs, UDP_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			continue;
		t->received += (uint64_t)n;
		unsigned n_replies = answer_batch(t, msgs, (unsigned)n, replies, reply_iov, reply_to);
		for (unsigned sent = 0; sent < n_replies;) {
			int k = sendmmsg(t->fd, replies + sent, n_replies - sent, 0);
			if (k <= 0) {
				/* skip the datagram that failed (unreachable peer, ...) */
				t->send_errors++;
				sent++;
				continue;
			}
			sent += (unsigned)k;
		}
	}
	return NULL;
}

static int start_thread(struct lqd_udp *udp, struct udp_thread *t, const struct lq_config_listen *l)
{
	t->udp = udp;
	t->listen = l;
	t->fd = lqd_listen_socket(l, false);
	if (t->fd < 0) {
		lqd_log(LQD_LOG_ERROR, "udp: cannot listen on %s port %u: %s", l->address, l->udp_port, strerror(errno));
		return -1;
	}
	if (l->family == 6 && memcmp(l->v6.b, (const uint8_t[16]){0}, 16) == 0)
		join_dhcp6_multicast(t->fd);
	t->in = malloc(sizeof(*t->in) * UDP_BATCH);
	t->out = malloc(sizeof(*t->out) * UDP_BATCH);
	if (t->in == NULL || t->out == NULL || lq_store_read_begin(udp->d->store, &t->reader) < 0) {
		lqd_log(LQD_LOG_ERROR, "udp: out of memory or store readers");
		return -1;
	}
	lq_store_read_reset(t->reader);
	if (pthread_create(&t->thread, NULL, udp_thread_main, t) != 0) {
		lqd_log(LQD_LOG_ERROR, "udp: cannot start a thread");
		return -1;
	}
	t->started = true;
	return 0;
}

struct lqd_udp *lqd_udp_start(struct lqd *d)
{
	struct lqd_udp *udp = calloc(1, sizeof(*udp));
	unsigned per_address = threads_per_address();
	size_t n = 0;

	if (udp == NULL)
		return NULL;
	udp->d = d;
	pthread_mutex_init(&udp->log_lock, NULL);
	for (size_t i = 0; i < d->config.n_listen; i++)
		if (d->config.listen[i].udp_port != 0)
			n += per_address;
	udp->threads = calloc(n > 0 ? n : 1, sizeof(*udp->threads));
	if (udp->threads == NULL) {
		free(udp);
		return NULL;
	}
	for (size_t i = 0; i < d->config.n_listen; i++) {
		const struct lq_config_listen *l = &d->config.listen[i];
		if (l->udp_port == 0)
			continue;
		for (unsigned k = 0; k < per_address; k++) {
			if (start_thread(udp, &udp->threads[udp->n_threads++], l) < 0) {
				lqd_udp_stop(udp);
				return NULL;
			}
		}
		lqd_log(LQD_LOG_INFO, "udp: answering DHCPv%d leasequeries on %s port %u (%u threads)", l->family,
			l->address, l->udp_port, per_address);
	}
	return udp;
}

void lqd_udp_stop(struct lqd_udp *udp)
{
	if (udp == NULL)
		return;
	atomic_store(&udp->stopping, true);
	for (size_t i = 0; i < udp->n_threads; i++) {
		struct udp_thread *t = &udp->threads[i];
		if (t->started)
			pthread_join(t->thread, NULL);
		if (t->reader != NULL)
			lq_store_read_end(t->reader);
		if (t->fd >= 0)
			close(t->fd);
		free(t->in);
		free(t->out);
	}
	free(udp->threads);
	pthread_mutex_destroy(&udp->log_lock);
	free(udp);
}

void lqd_udp_stats(const struct lqd_udp *udp, struct lqd_udp_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (udp == NULL)
		return;
	for (size_t i = 0; i < udp->n_threads; i++) {
		const struct udp_thread *t = &udp->threads[i];
		out->received += atomic_load(&t->received);
		out->answered += atomic_load(&t->answered);
		out->dropped += atomic_load(&t->dropped);
		out->refused += atomic_load(&t->refused);
		out->send_errors += atomic_load(&t->send_errors);
	}
	out->threads = udp->n_threads;
}
