/* duid.h - the requestor's own DHCPv6 identity (RFC 8415 section 11): a
 * DUID-LL made from the link-layer address of the interface that reaches
 * the server, for the OPTION_CLIENTID every DHCPv6 leasequery carries
 * (RFC 5007 4.1.1; RFC 5460 and 7653 over TCP as well). */
#ifndef LQ_DUID_H
#define LQ_DUID_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Write our DUID into out: DUID-LL of the interface holding local (the
 * address we send from), else of the first interface with a non-zero
 * link-layer address, else DUID-UUID (type 4) from /etc/machine-id.
 * Returns its length, 0 when none could be made. */
size_t lq_requestor_duid(const struct sockaddr_storage *local, uint8_t *out, size_t cap);

#endif
