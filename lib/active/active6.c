/* active6.c - the DHCPv6 active leasequery engine (RFC 7653): not written
 * yet; an ACTIVELEASEQUERY closes the connection. */
#include "active_internal.h"

int lq_active6_open(const struct lq_query_env *env, struct lq_store_reader *reader,
		    const uint8_t *msg, size_t len, const struct lq_query_peer *peer,
		    struct lq_active6 **out, struct lq_bulk_opened *opened)
{
	(void)env;
	(void)reader;
	(void)msg;
	(void)len;
	(void)peer;
	*out = NULL;
	opened->action = LQ_BULK_CLOSE;
	opened->reason = "DHCPv6 active leasequery is not supported yet";
	return 0;
}

int lq_active6_next(struct lq_active6 *q, struct lq_store_reader *reader, int64_t now,
		    uint8_t *out, size_t cap, size_t *len, struct lq_bulk_progress *progress)
{
	(void)q, (void)reader, (void)now, (void)out, (void)cap, (void)progress;
	*len = 0;
	return 0;
}

int lq_active6_keepalive(struct lq_active6 *q, int64_t now, uint8_t *out, size_t cap,
			 size_t *len, struct lq_bulk_progress *progress)
{
	(void)q, (void)now, (void)out, (void)cap, (void)progress;
	*len = 0;
	return 0;
}

int lq_active6_terminate(struct lq_active6 *q, int64_t now, const char *text, uint8_t *out,
			 size_t cap, size_t *len, struct lq_bulk_progress *progress)
{
	(void)q, (void)now, (void)text, (void)out, (void)cap, (void)progress;
	*len = 0;
	return 0;
}

bool lq_active6_catching_up(const struct lq_active6 *q)
{
	(void)q;
	return false;
}

void lq_active6_close(struct lq_active6 *q)
{
	(void)q;
}
