/* bulk6_scan.c - the bindings a DHCPv6 bulk leasequery answers (RFC 5460
 * for the query types of TCP, RFC 5007 4.1.2.1 for those of UDP), found
 * in one store snapshot and handed out one group at a time: one client's
 * bindings on one link, for one OPTION_CLIENT_DATA (see bulk6_scan.h for
 * how groups are found without remembering clients).
 *
 * The candidates of a query come from one or more passes, each a store
 * cursor; a later pass skips what an earlier one yielded (each pass has a
 * cheap rule for what it yields), so every binding is considered once:
 * - QUERY_BY_LINK_ADDRESS :: (every binding), and a link L holding at
 *   least half of the store's bindings (counted in the link index, or the
 *   subnet-id index, without reading them), without time qualifiers: the
 *   client-id index client by client (CLIENTS), keeping the bindings the
 *   passes below would yield, then the bindings without a DUID (NO_DUID,
 *   a store pass that decodes only them; skipped when CLIENTS counted
 *   every binding). A client's bindings come together, so each group is
 *   found without a lookup: about a third of the cost per binding.
 * - QUERY_BY_LINK_ADDRESS L otherwise: when L lies in a configured
 *   subnet S, first the keys in S's prefix (PREFIX) and in each of its
 *   pd-pools (PD, key
 *   ranges), then the link-address index over the whole of S's prefix
 *   (LINK_RANGE: every binding relayed from any address of S, not only
 *   from L) and the subnet-id index for S's id (SUBNET): everything
 *   lq6_link_of_binding can place on S, so that any address of S names
 *   the same link with the same answer. When L lies in no configured
 *   subnet, the link-address index for L exactly (LINK): such a link is
 *   known only by the address its relay used. With L = :: and time
 *   qualifiers, every binding changed in the window, from the time index
 *   (ALL). When the key ranges held at least half of the store, the two
 *   index passes are replaced by one pass over every binding (REST): in
 *   key order a binding costs a fraction of an index entry (which is
 *   looked up in the bindings again), and in a store that is mostly this
 *   subnet (the common case) the index passes would each meet most of it
 *   only to skip it; the worst case stays one more sequential read of the
 *   store.
 * - QUERY_BY_RELAY_ID, QUERY_BY_REMOTE_ID, QUERY_BY_CLIENTID: that index.
 * - QUERY_BY_ADDRESS: the client-id index for the DUID of the binding
 *   holding the address, limited to that binding's link.
 * A candidate is sent when it is within the time qualifiers (its last
 * change), active at the query's arrival (any IPv6 lease when the query
 * has time qualifiers: it reports changes), and on the query's link when
 * the query names one. */
#include <stdlib.h>
#include <string.h>

#include "bulk6_scan.h"
#include "lq/client_data6.h"

static const char msg_link_unknown[] =
	"link-address is on no link this server is configured for or has bindings on";

static const lq_ip6 unspecified;

static bool ip_equal(const lq_ip6 *a, const lq_ip6 *b)
{
	return memcmp(a->b, b->b, sizeof(a->b)) == 0;
}

static bool value_equal(const struct lq6_scan *s, lq_bytes v)
{
	return v.len == s->value_len && v.len > 0 && memcmp(v.data, s->value, v.len) == 0;
}

/* Is b relayed from an address of the query's subnet? (The link index
 * holds no binding without a link, whatever the range.) */
static bool link_in_subnet(const struct lq6_scan *s, const struct lq_binding *b)
{
	return !lq6_ip_is_zero(&b->link_address) &&
	       lq6_prefix_contains(&s->subnet->prefix, s->subnet->prefix_len, &b->link_address);
}

static bool key_equal(const struct lq_binding_key *a, const struct lq_binding_key *b)
{
	return a->prefix_len == b->prefix_len && ip_equal(&a->addr, &b->addr);
}

/* The order of the store (encoded keys): address, then prefix length. */
static int key_cmp(const struct lq_binding_key *a, const struct lq_binding_key *b)
{
	int d = memcmp(a->addr.b, b->addr.b, sizeof(a->addr.b));

	if (d != 0)
		return d;
	return (a->prefix_len > b->prefix_len) - (a->prefix_len < b->prefix_len);
}

/* Has b a DUID the client-id index keeps? */
static bool has_duid(const struct lq_binding *b)
{
	return b->client_id.data != NULL && b->client_id.len > 0 &&
	       b->client_id.len <= LQ_BINDING_MAX_SMALL;
}

/* Is b among the bindings the passes of a link query would yield (every
 * binding for the link ::)? What CLIENTS and NO_DUID keep. */
static bool link_candidate(const struct lq6_scan *s, const struct lq_binding *b)
{
	const struct lq_config_subnet6 *sn = s->subnet;

	if (sn != NULL) {
		if (lq6_prefix_contains(&sn->prefix, sn->prefix_len, &b->key.addr) ||
		    link_in_subnet(s, b) || (sn->id != 0 && b->subnet_id == sn->id))
			return true;
		for (size_t i = 0; i < sn->n_pd_pools; i++)
			if (lq6_prefix_contains(&sn->pd_pools[i].prefix, sn->pd_pools[i].prefix_len,
						&b->key.addr))
				return true;
		return false;
	}
	return lq6_ip_is_zero(&s->link_address) || ip_equal(&b->link_address, &s->link_address);
}

/* Is b among what pass p yields (time qualifiers aside)? */
static bool in_pass(const struct lq6_scan *s, const struct lq6_scan_pass *p,
		    const struct lq_binding *b)
{
	const struct lq_config_pd_pool *pd;

	switch (p->kind) {
	case LQ6_PASS_LINK:
		return ip_equal(&b->link_address, &s->link_address);
	case LQ6_PASS_LINK_RANGE:
		return link_in_subnet(s, b);
	case LQ6_PASS_PREFIX:
		return lq6_prefix_contains(&s->subnet->prefix, s->subnet->prefix_len, &b->key.addr);
	case LQ6_PASS_PD:
		pd = &s->subnet->pd_pools[p->pd];
		return lq6_prefix_contains(&pd->prefix, pd->prefix_len, &b->key.addr);
	case LQ6_PASS_SUBNET:
		return b->subnet_id == s->subnet->id;
	case LQ6_PASS_CLIENT_ID:
		return value_equal(s, b->client_id);
	case LQ6_PASS_RELAY_ID:
		return value_equal(s, b->relay_id);
	case LQ6_PASS_REMOTE_ID:
		return value_equal(s, b->remote_id);
	case LQ6_PASS_SINGLE:
		return key_equal(&b->key, &s->single.key);
	case LQ6_PASS_REST:
		return link_in_subnet(s, b) || (s->subnet->id != 0 && b->subnet_id == s->subnet->id);
	case LQ6_PASS_CLIENTS:
		return has_duid(b) && link_candidate(s, b);
	case LQ6_PASS_NO_DUID:
		return !has_duid(b) && link_candidate(s, b);
	default:
		return true;
	}
}

/* Did a pass before the current one yield b? */
static bool yielded_before(const struct lq6_scan *s, const struct lq_binding *b)
{
	for (size_t i = 0; i < s->pass; i++)
		if (in_pass(s, &s->passes[i], b))
			return true;
	return false;
}

/* Is b among the candidates of any pass? */
static bool candidate(const struct lq6_scan *s, const struct lq_binding *b)
{
	for (size_t i = 0; i < s->n_passes; i++)
		if (in_pass(s, &s->passes[i], b))
			return true;
	return false;
}

static bool is_v6_lease(const struct lq_binding *b)
{
	return b->key.family == 6 &&
	       (b->type == LQ_LEASE_NA || b->type == LQ_LEASE_TA || b->type == LQ_LEASE_PD);
}

/* Does a candidate qualify: time, state, link. */
static bool qualifies(const struct lq6_scan *s, const struct lq_binding *b, int64_t changed_at)
{
	if ((s->has_start && changed_at < s->start) || (s->has_end && changed_at > s->end))
		return false;
	if (s->include_inactive ? !is_v6_lease(b) : !lq6_binding_reportable(b, s->now))
		return false;
	if (s->has_link) {
		struct lq6_link here = lq6_link_of_binding(s->config, b);

		if (!lq6_link_same(&here, &s->link))
			return false;
	}
	return true;
}

/* Bindings are grouped by an exact key of their link (the subnet when one
 * is known, else the address), so that grouping is an equivalence. */
static struct lq6_link_key link_key_of(const struct lq_config *cfg, const struct lq_binding *b)
{
	struct lq6_link l = lq6_link_of_binding(cfg, b);
	struct lq6_link_key k = {l.subnet, l.subnet != NULL ? unspecified : l.addr};

	return k;
}

static bool link_key_equal(const struct lq6_link_key *a, const struct lq6_link_key *b)
{
	return a->subnet == b->subnet && ip_equal(&a->addr, &b->addr);
}

static int push(struct lq6_scan *s, const struct lq_binding *b)
{
	if (s->group_n == s->group_cap) {
		size_t cap = s->group_cap == 0 ? 8 : s->group_cap * 2;
		struct lq_binding *v = realloc(s->group, cap * sizeof(*v));

		if (v == NULL)
			return LQ_STORE_ERR_NOMEM;
		s->group = v;
		s->group_cap = cap;
	}
	s->group[s->group_n++] = *b;
	return LQ_STORE_OK;
}

/* b qualifies: gather its group when b leads it (1), or say that a binding
 * with a smaller key does (0); < 0 on a store failure. The client's
 * bindings come in key order, so those before b decide. */
static int gather(struct lq6_scan *s, const struct lq_binding *b)
{
	struct lq_store_filter f;
	struct lq_store_cursor *c;
	struct lq_binding m;
	struct lq6_link_key here = {NULL, {{0}}};
	bool have_here = false, seen_self = false;
	int rc;

	s->group_n = 0;
	if (!has_duid(b))
		return push(s, b) == LQ_STORE_OK ? 1 : LQ_STORE_ERR_NOMEM;
	memset(&f, 0, sizeof(f));
	f.family = 6;
	f.by = LQ_STORE_BY_CLIENT_ID;
	f.value = b->client_id;
	f.has_start_time = s->has_start;
	f.start_time = s->start;
	f.has_end_time = s->has_end;
	f.end_time = s->end;
	rc = lq_store_cursor_open(s->reader, &f, &c);
	if (rc < 0)
		return rc;
	while ((rc = lq_store_cursor_next(c, &m)) == 1) {
		int order = key_cmp(&m.key, &b->key);

		if (order == 0) {
			seen_self = true;
			rc = push(s, b);
		} else {
			struct lq6_link_key there;

			if (!candidate(s, &m) || !qualifies(s, &m, lq_store_cursor_changed_at(c)))
				continue;
			if (!have_here) {
				here = link_key_of(s->config, b);
				have_here = true;
			}
			there = link_key_of(s->config, &m);
			if (!link_key_equal(&here, &there))
				continue;
			if (order < 0)
				break;          /* m leads the group */
			rc = push(s, &m);
		}
		if (rc < 0)
			break;
	}
	lq_store_cursor_close(c);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		s->group_n = 0;
		return 0;
	}
	/* b is in the snapshot, so the index has it; if it did not, b still
	 * leads whatever was found */
	if (!seen_self && push(s, b) < 0)
		return LQ_STORE_ERR_NOMEM;
	return 1;
}

/* After the key ranges: one pass over every binding instead of the index
 * passes when the ranges held at least half the store (not with time
 * qualifiers: every binding is then read through the time index). */
static void maybe_rest(struct lq6_scan *s)
{
	struct lq6_scan_pass *p;

	if (s->rest_at == 0 || s->pass != s->rest_at || s->has_start || s->has_end ||
	    s->in_ranges * 2 < s->bindings6)
		return;
	p = &s->passes[s->rest_at];
	memset(p, 0, sizeof(*p));
	p->kind = LQ6_PASS_REST;
	p->filter.family = 6;
	p->filter.by = LQ_STORE_BY_ALL;
	s->n_passes = s->rest_at + 1;
}

/* ---- CLIENTS: every client's bindings together ---- */

static bool same_bytes(lq_bytes a, lq_bytes b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.data, b.data, a.len) == 0);
}

/* Room for one more binding of the client. */
static int client_room(struct lq6_scan *s)
{
	if (s->client_n == s->client_cap) {
		size_t cap = s->client_cap == 0 ? 8 : s->client_cap * 2;
		struct lq_binding *v = realloc(s->client, cap * sizeof(*v));

		if (v == NULL)
			return LQ_STORE_ERR_NOMEM;
		s->client = v;
		s->client_cap = cap;
	}
	if (s->client_n == s->member_cap) {
		size_t cap = s->member_cap == 0 ? 8 : s->member_cap * 2;
		struct lq6_member *m = realloc(s->members, cap * sizeof(*m));

		if (m == NULL)
			return LQ_STORE_ERR_NOMEM;
		s->members = m;
		s->member_cap = cap;
	}
	return LQ_STORE_OK;
}

/* Read the next client that has qualifying bindings into s->client (in
 * key order, as the index keeps them): 1, or 0 at the end of the pass.
 * The cursor meets the first binding of the following client before it
 * knows the client ended: that one is kept for the next call. */
static int read_client(struct lq6_scan *s)
{
	struct lq_binding b;
	int64_t changed;
	int rc;

	s->client_n = 0;
	s->client_at = 0;
	while (!s->clients_done) {
		if (s->has_ahead) {
			b = s->ahead;
			changed = s->ahead_changed;
			s->has_ahead = false;
		} else {
			rc = lq_store_cursor_next(s->cursor, &b);
			if (rc < 0)
				return rc;
			if (rc == 0) {
				s->clients_done = true;
				break;
			}
			changed = lq_store_cursor_changed_at(s->cursor);
			s->client_entries++;
			s->candidates++;
		}
		if (s->client_n > 0 && !same_bytes(b.client_id, s->client_duid)) {
			s->ahead = b;
			s->ahead_changed = changed;
			s->has_ahead = true;
			return 1;
		}
		s->client_duid = b.client_id;
		if (!in_pass(s, &s->passes[s->pass], &b) || !qualifies(s, &b, changed))
			continue;
		rc = client_room(s);
		if (rc < 0)
			return rc;
		s->members[s->client_n].link = link_key_of(s->config, &b);
		s->members[s->client_n].at = s->client_n;
		s->client[s->client_n++] = b;
	}
	return s->client_n > 0;
}

/* By link, then in key order. */
static int member_cmp(const void *a, const void *b)
{
	const struct lq6_member *x = a, *y = b;
	uintptr_t sx = (uintptr_t)x->link.subnet, sy = (uintptr_t)y->link.subnet;
	int d;

	if (sx != sy)
		return sx < sy ? -1 : 1;
	d = memcmp(x->link.addr.b, y->link.addr.b, sizeof(x->link.addr.b));
	if (d != 0)
		return d;
	return (x->at > y->at) - (x->at < y->at);
}

/* The client's next group: its bindings on one link. A client on one link
 * (the common case) is handed over whole; one on several is sorted by
 * link once and sent a link at a time. */
static int client_group(struct lq6_scan *s)
{
	size_t i = s->client_at, j = i + 1;

	if (i == 0) {
		bool one_link = true;

		for (size_t k = 1; k < s->client_n && one_link; k++)
			one_link = link_key_equal(&s->members[0].link, &s->members[k].link);
		if (one_link) {
			struct lq_binding *g = s->group;
			size_t cap = s->group_cap;

			s->group = s->client;
			s->group_cap = s->client_cap;
			s->group_n = s->client_n;
			s->client = g;
			s->client_cap = cap;
			s->client_n = 0;
			return 1;
		}
		qsort(s->members, s->client_n, sizeof(s->members[0]), member_cmp);
	}
	while (j < s->client_n && link_key_equal(&s->members[i].link, &s->members[j].link))
		j++;
	s->group_n = 0;
	for (size_t k = i; k < j; k++) {
		if (push(s, &s->client[s->members[k].at]) < 0)
			return LQ_STORE_ERR_NOMEM;
	}
	s->client_at = j;
	return 1;
}

/* The next group of CLIENTS: 1, or 0 when the pass is over. */
static int clients_next(struct lq6_scan *s)
{
	int rc;

	if (s->client_at < s->client_n)
		return client_group(s);
	rc = read_client(s);
	if (rc <= 0)
		return rc;
	return client_group(s);
}

int lq6_scan_next_group(struct lq6_scan *s)
{
	struct lq_binding b;
	int rc;

	s->group_n = 0;
	while (s->pass < s->n_passes) {
		const struct lq6_scan_pass *p = &s->passes[s->pass];

		if (p->kind == LQ6_PASS_SINGLE) {
			s->pass++;
			s->candidates++;
			if (qualifies(s, &s->single, s->single_changed) && (rc = gather(s, &s->single)) != 0)
				return rc;
			continue;
		}
		if (s->cursor == NULL) {
			rc = lq_store_cursor_open(s->reader, &p->filter, &s->cursor);
			if (rc < 0)
				return rc;
		}
		if (p->kind == LQ6_PASS_CLIENTS) {
			rc = clients_next(s);
			if (rc != 0)
				return rc;
			lq_store_cursor_close(s->cursor);
			s->cursor = NULL;
			s->pass++;
			/* NO_DUID: nothing to find when every binding had a DUID */
			if (s->client_entries == s->bindings6)
				s->pass++;
			continue;
		}
		rc = lq_store_cursor_next(s->cursor, &b);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			lq_store_cursor_close(s->cursor);
			s->cursor = NULL;
			s->pass++;
			maybe_rest(s);
			continue;
		}
		s->candidates++;
		if (p->kind == LQ6_PASS_PREFIX || p->kind == LQ6_PASS_PD)
			s->in_ranges++;
		/* a pass over every binding (REST) yields more than its own */
		if (!in_pass(s, p, &b) || yielded_before(s, &b) ||
		    !qualifies(s, &b, lq_store_cursor_changed_at(s->cursor)))
			continue;
		rc = gather(s, &b);
		if (rc != 0)
			return rc;
	}
	return 0;
}

void lq6_scan_free(struct lq6_scan *s)
{
	lq_store_cursor_close(s->cursor);
	s->cursor = NULL;
	free(s->passes);
	s->passes = NULL;
	s->n_passes = s->pass = 0;
	free(s->group);
	s->group = NULL;
	s->group_n = s->group_cap = 0;
	free(s->client);
	s->client = NULL;
	free(s->members);
	s->members = NULL;
	s->client_n = s->client_cap = s->member_cap = s->client_at = 0;
	s->has_ahead = false;
}

/* ---- setting a query up ---- */

static struct lq6_scan_pass *add_pass(struct lq6_scan *s, uint8_t kind, uint8_t by)
{
	struct lq6_scan_pass *p = &s->passes[s->n_passes++];

	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->filter.family = 6;
	p->filter.by = by;
	p->filter.has_start_time = s->has_start;
	p->filter.start_time = s->start;
	p->filter.has_end_time = s->has_end;
	p->filter.end_time = s->end;
	return p;
}

static int alloc_passes(struct lq6_scan *s, size_t n)
{
	s->passes = calloc(n, sizeof(*s->passes));
	return s->passes != NULL ? LQ_STORE_OK : LQ_STORE_ERR_NOMEM;
}

static void set_value(struct lq6_scan *s, const uint8_t *data, size_t len)
{
	memcpy(s->value, data, len);
	s->value_len = len;
}

/* One pass over an index keyed by s->value. */
static int index_pass(struct lq6_scan *s, uint8_t kind, uint8_t by)
{
	struct lq6_scan_pass *p;

	if (alloc_passes(s, 1) < 0)
		return LQ_STORE_ERR_NOMEM;
	p = add_pass(s, kind, by);
	p->filter.value = (lq_bytes){s->value, s->value_len};
	return LQ_STORE_OK;
}

/* The last address of prefix/len. */
static lq_ip6 prefix_last(const lq_ip6 *prefix, unsigned len)
{
	lq_ip6 a = *prefix;

	for (unsigned i = 0; i < 16; i++) {
		unsigned bit = i * 8;

		if (bit >= len)
			a.b[i] = 0xff;
		else if (bit + 8 > len)
			a.b[i] |= (uint8_t)(0xffu >> (len - bit));
	}
	return a;
}

static lq_ip6 prefix_first(const lq_ip6 *prefix, unsigned len)
{
	lq_ip6 a = *prefix;

	for (unsigned i = 0; i < 16; i++) {
		unsigned bit = i * 8;

		if (bit >= len)
			a.b[i] = 0;
		else if (bit + 8 > len)
			a.b[i] &= (uint8_t)(0xff00u >> (len - bit));
	}
	return a;
}

/* A pass over a range of keys (PREFIX, PD: BY_RANGE) or of link addresses
 * (LINK_RANGE: BY_LINK_RANGE): prefix/len. */
static void range_pass(struct lq6_scan *s, uint8_t kind, size_t pd, const lq_ip6 *prefix,
		       unsigned len)
{
	struct lq6_scan_pass *p = add_pass(s, kind, kind == LQ6_PASS_LINK_RANGE ? LQ_STORE_BY_LINK_RANGE
									      : LQ_STORE_BY_RANGE);

	p->pd = pd;
	p->filter.range_first = prefix_first(prefix, len);
	p->filter.range_last = prefix_last(prefix, len);
}

/* Restrict to the link of a non-zero link-address; *status NotConfigured
 * when neither a configured subnet nor a binding knows that link. */
static int restrict_link(struct lq6_scan *s, const lq_ip6 *link_address, uint16_t *status,
			 const char **message)
{
	struct lq_store_filter f;
	struct lq_store_cursor *c;
	struct lq_binding b;
	int rc;

	s->has_link = true;
	s->link = lq6_link_of_address(s->config, link_address);
	if (s->link.subnet != NULL)
		return LQ_STORE_OK;
	memset(&f, 0, sizeof(f));
	f.family = 6;
	f.by = LQ_STORE_BY_LINK;
	f.link = *link_address;
	rc = lq_store_cursor_open(s->reader, &f, &c);
	if (rc < 0)
		return rc;
	rc = lq_store_cursor_next(c, &b);
	lq_store_cursor_close(c);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		*status = LQ6_STATUS_NOT_CONFIGURED;
		*message = msg_link_unknown;
	}
	return LQ_STORE_OK;
}

/* The passes that read the store client by client (in place of those
 * planned so far): CLIENTS, then NO_DUID. */
static int client_passes(struct lq6_scan *s)
{
	struct lq_store_stats st;
	int rc = lq_store_stats(s->reader, &st);

	s->bindings6 = st.bindings6;
	s->n_passes = 0;
	s->rest_at = 0;
	add_pass(s, LQ6_PASS_CLIENTS, LQ_STORE_BY_CLIENTS);
	add_pass(s, LQ6_PASS_NO_DUID, LQ_STORE_BY_NO_CLIENT_ID);
	return rc;
}

/* Should a query for a link (link_address, or every address of subnet sn)
 * read the store client by client? When the bindings relayed from it (or
 * with its subnet id) are at least half of the store: the client-id index
 * finds each client's bindings together at a fraction of the cost of a
 * client lookup per binding, and reading the whole store costs at most
 * twice what the link's share of it is worth. Not with time qualifiers:
 * the changes of a window come cheaper from the time index. */
static int link_is_most(struct lq6_scan *s, const struct lq_config_subnet6 *sn,
			const lq_ip6 *link_address, bool *most)
{
	struct lq_store_filter f;
	struct lq_store_stats st;
	uint64_t half, n = 0, m = 0;
	int rc;

	*most = s->clients == LQ6_CLIENTS_ALWAYS;
	if (s->clients != LQ6_CLIENTS_AUTO || s->has_start || s->has_end)
		return LQ_STORE_OK;
	rc = lq_store_stats(s->reader, &st);
	if (rc < 0 || st.bindings6 == 0)
		return rc;
	half = (st.bindings6 + 1) / 2;
	memset(&f, 0, sizeof(f));
	f.family = 6;
	if (sn != NULL) {
		f.by = LQ_STORE_BY_LINK_RANGE;
		f.range_first = prefix_first(&sn->prefix, sn->prefix_len);
		f.range_last = prefix_last(&sn->prefix, sn->prefix_len);
		rc = lq_store_count(s->reader, &f, half, &n);
		if (rc == LQ_STORE_OK && n < half && sn->id != 0) {
			f.by = LQ_STORE_BY_SUBNET;
			f.subnet_id = sn->id;
			rc = lq_store_count(s->reader, &f, half, &m);
		}
	} else {
		f.by = LQ_STORE_BY_LINK;
		f.link = *link_address;
		rc = lq_store_count(s->reader, &f, half, &n);
	}
	*most = n >= half || m >= half;
	return rc;
}

static int setup_link_address(struct lq6_scan *s, const lq_ip6 *link_address, uint16_t *status,
			      const char **message)
{
	const struct lq_config_subnet6 *sn;
	bool most;
	int rc;

	if (lq6_ip_is_zero(link_address)) {
		/* lq's choice (as dhcpkit's): the link :: is every link */
		if (alloc_passes(s, 2) < 0)
			return LQ_STORE_ERR_NOMEM;
		if (s->clients == LQ6_CLIENTS_NEVER ||
		    (s->clients == LQ6_CLIENTS_AUTO && (s->has_start || s->has_end))) {
			/* the changes in a window, from the time index */
			add_pass(s, LQ6_PASS_ALL, LQ_STORE_BY_ALL);
			return LQ_STORE_OK;
		}
		return client_passes(s);
	}
	rc = restrict_link(s, link_address, status, message);
	if (rc < 0 || *status != 0)
		return rc;
	sn = s->link.subnet;
	s->link_address = *link_address;
	s->subnet = sn;
	if (alloc_passes(s, LQ6_SCAN_MAX_PASSES + (sn != NULL ? sn->n_pd_pools : 0)) < 0)
		return LQ_STORE_ERR_NOMEM;
	rc = link_is_most(s, sn, link_address, &most);
	if (rc < 0)
		return rc;
	if (most)
		return client_passes(s);
	if (sn != NULL) {
		struct lq_store_stats st;

		range_pass(s, LQ6_PASS_PREFIX, 0, &sn->prefix, sn->prefix_len);
		for (size_t i = 0; i < sn->n_pd_pools; i++)
			range_pass(s, LQ6_PASS_PD, i, &sn->pd_pools[i].prefix,
				   sn->pd_pools[i].prefix_len);
		rc = lq_store_stats(s->reader, &st);
		if (rc < 0)
			return rc;
		s->bindings6 = st.bindings6;
		s->rest_at = s->n_passes;
		/* every address of the subnet: the relay may use any of them */
		range_pass(s, LQ6_PASS_LINK_RANGE, 0, &sn->prefix, sn->prefix_len);
		if (sn->id != 0)
			add_pass(s, LQ6_PASS_SUBNET, LQ_STORE_BY_SUBNET)->filter.subnet_id = sn->id;
		return LQ_STORE_OK;
	}
	add_pass(s, LQ6_PASS_LINK, LQ_STORE_BY_LINK)->filter.link = *link_address;
	return LQ_STORE_OK;
}

/* RFC 5007 4.1.2.1: the client bound to the address (or delegated the
 * prefix holding it), its bindings on that binding's link. The statuses
 * are those of the single query (NotConfigured ...). */
static int setup_address(struct lq6_scan *s, const struct lq6_query *query, uint16_t *status,
			 const char **message)
{
	struct lq6_lookup lk = {s->config, s->reader, s->now};
	struct lq6_outcome o;
	struct lq_binding b;
	int64_t changed;
	int rc;

	o.found = (struct lq6_binding_list){NULL, 0, 0};
	lq6_lookup_by_address(&lk, &query->iaaddr.addr, &query->link_address, &o);
	lq6_binding_list_free(&o.found);
	if (o.status != LQ6_STATUS_SUCCESS) {
		*status = o.status;
		*message = o.message;
		return LQ_STORE_OK;
	}
	rc = lq_store_find_containing(s->reader, &query->iaaddr.addr, &b, &changed);
	if (rc <= 0)
		return rc;      /* nothing there: an empty answer */
	s->has_link = true;
	s->link = lq6_link_of_binding(s->config, &b);
	if (!lq6_ip_is_zero(&query->link_address)) {
		struct lq6_link asked = lq6_link_of_address(s->config, &query->link_address);

		if (!lq6_link_same(&s->link, &asked))
			return LQ_STORE_OK;
	}
	if (!has_duid(&b)) {
		s->single = b;
		s->single_changed = changed;
		if (alloc_passes(s, 1) < 0)
			return LQ_STORE_ERR_NOMEM;
		add_pass(s, LQ6_PASS_SINGLE, LQ_STORE_BY_ALL);
		return LQ_STORE_OK;
	}
	/* the binding found must itself qualify (RFC 5007: an address that is
	 * not bound is answered without client data) */
	if (!qualifies(s, &b, changed))
		return LQ_STORE_OK;
	set_value(s, b.client_id.data, b.client_id.len);
	return index_pass(s, LQ6_PASS_CLIENT_ID, LQ_STORE_BY_CLIENT_ID);
}

/* The OPTION_REMOTE_ID value as the store keeps it: enterprise number, id. */
static void set_remote_id(struct lq6_scan *s, const struct lq6_remote_id *r)
{
	uint8_t v[LQ_BINDING_MAX_SMALL];

	v[0] = (uint8_t)(r->enterprise >> 24);
	v[1] = (uint8_t)(r->enterprise >> 16);
	v[2] = (uint8_t)(r->enterprise >> 8);
	v[3] = (uint8_t)r->enterprise;
	memcpy(v + 4, r->id.data, r->id.len);
	set_value(s, v, 4 + r->id.len);
}

int lq6_scan_setup(struct lq6_scan *s, const struct lq6_query *query, uint16_t *status,
		   const char **message)
{
	int rc = LQ_STORE_OK;

	*status = LQ6_STATUS_SUCCESS;
	*message = NULL;
	switch (query->type) {
	case LQ6_QUERY_BY_LINK_ADDRESS:
		return setup_link_address(s, &query->link_address, status, message);
	case LQ6_QUERY_BY_ADDRESS:
		return setup_address(s, query, status, message);
	case LQ6_QUERY_BY_CLIENTID:
		set_value(s, query->client_id.data, query->client_id.len);
		rc = index_pass(s, LQ6_PASS_CLIENT_ID, LQ_STORE_BY_CLIENT_ID);
		break;
	case LQ6_QUERY_BY_RELAY_ID:
		set_value(s, query->relay_id.data, query->relay_id.len);
		rc = index_pass(s, LQ6_PASS_RELAY_ID, LQ_STORE_BY_RELAY_ID);
		break;
	case LQ6_QUERY_BY_REMOTE_ID:
		set_remote_id(s, &query->remote_id);
		rc = index_pass(s, LQ6_PASS_REMOTE_ID, LQ_STORE_BY_REMOTE_ID);
		break;
	default:
		return LQ_STORE_ERR_INVALID;
	}
	if (rc == LQ_STORE_OK && !lq6_ip_is_zero(&query->link_address))
		rc = restrict_link(s, &query->link_address, status, message);
	return rc;
}
