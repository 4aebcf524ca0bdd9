/* active_stream.c - what the messages of an active leasequery stream mean
 * for the requestor (RFC 7724, RFC 7653 8.4): statuses sorted into
 * catch-up complete, data missing, keepalive, the end of the query and
 * refusals; the base-time that may become the next start time (only once
 * catch-up is over, and after a DataMissing only once the bulk repair has
 * run); the smoothed clock skew; the backoff between reconnections; and
 * the state file's JSON. */
#include <stdio.h>
#include <string.h>

#include "active_stream.h"
#include "lq/dhcp4.h"
#include "lq/dhcp6.h"
#include "lq/lqtime.h"

/* ------------------------------------------------------------ statuses */

enum kind {
	K_NONE,                 /* no status, or Success */
	K_CATCH_UP,             /* CatchUpComplete */
	K_DATA_MISSING,         /* DataMissing */
	K_RETRY,                /* QueryTerminated, UnspecFail, ConnectionActive,
				 * unknown codes: the query ended, reconnecting
				 * may help */
	K_REFUSED,              /* the query itself is refused: it would be again */
};

static enum kind kind4(bool has, uint16_t code)
{
	if (!has)
		return K_NONE;
	switch (code) {
	case LQ4_STATUS_SUCCESS:
		return K_NONE;
	case LQ4_STATUS_CATCH_UP_COMPLETE:
		return K_CATCH_UP;
	case LQ4_STATUS_DATA_MISSING:
		return K_DATA_MISSING;
	case LQ4_STATUS_MALFORMED_QUERY:
	case LQ4_STATUS_NOT_ALLOWED:
	case LQ4_STATUS_TLS_CONNECTION_REFUSED:
		return K_REFUSED;
	default:                /* QueryTerminated, UnspecFail, ConnectionActive */
		return K_RETRY;
	}
}

static enum kind kind6(bool has, uint16_t code)
{
	if (!has)
		return K_NONE;
	switch (code) {
	case LQ6_STATUS_SUCCESS:
		return K_NONE;
	case LQ6_STATUS_CATCH_UP_COMPLETE:
		return K_CATCH_UP;
	case LQ6_STATUS_DATA_MISSING:
		return K_DATA_MISSING;
	case LQ6_STATUS_UNKNOWN_QUERY_TYPE:
	case LQ6_STATUS_MALFORMED_QUERY:
	case LQ6_STATUS_NOT_CONFIGURED:
	case LQ6_STATUS_NOT_ALLOWED:
	case LQ6_STATUS_NOT_SUPPORTED:
	case LQ6_STATUS_TLS_CONNECTION_REFUSED:
		return K_REFUSED;
	default:                /* QueryTerminated, UnspecFail, ... */
		return K_RETRY;
	}
}

/* ------------------------------------------------------------ the stream */

void lq_astream_init(struct lq_astream *s, int family)
{
	memset(s, 0, sizeof(*s));
	s->family = family;
}

void lq_astream_set_resume(struct lq_astream *s, int64_t start)
{
	s->has_resume = true;
	s->resume = start;
}

bool lq_astream_next_start(const struct lq_astream *s, int64_t *start)
{
	if (!s->has_resume)
		return false;
	*start = s->resume;
	return true;
}

void lq_astream_begin(struct lq_astream *s, bool has_start, int64_t start)
{
	s->start_sent = has_start;
	s->start = has_start ? start : 0;
	s->catching_up = has_start;
	s->accepted = false;
	s->catch_up_bindings = 0;
	s->repair_pending = false;
	s->has_held = false;
}

static void sample_skew(struct lq_astream *s, int64_t local_now, int64_t base_time)
{
	double sample = (double)(local_now - base_time);

	if (!s->has_skew) {
		s->skew = sample;
		s->has_skew = true;
	} else {
		s->skew += LQ_ACTIVE_SKEW_WEIGHT * (sample - s->skew);
	}
	s->skew_samples++;
}

int64_t lq_astream_skew(const struct lq_astream *s)
{
	if (!s->has_skew)
		return 0;
	return (int64_t)(s->skew >= 0 ? s->skew + 0.5 : s->skew - 0.5);
}

int64_t lq_astream_to_local(const struct lq_astream *s, int64_t server_time)
{
	return server_time + lq_astream_skew(s);
}

/* A base-time received: it may become the next start time. Not during
 * catch-up (the messages then are not in order of change: RFC 7653 8.4,
 * RFC 7724 the same); held back while a DataMissing repair is pending. */
static void note_base(struct lq_astream *s, const struct lq_answer *a)
{
	if (!a->has_base_time || s->catching_up)
		return;
	if (s->repair_pending) {
		if (!s->has_held || a->base_time > s->held)
			s->held = a->base_time;
		s->has_held = true;
		return;
	}
	if (!s->has_resume || a->base_time > s->resume) {
		s->resume = a->base_time;
		s->has_resume = true;
		s->resume_dirty = true;
	}
}

static void data_missing(struct lq_astream *s, const struct lq_answer *a,
			 struct lq_astream_step *st)
{
	s->catching_up = false;
	/* RFC 7653 8.4.1, RFC 7724 the same: a bulk query from the point up to
	 * which we have everything (the start time sent while catching up; the
	 * highest base-time kept when a live stream fell behind the server's
	 * history) to the DataMissing message's base-time. Until it has run,
	 * the base-times of the stream must not become the next start time. */
	if (!s->has_resume) {
		st->warning = "DataMissing before any base-time was kept: nothing to repair from";
		return;
	}
	st->repair = true;
	st->repair_start = s->resume;
	st->has_repair_end = a->has_base_time;
	st->repair_end = a->has_base_time ? a->base_time : 0;
	if (!a->has_base_time)
		st->warning = "DataMissing without base-time: the repair asks for everything "
			      "changed since the start time";
	s->repair_pending = true;
	s->has_held = a->has_base_time;
	s->held = a->base_time;
}

static enum lq_astream_action on_status(struct lq_astream *s, enum kind k, struct lq_answer *a,
					struct lq_astream_step *st)
{
	bool reply = s->family == 6 && a->msg_type == LQ6_LEASEQUERY_REPLY;

	switch (k) {
	case K_NONE:
		s->accepted = true;
		note_base(s, a);
		return reply ? LQ_ASTREAM_ACCEPTED : LQ_ASTREAM_KEEPALIVE;
	case K_CATCH_UP:
		s->accepted = true;
		if (!s->start_sent)
			st->warning = "CatchUpComplete, but the query asked for no catch-up";
		s->catching_up = false;
		note_base(s, a);        /* its base-time counts: catch-up is over */
		return LQ_ASTREAM_CATCH_UP_COMPLETE;
	case K_DATA_MISSING:
		s->accepted = true;
		data_missing(s, a, st);
		return LQ_ASTREAM_DATA_MISSING;
	case K_RETRY:
		return LQ_ASTREAM_TERMINATED;
	case K_REFUSED:
		break;
	}
	/* v6: an error status in a LEASEQUERY-DATA without client data is not
	 * the server refusing the query (that is the LEASEQUERY-REPLY's job) */
	if (s->family == 6 && !reply) {
		st->warning = "a LEASEQUERY-DATA without client data but with an error status: "
			      "passed over";
		return LQ_ASTREAM_NOTHING;
	}
	return LQ_ASTREAM_REFUSED;
}

enum lq_astream_action lq_astream_step(struct lq_astream *s, enum lq_stream_event ev,
				       struct lq_answer *a, int64_t local_now,
				       struct lq_astream_step *st)
{
	enum kind k = s->family == 4 ? kind4(a->has_status, a->status)
				     : kind6(a->has_status, a->status);

	memset(st, 0, sizeof(*st));
	st->has_base_time = a->has_base_time;
	st->base_time = a->base_time;
	st->has_status = a->has_status;
	st->status = a->status;
	st->status_name = lq_answer_status_name(a);
	st->status_text = a->status_text;
	if (a->has_base_time)
		sample_skew(s, local_now, a->base_time);
	/* the relative times of the message count from its base-time: on our
	 * clock, that is the base-time plus the skew */
	lq_answer_settle(a, a->has_base_time ? lq_astream_to_local(s, a->base_time) : local_now);
	switch (ev) {
	case LQ_STREAM_BINDING:
		s->accepted = true;
		st->catch_up = s->catching_up;
		if (s->catching_up)
			s->catch_up_bindings++;
		s->bindings++;
		note_base(s, a);
		st->action = LQ_ASTREAM_BINDING;
		break;
	case LQ_STREAM_STATUS:
		st->action = on_status(s, k, a, st);
		break;
	case LQ_STREAM_DONE:
		/* LEASEQUERY-DONE / DHCPLEASEQUERYDONE end the query (RFC 7653
		 * 8.4: QueryTerminated, e.g. a server shutting down). Its
		 * base-time is not kept: changes not yet sent may be older. */
		st->action = k == K_REFUSED ? LQ_ASTREAM_REFUSED : LQ_ASTREAM_TERMINATED;
		break;
	case LQ_STREAM_SKIPPED:
		st->action = LQ_ASTREAM_NOTHING;
		break;
	}
	return st->action;
}

void lq_astream_repair_done(struct lq_astream *s, bool ok)
{
	if (!s->repair_pending)
		return;
	s->repair_pending = false;
	if (ok && s->has_held && (!s->has_resume || s->held > s->resume)) {
		s->resume = s->held;
		s->has_resume = true;
		s->resume_dirty = true;
	}
	s->has_held = false;
}

bool lq_astream_saved(struct lq_astream *s)
{
	bool dirty = s->resume_dirty;

	s->resume_dirty = false;
	return dirty;
}

/* ------------------------------------------------------------ reconnection */

uint32_t lq_astream_backoff_ms(unsigned attempt, uint32_t max_ms, struct lq_rng *rng)
{
	uint64_t d = 1000u;
	int32_t spread;

	for (unsigned i = 0; i < attempt && d < max_ms; i++)
		d *= 2;
	if (d > max_ms)
		d = max_ms;
	spread = (int32_t)(d / 5);
	d = (uint64_t)((int64_t)d + lq_rng_range(rng, -spread, spread));
	if (d > max_ms)
		d = max_ms;
	return (uint32_t)d;
}

/* ------------------------------------------------------------ state file */

json_t *lq_astream_state_json(const struct lq_astream *s, const char *server, int64_t local_now)
{
	char when[LQ_TIME_STRLEN + 8];
	json_t *o;

	if (!s->has_resume || (o = json_object()) == NULL)
		return NULL;
	json_object_set_new(o, "family", json_integer(s->family));
	json_object_set_new(o, "server", json_string(server));
	json_object_set_new(o, "base_time", json_integer(s->resume));
	json_object_set_new(o, "updated", json_string(lq_time_format(local_now, when,
								     sizeof(when))));
	return o;
}

int lq_astream_state_parse(const char *text, size_t len, int family, const char *server,
			   int64_t *base_time, bool *other_server, char *err, size_t cap)
{
	json_error_t je;
	json_t *o = json_loadb(text, len, 0, &je);
	json_t *v;
	int64_t lo = family == 4 ? 0 : LQ_EPOCH_2000;
	int rc = -1;

	*other_server = false;
	if (o == NULL || !json_is_object(o)) {
		snprintf(err, cap, "not a JSON object%s%s", o == NULL ? ": " : "",
			 o == NULL ? je.text : "");
		goto out;
	}
	v = json_object_get(o, "family");
	if (v != NULL && (!json_is_integer(v) || json_integer_value(v) != family)) {
		snprintf(err, cap, "it is the state of a DHCPv%lld stream, not DHCPv%d",
			 json_is_integer(v) ? (long long)json_integer_value(v) : 0LL, family);
		goto out;
	}
	v = json_object_get(o, "server");
	if (json_is_string(v) && server != NULL && strcmp(json_string_value(v), server) != 0)
		*other_server = true;
	v = json_object_get(o, "base_time");
	if (v == NULL || json_is_null(v)) {
		rc = 1;
		goto out;
	}
	if (!json_is_integer(v) || json_integer_value(v) < lo ||
	    json_integer_value(v) > lo + (int64_t)UINT32_MAX) {
		snprintf(err, cap, "\"base_time\" is not a time DHCPv%d can carry (Unix seconds)",
			 family);
		goto out;
	}
	*base_time = json_integer_value(v);
	rc = 0;
out:
	json_decref(o);
	return rc;
}
