/* cmd_decode.c - `lq decode`: turn hex dumps of leasequery messages (a single
 * message, or with --tcp a framed TCP stream) into readable text or JSON. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "lq/framing.h"
#include "lq/print.h"

struct hexbuf {
	uint8_t *data;
	size_t len, cap;
};

static int hexbuf_push(struct hexbuf *h, uint8_t v)
{
	if (h->data == NULL || h->len == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 1024;
		uint8_t *p = realloc(h->data, cap);
		if (p == NULL)
			return -1;
		h->data = p;
		h->cap = cap;
	}
	h->data[h->len++] = v;
	return 0;
}

/* Append the hex digits of s (separators ':', '-', '.', white space allowed
 * between octets). Returns -1 on a stray character or an odd digit count. */
static int parse_hex_text(struct hexbuf *h, const char *s)
{
	int high = -1;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (isxdigit(c)) {
			int v = isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
			if (high < 0) {
				high = v;
			} else {
				if (hexbuf_push(h, (uint8_t)(high << 4 | v)) < 0)
					return -1;
				high = -1;
			}
		} else if (isspace(c) || c == ':' || c == '-' || c == '.') {
			if (high >= 0)
				return -1;
		} else {
			return -1;
		}
	}
	return high >= 0 ? -1 : 0;
}

static int read_hex_stdin(struct hexbuf *h)
{
	char line[4096];

	while (fgets(line, sizeof(line), stdin) != NULL)
		if (parse_hex_text(h, line) < 0)
			return -1;
	return 0;
}

static void print_and_clear(struct lq_text *t)
{
	if (t->data == NULL || t->len == 0) {
		fputc('\n', stdout);
		return;
	}
	fputs(t->data, stdout);
	if (t->data[t->len - 1] != '\n')
		fputc('\n', stdout);
	lq_text_reset(t);
}

/* Decode every frame of a TCP stream; returns the number of bad messages or -1. */
static int decode_stream(struct lq_text *t, int family, const struct hexbuf *h, bool json)
{
	static uint8_t storage[LQ_FRAME_MAX];
	struct lq_frame_reader r;
	const uint8_t *p = h->data;
	size_t len = h->len;
	lq_bytes frame;
	int bad = 0, rc;

	lq_frame_reader_init(&r, storage, sizeof(storage), LQ_FRAME_MAX);
	while ((rc = lq_frame_read(&r, &p, &len, &frame)) == 1) {
		if (lq_print_packet(t, family, frame.data, frame.len, json) != LQ_OK)
			bad++;
		print_and_clear(t);
	}
	if (rc < 0) {
		fprintf(stderr, "lq decode: %s\n", lq_strerror(r.err));
		return -1;
	}
	if (!lq_frame_reader_idle(&r)) {
		fprintf(stderr, "lq decode: stream ends inside a frame\n");
		return -1;
	}
	return bad;
}

int cmd_decode(int argc, char **argv)
{
	int family = 0;
	bool json = false, tcp = false;
	struct hexbuf h = {0};
	int first = 1;

	for (; first < argc && argv[first][0] == '-' && argv[first][1] != '\0'; first++) {
		if (strcmp(argv[first], "-4") == 0)
			family = 4;
		else if (strcmp(argv[first], "-6") == 0)
			family = 6;
		else if (strcmp(argv[first], "--json") == 0)
			json = true;
		else if (strcmp(argv[first], "--tcp") == 0)
			tcp = true;
		else {
			fprintf(stderr, "lq decode: unknown option %s\n", argv[first]);
			return LQ_EXIT_USAGE;
		}
	}
	if (family == 0 || first >= argc) {
		fprintf(stderr, "usage: lq decode -4|-6 [--json] [--tcp] HEX... | -\n");
		return LQ_EXIT_USAGE;
	}
	for (int i = first; i < argc; i++) {
		int rc = strcmp(argv[i], "-") == 0 ? read_hex_stdin(&h) : parse_hex_text(&h, argv[i]);
		if (rc < 0) {
			fprintf(stderr, "lq decode: input is not hex octets\n");
			free(h.data);
			return LQ_EXIT_USAGE;
		}
	}
	struct lq_text t;
	lq_text_init(&t);
	int bad;
	if (tcp) {
		bad = decode_stream(&t, family, &h, json);
	} else {
		bad = lq_print_packet(&t, family, h.data, h.len, json) != LQ_OK;
		print_and_clear(&t);
	}
	lq_text_free(&t);
	free(h.data);
	return bad == 0 ? LQ_EXIT_OK : LQ_EXIT_SERVER_ERROR;
}
