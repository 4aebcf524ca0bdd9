/* active_stream.h - the requestor's side of an active leasequery stream
 * (DHCPv4: RFC 7724; DHCPv6: RFC 7653), without sockets or clock: what
 * each message the stream readers (bulk4.h, bulk6.h) hand over means for
 * `lq active` (a binding to show, the end of catch-up, data missing and the
 * bulk query that repairs it, a keepalive, the end of the query and
 * whether to reconnect or give up), the base-time bookkeeping that gives
 * the start time of the next query (the highest base-time received once
 * catch-up is over, never one from during catch-up: RFC 7653 8.3 and
 * 8.4.1, RFC 7724 the same), the clock skew between server and requestor
 * (RFC 7653 8.5), the reconnection backoff, and the state file's contents.
 * (The answers to DHCPTLS / STARTTLS are in tls_answer.h.) */
#ifndef LQ_ACTIVE_STREAM_H
#define LQ_ACTIVE_STREAM_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "answer.h"
#include "retx.h"

#define LQ_ACTIVE_RCV_TIMEOUT_MS 120000u        /* ACTIVE_LQ_RCV_TIMEOUT: 120 s */
#define LQ_ACTIVE_RECONNECT_MAX_MS 60000u       /* default --reconnect-max */
#define LQ_ACTIVE_SKEW_WEIGHT 0.125             /* of a new sample after the first */

/* ------------------------------------------------------------ the stream */

enum lq_astream_action {
	LQ_ASTREAM_NOTHING = 0,         /* nothing to show (a message passed over) */
	LQ_ASTREAM_BINDING,             /* show the binding the answer carries */
	LQ_ASTREAM_ACCEPTED,            /* v6: the LEASEQUERY-REPLY without binding
					 * data that accepts the query */
	LQ_ASTREAM_CATCH_UP_COMPLETE,   /* catch-up is over: live updates only */
	LQ_ASTREAM_DATA_MISSING,        /* the server lacks history: catch-up is over,
					 * run the bulk query of step.repair_* */
	LQ_ASTREAM_KEEPALIVE,           /* the connection is alive (v4
					 * DHCPLEASEQUERYSTATUS, v6 LEASEQUERY-DATA,
					 * both without status) */
	LQ_ASTREAM_TERMINATED,          /* the query ended (QueryTerminated, or an
					 * error worth retrying): reconnect */
	LQ_ASTREAM_REFUSED,             /* the server refused the query (NotAllowed,
					 * MalformedQuery, ...): give up */
};

struct lq_astream {
	int family;
	/* this connection */
	bool start_sent;                /* the query carried a start time: catch-up */
	int64_t start;                  /* that time (Unix seconds, server's clock) */
	bool catching_up;               /* no CatchUpComplete / DataMissing yet */
	bool accepted;                  /* the server answered the query */
	uint64_t catch_up_bindings;     /* bindings received during catch-up */
	/* the start time of the next query (and the state file's base_time) */
	bool has_resume;
	int64_t resume;
	bool resume_dirty;              /* advanced by a received base-time since
					 * lq_astream_saved was last called */
	/* DataMissing: until the repair has run, no base-time counts */
	bool repair_pending;
	bool has_held;
	int64_t held;                   /* the highest base-time meanwhile */
	/* clock skew: local time - server time, smoothed */
	bool has_skew;
	double skew;
	uint64_t skew_samples;
	/* counters over every connection */
	uint64_t bindings;
};

/* What one message means. */
struct lq_astream_step {
	enum lq_astream_action action;
	bool has_base_time;
	int64_t base_time;              /* the message's, Unix seconds, server's clock */
	bool catch_up;                  /* BINDING: received during catch-up */
	bool has_status;
	uint16_t status;
	const char *status_name;        /* "Success" without a status */
	lq_bytes status_text;           /* in the answer */
	/* DATA_MISSING: what a bulk query must recover (RFC 7653 8.4.1):
	 * bindings changed from the point up to which we have everything (the
	 * start time sent, during catch-up; the highest base-time kept, when a
	 * live stream fell behind) to the base-time of the DataMissing message
	 * (no end time when it had none); repair false when there is no such
	 * point (no start time, nothing received yet) */
	bool repair;
	int64_t repair_start;
	bool has_repair_end;
	int64_t repair_end;
	const char *warning;            /* a tolerated oddity, or NULL */
};

void lq_astream_init(struct lq_astream *s, int family);
/* The start time to begin with (a state file's base_time, --start-time). */
void lq_astream_set_resume(struct lq_astream *s, int64_t start);
/* The start time of the next query: true with *start, or false (no
 * catch-up: nothing has been received yet). */
bool lq_astream_next_start(const struct lq_astream *s, int64_t *start);
/* A new connection sends its query, with a start time or without. */
void lq_astream_begin(struct lq_astream *s, bool has_start, int64_t start);
/* One message read into a by the stream reader, whose event was ev, at
 * local_now (Unix seconds, our clock). Converts the answer's times to our
 * clock (lq_answer_settle at the base-time plus the skew) and fills step.
 * Returns step->action. */
enum lq_astream_action lq_astream_step(struct lq_astream *s, enum lq_stream_event ev,
				       struct lq_answer *a, int64_t local_now,
				       struct lq_astream_step *step);
/* The bulk query for a DataMissing has run: ok, the base-times held back
 * since then count (the highest becomes the next start time); failed, the
 * next start time stays where it was (a later reconnection repairs again). */
void lq_astream_repair_done(struct lq_astream *s, bool ok);
/* Has the next start time advanced since the last call (then write the
 * state file)? Clears the flag. */
bool lq_astream_saved(struct lq_astream *s);
/* A time of the server's clock on ours (server_time + skew, rounded). */
int64_t lq_astream_to_local(const struct lq_astream *s, int64_t server_time);
/* The skew in whole seconds (0 before the first base-time). */
int64_t lq_astream_skew(const struct lq_astream *s);

/* How long to wait before reconnection attempt number attempt (0: the
 * first after a loss): 1 s doubled each time up to max_ms, each within
 * -20% .. +20% at random (at most max_ms). */
uint32_t lq_astream_backoff_ms(unsigned attempt, uint32_t max_ms, struct lq_rng *rng);

/* The state file: {"family", "server", "base_time" (Unix seconds, the
 * server's clock), "updated" (RFC 3339, our clock)}. NULL when there is no
 * start time yet. */
json_t *lq_astream_state_json(const struct lq_astream *s, const char *server, int64_t local_now);
/* Read a state file's text for family: 0 with *base_time; 1 when it holds
 * no base_time yet; -1 when it is not a state file of family (err says
 * why). *other_server is set when it names another server than server. */
int lq_astream_state_parse(const char *text, size_t len, int family, const char *server,
			   int64_t *base_time, bool *other_server, char *err, size_t cap);

#endif
