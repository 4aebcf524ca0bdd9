/* lqtime.h - the two leasequery time epochs: DHCPv4 base-time and
 * query-start/end-time count seconds since 1970-01-01 UTC (RFC 6926), DHCPv6
 * OPTION_LQ_BASE/START/END_TIME since 2000-01-01 UTC (RFC 7653). Relative
 * times (lease time, T1/T2, CLT time, start-time-of-state) are remaining or
 * elapsed seconds, clamped to the 32-bit field. */
#ifndef LQ_LQTIME_H
#define LQ_LQTIME_H

#include <stdint.h>
#include <time.h>
#include <stddef.h>

#define LQ_EPOCH_2000 946684800     /* 2000-01-01T00:00:00Z in Unix seconds */
#define LQ_INFINITE_LIFETIME 0xffffffffu

/* Unix time to the DHCPv4 wire (clamped to 0 .. 2^32-1). */
uint32_t lq_time_to_v4(int64_t unix_time);
int64_t lq_time_from_v4(uint32_t wire);
/* Unix time to the DHCPv6 wire (seconds since 2000, clamped). */
uint32_t lq_time_to_v6(int64_t unix_time);
int64_t lq_time_from_v6(uint32_t wire);

/* Seconds from now until expiry, 0 when past, clamped below 2^32-1 unless
 * expiry is LQ_TIME_NEVER. */
#define LQ_TIME_NEVER INT64_MAX
uint32_t lq_time_remaining(int64_t expiry, int64_t now);
/* Seconds from then until now, 0 when then is in the future. */
uint32_t lq_time_elapsed(int64_t then, int64_t now);

/* Render as RFC 3339 UTC ("2026-11-23T11:15:24Z") into out (>= 21 octets).
 * Returns out. */
#define LQ_TIME_STRLEN 21
char *lq_time_format(int64_t unix_time, char *out, size_t cap);

/* Parse RFC 3339 UTC ("2026-11-23T11:15:24Z"), "now", "now-3600" (seconds),
 * or a plain Unix time. Returns 0 on success, -1 if unparseable. */
int lq_time_parse(const char *text, int64_t now, int64_t *out);

#endif
