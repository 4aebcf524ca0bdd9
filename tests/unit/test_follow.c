/* test_follow.c - following a lease file on a real file system: lines once
 * and in order with their positions, partial lines held back, rotation by
 * rename (with a last write to the old file), resume after a restart, a file
 * that appears later, over-long lines, and inotify waking the reader. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lq/follow.h"

struct seen {
	char lines[64][64];
	uint64_t line_no[64];
	struct lq_follow_pos after[64];
	int n;
	int warnings;
};

static int on_line(void *ctx, const char *line, size_t len, uint64_t line_no, const struct lq_follow_pos *after)
{
	struct seen *s = ctx;
	assert_true(s->n < 64);
	assert_true(len < 64);
	memcpy(s->lines[s->n], line, len);
	s->lines[s->n][len] = '\0';
	s->line_no[s->n] = line_no;
	s->after[s->n] = *after;
	s->n++;
	return 0;
}

static void on_warn(void *ctx, const char *path, uint64_t line_no, const char *what)
{
	struct seen *s = ctx;
	(void)path;
	(void)line_no;
	(void)what;
	s->warnings++;
}

static char dir[64];
static char path[128];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/lq-follow-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/leases4.csv", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[160];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void append(const char *file, const char *text)
{
	int fd = open(file, O_WRONLY | O_CREAT | O_APPEND, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void test_lines_and_positions(void **state)
{
	(void)state;
	struct lq_follow f;
	struct seen s = {0};
	bool resumed = true;

	append(path, "header\na,1\r\nb,2\nparti");
	assert_int_equal(lq_follow_open(&f, path, NULL, &resumed), 0);
	assert_false(resumed);
	assert_int_equal(lq_follow_read(&f, on_line, on_warn, &s), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.lines[0], "header");
	assert_string_equal(s.lines[1], "a,1");          /* CR removed */
	assert_string_equal(s.lines[2], "b,2");
	assert_int_equal(s.line_no[0], 1);
	assert_int_equal(s.line_no[2], 3);
	assert_int_equal(s.after[0].offset, 7);          /* "header\n" */
	assert_int_equal(s.after[1].offset, 12);         /* + "a,1\r\n" */
	assert_int_equal(s.after[2].offset, 16);         /* + "b,2\n" */
	assert_int_equal(s.after[2].line, 4);
	/* the partial line comes when it is complete */
	append(path, "al\n");
	assert_int_equal(lq_follow_read(&f, on_line, on_warn, &s), 0);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.lines[3], "partial");
	assert_int_equal(s.after[3].offset, 24);
	lq_follow_close(&f);
}

static void test_rotation_loses_nothing(void **state)
{
	(void)state;
	struct lq_follow f;
	struct seen s = {0};
	char old[160];

	snprintf(old, sizeof(old), "%s.1", path);
	append(path, "header\nl1\nl2\n");
	assert_int_equal(lq_follow_open(&f, path, NULL, NULL), 0);
	assert_int_equal(lq_follow_read(&f, on_line, on_warn, &s), 0);
	assert_int_equal(s.n, 3);
	/* the writer appends once more, then moves the file away (Kea's LFC) */
	int fd = open(path, O_WRONLY | O_APPEND);
	assert_int_equal(write(fd, "l3\n", 3), 3);
	assert_int_equal(rename(path, old), 0);
	assert_int_equal(write(fd, "l4\n", 3), 3);       /* still to the old file */
	close(fd);
	/* renamed away, no successor yet: what is there is read, nothing lost */
	assert_int_equal(lq_follow_read(&f, on_line, on_warn, &s), 0);
	assert_int_equal(s.n, 5);
	append(path, "header\nn1\n");
	assert_int_equal(lq_follow_read(&f, on_line, on_warn, &s), 0);
	assert_int_equal(s.n, 7);
	assert_string_equal(s.lines[3], "l3");
	assert_string_equal(s.lines[4], "l4");
	assert_string_equal(s.lines[5], "header");
	assert_int_equal(s.line_no[5], 1);               /* a new file starts at line 1 */
	assert_string_equal(s.lines[6], "n1");
	assert_int_equal(f.rotations, 1);
	/* a rename that happens between two reads, with a write before it */
	append(path, "n2\n");
	assert_int_equal(rename(path, old), 0);
	append(path, "header\nm1\n");
	assert_int_equal(lq_follow_read(&f, on_line, on_warn, &s), 0);
	assert_int_equal(s.n, 10);
	assert_string_equal(s.lines[7], "n2");
	assert_string_equal(s.lines[9], "m1");
	assert_int_equal(f.rotations, 2);
	assert_int_equal(s.warnings, 0);
	lq_follow_close(&f);
}

static void test_resume(void **state)
{
	(void)state;
	struct lq_follow f;
	struct seen s = {0};
	bool resumed = false;

	append(path, "header\nl1\nl2\n");
	assert_int_equal(lq_follow_open(&f, path, NULL, NULL), 0);
	assert_int_equal(lq_follow_read(&f, on_line, on_warn, &s), 0);
	struct lq_follow_pos saved = s.after[1];          /* after "l1" */
	lq_follow_close(&f);

	append(path, "l3\n");
	memset(&s, 0, sizeof(s));
	assert_int_equal(lq_follow_open(&f, path, &saved, &resumed), 0);
	assert_true(resumed);
	assert_int_equal(lq_follow_read(&f, on_line, on_warn, &s), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.lines[0], "l2");
	assert_int_equal(s.line_no[0], 3);
	assert_string_equal(s.lines[1], "l3");
	lq_follow_close(&f);

	/* the file was replaced while we were away: start over, say so */
	char old[160];
	snprintf(old, sizeof(old), "%s.1", path);
	assert_int_equal(rename(path, old), 0);
	append(path, "header\nx1\n");
	memset(&s, 0, sizeof(s));
	assert_int_equal(lq_follow_open(&f, path, &saved, &resumed), 0);
	assert_false(resumed);
	assert_int_equal(lq_follow_read(&f, on_line, on_warn, &s), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.lines[1], "x1");
	lq_follow_close(&f);
}

static void test_file_appears_later_and_wakes(void **state)
{
	(void)state;
	struct lq_follow f;
	struct seen s = {0};

	assert_int_equal(lq_follow_open(&f, path, NULL, NULL), 0);
	assert_int_equal(lq_follow_read(&f, on_line, on_warn, &s), 0);
	assert_int_equal(s.n, 0);
	struct pollfd p = {lq_follow_fd(&f), POLLIN, 0};
	assert_int_equal(poll(&p, 1, 0), 0);              /* nothing happened yet */
	append(path, "header\n");
	assert_int_equal(poll(&p, 1, 2000), 1);           /* creation wakes the reader */
	assert_int_equal(lq_follow_read(&f, on_line, on_warn, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(poll(&p, 1, 0), 0);              /* events consumed */
	append(path, "l1\n");
	assert_int_equal(poll(&p, 1, 2000), 1);           /* so does an append */
	assert_int_equal(lq_follow_read(&f, on_line, on_warn, &s), 0);
	assert_int_equal(s.n, 2);
	lq_follow_close(&f);
}

static void test_overlong_line_skipped(void **state)
{
	(void)state;
	struct lq_follow f;
	struct seen s = {0};
	size_t big = LQ_FOLLOW_MAX_LINE + 100000;
	char *line = malloc(big + 1);

	assert_non_null(line);
	memset(line, 'x', big);
	line[big] = '\0';
	append(path, "header\n");
	append(path, line);
	append(path, "\nafter\n");
	free(line);
	assert_int_equal(lq_follow_open(&f, path, NULL, NULL), 0);
	assert_int_equal(lq_follow_read(&f, on_line, on_warn, &s), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.lines[1], "after");
	assert_int_equal(s.line_no[1], 3);
	assert_int_equal(s.warnings, 1);
	assert_int_equal(s.after[1].offset, 7 + big + 1 + 6);
	lq_follow_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lines_and_positions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rotation_loses_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resume, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_appears_later_and_wakes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlong_line_skipped, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
