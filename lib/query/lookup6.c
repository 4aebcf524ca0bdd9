/* lookup6.c - the two RFC 5007 query types against one store snapshot:
 * QUERY_BY_ADDRESS (the client bound to an address, or delegated the prefix
 * containing it) and QUERY_BY_CLIENTID (a client by its DUID), each limited
 * to a link when the query names one (4.4.1). The result is a status, or
 * the bindings of one client on one link, or the links of a client found on
 * several (OPTION_LQ_CLIENT_LINK). */
#include <stdlib.h>
#include <string.h>

#include "answer6_internal.h"
#include "lq/client_data6.h"

static const char msg_store[] = "the binding store could not be read";
static const char msg_too_many[] = "too many bindings for one reply: use bulk leasequery (RFC 5460)";
static const char msg_link[] = "link-address is not on a link this server is configured for";
static const char msg_addr_link[] = "address is not configured on the link of link-address";
static const char msg_addr[] = "address is not in a pool or prefix this server is configured for";

void lq6_binding_list_free(struct lq6_binding_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

/* 0, or -1 when the list is full or memory is short. */
static int push(struct lq6_binding_list *l, const struct lq_binding *b)
{
	if (l->n == l->cap) {
		size_t cap = l->cap == 0 ? 8 : l->cap * 2;
		struct lq_binding *v;

		if (l->n >= LQ6_MAX_BINDINGS)
			return -1;
		if (cap > LQ6_MAX_BINDINGS)
			cap = LQ6_MAX_BINDINGS;
		v = realloc(l->v, cap * sizeof(*v));
		if (v == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *b;
	return 0;
}

void lq6_outcome_set_status(struct lq6_outcome *out, uint16_t status, const char *message)
{
	out->status = status;
	out->message = message;
	out->found.n = 0;
	out->n_links = 0;
}

/* Every reportable binding of the client with this DUID; when link is not
 * NULL, only those on that link. 0, or the status to answer with. */
static uint16_t collect_client(const struct lq6_lookup *lk, lq_bytes duid,
			       const struct lq6_link *link, struct lq6_outcome *out)
{
	struct lq_store_filter f;
	struct lq_store_cursor *c;
	struct lq_binding b;
	int rc;

	memset(&f, 0, sizeof(f));
	f.family = 6;
	f.by = LQ_STORE_BY_CLIENT_ID;
	f.value = duid;
	if (lq_store_cursor_open(lk->reader, &f, &c) != LQ_STORE_OK) {
		lq6_outcome_set_status(out, LQ6_STATUS_UNSPEC_FAIL, msg_store);
		return LQ6_STATUS_UNSPEC_FAIL;
	}
	while ((rc = lq_store_cursor_next(c, &b)) == 1) {
		if (!lq6_binding_reportable(&b, lk->now))
			continue;
		if (link != NULL) {
			struct lq6_link here = lq6_link_of_binding(lk->config, &b);
			if (!lq6_link_same(&here, link))
				continue;
		}
		if (push(&out->found, &b) < 0) {
			lq_store_cursor_close(c);
			lq6_outcome_set_status(out, LQ6_STATUS_UNSPEC_FAIL, msg_too_many);
			return LQ6_STATUS_UNSPEC_FAIL;
		}
	}
	lq_store_cursor_close(c);
	if (rc < 0) {
		lq6_outcome_set_status(out, LQ6_STATUS_UNSPEC_FAIL, msg_store);
		return LQ6_STATUS_UNSPEC_FAIL;
	}
	return LQ6_STATUS_SUCCESS;
}

static bool has_duid(const struct lq_binding *b)
{
	return b->client_id.data != NULL && b->client_id.len > 0;
}

void lq6_lookup_by_address(const struct lq6_lookup *lk, const lq_ip6 *addr,
			   const lq_ip6 *link_address, struct lq6_outcome *out)
{
	struct lq_binding b;
	struct lq6_link blink = {NULL, {{0}}}, qlink;
	bool bound;
	int rc = lq_store_find_containing(lk->reader, addr, &b, NULL);

	lq6_outcome_set_status(out, LQ6_STATUS_SUCCESS, NULL);
	if (rc < 0) {
		lq6_outcome_set_status(out, LQ6_STATUS_UNSPEC_FAIL, msg_store);
		return;
	}
	bound = rc == 1 && lq6_binding_reportable(&b, lk->now);
	if (rc == 1)
		blink = lq6_link_of_binding(lk->config, &b);
	if (!lq6_ip_is_zero(link_address)) {
		qlink = lq6_link_of_address(lk->config, link_address);
		if (rc == 0 || !lq6_link_same(&blink, &qlink)) {
			/* Not bound there: say whether this server serves that
			 * address on that link at all. */
			if (qlink.subnet == NULL)
				lq6_outcome_set_status(out, LQ6_STATUS_NOT_CONFIGURED, msg_link);
			else if (lq6_subnet_serving(lk->config, addr) != qlink.subnet)
				lq6_outcome_set_status(out, LQ6_STATUS_NOT_CONFIGURED, msg_addr_link);
			return;
		}
	}
	if (!bound) {
		if (rc == 0 && lq6_subnet_serving(lk->config, addr) == NULL)
			lq6_outcome_set_status(out, LQ6_STATUS_NOT_CONFIGURED, msg_addr);
		return;
	}
	/* The client's bindings on the link of the one found (RFC 5007
	 * 4.1.2.2: all of them, on the link). */
	if (!has_duid(&b)) {
		if (push(&out->found, &b) < 0)
			lq6_outcome_set_status(out, LQ6_STATUS_UNSPEC_FAIL, msg_too_many);
		return;
	}
	if (collect_client(lk, b.client_id, &blink, out) == LQ6_STATUS_SUCCESS && out->found.n == 0 &&
	    push(&out->found, &b) < 0)
		lq6_outcome_set_status(out, LQ6_STATUS_UNSPEC_FAIL, msg_too_many);
}

/* The distinct links of the bindings found, into out->links. */
static size_t distinct_links(const struct lq6_lookup *lk, struct lq6_outcome *out)
{
	struct lq6_link seen[LQ6_MAX_CLIENT_LINKS];
	size_t n = 0;

	for (size_t i = 0; i < out->found.n && n < LQ6_MAX_CLIENT_LINKS; i++) {
		struct lq6_link l = lq6_link_of_binding(lk->config, &out->found.v[i]);
		size_t j = 0;

		while (j < n && !lq6_link_same(&seen[j], &l))
			j++;
		if (j == n) {
			seen[n] = l;
			out->links[n] = l.addr;
			n++;
		}
	}
	return n;
}

void lq6_lookup_by_client_id(const struct lq6_lookup *lk, lq_bytes duid,
			     const lq_ip6 *link_address, struct lq6_outcome *out)
{
	lq6_outcome_set_status(out, LQ6_STATUS_SUCCESS, NULL);
	if (!lq6_ip_is_zero(link_address)) {
		struct lq6_link qlink = lq6_link_of_address(lk->config, link_address);

		if (collect_client(lk, duid, &qlink, out) != LQ6_STATUS_SUCCESS)
			return;
		if (out->found.n == 0 && qlink.subnet == NULL)
			lq6_outcome_set_status(out, LQ6_STATUS_NOT_CONFIGURED, msg_link);
		return;
	}
	/* 0::0: every link (SHOULD, 4.1.2.1); one link: its data; several:
	 * the list of links and no client data (4.1.2.5, 4.4.1). */
	if (collect_client(lk, duid, NULL, out) != LQ6_STATUS_SUCCESS)
		return;
	size_t n = distinct_links(lk, out);
	if (n > 1) {
		out->found.n = 0;
		out->n_links = n;
	}
}
