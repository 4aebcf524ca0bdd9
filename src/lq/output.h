/* output.h - how the requestor shows an answer: readable text (one field
 * per line, "name  value", for people and grep) and JSON Lines objects (the
 * DESIGN.md contract: one object per binding, then a summary object with
 * "status" and "count"). Field names follow lq's binding JSON
 * (binding_json.h): address, prefix, state, hwaddr, client_id, cltt,
 * expire, relay_info, circuit_id, remote_id, relay_id, ... */
#ifndef LQ_OUTPUT_H
#define LQ_OUTPUT_H

#include <jansson.h>
#include <stdio.h>

#include "answer.h"
#include "lq/print.h"

/* Everything the answer says, one field per line. */
void lq_output_text(struct lq_text *t, const struct lq_answer *a);
/* One line about a server that was asked too ("other  NAME: what it said");
 * a NULL or empty answer means it did not answer. */
void lq_output_text_other(struct lq_text *t, const char *server, const struct lq_answer *a);

/* The binding the answer carries as a JSON object, or NULL when it carries
 * none (or out of memory). Times: clt_time / lease_time are the relative
 * seconds of the reply, cltt / expire the Unix times they mean at reception
 * (expire null: infinite). */
json_t *lq_output_binding_json(const struct lq_answer *a);
/* The closing object: status (NoAnswer when a is NULL), count, and what
 * the chosen server said. */
json_t *lq_output_summary_json(const struct lq_answer *a, size_t count);

/* The end of a bulk (or active) stream: every query on the connection
 * and what became of it. */
struct lq_output_stream {
	int family;
	const char *server;
	const char *status;             /* overall: the first failed query's status
					 * name, "Success", or what went wrong with
					 * the connection (NoAnswer, Timeout, ...) */
	const char *error;              /* a sentence when the connection failed */
	const struct lq_stream_query *queries;
	const char *const *labels;      /* per query, how it was asked (may be NULL) */
	size_t n;
	uint64_t count;                 /* binding records over all queries */
};

/* The closing object: status, count, server, status_code / status_text of
 * the first failed query, error, and with several queries "queries": one
 * object each (xid, query, status, count, status_code, status_text). */
json_t *lq_output_stream_summary_json(const struct lq_output_stream *s);
/* The closing lines: a "query" line each, then status, error, count. */
void lq_output_text_stream_summary(struct lq_text *t, const struct lq_output_stream *s);

/* One "name  value" line, the value as printf makes it. */
void lq_output_text_line(struct lq_text *t, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* An event of an active stream (a JSON object with "event": the name,
 * and its other keys) as one line: "event  NAME key value ...", integer
 * values of keys ending in _time as RFC 3339. */
void lq_output_text_event(struct lq_text *t, const json_t *event);
/* A message sent or received, decoded, on stderr (-v). */
void lq_output_dump_packet(int family, const char *dir, const uint8_t *p, size_t len);

/* Print a JSON value as one compact line on out; frees it. 0 or -1. */
int lq_output_json_line(json_t *v, FILE *out);

#endif
