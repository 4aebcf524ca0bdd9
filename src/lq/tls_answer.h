/* tls_answer.h - what the server made of our request for TLS (DHCPTLS, RFC
 * 7724; STARTTLS, RFC 7653 8.2), as active4.c and active6.c read it: a
 * verdict, the status the answer carried, and in words why the request was
 * refused or the answer is not one. */
#ifndef LQ_TLS_ANSWER_H
#define LQ_TLS_ANSWER_H

#include <stdbool.h>
#include <stdint.h>

#include "lq/common.h"

/* What the server made of DHCPTLS (RFC 7724) / STARTTLS (RFC 7653 8.2). */
enum lq_tls_verdict {
	LQ_TLS_GO = 0,          /* no status (or Success): start the handshake */
	LQ_TLS_REFUSED,         /* a status: TLSConnectionRefused or another */
	LQ_TLS_BAD,             /* not an answer to our request (why says why) */
};

struct lq_tls_answer {
	uint8_t msg_type;               /* v4 DHCPTLS; v6 REPLY or STARTTLS */
	bool has_status;
	uint16_t status;
	char status_text[128];
	char why[192];                  /* REFUSED, BAD: in words */
};

/* ans->why := the reason, formatted; returns v. */
enum lq_tls_verdict lq_tls_answer_verdict(struct lq_tls_answer *ans, enum lq_tls_verdict v,
					  const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The status of the answer into ans: whether it had one, its code and its
 * text (cut to fit status_text, always terminated). */
void lq_tls_answer_keep_status(struct lq_tls_answer *ans, bool present, uint16_t code,
			       lq_bytes text);

#endif
