/* common.h - types shared by every part of liblq: byte views, addresses and
 * the error codes that decoders, encoders and framing report. */
#ifndef LQ_COMMON_H
#define LQ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A read-only view of bytes owned by someone else (usually the packet buffer
 * a message was decoded from). data == NULL means "absent"; a present but empty
 * value has data != NULL and len == 0. */
typedef struct lq_bytes {
	const uint8_t *data;
	size_t len;
} lq_bytes;

/* Addresses as octets in network order: no host-order surprises. */
typedef struct lq_ip4 {
	uint8_t b[4];
} lq_ip4;

typedef struct lq_ip6 {
	uint8_t b[16];
} lq_ip6;

typedef enum lq_err {
	LQ_OK = 0,
	/* decoding */
	LQ_ERR_TRUNCATED_HEADER,   /* shorter than the fixed message header */
	LQ_ERR_BAD_MAGIC_COOKIE,   /* DHCPv4 cookie is not 99.130.83.99 */
	LQ_ERR_BAD_HLEN,           /* DHCPv4 hlen larger than chaddr (16) */
	LQ_ERR_OPTION_OVERRUN,     /* an option's length runs past the end of its container */
	LQ_ERR_OPTION_LENGTH,      /* an option's length is not one its type allows */
	LQ_ERR_SUBOPTION_OVERRUN,  /* a sub-option runs past the end of its option */
	LQ_ERR_NESTING_TOO_DEEP,   /* options or relay messages nested beyond the limit */
	LQ_ERR_TOO_MANY_OPTIONS,   /* more options than the decoder keeps track of */
	LQ_ERR_BAD_OVERLOAD,       /* option 52 has a bad value, or appears in sname/file */
	LQ_ERR_CONCAT_TOO_LONG,    /* RFC 3396 concatenated options exceed the decode space */
	LQ_ERR_MISSING_MSG_TYPE,   /* DHCPv4 message without option 53 */
	LQ_ERR_DUPLICATE_OPTION,   /* a DHCPv6 option that may appear once appears twice */
	LQ_ERR_BAD_MSG_TYPE,       /* message type not valid where it appears */
	/* encoding */
	LQ_ERR_NO_SPACE,           /* output buffer too small */
	LQ_ERR_VALUE_TOO_LONG,     /* value longer than its field can carry */
	LQ_ERR_UNBALANCED,         /* DHCPv6 writer: open/close of options do not match */
	/* TCP framing */
	LQ_ERR_FRAME_TOO_LARGE,    /* frame length above the reader's limit */
	LQ_ERR_FRAME_EMPTY,        /* zero-length frame */
	/* general */
	LQ_ERR_INVALID_ARGUMENT,
	LQ_ERR__COUNT
} lq_err;

/* A short, specific, constant English description ("option overruns message"). */
const char *lq_strerror(lq_err err);

/* Where a decoder gave up: the error, the byte offset in the outermost buffer,
 * and the option code being read (-1 when the error is not about an option). */
typedef struct lq_diag {
	lq_err err;
	size_t offset;
	int option;
} lq_diag;

/* The value of one hex digit, or -1 when c is not one. */
static inline int lq_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
