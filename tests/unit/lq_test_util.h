/* lq_test_util.h - what the unit tests of the lq requestor (test_lq_query.c,
 * test_lq_bulk.c, test_lq_active.c) share: the DUIDs and identifiers their
 * messages carry, the time they run at, IPv4 and IPv6 addresses, an
 * assertion on a byte string, and the answers and messages they allocate
 * (each asserted to exist). Include after cmocka.h. */
#ifndef LQ_TEST_UTIL_H
#define LQ_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "../../src/lq/answer.h"
#include "lq/dhcp4.h"

#define T_NOW 1795463738        /* 2026-11-23T19:55:38Z */

extern const uint8_t duid_req[10];      /* ours: DUID-LL 02:00:00:00:00:01 */
extern const uint8_t duid_other[10];    /* another requestor's: DUID-LL ...:02 */
extern const uint8_t duid_cli[14];      /* a client's: DUID-LLT */
extern const uint8_t duid_srv[8];       /* the server's: DUID-EN 2495 "lq" */
extern const uint8_t relay_id[10];      /* a relay's: DUID-LL ...:09 */
extern const uint8_t cid7[7];           /* a DHCPv4 client identifier: type 1, a MAC */

lq_ip4 ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d);
/* 2001:db8:G3::LAST */
lq_ip6 ip6_db8(uint16_t g3, uint16_t last);

/* b holds exactly the len octets of data. */
void assert_bytes(lq_bytes b, const void *data, size_t len);

/* An answer of family from server 127.0.0.1 (lq_answer_free). */
struct lq_answer *new_answer(int family);
/* Space for a DHCPv4 message (free). */
struct lq4_msg *new_msg4(void);

#endif
