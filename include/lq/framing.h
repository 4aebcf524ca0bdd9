/* framing.h - the 2-octet length framing that bulk and active leasequery use
 * over TCP (RFC 6926 section 7.1, RFC 5460 section 5.1). The reader takes
 * whatever chunks the socket delivers (one byte at a time included) and hands
 * back whole messages; the writer prefixes a message with its length. */
#ifndef LQ_FRAMING_H
#define LQ_FRAMING_H

#include "lq/common.h"

#define LQ_FRAME_MAX 65535      /* largest message the 2-octet length can carry */

struct lq_frame_reader {
	uint8_t *buf;           /* caller storage, at least max_frame octets */
	size_t cap;
	size_t max_frame;       /* frames above this are refused */
	uint8_t hdr[2];
	size_t hdr_have;        /* octets of the length header received */
	size_t need;            /* length of the frame being assembled */
	size_t have;            /* octets of it received */
	lq_err err;             /* sticky once a frame is refused */
};

/* storage must hold max_frame octets (max_frame <= LQ_FRAME_MAX, > 0). */
lq_err lq_frame_reader_init(struct lq_frame_reader *r, uint8_t *storage, size_t cap, size_t max_frame);

/* Consume input from *data / *len until one whole frame is ready or the input
 * is used up; *data and *len advance past what was consumed.
 * Returns 1 and sets *frame (valid until the next call) when a frame is ready,
 * 0 when more input is needed, or -1 with r->err set (LQ_ERR_FRAME_TOO_LARGE,
 * LQ_ERR_FRAME_EMPTY): the stream cannot be resynchronised and must be closed. */
int lq_frame_read(struct lq_frame_reader *r, const uint8_t **data, size_t *len, lq_bytes *frame);

/* True when no partial frame is buffered (a clean point to close). */
bool lq_frame_reader_idle(const struct lq_frame_reader *r);

/* Write the 2-octet length of a msg_len message into hdr. */
lq_err lq_frame_header(size_t msg_len, uint8_t hdr[2]);

/* Write length + message into out. */
lq_err lq_frame_write(const uint8_t *msg, size_t msg_len, uint8_t *out, size_t cap, size_t *out_len);

#endif
