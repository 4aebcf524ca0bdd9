/* fuzz_framing.c - libFuzzer target for the TCP framing reader: the input's
 * first octet picks a chunk size, the rest is the stream. Chunked and
 * all-at-once reads must yield the same frames, and frames never exceed the
 * limit. Each frame is then decoded as DHCPv4 and DHCPv6, as lqd would. */
#include <stdlib.h>
#include <string.h>

#include "lq/dhcp4.h"
#include "lq/dhcp6.h"
#include "lq/framing.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FRAME 1024
#define MAX_FRAMES 256

static struct lq4_msg msg4;

struct frame_log {
	size_t n;
	size_t len[MAX_FRAMES];
	uint32_t sum[MAX_FRAMES];
	lq_err err;
};

static uint32_t checksum(lq_bytes f)
{
	uint32_t s = 0;
	for (size_t i = 0; i < f.len; i++)
		s = s * 31 + f.data[i];
	return s;
}

static void read_all(const uint8_t *stream, size_t size, size_t chunk, struct frame_log *log, bool decode)
{
	static uint8_t storage[MAX_FRAME];
	struct lq_frame_reader r;
	struct lq6_msg msg6;

	memset(log, 0, sizeof(*log));
	lq_frame_reader_init(&r, storage, sizeof(storage), MAX_FRAME);
	for (size_t off = 0; off < size; off += chunk) {
		const uint8_t *p = stream + off;
		size_t len = size - off < chunk ? size - off : chunk;
		lq_bytes f;
		int rc;
		while ((rc = lq_frame_read(&r, &p, &len, &f)) == 1) {
			if (f.len == 0 || f.len > MAX_FRAME)
				abort();
			if (log->n < MAX_FRAMES) {
				log->len[log->n] = f.len;
				log->sum[log->n] = checksum(f);
			}
			log->n++;
			if (decode) {
				(void)lq4_decode(f.data, f.len, &msg4, NULL);
				(void)lq6_decode(f.data, f.len, &msg6, NULL);
			}
		}
		if (rc < 0) {
			log->err = r.err;
			return;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct frame_log chunked, whole;

	if (size < 1)
		return 0;
	size_t chunk = (size_t)data[0] % 17 + 1;
	read_all(data + 1, size - 1, chunk, &chunked, true);
	read_all(data + 1, size - 1, size, &whole, false);
	if (chunked.n != whole.n || chunked.err != whole.err)
		abort();
	for (size_t i = 0; i < chunked.n && i < MAX_FRAMES; i++)
		if (chunked.len[i] != whole.len[i] || chunked.sum[i] != whole.sum[i])
			abort();
	return 0;
}
