/* active_sink.c - the load of the active leasequery benchmark
 * (bench/active_bench.sh): a lease writer and many active requestors in one
 * process, so that every change carries the time it was written and every
 * subscriber measures, per change, the delay from the write into the lease
 * file to the moment the change is in its hands.
 *
 * usage: active_sink -p PORT -f LEASEFILE -N ROWS [-a ADDR] [-n SUBSCRIBERS]
 *                    [-r RATE] [-d SECONDS] [-t TICK_US] [-g GRACE_S] [-Q]
 *        active_sink -p PORT -C START [-a ADDR] [-e EXPECTED]
 *
 * Live mode: SUBSCRIBERS (default 100) connections to lqd on ADDR:PORT
 * (default 127.0.0.1), each with a DHCPACTIVELEASEQUERY (RFC 7724, every
 * binding, no start time, parameter request list 61 152 156). A warm-up
 * line is appended until every subscriber has seen one (so that every
 * query runs), then the writer thread appends RATE changes a second
 * (default 10000) for SECONDS (default 10) to LEASEFILE, a Kea memfile v4
 * lease file lqd follows: every TICK_US microseconds (default 1000) the
 * lines due so far, in one write(2). Change i updates the binding of the
 * address 10.0.1.0 + (i mod ROWS) (bench/gen_kea_leases.py's addresses);
 * its client identifier (option 61) is "LQAB", i and the CLOCK_MONOTONIC
 * time taken right before the write. The subscribers (one epoll thread,
 * the main one) read every DHCPLEASEACTIVE / DHCPLEASEUNASSIGNED, take the
 * time after the read(2) that completed it, and add now - written to a
 * histogram. Every subscriber must receive every change exactly once
 * (duplicates and losses are counted per subscriber; GRACE_S, default 10,
 * is how long they may take after the last write).
 * -Q: the subscribers set TCP_QUICKACK after every read, so that their
 * acknowledgements are never delayed (a diagnosis: with it, what a sender
 * that leaves Nagle's algorithm on costs disappears from the figures).
 * Prints the delivery count and p50/p90/p99/p99.9/max latency; exits 1
 * when a change was lost, 3 when lqd cannot be reached.
 *
 * Catch-up mode (-C): one DHCPACTIVELEASEQUERY with query-start-time START
 * (Unix seconds, lqd's clock); counts the bindings until
 * DHCPLEASEQUERYSTATUS CatchUpComplete and prints the rate. Exits 1 on
 * DataMissing, an early end, or fewer than EXPECTED bindings. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lq/dhcp4.h"
#include "lq/framing.h"

#define READ_CHUNK ((size_t)256 * 1024)
#define HIST_FINE 100000u            /* 1 us buckets up to 100 ms */
#define HIST_COARSE 60000u           /* then 1 ms buckets up to 60 s */
#define WARM_SEQ UINT32_MAX
#define LINE_MAX_LEN ((size_t)160)
#define WARM_BUF (LINE_MAX_LEN * 4)

static const uint8_t magic[4] = {'L', 'Q', 'A', 'B'};

struct sub {
	int fd;
	struct lq_frame_reader reader;
	uint8_t *msgbuf;
	uint8_t *seen;                  /* a bit per change */
	uint64_t got, dups, warm, status_msgs;
	int closed;
};

struct run {
	const char *addr, *file;
	int port;
	unsigned subs, rows, tick_us, grace_s;
	int quickack;
	double rate, seconds;
	uint64_t total;                 /* changes the writer writes */
	_Atomic uint64_t written;       /* changes written so far */
	_Atomic int writer_done;
	uint64_t writes, late_ticks;
	double writer_seconds;
	uint32_t hist[HIST_FINE + HIST_COARSE + 1];
	uint64_t samples, max_us;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int connect_to(const char *addr, int port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int one = 1;
	int fd;

	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		return -1;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* The framed DHCPACTIVELEASEQUERY: every binding, PRL 61 152 156. */
static size_t build_query(uint8_t *out, size_t cap, uint32_t xid, int64_t start)
{
	static const uint8_t prl[] = {LQ4_OPT_CLIENT_ID, LQ4_OPT_BASE_TIME, LQ4_OPT_DHCP_STATE};
	static struct lq4_msg m;
	static uint8_t msg[LQ_FRAME_MAX];
	size_t len = 0, flen = 0;

	lq4_msg_init(&m, LQ4_ACTIVELEASEQUERY, xid);
	m.htype = 0;
	m.hlen = 0;
	m.prl = (lq_bytes){prl, sizeof(prl)};
	if (start >= 0) {
		m.has_query_start_time = true;
		m.query_start_time = (uint32_t)start;
	}
	if (lq4_encode(&m, msg, sizeof(msg), &len) != LQ_OK ||
	    lq_frame_write(msg, len, out, cap, &flen) != LQ_OK)
		return 0;
	return flen;
}

static int send_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* What one DHCPv4 message says: its type, status, and our client
 * identifier's sequence number and write time when it has one. */
struct seen_msg {
	int type;
	int status;
	int has_id;
	uint32_t seq;
	uint64_t t_ns;
};

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void parse4(const uint8_t *m, size_t len, struct seen_msg *out)
{
	memset(out, 0, sizeof(*out));
	out->type = -1;
	out->status = -1;
	for (size_t i = LQ4_MIN_LEN; i + 1 < len;) {
		uint8_t code = m[i];
		if (code == LQ4_OPT_PAD) {
			i++;
			continue;
		}
		size_t olen = m[i + 1];
		if (code == LQ4_OPT_END || i + 2 + olen > len)
			break;
		const uint8_t *v = m + i + 2;
		if (code == LQ4_OPT_MSG_TYPE && olen == 1)
			out->type = v[0];
		else if (code == LQ4_OPT_STATUS_CODE && olen >= 1)
			out->status = v[0];
		else if (code == LQ4_OPT_CLIENT_ID && olen == 16 && memcmp(v, magic, sizeof(magic)) == 0) {
			out->has_id = 1;
			out->seq = get32(v + 4);
			out->t_ns = (uint64_t)get32(v + 8) << 32 | get32(v + 12);
		}
		i += 2 + olen;
	}
}

/* ---- the writer ---- */

/* Append n lines for changes first..first+n-1 (or warm-up lines) written
 * at t_ns, in one write(2). */
static int write_changes(struct run *r, int fd, uint64_t first, uint64_t n, uint64_t t_ns, char *buf, size_t cap)
{
	size_t used = 0;
	long long expire = (long long)time(NULL) + 3600;

	for (uint64_t k = 0; k < n; k++) {
		uint32_t seq = first == WARM_SEQ ? WARM_SEQ : (uint32_t)(first + k);
		uint32_t idx = seq == WARM_SEQ ? r->rows : seq % r->rows;
		uint32_t a = 0x0a000100u + idx;
		uint8_t id[16];
		memcpy(id, magic, sizeof(magic));
		id[4] = (uint8_t)(seq >> 24);
		id[5] = (uint8_t)(seq >> 16);
		id[6] = (uint8_t)(seq >> 8);
		id[7] = (uint8_t)seq;
		for (int b = 0; b < 8; b++)
			id[8 + b] = (uint8_t)(t_ns >> (56 - 8 * b));
		if (cap - used < LINE_MAX_LEN)
			return -1;
		int w = snprintf(buf + used, cap - used, "%u.%u.%u.%u,02:00:%02x:%02x:%02x:%02x,", a >> 24,
				 (a >> 16) & 255, (a >> 8) & 255, a & 255, (idx >> 24) & 255, (idx >> 16) & 255,
				 (idx >> 8) & 255, idx & 255);
		used += (size_t)w;
		for (int b = 0; b < 16; b++) {
			w = snprintf(buf + used, cap - used, b == 0 ? "%02x" : ":%02x", id[b]);
			used += (size_t)w;
		}
		w = snprintf(buf + used, cap - used, ",3600,%lld,1,0,0,,0,\n", expire);
		used += (size_t)w;
	}
	return send_all(fd, (const uint8_t *)buf, used);
}

static void *writer_main(void *arg)
{
	struct run *r = arg;
	size_t cap = (size_t)(r->rate * r->tick_us / 1e6 + 64) * LINE_MAX_LEN * 4;
	char *buf = malloc(cap);
	int fd = open(r->file, O_WRONLY | O_APPEND | O_CLOEXEC);
	uint64_t t0 = mono_ns(), tick_ns = (uint64_t)r->tick_us * 1000u, written = 0;

	if (buf == NULL || fd < 0) {
		perror("active_sink: writer");
		free(buf);
		if (fd >= 0)
			close(fd);
		atomic_store(&r->writer_done, 1);
		return NULL;
	}
	for (uint64_t k = 1; written < r->total; k++) {
		uint64_t target = t0 + k * tick_ns;
		struct timespec ts = {(time_t)(target / 1000000000u), (long)(target % 1000000000u)};
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
		uint64_t now = mono_ns();
		if (now > target + tick_ns)
			r->late_ticks++;
		/* the changes due by now, at RATE from t0 */
		uint64_t due = (uint64_t)((double)(now - t0) / 1e9 * r->rate);
		if (due > r->total)
			due = r->total;
		if (due <= written)
			continue;
		uint64_t n = due - written;
		while (n > 0) {
			uint64_t chunk = n > cap / LINE_MAX_LEN ? cap / LINE_MAX_LEN : n;
			if (write_changes(r, fd, written, chunk, mono_ns(), buf, cap) < 0) {
				perror("active_sink: append");
				goto out;
			}
			written += chunk;
			n -= chunk;
			r->writes++;
		}
		atomic_store(&r->written, written);
	}
out:
	r->writer_seconds = (double)(mono_ns() - t0) / 1e9;
	close(fd);
	free(buf);
	atomic_store(&r->writer_done, 1);
	return NULL;
}

/* ---- the subscribers ---- */

static void record(struct run *r, uint64_t us)
{
	size_t b = us < HIST_FINE ? (size_t)us : HIST_FINE + (size_t)((us - HIST_FINE) / 1000u);
	if (b > HIST_FINE + HIST_COARSE)
		b = HIST_FINE + HIST_COARSE;
	r->hist[b]++;
	r->samples++;
	if (us > r->max_us)
		r->max_us = us;
}

static double percentile_ms(const struct run *r, double p)
{
	uint64_t want = (uint64_t)((double)r->samples * p), acc = 0;

	for (size_t b = 0; b <= HIST_FINE + HIST_COARSE; b++) {
		acc += r->hist[b];
		if (acc > want)
			return b < HIST_FINE ? (double)b / 1000.0 : (double)(HIST_FINE + (b - HIST_FINE) * 1000u) / 1000.0;
	}
	return (double)r->max_us / 1000.0;
}

/* Read what fd has; returns 0, or -1 when it closed. */
static int sub_read(struct run *r, struct sub *s, uint8_t *buf)
{
	for (;;) {
		ssize_t n = recv(s->fd, buf, READ_CHUNK, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		uint64_t now = mono_ns();
		if (r->quickack) {
			int one = 1;
			setsockopt(s->fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
		}
		const uint8_t *p = buf;
		size_t left = (size_t)n;
		lq_bytes msg;
		int rc;
		while ((rc = lq_frame_read(&s->reader, &p, &left, &msg)) == 1) {
			struct seen_msg sm;
			parse4(msg.data, msg.len, &sm);
			if (sm.type != LQ4_LEASEACTIVE && sm.type != LQ4_LEASEUNASSIGNED) {
				s->status_msgs++;
				if (sm.type == LQ4_LEASEQUERYDONE)
					return -1;
				continue;
			}
			if (!sm.has_id)
				continue;
			if (sm.seq == WARM_SEQ) {
				s->warm++;
				continue;
			}
			if (sm.seq >= r->total)
				continue;
			if (s->seen[sm.seq / 8] & (1u << (sm.seq % 8))) {
				s->dups++;
				continue;
			}
			s->seen[sm.seq / 8] |= (uint8_t)(1u << (sm.seq % 8));
			s->got++;
			record(r, now > sm.t_ns ? (now - sm.t_ns) / 1000u : 0);
		}
		if (rc < 0)
			return -1;
		if ((size_t)n < READ_CHUNK)
			return 0;
	}
}

static int poll_subs(struct run *r, int ep, struct sub *subs, uint8_t *buf, int timeout_ms)
{
	struct epoll_event evs[128];
	int n = epoll_wait(ep, evs, 128, timeout_ms);

	for (int i = 0; i < n; i++) {
		struct sub *s = &subs[evs[i].data.u32];
		if (!s->closed && sub_read(r, s, buf) < 0) {
			s->closed = 1;
			epoll_ctl(ep, EPOLL_CTL_DEL, s->fd, NULL);
		}
	}
	return n;
}

/* The subscribers' work after the writer is done: counts, printed. */
static uint64_t report(struct run *r, const struct sub *subs, uint64_t *dups_out)
{
	uint64_t dups = 0, closed = 0, status = 0, incomplete = 0, got = 0, want = r->total * r->subs;
	struct rusage ru;

	for (unsigned i = 0; i < r->subs; i++) {
		got += subs[i].got;
		dups += subs[i].dups;
		closed += (uint64_t)subs[i].closed;
		status += subs[i].status_msgs;
		incomplete += subs[i].got < r->total;
	}
	printf("writer: %" PRIu64 " changes in %.2f s (%.0f/s) in %" PRIu64 " appends, %" PRIu64 " late ticks\n",
	       (uint64_t)atomic_load(&r->written), r->writer_seconds,
	       r->writer_seconds > 0 ? (double)atomic_load(&r->written) / r->writer_seconds : 0.0, r->writes,
	       r->late_ticks);
	printf("delivered: %" PRIu64 " of %" PRIu64 " (%u subscribers x %" PRIu64 " changes), %" PRIu64
	       " duplicates, %" PRIu64 " subscribers incomplete, %" PRIu64 " closed, %" PRIu64 " other messages\n",
	       got, want, r->subs, r->total, dups, incomplete, closed, status);
	printf("latency (lease file write -> subscriber): p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, "
	       "max %.3f ms over %" PRIu64 " deliveries\n",
	       percentile_ms(r, 0.50), percentile_ms(r, 0.90), percentile_ms(r, 0.99), percentile_ms(r, 0.999),
	       (double)r->max_us / 1000.0, r->samples);
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		printf("active_sink: %.2f s of CPU (writer and subscribers, warm-up included)\n",
		       (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
			       (double)ru.ru_stime.tv_usec / 1e6);
	*dups_out = dups;
	return got;
}

/* Connect subscriber i and send its query; 0, or -1. */
static int sub_open(struct run *r, struct sub *s, unsigned i, int ep, const uint8_t *frame, size_t flen,
		    size_t bitmap)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = i};

	s->fd = -1;
	s->msgbuf = malloc(LQ_FRAME_MAX);
	s->seen = calloc(1, bitmap);
	if (s->msgbuf == NULL || s->seen == NULL)
		return -1;
	s->fd = connect_to(r->addr, r->port);
	if (s->fd < 0 || lq_frame_reader_init(&s->reader, s->msgbuf, LQ_FRAME_MAX, LQ_FRAME_MAX) != LQ_OK ||
	    send_all(s->fd, frame, flen) < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, s->fd, &ev) < 0)
		return -1;
	return 0;
}

/* Append warm-up changes until every subscriber saw one (10 s at most):
 * then every query runs. 0, or the exit code. */
static int warm_up(struct run *r, int ep, struct sub *subs, uint8_t *buf)
{
	static char wbuf[WARM_BUF];
	uint64_t t_warm = mono_ns();
	unsigned ready = 0;
	int wfd = open(r->file, O_WRONLY | O_APPEND | O_CLOEXEC);

	if (wfd < 0) {
		perror("active_sink: the lease file");
		return 3;
	}
	while (ready < r->subs) {
		if (mono_ns() - t_warm > 10000000000u) {
			fprintf(stderr, "active_sink: only %u of %u subscribers saw the warm-up change in 10 s\n", ready,
				r->subs);
			close(wfd);
			return 1;
		}
		if (write_changes(r, wfd, WARM_SEQ, 1, mono_ns(), wbuf, sizeof(wbuf)) < 0) {
			perror("active_sink: warm-up append");
			close(wfd);
			return 3;
		}
		uint64_t t_next = mono_ns() + 100000000u;
		while (mono_ns() < t_next)
			poll_subs(r, ep, subs, buf, 20);
		ready = 0;
		for (unsigned i = 0; i < r->subs; i++)
			ready += subs[i].warm > 0 && !subs[i].closed;
	}
	close(wfd);
	return 0;
}

static int live(struct run *r)
{
	static uint8_t buf[READ_CHUNK], frame[LQ_FRAME_MAX + 2];
	struct sub *subs = calloc(r->subs, sizeof(*subs));
	int ep = epoll_create1(EPOLL_CLOEXEC);
	size_t flen = build_query(frame, sizeof(frame), 0x0ac71fe0, -1);
	size_t bitmap = (size_t)(r->total / 8 + 1);
	uint64_t t_end = 0, want = r->total * r->subs, got = 0, dups = 0;
	pthread_t writer;
	int rc = 3;

	if (subs == NULL || ep < 0 || flen == 0) {
		perror("active_sink: setup");
		goto out;
	}
	for (unsigned i = 0; i < r->subs; i++) {
		if (sub_open(r, &subs[i], i, ep, frame, flen, bitmap) < 0) {
			fprintf(stderr, "active_sink: subscriber %u: cannot connect to %s port %d\n", i, r->addr, r->port);
			goto out;
		}
	}
	rc = warm_up(r, ep, subs, buf);
	if (rc != 0)
		goto out;
	/* the measured run */
	if (pthread_create(&writer, NULL, writer_main, r) != 0) {
		perror("active_sink: thread");
		rc = 3;
		goto out;
	}
	for (;;) {
		poll_subs(r, ep, subs, buf, 50);
		got = 0;
		for (unsigned i = 0; i < r->subs; i++)
			got += subs[i].got;
		if (atomic_load(&r->writer_done)) {
			if (t_end == 0)
				t_end = mono_ns();
			if (got >= want || mono_ns() - t_end > (uint64_t)r->grace_s * 1000000000u)
				break;
		}
	}
	pthread_join(writer, NULL);
	got = report(r, subs, &dups);
	rc = got == want && dups == 0 && atomic_load(&r->written) == r->total ? 0 : 1;
out:
	for (unsigned i = 0; subs != NULL && i < r->subs; i++) {
		if (subs[i].fd > 0)
			close(subs[i].fd);
		free(subs[i].msgbuf);
		free(subs[i].seen);
	}
	free(subs);
	if (ep >= 0)
		close(ep);
	return rc;
}

/* ---- catch-up ---- */

static int catch_up(const char *addr, int port, int64_t start, long long expected)
{
	static uint8_t buf[READ_CHUNK], frame[LQ_FRAME_MAX + 2], msgbuf[LQ_FRAME_MAX];
	struct lq_frame_reader reader;
	size_t flen = build_query(frame, sizeof(frame), 0x0ac7c0de, start);
	int fd = connect_to(addr, port);
	uint64_t bindings = 0, t0, t1;
	int end = 0;

	if (fd < 0 || flen == 0 || send_all(fd, frame, flen) < 0) {
		fprintf(stderr, "active_sink: cannot connect to %s port %d\n", addr, port);
		return 3;
	}
	lq_frame_reader_init(&reader, msgbuf, sizeof(msgbuf), LQ_FRAME_MAX);
	t0 = mono_ns();
	while (!end) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n <= 0) {
			end = -1;
			break;
		}
		const uint8_t *p = buf;
		size_t left = (size_t)n;
		lq_bytes msg;
		while (!end && lq_frame_read(&reader, &p, &left, &msg) == 1) {
			struct seen_msg sm;
			parse4(msg.data, msg.len, &sm);
			if (sm.type == LQ4_LEASEACTIVE || sm.type == LQ4_LEASEUNASSIGNED)
				bindings++;
			else if (sm.type == LQ4_LEASEQUERYSTATUS && sm.status == LQ4_STATUS_CATCH_UP_COMPLETE)
				end = 1;
			else if (sm.type == LQ4_LEASEQUERYSTATUS && sm.status == LQ4_STATUS_DATA_MISSING)
				end = -2;
			else if (sm.type == LQ4_LEASEQUERYDONE)
				end = -1;
		}
	}
	t1 = mono_ns();
	close(fd);
	double s = (double)(t1 - t0) / 1e9;
	printf("catch-up from %lld: %" PRIu64 " bindings in %.3f s, %.0f bindings/s, %s\n", (long long)start, bindings,
	       s, s > 0 ? (double)bindings / s : 0.0,
	       end == 1 ? "then CatchUpComplete" : end == -2 ? "DataMissing" : "the connection ended first");
	return end == 1 && (expected < 0 || (long long)bindings >= expected) ? 0 : 1;
}

int main(int argc, char **argv)
{
	static struct run r;
	long long start = -1, expected = -1;
	int opt;

	r.addr = "127.0.0.1";
	r.subs = 100;
	r.rate = 10000;
	r.seconds = 10;
	r.tick_us = 1000;
	r.grace_s = 10;
	while ((opt = getopt(argc, argv, "a:p:f:N:n:r:d:t:g:C:e:Qh")) != -1) {
		switch (opt) {
		case 'a': r.addr = optarg; break;
		case 'p': r.port = (int)strtol(optarg, NULL, 10); break;
		case 'f': r.file = optarg; break;
		case 'N': r.rows = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'n': r.subs = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'r': r.rate = strtod(optarg, NULL); break;
		case 'd': r.seconds = strtod(optarg, NULL); break;
		case 't': r.tick_us = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'g': r.grace_s = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'C': start = strtoll(optarg, NULL, 10); break;
		case 'e': expected = strtoll(optarg, NULL, 10); break;
		case 'Q': r.quickack = 1; break;
		default:
			fprintf(stderr, "usage: active_sink -p PORT -f LEASEFILE -N ROWS [-a ADDR] [-n SUBSCRIBERS] "
					"[-r RATE] [-d SECONDS] [-t TICK_US] [-g GRACE_S] [-Q]\n"
					"       active_sink -p PORT -C START [-a ADDR] [-e EXPECTED]\n");
			return 2;
		}
	}
	if (r.port <= 0 || r.port > 65535) {
		fprintf(stderr, "active_sink: -p PORT is required\n");
		return 2;
	}
	if (start >= 0)
		return catch_up(r.addr, r.port, start, expected);
	if (r.file == NULL || r.rows == 0 || r.subs == 0 || r.rate <= 0 || r.seconds <= 0 || r.tick_us == 0) {
		fprintf(stderr, "active_sink: -f LEASEFILE and -N ROWS are required\n");
		return 2;
	}
	r.total = (uint64_t)(r.rate * r.seconds);
	return live(&r);
}
