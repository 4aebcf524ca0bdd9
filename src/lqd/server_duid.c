/* server_duid.c - lqd's DHCPv6 server DUID when the configuration gives
 * none: a DUID-LLT (RFC 8415 11.2) made once with a random, locally
 * administered link-layer address and kept in the file "server-duid" (hex)
 * in the store directory, so that requestors see the same server
 * identifier across restarts. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "lq/lqtime.h"
#include "lqd.h"

#define DUID_FILE "server-duid"

static int read_duid_file(const char *path, uint8_t *duid, size_t cap, size_t *len)
{
	FILE *f = fopen(path, "r");
	char text[2 * LQ_CONFIG_MAX_DUID + 2];
	size_t n = 0;

	if (f == NULL)
		return errno == ENOENT ? 0 : -1;
	if (fgets(text, sizeof(text), f) == NULL) {
		fclose(f);
		return -1;
	}
	fclose(f);
	for (const char *p = text; p[0] != '\0' && p[0] != '\n'; p += 2) {
		int hi = lq_hex_digit(p[0]), lo = lq_hex_digit(p[1]);
		if (n >= cap || hi < 0 || lo < 0)
			return -1;
		duid[n++] = (uint8_t)(hi << 4 | lo);
	}
	*len = n;
	return n >= 3 ? 1 : -1;
}

static int write_duid_file(const char *path, const uint8_t *duid, size_t len)
{
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "w");

	if (f == NULL)
		return -1;
	for (size_t i = 0; i < len; i++)
		fprintf(f, "%02x", duid[i]);
	fputc('\n', f);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		fclose(f);
		return -1;
	}
	fclose(f);
	return rename(tmp, path);
}

int lqd_server_duid_ensure(struct lqd *d)
{
	struct lq_config *cfg = &d->config;
	char path[4096];

	if (cfg->server_duid_len > 0)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", cfg->store.path, DUID_FILE);
	int rc = read_duid_file(path, cfg->server_duid, sizeof(cfg->server_duid), &cfg->server_duid_len);
	if (rc > 0)
		return 0;
	if (rc < 0) {
		lqd_log(LQD_LOG_ERROR, "%s: not a DUID in hex; remove it or set \"server-duid\"", path);
		return -1;
	}
	/* DUID-LLT: type 1, hardware type 1 (Ethernet), time since 2000, address */
	uint8_t *duid = cfg->server_duid;
	uint32_t t = lq_time_to_v6((int64_t)time(NULL));
	duid[0] = 0;
	duid[1] = 1;
	duid[2] = 0;
	duid[3] = 1;
	duid[4] = (uint8_t)(t >> 24);
	duid[5] = (uint8_t)(t >> 16);
	duid[6] = (uint8_t)(t >> 8);
	duid[7] = (uint8_t)t;
	if (getrandom(duid + 8, 6, 0) != 6)
		return -1;
	duid[8] = (uint8_t)((duid[8] | 0x02) & 0xfe);   /* locally administered, unicast */
	cfg->server_duid_len = 14;
	if (write_duid_file(path, duid, cfg->server_duid_len) < 0) {
		lqd_log(LQD_LOG_ERROR, "%s: cannot write: %s", path, strerror(errno));
		return -1;
	}
	lqd_log(LQD_LOG_INFO, "made the DHCPv6 server DUID, kept in %s", path);
	return 0;
}
