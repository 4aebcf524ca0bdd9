/* log.c - lqd's log: one line per event on standard error, with the time
 * and the level, so that it reads well under systemd and in test logs. Each
 * line is written with one call, so lines of several threads never mix. */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "lqd.h"

static enum lqd_log_level current_level = LQD_LOG_INFO;

void lqd_log_set_level(enum lqd_log_level level)
{
	current_level = level;
}

bool lqd_log_enabled(enum lqd_log_level level)
{
	return level <= current_level;
}

void lqd_log(enum lqd_log_level level, const char *fmt, ...)
{
	static const char *const names[] = {"error", "warning", "info", "debug"};
	char line[1024];
	struct tm tm;
	time_t now = time(NULL);
	va_list ap;

	if (level > current_level)
		return;
	gmtime_r(&now, &tm);
	size_t n = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%SZ", &tm);
	int k = snprintf(line + n, sizeof(line) - n, " lqd %s: ", names[level]);
	n += k > 0 ? (size_t)k : 0;
	va_start(ap, fmt);
	k = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	n = k > 0 && n + (size_t)k < sizeof(line) - 1 ? n + (size_t)k : sizeof(line) - 2;
	line[n++] = '\n';
	fwrite(line, 1, n, stderr);
}
