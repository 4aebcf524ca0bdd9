/* config.c - reads lqd's JSON configuration into struct lq_config: strips
 * comments, walks the keys with a key path for messages, applies defaults,
 * checks every value and the subnets as a whole, and answers the lookups the
 * query engine needs (subnet, pool, requester, sensitive option). The Kea
 * import lives in kea_import.c; both share config_internal.h. */
#include "config_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SUN_PATH_MAX 107        /* sizeof sockaddr_un.sun_path - 1 on Linux */
#define MAX_TIMEOUT 86400
#define SUGGEST_MAX_KEY 64

/* ---------------------------------------------------------------- context */

void cfg_ctx_init(struct cfg_ctx *ctx, char *err, size_t err_cap, const char *prefix)
{
	ctx->err = err;
	ctx->err_cap = err_cap;
	ctx->prefix = prefix;
	ctx->path[0] = '\0';
	ctx->path_len = 0;
}

void cfg_report(struct cfg_ctx *ctx, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (ctx->err == NULL || ctx->err_cap == 0)
		return;
	if (ctx->path_len > 0)
		snprintf(ctx->err, ctx->err_cap, "%s%s: %s", ctx->prefix, ctx->path, msg);
	else
		snprintf(ctx->err, ctx->err_cap, "%s%s", ctx->prefix, msg);
}

/* Record the new end of path after appending n characters (or truncating). */
static size_t extend_path(struct cfg_ctx *ctx, size_t mark, int n)
{
	size_t room = sizeof ctx->path - mark;

	if (n < 0 || (size_t)n >= room)
		ctx->path_len = sizeof ctx->path - 1;   /* truncated, still terminated */
	else
		ctx->path_len = mark + (size_t)n;
	return mark;
}

size_t cfg_enter_key(struct cfg_ctx *ctx, const char *key)
{
	size_t mark = ctx->path_len;

	return extend_path(ctx, mark, snprintf(ctx->path + mark, sizeof ctx->path - mark,
					       "%s%s", mark == 0 ? "" : ".", key));
}

size_t cfg_enter_index(struct cfg_ctx *ctx, size_t index)
{
	size_t mark = ctx->path_len;

	return extend_path(ctx, mark, snprintf(ctx->path + mark, sizeof ctx->path - mark,
					       "[%zu]", index));
}

void cfg_leave(struct cfg_ctx *ctx, size_t mark)
{
	ctx->path_len = mark;
	ctx->path[mark] = '\0';
}

char *cfg_origin(const struct cfg_ctx *ctx)
{
	size_t plen = strlen(ctx->prefix);
	char *out = malloc(plen + ctx->path_len + 1);

	if (out == NULL)
		return NULL;
	memcpy(out, ctx->prefix, plen);
	memcpy(out + plen, ctx->path, ctx->path_len + 1);
	/* a prefix "file: " with an empty path leaves a dangling ": " */
	if (ctx->path_len == 0 && plen >= 2 && strcmp(out + plen - 2, ": ") == 0)
		out[plen - 2] = '\0';
	return out;
}

static int out_of_memory(struct cfg_ctx *ctx)
{
	return cfg_fail(ctx, "out of memory");
}

/* Grow an array that holds n elements so that it can hold n + 1 (capacity is
 * always the next power of two). NULL when out of memory (arr untouched). */
static void *grow_array(void *arr, size_t n, size_t elem)
{
	size_t cap = n == 0 ? 1 : 2 * n;

	if (n != 0 && (n & (n - 1)) != 0)
		return arr;
	return realloc(arr, cap * elem);
}

/* ------------------------------------------------------- typed json access */

const char *cfg_json_type_name(const json_t *value)
{
	switch (json_typeof(value)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number with a fraction";
	case JSON_TRUE: return "true";
	case JSON_FALSE: return "false";
	case JSON_NULL: return "null";
	}
	return "a value";
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[SUGGEST_MAX_KEY + 1];

	if (la > SUGGEST_MAX_KEY || lb > SUGGEST_MAX_KEY)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

static const char *closest_key(const char *key, const char *const *known)
{
	const char *best = NULL;
	size_t best_distance = 3;       /* suggest within two edits only */

	for (size_t i = 0; known[i] != NULL; i++) {
		size_t d = edit_distance(key, known[i]);

		if (d < best_distance && d < strlen(known[i])) {
			best = known[i];
			best_distance = d;
		}
	}
	return best;
}

static bool key_known(const char *key, const char *const *known)
{
	for (size_t i = 0; known[i] != NULL; i++)
		if (strcmp(key, known[i]) == 0)
			return true;
	return false;
}

int cfg_check_keys(struct cfg_ctx *ctx, const json_t *obj, const char *const *known)
{
	const char *key;
	const json_t *value;

	json_object_foreach((json_t *)obj, key, value) {
		const char *suggestion;

		if (key_known(key, known))
			continue;
		suggestion = closest_key(key, known);
		if (suggestion != NULL)
			return cfg_fail(ctx, "unknown key \"%s\" (did you mean \"%s\"?)", key, suggestion);
		return cfg_fail(ctx, "unknown key \"%s\"", key);
	}
	return 0;
}

static int expect_type(struct cfg_ctx *ctx, const json_t *value, json_type type,
		       const char *expected)
{
	if (json_typeof(value) == type)
		return 0;
	return cfg_fail(ctx, "expected %s, got %s", expected, cfg_json_type_name(value));
}

/* obj[key] if it has the type: 1 present, 0 absent, -1 wrong type. */
static int get_typed(struct cfg_ctx *ctx, const json_t *obj, const char *key, json_type type,
		     const char *expected, const json_t **out)
{
	const json_t *value = json_object_get(obj, key);
	size_t mark;
	int rc;

	*out = NULL;
	if (value == NULL)
		return 0;
	mark = cfg_enter_key(ctx, key);
	rc = expect_type(ctx, value, type, expected);
	cfg_leave(ctx, mark);
	if (rc < 0)
		return -1;
	*out = value;
	return 1;
}

int cfg_get_string(struct cfg_ctx *ctx, const json_t *obj, const char *key, const char **out)
{
	const json_t *value;
	int rc = get_typed(ctx, obj, key, JSON_STRING, "a string", &value);

	*out = NULL;
	if (rc < 0)
		return -1;
	if (rc == 0)
		return 0;
	*out = json_string_value(value);
	return *out != NULL ? 1 : -1;   /* never NULL for a JSON_STRING */
}

int cfg_get_uint(struct cfg_ctx *ctx, const json_t *obj, const char *key,
		 uint64_t min, uint64_t max, const char *what, uint64_t *out)
{
	const json_t *value;
	json_int_t n;
	size_t mark;
	int rc = get_typed(ctx, obj, key, JSON_INTEGER, "an integer", &value);

	if (rc != 1)
		return rc;
	n = json_integer_value(value);
	if (n >= 0 && (uint64_t)n >= min && (uint64_t)n <= max) {
		*out = (uint64_t)n;
		return 1;
	}
	mark = cfg_enter_key(ctx, key);
	if (what != NULL)
		cfg_report(ctx, "%lld is not %s", (long long)n, what);
	else
		cfg_report(ctx, "%lld is out of range (%llu-%llu)", (long long)n,
			 (unsigned long long)min, (unsigned long long)max);
	cfg_leave(ctx, mark);
	return -1;
}

static int get_object(struct cfg_ctx *ctx, const json_t *obj, const char *key, const json_t **out)
{
	return get_typed(ctx, obj, key, JSON_OBJECT, "an object", out);
}

static int get_array(struct cfg_ctx *ctx, const json_t *obj, const char *key, const json_t **out)
{
	return get_typed(ctx, obj, key, JSON_ARRAY, "an array", out);
}

/* ------------------------------------------------------------- addresses */

int cfg_addr_len(int family)
{
	return family == 4 ? 4 : 16;
}

int cfg_parse_addr(const char *text, int family, uint8_t out[16])
{
	int want = family;

	memset(out, 0, 16);
	if (want == 0)
		want = strchr(text, ':') != NULL ? 6 : 4;
	if (want == 4 && inet_pton(AF_INET, text, out) == 1)
		return 4;
	if (want == 6 && inet_pton(AF_INET6, text, out) == 1)
		return 6;
	memset(out, 0, 16);
	return 0;
}

/* Copy text[0..n) without surrounding blanks into buf; false if too long. */
static bool copy_trimmed(const char *text, size_t n, char *buf, size_t cap)
{
	while (n > 0 && (*text == ' ' || *text == '\t')) {
		text++;
		n--;
	}
	while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\t'))
		n--;
	if (n == 0 || n >= cap)
		return false;
	memcpy(buf, text, n);
	buf[n] = '\0';
	return true;
}

static bool parse_prefix_len(const char *text, unsigned max, unsigned *len)
{
	unsigned value = 0;

	if (*text == '\0' || strlen(text) > 3)
		return false;
	for (const char *p = text; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return false;
		value = value * 10 + (unsigned)(*p - '0');
	}
	if (value > max)
		return false;
	*len = value;
	return true;
}

static bool has_host_bits(int family, const uint8_t addr[16], unsigned len)
{
	unsigned bits = (unsigned)cfg_addr_len(family) * 8;

	for (unsigned bit = len; bit < bits; bit++)
		if (addr[bit / 8] & (0x80u >> (bit % 8)))
			return true;
	return false;
}

int cfg_parse_prefix(const char *text, int family, uint8_t addr[16], unsigned *len,
		     bool *host_bits)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(text, '/');
	size_t addr_chars = slash != NULL ? (size_t)(slash - text) : strlen(text);
	int got;

	*host_bits = false;
	if (!copy_trimmed(text, addr_chars, buf, sizeof buf))
		return 0;
	got = cfg_parse_addr(buf, family, addr);
	if (got == 0)
		return 0;
	if (slash == NULL) {
		*len = (unsigned)cfg_addr_len(got) * 8;
	} else if (!copy_trimmed(slash + 1, strlen(slash + 1), buf, sizeof buf) ||
		   !parse_prefix_len(buf, (unsigned)cfg_addr_len(got) * 8, len)) {
		return 0;
	}
	*host_bits = has_host_bits(got, addr, *len);
	return got;
}

void cfg_prefix_range(int family, const uint8_t addr[16], unsigned len,
		      uint8_t first[16], uint8_t last[16])
{
	unsigned bits = (unsigned)cfg_addr_len(family) * 8;

	memcpy(first, addr, 16);
	memcpy(last, addr, 16);
	for (unsigned bit = len; bit < bits; bit++) {
		first[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
		last[bit / 8] |= (uint8_t)(0x80u >> (bit % 8));
	}
}

int cfg_parse_range(const char *text, int family, uint8_t first[16], uint8_t last[16])
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *dash = strchr(text, '-');
	unsigned len;
	bool host_bits;
	int got, got_last;

	if (dash == NULL) {
		uint8_t addr[16];

		if (strchr(text, '/') == NULL)
			return 0;
		got = cfg_parse_prefix(text, family, addr, &len, &host_bits);
		if (got == 0 || host_bits)
			return 0;
		cfg_prefix_range(got, addr, len, first, last);
		return got;
	}
	if (!copy_trimmed(text, (size_t)(dash - text), buf, sizeof buf))
		return 0;
	got = cfg_parse_addr(buf, family, first);
	if (got == 0 || !copy_trimmed(dash + 1, strlen(dash + 1), buf, sizeof buf))
		return 0;
	got_last = cfg_parse_addr(buf, got, last);
	return got_last == got ? got : 0;
}

int cfg_addr_cmp(int family, const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, (size_t)cfg_addr_len(family));
}

static void format_addr(int family, const uint8_t *addr, char *out, size_t cap)
{
	if (inet_ntop(family == 4 ? AF_INET : AF_INET6, addr, out, (socklen_t)cap) == NULL)
		snprintf(out, cap, "?");
}

char *cfg_format_prefix(int family, const uint8_t *addr, unsigned len, char *out)
{
	char text[INET6_ADDRSTRLEN];

	format_addr(family, addr, text, sizeof text);
	snprintf(out, CFG_PREFIX_STRLEN, "%s/%u", text, len);
	return out;
}

static void format_range(int family, const uint8_t *first, const uint8_t *last,
			 char *out, size_t cap)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	format_addr(family, first, a, sizeof a);
	format_addr(family, last, b, sizeof b);
	snprintf(out, cap, "%s - %s", a, b);
}

bool cfg_prefix_contains(int family, const uint8_t *net, unsigned len, const uint8_t *addr)
{
	unsigned full = len / 8, rest = len % 8;

	(void)family;
	if (memcmp(net, addr, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((net[full] ^ addr[full]) & (uint8_t)(0xffu << (8 - rest))) == 0;
}

/* ------------------------------------------------------ comments and files */

struct strip_state {
	const char *in;
	size_t len, pos;
	char *out;
	size_t out_len;
	int line, col;          /* of in[pos], for messages */
};

static void strip_advance(struct strip_state *st, bool keep)
{
	unsigned char c = (unsigned char)st->in[st->pos++];

	if (c == '\n') {
		st->out[st->out_len++] = '\n';
		st->line++;
		st->col = 1;
		return;
	}
	if ((c & 0xc0) == 0x80 && !keep)
		return;         /* a UTF-8 continuation in a comment: jansson counts none */
	if ((c & 0xc0) != 0x80)
		st->col++;
	st->out[st->out_len++] = keep ? (char)c : ' ';
}

static void strip_line_comment(struct strip_state *st)
{
	while (st->pos < st->len && st->in[st->pos] != '\n')
		strip_advance(st, false);
}

static bool strip_block_comment(struct strip_state *st)
{
	strip_advance(st, false);       /* '/' */
	strip_advance(st, false);       /* '*' */
	while (st->pos < st->len) {
		if (st->in[st->pos] == '*' && st->pos + 1 < st->len && st->in[st->pos + 1] == '/') {
			strip_advance(st, false);
			strip_advance(st, false);
			return true;
		}
		strip_advance(st, false);
	}
	return false;
}

static void strip_string(struct strip_state *st)
{
	strip_advance(st, true);        /* opening quote */
	while (st->pos < st->len) {
		char c = st->in[st->pos];

		if (c == '\n')
			return;         /* let jansson report the broken string */
		strip_advance(st, true);
		if (c == '"')
			return;
		if (c == '\\' && st->pos < st->len && st->in[st->pos] != '\n')
			strip_advance(st, true);
	}
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Blank a comma that follows a value and precedes ']' or '}'. */
static void drop_trailing_commas(char *s, size_t len)
{
	char last = '\0';       /* last significant character outside strings */

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"') {
			for (i++; i < len && s[i] != '"' && s[i] != '\n'; i++)
				if (s[i] == '\\' && i + 1 < len)
					i++;
			last = '"';
			continue;
		}
		if (s[i] == ',' && last != '[' && last != '{' && last != ',' && last != '\0') {
			size_t j = i + 1;

			while (j < len && is_blank(s[j]))
				j++;
			if (j < len && (s[j] == ']' || s[j] == '}')) {
				s[i] = ' ';
				continue;
			}
		}
		if (!is_blank(s[i]))
			last = s[i];
	}
}

char *cfg_strip_comments(const char *text, size_t len, size_t *out_len,
			 int *bad_line, int *bad_col)
{
	struct strip_state st = {.in = text, .len = len, .line = 1, .col = 1};

	*bad_line = 0;
	*bad_col = 0;
	st.out = malloc(len + 1);
	if (st.out == NULL)
		return NULL;
	while (st.pos < len) {
		char c = text[st.pos];
		char next = st.pos + 1 < len ? text[st.pos + 1] : '\0';

		if (c == '"') {
			strip_string(&st);
		} else if (c == '#' || (c == '/' && next == '/')) {
			strip_line_comment(&st);
		} else if (c == '/' && next == '*') {
			int line = st.line, col = st.col;

			if (!strip_block_comment(&st)) {
				free(st.out);
				*bad_line = line;
				*bad_col = col;
				return NULL;
			}
		} else {
			strip_advance(&st, true);
		}
	}
	st.out[st.out_len] = '\0';
	drop_trailing_commas(st.out, st.out_len);
	*out_len = st.out_len;
	return st.out;
}

static int fail_at(struct cfg_ctx *ctx, const char *where, int line, int col, const char *why)
{
	if (where != NULL)
		return cfg_fail(ctx, "%s:%d:%d: %s", where, line, col, why);
	return cfg_fail(ctx, "line %d, column %d: %s", line, col, why);
}

json_t *cfg_parse_json(struct cfg_ctx *ctx, const char *text, size_t len, const char *where)
{
	size_t stripped_len;
	int bad_line, bad_col;
	char *stripped = cfg_strip_comments(text, len, &stripped_len, &bad_line, &bad_col);
	json_error_t error;
	json_t *root;

	if (stripped == NULL) {
		if (bad_line == 0)
			out_of_memory(ctx);
		else
			fail_at(ctx, where, bad_line, bad_col, "unterminated /* comment");
		return NULL;
	}
	root = json_loadb(stripped, stripped_len, JSON_REJECT_DUPLICATES, &error);
	if (root == NULL) {
		if (memmem(stripped, stripped_len, "<?include", 9) != NULL)
			fail_at(ctx, where, error.line, error.column,
				"<?include?> directives are not supported");
		else
			fail_at(ctx, where, error.line, error.column, error.text);
	} else if (!json_is_object(root)) {
		fail_at(ctx, where, 1, 1, "the configuration must be a JSON object { ... }");
		json_decref(root);
		root = NULL;
	}
	free(stripped);
	return root;
}

static char *read_all(struct cfg_ctx *ctx, int fd, const char *path, size_t size, size_t *len)
{
	char *buf = malloc(size + 1);
	size_t got = 0;

	if (buf == NULL) {
		out_of_memory(ctx);
		return NULL;
	}
	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			cfg_report(ctx, "cannot read %s: %s", path, strerror(errno));
			free(buf);
			return NULL;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	*len = got;
	return buf;
}

char *cfg_read_file(struct cfg_ctx *ctx, const char *path, size_t *len)
{
	struct stat st;
	char *text = NULL;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

	if (fd < 0) {
		cfg_report(ctx, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0)
		cfg_report(ctx, "cannot read %s: %s", path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		cfg_report(ctx, "cannot read %s: not a regular file", path);
	else if ((uint64_t)st.st_size > LQ_CONFIG_MAX_FILE_SIZE)
		cfg_report(ctx, "cannot read %s: larger than %zu MiB", path,
			 LQ_CONFIG_MAX_FILE_SIZE / ((size_t)1024 * 1024));
	else
		text = read_all(ctx, fd, path, (size_t)st.st_size, len);
	close(fd);
	return text;
}

char *cfg_resolve_path(const char *base_dir, const char *path)
{
	size_t blen, plen;
	char *out;

	if (base_dir == NULL || path[0] == '/')
		return strdup(path);
	blen = strlen(base_dir);
	plen = strlen(path);
	out = malloc(blen + plen + 2);
	if (out == NULL)
		return NULL;
	memcpy(out, base_dir, blen);
	out[blen] = '/';
	memcpy(out + blen + 1, path, plen + 1);
	return out;
}

char *cfg_dir_of(const char *path)
{
	char *real = realpath(path, NULL);
	char *slash;

	if (real == NULL)
		return NULL;
	slash = strrchr(real, '/');
	if (slash == real)
		slash[1] = '\0';        /* a file in "/" */
	else if (slash != NULL)
		*slash = '\0';
	return real;
}

/* A path-valued string at obj[key], resolved; 1 present, 0 absent, -1 error. */
static int get_path(struct cfg_ctx *ctx, const json_t *obj, const char *key,
		    const char *base_dir, char **out)
{
	const char *text;
	int rc = cfg_get_string(ctx, obj, key, &text);
	size_t mark;

	*out = NULL;
	if (rc != 1)
		return rc;
	mark = cfg_enter_key(ctx, key);
	if (text[0] == '\0') {
		cfg_report(ctx, "empty path");
		cfg_leave(ctx, mark);
		return -1;
	}
	cfg_leave(ctx, mark);
	*out = cfg_resolve_path(base_dir, text);
	return *out != NULL ? 1 : out_of_memory(ctx);
}

/* --------------------------------------------------- spans and overlaps */

/* An inclusive address range with the indexes that say where it came from. */
struct span {
	uint8_t first[16], last[16];    /* IPv4 in the first 4 octets, rest 0 */
	size_t index, sub;
};

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	int c = memcmp(x->first, y->first, 16);

	if (c != 0)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Sort spans and find two that overlap: *later is the one defined later. */
static bool find_overlap(struct span *spans, size_t n, const struct span **later,
			 const struct span **earlier)
{
	size_t reach = 0;       /* the span with the highest end so far */

	qsort(spans, n, sizeof *spans, span_cmp);
	for (size_t i = 1; i < n; i++) {
		if (memcmp(spans[i].first, spans[reach].last, 16) <= 0) {
			bool i_later = spans[i].index > spans[reach].index ||
				(spans[i].index == spans[reach].index && spans[i].sub > spans[reach].sub);

			*later = i_later ? &spans[i] : &spans[reach];
			*earlier = i_later ? &spans[reach] : &spans[i];
			return true;
		}
		if (memcmp(spans[i].last, spans[reach].last, 16) > 0)
			reach = i;
	}
	return false;
}

static void set_span(struct span *s, int family, const uint8_t *first, const uint8_t *last,
		     size_t index, size_t sub)
{
	memset(s, 0, sizeof *s);
	memcpy(s->first, first, (size_t)cfg_addr_len(family));
	memcpy(s->last, last, (size_t)cfg_addr_len(family));
	s->index = index;
	s->sub = sub;
}

/* Pools of one subnet (already in cfg) must not overlap each other. */
static int check_pools_apart(struct cfg_ctx *ctx, int family, const void *pools, size_t n)
{
	struct span *spans;
	const struct span *later, *earlier;
	int rc = 0;

	if (n < 2)
		return 0;
	spans = calloc(n, sizeof *spans);
	if (spans == NULL)
		return out_of_memory(ctx);
	for (size_t i = 0; i < n; i++) {
		if (family == 4) {
			const struct lq_config_pool4 *p = (const struct lq_config_pool4 *)pools + i;

			set_span(&spans[i], 4, p->first.b, p->last.b, i, 0);
		} else {
			const struct lq_config_pool6 *p = (const struct lq_config_pool6 *)pools + i;

			set_span(&spans[i], 6, p->first.b, p->last.b, i, 0);
		}
	}
	if (find_overlap(spans, n, &later, &earlier)) {
		char a[2 * INET6_ADDRSTRLEN + 4], b[2 * INET6_ADDRSTRLEN + 4];
		size_t mark = cfg_enter_key(ctx, "pools");

		format_range(family, later->first, later->last, a, sizeof a);
		format_range(family, earlier->first, earlier->last, b, sizeof b);
		cfg_enter_index(ctx, later->index);
		rc = cfg_fail(ctx, "%s overlaps pools[%zu] (%s)", a, earlier->index, b);
		cfg_leave(ctx, mark);
	}
	free(spans);
	return rc;
}

/* ------------------------------------------------------------ subnets */

static const char *const subnet4_keys[] = {"subnet", "id", "pools", NULL};
static const char *const subnet6_keys[] = {"subnet", "id", "pools", "pd-pools", NULL};
static const char *const pool_keys[] = {"pool", NULL};
static const char *const pd_pool_keys[] = {"prefix", "prefix-len", "delegated-len", NULL};

static const char *family_example_prefix(int family)
{
	return family == 4 ? "\"10.0.0.0/16\"" : "\"2001:db8:1::/64\"";
}

static int read_subnet_prefix(struct cfg_ctx *ctx, const json_t *obj, int family,
			      uint8_t addr[16], unsigned *len)
{
	const char *text;
	bool host_bits;
	size_t mark;
	int rc = cfg_get_string(ctx, obj, "subnet", &text);

	if (rc == 0)
		return cfg_fail(ctx, "missing \"subnet\"");
	if (rc < 0)
		return -1;
	mark = cfg_enter_key(ctx, "subnet");
	if (cfg_parse_prefix(text, family, addr, len, &host_bits) != family || strchr(text, '/') == NULL) {
		rc = cfg_fail(ctx, "\"%s\" is not an IPv%d prefix (like %s)", text, family,
			      family_example_prefix(family));
	} else if (host_bits) {
		char fixed[CFG_PREFIX_STRLEN];
		uint8_t first[16], last[16];

		cfg_prefix_range(family, addr, *len, first, last);
		rc = cfg_fail(ctx, "\"%s\" has host bits set (did you mean \"%s\"?)", text,
			      cfg_format_prefix(family, first, *len, fixed));
	}
	cfg_leave(ctx, mark);
	return rc < 0 ? -1 : 0;
}

static int read_subnet_id(struct cfg_ctx *ctx, const json_t *obj, uint32_t *id)
{
	uint64_t value = 0;
	int rc = cfg_get_uint(ctx, obj, "id", 1, UINT32_MAX, NULL, &value);

	*id = (uint32_t)value;
	return rc < 0 ? -1 : 0;
}

/* The text of pools[i]: a string, or an object's "pool". */
static int pool_text(struct cfg_ctx *ctx, const json_t *item, bool strict, const char **text)
{
	*text = NULL;
	if (json_is_string(item)) {
		*text = json_string_value(item);
		return *text != NULL ? 0 : -1;
	}
	if (!json_is_object(item))
		return cfg_fail(ctx, "expected a range string or {\"pool\": ...}, got %s",
				cfg_json_type_name(item));
	if (strict && cfg_check_keys(ctx, item, pool_keys) < 0)
		return -1;
	switch (cfg_get_string(ctx, item, "pool", text)) {
	case 1: return 0;
	case 0: return cfg_fail(ctx, "missing \"pool\"");
	default: return -1;
	}
}

/* Parse pools[i] and check it lies in the subnet. */
static int read_pool_range(struct cfg_ctx *ctx, const json_t *item, bool strict, int family,
			   const uint8_t *net, unsigned len, uint8_t first[16], uint8_t last[16])
{
	const char *text;
	uint8_t net_first[16], net_last[16];
	char subnet_text[CFG_PREFIX_STRLEN];

	if (pool_text(ctx, item, strict, &text) < 0)
		return -1;
	if (cfg_parse_range(text, family, first, last) != family)
		return cfg_fail(ctx, "\"%s\" is not an IPv%d range (like %s)", text, family,
				family == 4 ? "\"10.0.0.10 - 10.0.0.250\" or \"10.0.1.0/24\""
					    : "\"2001:db8:1::100 - 2001:db8:1::ffff\" or \"2001:db8:1::/80\"");
	if (cfg_addr_cmp(family, first, last) > 0)
		return cfg_fail(ctx, "\"%s\": first address after last", text);
	cfg_prefix_range(family, net, len, net_first, net_last);
	if (cfg_addr_cmp(family, first, net_first) < 0 || cfg_addr_cmp(family, last, net_last) > 0)
		return cfg_fail(ctx, "\"%s\" is outside the subnet %s", text,
				cfg_format_prefix(family, net, len, subnet_text));
	return 0;
}

/* Read "pools" into a new array of struct lq_config_pool4/6. */
static int read_pools(struct cfg_ctx *ctx, const json_t *obj, bool strict, int family,
		      const uint8_t *net, unsigned len, void **pools, size_t *n_pools)
{
	const json_t *array, *item;
	size_t elem = family == 4 ? sizeof(struct lq_config_pool4) : sizeof(struct lq_config_pool6);
	size_t i, mark;
	int rc = get_array(ctx, obj, "pools", &array);

	if (rc <= 0)
		return rc;
	mark = cfg_enter_key(ctx, "pools");
	json_array_foreach(array, i, item) {
		uint8_t first[16], last[16];
		size_t item_mark = cfg_enter_index(ctx, i);
		void *grown;

		if (read_pool_range(ctx, item, strict, family, net, len, first, last) < 0)
			return -1;
		cfg_leave(ctx, item_mark);
		grown = grow_array(*pools, *n_pools, elem);
		if (grown == NULL)
			return out_of_memory(ctx);
		*pools = grown;
		if (family == 4) {
			struct lq_config_pool4 *p = (struct lq_config_pool4 *)grown + *n_pools;

			memcpy(p->first.b, first, 4);
			memcpy(p->last.b, last, 4);
		} else {
			struct lq_config_pool6 *p = (struct lq_config_pool6 *)grown + *n_pools;

			memcpy(p->first.b, first, 16);
			memcpy(p->last.b, last, 16);
		}
		(*n_pools)++;
	}
	cfg_leave(ctx, mark);
	return check_pools_apart(ctx, family, *pools, *n_pools);
}

int cfg_read_subnet4(struct cfg_ctx *ctx, const json_t *obj, bool strict, struct lq_config *cfg)
{
	struct lq_config_subnet4 subnet = {0};
	uint8_t addr[16];
	void *pools = NULL, *grown;

	if (expect_type(ctx, obj, JSON_OBJECT, "an object") < 0)
		return -1;
	if ((strict && cfg_check_keys(ctx, obj, subnet4_keys) < 0) ||
	    read_subnet_prefix(ctx, obj, 4, addr, &subnet.prefix_len) < 0 ||
	    read_subnet_id(ctx, obj, &subnet.id) < 0)
		return -1;
	memcpy(subnet.prefix.b, addr, 4);
	if (read_pools(ctx, obj, strict, 4, addr, subnet.prefix_len, &pools, &subnet.n_pools) < 0)
		goto fail;
	subnet.pools = pools;
	subnet.origin = cfg_origin(ctx);
	grown = grow_array(cfg->subnets4, cfg->n_subnets4, sizeof *cfg->subnets4);
	if (subnet.origin == NULL || grown == NULL) {
		free(subnet.origin);
		out_of_memory(ctx);
		goto fail;
	}
	cfg->subnets4 = grown;
	cfg->subnets4[cfg->n_subnets4++] = subnet;
	return 0;
fail:
	free(pools);
	return -1;
}

/* "prefix" with its length written as "/len" or in "prefix-len" (Kea). */
static int read_pd_prefix(struct cfg_ctx *ctx, const json_t *obj, struct lq_config_pd_pool *pd)
{
	const char *text;
	uint8_t addr[16];
	bool host_bits, written;
	uint64_t len = 0;
	unsigned written_len;
	int rc = cfg_get_string(ctx, obj, "prefix", &text);
	int has_len = cfg_get_uint(ctx, obj, "prefix-len", 1, 128, NULL, &len);

	if (rc == 0)
		return cfg_fail(ctx, "missing \"prefix\"");
	if (rc < 0 || has_len < 0)
		return -1;
	written = strchr(text, '/') != NULL;
	if (cfg_parse_prefix(text, 6, addr, &written_len, &host_bits) != 6) {
		cfg_enter_key(ctx, "prefix");
		return cfg_fail(ctx, "\"%s\" is not an IPv6 prefix (like \"2001:db8:8000::/33\")", text);
	}
	if (!written && has_len == 0)
		return cfg_fail(ctx, "missing \"prefix-len\" (or write the prefix as \"%s/LEN\")", text);
	if (written && has_len == 1 && len != written_len) {
		cfg_enter_key(ctx, "prefix-len");
		return cfg_fail(ctx, "%u disagrees with the prefix \"%s\"", (unsigned)len, text);
	}
	pd->prefix_len = written ? written_len : (unsigned)len;
	if (has_host_bits(6, addr, pd->prefix_len)) {
		cfg_enter_key(ctx, "prefix");
		return cfg_fail(ctx, "\"%s\" has bits set beyond the prefix length %u", text,
				pd->prefix_len);
	}
	memcpy(pd->prefix.b, addr, 16);
	return 0;
}

static int read_pd_pool(struct cfg_ctx *ctx, const json_t *item, bool strict,
			struct lq_config_pd_pool *pd)
{
	uint64_t delegated = 0;
	int rc;

	if (expect_type(ctx, item, JSON_OBJECT, "an object") < 0)
		return -1;
	if (strict && cfg_check_keys(ctx, item, pd_pool_keys) < 0)
		return -1;
	if (read_pd_prefix(ctx, item, pd) < 0)
		return -1;
	rc = cfg_get_uint(ctx, item, "delegated-len", 1, 128, NULL, &delegated);
	if (rc == 0)
		return cfg_fail(ctx, "missing \"delegated-len\"");
	if (rc < 0)
		return -1;
	if (delegated < pd->prefix_len) {
		cfg_enter_key(ctx, "delegated-len");
		return cfg_fail(ctx, "%u is shorter than the prefix length %u",
				(unsigned)delegated, pd->prefix_len);
	}
	pd->delegated_len = (unsigned)delegated;
	return 0;
}

static int read_pd_pools(struct cfg_ctx *ctx, const json_t *obj, bool strict,
			 struct lq_config_subnet6 *subnet)
{
	const json_t *array, *item;
	size_t i, mark;
	int rc = get_array(ctx, obj, "pd-pools", &array);

	if (rc <= 0)
		return rc;
	mark = cfg_enter_key(ctx, "pd-pools");
	json_array_foreach(array, i, item) {
		struct lq_config_pd_pool pd = {0};
		size_t item_mark = cfg_enter_index(ctx, i);
		void *grown;

		if (read_pd_pool(ctx, item, strict, &pd) < 0)
			return -1;
		cfg_leave(ctx, item_mark);
		grown = grow_array(subnet->pd_pools, subnet->n_pd_pools, sizeof pd);
		if (grown == NULL)
			return out_of_memory(ctx);
		subnet->pd_pools = grown;
		subnet->pd_pools[subnet->n_pd_pools++] = pd;
	}
	cfg_leave(ctx, mark);
	return 0;
}

static void free_subnet6(struct lq_config_subnet6 *subnet)
{
	free(subnet->pools);
	free(subnet->pd_pools);
	free(subnet->origin);
}

int cfg_read_subnet6(struct cfg_ctx *ctx, const json_t *obj, bool strict, struct lq_config *cfg)
{
	struct lq_config_subnet6 subnet = {0};
	uint8_t addr[16];
	void *pools = NULL, *grown;

	if (expect_type(ctx, obj, JSON_OBJECT, "an object") < 0)
		return -1;
	if ((strict && cfg_check_keys(ctx, obj, subnet6_keys) < 0) ||
	    read_subnet_prefix(ctx, obj, 6, addr, &subnet.prefix_len) < 0 ||
	    read_subnet_id(ctx, obj, &subnet.id) < 0)
		return -1;
	memcpy(subnet.prefix.b, addr, 16);
	if (read_pools(ctx, obj, strict, 6, addr, subnet.prefix_len, &pools, &subnet.n_pools) < 0) {
		free(pools);
		return -1;
	}
	subnet.pools = pools;
	if (read_pd_pools(ctx, obj, strict, &subnet) < 0)
		goto fail;
	subnet.origin = cfg_origin(ctx);
	grown = grow_array(cfg->subnets6, cfg->n_subnets6, sizeof *cfg->subnets6);
	if (subnet.origin == NULL || grown == NULL) {
		out_of_memory(ctx);
		goto fail;
	}
	cfg->subnets6 = grown;
	cfg->subnets6[cfg->n_subnets6++] = subnet;
	return 0;
fail:
	free_subnet6(&subnet);
	return -1;
}

/* ------------------------------------------------- subnets as a whole */

static int overlap_error(struct cfg_ctx *ctx, const char *later_origin, const char *what_later,
			 const char *earlier_origin, const char *what_earlier)
{
	struct cfg_ctx plain;

	cfg_ctx_init(&plain, ctx->err, ctx->err_cap, "");
	return cfg_fail(&plain, "%s: %s overlaps %s (%s)", later_origin, what_later,
			earlier_origin, what_earlier);
}

static int check_subnets4_apart(struct cfg_ctx *ctx, const struct lq_config *cfg)
{
	const struct span *later, *earlier;
	struct span *spans;
	int rc = 0;

	if (cfg->n_subnets4 < 2)
		return 0;
	spans = calloc(cfg->n_subnets4, sizeof *spans);
	if (spans == NULL)
		return out_of_memory(ctx);
	for (size_t i = 0; i < cfg->n_subnets4; i++) {
		uint8_t addr[16] = {0}, first[16], last[16];

		memcpy(addr, cfg->subnets4[i].prefix.b, 4);
		cfg_prefix_range(4, addr, cfg->subnets4[i].prefix_len, first, last);
		set_span(&spans[i], 4, first, last, i, 0);
	}
	if (find_overlap(spans, cfg->n_subnets4, &later, &earlier)) {
		const struct lq_config_subnet4 *a = &cfg->subnets4[later->index];
		const struct lq_config_subnet4 *b = &cfg->subnets4[earlier->index];
		char ta[CFG_PREFIX_STRLEN], tb[CFG_PREFIX_STRLEN];

		rc = overlap_error(ctx, a->origin, cfg_format_prefix(4, a->prefix.b, a->prefix_len, ta),
				   b->origin, cfg_format_prefix(4, b->prefix.b, b->prefix_len, tb));
	}
	free(spans);
	return rc;
}

static int check_subnets6_apart(struct cfg_ctx *ctx, const struct lq_config *cfg)
{
	const struct span *later, *earlier;
	struct span *spans;
	int rc = 0;

	if (cfg->n_subnets6 < 2)
		return 0;
	spans = calloc(cfg->n_subnets6, sizeof *spans);
	if (spans == NULL)
		return out_of_memory(ctx);
	for (size_t i = 0; i < cfg->n_subnets6; i++) {
		uint8_t first[16], last[16];

		cfg_prefix_range(6, cfg->subnets6[i].prefix.b, cfg->subnets6[i].prefix_len, first, last);
		set_span(&spans[i], 6, first, last, i, 0);
	}
	if (find_overlap(spans, cfg->n_subnets6, &later, &earlier)) {
		const struct lq_config_subnet6 *a = &cfg->subnets6[later->index];
		const struct lq_config_subnet6 *b = &cfg->subnets6[earlier->index];
		char ta[CFG_PREFIX_STRLEN], tb[CFG_PREFIX_STRLEN];

		rc = overlap_error(ctx, a->origin, cfg_format_prefix(6, a->prefix.b, a->prefix_len, ta),
				   b->origin, cfg_format_prefix(6, b->prefix.b, b->prefix_len, tb));
	}
	free(spans);
	return rc;
}

static size_t count_pd_pools(const struct lq_config *cfg)
{
	size_t n = 0;

	for (size_t i = 0; i < cfg->n_subnets6; i++)
		n += cfg->subnets6[i].n_pd_pools;
	return n;
}

static int pd_overlap_error(struct cfg_ctx *ctx, const struct lq_config *cfg,
			    const struct span *later, const struct span *earlier)
{
	const struct lq_config_pd_pool *a = &cfg->subnets6[later->index].pd_pools[later->sub];
	const struct lq_config_pd_pool *b = &cfg->subnets6[earlier->index].pd_pools[earlier->sub];
	char where_a[CFG_PATH_MAX + 32], where_b[CFG_PATH_MAX + 32];
	char ta[CFG_PREFIX_STRLEN], tb[CFG_PREFIX_STRLEN];

	snprintf(where_a, sizeof where_a, "%s.pd-pools[%zu]", cfg->subnets6[later->index].origin,
		 later->sub);
	snprintf(where_b, sizeof where_b, "%s.pd-pools[%zu]", cfg->subnets6[earlier->index].origin,
		 earlier->sub);
	return overlap_error(ctx, where_a, cfg_format_prefix(6, a->prefix.b, a->prefix_len, ta),
			     where_b, cfg_format_prefix(6, b->prefix.b, b->prefix_len, tb));
}

static int check_pd_pools_apart(struct cfg_ctx *ctx, const struct lq_config *cfg)
{
	const struct span *later, *earlier;
	size_t n = count_pd_pools(cfg), k = 0;
	struct span *spans;
	int rc = 0;

	if (n < 2)
		return 0;
	spans = calloc(n, sizeof *spans);
	if (spans == NULL)
		return out_of_memory(ctx);
	for (size_t i = 0; i < cfg->n_subnets6; i++) {
		for (size_t j = 0; j < cfg->subnets6[i].n_pd_pools; j++) {
			const struct lq_config_pd_pool *pd = &cfg->subnets6[i].pd_pools[j];
			uint8_t first[16], last[16];

			cfg_prefix_range(6, pd->prefix.b, pd->prefix_len, first, last);
			set_span(&spans[k++], 6, first, last, i, j);
		}
	}
	if (find_overlap(spans, n, &later, &earlier))
		rc = pd_overlap_error(ctx, cfg, later, earlier);
	free(spans);
	return rc;
}

struct id_entry {
	uint32_t id;
	size_t index;
};

static int id_entry_cmp(const void *a, const void *b)
{
	const struct id_entry *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* ids[i] is the id of subnet i (0: none); they must be unique. */
static int check_ids_unique(struct cfg_ctx *ctx, struct id_entry *ids, size_t n,
			    const char *const *origins)
{
	struct cfg_ctx plain;

	qsort(ids, n, sizeof *ids, id_entry_cmp);
	for (size_t i = 1; i < n; i++) {
		if (ids[i].id == 0 || ids[i].id != ids[i - 1].id)
			continue;
		cfg_ctx_init(&plain, ctx->err, ctx->err_cap, "");
		return cfg_fail(&plain, "%s: id %u is also the id of %s", origins[ids[i].index],
				(unsigned)ids[i].id, origins[ids[i - 1].index]);
	}
	return 0;
}

static int check_family_ids(struct cfg_ctx *ctx, const struct lq_config *cfg, int family)
{
	size_t n = family == 4 ? cfg->n_subnets4 : cfg->n_subnets6;
	struct id_entry *ids;
	const char **origins;
	int rc;

	if (n < 2)
		return 0;
	ids = calloc(n, sizeof *ids);
	origins = calloc(n, sizeof *origins);
	if (ids == NULL || origins == NULL) {
		free(ids);
		free(origins);
		return out_of_memory(ctx);
	}
	for (size_t i = 0; i < n; i++) {
		ids[i].id = family == 4 ? cfg->subnets4[i].id : cfg->subnets6[i].id;
		ids[i].index = i;
		origins[i] = family == 4 ? cfg->subnets4[i].origin : cfg->subnets6[i].origin;
	}
	rc = check_ids_unique(ctx, ids, n, origins);
	free(ids);
	free(origins);
	return rc;
}

int cfg_check_subnets(struct cfg_ctx *ctx, const struct lq_config *cfg)
{
	if (check_subnets4_apart(ctx, cfg) < 0 || check_subnets6_apart(ctx, cfg) < 0 ||
	    check_pd_pools_apart(ctx, cfg) < 0 || check_family_ids(ctx, cfg, 4) < 0 ||
	    check_family_ids(ctx, cfg, 6) < 0)
		return -1;
	return 0;
}

int cfg_add_source(struct lq_config *cfg, enum lq_config_source_type type, char *path,
		   char *conninfo, int family, bool from_kea)
{
	struct lq_config_source *grown = grow_array(cfg->sources, cfg->n_sources,
						    sizeof *cfg->sources);

	if (grown == NULL) {
		free(path);
		free(conninfo);
		return -1;
	}
	cfg->sources = grown;
	cfg->sources[cfg->n_sources++] = (struct lq_config_source){
		.type = type, .path = path, .conninfo = conninfo, .family = family,
		.from_kea_config = from_kea,
	};
	return 0;
}

/* ------------------------------------------------------- top-level keys */

static const char *const top_keys[] = {
	"server-id", "server-duid", "listen", "store", "sources", "kea-config", "subnets4",
	"subnets6", "requesters", "refused-queries", "tls", "control-socket", "bulk", "active",
	"sensitive-options", "user", NULL,
};

static int read_server_id(struct cfg_ctx *ctx, const json_t *root, struct lq_config *cfg)
{
	const char *text;
	uint8_t addr[16];
	size_t mark;
	int rc = cfg_get_string(ctx, root, "server-id", &text);

	if (rc <= 0)
		return rc;
	mark = cfg_enter_key(ctx, "server-id");
	if (cfg_parse_addr(text, 4, addr) != 4)
		return cfg_fail(ctx, "\"%s\" is not an IPv4 address", text);
	cfg_leave(ctx, mark);
	memcpy(cfg->server_id.b, addr, 4);
	cfg->has_server_id = true;
	return 0;
}

/* "00:01:ab" or "0001ab" into out; returns octets or -1. */
static long parse_hex_octets(const char *text, uint8_t *out, size_t cap)
{
	size_t n = 0;
	const char *p = text;

	while (*p != '\0') {
		int hi = lq_hex_digit(p[0]), lo = hi < 0 ? -1 : lq_hex_digit(p[1]);

		if (lo < 0 || n == cap)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | lo);
		p += 2;
		if (*p == ':' && p[1] != '\0')
			p++;
	}
	return (long)n;
}

static int read_server_duid(struct cfg_ctx *ctx, const json_t *root, struct lq_config *cfg)
{
	uint8_t duid[LQ_CONFIG_MAX_DUID + 1];
	const char *text;
	size_t mark;
	long n;
	int rc = cfg_get_string(ctx, root, "server-duid", &text);

	if (rc <= 0)
		return rc;
	mark = cfg_enter_key(ctx, "server-duid");
	n = parse_hex_octets(text, duid, sizeof duid);
	if (n < 0 && strlen(text) > (size_t)2 * (LQ_CONFIG_MAX_DUID + 1))
		return cfg_fail(ctx, "longer than %d octets", LQ_CONFIG_MAX_DUID);
	if (n < 0)
		return cfg_fail(ctx, "\"%s\" is not hex octets (like \"00:01:00:01:...\")", text);
	if (n < 3 || n > LQ_CONFIG_MAX_DUID)
		return cfg_fail(ctx, "%ld octets; a DUID has 3 to %d", n, LQ_CONFIG_MAX_DUID);
	cfg_leave(ctx, mark);
	memcpy(cfg->server_duid, duid, (size_t)n);
	cfg->server_duid_len = (size_t)n;
	return 0;
}

/* udp-port / tcp-port: 1-65535, false for none, default when absent. */
static int read_port(struct cfg_ctx *ctx, const json_t *obj, const char *key,
		     uint16_t fallback, uint16_t *port)
{
	const json_t *value = json_object_get(obj, key);
	uint64_t n;
	int rc;

	*port = fallback;
	if (value != NULL && json_is_false(value)) {
		*port = 0;
		return 0;
	}
	if (value != NULL && !json_is_integer(value)) {
		size_t mark = cfg_enter_key(ctx, key);

		rc = cfg_fail(ctx, "expected a port number or false, got %s", cfg_json_type_name(value));
		cfg_leave(ctx, mark);
		return rc;
	}
	rc = cfg_get_uint(ctx, obj, key, 1, 65535, "a port (1-65535)", &n);
	if (rc == 1)
		*port = (uint16_t)n;
	return rc < 0 ? -1 : 0;
}

static const char *const listen_keys[] = {"address", "udp-port", "tcp-port", NULL};

static int read_listen_entry(struct cfg_ctx *ctx, const json_t *obj, struct lq_config_listen *l)
{
	const char *text;
	uint8_t addr[16];
	uint16_t fallback;
	size_t mark;
	int rc;

	if (expect_type(ctx, obj, JSON_OBJECT, "an object") < 0 ||
	    cfg_check_keys(ctx, obj, listen_keys) < 0)
		return -1;
	rc = cfg_get_string(ctx, obj, "address", &text);
	if (rc == 0)
		return cfg_fail(ctx, "missing \"address\"");
	if (rc < 0)
		return -1;
	mark = cfg_enter_key(ctx, "address");
	l->family = cfg_parse_addr(text, 0, addr);
	if (l->family == 0)
		return cfg_fail(ctx, "\"%s\" is not an IPv4 or IPv6 address", text);
	cfg_leave(ctx, mark);
	memcpy(l->v4.b, addr, 4);
	memcpy(l->v6.b, addr, 16);
	if (l->family == 4)
		memset(l->v6.b, 0, 16);
	else
		memset(l->v4.b, 0, 4);
	fallback = l->family == 4 ? LQ_CONFIG_DEFAULT_PORT4 : LQ_CONFIG_DEFAULT_PORT6;
	if (read_port(ctx, obj, "udp-port", fallback, &l->udp_port) < 0 ||
	    read_port(ctx, obj, "tcp-port", fallback, &l->tcp_port) < 0)
		return -1;
	l->address = strdup(text);
	return l->address != NULL ? 0 : out_of_memory(ctx);
}

static bool same_listen(const struct lq_config_listen *a, const struct lq_config_listen *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == 4 ? memcmp(a->v4.b, b->v4.b, 4) != 0 : memcmp(a->v6.b, b->v6.b, 16) != 0)
		return false;
	return (a->udp_port != 0 && a->udp_port == b->udp_port) ||
	       (a->tcp_port != 0 && a->tcp_port == b->tcp_port);
}

/* A zeroed slot after the last listen entry (not yet counted in n_listen). */
static struct lq_config_listen *next_listen_slot(struct cfg_ctx *ctx, struct lq_config *cfg)
{
	struct lq_config_listen *grown = grow_array(cfg->listen, cfg->n_listen, sizeof *grown);

	if (grown == NULL) {
		out_of_memory(ctx);
		return NULL;
	}
	cfg->listen = grown;
	memset(&grown[cfg->n_listen], 0, sizeof *grown);
	return &grown[cfg->n_listen];
}

static int read_listen_item(struct cfg_ctx *ctx, const json_t *item, struct lq_config *cfg)
{
	struct lq_config_listen *l = next_listen_slot(ctx, cfg);

	if (l == NULL)
		return -1;
	if (read_listen_entry(ctx, item, l) < 0) {
		free(l->address);
		return -1;
	}
	for (size_t j = 0; j < cfg->n_listen; j++) {
		if (same_listen(l, &cfg->listen[j])) {
			free(l->address);
			return cfg_fail(ctx, "same address and port as listen[%zu]", j);
		}
	}
	cfg->n_listen++;
	return 0;
}

static int read_listen(struct cfg_ctx *ctx, const json_t *root, struct lq_config *cfg)
{
	const json_t *array, *item;
	size_t i, mark;
	int rc = get_array(ctx, root, "listen", &array);

	if (rc <= 0)
		return rc;
	mark = cfg_enter_key(ctx, "listen");
	if (json_array_size(array) == 0)
		return cfg_fail(ctx, "empty; give at least one address to listen on");
	json_array_foreach(array, i, item) {
		size_t item_mark = cfg_enter_index(ctx, i);

		if (read_listen_item(ctx, item, cfg) < 0)
			return -1;
		cfg_leave(ctx, item_mark);
	}
	cfg_leave(ctx, mark);
	return 0;
}

static const char *const store_keys[] = {"path", "history-limit", "map-size-mb", NULL};

static int read_store(struct cfg_ctx *ctx, const json_t *root, const char *base_dir,
		      struct lq_config *cfg)
{
	const json_t *obj;
	size_t mark;
	int rc = get_object(ctx, root, "store", &obj);

	if (rc <= 0)
		return rc;
	mark = cfg_enter_key(ctx, "store");
	if (cfg_check_keys(ctx, obj, store_keys) < 0 ||
	    get_path(ctx, obj, "path", base_dir, &cfg->store.path) < 0 ||
	    cfg_get_uint(ctx, obj, "history-limit", 0, INT64_MAX, NULL, &cfg->store.history_limit) < 0 ||
	    cfg_get_uint(ctx, obj, "map-size-mb", 0, (uint64_t)16 * 1024 * 1024, NULL, &cfg->store.map_size_mb) < 0)
		return -1;
	cfg_leave(ctx, mark);
	return 0;
}

static const char *const source_keys[] = {"type", "path", "conninfo", "family", NULL};

static int source_type_from_name(const char *name, enum lq_config_source_type *type)
{
	static const enum lq_config_source_type all[] = {
		LQ_CONFIG_SOURCE_KEA_CSV, LQ_CONFIG_SOURCE_DHCPD_LEASES, LQ_CONFIG_SOURCE_KEA_PGSQL,
	};

	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		if (strcmp(name, lq_config_source_type_name(all[i])) == 0) {
			*type = all[i];
			return 0;
		}
	}
	return -1;
}

static int read_source_type(struct cfg_ctx *ctx, const json_t *obj, enum lq_config_source_type *type)
{
	const char *name;
	size_t mark;
	int rc = cfg_get_string(ctx, obj, "type", &name);

	if (rc == 0)
		return cfg_fail(ctx, "missing \"type\" (kea-csv, dhcpd-leases or kea-pgsql)");
	if (rc < 0)
		return -1;
	if (source_type_from_name(name, type) == 0)
		return 0;
	mark = cfg_enter_key(ctx, "type");
	rc = cfg_fail(ctx, "\"%s\" is not a source type (kea-csv, dhcpd-leases, kea-pgsql)", name);
	cfg_leave(ctx, mark);
	return rc;
}

static int read_source_family(struct cfg_ctx *ctx, const json_t *obj, int *family)
{
	uint64_t n = 0;
	int rc = cfg_get_uint(ctx, obj, "family", 0, INT64_MAX, "a family (4 or 6)", &n);

	*family = 0;
	if (rc <= 0)
		return rc;
	if (n != 4 && n != 6) {
		size_t mark = cfg_enter_key(ctx, "family");

		rc = cfg_fail(ctx, "%llu is not a family (4 or 6)", (unsigned long long)n);
		cfg_leave(ctx, mark);
		return rc;
	}
	*family = (int)n;
	return 0;
}

/* The one location a source needs: path for files, conninfo for PostgreSQL. */
static int read_source_location(struct cfg_ctx *ctx, const json_t *obj, const char *base_dir,
				enum lq_config_source_type type, char **path, char **conninfo)
{
	bool wants_conninfo = type == LQ_CONFIG_SOURCE_KEA_PGSQL;
	const char *need = wants_conninfo ? "conninfo" : "path";
	const char *other = wants_conninfo ? "path" : "conninfo";
	const char *text;
	int rc;

	*path = NULL;
	*conninfo = NULL;
	if (json_object_get(obj, other) != NULL)
		return cfg_fail(ctx, "\"%s\" does not apply to type %s (it takes \"%s\")", other,
				lq_config_source_type_name(type), need);
	if (!wants_conninfo) {
		rc = get_path(ctx, obj, "path", base_dir, path);
	} else {
		rc = cfg_get_string(ctx, obj, "conninfo", &text);
		if (rc == 1 && (*conninfo = strdup(text)) == NULL)
			return out_of_memory(ctx);
	}
	if (rc == 0)
		return cfg_fail(ctx, "missing \"%s\"", need);
	return rc < 0 ? -1 : 0;
}

static int read_source(struct cfg_ctx *ctx, const json_t *obj, const char *base_dir,
		       struct lq_config *cfg)
{
	enum lq_config_source_type type = LQ_CONFIG_SOURCE_KEA_CSV;
	char *path, *conninfo;
	int family;

	if (expect_type(ctx, obj, JSON_OBJECT, "an object") < 0 ||
	    cfg_check_keys(ctx, obj, source_keys) < 0 || read_source_type(ctx, obj, &type) < 0 ||
	    read_source_family(ctx, obj, &family) < 0 ||
	    read_source_location(ctx, obj, base_dir, type, &path, &conninfo) < 0)
		return -1;
	if (cfg_add_source(cfg, type, path, conninfo, family, false) < 0)
		return out_of_memory(ctx);
	return 0;
}

static int read_sources(struct cfg_ctx *ctx, const json_t *root, const char *base_dir,
			struct lq_config *cfg)
{
	const json_t *array, *item;
	size_t i, mark;
	int rc = get_array(ctx, root, "sources", &array);

	if (rc <= 0)
		return rc;
	mark = cfg_enter_key(ctx, "sources");
	json_array_foreach(array, i, item) {
		size_t item_mark = cfg_enter_index(ctx, i);

		if (read_source(ctx, item, base_dir, cfg) < 0)
			return -1;
		cfg_leave(ctx, item_mark);
	}
	cfg_leave(ctx, mark);
	return 0;
}

static int add_kea_path(struct cfg_ctx *ctx, struct lq_config *cfg, const json_t *value,
			const char *base_dir)
{
	char **grown;
	char *path;

	if (expect_type(ctx, value, JSON_STRING, "a path") < 0)
		return -1;
	if (json_string_length(value) == 0)
		return cfg_fail(ctx, "empty path");
	grown = grow_array(cfg->kea_config, cfg->n_kea_config, sizeof *cfg->kea_config);
	if (grown == NULL)
		return out_of_memory(ctx);
	cfg->kea_config = grown;
	path = cfg_resolve_path(base_dir, json_string_value(value));
	if (path == NULL)
		return out_of_memory(ctx);
	cfg->kea_config[cfg->n_kea_config++] = path;
	return 0;
}

static int read_kea_config(struct cfg_ctx *ctx, const json_t *root, const char *base_dir,
			   struct lq_config *cfg)
{
	const json_t *value = json_object_get(root, "kea-config"), *item;
	size_t i, mark;

	if (value == NULL)
		return 0;
	mark = cfg_enter_key(ctx, "kea-config");
	if (json_is_array(value)) {
		json_array_foreach(value, i, item) {
			size_t item_mark = cfg_enter_index(ctx, i);

			if (add_kea_path(ctx, cfg, item, base_dir) < 0)
				return -1;
			cfg_leave(ctx, item_mark);
		}
	} else if (!json_is_string(value)) {
		return cfg_fail(ctx, "expected a path or a list of paths, got %s",
				cfg_json_type_name(value));
	} else if (add_kea_path(ctx, cfg, value, base_dir) < 0) {
		return -1;
	}
	cfg_leave(ctx, mark);
	return 0;
}

static int read_subnets(struct cfg_ctx *ctx, const json_t *root, int family, struct lq_config *cfg)
{
	const char *key = family == 4 ? "subnets4" : "subnets6";
	const json_t *array, *item;
	size_t i, mark;
	int rc = get_array(ctx, root, key, &array);

	if (rc <= 0)
		return rc;
	mark = cfg_enter_key(ctx, key);
	json_array_foreach(array, i, item) {
		size_t item_mark = cfg_enter_index(ctx, i);

		rc = family == 4 ? cfg_read_subnet4(ctx, item, true, cfg)
				 : cfg_read_subnet6(ctx, item, true, cfg);
		if (rc < 0)
			return -1;
		cfg_leave(ctx, item_mark);
	}
	cfg_leave(ctx, mark);
	return 0;
}

static const char *const tls_keys[] = {"mode", "cert", "key", "ca", NULL};

static int read_tls_mode(struct cfg_ctx *ctx, const json_t *obj, enum lq_config_tls_mode *mode)
{
	static const char *const names[] = {"off", "optional", "required"};
	const char *text;
	size_t mark;
	int rc = cfg_get_string(ctx, obj, "mode", &text);

	*mode = LQ_CONFIG_TLS_OFF;
	if (rc <= 0)
		return rc;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(text, names[i]) == 0) {
			*mode = (enum lq_config_tls_mode)i;
			return 0;
		}
	}
	mark = cfg_enter_key(ctx, "mode");
	rc = cfg_fail(ctx, "\"%s\" is not a mode (off, optional, required)", text);
	cfg_leave(ctx, mark);
	return rc;
}

static int check_tls_files(struct cfg_ctx *ctx, const struct lq_config *cfg)
{
	const char *mode = cfg->tls.mode == LQ_CONFIG_TLS_REQUIRED ? "required" : "optional";
	const char *missing = NULL;

	if (cfg->tls.mode == LQ_CONFIG_TLS_OFF)
		return 0;
	if (cfg->tls.cert == NULL)
		missing = "cert";
	else if (cfg->tls.key == NULL)
		missing = "key";
	else if (cfg->tls.ca == NULL)
		missing = "ca";
	if (missing == NULL)
		return 0;
	return cfg_fail(ctx, "missing \"%s\" (mode \"%s\" needs cert, key and ca)", missing, mode);
}

static int read_tls(struct cfg_ctx *ctx, const json_t *root, const char *base_dir,
		    struct lq_config *cfg)
{
	const json_t *obj;
	size_t mark;
	int rc = get_object(ctx, root, "tls", &obj);

	if (rc <= 0)
		return rc;
	mark = cfg_enter_key(ctx, "tls");
	if (cfg_check_keys(ctx, obj, tls_keys) < 0 || read_tls_mode(ctx, obj, &cfg->tls.mode) < 0 ||
	    get_path(ctx, obj, "cert", base_dir, &cfg->tls.cert) < 0 ||
	    get_path(ctx, obj, "key", base_dir, &cfg->tls.key) < 0 ||
	    get_path(ctx, obj, "ca", base_dir, &cfg->tls.ca) < 0 || check_tls_files(ctx, cfg) < 0)
		return -1;
	cfg_leave(ctx, mark);
	return 0;
}

static int read_control_socket(struct cfg_ctx *ctx, const json_t *root, const char *base_dir,
			       struct lq_config *cfg)
{
	size_t mark;
	int rc = get_path(ctx, root, "control-socket", base_dir, &cfg->control_socket);

	if (rc < 0)
		return -1;
	if (cfg->control_socket == NULL || strlen(cfg->control_socket) <= SUN_PATH_MAX)
		return 0;
	mark = cfg_enter_key(ctx, "control-socket");
	rc = cfg_fail(ctx, "\"%s\" is longer than %d octets (the Unix socket limit)",
		      cfg->control_socket, SUN_PATH_MAX);
	cfg_leave(ctx, mark);
	return rc;
}

/* "user": who lqd runs as once its ports are open (started as root). */
static int read_user(struct cfg_ctx *ctx, const json_t *root, struct lq_config *cfg)
{
	const char *name;
	int rc = cfg_get_string(ctx, root, "user", &name);

	if (rc <= 0)
		return rc;
	size_t mark = cfg_enter_key(ctx, "user");
	if (name[0] == '\0' || strchr(name, ':') != NULL || strchr(name, '/') != NULL)
		return cfg_fail(ctx, "\"%s\" is not a user name", name);
	cfg->user = strdup(name);
	if (cfg->user == NULL)
		return out_of_memory(ctx);
	cfg_leave(ctx, mark);
	return 0;
}

/* obj[key] into an unsigned within [min, max]; absent keeps *out. */
static int read_knob(struct cfg_ctx *ctx, const json_t *obj, const char *key,
		     uint64_t min, uint64_t max, unsigned *out)
{
	uint64_t n;
	int rc = cfg_get_uint(ctx, obj, key, min, max, NULL, &n);

	if (rc == 1)
		*out = (unsigned)n;
	return rc < 0 ? -1 : 0;
}

static const char *const bulk_keys[] = {"max-connections", "max-connections-per-requestor",
					 "max-queries-per-connection", "data-timeout", NULL};
static const char *const active_keys[] = {"max-connections", "max-connections-per-requestor",
					   "idle-timeout", "send-timeout", NULL};

static int read_bulk(struct cfg_ctx *ctx, const json_t *root, struct lq_config *cfg)
{
	const json_t *obj;
	size_t mark;
	int rc = get_object(ctx, root, "bulk", &obj);

	if (rc <= 0)
		return rc;
	mark = cfg_enter_key(ctx, "bulk");
	if (cfg_check_keys(ctx, obj, bulk_keys) < 0 ||
	    read_knob(ctx, obj, "max-connections", 1, 65535, &cfg->bulk.max_connections) < 0 ||
	    read_knob(ctx, obj, "max-connections-per-requestor", 1, 65535,
		      &cfg->bulk.max_connections_per_requestor) < 0 ||
	    read_knob(ctx, obj, "max-queries-per-connection", 1, 256,
		      &cfg->bulk.max_queries_per_connection) < 0 ||
	    read_knob(ctx, obj, "data-timeout", 1, MAX_TIMEOUT, &cfg->bulk.data_timeout) < 0)
		return -1;
	cfg_leave(ctx, mark);
	return 0;
}

static int read_active(struct cfg_ctx *ctx, const json_t *root, struct lq_config *cfg)
{
	const json_t *obj;
	size_t mark;
	int rc = get_object(ctx, root, "active", &obj);

	if (rc <= 0)
		return rc;
	mark = cfg_enter_key(ctx, "active");
	if (cfg_check_keys(ctx, obj, active_keys) < 0 ||
	    read_knob(ctx, obj, "max-connections", 1, 65535, &cfg->active.max_connections) < 0 ||
	    read_knob(ctx, obj, "max-connections-per-requestor", 1, 65535,
		      &cfg->active.max_connections_per_requestor) < 0 ||
	    read_knob(ctx, obj, "idle-timeout", 1, MAX_TIMEOUT, &cfg->active.idle_timeout) < 0 ||
	    read_knob(ctx, obj, "send-timeout", 1, MAX_TIMEOUT, &cfg->active.send_timeout) < 0)
		return -1;
	cfg_leave(ctx, mark);
	return 0;
}

static int code_cmp(const void *a, const void *b)
{
	unsigned x = *(const uint16_t *)a, y = *(const uint16_t *)b;

	return x < y ? -1 : x > y;
}

/* Sort codes and drop repeats; returns the new count. */
static size_t sort_unique(uint16_t *codes, size_t n)
{
	size_t kept = 0;

	qsort(codes, n, sizeof *codes, code_cmp);
	for (size_t i = 0; i < n; i++)
		if (kept == 0 || codes[kept - 1] != codes[i])
			codes[kept++] = codes[i];
	return kept;
}

static int read_code(struct cfg_ctx *ctx, const json_t *item, unsigned max, uint16_t *code)
{
	json_int_t n;

	if (!json_is_integer(item))
		return cfg_fail(ctx, "expected an option code (1-%u), got %s", max,
				cfg_json_type_name(item));
	n = json_integer_value(item);
	if (n < 1 || n > (json_int_t)max)
		return cfg_fail(ctx, "%lld is not an option code (1-%u)", (long long)n, max);
	*code = (uint16_t)n;
	return 0;
}

/* obj[key]: a list of option codes in [1, max], kept sorted and unique. */
static int read_codes(struct cfg_ctx *ctx, const json_t *obj, const char *key, unsigned max,
		      uint16_t **codes, size_t *n_codes)
{
	const json_t *array, *item;
	size_t i, mark;
	int rc = get_array(ctx, obj, key, &array);

	if (rc <= 0)
		return rc;
	*codes = calloc(json_array_size(array) + 1, sizeof **codes);
	if (*codes == NULL)
		return out_of_memory(ctx);
	mark = cfg_enter_key(ctx, key);
	json_array_foreach(array, i, item) {
		size_t item_mark = cfg_enter_index(ctx, i);

		if (read_code(ctx, item, max, &(*codes)[i]) < 0)
			return -1;
		cfg_leave(ctx, item_mark);
	}
	cfg_leave(ctx, mark);
	*n_codes = sort_unique(*codes, json_array_size(array));
	return 0;
}

static const char *const sensitive_keys[] = {"dhcp4", "dhcp6", NULL};

static int narrow_codes4(struct cfg_ctx *ctx, uint16_t *codes, size_t n, struct lq_config *cfg)
{
	cfg->sensitive4 = malloc(n + 1);
	if (cfg->sensitive4 == NULL)
		return out_of_memory(ctx);
	for (size_t i = 0; i < n; i++)
		cfg->sensitive4[i] = (uint8_t)codes[i];
	cfg->n_sensitive4 = n;
	return 0;
}

static int read_sensitive(struct cfg_ctx *ctx, const json_t *root, struct lq_config *cfg)
{
	const json_t *obj;
	uint16_t *codes4 = NULL;
	size_t n4 = 0, mark;
	int rc = get_object(ctx, root, "sensitive-options", &obj);

	if (rc <= 0)
		return rc;
	mark = cfg_enter_key(ctx, "sensitive-options");
	rc = cfg_check_keys(ctx, obj, sensitive_keys);
	if (rc == 0)
		rc = read_codes(ctx, obj, "dhcp4", 254, &codes4, &n4);
	if (rc >= 0 && codes4 != NULL)
		rc = narrow_codes4(ctx, codes4, n4, cfg);
	free(codes4);
	if (rc >= 0)
		rc = read_codes(ctx, obj, "dhcp6", 65535, &cfg->sensitive6, &cfg->n_sensitive6);
	if (rc < 0)
		return -1;
	cfg_leave(ctx, mark);
	return 0;
}

/* ------------------------------------------------------ defaults, checks */

static void set_defaults(struct lq_config *cfg)
{
	cfg->store.history_limit = LQ_CONFIG_DEFAULT_HISTORY_LIMIT;
	cfg->bulk.max_connections = LQ_CONFIG_DEFAULT_BULK_MAX_CONNECTIONS;
	cfg->bulk.data_timeout = LQ_CONFIG_DEFAULT_BULK_DATA_TIMEOUT;
	cfg->bulk.max_connections_per_requestor = LQ_CONFIG_DEFAULT_BULK_MAX_PER_REQUESTOR;
	cfg->bulk.max_queries_per_connection = LQ_CONFIG_DEFAULT_BULK_MAX_QUERIES;
	cfg->active.max_connections = LQ_CONFIG_DEFAULT_ACTIVE_MAX_CONNECTIONS;
	cfg->active.idle_timeout = LQ_CONFIG_DEFAULT_ACTIVE_IDLE_TIMEOUT;
	cfg->active.send_timeout = LQ_CONFIG_DEFAULT_ACTIVE_SEND_TIMEOUT;
	cfg->active.max_connections_per_requestor = LQ_CONFIG_DEFAULT_ACTIVE_MAX_PER_REQUESTOR;
}

static int add_default_listen(struct cfg_ctx *ctx, struct lq_config *cfg, const char *address)
{
	struct lq_config_listen *l = next_listen_slot(ctx, cfg);
	uint8_t addr[16];

	if (l == NULL)
		return -1;
	l->family = cfg_parse_addr(address, 0, addr);
	memcpy(l->family == 4 ? l->v4.b : l->v6.b, addr, l->family == 4 ? 4 : 16);
	l->udp_port = l->family == 4 ? LQ_CONFIG_DEFAULT_PORT4 : LQ_CONFIG_DEFAULT_PORT6;
	l->tcp_port = l->udp_port;
	l->address = strdup(address);
	if (l->address == NULL)
		return out_of_memory(ctx);
	cfg->n_listen++;
	return 0;
}

static int apply_late_defaults(struct cfg_ctx *ctx, struct lq_config *cfg)
{
	if (cfg->n_listen == 0 && (add_default_listen(ctx, cfg, "127.0.0.1") < 0 ||
				   add_default_listen(ctx, cfg, "::1") < 0))
		return -1;
	if (cfg->requesters == NULL) {
		cfg->requesters = calloc(2, sizeof *cfg->requesters);
		if (cfg->requesters == NULL)
			return out_of_memory(ctx);
		cfg->requesters[0] = (struct lq_config_prefix){.family = 4, .len = 8, .v4 = {{127, 0, 0, 0}}};
		cfg->requesters[1] = (struct lq_config_prefix){.family = 6, .len = 128,
			.v6 = {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}}};
		cfg->n_requesters = 2;
	}
	if (cfg->store.path == NULL && (cfg->store.path = strdup(LQ_CONFIG_DEFAULT_STORE_PATH)) == NULL)
		return out_of_memory(ctx);
	return 0;
}

/* Without server-id, use the first specific IPv4 listen address. */
static int settle_server_id(struct cfg_ctx *ctx, struct lq_config *cfg)
{
	bool listens4 = false;

	if (cfg->has_server_id)
		return 0;
	for (size_t i = 0; i < cfg->n_listen; i++) {
		const struct lq_config_listen *l = &cfg->listen[i];

		if (l->family != 4)
			continue;
		listens4 = true;
		if (memcmp(l->v4.b, "\0\0\0\0", 4) != 0) {
			cfg->server_id = l->v4;
			cfg->has_server_id = true;
			return 0;
		}
	}
	if (!listens4)
		return 0;
	return cfg_fail(ctx, "missing \"server-id\" (lqd listens on 0.0.0.0 only, so it cannot "
			"take a listen address as its DHCPv4 server identifier)");
}

/* Import every kea-config file; a family's subnets come from one place. */
static int import_kea_files(struct cfg_ctx *ctx, const json_t *root, struct lq_config *cfg)
{
	bool add_source = json_object_get(root, "sources") == NULL;

	for (size_t i = 0; i < cfg->n_kea_config; i++) {
		size_t n4 = cfg->n_subnets4, n6 = cfg->n_subnets6;
		const char *path = cfg->kea_config[i];

		if (cfg_kea_import_file(ctx, cfg, path, add_source) < 0)
			return -1;
		if (cfg->n_subnets4 > n4 && json_object_get(root, "subnets4") != NULL)
			return cfg_fail(ctx, "subnets4: cannot be combined with the IPv4 subnets "
					"kea-config imports from %s; keep one of them", path);
		if (cfg->n_subnets6 > n6 && json_object_get(root, "subnets6") != NULL)
			return cfg_fail(ctx, "subnets6: cannot be combined with the IPv6 subnets "
					"kea-config imports from %s; keep one of them", path);
	}
	return 0;
}

static int read_all_keys(struct cfg_ctx *ctx, const json_t *root, const char *base_dir,
			 struct lq_config *cfg)
{
	if (cfg_check_keys(ctx, root, top_keys) < 0 || read_server_id(ctx, root, cfg) < 0 ||
	    read_server_duid(ctx, root, cfg) < 0 || read_listen(ctx, root, cfg) < 0 ||
	    read_store(ctx, root, base_dir, cfg) < 0 || read_sources(ctx, root, base_dir, cfg) < 0 ||
	    read_kea_config(ctx, root, base_dir, cfg) < 0 || read_subnets(ctx, root, 4, cfg) < 0 ||
	    read_subnets(ctx, root, 6, cfg) < 0 || cfg_read_requesters(ctx, root, cfg) < 0 ||
	    read_tls(ctx, root, base_dir, cfg) < 0 || read_control_socket(ctx, root, base_dir, cfg) < 0 ||
	    read_bulk(ctx, root, cfg) < 0 || read_active(ctx, root, cfg) < 0 ||
	    read_sensitive(ctx, root, cfg) < 0 || read_user(ctx, root, cfg) < 0)
		return -1;
	return 0;
}

static int parse_with(struct cfg_ctx *ctx, const char *text, size_t len, const char *where,
		      const char *base_dir, struct lq_config *out)
{
	json_t *root;
	int rc;

	memset(out, 0, sizeof *out);
	set_defaults(out);
	root = cfg_parse_json(ctx, text, len, where);
	if (root == NULL)
		return -1;
	rc = read_all_keys(ctx, root, base_dir, out);
	if (rc == 0) {
		cfg_leave(ctx, 0);
		rc = import_kea_files(ctx, root, out);
	}
	if (rc == 0)
		rc = apply_late_defaults(ctx, out);
	if (rc == 0)
		rc = settle_server_id(ctx, out);
	if (rc == 0)
		rc = cfg_check_subnets(ctx, out);
	json_decref(root);
	if (rc < 0)
		lq_config_free(out);
	return rc;
}

int lq_config_parse(const char *text, size_t len, const char *base_dir,
		    struct lq_config *out, char *err, size_t err_cap)
{
	struct cfg_ctx ctx;

	cfg_ctx_init(&ctx, err, err_cap, "");
	return parse_with(&ctx, text, len, NULL, base_dir, out);
}

int lq_config_load(const char *path, struct lq_config *out, char *err, size_t err_cap)
{
	struct cfg_ctx ctx;
	size_t len;
	char *text, *dir;
	int rc;

	memset(out, 0, sizeof *out);
	cfg_ctx_init(&ctx, err, err_cap, "");
	text = cfg_read_file(&ctx, path, &len);
	if (text == NULL)
		return -1;
	dir = cfg_dir_of(path);
	if (dir == NULL) {
		free(text);
		return cfg_fail(&ctx, "cannot resolve the directory of %s: %s", path, strerror(errno));
	}
	rc = parse_with(&ctx, text, len, path, dir, out);
	free(dir);
	free(text);
	return rc;
}

int lq_config_import_kea(struct lq_config *cfg, const char *text, size_t len,
			 const char *origin, bool add_source, char *err, size_t err_cap)
{
	struct cfg_ctx ctx;

	cfg_ctx_init(&ctx, err, err_cap, "");
	if (cfg_kea_import_text(&ctx, cfg, text, len, origin, add_source) < 0)
		return -1;
	return cfg_check_subnets(&ctx, cfg);
}

void lq_config_free(struct lq_config *cfg)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < cfg->n_listen; i++)
		free(cfg->listen[i].address);
	free(cfg->listen);
	free(cfg->store.path);
	for (size_t i = 0; i < cfg->n_sources; i++) {
		free(cfg->sources[i].path);
		free(cfg->sources[i].conninfo);
	}
	free(cfg->sources);
	for (size_t i = 0; i < cfg->n_kea_config; i++)
		free(cfg->kea_config[i]);
	free(cfg->kea_config);
	for (size_t i = 0; i < cfg->n_subnets4; i++) {
		free(cfg->subnets4[i].pools);
		free(cfg->subnets4[i].origin);
	}
	free(cfg->subnets4);
	for (size_t i = 0; i < cfg->n_subnets6; i++)
		free_subnet6(&cfg->subnets6[i]);
	free(cfg->subnets6);
	free(cfg->requesters);
	free(cfg->tls.cert);
	free(cfg->tls.key);
	free(cfg->tls.ca);
	free(cfg->control_socket);
	free(cfg->user);
	free(cfg->sensitive4);
	free(cfg->sensitive6);
	memset(cfg, 0, sizeof *cfg);
}

/* ------------------------------------------------------------ lookups */

const struct lq_config_subnet4 *lq_config_find_subnet4(const struct lq_config *cfg, lq_ip4 addr)
{
	for (size_t i = 0; i < cfg->n_subnets4; i++)
		if (cfg_prefix_contains(4, cfg->subnets4[i].prefix.b, cfg->subnets4[i].prefix_len, addr.b))
			return &cfg->subnets4[i];
	return NULL;
}

const struct lq_config_subnet6 *lq_config_find_subnet6(const struct lq_config *cfg, const lq_ip6 *addr)
{
	for (size_t i = 0; i < cfg->n_subnets6; i++)
		if (cfg_prefix_contains(6, cfg->subnets6[i].prefix.b, cfg->subnets6[i].prefix_len, addr->b))
			return &cfg->subnets6[i];
	return NULL;
}

bool lq_config_in_pool4(const struct lq_config_subnet4 *subnet, lq_ip4 addr)
{
	for (size_t i = 0; i < subnet->n_pools; i++)
		if (memcmp(addr.b, subnet->pools[i].first.b, 4) >= 0 &&
		    memcmp(addr.b, subnet->pools[i].last.b, 4) <= 0)
			return true;
	return false;
}

bool lq_config_in_pool6(const struct lq_config_subnet6 *subnet, const lq_ip6 *addr)
{
	for (size_t i = 0; i < subnet->n_pools; i++)
		if (memcmp(addr->b, subnet->pools[i].first.b, 16) >= 0 &&
		    memcmp(addr->b, subnet->pools[i].last.b, 16) <= 0)
			return true;
	return false;
}

bool lq_config_option_sensitive(const struct lq_config *cfg, int family, unsigned code)
{
	if (family == 4) {
		for (size_t i = 0; i < cfg->n_sensitive4; i++)
			if (cfg->sensitive4[i] == code)
				return true;
		return false;
	}
	for (size_t i = 0; i < cfg->n_sensitive6; i++)
		if (cfg->sensitive6[i] == code)
			return true;
	return false;
}

const char *lq_config_source_type_name(enum lq_config_source_type type)
{
	switch (type) {
	case LQ_CONFIG_SOURCE_KEA_CSV: return "kea-csv";
	case LQ_CONFIG_SOURCE_DHCPD_LEASES: return "dhcpd-leases";
	case LQ_CONFIG_SOURCE_KEA_PGSQL: return "kea-pgsql";
	}
	return "unknown";
}
