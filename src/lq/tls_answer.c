/* tls_answer.c - the verdict and status of an answer to DHCPTLS / STARTTLS
 * (tls_answer.h), shared by the readers of both families. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tls_answer.h"

enum lq_tls_verdict lq_tls_answer_verdict(struct lq_tls_answer *ans, enum lq_tls_verdict v,
					  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ans->why, sizeof(ans->why), fmt, ap);
	va_end(ap);
	return v;
}

void lq_tls_answer_keep_status(struct lq_tls_answer *ans, bool present, uint16_t code,
			       lq_bytes text)
{
	size_t n = text.len < sizeof(ans->status_text) - 1 ? text.len : sizeof(ans->status_text) - 1;

	ans->has_status = present;
	ans->status = code;
	if (text.data != NULL && n > 0)
		memcpy(ans->status_text, text.data, n);
	ans->status_text[n] = '\0';
}
