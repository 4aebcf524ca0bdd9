/* lq_test_util.c - the helpers the lq requestor's unit tests share
 * (lq_test_util.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include "lq_test_util.h"

const uint8_t duid_req[10] = {0x00, 0x03, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
const uint8_t duid_other[10] = {0x00, 0x03, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
const uint8_t duid_cli[14] = {0x00, 0x01, 0x00, 0x01, 0x1f, 0xbd, 0x37, 0xc0,
			      0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
const uint8_t duid_srv[8] = {0x00, 0x02, 0x00, 0x00, 0x09, 0xbf, 'l', 'q'};
const uint8_t relay_id[10] = {0x00, 0x03, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x09};
const uint8_t cid7[7] = {0x01, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55};

lq_ip4 ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	lq_ip4 ip = {{a, b, c, d}};
	return ip;
}

lq_ip6 ip6_db8(uint16_t g3, uint16_t last)
{
	lq_ip6 ip = {{0x20, 0x01, 0x0d, 0xb8, (uint8_t)(g3 >> 8), (uint8_t)g3, 0, 0,
		      0, 0, 0, 0, 0, 0, (uint8_t)(last >> 8), (uint8_t)last}};
	return ip;
}

void assert_bytes(lq_bytes b, const void *data, size_t len)
{
	assert_non_null(b.data);
	assert_int_equal(b.len, len);
	if (len > 0)
		assert_memory_equal(b.data, data, len);
}

struct lq_answer *new_answer(int family)
{
	struct lq_answer *a = lq_answer_new(family, "127.0.0.1");

	assert_non_null(a);
	return a;
}

struct lq4_msg *new_msg4(void)
{
	struct lq4_msg *m = malloc(sizeof(*m));

	assert_non_null(m);
	return m;
}
