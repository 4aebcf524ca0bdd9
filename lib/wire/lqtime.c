/* lqtime.c - conversions between Unix time and the two leasequery wire
 * epochs, relative times clamped to 32 bits, and RFC 3339 text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lq/lqtime.h"

static uint32_t clamp_u32(int64_t v)
{
	if (v < 0)
		return 0;
	if (v > (int64_t)UINT32_MAX)
		return UINT32_MAX;
	return (uint32_t)v;
}

uint32_t lq_time_to_v4(int64_t unix_time)
{
	return clamp_u32(unix_time);
}

int64_t lq_time_from_v4(uint32_t wire)
{
	return (int64_t)wire;
}

uint32_t lq_time_to_v6(int64_t unix_time)
{
	return clamp_u32(unix_time - LQ_EPOCH_2000);
}

int64_t lq_time_from_v6(uint32_t wire)
{
	return (int64_t)wire + LQ_EPOCH_2000;
}

uint32_t lq_time_remaining(int64_t expiry, int64_t now)
{
	if (expiry == LQ_TIME_NEVER)
		return LQ_INFINITE_LIFETIME;
	if (expiry <= now)
		return 0;
	int64_t left = expiry - now;
	return left >= (int64_t)UINT32_MAX ? UINT32_MAX - 1 : (uint32_t)left;
}

uint32_t lq_time_elapsed(int64_t then, int64_t now)
{
	return clamp_u32(now - then);
}

char *lq_time_format(int64_t unix_time, char *out, size_t cap)
{
	struct tm tm;
	time_t t = (time_t)unix_time;

	if (cap == 0)
		return out;
	if (gmtime_r(&t, &tm) == NULL || strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, cap, "%lld", (long long)unix_time);
	return out;
}

/* Parse a signed decimal that must span the whole string. */
static int parse_int64(const char *s, int64_t *out)
{
	char *end;

	if (*s == '\0')
		return -1;
	long long v = strtoll(s, &end, 10);
	if (*end != '\0')
		return -1;
	*out = v;
	return 0;
}

int lq_time_parse(const char *text, int64_t now, int64_t *out)
{
	struct tm tm;
	int64_t delta;

	if (strncmp(text, "now", 3) == 0) {
		if (text[3] == '\0') {
			*out = now;
			return 0;
		}
		if ((text[3] == '-' || text[3] == '+') && parse_int64(text + 4, &delta) == 0 && delta >= 0) {
			*out = text[3] == '-' ? now - delta : now + delta;
			return 0;
		}
		return -1;
	}
	memset(&tm, 0, sizeof(tm));
	const char *end = strptime(text, "%Y-%m-%dT%H:%M:%S", &tm);
	if (end != NULL && (strcmp(end, "Z") == 0 || *end == '\0')) {
		*out = (int64_t)timegm(&tm);
		return 0;
	}
	return parse_int64(text, out);
}
