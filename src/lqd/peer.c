/* peer.c - who sent a query: a socket address as the query engines'
 * struct lq_query_peer, and as text for logs ("192.0.2.7 port 4711"). Shared
 * by the UDP and TCP services. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "lqd.h"

void lqd_peer_from_sockaddr(const struct sockaddr_storage *ss, struct lq_query_peer *peer)
{
	memset(peer, 0, sizeof(*peer));
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
		peer->family = 4;
		memcpy(peer->addr, &sin->sin_addr, 4);
		peer->port = ntohs(sin->sin_port);
	} else {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;
		peer->family = 6;
		memcpy(peer->addr, &sin6->sin6_addr, 16);
		peer->port = ntohs(sin6->sin6_port);
	}
}

const char *lqd_peer_text(const struct lq_query_peer *peer, char *buf, size_t cap)
{
	char addr[INET6_ADDRSTRLEN];

	if (inet_ntop(peer->family == 4 ? AF_INET : AF_INET6, peer->addr, addr, sizeof(addr)) == NULL)
		snprintf(addr, sizeof(addr), "?");
	snprintf(buf, cap, "%s port %u", addr, peer->port);
	return buf;
}
