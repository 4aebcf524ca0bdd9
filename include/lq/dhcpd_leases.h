/* dhcpd_leases.h - an incremental, pure parser for the lease files of ISC
 * DHCP: dhcpd.leases (DHCPv4 "lease" declarations) and dhcpd6.leases (DHCPv6
 * "ia-na", "ia-ta" and "ia-pd" declarations), as described in dhcpd.leases(5)
 * and written by dhcpd's server/db.c.
 *
 * Feed the file's bytes in any chunking (one byte at a time gives the same
 * result as all at once); each complete lease declaration produces one
 * LQ_CHANGE_UPSERT (for DHCPv6, one per iaaddr/iaprefix). The file is a log:
 * a later declaration of the same address replaces an earlier one, so every
 * declaration is reported, in file order. A bad declaration is reported with
 * its line number and a specific reason and produces no change at all; the
 * parser goes on with the next one. Memory is bounded: one declaration of at
 * most LQ_DHCPD_LEASES_MAX_BLOCK octets is held at a time.
 *
 * Declarations that carry no lease (server-duid, authoring-byte-order,
 * failover peer state, host, group, class, subclass) are read and skipped;
 * authoring-byte-order sets the byte order of the IAIDs that follow.
 *
 * Mapping (both families): binding states free -> AVAILABLE, active, bootp and
 * reserved -> ACTIVE, expired -> EXPIRED, released -> RELEASED, abandoned ->
 * ABANDONED, reset -> RESET, backup -> REMOTE (data_source_remote stays false:
 * the record is this server's own). Times: cltt -> cltt; ends -> expire
 * ("never" -> LQ_TIME_NEVER); state_since is when the current state began, as
 * far as the file tells: for ACTIVE the start of the binding ("starts" in v4,
 * the IA's cltt in v6), for any other state the end of the last binding
 * ("ends", which dhcpd sets to the moment of release or expiry) or cltt when
 * ends is absent or never. */
#ifndef LQ_DHCPD_LEASES_H
#define LQ_DHCPD_LEASES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lq/binding.h"
#include "lq/common.h"

/* The largest declaration the parser holds; a larger one is reported and skipped. */
#define LQ_DHCPD_LEASES_MAX_BLOCK 65536

/* Why a declaration was refused. */
enum lq_dhcpd_leases_reason {
	LQ_DHCPD_UNTERMINATED = 1,      /* not closed before the next declaration or the end */
	LQ_DHCPD_TOO_LARGE,             /* longer than LQ_DHCPD_LEASES_MAX_BLOCK octets */
	LQ_DHCPD_UNKNOWN_DECLARATION,   /* a top-level keyword dhcpd does not write */
	LQ_DHCPD_WRONG_FAMILY,          /* "lease" in a v6 file, "ia-na" in a v4 file */
	LQ_DHCPD_SYNTAX,                /* a token where another was expected */
	LQ_DHCPD_BAD_ADDRESS,           /* not an IPv4 / IPv6 address */
	LQ_DHCPD_BAD_PREFIX,            /* iaprefix not ADDRESS/LENGTH with LENGTH <= 128 */
	LQ_DHCPD_BAD_DATE,              /* not "W YYYY/MM/DD HH:MM:SS", "epoch N" or "never" */
	LQ_DHCPD_BAD_STATE,             /* an unknown binding state */
	LQ_DHCPD_MISSING_STATE,         /* a lease or iaaddr without "binding state" */
	LQ_DHCPD_MISSING_ENDS,          /* an iaaddr/iaprefix without "ends" */
	LQ_DHCPD_BAD_HARDWARE,          /* unknown hardware type or empty address */
	LQ_DHCPD_BAD_STRING,            /* unterminated quoted string or bad escape */
	LQ_DHCPD_BAD_HEX,               /* not colon-separated hexadecimal octets */
	LQ_DHCPD_VALUE_TOO_LONG,        /* longer than the binding model allows */
	LQ_DHCPD_BAD_NUMBER,            /* not a decimal number in range */
	LQ_DHCPD_BAD_IA_ID,             /* the IAID+DUID of an IA is shorter than 6 octets */
	LQ_DHCPD_BAD_BYTE_ORDER,        /* authoring-byte-order neither little- nor big-endian */
	LQ_DHCPD_STRAY_BRACE,           /* a '}' outside any declaration */
};

struct lq_dhcpd_leases_error {
	uint8_t reason;                 /* enum lq_dhcpd_leases_reason */
	unsigned long line;             /* the line of the offending token (1-based) */
	unsigned long block_line;       /* the line where the declaration starts */
	char message[160];              /* "bad date after 'ends': '2026/13/01'" */
};

/* Called for each change; the byte views in change->binding point into the
 * parser and are valid only during the call. */
typedef void lq_dhcpd_leases_change_fn(void *ctx, const struct lq_binding_change *change);
/* Called for each refused declaration (may be NULL: errors are then only counted). */
typedef void lq_dhcpd_leases_error_fn(void *ctx, const struct lq_dhcpd_leases_error *err);

/* Decode space for the values of the change being reported. Internal. */
struct lq_dhcpd_leases_values {
	uint8_t hwaddr[LQ_BINDING_MAX_HWADDR];
	uint8_t client_id[LQ_BINDING_MAX_CLIENT_ID];
	uint8_t hostname[LQ_BINDING_MAX_SMALL];
	uint8_t vendor_class[LQ_BINDING_MAX_SMALL];
	uint8_t relay_info[1024];       /* option 82 as the agent sub-options give it */
};

/* The parser. About 68 KiB: allocate it statically or on the heap. Fields
 * below "internal" are the scanner's state; do not touch them. */
struct lq_dhcpd_leases {
	uint8_t family;                 /* 4 or 6 */
	bool big_endian;                /* byte order of IAIDs (authoring-byte-order);
					 * little-endian until the file says otherwise */
	unsigned long line;             /* line of the next byte (1-based); set it
					 * when resuming in the middle of a file */
	uint64_t changes;               /* changes reported so far */
	uint64_t errors;                /* declarations refused so far */

	/* internal: the scanner that cuts the input into declarations */
	bool in_comment, in_string, escaped;
	bool has_content;               /* a declaration has started */
	bool skipping;                  /* discarding a declaration that is too large */
	unsigned depth;                 /* nesting of braces */
	unsigned long column;           /* column of the next byte (0-based) */
	unsigned long block_line;       /* line where the current declaration starts */
	char head[24];                  /* a word starting in column 0 inside a block */
	size_t head_len;
	bool in_head;
	size_t block_len;
	struct lq_dhcpd_leases_values values;
	char block[LQ_DHCPD_LEASES_MAX_BLOCK];
};

/* Prepare a parser for a file of the given family (4 or 6). Returns
 * LQ_ERR_INVALID_ARGUMENT for any other family. */
lq_err lq_dhcpd_leases_init(struct lq_dhcpd_leases *p, int family);

/* Take the next len bytes of the file. on_change is called for each lease
 * completed by these bytes, on_error (may be NULL) for each refused
 * declaration. A declaration split across calls is completed by a later one. */
void lq_dhcpd_leases_feed(struct lq_dhcpd_leases *p, const char *data, size_t len,
			  lq_dhcpd_leases_change_fn *on_change, lq_dhcpd_leases_error_fn *on_error,
			  void *ctx);

/* The same for one line without its newline (as lq_follow delivers them):
 * feeds the line and a "\n". */
void lq_dhcpd_leases_feed_line(struct lq_dhcpd_leases *p, const char *line, size_t len,
			       lq_dhcpd_leases_change_fn *on_change,
			       lq_dhcpd_leases_error_fn *on_error, void *ctx);

/* True between declarations: nothing is pending, so a position saved now
 * lets a later parser resume from here (set its line and big_endian). */
bool lq_dhcpd_leases_idle(const struct lq_dhcpd_leases *p);

/* The end of the file: reports a declaration left open (LQ_DHCPD_UNTERMINATED)
 * and makes the parser ready for a new file (line 1, little-endian; the
 * counters are kept). Returns true when the file ended between declarations. */
bool lq_dhcpd_leases_finish(struct lq_dhcpd_leases *p, lq_dhcpd_leases_error_fn *on_error, void *ctx);

/* A short constant name of a reason ("bad date"). */
const char *lq_dhcpd_leases_reason_name(uint8_t reason);

#endif
