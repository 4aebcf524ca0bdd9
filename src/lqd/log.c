/* log.c - lqd's log: one line per event on standard error, with the time
 * and the level, so that it reads well under systemd and in test logs. */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "lqd.h"

static enum lqd_log_level current_level = LQD_LOG_INFO;

void lqd_log_set_level(enum lqd_log_level level)
{
	current_level = level;
}

void lqd_log(enum lqd_log_level level, const char *fmt, ...)
{
	static const char *const names[] = {"error", "warning", "info", "debug"};
	char stamp[32];
	struct tm tm;
	time_t now = time(NULL);
	va_list ap;

	if (level > current_level)
		return;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "%s lqd %s: ", stamp, names[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
