/* follow.c - `tail -F` for lease files: inotify on the file's directory,
 * complete lines delivered once with the position after each, rotation by
 * rename handled by draining the old file before switching to the new one. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lq/follow.h"

#define READ_CHUNK 65536

static void follow_reset_buffer(struct lq_follow *f)
{
	f->buf_len = 0;
	f->skipping = false;
}

/* Open the file at f->path (if it exists) as the current file, from offset 0. */
static int follow_open_current(struct lq_follow *f)
{
	struct stat st;
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	if (fstat(fd, &st) < 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	f->fd = fd;
	f->pos = (struct lq_follow_pos){(uint64_t)st.st_dev, (uint64_t)st.st_ino, 0, 1};
	follow_reset_buffer(f);
	return 0;
}

static int follow_split_path(struct lq_follow *f, const char *path)
{
	f->path = strdup(path);
	const char *slash = strrchr(path, '/');
	if (slash == NULL)
		f->dir = strdup(".");
	else if (slash == path)
		f->dir = strdup("/");
	else
		f->dir = strndup(path, (size_t)(slash - path));
	if (f->path == NULL || f->dir == NULL)
		return -1;
	slash = strrchr(f->path, '/');
	f->name = slash != NULL ? slash + 1 : f->path;
	return 0;
}

int lq_follow_open(struct lq_follow *f, const char *path, const struct lq_follow_pos *resume, bool *resumed)
{
	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->inotify_fd = -1;
	if (resumed != NULL)
		*resumed = false;
	if (follow_split_path(f, path) < 0)
		goto fail;
	f->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (f->inotify_fd < 0)
		goto fail;
	if (inotify_add_watch(f->inotify_fd, f->dir,
			      IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CLOSE_WRITE) < 0)
		goto fail;
	if (follow_open_current(f) < 0)
		goto fail;
	if (resume != NULL && f->fd >= 0 && resume->dev == f->pos.dev && resume->ino == f->pos.ino) {
		struct stat st;
		if (fstat(f->fd, &st) == 0 && (uint64_t)st.st_size >= resume->offset &&
		    lseek(f->fd, (off_t)resume->offset, SEEK_SET) >= 0) {
			f->pos = *resume;
			if (resumed != NULL)
				*resumed = true;
		}
	}
	return 0;
fail:
	{
		int saved = errno;
		lq_follow_close(f);
		errno = saved;
	}
	return -1;
}

void lq_follow_close(struct lq_follow *f)
{
	if (f->fd >= 0)
		close(f->fd);
	if (f->inotify_fd >= 0)
		close(f->inotify_fd);
	free(f->path);
	free(f->dir);
	free(f->buf);
	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->inotify_fd = -1;
}

int lq_follow_fd(const struct lq_follow *f)
{
	return f->inotify_fd;
}

static void drain_inotify(struct lq_follow *f)
{
	char events[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

	while (read(f->inotify_fd, events, sizeof(events)) > 0)
		;
}

/* Deliver the complete lines in f->buf; keep the partial tail. */
static int deliver_lines(struct lq_follow *f, lq_follow_line_fn on_line, lq_follow_warn_fn on_warn, void *ctx)
{
	size_t start = 0;

	for (;;) {
		char *nl = memchr(f->buf + start, '\n', f->buf_len - start);
		if (nl == NULL)
			break;
		size_t end = (size_t)(nl - f->buf);
		size_t len = end - start;
		uint64_t line_no = f->pos.line;
		f->pos.offset += len + 1;
		f->pos.line++;
		if (f->skipping) {
			f->skipping = false;   /* the rest of an over-long line */
		} else {
			if (len > 0 && f->buf[start + len - 1] == '\r')
				len--;
			int rc = on_line(ctx, f->buf + start, len, line_no, &f->pos);
			if (rc != 0) {
				memmove(f->buf, nl + 1, f->buf_len - end - 1);
				f->buf_len -= end + 1;
				return rc;
			}
		}
		start = end + 1;
	}
	memmove(f->buf, f->buf + start, f->buf_len - start);
	f->buf_len -= start;
	if (f->buf_len > LQ_FOLLOW_MAX_LINE) {
		if (!f->skipping && on_warn != NULL)
			on_warn(ctx, f->path, f->pos.line, "line longer than 1 MiB skipped");
		f->skipping = true;
		f->pos.offset += f->buf_len;
		f->buf_len = 0;
	}
	return 0;
}

static int buffer_reserve(struct lq_follow *f, size_t more)
{
	if (f->buf_len + more <= f->buf_cap)
		return 0;
	size_t cap = f->buf_cap ? f->buf_cap : READ_CHUNK;
	while (cap < f->buf_len + more)
		cap *= 2;
	char *p = realloc(f->buf, cap);
	if (p == NULL)
		return -1;
	f->buf = p;
	f->buf_cap = cap;
	return 0;
}

/* Read the current file to its end, delivering lines. */
static int read_to_end(struct lq_follow *f, lq_follow_line_fn on_line, lq_follow_warn_fn on_warn, void *ctx)
{
	for (;;) {
		if (buffer_reserve(f, READ_CHUNK) < 0)
			return -1;
		ssize_t n = read(f->fd, f->buf + f->buf_len, READ_CHUNK);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			return 0;
		f->buf_len += (size_t)n;
		int rc = deliver_lines(f, on_line, on_warn, ctx);
		if (rc != 0)
			return rc;
	}
}

/* Has the path been given to another file (or truncated under us)? */
static bool current_file_replaced(struct lq_follow *f)
{
	struct stat st;

	if (stat(f->path, &st) < 0)
		return false;           /* renamed away, successor not there yet */
	if (f->fd < 0)
		return true;
	if ((uint64_t)st.st_dev != f->pos.dev || (uint64_t)st.st_ino != f->pos.ino)
		return true;
	return (uint64_t)st.st_size < f->pos.offset + f->buf_len;   /* truncated */
}

int lq_follow_read(struct lq_follow *f, lq_follow_line_fn on_line, lq_follow_warn_fn on_warn, void *ctx)
{
	drain_inotify(f);
	for (;;) {
		if (f->fd >= 0) {
			int rc = read_to_end(f, on_line, on_warn, ctx);
			if (rc != 0)
				return rc;
		}
		if (!current_file_replaced(f))
			return 0;
		if (f->fd >= 0) {
			/* lines written to the old file before it was replaced */
			int rc = read_to_end(f, on_line, on_warn, ctx);
			if (rc != 0)
				return rc;
			if (f->buf_len > 0 && on_warn != NULL)
				on_warn(ctx, f->path, f->pos.line, "file replaced while its last line was incomplete");
			close(f->fd);
			f->fd = -1;
		}
		if (follow_open_current(f) < 0)
			return -1;
		f->rotations++;
	}
}
