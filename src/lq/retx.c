/* retx.c - retransmission schedules of the leasequery requestor (RFC 4388
 * 6.6 / RFC 2131 4.1 for DHCPv4, RFC 5007 and RFC 8415 15 for DHCPv6) and
 * the seedable random source behind their jitter. */
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "retx.h"

void lq_rng_seed(struct lq_rng *r, uint64_t seed)
{
	r->state = seed;
}

void lq_rng_seed_random(struct lq_rng *r)
{
	uint64_t seed = 0;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != (ssize_t)sizeof(seed)) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		seed = (uint64_t)ts.tv_sec * 1000000007u ^ (uint64_t)ts.tv_nsec ^
		       (uint64_t)getpid() << 32;
	}
	lq_rng_seed(r, seed);
}

/* splitmix64 (Steele, Lea, Flood 2014). */
uint64_t lq_rng_next(struct lq_rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

int32_t lq_rng_range(struct lq_rng *r, int32_t lo, int32_t hi)
{
	uint64_t span = (uint64_t)((int64_t)hi - lo) + 1;

	return (int32_t)(lo + (int64_t)(lq_rng_next(r) % span));
}

static int32_t clamp32(int32_t v, int32_t lo, int32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

uint32_t lq_retx4_delay_ms(unsigned attempt, int32_t jitter_ms)
{
	uint32_t base = LQ_RETX4_FIRST_MS;

	for (unsigned i = 0; i < attempt && base < LQ_RETX4_MAX_MS; i++)
		base *= 2;
	if (base > LQ_RETX4_MAX_MS)
		base = LQ_RETX4_MAX_MS;
	jitter_ms = clamp32(jitter_ms, -LQ_RETX4_JITTER_MS, LQ_RETX4_JITTER_MS);
	return (uint32_t)((int64_t)base + jitter_ms);
}

/* base + RAND*base, RAND in thousandths */
static uint32_t randomize(uint32_t base, int32_t rand_permille)
{
	return (uint32_t)((int64_t)base + (int64_t)base * rand_permille / 1000);
}

uint32_t lq_retx6_delay_ms(unsigned attempt, uint32_t prev_ms, int32_t rand_permille)
{
	uint64_t rt;

	rand_permille = clamp32(rand_permille, -LQ_RETX6_RAND_PERMILLE, LQ_RETX6_RAND_PERMILLE);
	if (attempt == 0 || prev_ms == 0)
		rt = randomize(LQ_RETX6_IRT_MS, rand_permille);
	else
		rt = (uint64_t)((int64_t)2 * prev_ms + (int64_t)prev_ms * rand_permille / 1000);
	if (rt > LQ_RETX6_MRT_MS)
		rt = randomize(LQ_RETX6_MRT_MS, rand_permille);
	return (uint32_t)rt;
}

void lq_retx_init(struct lq_retx *s, int family, struct lq_rng *rng)
{
	s->family = family;
	s->attempt = 0;
	s->last_ms = 0;
	s->rng = rng;
}

bool lq_retx_next(struct lq_retx *s, uint32_t *wait_ms)
{
	unsigned attempt = s->attempt++;

	if (s->family == 4) {
		s->last_ms = lq_retx4_delay_ms(attempt, lq_rng_range(s->rng, -LQ_RETX4_JITTER_MS,
								     LQ_RETX4_JITTER_MS));
		*wait_ms = s->last_ms;
		return true;
	}
	s->last_ms = lq_retx6_delay_ms(attempt, s->last_ms,
				       lq_rng_range(s->rng, -LQ_RETX6_RAND_PERMILLE,
						    LQ_RETX6_RAND_PERMILLE));
	*wait_ms = s->last_ms;
	return s->attempt < LQ_RETX6_MRC;
}
