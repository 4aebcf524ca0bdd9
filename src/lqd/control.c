/* control.c - lqd's control socket: a Unix stream socket taking one JSON
 * request per line and answering each with one JSON line.
 *
 *   {"command":"add","binding":{...}}      new binding (error if it exists); cltt
 *                                          and state_since default to now
 *   {"command":"update","binding":{...}}   replace a binding (error if absent)
 *   {"command":"delete","address":"A"}     remove (error if absent); "prefix" for v6 PD
 *   {"command":"get","address":"A"}        one binding ("address" in a v6 delegated
 *                                          prefix finds the prefix)
 *   {"command":"bindings","family":4|6}    every binding of a family
 *   {"command":"status"}                   sources, store size, history
 *   {"command":"statistics"}               counters
 * Answers: {"result":"ok",...} or {"result":"error","error":"why"}. */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "lq/binding_json.h"
#include "lqd.h"

#define MAX_REQUEST ((size_t)1024 * 1024)

struct lqd_control {
	struct lqd *d;
	struct evconnlistener *listener;
	char *path;
	uint64_t requests, errors;
};

__attribute__((format(printf, 1, 2)))
static json_t *error_reply(const char *fmt, ...)
{
	va_list ap;
	char text[512];

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return json_pack("{s:s, s:s}", "result", "error", "error", text);
}

static json_t *ok_reply(void)
{
	return json_pack("{s:s}", "result", "ok");
}

/* The key named by "address" or "prefix" in req. */
static int request_key(const json_t *req, struct lq_binding_key *key, char *err, size_t cap)
{
	struct lq_binding b;
	uint8_t scratch[16];
	json_t *only = json_object();

	json_t *a = json_object_get(req, "address");
	json_t *p = json_object_get(req, "prefix");
	if (a != NULL)
		json_object_set(only, "address", a);
	if (p != NULL)
		json_object_set(only, "prefix", p);
	int rc = lq_binding_from_json(only, &b, scratch, sizeof(scratch), err, cap);
	json_decref(only);
	if (rc == 0)
		*key = b.key;
	return rc;
}

static int store_one(struct lqd *d, const struct lq_binding_change *c)
{
	int rc = lq_store_apply(d->store, c, 1, (int64_t)time(NULL), NULL);

	if (rc == 0) {
		d->control_changes++;
		lqd_tcp_notify(d->tcp);
	}
	return rc;
}

/* Does a binding with this key exist? 1 yes, 0 no, < 0 store error. */
static int binding_exists(struct lqd *d, const struct lq_binding_key *key)
{
	struct lq_store_reader *r;
	struct lq_binding b;

	if (lq_store_read_begin(d->store, &r) < 0)
		return -1;
	int rc = lq_store_get(r, key, &b, NULL);
	lq_store_read_end(r);
	return rc;
}

static json_t *cmd_write(struct lqd *d, const json_t *req, bool must_exist)
{
	static uint8_t scratch[2 * LQ_BINDING_MAX_RELAY + 1024];
	struct lq_binding_change c = {.op = LQ_CHANGE_UPSERT};
	char err[256];

	const json_t *obj = json_object_get(req, "binding");
	if (obj == NULL)
		return error_reply("%s", "\"binding\" is required");
	if (lq_binding_from_json(obj, &c.binding, scratch, sizeof(scratch), err, sizeof(err)) < 0)
		return error_reply("binding.%s", err);
	if (c.binding.cltt == 0)       /* absent: the client transacted now */
		c.binding.cltt = time(NULL);
	if (c.binding.state_since == 0)
		c.binding.state_since = c.binding.cltt;
	int exists = binding_exists(d, &c.binding.key);
	if (exists < 0)
		return error_reply("store: %s", lq_store_strerror(exists));
	char key_text[LQ_BINDING_KEY_TEXT_MAX];
	lq_binding_key_format(&c.binding.key, key_text, sizeof(key_text));
	if (exists && !must_exist)
		return error_reply("a binding for %s exists (use update)", key_text);
	if (!exists && must_exist)
		return error_reply("no binding for %s (use add)", key_text);
	int rc = store_one(d, &c);
	if (rc < 0)
		return error_reply("store: %s", lq_store_strerror(rc));
	lqd_log(LQD_LOG_INFO, "control: %s %s", must_exist ? "updated" : "added", key_text);
	return ok_reply();
}

static json_t *cmd_delete(struct lqd *d, const json_t *req)
{
	struct lq_binding_change c = {.op = LQ_CHANGE_DELETE};
	char err[256];

	if (request_key(req, &c.binding.key, err, sizeof(err)) < 0)
		return error_reply("%s", err);
	int exists = binding_exists(d, &c.binding.key);
	if (exists < 0)
		return error_reply("store: %s", lq_store_strerror(exists));
	char key_text[LQ_BINDING_KEY_TEXT_MAX];
	lq_binding_key_format(&c.binding.key, key_text, sizeof(key_text));
	if (!exists)
		return error_reply("no binding for %s", key_text);
	int rc = store_one(d, &c);
	if (rc < 0)
		return error_reply("store: %s", lq_store_strerror(rc));
	lqd_log(LQD_LOG_INFO, "control: deleted %s", key_text);
	return ok_reply();
}

static json_t *cmd_get(struct lqd *d, const json_t *req)
{
	struct lq_binding_key key;
	struct lq_store_reader *r;
	struct lq_binding b;
	char err[256];
	int64_t changed;

	if (request_key(req, &key, err, sizeof(err)) < 0)
		return error_reply("%s", err);
	if (lq_store_read_begin(d->store, &r) < 0)
		return error_reply("%s", "store unavailable");
	int rc = key.family == 6 && key.prefix_len == 128 ? lq_store_find_containing(r, &key.addr, &b, &changed)
							   : lq_store_get(r, &key, &b, &changed);
	json_t *reply;
	if (rc == 1) {
		reply = ok_reply();
		json_t *jb = lq_binding_to_json(&b);
		json_object_set_new(jb, "changed_at", json_integer(changed));
		json_object_set_new(reply, "binding", jb);
	} else {
		char key_text[LQ_BINDING_KEY_TEXT_MAX];
		reply = rc == 0 ? error_reply("no binding for %s", lq_binding_key_format(&key, key_text, sizeof(key_text)))
				: error_reply("store: %s", lq_store_strerror(rc));
	}
	lq_store_read_end(r);
	return reply;
}

static json_t *cmd_bindings(struct lqd *d, const json_t *req)
{
	struct lq_store_reader *r;
	struct lq_store_cursor *cur;
	struct lq_binding b;
	json_int_t family = json_integer_value(json_object_get(req, "family"));

	if (family != 4 && family != 6)
		return error_reply("%s", "\"family\" must be 4 or 6");
	struct lq_store_filter f = {.family = (uint8_t)family, .by = LQ_STORE_BY_ALL};
	if (lq_store_read_begin(d->store, &r) < 0)
		return error_reply("%s", "store unavailable");
	if (lq_store_cursor_open(r, &f, &cur) < 0) {
		lq_store_read_end(r);
		return error_reply("%s", "store unavailable");
	}
	json_t *list = json_array();
	int rc;
	while ((rc = lq_store_cursor_next(cur, &b)) == 1)
		json_array_append_new(list, lq_binding_to_json(&b));
	lq_store_cursor_close(cur);
	lq_store_read_end(r);
	if (rc < 0) {
		json_decref(list);
		return error_reply("store: %s", lq_store_strerror(rc));
	}
	json_t *reply = ok_reply();
	json_object_set_new(reply, "count", json_integer((json_int_t)json_array_size(list)));
	json_object_set_new(reply, "bindings", list);
	return reply;
}

static json_t *store_json(struct lqd *d)
{
	struct lq_store_reader *r;
	struct lq_store_stats st;
	struct lq_store_history_bounds hb;

	if (lq_store_read_begin(d->store, &r) < 0)
		return json_null();
	json_t *o = json_object();
	if (lq_store_stats(r, &st) >= 0) {
		json_object_set_new(o, "bindings4", json_integer((json_int_t)st.bindings4));
		json_object_set_new(o, "bindings6", json_integer((json_int_t)st.bindings6));
		json_object_set_new(o, "bytes_used", json_integer((json_int_t)st.bytes_used));
	}
	if (lq_store_history_bounds(r, &hb) >= 0) {
		json_object_set_new(o, "history_entries", json_integer((json_int_t)hb.count));
		json_object_set_new(o, "history_oldest_time", json_integer(hb.oldest_time));
		json_object_set_new(o, "next_seq", json_integer((json_int_t)hb.next_seq));
	}
	lq_store_read_end(r);
	return o;
}

static json_t *cmd_status(struct lqd *d, bool statistics)
{
	json_t *reply = ok_reply();
	json_t *sources = json_array();

	for (size_t i = 0; i < d->n_sources; i++) {
		struct lqd_source_status st;
		lqd_source_status(d->sources[i], &st);
		json_array_append_new(sources, json_pack("{s:s, s:s, s:i, s:I, s:I, s:I, s:I, s:I, s:b}",
			"path", st.path, "type", st.type, "family", st.family,
			"lines", (json_int_t)st.lines, "changes", (json_int_t)st.changes,
			"bad_lines", (json_int_t)st.bad_lines, "rotations", (json_int_t)st.rotations,
			"offset", (json_int_t)st.offset, "loading", st.loading));
	}
	json_object_set_new(reply, "sources", sources);
	json_object_set_new(reply, "store", store_json(d));
	if (statistics) {
		json_object_set_new(reply, "control_requests", json_integer((json_int_t)d->control->requests));
		json_object_set_new(reply, "control_errors", json_integer((json_int_t)d->control->errors));
		json_object_set_new(reply, "control_changes", json_integer((json_int_t)d->control_changes));
		struct lqd_udp_stats us;
		lqd_udp_stats(d->udp, &us);
		json_object_set_new(reply, "udp", json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}",
			"threads", (json_int_t)us.threads, "received", (json_int_t)us.received,
			"answered", (json_int_t)us.answered, "dropped", (json_int_t)us.dropped,
			"refused", (json_int_t)us.refused, "send_errors", (json_int_t)us.send_errors));
		struct lqd_tcp_stats ts;
		lqd_tcp_stats(d->tcp, &ts);
		json_object_set_new(reply, "tcp", json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			"accepted", (json_int_t)ts.accepted, "rejected", (json_int_t)ts.rejected,
			"open", (json_int_t)ts.open, "queries", (json_int_t)ts.queries,
			"refused", (json_int_t)ts.refused, "terminated", (json_int_t)ts.terminated,
			"timeouts", (json_int_t)ts.timeouts, "protocol_errors", (json_int_t)ts.protocol_errors,
			"messages", (json_int_t)ts.messages, "bindings", (json_int_t)ts.bindings,
			"active_queries", (json_int_t)ts.active_queries, "active_dropped", (json_int_t)ts.active_dropped,
			"tls_handshakes", (json_int_t)ts.tls_handshakes, "tls_failures", (json_int_t)ts.tls_failures));
	}
	return reply;
}

static json_t *handle_request(struct lqd_control *c, const char *line, size_t len)
{
	json_error_t jerr;
	json_t *req = json_loadb(line, len, 0, &jerr);

	if (req == NULL)
		return error_reply("request is not JSON: %s", jerr.text);
	const char *cmd = json_string_value(json_object_get(req, "command"));
	json_t *reply;
	if (cmd == NULL)
		reply = error_reply("%s", "\"command\" is required");
	else if (strcmp(cmd, "add") == 0)
		reply = cmd_write(c->d, req, false);
	else if (strcmp(cmd, "update") == 0)
		reply = cmd_write(c->d, req, true);
	else if (strcmp(cmd, "delete") == 0)
		reply = cmd_delete(c->d, req);
	else if (strcmp(cmd, "get") == 0)
		reply = cmd_get(c->d, req);
	else if (strcmp(cmd, "bindings") == 0)
		reply = cmd_bindings(c->d, req);
	else if (strcmp(cmd, "status") == 0)
		reply = cmd_status(c->d, false);
	else if (strcmp(cmd, "statistics") == 0)
		reply = cmd_status(c->d, true);
	else
		reply = error_reply("unknown command \"%s\" (add, update, delete, get, bindings, status, statistics)", cmd);
	json_decref(req);
	return reply;
}

static void on_read(struct bufferevent *bev, void *ctx)
{
	struct lqd_control *c = ctx;
	struct evbuffer *in = bufferevent_get_input(bev);
	char *line;
	size_t len;

	while ((line = evbuffer_readln(in, &len, EVBUFFER_EOL_LF)) != NULL) {
		json_t *reply = handle_request(c, line, len);
		free(line);
		c->requests++;
		if (strcmp(json_string_value(json_object_get(reply, "result")), "ok") != 0)
			c->errors++;
		char *text = json_dumps(reply, JSON_COMPACT);
		json_decref(reply);
		if (text != NULL) {
			evbuffer_add_printf(bufferevent_get_output(bev), "%s\n", text);
			free(text);
		}
	}
	if (evbuffer_get_length(in) > MAX_REQUEST) {
		lqd_log(LQD_LOG_WARNING, "control: request longer than 1 MiB, closing the connection");
		bufferevent_free(bev);
	}
}

static void on_event(struct bufferevent *bev, short what, void *ctx)
{
	(void)ctx;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		bufferevent_free(bev);
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int socklen, void *ctx)
{
	struct lqd_control *c = ctx;
	(void)sa;
	(void)socklen;
	struct bufferevent *bev = bufferevent_socket_new(evconnlistener_get_base(l), fd, BEV_OPT_CLOSE_ON_FREE);

	if (bev == NULL) {
		close(fd);
		return;
	}
	bufferevent_setcb(bev, on_read, NULL, on_event, c);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
}

struct lqd_control *lqd_control_start(struct lqd *d, const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct lqd_control *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		lqd_log(LQD_LOG_ERROR, "control-socket: path longer than %zu octets", sizeof(sun.sun_path) - 1);
		free(c);
		return NULL;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	unlink(path);
	c->d = d;
	c->path = strdup(path);
	mode_t old = umask(0077);          /* the socket changes bindings: owner only */
	c->listener = evconnlistener_new_bind(d->base, on_accept, c, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 16,
					      (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (c->listener == NULL) {
		lqd_log(LQD_LOG_ERROR, "control-socket %s: %s", path, strerror(errno));
		free(c->path);
		free(c);
		return NULL;
	}
	lqd_log(LQD_LOG_INFO, "control socket on %s", path);
	return c;
}

void lqd_control_stop(struct lqd_control *c)
{
	if (c == NULL)
		return;
	evconnlistener_free(c->listener);
	unlink(c->path);
	free(c->path);
	free(c);
}
