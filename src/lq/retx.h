/* retx.h - when a requestor sends a query again: the retransmission
 * schedules of DHCPv4 leasequery (RFC 4388 section 6.6, which points to the
 * exponential backoff of RFC 2131 section 4.1) and DHCPv6 leasequery (RFC
 * 5007 LQ_TIMEOUT, LQ_MAX_RT, LQ_MAX_RC with the randomization of RFC 8415
 * section 15), and the small seedable random source they draw from. The
 * delay functions are pure: the same attempt number and random draws give
 * the same delays, so tests can check the schedules exactly. */
#ifndef LQ_RETX_H
#define LQ_RETX_H

#include <stdbool.h>
#include <stdint.h>

/* RFC 2131 4.1: 4 s before the first retransmission, doubled each time up to
 * 64 s, each randomized by a uniform -1 .. +1 s. */
#define LQ_RETX4_FIRST_MS 4000u
#define LQ_RETX4_MAX_MS 64000u
#define LQ_RETX4_JITTER_MS 1000

/* RFC 5007 section 5: LQ_TIMEOUT 1 s (IRT), LQ_MAX_RT 10 s (MRT),
 * LQ_MAX_RC 5 (MRC, transmissions in all); MRD is 0 (no duration limit). */
#define LQ_RETX6_IRT_MS 1000u
#define LQ_RETX6_MRT_MS 10000u
#define LQ_RETX6_MRC 5u
/* RFC 8415 15: RAND is uniform in -0.1 .. +0.1, kept here in thousandths. */
#define LQ_RETX6_RAND_PERMILLE 100

/* A small seedable random source (splitmix64): not for secrets, only for
 * jitter and, seeded from getrandom(), for transaction ids. */
struct lq_rng {
	uint64_t state;
};

void lq_rng_seed(struct lq_rng *r, uint64_t seed);
/* Seed from the kernel's random source (falls back to time and pid). */
void lq_rng_seed_random(struct lq_rng *r);
uint64_t lq_rng_next(struct lq_rng *r);
/* Uniform integer in lo .. hi (inclusive), lo <= hi. */
int32_t lq_rng_range(struct lq_rng *r, int32_t lo, int32_t hi);

/* DHCPv4: milliseconds to wait after transmission number attempt (0 = the
 * first transmission) before sending again; jitter_ms in -1000 .. +1000. */
uint32_t lq_retx4_delay_ms(unsigned attempt, int32_t jitter_ms);

/* DHCPv6 (RFC 8415 15): the timeout after transmission number attempt,
 * given the previous timeout (ignored for attempt 0) and RAND in thousandths
 * (-100 .. +100):
 *   attempt 0:  RT = IRT + RAND*IRT
 *   later:      RT = 2*RTprev + RAND*RTprev
 *   if RT > MRT: RT = MRT + RAND*MRT */
uint32_t lq_retx6_delay_ms(unsigned attempt, uint32_t prev_ms, int32_t rand_permille);

/* A running schedule for one destination: which transmission comes next and
 * how long to wait after it. */
struct lq_retx {
	int family;             /* 4 or 6 */
	unsigned attempt;       /* transmissions made so far */
	uint32_t last_ms;       /* the timeout after the latest transmission */
	struct lq_rng *rng;
};

void lq_retx_init(struct lq_retx *s, int family, struct lq_rng *rng);
/* Call after each transmission: the time to wait for an answer before the
 * next one. Returns false when no transmission may follow (DHCPv6: LQ_MAX_RC
 * reached); *wait_ms is still the time to wait for a late answer to the
 * last transmission. DHCPv4 has no count limit: the caller's overall
 * timeout ends it. */
bool lq_retx_next(struct lq_retx *s, uint32_t *wait_ms);

#endif
