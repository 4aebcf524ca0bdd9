/* bulk_sink.c - the requestor of the bulk benchmark (bench/bulk_bench.sh):
 * sends one bulk leasequery over TCP and reads the whole answer as fast as
 * it can, counting messages and bindings with as little work as possible
 * (framing and a walk of the options that carry bindings, nothing decoded
 * beyond that), so that the figure measures the server.
 *
 * usage: bulk_sink -4|-6 HOST PORT [-e EXPECTED]
 *   -4  DHCPBULKLEASEQUERY for all configured addresses (RFC 6926): a binding
 *       is a DHCPLEASEACTIVE or DHCPLEASEUNASSIGNED message
 *   -6  LEASEQUERY QUERY_BY_LINK_ADDRESS with link-address :: (every binding,
 *       RFC 5460): a binding is an OPTION_IAADDR or OPTION_IAPREFIX inside an
 *       OPTION_CLIENT_DATA
 *   -e  exit 1 unless exactly EXPECTED bindings arrived
 * Prints one line: bindings, messages, octets, seconds, bindings per second. */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lq/dhcp4.h"
#include "lq/dhcp6.h"
#include "lq/framing.h"

#define READ_CHUNK (1 << 20)

struct counts {
	unsigned long long bindings, messages, octets;
	int last_type;
	unsigned status;
	int done;
};

static size_t build_query4(uint8_t *out, size_t cap)
{
	static const uint8_t prl[] = {LQ4_OPT_LEASE_TIME, LQ4_OPT_CLT_TIME, LQ4_OPT_BASE_TIME,
				      LQ4_OPT_START_TIME_OF_STATE, LQ4_OPT_DHCP_STATE};
	static struct lq4_msg m;
	size_t len = 0;

	lq4_msg_init(&m, LQ4_BULKLEASEQUERY, 0x0b0b0b0bu);
	m.htype = 0;
	m.hlen = 0;
	m.prl = (lq_bytes){prl, sizeof(prl)};
	return lq4_encode(&m, out, cap, &len) == LQ_OK ? len : 0;
}

static size_t build_query6(uint8_t *out, size_t cap)
{
	static const uint8_t duid[] = {0, 3, 0, 1, 2, 0, 0, 0, 0, 1};
	static const lq_ip6 any;
	static const uint16_t oro[] = {LQ6_OPT_LQ_BASE_TIME};
	struct lq6_writer w;
	size_t len = 0;

	lq6w_init(&w, out, cap);
	lq6w_header(&w, LQ6_LEASEQUERY, 0x0b0b0b);
	lq6w_option(&w, LQ6_OPT_CLIENTID, duid, sizeof(duid));
	lq6w_lq_query_open(&w, LQ6_QUERY_BY_LINK_ADDRESS, &any);
	lq6w_oro(&w, oro, 1);
	lq6w_close(&w);
	return lq6w_finish(&w, &len) == LQ_OK ? len : 0;
}

/* DHCPv4: the message type is option 53, which lqd writes first. */
static void count4(struct counts *c, const uint8_t *m, size_t len)
{
	int type = -1;

	for (size_t i = LQ4_MIN_LEN; i + 1 < len;) {
		uint8_t code = m[i];
		if (code == LQ4_OPT_PAD) {
			i++;
			continue;
		}
		if (code == LQ4_OPT_END || i + 2 + m[i + 1] > len)
			break;
		if (code == LQ4_OPT_MSG_TYPE && m[i + 1] == 1) {
			type = m[i + 2];
			break;
		}
		i += 2 + (size_t)m[i + 1];
	}
	c->last_type = type;
	if (type == LQ4_LEASEACTIVE || type == LQ4_LEASEUNASSIGNED)
		c->bindings++;
	else if (type == LQ4_LEASEQUERYDONE)
		c->done = 1;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* DHCPv6: count the leases of OPTION_CLIENT_DATA; a LEASEQUERY-REPLY without
 * client data, or with an error status, or a LEASEQUERY-DONE ends it. */
static void count6(struct counts *c, const uint8_t *m, size_t len)
{
	bool client_data = false;

	if (len < LQ6_HEADER_LEN)
		return;
	c->last_type = m[0];
	for (size_t i = LQ6_HEADER_LEN; i + 4 <= len;) {
		uint16_t code = get16(m + i), olen = get16(m + i + 2);
		if (i + 4 + olen > len)
			break;
		if (code == LQ6_OPT_STATUS_CODE && olen >= 2)
			c->status = get16(m + i + 4);
		if (code == LQ6_OPT_CLIENT_DATA) {
			client_data = true;
			for (size_t j = i + 4; j + 4 <= i + 4 + olen;) {
				uint16_t inner = get16(m + j);
				if (inner == LQ6_OPT_IAADDR || inner == LQ6_OPT_IAPREFIX)
					c->bindings++;
				j += 4 + get16(m + j + 2);
			}
		}
		i += 4 + olen;
	}
	if (m[0] == LQ6_LEASEQUERY_DONE || (m[0] == LQ6_LEASEQUERY_REPLY && (!client_data || c->status != 0)))
		c->done = 1;
}

static int connect_to(const char *host, const char *port)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res;
	int fd = -1;

	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -1;
	for (struct addrinfo *a = res; a != NULL && fd < 0; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype, 0);
		if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) < 0) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	return fd;
}

int main(int argc, char **argv)
{
	static uint8_t query[LQ_FRAME_MAX], frame[2 + LQ_FRAME_MAX], buf[READ_CHUNK];
	static uint8_t msgbuf[LQ_FRAME_MAX];
	struct lq_frame_reader reader;
	struct counts c = {.last_type = -1};
	long long expected = -1;
	struct timespec t0, t1;

	if (argc != 4 && !(argc == 6 && strcmp(argv[4], "-e") == 0)) {
		fprintf(stderr, "usage: bulk_sink -4|-6 HOST PORT [-e EXPECTED]\n");
		return 2;
	}
	int family = strcmp(argv[1], "-6") == 0 ? 6 : 4;
	if (argc == 6)
		expected = strtoll(argv[5], NULL, 10);
	size_t qlen = family == 4 ? build_query4(query, sizeof(query)) : build_query6(query, sizeof(query));
	size_t flen = 0;
	int fd = connect_to(argv[2], argv[3]);
	if (qlen == 0 || lq_frame_write(query, qlen, frame, sizeof(frame), &flen) != LQ_OK || fd < 0) {
		fprintf(stderr, "bulk_sink: cannot connect to %s port %s\n", argv[2], argv[3]);
		return 3;
	}
	lq_frame_reader_init(&reader, msgbuf, sizeof(msgbuf), LQ_FRAME_MAX);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (write(fd, frame, flen) != (ssize_t)flen) {
		perror("bulk_sink: write");
		return 3;
	}
	while (!c.done) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		c.octets += (unsigned long long)n;
		const uint8_t *p = buf;
		size_t left = (size_t)n;
		lq_bytes msg;
		int rc;
		while (!c.done && (rc = lq_frame_read(&reader, &p, &left, &msg)) == 1) {
			c.messages++;
			if (family == 4)
				count4(&c, msg.data, msg.len);
			else
				count6(&c, msg.data, msg.len);
		}
		if (!c.done && rc < 0) {
			fprintf(stderr, "bulk_sink: bad framing\n");
			return 3;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	close(fd);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("family %d: %llu bindings in %llu messages, %llu octets, %.3f s, %.0f bindings/s%s\n", family,
	       c.bindings, c.messages, c.octets, s, s > 0 ? (double)c.bindings / s : 0.0,
	       c.done ? "" : " (incomplete)");
	if (!c.done || (expected >= 0 && (long long)c.bindings != expected)) {
		fprintf(stderr, "bulk_sink: expected %lld bindings and a complete answer\n", expected);
		return 1;
	}
	return 0;
}
