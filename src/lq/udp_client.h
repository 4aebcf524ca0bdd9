/* udp_client.h - the requestor's UDP transport: server names ("HOST",
 * "HOST:PORT", "[V6]:PORT"), the local address toward a server, the query
 * socket, and one exchange with several servers at once: each gets its own
 * query, retransmitted on its own schedule (retx.h) until it is answered,
 * its schedule ends, or the overall timeout passes. What counts as an
 * answer is the caller's business (a callback sees every datagram). */
#ifndef LQ_UDP_CLIENT_H
#define LQ_UDP_CLIENT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "retx.h"

#define LQ_UDP_NAME_MAX 96

struct lq_udp_server {
	char name[LQ_UDP_NAME_MAX];     /* as given on the command line */
	struct sockaddr_storage addr;
	socklen_t addr_len;
};

/* Parse "HOST", "HOST:PORT" or, for IPv6, "[HOST]:PORT" / "HOST" (a bare
 * IPv6 address takes no port) for family 4 or 6; names are resolved. On
 * error returns -1 with a sentence in err. */
int lq_udp_parse_server(const char *text, int family, uint16_t default_port,
			struct lq_udp_server *out, char *err, size_t err_cap);

/* The local address the kernel would send from to reach dst. */
int lq_udp_local_address(const struct sockaddr_storage *dst, socklen_t dst_len,
			 struct sockaddr_storage *local);

/* A UDP socket of family 4 or 6 bound to the wildcard address and port (0:
 * any). Returns the descriptor, or -1 with errno set. */
int lq_udp_open(int family, uint16_t port);
/* The local port of a bound socket (0 on error). */
uint16_t lq_udp_local_port(int fd);

/* "192.0.2.1:67" / "[2001:db8::1]:547" for messages. */
const char *lq_udp_format(const struct sockaddr_storage *sa, char *buf, size_t cap);

struct lq_udp_exchange {
	int fd;
	int family;                             /* retransmission schedule: 4 or 6 */
	size_t n;                               /* servers */
	const struct lq_udp_server *servers;
	const uint8_t *const *queries;          /* queries[i] goes to servers[i] */
	const size_t *query_lens;
	uint32_t timeout_ms;                    /* the whole exchange */
	struct lq_rng *rng;
	/* Every datagram received: returns the index of the server whose query
	 * it answers (that server is then done), or -1 to ignore it. */
	int (*on_datagram)(void *ctx, const uint8_t *buf, size_t len,
			   const struct sockaddr_storage *from);
	void *ctx;
	int verbose;                            /* log sends to stderr */
	/* out */
	uint32_t elapsed_ms[8 * sizeof(size_t)];/* per server, first send to answer */
	unsigned sent[8 * sizeof(size_t)];      /* transmissions per server */
};

#define LQ_UDP_MAX_SERVERS (8 * sizeof(size_t))

/* Run the exchange. Returns how many servers answered, or -1 when the
 * socket failed (errno set). */
int lq_udp_run(struct lq_udp_exchange *ex);

#endif
