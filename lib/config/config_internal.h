/* config_internal.h - what config.c shares with kea_import.c: the error and
 * key-path context, typed getters over jansson values, address and pool
 * parsing, the comment stripper and the subnet readers both formats use. */
#ifndef LQ_CONFIG_INTERNAL_H
#define LQ_CONFIG_INTERNAL_H

#include <jansson.h>

#include "lq/config.h"

#define CFG_PATH_MAX 512

/* Where the reader is, for messages: "<prefix><path>: <why>". */
struct cfg_ctx {
	char *err;
	size_t err_cap;
	const char *prefix;     /* "" or "/etc/kea/kea-dhcp4.conf: " */
	char path[CFG_PATH_MAX];
	size_t path_len;
};

void cfg_ctx_init(struct cfg_ctx *ctx, char *err, size_t err_cap, const char *prefix);
/* Format the message at the current path into ctx->err. cfg_fail is the
 * same as an expression worth -1, for "return cfg_fail(...)" (a macro, so
 * that static analysis sees the -1 through the variadic call). */
void cfg_report(struct cfg_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define cfg_fail(ctx, ...) (cfg_report((ctx), __VA_ARGS__), -1)
/* Descend into .key or [index]; each returns the mark cfg_leave restores. */
size_t cfg_enter_key(struct cfg_ctx *ctx, const char *key);
size_t cfg_enter_index(struct cfg_ctx *ctx, size_t index);
void cfg_leave(struct cfg_ctx *ctx, size_t mark);
/* prefix + path, malloc'ed ("subnets4[2]"); NULL when out of memory. */
char *cfg_origin(const struct cfg_ctx *ctx);

/* "a string", "an integer", ... for "expected X, got Y". */
const char *cfg_json_type_name(const json_t *value);
/* Check that obj's keys are all in known (NULL-terminated); an unknown key is
 * an error suggesting the closest known one. */
int cfg_check_keys(struct cfg_ctx *ctx, const json_t *obj, const char *const *known);
/* Value of key in obj as a string: 1 present, 0 absent, -1 wrong type. */
int cfg_get_string(struct cfg_ctx *ctx, const json_t *obj, const char *key, const char **out);
/* As an integer in [min, max]: 1 present, 0 absent, -1 error. what, when not
 * NULL, words the range error: "70000 is not <what>". */
int cfg_get_uint(struct cfg_ctx *ctx, const json_t *obj, const char *key,
		 uint64_t min, uint64_t max, const char *what, uint64_t *out);

/* Addresses: 16 octets, of which the first 4 are used for IPv4. */
int cfg_addr_len(int family);
/* Parse an address of the family (0: either); returns its family or 0. */
int cfg_parse_addr(const char *text, int family, uint8_t out[16]);
/* "10.0.0.0/16" (a bare address: /32 or /128). Returns the family, 0 if
 * unparseable; *host_bits is set when bits beyond len are set. */
int cfg_parse_prefix(const char *text, int family, uint8_t addr[16], unsigned *len,
		     bool *host_bits);
/* "a - b" or "a/len" into an inclusive range; returns the family or 0. */
int cfg_parse_range(const char *text, int family, uint8_t first[16], uint8_t last[16]);
void cfg_prefix_range(int family, const uint8_t addr[16], unsigned len,
		      uint8_t first[16], uint8_t last[16]);
int cfg_addr_cmp(int family, const uint8_t *a, const uint8_t *b);
bool cfg_prefix_contains(int family, const uint8_t *net, unsigned len, const uint8_t *addr);
/* "10.0.0.0/16" into out (>= 50 octets). */
#define CFG_PREFIX_STRLEN 52
char *cfg_format_prefix(int family, const uint8_t *addr, unsigned len, char *out);

/* Blank comments (keeping newlines and columns) and drop trailing commas.
 * Returns a malloc'ed copy (*out_len), or NULL with the line and column of an
 * unterminated comment in *bad_line and *bad_col (or 0/0 when out of memory). */
char *cfg_strip_comments(const char *text, size_t len, size_t *out_len,
			 int *bad_line, int *bad_col);
/* Strip and parse; on error formats "<where>:line:col: why" (where NULL:
 * "line L, column C: why") and returns NULL. */
json_t *cfg_parse_json(struct cfg_ctx *ctx, const char *text, size_t len, const char *where);
/* Read a regular file of at most LQ_CONFIG_MAX_FILE_SIZE octets. */
char *cfg_read_file(struct cfg_ctx *ctx, const char *path, size_t *len);
/* base_dir/path unless path is absolute or base_dir NULL; malloc'ed. */
char *cfg_resolve_path(const char *base_dir, const char *path);
/* The absolute directory of a file path ("." resolved); malloc'ed or NULL. */
char *cfg_dir_of(const char *path);

/* Read one subnet object and append it to cfg. strict: unknown keys are
 * errors (lqd's own file); else they are ignored (Kea's). */
int cfg_read_subnet4(struct cfg_ctx *ctx, const json_t *obj, bool strict, struct lq_config *cfg);
int cfg_read_subnet6(struct cfg_ctx *ctx, const json_t *obj, bool strict, struct lq_config *cfg);
/* Check the subnets as a whole: no overlaps, unique ids, pd-pools apart. */
int cfg_check_subnets(struct cfg_ctx *ctx, const struct lq_config *cfg);
/* Append a source; takes ownership of path and conninfo (even on failure). */
int cfg_add_source(struct lq_config *cfg, enum lq_config_source_type type, char *path,
		   char *conninfo, int family, bool from_kea);

/* "requesters" and "refused-queries" (access.c). */
int cfg_read_requesters(struct cfg_ctx *ctx, const json_t *root, struct lq_config *cfg);

/* Import one Kea file / text (kea_import.c), without the whole-set checks. */
int cfg_kea_import_file(struct cfg_ctx *ctx, struct lq_config *cfg, const char *path,
			bool add_source);
int cfg_kea_import_text(struct cfg_ctx *ctx, struct lq_config *cfg, const char *text,
			size_t len, const char *origin, bool add_source);

#endif
