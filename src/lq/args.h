/* args.h - the command-line value parsers the lq subcommands share: hex
 * octets, numbers, lists of option codes, timeouts and "--flag VALUE" /
 * "--flag=VALUE" arguments. */
#ifndef LQ_ARGS_H
#define LQ_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LQ_ARGS_MAX_CODES 255           /* codes in one --prl / --oro list */

/* Hex octets with optional ':', '-', '.' separators between octets; at
 * least one octet. 0, or -1 when malformed or longer than cap. */
int lq_args_hex(const char *s, uint8_t *out, size_t cap, size_t *len);
/* A decimal number in lo..hi. */
int lq_args_ulong(const char *s, unsigned long lo, unsigned long hi, unsigned long *v);
/* "51,82,91": 1..LQ_ARGS_MAX_CODES codes in lo..hi into codes. */
int lq_args_codes(const char *s, unsigned long lo, unsigned long hi, uint16_t *codes, size_t *n);
/* Seconds (fractions allowed), more than 0 and at most max_s, as milliseconds. */
int lq_args_seconds(const char *s, double max_s, uint32_t *ms);
/* argv[*i] is flag: "--flag VALUE" (advances *i) or "--flag=VALUE": the
 * value; NULL when argv[*i] is another flag, or (with *bad set) when the
 * value is missing. */
const char *lq_args_flag_value(int argc, char **argv, int *i, const char *flag, bool *bad);

#endif
