/* kea_parse_bench.c - measures the Kea CSV parser alone: reads a lease file
 * into memory, then parses every line with lq_kea_csv_line (and copies each
 * change into a change batch, as lqd does), and prints rows per second.
 * Usage: kea_parse_bench FILE [ROUNDS] (default 3 rounds; the best is shown). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lq/change_batch.h"
#include "lq/kea_csv.h"

#define BATCH_MAX 20000

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	size_t cap = 0;

	*len = 0;
	if (f == NULL)
		return NULL;
	for (;;) {
		if (cap - *len < 65536) {
			cap = cap ? cap * 2 : 1 << 20;
			char *p = realloc(data, cap);
			if (p == NULL) {
				free(data);
				fclose(f);
				return NULL;
			}
			data = p;
		}
		size_t n = fread(data + *len, 1, cap - *len, f);
		if (n == 0)
			break;
		*len += n;
	}
	fclose(f);
	return data;
}

struct counts {
	unsigned long rows, changes, bad, warnings, relay;
};

/* One pass over the file; returns its seconds. */
static double parse_all(const char *data, size_t len, bool batch, struct counts *c)
{
	struct lq_kea_csv *p = malloc(sizeof(*p));
	struct lq_change_batch b;
	struct lq_binding_change ch;
	char why[160];
	const char *s = data, *end = data + len;
	double t0 = now_seconds();

	memset(c, 0, sizeof(*c));
	lq_change_batch_init(&b);
	lq_kea_csv_init(p);
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl != NULL ? (size_t)(nl - s) : (size_t)(end - s);
		int rc = lq_kea_csv_line(p, s, n, &ch, why, sizeof(why));
		c->rows++;
		if (rc < 0)
			c->bad++;
		if (p->warning[0] != '\0')
			c->warnings++;
		if (rc == 1) {
			c->changes++;
			c->relay += ch.binding.relay_info.data != NULL;
			if (batch && lq_change_batch_add(&b, &ch) == 0 && b.n >= BATCH_MAX)
				lq_change_batch_clear(&b);
		}
		s += n + 1;
	}
	double t = now_seconds() - t0;
	lq_change_batch_free(&b);
	free(p);
	return t;
}

int main(int argc, char **argv)
{
	size_t len;
	struct counts c = { 0 };

	if (argc < 2) {
		fputs("usage: kea_parse_bench FILE [ROUNDS]\n", stderr);
		return 2;
	}
	long rounds = argc > 2 ? strtol(argv[2], NULL, 10) : 3;
	if (rounds < 1)
		rounds = 1;
	char *data = read_file(argv[1], &len);
	if (data == NULL) {
		perror(argv[1]);
		return 1;
	}
	for (int with_batch = 0; with_batch < 2; with_batch++) {
		double best = 0;
		for (long r = 0; r < rounds; r++) {
			double t = parse_all(data, len, with_batch, &c);
			if (r == 0 || t < best)
				best = t;
		}
		printf("%s: %lu rows, %lu changes (%lu with relay data), %lu bad, %lu warnings: "
		       "%.3f s, %.0f rows/s, %.2f us/row\n",
		       with_batch ? "parse+batch" : "parse", c.rows, c.changes, c.relay, c.bad, c.warnings,
		       best, (double)c.rows / best, best * 1e6 / (double)c.rows);
	}
	free(data);
	return 0;
}
