/* cmd_active.c - `lq active`: follows a server's active leasequery stream
 * like `tail -f` (DHCPv4: RFC 7724; DHCPv6: RFC 7653). Connects (with TLS
 * when asked: tls_client.c), sends one DHCPACTIVELEASEQUERY /
 * ACTIVELEASEQUERY (with the start time of a catch-up when it has one:
 * --start-time, the state file, or the highest base-time of the previous
 * connection once its catch-up was over), prints every binding as it
 * arrives and the stream's events (catch-up complete, data missing,
 * keepalives, the end of the query, reconnections), repairs a DataMissing
 * with a bulk query on a second connection, keeps the state file, and
 * reconnects with exponential backoff when the connection is lost or the
 * server ends the query. What each message means is decided in
 * active_stream.c (pure); this file does the I/O. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "active4.h"
#include "active6.h"
#include "active_stream.h"
#include "answer.h"
#include "args.h"
#include "bulk4.h"
#include "bulk6.h"
#include "cmdline.h"
#include "cmds.h"
#include "output.h"
#include "qualifiers.h"
#include "retx.h"
#include "tcp_client.h"
#include "tls_client.h"
#include "udp_client.h"
#include "lq/lqtime.h"

#define CONNECT_TIMEOUT_MS 30000u
#define STATE_INTERVAL_MS 1000u         /* the state file is written at most this often */
#define TLS_REFUSAL_MS 5000u            /* a TLS connection closed this soon, unanswered:
					 * our certificate was refused */
#define VALUE_MAX 512

struct active_opts {
	int family;                     /* 0 until -4/-6 or a family-only flag */
	const char *server;
	struct lq_qualifier_args qual;  /* no end time: an active query has none */
	const char *state_file;
	const char *relay_id, *remote_id, *link;        /* v6: narrow the query */
	bool json, once;
	int verbose;
	uint32_t timeout_ms;            /* ACTIVE_LQ_RCV_TIMEOUT */
	uint32_t reconnect_max_ms;
	uint64_t count;                 /* 0: follow for ever */
	struct lq_tls_opts tls;
};

static void usage(FILE *out)
{
	fputs("usage: lq active -4 -s HOST[:PORT] [--prl CODES] [--vpn NAME | --vpn hex:HEX |\n"
	      "                 --all-vpns] [FOLLOW] [COMMON]\n"
	      "       lq active -6 -s HOST[:PORT] [--relay-id DUID | --remote-id HEX] [--link A]\n"
	      "                 [--oro CODES] [--duid HEX] [FOLLOW] [COMMON]\n"
	      "follow:     [--start-time T | --state FILE] [--count N] [--once]\n"
	      "            [--timeout SECONDS] [--reconnect-max SECONDS]\n"
	      LQ_TLS_USAGE
	      "common:     [--json] [-v]\n"
	      "Prints every binding the server reports, as it happens, until interrupted.\n"
	      "T: RFC 3339 (2026-11-23T11:15:24Z), now, now-3600, Unix time (the server's clock).\n",
	      out);
}

static const char *family_hint(const char *flag, int family, int chosen)
{
	(void)flag;
	return family == 6 && chosen == 4 ? " (a DHCPv4 active query asks for every binding, RFC "
					    "7724: only --vpn / --all-vpns narrow it)" : "";
}

static const struct lq_cmd active_cmd = { "lq active", usage, family_hint };

/* "lq active: " and the message, then the usage; -1. */
#define usage_error(...) lq_cmd_error(&active_cmd, __VA_ARGS__)

/* ------------------------------------------------------------ parsing */

static const struct lq_cmdline_flag value_flags[] = {
	{ "--start-time", 0, offsetof(struct active_opts, qual.start_time), 0 },
	{ "--state", 0, offsetof(struct active_opts, state_file), 0 },
	{ "--vpn", 0, offsetof(struct active_opts, qual.vpn), 0 },
	{ "--prl", 4, offsetof(struct active_opts, qual.prl), 0 },
	{ "--oro", 6, offsetof(struct active_opts, qual.oro), 0 },
	{ "--duid", 6, offsetof(struct active_opts, qual.duid), 0 },
	{ "--relay-id", 6, offsetof(struct active_opts, relay_id), 0 },
	{ "--remote-id", 6, offsetof(struct active_opts, remote_id), 0 },
	{ "--link", 6, offsetof(struct active_opts, link), 0 },
};

/* --timeout, --reconnect-max, --count: 0 (*matched says whether it was
 * one), -1 on a usage error (said). */
static int parse_numbers(struct lq_cmdline *cl, struct active_opts *o, bool *matched)
{
	const char *v;
	unsigned long n;
	int rc;

	if ((rc = lq_cmdline_seconds(cl, "--timeout", 86400, &o->timeout_ms, matched)) != 0 ||
	    *matched)
		return rc;
	*matched = true;
	if ((rc = lq_cmdline_value(cl, "--reconnect-max", " (seconds)", &v)) != 0) {
		if (rc < 0)
			return -1;
		if (lq_args_seconds(v, 86400, &o->reconnect_max_ms) < 0 ||
		    o->reconnect_max_ms < 1000)
			return usage_error("--reconnect-max: '%s' is not a number of seconds (1 "
					   "to 86400)", v);
		return 0;
	}
	if ((rc = lq_cmdline_value(cl, "--count", "", &v)) != 0) {
		if (rc < 0)
			return -1;
		if (lq_args_ulong(v, 1, 1000000000000ul, &n) < 0)
			return usage_error("--count: '%s' is not a number of bindings (1 or more)", v);
		o->count = n;
		return 0;
	}
	*matched = false;
	return 0;
}

/* One argument (lq_cmdline_parse): 0, 1 for --help, -1 on a usage error. */
static int parse_one(struct lq_cmdline *cl, void *opts, bool *matched)
{
	struct active_opts *o = opts;
	const char *arg = cl->argv[cl->i];
	int rc = lq_cmdline_common(cl, &o->json, &o->verbose, matched);

	if (rc != 0 || *matched)
		return rc;
	*matched = true;
	if (strcmp(arg, "--all-vpns") == 0) {
		o->qual.all_vpns = true;
		return 0;
	}
	if (strcmp(arg, "--once") == 0) {
		o->once = true;
		return 0;
	}
	if ((rc = lq_cmdline_tls(cl, &o->tls, matched)) != 0 || *matched)
		return rc;
	if ((rc = parse_numbers(cl, o, matched)) != 0 || *matched)
		return rc;
	if ((rc = lq_cmdline_one_server(cl, &o->server, "one server (an active query follows "
					"one server)", matched)) != 0 || *matched)
		return rc;
	return lq_cmdline_store(cl, value_flags, LQ_CMDLINE_N(value_flags), o,
				"an active query is one query", matched);
}

/* 0, 1 for --help, -1 on a usage error (said). */
static int parse_args(int argc, char **argv, struct active_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->timeout_ms = LQ_ACTIVE_RCV_TIMEOUT_MS;
	o->reconnect_max_ms = LQ_ACTIVE_RECONNECT_MAX_MS;
	return lq_cmdline_parse(&active_cmd, argc, argv, o, parse_one, &o->family);
}

/* ------------------------------------------------------------ the query */

/* What every query of the run shares (the active one and the repairs). */
struct query_shape {
	struct lq_qualifiers qual;      /* its start time: --start-time */
	/* v6: the query that narrows the stream (type 0: none) */
	uint8_t type;
	lq_ip6 link;
	uint8_t value[VALUE_MAX];
	size_t value_len;
};

static int parse_narrowing(const struct active_opts *o, struct query_shape *q)
{
	if (o->relay_id != NULL && o->remote_id != NULL)
		return usage_error("--relay-id and --remote-id: an active query has one query "
				   "(RFC 7653 6.2.1)");
	if (o->link != NULL && inet_pton(AF_INET6, o->link, q->link.b) != 1)
		return usage_error("--link: '%s' is not an IPv6 address", o->link);
	if (o->relay_id != NULL) {
		if (lq_args_hex(o->relay_id, q->value, LQ6_DUID_MAX, &q->value_len) < 0 ||
		    q->value_len < 2)
			return usage_error("--relay-id: '%s' is not a DUID (2 to 130 hex octets)",
					   o->relay_id);
		q->type = LQ6_QUERY_BY_RELAY_ID;
	} else if (o->remote_id != NULL) {
		if (lq_args_hex(o->remote_id, q->value, VALUE_MAX, &q->value_len) < 0 ||
		    q->value_len < 5)
			return usage_error("--remote-id: '%s' is not an OPTION_REMOTE_ID value (hex: "
					   "the 4-octet enterprise number, then the remote-id)",
					   o->remote_id);
		q->type = LQ6_QUERY_BY_REMOTE_ID;
	} else if (o->link != NULL) {
		q->type = LQ6_QUERY_BY_LINK_ADDRESS;
	}
	return 0;
}

static int check_shape(const struct active_opts *o, struct query_shape *q)
{
	memset(q, 0, sizeof(*q));
	if (lq_qualifiers_read(&active_cmd, o->family, &o->qual, &q->qual) < 0)
		return -1;
	return o->family == 6 ? parse_narrowing(o, q) : 0;
}

/* ------------------------------------------------------------ the run */

enum ending {
	END_LOST,                       /* connection lost, timeout, protocol error: retry */
	END_TERMINATED,                 /* the server ended the query: retry */
	END_REFUSED,                    /* a status refusing the query: exit 1 */
	END_FATAL,                      /* TLS failure: exit 3 */
	END_COUNT,                      /* --count bindings printed: exit 0 */
	END_INTERRUPTED,                /* a signal: exit 0 */
};

struct run {
	const struct active_opts *o;
	struct query_shape *q;
	int family;
	const char *server;             /* as given, for output and the state file */
	const char *where;              /* "127.0.0.1:67" for messages */
	struct lq_udp_server srv;
	struct lq_tls *tls;
	struct lq_tcp *tcp;
	struct lq_answer *answer;
	struct lq4_msg *scratch4;
	struct lq_astream st;
	struct lq4_bulk_request req4;   /* the active query of this connection */
	struct lq6_request req6;
	struct lq_rng rng;
	struct lq_text text;
	uint64_t count;                 /* binding records printed */
	uint64_t printed;               /* records and events printed (text: blank lines) */
	bool first;                     /* the first connection is still to be made */
	bool accepted;                  /* the current connection's query was answered */
	uint64_t connected_ms;          /* when it was made (and TLS set up) */
	bool state_pending;             /* the state file is behind */
	uint64_t state_written_ms;
	bool state_warned;
	int64_t last_skew;
	bool skew_said;
	/* how the last connection ended */
	const char *end_status;         /* for the summary */
	char reason[256];
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static enum ending end(struct run *r, enum ending e, const char *status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static enum ending end(struct run *r, enum ending e, const char *status, const char *fmt, ...)
{
	va_list ap;

	r->end_status = status;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
	return e;
}

/* ---- output ---- */

static void emit_text(struct run *r)
{
	if (r->text.data != NULL)
		fputs(r->text.data, stdout);
	fflush(stdout);
	r->printed++;
}

static void print_record(struct run *r, const char *source, bool catch_up)
{
	struct lq_answer *a = r->answer;

	a->show_xid = false;
	if (r->o->json) {
		json_t *o = lq_output_binding_json(a);
		if (o != NULL) {
			json_object_set_new(o, "source", json_string(source));
			if (catch_up)
				json_object_set_new(o, "catch_up", json_true());
		}
		lq_output_json_line(o, stdout);
		fflush(stdout);
		r->printed++;
	} else {
		lq_text_reset(&r->text);
		if (r->printed > 0)
			lq_text_puts(&r->text, "\n");
		lq_output_text(&r->text, a);
		lq_output_text_line(&r->text, "source", "%s%s", source,
				    catch_up ? " (catch-up)" : "");
		emit_text(r);
	}
	r->count++;
}

/* An event object (its "event" set); printed, then freed. */
static void print_event(struct run *r, json_t *ev)
{
	if (ev == NULL)
		return;
	json_object_set_new(ev, "server", json_string(r->server));
	if (r->o->json) {
		lq_output_json_line(ev, stdout);
		fflush(stdout);
		r->printed++;
		return;
	}
	lq_text_reset(&r->text);
	if (r->printed > 0)
		lq_text_puts(&r->text, "\n");
	lq_output_text_event(&r->text, ev);
	json_decref(ev);
	emit_text(r);
}

static json_t *event(const char *name)
{
	json_t *ev = json_object();

	if (ev != NULL)
		json_object_set_new(ev, "event", json_string(name));
	return ev;
}

static void set_time(json_t *ev, const char *key, bool has, int64_t t)
{
	if (ev != NULL && has)
		json_object_set_new(ev, key, json_integer(t));
}

static void set_status(json_t *ev, const struct lq_astream_step *step)
{
	if (ev == NULL)
		return;
	json_object_set_new(ev, "status", json_string(step->status_name));
	if (step->status_text.data != NULL && step->status_text.len > 0)
		json_object_set_new(ev, "status_text",
				    json_stringn((const char *)step->status_text.data,
						 step->status_text.len));
}

static void say_skew(struct run *r)
{
	int64_t skew = lq_astream_skew(&r->st);

	if (!r->o->verbose || !r->st.has_skew || (r->skew_said && skew == r->last_skew))
		return;
	fprintf(stderr, ";; clock skew (our clock - the server's): %lld s\n", (long long)skew);
	r->last_skew = skew;
	r->skew_said = true;
}

/* ---- state file ---- */

static int write_file_atomically(const char *path, const char *data, size_t len, char *err,
				 size_t cap)
{
	char tmp[4096], dir[4096];
	int fd;
	ssize_t n;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= sizeof(tmp)) {
		snprintf(err, cap, "the path is too long");
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(err, cap, "cannot create a temporary file beside it: %s", strerror(errno));
		return -1;
	}
	n = write(fd, data, len);
	if (n != (ssize_t)len || fsync(fd) < 0) {
		snprintf(err, cap, "cannot write the temporary file: %s",
			 n < 0 ? strerror(errno) : "short write");
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		snprintf(err, cap, "cannot rename the temporary file to it: %s", strerror(errno));
		unlink(tmp);
		return -1;
	}
	/* the rename itself: fsync the directory */
	snprintf(dir, sizeof(dir), "%s", path);
	fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	return 0;
}

static void write_state(struct run *r)
{
	json_t *j;
	char *s, err[512];

	r->state_pending = false;
	r->state_written_ms = now_ms();
	if (r->o->state_file == NULL)
		return;
	j = lq_astream_state_json(&r->st, r->server, (int64_t)time(NULL));
	if (j == NULL)
		return;
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (s == NULL)
		return;
	size_t len = strlen(s);
	char *line = malloc(len + 2);
	if (line != NULL) {
		memcpy(line, s, len);
		line[len] = '\n';
		if (write_file_atomically(r->o->state_file, line, len + 1, err, sizeof(err)) < 0 &&
		    !r->state_warned) {
			fprintf(stderr, "lq active: warning: state file %s: %s\n", r->o->state_file, err);
			r->state_warned = true;
		}
		free(line);
	}
	free(s);
}

/* After a message: the state file at most once a second. */
static void keep_state(struct run *r)
{
	if (lq_astream_saved(&r->st))
		r->state_pending = true;
	if (r->state_pending && now_ms() - r->state_written_ms >= STATE_INTERVAL_MS)
		write_state(r);
}

/* How long the reader may wait before the state file is due (0: no limit). */
static uint32_t state_wake_ms(const struct run *r)
{
	uint64_t since;

	if (!r->state_pending)
		return 0;
	since = now_ms() - r->state_written_ms;
	return since >= STATE_INTERVAL_MS ? 1 : (uint32_t)(STATE_INTERVAL_MS - since);
}

/* The state file at the start: 0 (perhaps with a start time), -1 (said). */
static int read_state(struct run *r)
{
	FILE *f;
	char buf[8192], err[256];
	size_t n;
	int64_t base;
	bool other;
	int rc;

	if (r->o->state_file == NULL)
		return 0;
	if ((f = fopen(r->o->state_file, "r")) == NULL) {
		if (errno == ENOENT)
			return 0;       /* a first run */
		fprintf(stderr, "lq active: --state %s: %s\n", r->o->state_file, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	rc = lq_astream_state_parse(buf, n, r->family, r->server, &base, &other, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "lq active: --state %s: %s\n", r->o->state_file, err);
		return -1;
	}
	if (other)
		fprintf(stderr, "lq active: warning: --state %s was written for another server; "
			"its base_time is in that server's clock\n", r->o->state_file);
	if (rc == 0 && !r->q->qual.has_start)
		lq_astream_set_resume(&r->st, base);
	return 0;
}

/* ---- one connection ---- */

static uint32_t new_xid(struct run *r)
{
	return (uint32_t)lq_rng_next(&r->rng) & (r->family == 4 ? 0xffffffffu : 0xffffffu);
}

/* Connect (and TLS) t: 0, or an ending. */
static int open_connection(struct run *r, struct lq_tcp *t, uint32_t timeout_ms, int *ending)
{
	t->interrupt = &interrupted;
	if (lq_tcp_connect(t, (const struct sockaddr *)&r->srv.addr, r->srv.addr_len,
			   timeout_ms < CONNECT_TIMEOUT_MS ? timeout_ms : CONNECT_TIMEOUT_MS) < 0) {
		*ending = t->fail == LQ_TCP_INTERRUPTED ? END_INTERRUPTED
			  : end(r, END_LOST, "NoAnswer", "%s", t->why);
		return -1;
	}
	t->timeout_ms = timeout_ms;
	if (r->family == 6 && lq_qualifiers_duid(&r->q->qual, t) < 0) {
		*ending = end(r, END_FATAL, "NoAnswer", "cannot make a DUID for this host: give "
			      "one with --duid");
		return -1;
	}
	if (r->tls != NULL && lq_tls_upgrade(t, r->tls, r->family, new_xid(r), r->q->qual.duid,
					     r->q->qual.duid_len, r->o->verbose) < 0) {
		/* RFC 7653 8.2, RFC 7724: no fallback, no retry */
		*ending = t->fail == LQ_TCP_INTERRUPTED ? END_INTERRUPTED
			  : end(r, END_FATAL, "TLSFailed", "%s", t->why);
		return -1;
	}
	return 0;
}

/* The active query of this connection into r->req4 / r->req6, and its
 * message into out. */
static lq_err build_active(struct run *r, uint32_t xid, bool has_start, int64_t start,
			   uint8_t *out, size_t cap, size_t *len)
{
	const struct query_shape *q = r->q;

	if (r->family == 4) {
		struct lq4_bulk_request *b = &r->req4;
		memset(b, 0, sizeof(*b));
		b->active = true;
		b->by = LQ4_BULK_ALL;
		b->xid = xid;
		lq_qualifiers_set4(&q->qual, b);
		b->has_start_time = has_start;
		b->start_time = start;
		return lq4_bulk_build(b, out, cap, len);
	}
	struct lq6_request *b = &r->req6;
	memset(b, 0, sizeof(*b));
	b->type = q->type;
	b->xid = xid;
	b->link_address = q->link;
	b->requestor_duid = (lq_bytes){ q->qual.duid, q->qual.duid_len };
	if (q->type == LQ6_QUERY_BY_RELAY_ID)
		b->relay_id = (lq_bytes){ q->value, q->value_len };
	else if (q->type == LQ6_QUERY_BY_REMOTE_ID)
		b->remote_id = (lq_bytes){ q->value, q->value_len };
	lq_qualifiers_set6(&q->qual, b);
	b->has_start_time = has_start;
	b->start_time = lq_time_to_v6(start);
	return lq6_active_build(b, out, cap, len);
}

static bool counted_out(const struct run *r)
{
	return r->o->count != 0 && r->count >= r->o->count;
}

/* The bulk query that fills a DataMissing gap (RFC 7653 8.4.1): on a
 * second connection, with the same TLS; every binding it returns is
 * printed with source "bulk". True when it ran to its end. */
static bool repair(struct run *r, const struct lq_astream_step *step)
{
	const struct query_shape *q = r->q;
	static uint8_t out[LQ6_BULK_QUERY_MAX_LEN];
	struct lq_tcp *t = calloc(1, sizeof(*t));
	struct lq_stream_query sq;
	struct lq_stream_read res;
	uint64_t before = r->count;
	size_t len = 0;
	lq_bytes msg;
	lq_err err;
	int ending = 0;
	bool ok = false;
	const char *status = "Success", *why = NULL;
	char error[256] = "";
	json_t *ev;

	if (t == NULL)
		return false;
	t->fd = -1;
	memset(&sq, 0, sizeof(sq));
	sq.xid = new_xid(r);
	if (open_connection(r, t, LQ_TCP_DATA_TIMEOUT_MS, &ending) < 0) {
		status = ending == END_INTERRUPTED ? "Interrupted"
			 : r->end_status != NULL ? r->end_status : "NoAnswer";
		snprintf(error, sizeof(error), "%s", ending == END_INTERRUPTED ? "interrupted"
									: r->reason);
		goto out;
	}
	if (r->family == 4) {
		struct lq4_bulk_request b;
		lq4_active_repair(&r->req4, step, sq.xid, &b);
		err = lq4_bulk_build(&b, out, sizeof(out), &len);
	} else {
		struct lq6_request b;
		lq6_active_repair(&r->req6, step, sq.xid, &b);
		err = lq6_bulk_build(&b, out, sizeof(out), &len);
	}
	if (err != LQ_OK) {
		status = "NoAnswer";
		snprintf(error, sizeof(error), "cannot build the bulk query: %s", lq_strerror(err));
		goto out;
	}
	if (r->o->verbose)
		lq_output_dump_packet(r->family, "sending (repair)", out, len);
	if (lq_tcp_queue(t, out, len) < 0) {
		status = "NoAnswer";
		snprintf(error, sizeof(error), "%s", t->why);
		goto out;
	}
	while (!sq.finished) {
		int rc = lq_tcp_next(t, &msg);
		if (rc <= 0) {
			status = t->fail == LQ_TCP_TIMEOUT ? "Timeout" : "ConnectionClosed";
			snprintf(error, sizeof(error), "%s", t->why);
			goto out;
		}
		if (r->o->verbose)
			lq_output_dump_packet(r->family, "received (repair)", msg.data, msg.len);
		why = r->family == 4 ? lq4_bulk_read(&sq, 1, r->scratch4, msg.data, msg.len,
						     r->answer, &res)
				     : lq6_bulk_read(&sq, 1, (lq_bytes){ q->qual.duid, q->qual.duid_len },
						     msg.data, msg.len, r->answer, &res);
		if (why != NULL) {
			status = "ProtocolError";
			snprintf(error, sizeof(error), "%s", why);
			goto out;
		}
		if (res.event != LQ_STREAM_BINDING)
			continue;
		struct lq_answer *a = r->answer;
		lq_answer_settle(a, a->has_base_time ? lq_astream_to_local(&r->st, a->base_time)
						     : (int64_t)time(NULL));
		print_record(r, "bulk", false);
		if (counted_out(r)) {
			/* --count reached: the gap is not filled, nothing advances */
			status = "Stopped";
			snprintf(error, sizeof(error), "--count reached");
			goto out;
		}
	}
	status = lq_stream_status_name(&sq, r->family);
	ok = !lq_stream_failed(&sq);
out:
	lq_tcp_close(t, ok);
	free(t);
	ev = event("repair-complete");
	if (ev != NULL) {
		json_object_set_new(ev, "status", json_string(status));
		json_object_set_new(ev, "count", json_integer((json_int_t)(r->count - before)));
		set_time(ev, "start_time", true, step->repair_start);
		set_time(ev, "end_time", step->has_repair_end, step->repair_end);
		if (error[0] != '\0')
			json_object_set_new(ev, "error", json_string(error));
	}
	print_event(r, ev);
	if (!ok && !counted_out(r))
		fprintf(stderr, "lq active: %s: the bulk query for the missing data failed: %s%s%s\n",
			r->where, status, error[0] != '\0' ? ": " : "", error);
	return ok;
}

/* One message of the stream: 0 goes on, else an ending. */
static int on_message(struct run *r, struct lq_stream_query *sq, lq_bytes msg)
{
	struct lq_stream_read res;
	struct lq_astream_step step;
	const char *why;
	json_t *ev;

	if (r->o->verbose)
		lq_output_dump_packet(r->family, "received", msg.data, msg.len);
	why = r->family == 4 ? lq4_bulk_read(sq, 1, r->scratch4, msg.data, msg.len, r->answer,
					     &res)
			     : lq6_bulk_read(sq, 1, (lq_bytes){ r->q->qual.duid, r->q->qual.duid_len },
					     msg.data, msg.len, r->answer, &res);
	if (why != NULL)
		return end(r, END_LOST, "ProtocolError", "%s: closing the connection", why);
	if (res.warning != NULL)
		fprintf(stderr, "lq active: %s: warning: %s\n", r->where, res.warning);
	lq_astream_step(&r->st, res.event, r->answer, (int64_t)time(NULL), &step);
	if (step.warning != NULL)
		fprintf(stderr, "lq active: %s: warning: %s\n", r->where, step.warning);
	say_skew(r);
	if (step.action != LQ_ASTREAM_TERMINATED && step.action != LQ_ASTREAM_REFUSED &&
	    step.action != LQ_ASTREAM_NOTHING)
		r->accepted = true;
	switch (step.action) {
	case LQ_ASTREAM_BINDING:
		print_record(r, "active", step.catch_up);
		break;
	case LQ_ASTREAM_ACCEPTED:
	case LQ_ASTREAM_KEEPALIVE:
		if (r->o->verbose) {
			ev = event(step.action == LQ_ASTREAM_ACCEPTED ? "accepted" : "keepalive");
			set_time(ev, "base_time", step.has_base_time, step.base_time);
			print_event(r, ev);
		}
		break;
	case LQ_ASTREAM_CATCH_UP_COMPLETE:
		ev = event("catch-up-complete");
		set_time(ev, "base_time", step.has_base_time, step.base_time);
		if (ev != NULL)
			json_object_set_new(ev, "count",
					    json_integer((json_int_t)r->st.catch_up_bindings));
		print_event(r, ev);
		break;
	case LQ_ASTREAM_DATA_MISSING:
		ev = event("data-missing");
		set_time(ev, "base_time", step.has_base_time, step.base_time);
		if (ev != NULL && step.repair) {
			set_time(ev, "start_time", true, step.repair_start);
			json_object_set_new(ev, "repair", json_string("bulk"));
		}
		print_event(r, ev);
		if (step.repair)
			lq_astream_repair_done(&r->st, repair(r, &step));
		break;
	case LQ_ASTREAM_TERMINATED:
		ev = event("query-terminated");
		set_status(ev, &step);
		set_time(ev, "base_time", step.has_base_time, step.base_time);
		print_event(r, ev);
		return end(r, END_TERMINATED, step.status_name, "the server ended the query: %s%s%.*s",
			   step.status_name, step.status_text.len > 0 ? ": " : "",
			   (int)step.status_text.len,
			   step.status_text.data != NULL ? (const char *)step.status_text.data : "");
	case LQ_ASTREAM_REFUSED:
		return end(r, END_REFUSED, step.status_name, "the server refused the active query: "
			   "%s%s%.*s", step.status_name, step.status_text.len > 0 ? ": " : "",
			   (int)step.status_text.len,
			   step.status_text.data != NULL ? (const char *)step.status_text.data : "");
	case LQ_ASTREAM_NOTHING:
		break;
	}
	/* the state first: the message that reaches --count counts too */
	keep_state(r);
	if (counted_out(r))
		return end(r, END_COUNT, "Success", "%llu bindings", (unsigned long long)r->count);
	return 0;
}

static int transport_lost(struct run *r)
{
	struct lq_tcp *t = r->tcp;

	/* with TLS 1.3 the server checks our certificate after our handshake
	 * has completed: a server that refuses it sends an alert, or closes the
	 * connection at once, before answering the query. Not retried. (A
	 * DHCPv4 server says nothing when it accepts a query: a connection
	 * closed later is only lost.) */
	if (r->tls != NULL && !r->accepted &&
	    (t->fail == LQ_TCP_TLS ||
	     (t->fail == LQ_TCP_CLOSED && now_ms() - r->connected_ms < TLS_REFUSAL_MS)))
		return end(r, END_FATAL, "TLSFailed", "the server closed the TLS connection before "
			   "answering the query (%s): it does not accept our certificate%s",
			   t->why, r->o->tls.cert == NULL ? " (none given: --tls-cert)" : "");
	switch (t->fail) {
	case LQ_TCP_INTERRUPTED:
		return END_INTERRUPTED;
	case LQ_TCP_TIMEOUT:
		return end(r, END_LOST, "Timeout", "no message for %.0f s (ACTIVE_LQ_RCV_TIMEOUT)",
			   t->timeout_ms / 1000.0);
	case LQ_TCP_FRAMING:
		return end(r, END_LOST, "ProtocolError", "%s", t->why);
	default:
		return end(r, END_LOST, "ConnectionClosed", "%s", t->why);
	}
}

static int run_connection(struct run *r)
{
	static uint8_t out[LQ6_BULK_QUERY_MAX_LEN];
	struct lq_stream_query sq;
	int64_t start = 0;
	bool has_start;
	size_t len;
	lq_bytes msg;
	lq_err err;
	int ending = 0, rc;

	r->accepted = false;
	if (open_connection(r, r->tcp, r->o->timeout_ms, &ending) < 0)
		return ending;
	r->connected_ms = now_ms();
	/* --start-time wins for the first connection; afterwards the highest
	 * base-time kept (or, when none came, the start time sent before) */
	has_start = lq_astream_next_start(&r->st, &start);
	if (r->first && r->q->qual.has_start) {
		has_start = true;
		start = r->q->qual.start;
	}
	r->first = false;
	memset(&sq, 0, sizeof(sq));
	sq.xid = new_xid(r);
	sq.active = true;
	lq_astream_begin(&r->st, has_start, start);
	if ((err = build_active(r, sq.xid, has_start, start, out, sizeof(out), &len)) != LQ_OK)
		return end(r, END_FATAL, "NoAnswer", "cannot build the active query: %s",
			   lq_strerror(err));
	if (r->o->verbose) {
		json_t *ev = event("connected");
		if (ev != NULL) {
			json_object_set_new(ev, "tls", json_boolean(r->tls != NULL));
			set_time(ev, "start_time", has_start, start);
		}
		print_event(r, ev);
		lq_output_dump_packet(r->family, "sending", out, len);
	}
	if (lq_tcp_queue(r->tcp, out, len) < 0)
		return end(r, END_LOST, "NoAnswer", "%s", r->tcp->why);
	for (;;) {
		rc = lq_tcp_next_within(r->tcp, &msg, state_wake_ms(r));
		if (rc == 2) {
			keep_state(r);
			continue;
		}
		if (rc <= 0)
			return transport_lost(r);
		if ((rc = on_message(r, &sq, msg)) != 0)
			return rc;
	}
}

/* Wait ms unless a signal comes. */
static void pause_ms(uint32_t ms)
{
	uint64_t until = now_ms() + ms;

	while (!interrupted) {
		uint64_t now = now_ms();
		if (now >= until)
			break;
		(void)poll(NULL, 0, (int)(until - now));
	}
}

/* The closing object / lines. */
static void summary(struct run *r, const char *status, const char *error)
{
	if (r->o->json) {
		json_t *o = json_object();
		if (o == NULL)
			return;
		json_object_set_new(o, "status", json_string(status));
		json_object_set_new(o, "count", json_integer((json_int_t)r->count));
		json_object_set_new(o, "server", json_string(r->server));
		if (error != NULL)
			json_object_set_new(o, "error", json_string(error));
		lq_output_json_line(o, stdout);
		fflush(stdout);
		return;
	}
	lq_text_reset(&r->text);
	if (r->printed > 0)
		lq_text_puts(&r->text, "\n");
	lq_output_text_line(&r->text, "status", "%s", status);
	if (error != NULL)
		lq_output_text_line(&r->text, "error", "%s", error);
	lq_output_text_line(&r->text, "count", "%llu", (unsigned long long)r->count);
	emit_text(r);
}

/* Follow the stream until an ending that is not retried. The exit code. */
static int follow(struct run *r)
{
	unsigned attempt = 0;

	for (;;) {
		int e = run_connection(r);
		bool graceful = e == END_TERMINATED || e == END_COUNT || e == END_INTERRUPTED;

		lq_tcp_close(r->tcp, graceful);
		r->tcp->fd = -1;
		if (e == END_INTERRUPTED || interrupted) {
			summary(r, "Success", NULL);
			return LQ_EXIT_OK;
		}
		if (e == END_COUNT) {
			summary(r, "Success", NULL);
			return LQ_EXIT_OK;
		}
		if (e == END_REFUSED || e == END_FATAL || r->o->once) {
			fprintf(stderr, "lq active: %s: %s\n", r->where, r->reason);
			summary(r, r->end_status != NULL ? r->end_status : "NoAnswer", r->reason);
			return e == END_REFUSED || e == END_TERMINATED ? LQ_EXIT_SERVER_ERROR
								       : LQ_EXIT_NO_ANSWER;
		}
		if (r->accepted)
			attempt = 0;
		uint32_t delay = lq_astream_backoff_ms(attempt, r->o->reconnect_max_ms, &r->rng);
		if (attempt < 32)
			attempt++;
		json_t *ev = event("reconnect");
		if (ev != NULL) {
			json_object_set_new(ev, "in", json_real(delay / 1000.0));
			json_object_set_new(ev, "reason", json_string(r->reason));
		}
		print_event(r, ev);
		if (r->state_pending)
			write_state(r);
		pause_ms(delay);
		if (interrupted) {
			summary(r, "Success", NULL);
			return LQ_EXIT_OK;
		}
	}
}

int cmd_active(int argc, char **argv)
{
	struct active_opts *o = calloc(1, sizeof(*o));
	struct query_shape *q = calloc(1, sizeof(*q));
	struct run *r = calloc(1, sizeof(*r));
	struct sigaction sa;
	char err[256], where[LQ_UDP_NAME_MAX + 64];
	int rc;

	if (o == NULL || q == NULL || r == NULL) {
		fprintf(stderr, "lq active: out of memory\n");
		free(o);
		free(q);
		free(r);
		return LQ_EXIT_NO_ANSWER;
	}
	lq_text_init(&r->text);
	rc = parse_args(argc, argv, o);
	if (rc != 0) {          /* 1: --help; else a usage error, already said */
		rc = rc == 1 ? LQ_EXIT_OK : LQ_EXIT_USAGE;
		goto out;
	}
	rc = LQ_EXIT_USAGE;
	if (lq_cmd_required(&active_cmd, o->family, o->server != NULL, "active leasequery",
			    "follow") < 0 || check_shape(o, q) < 0 ||
	    lq_cmd_server(&active_cmd, o->family, o->server, &o->tls, &r->srv) < 0)
		goto out;
	r->o = o;
	r->q = q;
	r->family = o->family;
	r->server = o->server;
	r->where = lq_udp_format(&r->srv.addr, where, sizeof(where));
	r->first = true;
	lq_astream_init(&r->st, o->family);
	if (q->qual.has_start)
		lq_astream_set_resume(&r->st, q->qual.start);
	if (read_state(r) < 0)
		goto out;
	rc = LQ_EXIT_NO_ANSWER;
	r->tcp = calloc(1, sizeof(*r->tcp));
	r->answer = lq_answer_new(o->family, o->server);
	r->scratch4 = o->family == 4 ? malloc(sizeof(*r->scratch4)) : NULL;
	if (r->tcp == NULL || r->answer == NULL || (o->family == 4 && r->scratch4 == NULL)) {
		fprintf(stderr, "lq active: out of memory\n");
		goto out;
	}
	r->tcp->fd = -1;
	if (o->tls.enabled && (r->tls = lq_tls_new(&o->tls, o->server, err, sizeof(err))) == NULL) {
		fprintf(stderr, "lq active: %s\n", err);
		goto out;
	}
	lq_rng_seed_random(&r->rng);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	(void)signal(SIGPIPE, SIG_IGN);
	rc = follow(r);
	if (r->state_pending)
		write_state(r);
out:
	lq_tls_free(r->tls);
	lq_text_free(&r->text);
	lq_answer_free(r->answer);
	free(r->scratch4);
	free(r->tcp);
	free(r);
	free(q);
	free(o);
	return rc;
}
