/* cmd_bulk.c - `lq bulk`: bulk leasequery over TCP, DHCPv4 (RFC 6926) or
 * DHCPv6 (RFC 5460 with the times of RFC 7653 5). Reads the command line
 * into one query per primary option (none: the DHCPv4 query for all
 * configured addresses), sends them all at once over one connection, each
 * with its own xid (RFC 6926 7.7), and prints every binding as it arrives
 * (output.c), demultiplexing replies by xid (bulk4.c, bulk6.c) until every
 * query has finished; then closes the connection gracefully and prints a
 * summary. Exit codes follow the lq contract (cmds.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "answer.h"
#include "bulk4.h"
#include "bulk6.h"
#include "args.h"
#include "cmdline.h"
#include "cmds.h"
#include "output.h"
#include "qualifiers.h"
#include "retx.h"
#include "tcp_client.h"
#include "tls_client.h"
#include "udp_client.h"

#define MAX_QUERIES 1024
#define VALUE_MAX 512

enum primary_kind {
	P_MAC = 1,
	P_CLIENT_ID,
	P_REMOTE_ID,
	P_RELAY_ID,
	P_LINK,
	P_ADDRESS,
};

struct primary {
	enum primary_kind kind;
	const char *flag, *value;
};

struct bulk_opts {
	int family;                     /* 0 until -4/-6 or a family-only flag */
	const char *server;
	struct primary primaries[MAX_QUERIES];
	size_t n_primaries;
	struct lq_qualifier_args qual;
	const char *htype;
	bool json;
	int verbose;
	uint32_t timeout_ms;
	struct lq_tls_opts tls;
};

static void usage(FILE *out)
{
	fputs("usage: lq bulk -4 -s HOST[:PORT] [--mac M | --client-id HEX | --remote-id HEX |\n"
	      "                --relay-id HEX]... [--htype N] [--prl CODES] [QUALIFIERS] [COMMON]\n"
	      "               (no query option: every configured address)\n"
	      "       lq bulk -6 -s HOST[:PORT] (--relay-id DUID | --remote-id HEX | --link A |\n"
	      "                --client-id DUID | --address A)... [--link A] [--oro CODES]\n"
	      "                [--duid HEX] [QUALIFIERS] [COMMON]\n"
	      "qualifiers: [--start-time T] [--end-time T] [--vpn NAME | --vpn hex:HEX | --all-vpns]\n"
	      LQ_TLS_USAGE
	      "common:     [--json] [--timeout SECONDS] [-v]\n"
	      "Each query option may be repeated: every one is its own query, all sent over\n"
	      "one connection. T: RFC 3339 (2026-11-23T11:15:24Z), now, now-3600, Unix time.\n",
	      out);
}

static const char *family_hint(const char *flag, int family, int chosen)
{
	(void)family;
	(void)chosen;
	if (strcmp(flag, "--address") == 0)
		return " (DHCPv4 bulk leasequery has no query by address, RFC 6926 7.2: use lq "
		       "query -4 --ip)";
	if (strcmp(flag, "--link") == 0)
		return " (DHCPv4 bulk leasequery has no query by link, RFC 6926 7.2)";
	if (strcmp(flag, "--mac") == 0)
		return " (DHCPv6 has no query by MAC address: use --client-id with the client's "
		       "DUID)";
	return "";
}

static const struct lq_cmd bulk_cmd = { "lq bulk", usage, family_hint };

/* "lq bulk: " and the message, then the usage; -1. */
#define usage_error(...) lq_cmd_error(&bulk_cmd, __VA_ARGS__)

/* ------------------------------------------------------------ parsing */

/* Their id: the kind of query. */
static const struct lq_cmdline_flag primary_flags[] = {
	{ "--mac", 4, 0, P_MAC },
	{ "--client-id", 0, 0, P_CLIENT_ID },
	{ "--remote-id", 0, 0, P_REMOTE_ID },
	{ "--relay-id", 0, 0, P_RELAY_ID },
	{ "--link", 6, 0, P_LINK },
	{ "--address", 6, 0, P_ADDRESS },
};

static const struct lq_cmdline_flag value_flags[] = {
	{ "--start-time", 0, offsetof(struct bulk_opts, qual.start_time), 0 },
	{ "--end-time", 0, offsetof(struct bulk_opts, qual.end_time), 0 },
	{ "--vpn", 0, offsetof(struct bulk_opts, qual.vpn), 0 },
	{ "--prl", 4, offsetof(struct bulk_opts, qual.prl), 0 },
	{ "--htype", 4, offsetof(struct bulk_opts, htype), 0 },
	{ "--oro", 6, offsetof(struct bulk_opts, qual.oro), 0 },
	{ "--duid", 6, offsetof(struct bulk_opts, qual.duid), 0 },
};

/* A query option (--mac ...): 0 (*matched says whether it was one), -1 on
 * a usage error (said). */
static int parse_primary(struct lq_cmdline *cl, struct bulk_opts *o, bool *matched)
{
	size_t k;
	const char *v;
	int rc = lq_cmdline_match(cl, primary_flags, LQ_CMDLINE_N(primary_flags), &k, &v);

	*matched = rc == 1;
	if (rc <= 0)
		return rc;
	if (o->n_primaries == MAX_QUERIES)
		return lq_cmd_error(cl->cmd, "at most %d queries on one connection", MAX_QUERIES);
	o->primaries[o->n_primaries++] =
		(struct primary){ (enum primary_kind)primary_flags[k].id, primary_flags[k].name, v };
	return 0;
}

/* One argument (lq_cmdline_parse): 0, 1 for --help, -1 on a usage error. */
static int parse_one(struct lq_cmdline *cl, void *opts, bool *matched)
{
	struct bulk_opts *o = opts;
	int rc = lq_cmdline_common(cl, &o->json, &o->verbose, matched);

	if (rc != 0 || *matched)
		return rc;
	if (strcmp(cl->argv[cl->i], "--all-vpns") == 0) {
		o->qual.all_vpns = true;
		*matched = true;
		return 0;
	}
	if ((rc = lq_cmdline_tls(cl, &o->tls, matched)) != 0 || *matched)
		return rc;
	if ((rc = lq_cmdline_one_server(cl, &o->server, "one server per connection (a bulk "
					"query goes to one server)", matched)) != 0 || *matched)
		return rc;
	if ((rc = lq_cmdline_seconds(cl, "--timeout", 86400, &o->timeout_ms, matched)) != 0 ||
	    *matched)
		return rc;
	if ((rc = parse_primary(cl, o, matched)) != 0 || *matched)
		return rc;
	return lq_cmdline_store(cl, value_flags, LQ_CMDLINE_N(value_flags), o, NULL, matched);
}

/* 0, 1 for --help, -1 on a usage error (said). */
static int parse_args(int argc, char **argv, struct bulk_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->timeout_ms = LQ_TCP_DATA_TIMEOUT_MS;
	return lq_cmdline_parse(&bulk_cmd, argc, argv, o, parse_one, &o->family);
}

/* ------------------------------------------------------------ the queries */

/* What every query of the connection shares. */
struct shared {
	uint8_t htype;
	struct lq_qualifiers qual;
	lq_ip6 link;                    /* v6: the link other queries are restricted to */
	const char *link_text;
};

struct bulk_query {
	char label[160];
	uint8_t value[VALUE_MAX];
	size_t value_len;
	struct lq4_bulk_request q4;
	struct lq6_request q6;
};

static int check_shared(const struct bulk_opts *o, struct shared *sh)
{
	unsigned long n;

	sh->htype = 1;
	if (o->htype != NULL) {
		if (lq_args_ulong(o->htype, 1, 255, &n) < 0)
			return usage_error("--htype: '%s' is not a hardware type (1-255)", o->htype);
		sh->htype = (uint8_t)n;
	}
	return lq_qualifiers_read(&bulk_cmd, o->family, &o->qual, &sh->qual);
}

static void label(struct bulk_query *bq, const struct primary *p, const struct shared *sh)
{
	if (p == NULL) {
		snprintf(bq->label, sizeof(bq->label), "all configured addresses");
		return;
	}
	if (sh->link_text != NULL && p->kind != P_LINK)
		snprintf(bq->label, sizeof(bq->label), "%s %s --link %s", p->flag, p->value,
			 sh->link_text);
	else
		snprintf(bq->label, sizeof(bq->label), "%s %s", p->flag, p->value);
}

static int make_query4(const struct primary *p, const struct shared *sh, struct bulk_query *bq)
{
	struct lq4_bulk_request *q = &bq->q4;
	uint8_t *v = bq->value;
	size_t *n = &bq->value_len;

	memset(q, 0, sizeof(*q));
	q->by = LQ4_BULK_ALL;
	if (p != NULL) {
		switch (p->kind) {
		case P_MAC:
			if (lq_args_hex(p->value, q->chaddr, sizeof(q->chaddr), n) < 0)
				return usage_error("--mac: '%s' is not a hardware address (hex octets, "
						   "e.g. 00:11:22:33:44:55; at most 16)", p->value);
			q->by = LQ4_BULK_BY_MAC;
			q->htype = sh->htype;
			q->hlen = (uint8_t)*n;
			break;
		case P_CLIENT_ID:
		case P_REMOTE_ID:
		case P_RELAY_ID:
			if (lq_args_hex(p->value, v, 255, n) < 0)
				return usage_error("%s: '%s' is not hex octets (1 to 255, e.g. "
						   "01:00:11:22:33:44:55)", p->flag, p->value);
			q->by = p->kind == P_CLIENT_ID ? LQ4_BULK_BY_CLIENT_ID
			      : p->kind == P_REMOTE_ID ? LQ4_BULK_BY_REMOTE_ID : LQ4_BULK_BY_RELAY_ID;
			q->id = (lq_bytes){ v, *n };
			break;
		default:
			return usage_error("%s is not a DHCPv4 bulk query", p->flag);
		}
	}
	lq_qualifiers_set4(&sh->qual, q);
	label(bq, p, sh);
	return 0;
}

static int make_query6(const struct primary *p, const struct shared *sh, struct bulk_query *bq)
{
	struct lq6_request *q = &bq->q6;
	uint8_t *v = bq->value;
	size_t *n = &bq->value_len;

	memset(q, 0, sizeof(*q));
	q->link_address = sh->link;
	switch (p->kind) {
	case P_CLIENT_ID:
	case P_RELAY_ID:
		if (lq_args_hex(p->value, v, LQ6_DUID_MAX, n) < 0 || *n < 2)
			return usage_error("%s: '%s' is not a DUID (2 to 130 hex octets, e.g. "
					   "00:01:00:01:2c:9a:3b:80:02:00:00:00:00:42)", p->flag, p->value);
		q->type = p->kind == P_CLIENT_ID ? LQ6_QUERY_BY_CLIENTID : LQ6_QUERY_BY_RELAY_ID;
		if (p->kind == P_CLIENT_ID)
			q->client_id = (lq_bytes){ v, *n };
		else
			q->relay_id = (lq_bytes){ v, *n };
		break;
	case P_REMOTE_ID:
		if (lq_args_hex(p->value, v, VALUE_MAX, n) < 0 || *n < 5)
			return usage_error("--remote-id: '%s' is not an OPTION_REMOTE_ID value (hex: "
					   "the 4-octet enterprise number, then the remote-id; e.g. "
					   "00:00:0d:e9:63:70:65:31)", p->value);
		q->type = LQ6_QUERY_BY_REMOTE_ID;
		q->remote_id = (lq_bytes){ v, *n };
		break;
	case P_ADDRESS:
		if (inet_pton(AF_INET6, p->value, q->address.b) != 1)
			return usage_error("--address: '%s' is not an IPv6 address", p->value);
		q->type = LQ6_QUERY_BY_ADDRESS;
		break;
	case P_LINK:
		if (inet_pton(AF_INET6, p->value, q->link_address.b) != 1)
			return usage_error("--link: '%s' is not an IPv6 address", p->value);
		q->type = LQ6_QUERY_BY_LINK_ADDRESS;
		break;
	default:
		return usage_error("%s is not a DHCPv6 bulk query", p->flag);
	}
	lq_qualifiers_set6(&sh->qual, q);
	label(bq, p, sh);
	return 0;
}

/* The queries the command line asks for; *n of them. 0 or -1 (said). */
static int make_queries(struct bulk_opts *o, struct shared *sh, struct bulk_query *qs, size_t *n)
{
	size_t links = 0, others = 0;
	const struct primary *link = NULL;

	*n = 0;
	if (o->family == 4) {
		if (o->n_primaries == 0)
			return make_query4(NULL, sh, &qs[(*n)++]);
		for (size_t i = 0; i < o->n_primaries; i++)
			if (make_query4(&o->primaries[i], sh, &qs[(*n)++]) < 0)
				return -1;
		return 0;
	}
	for (size_t i = 0; i < o->n_primaries; i++) {
		if (o->primaries[i].kind == P_LINK) {
			links++;
			link = &o->primaries[i];
		} else {
			others++;
		}
	}
	if (links + others == 0)
		return usage_error("-6 needs a query: --relay-id, --remote-id, --link, --client-id "
				   "or --address (DHCPv6 has no all-addresses query; --link :: asks "
				   "for the bindings on every link)");
	if (others > 0 && links > 1)
		return usage_error("--link with other queries restricts them to one link: give it "
				   "once");
	if (others > 0 && link != NULL) {
		/* RFC 5460 5.2: the LQ_QUERY link-address restricts the query */
		if (inet_pton(AF_INET6, link->value, sh->link.b) != 1)
			return usage_error("--link: '%s' is not an IPv6 address", link->value);
		sh->link_text = link->value;
	}
	for (size_t i = 0; i < o->n_primaries; i++) {
		if (others > 0 && o->primaries[i].kind == P_LINK)
			continue;
		if (make_query6(&o->primaries[i], sh, &qs[(*n)++]) < 0)
			return -1;
	}
	return 0;
}

static uint32_t unique_xid(struct lq_rng *rng, const struct lq_stream_query *qs, size_t i,
			   uint32_t mask)
{
	for (;;) {
		uint32_t xid = (uint32_t)lq_rng_next(rng) & mask;
		bool used = false;
		for (size_t k = 0; k < i; k++)
			used = used || qs[k].xid == xid;
		if (!used)
			return xid;
	}
}

/* ------------------------------------------------------------ the stream */

struct run {
	int family;
	const struct bulk_opts *o;
	const char *where;              /* "127.0.0.1:67" for messages */
	struct lq_tcp *tcp;
	struct lq_stream_query *queries;
	size_t n;
	const char **labels;
	struct lq_tls *tls;             /* NULL: plain TCP */
	struct lq_answer *answer;
	struct lq4_msg *scratch4;
	lq_bytes duid;
	uint64_t count;
	struct lq_text text;
	/* how it ended */
	const char *transport_status;   /* NULL: every query finished */
	char error[256];
};

static void print_record(struct run *r)
{
	struct lq_answer *a = r->answer;

	a->show_xid = r->n > 1;
	lq_answer_settle(a, (int64_t)time(NULL));
	if (r->o->json) {
		lq_output_json_line(lq_output_binding_json(a), stdout);
	} else {
		lq_text_reset(&r->text);
		if (r->count > 0)
			lq_text_puts(&r->text, "\n");
		lq_output_text(&r->text, a);
		if (r->text.data != NULL)
			fputs(r->text.data, stdout);
	}
	fflush(stdout);
	r->count++;
}

static size_t unfinished(const struct run *r)
{
	size_t k = 0;

	for (size_t i = 0; i < r->n; i++)
		k += !r->queries[i].finished;
	return k;
}

static void stop(struct run *r, const char *status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void stop(struct run *r, const char *status, const char *fmt, ...)
{
	va_list ap;

	r->transport_status = status;
	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
	fprintf(stderr, "lq: %s: %s\n", r->where, r->error);
}

/* One message received. 0 goes on, -1 ends the connection (said). */
static int on_message(struct run *r, lq_bytes msg)
{
	struct lq_stream_read res;
	const char *why;

	if (r->o->verbose)
		lq_output_dump_packet(r->family, "received", msg.data, msg.len);
	why = r->family == 4 ? lq4_bulk_read(r->queries, r->n, r->scratch4, msg.data, msg.len,
					     r->answer, &res)
			     : lq6_bulk_read(r->queries, r->n, r->duid, msg.data, msg.len,
					     r->answer, &res);
	if (why != NULL) {
		stop(r, "ProtocolError", "%s: closing the connection", why);
		return -1;
	}
	if (res.warning != NULL)
		fprintf(stderr, "lq: %s: warning: %s\n", r->where, res.warning);
	switch (res.event) {
	case LQ_STREAM_BINDING:
		print_record(r);
		break;
	case LQ_STREAM_DONE:
		if (r->o->verbose) {
			const struct lq_stream_query *q = &r->queries[res.query];
			fprintf(stderr, ";; query %s (xid 0x%x) finished: %s, %llu bindings\n",
				r->labels[res.query], q->xid, lq_stream_status_name(q, r->family),
				(unsigned long long)q->bindings);
		}
		break;
	case LQ_STREAM_SKIPPED:
	case LQ_STREAM_STATUS:          /* active queries only */
		break;
	}
	return 0;
}

static void transport_failed(struct run *r)
{
	size_t left = unfinished(r);

	switch (r->tcp->fail) {
	case LQ_TCP_TIMEOUT:
		stop(r, "Timeout", "%s", r->tcp->why);
		break;
	case LQ_TCP_CLOSED:
		stop(r, "ConnectionClosed", "%s, with %zu of %zu quer%s unfinished (%s)",
		     r->tcp->why, left, r->n, r->n == 1 ? "y" : "ies",
		     r->family == 4 ? "no DHCPLEASEQUERYDONE" : "no LEASEQUERY-DONE");
		break;
	case LQ_TCP_FRAMING:
		stop(r, "ProtocolError", "%s: closing the connection", r->tcp->why);
		break;
	default:
		stop(r, "ConnectionClosed", "%s", r->tcp->why);
		break;
	}
}

/* Send every query, then read until each has finished. */
static void run_stream(struct run *r, struct bulk_query *qs, const struct shared *sh)
{
	static uint8_t out[LQ6_BULK_QUERY_MAX_LEN];
	size_t len;
	lq_bytes msg;
	lq_err err;

	for (size_t i = 0; i < r->n; i++) {
		if (r->family == 4) {
			qs[i].q4.xid = r->queries[i].xid;
			err = lq4_bulk_build(&qs[i].q4, out, sizeof(out), &len);
		} else {
			qs[i].q6.xid = r->queries[i].xid;
			qs[i].q6.requestor_duid = (lq_bytes){ sh->qual.duid, sh->qual.duid_len };
			err = lq6_bulk_build(&qs[i].q6, out, sizeof(out), &len);
		}
		if (err != LQ_OK) {
			stop(r, "NoAnswer", "cannot build the query %s: %s", r->labels[i],
			     lq_strerror(err));
			return;
		}
		if (r->o->verbose)
			lq_output_dump_packet(r->family, "sending", out, len);
		if (lq_tcp_queue(r->tcp, out, len) < 0) {
			stop(r, "NoAnswer", "%s", r->tcp->why);
			return;
		}
	}
	while (unfinished(r) > 0) {
		int rc = lq_tcp_next(r->tcp, &msg);
		if (rc <= 0) {
			transport_failed(r);
			return;
		}
		if (on_message(r, msg) < 0)
			return;
	}
}

/* The summary and the exit code. */
static int finish(struct run *r, const char *server)
{
	struct lq_output_stream s;
	const char *status = "Success";
	int rc = LQ_EXIT_OK;

	for (size_t i = 0; i < r->n; i++)
		if (lq_stream_failed(&r->queries[i])) {
			status = lq_stream_status_name(&r->queries[i], r->family);
			rc = LQ_EXIT_SERVER_ERROR;
			break;
		}
	if (r->transport_status != NULL) {
		status = r->transport_status;
		rc = LQ_EXIT_NO_ANSWER;
	}
	memset(&s, 0, sizeof(s));
	s.family = r->family;
	s.server = server;
	s.status = status;
	s.error = r->transport_status != NULL ? r->error : NULL;
	s.queries = r->queries;
	s.labels = r->labels;
	s.n = r->n;
	s.count = r->count;
	if (r->o->json) {
		lq_output_json_line(lq_output_stream_summary_json(&s), stdout);
	} else {
		lq_text_reset(&r->text);
		if (r->count > 0)
			lq_text_puts(&r->text, "\n");
		lq_output_text_stream_summary(&r->text, &s);
		if (r->text.data != NULL)
			fputs(r->text.data, stdout);
	}
	fflush(stdout);
	return rc;
}

/* Connect, find our DUID (v6), run. */
static void connect_and_run(struct run *r, const struct lq_udp_server *srv, struct bulk_query *qs,
			    struct shared *sh)
{
	if (lq_tcp_connect(r->tcp, (const struct sockaddr *)&srv->addr, srv->addr_len,
			   r->o->timeout_ms) < 0) {
		stop(r, "NoAnswer", "%s", r->tcp->why);
		return;
	}
	if (r->o->verbose)
		fprintf(stderr, ";; connected to %s, %zu quer%s\n", r->where, r->n,
			r->n == 1 ? "y" : "ies");
	if (r->family == 6 && lq_qualifiers_duid(&sh->qual, r->tcp) < 0) {
		stop(r, "NoAnswer", "cannot make a DUID for this host: give one with --duid");
		return;
	}
	r->duid = (lq_bytes){ sh->qual.duid, sh->qual.duid_len };
	/* RFC 7724, RFC 7653 8.2: DHCPTLS / STARTTLS first, then the handshake;
	 * no fallback to plain text */
	if (r->tls != NULL) {
		struct lq_rng rng;
		lq_rng_seed_random(&rng);
		uint32_t xid = (uint32_t)lq_rng_next(&rng) & (r->family == 4 ? 0xffffffffu : 0xffffffu);
		if (lq_tls_upgrade(r->tcp, r->tls, r->family, xid, sh->qual.duid, sh->qual.duid_len,
				   r->o->verbose) < 0) {
			stop(r, "TLSFailed", "%s", r->tcp->why);
			return;
		}
	}
	run_stream(r, qs, sh);
}

int cmd_bulk(int argc, char **argv)
{
	struct bulk_opts *o = calloc(1, sizeof(*o));
	struct shared *sh = calloc(1, sizeof(*sh));
	struct bulk_query *qs = NULL;
	struct lq_tcp *tcp = calloc(1, sizeof(*tcp));
	struct lq_udp_server srv;
	struct lq_rng rng;
	struct run r;
	char err[256], where[LQ_UDP_NAME_MAX + 64];
	size_t n = 0;
	int rc;

	memset(&r, 0, sizeof(r));
	lq_text_init(&r.text);
	if (o == NULL || sh == NULL || tcp == NULL) {
		fprintf(stderr, "lq bulk: out of memory\n");
		rc = LQ_EXIT_NO_ANSWER;
		goto out;
	}
	tcp->fd = -1;
	rc = parse_args(argc, argv, o);
	if (rc != 0) {          /* 1: --help; else a usage error, already said */
		rc = rc == 1 ? LQ_EXIT_OK : LQ_EXIT_USAGE;
		goto out;
	}
	rc = LQ_EXIT_USAGE;
	if (lq_cmd_required(&bulk_cmd, o->family, o->server != NULL, "bulk leasequery", "ask") < 0)
		goto out;
	if ((qs = calloc(o->n_primaries + 1, sizeof(*qs))) == NULL) {
		fprintf(stderr, "lq bulk: out of memory\n");
		rc = LQ_EXIT_NO_ANSWER;
		goto out;
	}
	if (check_shared(o, sh) < 0 || make_queries(o, sh, qs, &n) < 0)
		goto out;
	if (lq_cmd_server(&bulk_cmd, o->family, o->server, &o->tls, &srv) < 0)
		goto out;
	rc = LQ_EXIT_NO_ANSWER;
	r.family = o->family;
	r.o = o;
	r.where = lq_udp_format(&srv.addr, where, sizeof(where));
	r.tcp = tcp;
	r.n = n;
	r.queries = calloc(n + 1, sizeof(*r.queries));  /* n >= 1 */
	r.labels = calloc(n + 1, sizeof(*r.labels));
	r.answer = lq_answer_new(o->family, srv.name);
	r.scratch4 = o->family == 4 ? malloc(sizeof(*r.scratch4)) : NULL;
	if (r.queries == NULL || r.labels == NULL || r.answer == NULL ||
	    (o->family == 4 && r.scratch4 == NULL)) {
		fprintf(stderr, "lq bulk: out of memory\n");
		goto out;
	}
	if (o->tls.enabled && (r.tls = lq_tls_new(&o->tls, o->server, err, sizeof(err))) == NULL) {
		fprintf(stderr, "lq bulk: %s\n", err);
		goto out;
	}
	lq_rng_seed_random(&rng);
	for (size_t i = 0; i < n; i++) {
		r.queries[i].xid = unique_xid(&rng, r.queries, i,
					      o->family == 4 ? 0xffffffffu : 0xffffffu);
		r.labels[i] = qs[i].label;
	}
	connect_and_run(&r, &srv, qs, sh);
	lq_tcp_close(tcp, r.transport_status == NULL);
	rc = finish(&r, srv.name);
out:
	lq_tls_free(r.tls);
	lq_text_free(&r.text);
	lq_answer_free(r.answer);
	free(r.scratch4);
	free(r.queries);
	free(r.labels);
	free(qs);
	free(tcp);
	free(sh);
	free(o);
	return rc;
}
