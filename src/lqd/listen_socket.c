/* listen_socket.c - the sockets lqd listens on: one bound to a listen
 * address of the configuration, for UDP (one per receive thread, with
 * SO_REUSEPORT) or TCP (one listener). IPv6 sockets are IPv6-only: an IPv6
 * listen address speaks DHCPv6, an IPv4 one DHCPv4. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lqd.h"

#define TCP_BACKLOG 64

int lqd_listen_socket(const struct lq_config_listen *l, bool tcp)
{
	int on = 1;
	uint16_t port = tcp ? l->tcp_port : l->udp_port;
	int fd = socket(l->family == 4 ? AF_INET : AF_INET6,
			(tcp ? SOCK_STREAM | SOCK_NONBLOCK : SOCK_DGRAM) | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	/* UDP: several threads share the port; TCP: restart while old
	 * connections linger in TIME_WAIT */
	if (setsockopt(fd, SOL_SOCKET, tcp ? SO_REUSEADDR : SO_REUSEPORT, &on, sizeof(on)) < 0)
		goto fail;
	if (l->family == 4) {
		struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port)};
		memcpy(&sin.sin_addr, l->v4.b, 4);
		/* no IP_PKTINFO: nothing reads it for IPv4, and the kernel would
		 * build the control message for every datagram */
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
			goto fail;
	} else {
		struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
		memcpy(&sin6.sin6_addr, l->v6.b, 16);
		/* UDP: the destination tells a multicast query apart */
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) < 0 ||
		    (!tcp && setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on)) < 0) ||
		    bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) < 0)
			goto fail;
	}
	if (tcp && listen(fd, TCP_BACKLOG) < 0)
		goto fail;
	return fd;
fail:;
	int saved = errno;
	close(fd);
	errno = saved;
	return -1;
}
