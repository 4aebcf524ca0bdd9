/* framing.c - incremental reader and writer for the 2-octet length framing of
 * leasequery over TCP. The reader never buffers more than one frame and never
 * accepts a frame above its limit. */
#include <string.h>

#include "lq/framing.h"

lq_err lq_frame_reader_init(struct lq_frame_reader *r, uint8_t *storage, size_t cap, size_t max_frame)
{
	memset(r, 0, sizeof(*r));
	if (storage == NULL || max_frame == 0 || max_frame > LQ_FRAME_MAX || cap < max_frame)
		return LQ_ERR_INVALID_ARGUMENT;
	r->buf = storage;
	r->cap = cap;
	r->max_frame = max_frame;
	return LQ_OK;
}

bool lq_frame_reader_idle(const struct lq_frame_reader *r)
{
	return r->hdr_have == 0 && r->have == 0 && r->need == 0;
}

/* Take header octets; returns -1 on a refused length, 0 if still incomplete,
 * 1 when the length is known. */
static int frame_read_header(struct lq_frame_reader *r, const uint8_t **data, size_t *len)
{
	while (r->hdr_have < 2 && *len > 0) {
		r->hdr[r->hdr_have++] = **data;
		(*data)++;
		(*len)--;
	}
	if (r->hdr_have < 2)
		return 0;
	size_t need = (size_t)r->hdr[0] << 8 | r->hdr[1];
	if (need == 0) {
		r->err = LQ_ERR_FRAME_EMPTY;
		return -1;
	}
	if (need > r->max_frame) {
		r->err = LQ_ERR_FRAME_TOO_LARGE;
		return -1;
	}
	r->need = need;
	return 1;
}

static void frame_reset(struct lq_frame_reader *r)
{
	r->hdr_have = 0;
	r->need = 0;
	r->have = 0;
}

int lq_frame_read(struct lq_frame_reader *r, const uint8_t **data, size_t *len, lq_bytes *frame)
{
	if (r->err != LQ_OK)
		return -1;
	if (r->need == 0) {
		int h = frame_read_header(r, data, len);
		if (h <= 0)
			return h;
	}
	/* Whole frame inside the caller's chunk: hand it out without a copy. */
	if (r->have == 0 && *len >= r->need) {
		frame->data = *data;
		frame->len = r->need;
		*data += r->need;
		*len -= r->need;
		frame_reset(r);
		return 1;
	}
	size_t take = r->need - r->have;
	if (take > *len)
		take = *len;
	memcpy(r->buf + r->have, *data, take);
	r->have += take;
	*data += take;
	*len -= take;
	if (r->have < r->need)
		return 0;
	frame->data = r->buf;
	frame->len = r->need;
	frame_reset(r);
	return 1;
}

lq_err lq_frame_header(size_t msg_len, uint8_t hdr[2])
{
	if (msg_len == 0)
		return LQ_ERR_FRAME_EMPTY;
	if (msg_len > LQ_FRAME_MAX)
		return LQ_ERR_FRAME_TOO_LARGE;
	hdr[0] = (uint8_t)(msg_len >> 8);
	hdr[1] = (uint8_t)msg_len;
	return LQ_OK;
}

lq_err lq_frame_write(const uint8_t *msg, size_t msg_len, uint8_t *out, size_t cap, size_t *out_len)
{
	uint8_t hdr[2];
	lq_err err = lq_frame_header(msg_len, hdr);

	if (err != LQ_OK)
		return err;
	if (out == NULL || cap < msg_len + 2)
		return LQ_ERR_NO_SPACE;
	memmove(out + 2, msg, msg_len);	/* msg may already sit at out + 2 */
	out[0] = hdr[0];
	out[1] = hdr[1];
	*out_len = msg_len + 2;
	return LQ_OK;
}
