/* wire_bytes.h - network-order loads and stores shared by liblq's encoders,
 * decoders and printers (internal header, not installed). */
#ifndef LQ_WIRE_BYTES_H
#define LQ_WIRE_BYTES_H

#include <stdint.h>
#include <string.h>

#include "lq/common.h"

static inline uint16_t wire_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t wire_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void wire_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void wire_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline lq_ip6 wire_get_ip6(const uint8_t *p)
{
	lq_ip6 a;

	memcpy(a.b, p, sizeof(a.b));
	return a;
}

#endif
