/* cmd_query.c - `lq query`: one leasequery (RFC 4388 for DHCPv4, RFC 5007
 * for DHCPv6) asked of one or several servers over UDP. Reads the command
 * line, builds each server's query (query4.c, query6.c), runs the exchange
 * (udp_client.c), keeps the most recent answer (answer.c) and prints it
 * (output.c). Exit codes follow the lq contract (cmds.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "answer.h"
#include "args.h"
#include "cmdline.h"
#include "cmds.h"
#include "duid.h"
#include "output.h"
#include "query4.h"
#include "query6.h"
#include "udp_client.h"

#define MAX_SERVERS 16
#define DEFAULT_TIMEOUT_MS 10000u

struct query_opts {
	int family;                     /* 0 until -4/-6 or a family-only flag */
	const char *servers[MAX_SERVERS];
	size_t n_servers;
	const char *ip, *mac, *client_id, *address, *link, *prl, *oro, *giaddr, *duid;
	const char *htype;
	bool json;
	int verbose;
	uint32_t timeout_ms;
	long source_port;               /* -1: not given */
	bool relay_port;
};

static void usage(FILE *out)
{
	fputs("usage: lq query -4 -s HOST[:PORT] (--ip A | --mac M | --client-id HEX)\n"
	      "                [--prl CODES] [--giaddr A] [--htype N] [common options]\n"
	      "       lq query -6 -s HOST[:PORT] (--address A | --client-id HEX)\n"
	      "                [--link A] [--oro CODES] [--duid HEX] [common options]\n"
	      "common options: [-s HOST[:PORT]]... [--json] [--timeout SECONDS]\n"
	      "                [--source-port N] [--relay-port] [-v]\n", out);
}

static const struct lq_cmd query_cmd = { "lq query", usage, NULL };

/* "lq query: " and the message, then the usage; -1. */
#define usage_error(...) lq_cmd_error(&query_cmd, __VA_ARGS__)

/* ------------------------------------------------------------ parsing */

static const struct lq_cmdline_flag value_flags[] = {
	{ "--ip", 4, offsetof(struct query_opts, ip), 0 },
	{ "--mac", 4, offsetof(struct query_opts, mac), 0 },
	{ "--prl", 4, offsetof(struct query_opts, prl), 0 },
	{ "--giaddr", 4, offsetof(struct query_opts, giaddr), 0 },
	{ "--htype", 4, offsetof(struct query_opts, htype), 0 },
	{ "--address", 6, offsetof(struct query_opts, address), 0 },
	{ "--link", 6, offsetof(struct query_opts, link), 0 },
	{ "--oro", 6, offsetof(struct query_opts, oro), 0 },
	{ "--duid", 6, offsetof(struct query_opts, duid), 0 },
	{ "--client-id", 0, offsetof(struct query_opts, client_id), 0 },
};

/* --timeout, -s / --server (up to MAX_SERVERS), --source-port: 0
 * (*matched says whether it was one), -1 on a usage error (said). */
static int parse_endpoints(struct lq_cmdline *cl, struct query_opts *o, bool *matched)
{
	const char *v;
	unsigned long n;
	int rc;

	if ((rc = lq_cmdline_seconds(cl, "--timeout", 3600, &o->timeout_ms, matched)) != 0 ||
	    *matched)
		return rc;
	*matched = true;
	if ((rc = lq_cmdline_server(cl, &v)) != 0) {
		if (rc < 0)
			return -1;
		if (o->n_servers == MAX_SERVERS)
			return usage_error("-s: at most %d servers", MAX_SERVERS);
		o->servers[o->n_servers++] = v;
		return 0;
	}
	if ((rc = lq_cmdline_value(cl, "--source-port", " (a port number)", &v)) != 0) {
		if (rc < 0)
			return -1;
		if (lq_args_ulong(v, 1, 65535, &n) < 0)
			return usage_error("--source-port: '%s' is not a port number (1-65535)", v);
		o->source_port = (long)n;
		return 0;
	}
	*matched = false;
	return 0;
}

/* One argument (lq_cmdline_parse): 0, 1 for --help, -1 on a usage error. */
static int parse_one(struct lq_cmdline *cl, void *opts, bool *matched)
{
	struct query_opts *o = opts;
	const char *arg = cl->argv[cl->i];
	int rc = lq_cmdline_common(cl, &o->json, &o->verbose, matched);

	if (rc != 0 || *matched)
		return rc;
	*matched = true;
	if (strcmp(arg, "-vv") == 0) {
		o->verbose += 2;
		return 0;
	}
	if (strcmp(arg, "--relay-port") == 0) {
		o->relay_port = true;
		return 0;
	}
	if ((rc = parse_endpoints(cl, o, matched)) != 0 || *matched)
		return rc;
	return lq_cmdline_store(cl, value_flags, LQ_CMDLINE_N(value_flags), o, NULL, matched);
}

/* 0, 1 for --help, -1 on a usage error (said). */
static int parse_args(int argc, char **argv, struct query_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->timeout_ms = DEFAULT_TIMEOUT_MS;
	o->source_port = -1;
	return lq_cmdline_parse(&query_cmd, argc, argv, o, parse_one, &o->family);
}

/* ------------------------------------------------------------ the exchange */

struct query_ctx {
	int family;
	int verbose;
	size_t n;
	struct lq4_request q4[MAX_SERVERS];
	struct lq6_request q6[MAX_SERVERS];
	struct lq_answer *answers[MAX_SERVERS];
	bool answered[MAX_SERVERS];
};

static void dump_packet(int family, const uint8_t *p, size_t len)
{
	struct lq_text t;

	lq_text_init(&t);
	lq_print_packet(&t, family, p, len, false);
	if (t.data != NULL)
		fprintf(stderr, "%s%s", t.data, t.len > 0 && t.data[t.len - 1] == '\n' ? "" : "\n");
	lq_text_free(&t);
}

static int on_datagram(void *arg, const uint8_t *buf, size_t len, const struct sockaddr_storage *from)
{
	struct query_ctx *c = arg;
	const char *why = "no query is waiting";
	char where[LQ_UDP_NAME_MAX + 64];

	for (size_t i = 0; i < c->n; i++) {
		if (c->answered[i])
			continue;
		const char *w = c->family == 4 ? lq4_reply_read(&c->q4[i], buf, len, c->answers[i])
					       : lq6_reply_read(&c->q6[i], buf, len, c->answers[i]);
		if (w == NULL) {
			c->answered[i] = true;
			lq_answer_settle(c->answers[i], (int64_t)time(NULL));
			if (c->verbose)
				fprintf(stderr, ";; answer from %s for %s\n",
					lq_udp_format(from, where, sizeof(where)), c->answers[i]->server);
			if (c->verbose > 1)
				dump_packet(c->family, buf, len);
			return (int)i;
		}
		/* the most telling reason: one about a query whose xid matched */
		if (strcmp(w, "another transaction id") != 0 || strcmp(why, "no query is waiting") == 0)
			why = w;
		lq_answer_reset(c->answers[i]);
	}
	if (c->verbose) {
		fprintf(stderr, ";; ignored %zu octets from %s: %s\n", len,
			lq_udp_format(from, where, sizeof(where)), why);
		if (c->verbose > 1)
			dump_packet(c->family, buf, len);
	}
	return -1;
}

/* Where our queries come from: the socket, its port, and the RFC 8357 mode. */
struct source {
	int fd;
	uint16_t port;
	bool relay_port;
};

static int open_source(const struct query_opts *o, struct source *s)
{
	uint16_t standard = o->family == 4 ? LQ4_PORT : LQ6_CLIENT_PORT;
	const char *family_name = o->family == 4 ? "DHCPv4" : "DHCPv6";

	if (o->relay_port || (o->source_port < 0 && geteuid() != 0)) {
		s->port = o->source_port > 0 ? (uint16_t)o->source_port : 0;
		s->relay_port = true;
	} else if (o->source_port > 0) {
		s->port = (uint16_t)o->source_port;
		s->relay_port = s->port != standard;
	} else {
		s->port = standard;
		s->relay_port = false;
	}
	s->fd = lq_udp_open(o->family, s->port);
	if (s->fd < 0 && o->source_port < 0 && !o->relay_port &&
	    (errno == EADDRINUSE || errno == EACCES)) {
		/* the standard port is taken (a local DHCP client or relay) */
		if (o->verbose)
			fprintf(stderr, ";; port %u is not free (%s): using another one with the "
					"RFC 8357 relay source port\n", standard, strerror(errno));
		s->port = 0;
		s->relay_port = true;
		s->fd = lq_udp_open(o->family, 0);
	}
	if (s->fd < 0) {
		fprintf(stderr, "lq query: cannot open a %s socket on UDP port %u: %s\n", family_name,
			s->port, strerror(errno));
		return -1;
	}
	s->port = lq_udp_local_port(s->fd);
	if (o->verbose)
		fprintf(stderr, ";; sending from UDP port %u%s\n", s->port,
			s->relay_port ? " (RFC 8357 relay source port)" : "");
	return 0;
}

/* Values every server's query shares. */
struct shared {
	uint8_t client_id[255];
	size_t client_id_len;
	uint8_t chaddr[16];
	size_t hlen;
	uint8_t htype;
	uint16_t codes[LQ_ARGS_MAX_CODES];
	size_t n_codes;
	uint8_t prl[LQ_ARGS_MAX_CODES];
	lq_ip4 ip, giaddr;
	bool has_giaddr;
	lq_ip6 address, link;
	uint8_t duid[LQ6_DUID_MAX];
	size_t duid_len;
};

static int check_query4(const struct query_opts *o, struct shared *sh)
{
	int given = (o->ip != NULL) + (o->mac != NULL) + (o->client_id != NULL);
	unsigned long n;

	if (given != 1)
		return usage_error("-4 needs exactly one of --ip, --mac, --client-id%s",
				   given == 0 ? "" : " (RFC 4388 6.2: one query regime at a time)");
	if (o->ip != NULL && inet_pton(AF_INET, o->ip, sh->ip.b) != 1)
		return usage_error("--ip: '%s' is not an IPv4 address", o->ip);
	if (o->mac != NULL &&
	    lq_args_hex(o->mac, sh->chaddr, sizeof(sh->chaddr), &sh->hlen) < 0)
		return usage_error("--mac: '%s' is not a hardware address (hex octets, "
				   "e.g. 00:11:22:33:44:55; at most 16)", o->mac);
	if (o->client_id != NULL &&
	    lq_args_hex(o->client_id, sh->client_id, sizeof(sh->client_id), &sh->client_id_len) < 0)
		return usage_error("--client-id: '%s' is not hex octets (1 to 255, e.g. "
				   "01:00:11:22:33:44:55)", o->client_id);
	sh->htype = 1;
	if (o->htype != NULL) {
		if (o->mac == NULL)
			return usage_error("--htype goes with --mac");
		if (lq_args_ulong(o->htype, 1, 255, &n) < 0)
			return usage_error("--htype: '%s' is not a hardware type (1-255)", o->htype);
		sh->htype = (uint8_t)n;
	}
	if (o->prl != NULL) {
		if (lq_args_codes(o->prl, 1, 254, sh->codes, &sh->n_codes) < 0)
			return usage_error("--prl: '%s' is not a list of option codes (1-254, "
					   "comma-separated, e.g. 51,82)", o->prl);
		for (size_t i = 0; i < sh->n_codes; i++)
			sh->prl[i] = (uint8_t)sh->codes[i];
	}
	if (o->giaddr != NULL) {
		if (inet_pton(AF_INET, o->giaddr, sh->giaddr.b) != 1)
			return usage_error("--giaddr: '%s' is not an IPv4 address", o->giaddr);
		sh->has_giaddr = true;
	}
	return 0;
}

static int check_query6(const struct query_opts *o, struct shared *sh)
{
	int given = (o->address != NULL) + (o->client_id != NULL);

	if (given != 1)
		return usage_error("-6 needs exactly one of --address, --client-id");
	if (o->address != NULL && inet_pton(AF_INET6, o->address, sh->address.b) != 1)
		return usage_error("--address: '%s' is not an IPv6 address", o->address);
	if (o->client_id != NULL &&
	    (lq_args_hex(o->client_id, sh->client_id, LQ6_DUID_MAX, &sh->client_id_len) < 0 ||
	     sh->client_id_len < 2))
		return usage_error("--client-id: '%s' is not a DUID (2 to 130 hex octets, "
				   "e.g. 00:01:00:01:2c:9a:3b:80:02:00:00:00:00:42)", o->client_id);
	if (o->link != NULL && inet_pton(AF_INET6, o->link, sh->link.b) != 1)
		return usage_error("--link: '%s' is not an IPv6 address", o->link);
	if (o->oro != NULL && strcmp(o->oro, "none") != 0 &&
	    lq_args_codes(o->oro, 1, 65535, sh->codes, &sh->n_codes) < 0)
		return usage_error("--oro: '%s' is not a list of option codes (1-65535, "
				   "comma-separated, e.g. 47,79; or none)", o->oro);
	if (o->duid != NULL &&
	    (lq_args_hex(o->duid, sh->duid, sizeof(sh->duid), &sh->duid_len) < 0 || sh->duid_len < 2))
		return usage_error("--duid: '%s' is not a DUID (2 to 130 hex octets)", o->duid);
	return 0;
}

static int check_args(const struct query_opts *o, struct shared *sh)
{
	if (lq_cmd_required(&query_cmd, o->family, o->n_servers > 0, "leasequery", "ask") < 0)
		return -1;
	return o->family == 4 ? check_query4(o, sh) : check_query6(o, sh);
}

static uint32_t unique_xid(struct lq_rng *rng, const struct query_ctx *c, size_t i, uint32_t mask)
{
	for (;;) {
		uint32_t xid = (uint32_t)lq_rng_next(rng) & mask;
		bool used = false;
		for (size_t k = 0; k < i; k++)
			if ((c->family == 4 ? c->q4[k].xid : c->q6[k].xid) == xid)
				used = true;
		if (!used)
			return xid;
	}
}

/* Fill query i for server s; write it into out. 0, or -1 (message printed). */
static int make_query(const struct query_opts *o, struct shared *sh, struct query_ctx *c,
		      size_t i, const struct lq_udp_server *s, const struct source *src,
		      struct lq_rng *rng, uint8_t *out, size_t cap, size_t *len)
{
	struct sockaddr_storage local;
	lq_err err;

	if (lq_udp_local_address(&s->addr, s->addr_len, &local) < 0) {
		fprintf(stderr, "lq query: no route to %s: %s\n", s->name, strerror(errno));
		return -1;
	}
	if (o->family == 4) {
		struct lq4_request *q = &c->q4[i];
		memset(q, 0, sizeof(*q));
		q->xid = unique_xid(rng, c, i, 0xffffffffu);
		q->by = o->ip != NULL ? LQ4_BY_ADDRESS : o->mac != NULL ? LQ4_BY_MAC : LQ4_BY_CLIENT_ID;
		q->address = sh->ip;
		q->htype = sh->htype;
		q->hlen = (uint8_t)sh->hlen;
		memcpy(q->chaddr, sh->chaddr, sizeof(q->chaddr));
		q->client_id = (lq_bytes){ sh->client_id, sh->client_id_len };
		if (o->prl != NULL)
			q->prl = (lq_bytes){ sh->prl, sh->n_codes };
		if (sh->has_giaddr)
			q->giaddr = sh->giaddr;
		else
			memcpy(q->giaddr.b, &((struct sockaddr_in *)&local)->sin_addr, 4);
		q->relay_port = src->relay_port;
		err = lq4_request_build(q, out, cap, len);
	} else {
		struct lq6_request *q = &c->q6[i];
		memset(q, 0, sizeof(*q));
		if (sh->duid_len == 0 &&
		    (sh->duid_len = lq_requestor_duid(&local, sh->duid, sizeof(sh->duid))) == 0) {
			fprintf(stderr, "lq query: cannot make a DUID for this host: give one "
					"with --duid\n");
			return -1;
		}
		q->xid = unique_xid(rng, c, i, 0xffffffu);
		q->type = o->address != NULL ? LQ6_QUERY_BY_ADDRESS : LQ6_QUERY_BY_CLIENTID;
		q->address = sh->address;
		q->client_id = (lq_bytes){ sh->client_id, sh->client_id_len };
		q->link_address = sh->link;
		if (o->oro != NULL) {
			q->oro = sh->codes;
			q->n_oro = sh->n_codes;
		}
		q->requestor_duid = (lq_bytes){ sh->duid, sh->duid_len };
		q->relay_port = src->relay_port;
		memcpy(q->peer_address.b, &((struct sockaddr_in6 *)&local)->sin6_addr, 16);
		err = lq6_request_build(q, out, cap, len);
	}
	if (err != LQ_OK) {
		fprintf(stderr, "lq query: cannot build the query: %s\n", lq_strerror(err));
		return -1;
	}
	if (o->verbose > 1)
		dump_packet(o->family, out, *len);
	return 0;
}

/* ------------------------------------------------------------ output */

static int report(const struct query_opts *o, struct query_ctx *c,
		  const struct lq_udp_server *servers, const struct lq_udp_exchange *ex)
{
	int best = lq_answer_pick(c->answers, c->n);
	struct lq_text t;

	if (best < 0) {
		for (size_t i = 0; i < c->n; i++)
			fprintf(stderr, "lq query: no answer from %s (%u transmissions in %.1f s)\n",
				servers[i].name, ex->sent[i], o->timeout_ms / 1000.0);
		if (o->json)
			lq_output_json_line(lq_output_summary_json(NULL, 0), stdout);
		return LQ_EXIT_NO_ANSWER;
	}
	const struct lq_answer *a = c->answers[best];
	if (o->json) {
		json_t *b = lq_output_binding_json(a);
		size_t count = b != NULL;
		if (b != NULL)
			lq_output_json_line(b, stdout);
		lq_output_json_line(lq_output_summary_json(a, count), stdout);
	} else {
		lq_text_init(&t);
		lq_output_text(&t, a);
		for (size_t i = 0; i < c->n; i++)
			if ((int)i != best)
				lq_output_text_other(&t, servers[i].name, c->answers[i]);
		if (t.data != NULL)
			fputs(t.data, stdout);
		lq_text_free(&t);
	}
	return a->outcome == LQ_OUTCOME_ERROR ? LQ_EXIT_SERVER_ERROR : LQ_EXIT_OK;
}

int cmd_query(int argc, char **argv)
{
	struct query_opts o;
	struct shared *sh = NULL;
	struct query_ctx *c = NULL;
	struct lq_udp_server servers[MAX_SERVERS];
	static uint8_t packets[MAX_SERVERS][LQ6_QUERY_MAX_LEN];
	const uint8_t *queries[MAX_SERVERS];
	size_t lens[MAX_SERVERS];
	struct source src = { -1, 0, false };
	struct lq_rng rng;
	struct lq_udp_exchange ex;
	int rc = parse_args(argc, argv, &o);
	char err[256];

	if (rc != 0)            /* 1: --help; else a usage error, already said */
		return rc == 1 ? LQ_EXIT_OK : LQ_EXIT_USAGE;
	if ((sh = calloc(1, sizeof(*sh))) == NULL || (c = calloc(1, sizeof(*c))) == NULL) {
		free(sh);
		fprintf(stderr, "lq query: out of memory\n");
		return LQ_EXIT_NO_ANSWER;
	}
	rc = check_args(&o, sh);
	for (size_t i = 0; rc == 0 && i < o.n_servers; i++)
		if (lq_udp_parse_server(o.servers[i], o.family, o.family == 4 ? LQ4_PORT : LQ6_PORT,
					&servers[i], err, sizeof(err)) < 0)
			rc = usage_error("-s %s", err);
	if (rc != 0) {          /* a usage error, said */
		rc = LQ_EXIT_USAGE;
		goto out;
	}
	rc = LQ_EXIT_NO_ANSWER;
	c->family = o.family;
	c->verbose = o.verbose;
	c->n = o.n_servers;
	for (size_t i = 0; i < c->n; i++)
		if ((c->answers[i] = lq_answer_new(o.family, servers[i].name)) == NULL)
			goto out;
	if (open_source(&o, &src) < 0)
		goto out;
	lq_rng_seed_random(&rng);
	for (size_t i = 0; i < c->n; i++) {
		if (make_query(&o, sh, c, i, &servers[i], &src, &rng, packets[i], sizeof(packets[i]),
			       &lens[i]) < 0)
			goto out;
		queries[i] = packets[i];
	}
	memset(&ex, 0, sizeof(ex));
	ex.fd = src.fd;
	ex.family = o.family;
	ex.n = c->n;
	ex.servers = servers;
	ex.queries = queries;
	ex.query_lens = lens;
	ex.timeout_ms = o.timeout_ms;
	ex.rng = &rng;
	ex.on_datagram = on_datagram;
	ex.ctx = c;
	ex.verbose = o.verbose;
	if (lq_udp_run(&ex) < 0) {
		fprintf(stderr, "lq query: %s\n", strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < c->n; i++)
		c->answers[i]->rtt_ms = ex.elapsed_ms[i];
	rc = report(&o, c, servers, &ex);
out:
	if (src.fd >= 0)
		close(src.fd);
	for (size_t i = 0; i < MAX_SERVERS; i++)
		lq_answer_free(c != NULL ? c->answers[i] : NULL);
	free(c);
	free(sh);
	return rc;
}
