/* kea_csv_text.c - the text encodings of Kea's lease files: hex as Kea
 * reads it (hardware addresses, client ids, DUIDs, option data), the
 * "&#xHH" escaping of hostname and user_context, and decimal numbers. */
#include <string.h>

#include "kea_csv_internal.h"

/* Octets of one or two digits separated by sep ("01:2:ab"). */
static enum kea_hex_result decode_separated(const char *s, size_t len, char sep,
					    uint8_t *out, size_t cap, size_t *out_len)
{
	const char *end = s + len;
	size_t n = 0;

	for (;;) {
		int value = 0, digits = 0;
		while (s < end && *s != sep) {
			int d = lq_hex_digit(*s++);
			if (d < 0 || ++digits > 2)
				return KEA_HEX_BAD;
			value = value * 16 + d;
		}
		if (digits == 0)
			return KEA_HEX_BAD;
		if (n == cap)
			return KEA_HEX_TOO_LONG;
		out[n++] = (uint8_t)value;
		if (s == end)
			break;
		s++;            /* the separator */
	}
	*out_len = n;
	return KEA_HEX_OK;
}

/* A run of digits, "0x" prefix allowed; an odd count means a leading 0. */
static enum kea_hex_result decode_run(const char *s, size_t len, uint8_t *out, size_t cap,
				      size_t *out_len)
{
	if (len > 2 && s[0] == '0' && s[1] == 'x') {
		s += 2;
		len -= 2;
	}
	size_t n = (len + 1) / 2;
	if (n > cap)
		return KEA_HEX_TOO_LONG;
	size_t i = 0, o = 0;
	if (len % 2 != 0) {
		int d = lq_hex_digit(s[i++]);
		if (d < 0)
			return KEA_HEX_BAD;
		out[o++] = (uint8_t)d;
	}
	for (; i < len; i += 2) {
		int hi = lq_hex_digit(s[i]), lo = lq_hex_digit(s[i + 1]);
		if (hi < 0 || lo < 0)
			return KEA_HEX_BAD;
		out[o++] = (uint8_t)(hi * 16 + lo);
	}
	*out_len = n;
	return KEA_HEX_OK;
}

enum kea_hex_result kea_hex_decode(const char *s, size_t len, uint8_t *out, size_t cap,
				   size_t *out_len)
{
	*out_len = 0;
	if (len == 0)
		return KEA_HEX_OK;
	if (memchr(s, ':', len) != NULL)
		return decode_separated(s, len, ':', out, cap, out_len);
	if (memchr(s, ' ', len) != NULL)
		return decode_separated(s, len, ' ', out, cap, out_len);
	return decode_run(s, len, out, cap, out_len);
}

/* "&#x" and two hex digits at s? */
static bool at_escape(const char *s, const char *end)
{
	return end - s >= 5 && s[0] == '&' && s[1] == '#' && s[2] == 'x' &&
	       lq_hex_digit(s[3]) >= 0 && lq_hex_digit(s[4]) >= 0;
}

size_t kea_unescape(const char **pos, const char *end, uint8_t *out, size_t cap)
{
	const char *s = *pos;
	size_t n = 0;

	while (n < cap && s < end) {
		size_t span = (size_t)(end - s) < cap - n ? (size_t)(end - s) : cap - n;
		const char *amp = memchr(s, '&', span);
		size_t run = amp != NULL ? (size_t)(amp - s) : span;

		/* the octets up to the next '&' as they are */
		memcpy(out + n, s, run);
		n += run;
		s += run;
		if (amp == NULL)
			break;
		/* an '&' inside the span leaves room for one more octet */
		if (at_escape(s, end)) {
			out[n++] = (uint8_t)(lq_hex_digit(s[3]) * 16 + lq_hex_digit(s[4]));
			s += 5;
		} else {
			out[n++] = (uint8_t)*s++;
		}
	}
	*pos = s;
	return n;
}

enum kea_num_result kea_parse_uint(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0)
		return KEA_NUM_EMPTY;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return KEA_NUM_BAD;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned)(s[i] - '0');
		if (d > max || v > (max - d) / 10)
			return KEA_NUM_RANGE;
		v = v * 10 + d;
	}
	*out = v;
	return KEA_NUM_OK;
}
