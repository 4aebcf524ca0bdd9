/* args.c - the command-line value parsers the lq subcommands share (args.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "lq/common.h"

int lq_args_hex(const char *s, uint8_t *out, size_t cap, size_t *len)
{
	int high = -1;

	*len = 0;
	for (; *s != '\0'; s++) {
		int v = lq_hex_digit((unsigned char)*s);
		if (v < 0) {
			if ((*s != ':' && *s != '-' && *s != '.') || high >= 0)
				return -1;
			continue;
		}
		if (high < 0) {
			high = v;
			continue;
		}
		if (*len == cap)
			return -1;
		out[(*len)++] = (uint8_t)(high << 4 | v);
		high = -1;
	}
	return high >= 0 || *len == 0 ? -1 : 0;
}

int lq_args_ulong(const char *s, unsigned long lo, unsigned long hi, unsigned long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno != 0 || *end != '\0' || *v < lo || *v > hi ? -1 : 0;
}

int lq_args_codes(const char *s, unsigned long lo, unsigned long hi, uint16_t *codes, size_t *n)
{
	char buf[1024];
	char *save = NULL;
	size_t len = strlen(s);

	*n = 0;
	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len + 1);
	for (char *tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		unsigned long v;
		if (*n == LQ_ARGS_MAX_CODES || lq_args_ulong(tok, lo, hi, &v) < 0)
			return -1;
		codes[(*n)++] = (uint16_t)v;
	}
	return *n == 0 ? -1 : 0;
}

int lq_args_seconds(const char *s, double max_s, uint32_t *ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v > 0) || v > max_s)
		return -1;
	*ms = (uint32_t)(v * 1000 + 0.5);
	return *ms == 0 ? -1 : 0;
}

const char *lq_args_flag_value(int argc, char **argv, int *i, const char *flag, bool *bad)
{
	const char *arg = argv[*i];
	size_t n = strlen(flag);

	*bad = false;
	if (arg == NULL || strncmp(arg, flag, n) != 0)
		return NULL;
	if (arg[n] == '=')
		return arg + n + 1;
	if (arg[n] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		*bad = true;
		return NULL;
	}
	return argv[++*i];
}
