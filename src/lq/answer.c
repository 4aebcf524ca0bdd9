/* answer.c - the requestor's result model: allocation, the arena that keeps
 * values alive, state and status names, and the choice of the most recent
 * answer among several servers (RFC 4388 6.8, RFC 5007 4.3.3). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "lq/dhcp4.h"
#include "lq/dhcp6.h"
#include "lq/lqtime.h"

struct lq_answer *lq_answer_new(int family, const char *server)
{
	struct lq_answer *a = calloc(1, sizeof(*a));

	if (a == NULL)
		return NULL;
	a->family = family;
	snprintf(a->server, sizeof(a->server), "%s", server != NULL ? server : "");
	return a;
}

void lq_answer_free(struct lq_answer *a)
{
	free(a);
}

void lq_answer_reset(struct lq_answer *a)
{
	int family = a->family;
	char server[LQ_ANSWER_SERVER_MAX];

	memcpy(server, a->server, sizeof(server));
	memset(a, 0, offsetof(struct lq_answer, pkt));
	a->arena_used = 0;
	a->family = family;
	memcpy(a->server, server, sizeof(server));
}

void lq_answer_settle(struct lq_answer *a, int64_t received)
{
	a->received = received;
	a->clt_raw = a->clt_time;
	a->clt_absolute = false;
	if (!a->has_clt || (int64_t)a->clt_time <= received - LQ_EPOCH_2000 ||
	    (int64_t)a->clt_time > received + 86400)
		return;
	a->clt_absolute = true;
	a->clt_time = (int64_t)a->clt_time >= received ? 0 : (uint32_t)(received - a->clt_time);
}

lq_bytes lq_answer_keep(struct lq_answer *a, lq_bytes v)
{
	lq_bytes out = { NULL, 0 };

	if (v.data == NULL)
		return out;
	if (sizeof(a->arena) - a->arena_used < v.len)
		return out;
	out.data = a->arena + a->arena_used;
	out.len = v.len;
	if (v.len > 0)
		memcpy(a->arena + a->arena_used, v.data, v.len);
	a->arena_used += v.len;
	return out;
}

const char *lq_answer_state(const struct lq_answer *a)
{
	static const char *const v4_states[] = {
		[LQ4_STATE_AVAILABLE] = "available",
		[LQ4_STATE_ACTIVE] = "active",
		[LQ4_STATE_EXPIRED] = "expired",
		[LQ4_STATE_RELEASED] = "released",
		[LQ4_STATE_ABANDONED] = "abandoned",
		[LQ4_STATE_RESET] = "reset",
		[LQ4_STATE_REMOTE] = "remote",
		[LQ4_STATE_TRANSITIONING] = "transitioning",
	};

	if (a->outcome != LQ_OUTCOME_BINDING)
		return NULL;
	if (a->family == 6) {
		/* RFC 5007: only leases with a non-zero valid lifetime; an active
		 * leasequery (RFC 7653) also reports leases that ended, with
		 * lifetimes 0 */
		for (uint16_t i = 0; i < a->n_leases; i++)
			if (a->leases[i].valid != 0)
				return "active";
		return a->n_leases > 0 ? "inactive" : "active";
	}
	if (a->has_dhcp_state && a->dhcp_state < sizeof(v4_states) / sizeof(v4_states[0]) &&
	    v4_states[a->dhcp_state] != NULL)
		return v4_states[a->dhcp_state];
	return a->msg_type == LQ4_LEASEACTIVE ? "active" : "unassigned";
}

const char *lq_answer_status_name(const struct lq_answer *a)
{
	if (!a->has_status)
		return "Success";
	return a->family == 4 ? lq4_status_name((uint8_t)a->status) : lq6_status_name(a->status);
}

static int outcome_rank(enum lq_outcome o)
{
	switch (o) {
	case LQ_OUTCOME_BINDING:	return 3;
	case LQ_OUTCOME_NO_BINDING:	return 2;
	case LQ_OUTCOME_ERROR:		return 1;
	case LQ_OUTCOME_NONE:		return 0;
	}
	return 0;
}

bool lq_answer_better(const struct lq_answer *a, const struct lq_answer *b)
{
	int ra = outcome_rank(a->outcome), rb = outcome_rank(b->outcome);

	if (ra != rb)
		return ra > rb;
	if (a->outcome != LQ_OUTCOME_BINDING)
		return false;
	if (a->has_clt != b->has_clt)
		return a->has_clt;
	if (a->has_clt && a->clt_time != b->clt_time)
		return a->clt_time < b->clt_time;
	if (a->family == 4 && a->msg_type != b->msg_type)
		return a->msg_type == LQ4_LEASEACTIVE;
	return false;
}

int lq_answer_pick(struct lq_answer *const *answers, size_t n)
{
	int best = -1;

	for (size_t i = 0; i < n; i++) {
		const struct lq_answer *a = answers[i];
		if (a == NULL || a->outcome == LQ_OUTCOME_NONE)
			continue;
		if (best < 0 || lq_answer_better(a, answers[best]))
			best = (int)i;
	}
	return best;
}

/* ------------------------------------------------------------ streams */

void lq_stream_finish(struct lq_stream_query *q, bool has_status, uint16_t status, lq_bytes text)
{
	q->finished = true;
	q->has_status = has_status;
	q->status = has_status ? status : 0;
	q->status_text_len = 0;
	if (has_status && text.data != NULL) {
		q->status_text_len = text.len < sizeof(q->status_text) ? text.len
								       : sizeof(q->status_text);
		memcpy(q->status_text, text.data, q->status_text_len);
	}
}

const char *lq_stream_status_name(const struct lq_stream_query *q, int family)
{
	if (!q->has_status)
		return "Success";
	return family == 4 ? lq4_status_name((uint8_t)q->status) : lq6_status_name(q->status);
}

bool lq_stream_failed(const struct lq_stream_query *q)
{
	return q->has_status && q->status != 0;
}
