/* duid.c - makes the requestor's DUID from the interfaces of this host
 * (getifaddrs: the interface that holds our source address, its link-layer
 * address from the AF_PACKET entry) or, without any, from the machine id. */
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "duid.h"
#include "query6.h"

static bool same_address(const struct sockaddr *a, const struct sockaddr_storage *b)
{
	if (a == NULL || a->sa_family != b->ss_family)
		return false;
	if (a->sa_family == AF_INET)
		return memcmp(&((const struct sockaddr_in *)(const void *)a)->sin_addr,
			      &((const struct sockaddr_in *)b)->sin_addr, 4) == 0;
	if (a->sa_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)(const void *)a)->sin6_addr,
			      &((const struct sockaddr_in6 *)b)->sin6_addr, 16) == 0;
	return false;
}

static bool usable_ll(const struct ifaddrs *ifa)
{
	const struct sockaddr_ll *ll = (const struct sockaddr_ll *)(const void *)ifa->ifa_addr;

	if (ifa->ifa_addr == NULL || ifa->ifa_addr->sa_family != AF_PACKET)
		return false;
	if (ll->sll_halen == 0 || ll->sll_halen > sizeof(ll->sll_addr))
		return false;
	for (unsigned i = 0; i < ll->sll_halen; i++)
		if (ll->sll_addr[i] != 0)
			return true;
	return false;
}

static size_t from_ll(const struct ifaddrs *ifa, uint8_t *out, size_t cap)
{
	const struct sockaddr_ll *ll = (const struct sockaddr_ll *)(const void *)ifa->ifa_addr;

	return lq6_duid_ll(out, cap, ll->sll_hatype, ll->sll_addr, ll->sll_halen);
}

/* DUID-UUID (RFC 6355) from the 128-bit machine id. */
static size_t from_machine_id(uint8_t *out, size_t cap)
{
	char line[64];
	FILE *f = fopen("/etc/machine-id", "r");
	size_t n = 0;

	if (f == NULL)
		return 0;
	if (fgets(line, sizeof(line), f) == NULL) {
		fclose(f);
		return 0;
	}
	fclose(f);
	if (cap < 18)
		return 0;
	out[0] = 0;
	out[1] = 4;
	for (size_t i = 0; n < 16 && line[i] != '\0' && line[i + 1] != '\0'; i += 2) {
		int hi = lq_hex_digit((unsigned char)line[i]), lo = lq_hex_digit((unsigned char)line[i + 1]);
		if (hi < 0 || lo < 0)
			return 0;
		out[2 + n++] = (uint8_t)(hi << 4 | lo);
	}
	return n == 16 ? 18 : 0;
}

size_t lq_requestor_duid(const struct sockaddr_storage *local, uint8_t *out, size_t cap)
{
	struct ifaddrs *list = NULL;
	const char *name = NULL;
	size_t len = 0;

	if (getifaddrs(&list) < 0)
		return from_machine_id(out, cap);
	for (const struct ifaddrs *ifa = list; ifa != NULL && local != NULL; ifa = ifa->ifa_next)
		if (same_address(ifa->ifa_addr, local)) {
			name = ifa->ifa_name;
			break;
		}
	for (const struct ifaddrs *ifa = list; ifa != NULL && name != NULL && len == 0;
	     ifa = ifa->ifa_next)
		if (strcmp(ifa->ifa_name, name) == 0 && usable_ll(ifa))
			len = from_ll(ifa, out, cap);
	for (const struct ifaddrs *ifa = list; ifa != NULL && len == 0; ifa = ifa->ifa_next)
		if (usable_ll(ifa))
			len = from_ll(ifa, out, cap);
	freeifaddrs(list);
	return len != 0 ? len : from_machine_id(out, cap);
}
