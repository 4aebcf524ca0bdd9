/* lq_perf.c - a closed-loop load generator for single leasequeries over UDP
 * (DHCPv4 RFC 4388, DHCPv6 RFC 5007), the one the single-query benchmark
 * (bench/single_query_bench.sh) drives every server with.
 *
 * It keeps WINDOW queries outstanding: every reply (or a timeout) sends the
 * next query in its place. Queries go out with sendmmsg and replies come in
 * with recvmmsg, from one UDP socket. Each query asks for a key drawn at
 * random (uniform, seeded) from a population: a range of addresses or a
 * list file. DHCPv4 queries are by IP address (ciaddr), or with --by-mac by
 * MAC address, with giaddr set to the generator's own address and the RFC
 * 8357 relay source port sub-option (82.19), so that a server that honours
 * it answers to the generator's port; a server that does not (ISC dhcpd)
 * answers to giaddr port 67, so bind to port 67 then (--sport 67). DHCPv6
 * queries are QUERY_BY_ADDRESS.
 *
 * Messages are built with liblq's wire layer (one template per query kind,
 * encoded once; each query patches its transaction id and key into the
 * template) and every reply is decoded and checked with it: it must be a
 * reply of the right type, match an outstanding transaction id, and name
 * the queried key. Replies are counted by type (DHCPv4 ACTIVE, UNASSIGNED,
 * UNKNOWN; DHCPv6 client data, no binding, NotConfigured, other status).
 * A query unanswered after --timeout is counted as a timeout and sent again
 * with a new transaction id; a reply to an old one is counted as late.
 *
 * The run is bounded: --warmup seconds not counted, then --duration seconds
 * measured (each at most 3600), then at most one timeout to collect the
 * replies still outstanding (not counted). Output: readable text, or one
 * JSON object with --json. Exit 0, 2 on a usage error, 1 when nothing was
 * answered. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lq/dhcp4.h"
#include "lq/dhcp6.h"

#define MAX_WINDOW 65536
#define MAX_DURATION 3600
#define BATCH 64                  /* datagrams per recvmmsg / sendmmsg */
#define QUERY_CAP 512
#define REPLY_CAP 65536           /* a DHCPv6 reply may be large */
#define QUERY4_MIN_LEN 300        /* BOOTP minimum, as lq pads its queries */
#define HIST_US 1000000           /* latency histogram: 1 us buckets up to 1 s */

/* BOOTP header offsets (RFC 2131 2) */
#define OFF4_XID 4
#define OFF4_CIADDR 12
#define OFF4_CHADDR 28

enum reply_class {
	/* DHCPv4 */
	R4_ACTIVE, R4_UNASSIGNED, R4_UNKNOWN,
	/* DHCPv6 */
	R6_CLIENT_DATA, R6_NO_BINDING, R6_NOT_CONFIGURED, R6_OTHER_STATUS,
	N_CLASSES
};

static const char *const class_names[N_CLASSES] = {
	"ACTIVE", "UNASSIGNED", "UNKNOWN",
	"client-data", "no-binding", "NotConfigured", "other-status",
};

/* One key to ask about: an address (4 or 16 octets) and, for DHCPv4 by
 * MAC, a hardware address. */
struct key {
	uint8_t addr[16];
	uint8_t mac[6];
};

struct population {
	/* a range: first + [0, count) on the low 32 (v4) or 64 (v6) bits */
	bool is_range;
	uint8_t first[16];
	uint64_t count;
	/* or a list */
	struct key *keys;
	size_t n_keys;
};

struct slot {
	bool busy;
	uint32_t xid;
	uint32_t gen;
	uint64_t sent_ns;
	struct key key;
	uint8_t *buf;               /* the query, from the template */
};

struct stats {
	uint64_t sent, replies, retransmits, timeouts, late, invalid, wrong_key, send_errors;
	uint64_t by_class[N_CLASSES];
	uint64_t lat_sum_us, lat_max_us;
	uint32_t *hist;             /* HIST_US + 1 buckets, the last one: 1 s and more */
};

struct opts {
	int family;
	const char *server;
	uint16_t port;
	const char *local;          /* source address, also giaddr (v4) */
	uint16_t sport;
	const char *giaddr;
	const char *range;
	const char *list;
	uint64_t limit;             /* use at most this many keys of the population */
	bool by_mac;
	uint8_t mac_prefix[2];
	bool relay_port;
	unsigned window;
	double duration, warmup, timeout;
	uint64_t seed;
	bool json;
	const char *label;
};

struct gen {
	struct opts o;
	int fd;
	struct sockaddr_storage dest;
	socklen_t dest_len;
	struct population pop;
	uint8_t tmpl[QUERY_CAP];
	size_t tmpl_len;
	size_t off_key;             /* where the key is patched in the template */
	struct slot *slots;
	uint64_t rng;
	struct stats st;
	uint64_t replies_all;       /* warm-up and drain included */
	/* send queue */
	unsigned n_queued;
	unsigned queued[MAX_WINDOW];
	/* receive buffers */
	uint8_t (*rbuf)[REPLY_CAP];
	struct lq4_msg *m4;
	struct lq6_msg *m6;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t rng_next(uint64_t *s)
{
	/* xorshift64* */
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: lq_perf [-4|-6] -s SERVER [-p PORT] -l LOCAL_ADDR [--sport PORT]\n"
		"               (--range FIRST-LAST | --list FILE) [--limit N] [--by-mac]\n"
		"               [--mac-prefix XX:XX] [--no-relay-port] [-w WINDOW] [-d SECONDS]\n"
		"               [--warmup SECONDS] [-t TIMEOUT_MS] [--seed N] [--json] [--label TEXT]\n"
		"  -s SERVER       the server's address; -p its port (67 / 547)\n"
		"  -l LOCAL_ADDR   the generator's address (bound; DHCPv4 giaddr unless --giaddr)\n"
		"  --sport PORT    the generator's UDP port (default: any; 67 for a server that\n"
		"                  answers giaddr port 67 whatever the relay port sub-option)\n"
		"  --range A-B     keys: every address from A to B (DHCPv4, or DHCPv6 with the\n"
		"                  same upper 64 bits); --list FILE: one address or MAC a line\n"
		"  --by-mac        DHCPv4 query by MAC address: with --range the MAC of address\n"
		"                  a.b.c.d is PP:PP:a:b:c:d (PP:PP = --mac-prefix, default 02:00)\n"
		"  -w WINDOW       queries outstanding (default 64)\n"
		"  -d SECONDS      measured duration (default 5), after --warmup (default 1)\n"
		"  -t TIMEOUT_MS   retransmit after (default 200)\n");
}

static int parse_mac(const char *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int hi = lq_hex_digit(s[0]), lo = hi < 0 ? -1 : lq_hex_digit(s[1]);

		if (hi < 0)
			return -1;
		if (lo < 0) {          /* one digit: "2:0:..." */
			out[i] = (uint8_t)hi;
			s += 1;
		} else {
			out[i] = (uint8_t)(hi << 4 | lo);
			s += 2;
		}
		if (i + 1 < n) {
			if (*s != ':' && *s != '-')
				return -1;
			s++;
		}
	}
	return *s == '\0' ? 0 : -1;
}

static int parse_addr(int family, const char *s, uint8_t out[16])
{
	memset(out, 0, 16);
	return inet_pton(family == 4 ? AF_INET : AF_INET6, s, out) == 1 ? 0 : -1;
}

/* The low 32 (v4) or 64 (v6) bits of an address, as a number. */
static uint64_t addr_low(int family, const uint8_t a[16])
{
	uint64_t v = 0;
	size_t from = family == 4 ? 0 : 8, to = family == 4 ? 4 : 16;

	for (size_t i = from; i < to; i++)
		v = v << 8 | a[i];
	return v;
}

static void addr_set_low(int family, uint8_t a[16], uint64_t v)
{
	size_t from = family == 4 ? 0 : 8, to = family == 4 ? 4 : 16;

	for (size_t i = to; i-- > from;) {
		a[i] = (uint8_t)v;
		v >>= 8;
	}
}

static int load_range(struct gen *g, const char *spec)
{
	char first[INET6_ADDRSTRLEN + 1], last[INET6_ADDRSTRLEN + 1];
	const char *dash = strchr(spec, '-');
	uint8_t a[16], b[16];

	if (dash == NULL || (size_t)(dash - spec) >= sizeof(first) || strlen(dash + 1) >= sizeof(last))
		return -1;
	memcpy(first, spec, (size_t)(dash - spec));
	first[dash - spec] = '\0';
	memcpy(last, dash + 1, strlen(dash + 1) + 1);
	if (parse_addr(g->o.family, first, a) < 0 || parse_addr(g->o.family, last, b) < 0)
		return -1;
	if (g->o.family == 6 && memcmp(a, b, 8) != 0)
		return -1;
	if (addr_low(g->o.family, b) < addr_low(g->o.family, a))
		return -1;
	g->pop.is_range = true;
	memcpy(g->pop.first, a, 16);
	g->pop.count = addr_low(g->o.family, b) - addr_low(g->o.family, a) + 1;
	if (g->pop.count == 0)          /* a whole 2^64 range */
		g->pop.count = UINT64_MAX;
	return 0;
}

static int load_list(struct gen *g, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256];
	size_t cap = 0, lineno = 0;

	if (f == NULL) {
		fprintf(stderr, "lq_perf: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *s = line, *e;
		struct key k;

		lineno++;
		while (*s == ' ' || *s == '\t')
			s++;
		for (e = s; *e != '\0' && *e != '\n' && *e != ' ' && *e != '\t' && *e != '#'; e++)
			;
		*e = '\0';
		if (*s == '\0')
			continue;
		memset(&k, 0, sizeof(k));
		if ((g->o.by_mac ? parse_mac(s, k.mac, 6) : parse_addr(g->o.family, s, k.addr)) != 0) {
			fprintf(stderr, "lq_perf: %s:%zu: not %s: %s\n", path, lineno,
				g->o.by_mac ? "a MAC address" : "an address", s);
			fclose(f);
			return -1;
		}
		if (g->pop.n_keys == cap) {
			size_t ncap = cap ? cap * 2 : 4096;
			struct key *p = realloc(g->pop.keys, ncap * sizeof(*p));
			if (p == NULL) {
				fclose(f);
				return -1;
			}
			g->pop.keys = p;
			cap = ncap;
		}
		g->pop.keys[g->pop.n_keys++] = k;
	}
	fclose(f);
	if (g->pop.n_keys == 0) {
		fprintf(stderr, "lq_perf: %s: no keys\n", path);
		return -1;
	}
	return 0;
}

static uint64_t population_size(const struct gen *g)
{
	uint64_t n = g->pop.is_range ? g->pop.count : g->pop.n_keys;

	return g->o.limit != 0 && g->o.limit < n ? g->o.limit : n;
}

static void pick_key(struct gen *g, struct key *k)
{
	uint64_t i = rng_next(&g->rng) % population_size(g);

	if (!g->pop.is_range) {
		*k = g->pop.keys[i];
		return;
	}
	memcpy(k->addr, g->pop.first, 16);
	addr_set_low(g->o.family, k->addr, addr_low(g->o.family, g->pop.first) + i);
	k->mac[0] = g->o.mac_prefix[0];
	k->mac[1] = g->o.mac_prefix[1];
	memcpy(k->mac + 2, k->addr, 4);
}

/* RFC 8357 5.1: the relay source port sub-option goes out empty. */
static const uint8_t relay_port_subopt[] = { LQ4_RAI_RELAY_PORT, 0 };

/* Parameters a relay asks for (as lq query does by default). */
static const uint8_t prl4[] = {
	LQ4_OPT_LEASE_TIME, LQ4_OPT_T1, LQ4_OPT_T2, LQ4_OPT_VENDOR_CLASS, LQ4_OPT_CLIENT_ID,
	LQ4_OPT_RELAY_AGENT_INFO, LQ4_OPT_CLT_TIME, LQ4_OPT_ASSOCIATED_IP,
};

static int build_template4(struct gen *g, const uint8_t giaddr[4])
{
	struct lq4_msg *m = calloc(1, sizeof(*m));
	lq_err err;

	if (m == NULL)
		return -1;
	lq4_msg_init(m, LQ4_LEASEQUERY, 0);
	memcpy(m->giaddr.b, giaddr, 4);
	if (g->o.by_mac) {
		m->htype = 1;
		m->hlen = 6;
		memset(m->chaddr, 0xee, 6);     /* patched per query */
		g->off_key = OFF4_CHADDR;
	} else {
		m->htype = 0;
		m->hlen = 0;
		memset(m->ciaddr.b, 0xee, 4);   /* patched per query */
		g->off_key = OFF4_CIADDR;
	}
	m->prl = (lq_bytes){ prl4, sizeof(prl4) };
	if (g->o.relay_port) {
		m->n_extra = 1;
		m->extra[0].code = LQ4_OPT_RELAY_AGENT_INFO;
		m->extra[0].value = (lq_bytes){ relay_port_subopt, sizeof(relay_port_subopt) };
	}
	err = lq4_encode(m, g->tmpl, sizeof(g->tmpl), &g->tmpl_len);
	free(m);
	if (err != LQ_OK) {
		fprintf(stderr, "lq_perf: cannot encode the query: %s\n", lq_strerror(err));
		return -1;
	}
	if (g->tmpl_len < QUERY4_MIN_LEN) {
		memset(g->tmpl + g->tmpl_len, 0, QUERY4_MIN_LEN - g->tmpl_len);
		g->tmpl_len = QUERY4_MIN_LEN;
	}
	return 0;
}

static int build_template6(struct gen *g)
{
	static const uint8_t placeholder[16] = { 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee,
						 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee };
	/* the requestor's DUID: DUID-LL of a made-up MAC */
	static const uint8_t duid[] = { 0, 3, 0, 1, 0x02, 0x00, 0x00, 0x00, 0x50, 0x66 };
	static const uint16_t oro[] = { LQ6_OPT_CLT_TIME, LQ6_OPT_LQ_RELAY_DATA };
	struct lq6_writer w;
	lq_ip6 addr, link;
	lq_err err;

	memcpy(addr.b, placeholder, 16);
	memset(link.b, 0, 16);
	lq6w_init(&w, g->tmpl, sizeof(g->tmpl));
	lq6w_header(&w, LQ6_LEASEQUERY, 0);
	lq6w_option(&w, LQ6_OPT_CLIENTID, duid, sizeof(duid));
	lq6w_lq_query_open(&w, LQ6_QUERY_BY_ADDRESS, &link);
	lq6w_iaaddr(&w, &addr, 0, 0);
	lq6w_oro(&w, oro, sizeof(oro) / sizeof(oro[0]));
	lq6w_close(&w);
	if ((err = lq6w_finish(&w, &g->tmpl_len)) != LQ_OK) {
		fprintf(stderr, "lq_perf: cannot encode the query: %s\n", lq_strerror(err));
		return -1;
	}
	for (size_t i = 0; i + 16 <= g->tmpl_len; i++) {
		if (memcmp(g->tmpl + i, placeholder, 16) == 0) {
			g->off_key = i;
			return 0;
		}
	}
	return -1;
}

/* Patch the slot's transaction id and key into its query. */
static void patch_query(struct gen *g, struct slot *s)
{
	if (g->o.family == 4) {
		uint32_t xid = htonl(s->xid);
		memcpy(s->buf + OFF4_XID, &xid, 4);
		if (g->o.by_mac)
			memcpy(s->buf + g->off_key, s->key.mac, 6);
		else
			memcpy(s->buf + g->off_key, s->key.addr, 4);
	} else {
		s->buf[1] = (uint8_t)(s->xid >> 16);
		s->buf[2] = (uint8_t)(s->xid >> 8);
		s->buf[3] = (uint8_t)s->xid;
		memcpy(s->buf + g->off_key, s->key.addr, 16);
	}
}

/* A new transaction id for slot i: the slot number in the low 16 bits. */
static void new_xid(struct gen *g, unsigned i)
{
	struct slot *s = &g->slots[i];

	s->gen++;
	s->xid = (s->gen << 16 | i) & (g->o.family == 4 ? 0xffffffffu : 0xffffffu);
}

static void queue_send(struct gen *g, unsigned i)
{
	g->queued[g->n_queued++] = i;
}

static void flush_sends(struct gen *g)
{
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	unsigned done = 0;

	while (done < g->n_queued) {
		unsigned n = g->n_queued - done < BATCH ? g->n_queued - done : BATCH;
		uint64_t t = now_ns();

		for (unsigned k = 0; k < n; k++) {
			struct slot *s = &g->slots[g->queued[done + k]];
			iov[k] = (struct iovec){ .iov_base = s->buf, .iov_len = g->tmpl_len };
			msgs[k].msg_hdr = (struct msghdr){
				.msg_name = &g->dest, .msg_namelen = g->dest_len,
				.msg_iov = &iov[k], .msg_iovlen = 1,
			};
			s->sent_ns = t;
		}
		int r = sendmmsg(g->fd, msgs, n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			/* count one lost query; its slot times out and is sent again */
			g->st.send_errors++;
			r = 1;
		}
		g->st.sent += (uint64_t)r;
		done += (unsigned)r;
	}
	g->n_queued = 0;
}

/* Start a fresh query in slot i (a new key and transaction id). */
static void start_query(struct gen *g, unsigned i)
{
	struct slot *s = &g->slots[i];

	s->busy = true;
	pick_key(g, &s->key);
	new_xid(g, i);
	patch_query(g, s);
	queue_send(g, i);
}

/* Which slot a reply's transaction id belongs to, or -1. */
static int match(struct gen *g, uint32_t xid)
{
	unsigned i = xid & 0xffff;

	if (i >= g->o.window || !g->slots[i].busy || g->slots[i].xid != xid)
		return -1;
	return (int)i;
}

/* Classify a DHCPv4 reply: -1 invalid, -2 not ours (late), else a class;
 * *slot_out the slot it answers. */
static int check_reply4(struct gen *g, const uint8_t *pkt, size_t len, int *slot_out, bool *wrong)
{
	struct lq4_msg *m = g->m4;
	int i;

	if (lq4_decode(pkt, len, m, NULL) != LQ_OK || m->op != LQ4_BOOTREPLY)
		return -1;
	if ((i = match(g, m->xid)) < 0)
		return -2;
	*slot_out = i;
	const struct key *k = &g->slots[i].key;
	switch (m->msg_type) {
	case LQ4_LEASEACTIVE:
		*wrong = g->o.by_mac ? memcmp(m->chaddr, k->mac, 6) != 0 : memcmp(m->ciaddr.b, k->addr, 4) != 0;
		return R4_ACTIVE;
	case LQ4_LEASEUNASSIGNED:
		*wrong = !g->o.by_mac && memcmp(m->ciaddr.b, k->addr, 4) != 0;
		return R4_UNASSIGNED;
	case LQ4_LEASEUNKNOWN:
		return R4_UNKNOWN;
	default:
		return -1;
	}
}

static int check_reply6(struct gen *g, const uint8_t *pkt, size_t len, int *slot_out, bool *wrong)
{
	struct lq6_msg *m = g->m6;
	int i;

	if (lq6_decode(pkt, len, m, NULL) != LQ_OK || m->type != LQ6_LEASEQUERY_REPLY)
		return -1;
	if ((i = match(g, m->xid)) < 0)
		return -2;
	*slot_out = i;
	if (m->status.present && m->status.code != LQ6_STATUS_SUCCESS)
		return m->status.code == LQ6_STATUS_NOT_CONFIGURED ? R6_NOT_CONFIGURED : R6_OTHER_STATUS;
	if (!m->client_data.present)
		return R6_NO_BINDING;
	/* the client data must hold the queried address (or a prefix with it) */
	struct lq6_iter it;
	struct lq6_lease lease;
	bool found = false;
	lq6_iter_init(&it, m->client_data.options);
	while (!found && lq6_client_data_next(&it, &lease)) {
		unsigned bits = lease.is_prefix ? lease.prefix_len : 128;
		unsigned full = bits / 8, rest = bits % 8;
		const uint8_t *q = g->slots[i].key.addr;
		found = memcmp(lease.addr.b, q, full) == 0 &&
			(rest == 0 || ((lease.addr.b[full] ^ q[full]) & (uint8_t)(0xff << (8 - rest))) == 0);
	}
	*wrong = !found;
	return R6_CLIENT_DATA;
}

static void record_latency(struct stats *st, uint64_t ns)
{
	uint64_t us = ns / 1000;

	st->lat_sum_us += us;
	if (us > st->lat_max_us)
		st->lat_max_us = us;
	st->hist[us < HIST_US ? us : HIST_US]++;
}

/* Read what has arrived; returns how many datagrams (0 when none). */
static int receive(struct gen *g, bool refill)
{
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];

	for (unsigned k = 0; k < BATCH; k++) {
		iov[k] = (struct iovec){ .iov_base = g->rbuf[k], .iov_len = REPLY_CAP };
		msgs[k].msg_hdr = (struct msghdr){ .msg_iov = &iov[k], .msg_iovlen = 1 };
	}
	int n = recvmmsg(g->fd, msgs, BATCH, MSG_DONTWAIT, NULL);
	if (n <= 0)
		return 0;
	uint64_t t = now_ns();
	for (int k = 0; k < n; k++) {
		int slot = -1;
		bool wrong = false;
		int c = g->o.family == 4 ? check_reply4(g, g->rbuf[k], msgs[k].msg_len, &slot, &wrong)
					 : check_reply6(g, g->rbuf[k], msgs[k].msg_len, &slot, &wrong);
		if (c == -1) {
			g->st.invalid++;
			continue;
		}
		if (c == -2) {
			g->st.late++;
			continue;
		}
		struct slot *s = &g->slots[slot];
		g->st.replies++;
		g->replies_all++;
		g->st.by_class[c]++;
		if (wrong)
			g->st.wrong_key++;
		record_latency(&g->st, t - s->sent_ns);
		s->busy = false;
		if (refill)
			start_query(g, (unsigned)slot);
	}
	return n;
}

/* Resend every query outstanding for longer than the timeout. */
static void check_timeouts(struct gen *g, uint64_t t, uint64_t timeout_ns, bool resend)
{
	for (unsigned i = 0; i < g->o.window; i++) {
		struct slot *s = &g->slots[i];
		if (!s->busy || t - s->sent_ns < timeout_ns)
			continue;
		g->st.timeouts++;
		if (!resend) {
			s->busy = false;
			continue;
		}
		g->st.retransmits++;
		new_xid(g, i);
		patch_query(g, s);
		queue_send(g, i);
	}
}

static void reset_stats(struct stats *st)
{
	uint32_t *hist = st->hist;

	memset(st, 0, sizeof(*st));
	memset(hist, 0, (HIST_US + 1) * sizeof(*hist));
	st->hist = hist;
}

static uint64_t percentile(const struct stats *st, double p)
{
	uint64_t n = 0, want;

	for (size_t i = 0; i <= HIST_US; i++)
		n += st->hist[i];
	if (n == 0)
		return 0;
	want = (uint64_t)(p * (double)n);
	if (want >= n)
		want = n - 1;
	for (size_t i = 0, seen = 0; i <= HIST_US; i++) {
		seen += st->hist[i];
		if (seen > want)
			return i;
	}
	return HIST_US;
}

static int open_socket(struct gen *g)
{
	int af = g->o.family == 4 ? AF_INET : AF_INET6;
	uint8_t local[16], server[16];
	struct sockaddr_storage ss;
	socklen_t len;
	int size = 4 << 20, on = 1;

	if (parse_addr(g->o.family, g->o.local, local) < 0 || parse_addr(g->o.family, g->o.server, server) < 0) {
		fprintf(stderr, "lq_perf: bad local or server address\n");
		return -1;
	}
	g->fd = socket(af, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (g->fd < 0)
		return -1;
	(void)setsockopt(g->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	(void)setsockopt(g->fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	(void)setsockopt(g->fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	memset(&ss, 0, sizeof(ss));
	memset(&g->dest, 0, sizeof(g->dest));
	if (af == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss, *d = (struct sockaddr_in *)&g->dest;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(g->o.sport);
		memcpy(&sin->sin_addr, local, 4);
		d->sin_family = AF_INET;
		d->sin_port = htons(g->o.port);
		memcpy(&d->sin_addr, server, 4);
		len = g->dest_len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss, *d = (struct sockaddr_in6 *)&g->dest;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(g->o.sport);
		memcpy(&sin6->sin6_addr, local, 16);
		d->sin6_family = AF_INET6;
		d->sin6_port = htons(g->o.port);
		memcpy(&d->sin6_addr, server, 16);
		len = g->dest_len = sizeof(*sin6);
	}
	if (bind(g->fd, (struct sockaddr *)&ss, len) < 0) {
		fprintf(stderr, "lq_perf: cannot bind %s port %u: %s\n", g->o.local, g->o.sport, strerror(errno));
		return -1;
	}
	return 0;
}

static void report(const struct gen *g, double measured)
{
	const struct stats *st = &g->st;
	double qps = measured > 0 ? (double)st->replies / measured : 0;
	double mean = st->replies ? (double)st->lat_sum_us / (double)st->replies : 0;
	int first = g->o.family == 4 ? R4_ACTIVE : R6_CLIENT_DATA;
	int last = g->o.family == 4 ? R4_UNKNOWN : R6_OTHER_STATUS;
	const char *kind = g->o.family == 4 ? (g->o.by_mac ? "by-mac" : "by-ip") : "by-address";

	if (g->o.json) {
		printf("{\"label\":\"%s\",\"family\":%d,\"query\":\"%s\",\"server\":\"%s\",\"port\":%u,"
		       "\"window\":%u,\"duration\":%.3f,\"qps\":%.1f,\"sent\":%" PRIu64 ",\"replies\":%" PRIu64,
		       g->o.label ? g->o.label : "", g->o.family, kind, g->o.server, g->o.port, g->o.window,
		       measured, qps, st->sent, st->replies);
		for (int c = first; c <= last; c++)
			printf(",\"%s\":%" PRIu64, class_names[c], st->by_class[c]);
		printf(",\"timeouts\":%" PRIu64 ",\"retransmits\":%" PRIu64 ",\"late\":%" PRIu64
		       ",\"invalid\":%" PRIu64 ",\"wrong_key\":%" PRIu64 ",\"send_errors\":%" PRIu64
		       ",\"p50_us\":%" PRIu64 ",\"p90_us\":%" PRIu64 ",\"p99_us\":%" PRIu64 ",\"p999_us\":%" PRIu64
		       ",\"max_us\":%" PRIu64 ",\"mean_us\":%.1f,\"replies_all\":%" PRIu64 "}\n",
		       st->timeouts, st->retransmits, st->late, st->invalid, st->wrong_key, st->send_errors,
		       percentile(st, 0.50), percentile(st, 0.90), percentile(st, 0.99), percentile(st, 0.999),
		       st->lat_max_us, mean, g->replies_all);
		return;
	}
	printf("lq_perf: DHCPv%d %s to %s port %u, window %u, %.2f s measured, %" PRIu64 " keys\n",
	       g->o.family, kind, g->o.server, g->o.port, g->o.window, measured, population_size(g));
	printf("  qps          %.0f\n", qps);
	printf("  sent         %" PRIu64 " (retransmits %" PRIu64 ", send errors %" PRIu64 ")\n", st->sent,
	       st->retransmits, st->send_errors);
	printf("  replies      %" PRIu64 ":", st->replies);
	for (int c = first; c <= last; c++)
		printf(" %s %" PRIu64, class_names[c], st->by_class[c]);
	printf("\n  not counted  timeouts %" PRIu64 ", late %" PRIu64 ", invalid %" PRIu64 ", wrong key %" PRIu64
	       "\n", st->timeouts, st->late, st->invalid, st->wrong_key);
	printf("  latency us   p50 %" PRIu64 "  p90 %" PRIu64 "  p99 %" PRIu64 "  p99.9 %" PRIu64 "  max %" PRIu64
	       "  mean %.1f\n", percentile(st, 0.50), percentile(st, 0.90), percentile(st, 0.99),
	       percentile(st, 0.999), st->lat_max_us, mean);
}

static int parse_seconds(const char *s, double max, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end != '\0' || !(v >= 0) || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v > max || s[0] == '-')
		return -1;
	*out = v;
	return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	enum { O_SPORT = 256, O_RANGE, O_LIST, O_LIMIT, O_BY_MAC, O_MAC_PREFIX, O_NO_RELAY_PORT,
	       O_WARMUP, O_SEED, O_JSON, O_LABEL, O_GIADDR };
	static const struct option longopts[] = {
		{ "server", required_argument, NULL, 's' }, { "port", required_argument, NULL, 'p' },
		{ "local", required_argument, NULL, 'l' }, { "sport", required_argument, NULL, O_SPORT },
		{ "giaddr", required_argument, NULL, O_GIADDR },
		{ "range", required_argument, NULL, O_RANGE }, { "list", required_argument, NULL, O_LIST },
		{ "limit", required_argument, NULL, O_LIMIT }, { "by-mac", no_argument, NULL, O_BY_MAC },
		{ "mac-prefix", required_argument, NULL, O_MAC_PREFIX },
		{ "no-relay-port", no_argument, NULL, O_NO_RELAY_PORT },
		{ "window", required_argument, NULL, 'w' }, { "duration", required_argument, NULL, 'd' },
		{ "warmup", required_argument, NULL, O_WARMUP }, { "timeout", required_argument, NULL, 't' },
		{ "seed", required_argument, NULL, O_SEED }, { "json", no_argument, NULL, O_JSON },
		{ "label", required_argument, NULL, O_LABEL }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	double ms;
	int c;

	*o = (struct opts){ .family = 4, .window = 64, .duration = 5, .warmup = 1, .timeout = 0.2,
			    .seed = 1, .relay_port = true, .mac_prefix = { 0x02, 0x00 } };
	while ((c = getopt_long(argc, argv, "46s:p:l:w:d:t:h", longopts, NULL)) != -1) {
		switch (c) {
		case '4': o->family = 4; break;
		case '6': o->family = 6; break;
		case 's': o->server = optarg; break;
		case 'l': o->local = optarg; break;
		case O_GIADDR: o->giaddr = optarg; break;
		case O_RANGE: o->range = optarg; break;
		case O_LIST: o->list = optarg; break;
		case O_BY_MAC: o->by_mac = true; break;
		case O_NO_RELAY_PORT: o->relay_port = false; break;
		case O_JSON: o->json = true; break;
		case O_LABEL: o->label = optarg; break;
		case 'p':
		case O_SPORT:
			if (parse_uint(optarg, 65535, &v) < 0)
				return -1;
			if (c == 'p')
				o->port = (uint16_t)v;
			else
				o->sport = (uint16_t)v;
			break;
		case O_LIMIT:
			if (parse_uint(optarg, UINT64_MAX, &o->limit) < 0)
				return -1;
			break;
		case O_SEED:
			if (parse_uint(optarg, UINT64_MAX, &o->seed) < 0)
				return -1;
			break;
		case 'w':
			if (parse_uint(optarg, MAX_WINDOW - 1, &v) < 0 || v == 0)
				return -1;
			o->window = (unsigned)v;
			break;
		case 'd':
			if (parse_seconds(optarg, MAX_DURATION, &o->duration) < 0 || o->duration <= 0)
				return -1;
			break;
		case O_WARMUP:
			if (parse_seconds(optarg, MAX_DURATION, &o->warmup) < 0)
				return -1;
			break;
		case 't':
			if (parse_seconds(optarg, 60000, &ms) < 0 || ms < 1)
				return -1;
			o->timeout = ms / 1000;
			break;
		case O_MAC_PREFIX:
			if (parse_mac(optarg, o->mac_prefix, 2) < 0)
				return -1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -1;
		}
	}
	if (optind != argc || o->server == NULL || o->local == NULL || (o->range == NULL) == (o->list == NULL))
		return -1;
	if (o->family == 6 && o->by_mac)
		return -1;
	if (o->port == 0)
		o->port = o->family == 4 ? LQ4_PORT : LQ6_PORT;
	return 0;
}

int main(int argc, char **argv)
{
	static struct gen g;
	uint8_t giaddr[16];

	if (parse_args(argc, argv, &g.o) < 0) {
		usage(stderr);
		return 2;
	}
	g.rng = g.o.seed * 0x9E3779B97F4A7C15ULL + 1;
	if ((g.o.range != NULL ? load_range(&g, g.o.range) : load_list(&g, g.o.list)) < 0) {
		if (g.o.range != NULL)
			fprintf(stderr, "lq_perf: bad range %s\n", g.o.range);
		return 2;
	}
	if (g.o.family == 4) {
		if (parse_addr(4, g.o.giaddr != NULL ? g.o.giaddr : g.o.local, giaddr) < 0) {
			fprintf(stderr, "lq_perf: bad giaddr\n");
			return 2;
		}
		if (build_template4(&g, giaddr) < 0)
			return 2;
	} else if (build_template6(&g) < 0) {
		return 2;
	}
	if (open_socket(&g) < 0)
		return 3;

	g.slots = calloc(g.o.window, sizeof(*g.slots));
	g.rbuf = malloc(BATCH * sizeof(*g.rbuf));
	g.m4 = malloc(sizeof(*g.m4));
	g.m6 = malloc(sizeof(*g.m6));
	g.st.hist = calloc(HIST_US + 1, sizeof(*g.st.hist));
	uint8_t *bufs = malloc((size_t)g.o.window * QUERY_CAP);
	if (g.slots == NULL || g.rbuf == NULL || g.m4 == NULL || g.m6 == NULL || g.st.hist == NULL || bufs == NULL) {
		fprintf(stderr, "lq_perf: out of memory\n");
		return 1;
	}
	for (unsigned i = 0; i < g.o.window; i++) {
		g.slots[i].buf = bufs + (size_t)i * QUERY_CAP;
		memcpy(g.slots[i].buf, g.tmpl, g.tmpl_len);
	}

	uint64_t timeout_ns = (uint64_t)(g.o.timeout * 1e9);
	uint64_t start = now_ns();
	uint64_t measure_from = start + (uint64_t)(g.o.warmup * 1e9);
	uint64_t end = measure_from + (uint64_t)(g.o.duration * 1e9);
	uint64_t next_scan = start + timeout_ns / 4;
	bool measuring = g.o.warmup == 0;
	uint64_t measured_start = start;
	struct pollfd pfd = { .fd = g.fd, .events = POLLIN };

	for (unsigned i = 0; i < g.o.window; i++)
		start_query(&g, i);
	flush_sends(&g);
	for (;;) {
		uint64_t t = now_ns();
		if (!measuring && t >= measure_from) {
			reset_stats(&g.st);
			measuring = true;
			measured_start = t;
		}
		if (t >= end)
			break;
		if (t >= next_scan) {
			check_timeouts(&g, t, timeout_ns, true);
			next_scan = t + (timeout_ns / 4 > 1000000 ? timeout_ns / 4 : 1000000);
		}
		if (receive(&g, true) == 0) {
			flush_sends(&g);
			uint64_t until = next_scan < end ? next_scan : end;
			int ms = until > t ? (int)((until - t + 999999) / 1000000) : 0;
			(void)poll(&pfd, 1, ms);
			continue;
		}
		flush_sends(&g);
	}
	double measured = (double)(now_ns() - measured_start) / 1e9;
	struct stats final = g.st;

	/* Collect the replies still on their way (not counted), at most one
	 * timeout long, so that nothing outstanding is left to the next run. */
	uint64_t drain_end = now_ns() + timeout_ns;
	for (;;) {
		bool busy = false;
		for (unsigned i = 0; i < g.o.window && !busy; i++)
			busy = g.slots[i].busy;
		uint64_t t = now_ns();
		if (!busy || t >= drain_end)
			break;
		if (receive(&g, false) == 0)
			(void)poll(&pfd, 1, (int)((drain_end - t + 999999) / 1000000));
	}
	g.st = final;
	report(&g, measured);
	close(g.fd);
	return g.st.replies > 0 ? 0 : 1;
}
