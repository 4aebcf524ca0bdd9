/* test_framing.c - the TCP framing reader and writer: every way of chunking
 * a stream of frames yields the same frames; oversized and empty frames are
 * refused; the writer never writes past its buffer. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "lq/framing.h"

/* Three frames: "abc" (len 00 03), 1 octet 0x7f (00 01), 300 octets of i&0xff (01 2c). */
static size_t build_stream(uint8_t *out)
{
	size_t n = 0;
	static const uint8_t first[] = {0x00, 0x03, 'a', 'b', 'c', 0x00, 0x01, 0x7f, 0x01, 0x2c};
	memcpy(out, first, sizeof(first));
	n = sizeof(first);
	for (int i = 0; i < 300; i++)
		out[n++] = (uint8_t)i;
	return n;
}

static void check_frame(int idx, lq_bytes f)
{
	switch (idx) {
	case 0:
		assert_int_equal(f.len, 3);
		assert_memory_equal(f.data, "abc", 3);
		break;
	case 1:
		assert_int_equal(f.len, 1);
		assert_int_equal(f.data[0], 0x7f);
		break;
	case 2:
		assert_int_equal(f.len, 300);
		for (int i = 0; i < 300; i++)
			assert_int_equal(f.data[i], (uint8_t)i);
		break;
	default:
		fail_msg("too many frames");
	}
}

/* Feed the stream in chunks of `chunk` octets; all three frames must appear. */
static void read_in_chunks(size_t chunk)
{
	uint8_t stream[400], storage[1024];
	size_t total = build_stream(stream);
	struct lq_frame_reader r;
	int frames = 0;

	assert_int_equal(lq_frame_reader_init(&r, storage, sizeof(storage), 1024), LQ_OK);
	for (size_t off = 0; off < total; off += chunk) {
		const uint8_t *p = stream + off;
		size_t len = total - off < chunk ? total - off : chunk;
		lq_bytes f;
		int rc;
		while ((rc = lq_frame_read(&r, &p, &len, &f)) == 1)
			check_frame(frames++, f);
		assert_int_equal(rc, 0);
		assert_int_equal(len, 0);
	}
	assert_int_equal(frames, 3);
	assert_true(lq_frame_reader_idle(&r));
}

static void test_every_chunk_size(void **state)
{
	(void)state;
	for (size_t chunk = 1; chunk <= 320; chunk++)
		read_in_chunks(chunk);
}

static void test_partial_is_not_idle(void **state)
{
	(void)state;
	uint8_t storage[64];
	struct lq_frame_reader r;
	const uint8_t half[] = {0x00, 0x04, 'x'};
	const uint8_t *p = half;
	size_t len = sizeof(half);
	lq_bytes f;

	lq_frame_reader_init(&r, storage, sizeof(storage), 64);
	assert_true(lq_frame_reader_idle(&r));
	assert_int_equal(lq_frame_read(&r, &p, &len, &f), 0);
	assert_false(lq_frame_reader_idle(&r));
}

static void test_oversized_refused(void **state)
{
	(void)state;
	uint8_t storage[100];
	struct lq_frame_reader r;
	const uint8_t big[] = {0x00, 0x65, 1, 2, 3};   /* 101 > 100 */
	const uint8_t *p = big;
	size_t len = sizeof(big);
	lq_bytes f;

	lq_frame_reader_init(&r, storage, sizeof(storage), 100);
	assert_int_equal(lq_frame_read(&r, &p, &len, &f), -1);
	assert_int_equal(r.err, LQ_ERR_FRAME_TOO_LARGE);
	/* sticky: nothing more is read from a broken stream */
	const uint8_t ok[] = {0x00, 0x01, 9};
	p = ok;
	len = sizeof(ok);
	assert_int_equal(lq_frame_read(&r, &p, &len, &f), -1);
}

static void test_exact_limit_accepted(void **state)
{
	(void)state;
	static uint8_t storage[LQ_FRAME_MAX], stream[LQ_FRAME_MAX + 2];
	struct lq_frame_reader r;
	lq_bytes f;

	stream[0] = 0xff;
	stream[1] = 0xff;
	memset(stream + 2, 0xab, LQ_FRAME_MAX);
	lq_frame_reader_init(&r, storage, sizeof(storage), LQ_FRAME_MAX);
	/* first 2 + 1000 octets, then the rest: exercises the copying path */
	const uint8_t *p = stream;
	size_t len = 1002;
	assert_int_equal(lq_frame_read(&r, &p, &len, &f), 0);
	len = sizeof(stream) - 1002;
	assert_int_equal(lq_frame_read(&r, &p, &len, &f), 1);
	assert_int_equal(f.len, LQ_FRAME_MAX);
	assert_ptr_equal(f.data, storage);
	assert_int_equal(f.data[LQ_FRAME_MAX - 1], 0xab);
}

static void test_empty_frame_refused(void **state)
{
	(void)state;
	uint8_t storage[16];
	struct lq_frame_reader r;
	const uint8_t zero[] = {0x00, 0x00};
	const uint8_t *p = zero;
	size_t len = 2;
	lq_bytes f;

	lq_frame_reader_init(&r, storage, sizeof(storage), 16);
	assert_int_equal(lq_frame_read(&r, &p, &len, &f), -1);
	assert_int_equal(r.err, LQ_ERR_FRAME_EMPTY);
}

static void test_init_arguments(void **state)
{
	(void)state;
	uint8_t storage[16];
	struct lq_frame_reader r;

	assert_int_equal(lq_frame_reader_init(&r, storage, 16, 0), LQ_ERR_INVALID_ARGUMENT);
	assert_int_equal(lq_frame_reader_init(&r, storage, 16, 17), LQ_ERR_INVALID_ARGUMENT);
	assert_int_equal(lq_frame_reader_init(&r, NULL, 16, 16), LQ_ERR_INVALID_ARGUMENT);
	assert_int_equal(lq_frame_reader_init(&r, storage, 70000, 70000), LQ_ERR_INVALID_ARGUMENT);
}

static void test_writer(void **state)
{
	(void)state;
	uint8_t out[8];
	size_t n = 0;
	const uint8_t msg[] = {1, 2, 3};
	uint8_t hdr[2];

	assert_int_equal(lq_frame_write(msg, 3, out, sizeof(out), &n), LQ_OK);
	assert_int_equal(n, 5);
	const uint8_t want[] = {0x00, 0x03, 1, 2, 3};
	assert_memory_equal(out, want, 5);
	/* one octet short: refused, guard octet untouched */
	memset(out, 0xee, sizeof(out));
	assert_int_equal(lq_frame_write(msg, 3, out, 4, &n), LQ_ERR_NO_SPACE);
	assert_int_equal(out[4], 0xee);
	assert_int_equal(lq_frame_write(msg, 0, out, sizeof(out), &n), LQ_ERR_FRAME_EMPTY);
	assert_int_equal(lq_frame_header(65536, hdr), LQ_ERR_FRAME_TOO_LARGE);
	assert_int_equal(lq_frame_header(0x1234, hdr), LQ_OK);
	assert_int_equal(hdr[0], 0x12);
	assert_int_equal(hdr[1], 0x34);
}

/* Writer and reader agree: frames written back to back read back whole. */
static void test_write_then_read(void **state)
{
	(void)state;
	uint8_t stream[4096], storage[512];
	size_t used = 0;
	for (size_t len = 1; len <= 40; len++) {
		uint8_t msg[40];
		size_t n;
		memset(msg, (int)len, len);
		assert_int_equal(lq_frame_write(msg, len, stream + used, sizeof(stream) - used, &n), LQ_OK);
		used += n;
	}
	struct lq_frame_reader r;
	lq_frame_reader_init(&r, storage, sizeof(storage), 512);
	const uint8_t *p = stream;
	size_t len = used;
	lq_bytes f;
	for (size_t want = 1; want <= 40; want++) {
		assert_int_equal(lq_frame_read(&r, &p, &len, &f), 1);
		assert_int_equal(f.len, want);
		assert_int_equal(f.data[0], (uint8_t)want);
	}
	assert_int_equal(lq_frame_read(&r, &p, &len, &f), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_chunk_size),
		cmocka_unit_test(test_partial_is_not_idle),
		cmocka_unit_test(test_oversized_refused),
		cmocka_unit_test(test_exact_limit_accepted),
		cmocka_unit_test(test_empty_frame_refused),
		cmocka_unit_test(test_init_arguments),
		cmocka_unit_test(test_writer),
		cmocka_unit_test(test_write_then_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
