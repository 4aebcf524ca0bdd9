/* follow.h - follows a growing text file the way `tail -F` does, for lease
 * sources: delivers each complete line once, with the position just after
 * it, survives the file being renamed away and replaced (Kea's lease file
 * cleanup, dhcpd's periodic rewrite) without losing or repeating a line, and
 * can resume from a saved position after a restart. Linux inotify tells when
 * to read again; lq_follow_read() never blocks. */
#ifndef LQ_FOLLOW_H
#define LQ_FOLLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LQ_FOLLOW_MAX_LINE ((size_t)1024 * 1024) /* a longer line is reported and skipped */

/* Where the next unread line starts: which file (device + inode) and the
 * offset in it. Saved with the bindings it produced, it lets a restart resume. */
struct lq_follow_pos {
	uint64_t dev;
	uint64_t ino;
	uint64_t offset;
	uint64_t line;          /* number of the next line in that file (1-based) */
};

struct lq_follow {
	char *path;
	char *dir;              /* the directory watched for renames and creation */
	const char *name;       /* the file's name inside dir (points into path) */
	int fd;                 /* current file, -1 while it does not exist */
	int inotify_fd;
	struct lq_follow_pos pos;
	char *buf;              /* bytes read but not yet delivered (a partial line) */
	size_t buf_len, buf_cap;
	bool skipping;          /* inside an over-long line being discarded */
	uint64_t rotations;     /* files switched to since open */
};

/* Called for each complete line (without its "\n" or "\r\n"). line_no is the
 * line's number in its file (1 = a header line); after is the position just
 * past it. Return 0 to go on, non-zero to stop reading (lq_follow_read
 * returns that value). */
typedef int (*lq_follow_line_fn)(void *ctx, const char *line, size_t len, uint64_t line_no,
				 const struct lq_follow_pos *after);
/* Called for a problem that does not stop following (an over-long line). */
typedef void (*lq_follow_warn_fn)(void *ctx, const char *path, uint64_t line_no, const char *what);

/* Start following path. With resume != NULL and the same file still there,
 * reading continues at resume->offset; if that file was replaced meanwhile,
 * reading starts at the beginning of the current file and *resumed is set
 * false, so the caller knows it must reload. Returns 0, or -1 with errno. */
int lq_follow_open(struct lq_follow *f, const char *path, const struct lq_follow_pos *resume, bool *resumed);
void lq_follow_close(struct lq_follow *f);

/* The descriptor to poll for readability: it becomes readable when the file
 * grows, is renamed away or is created. */
int lq_follow_fd(const struct lq_follow *f);

/* Read everything available now and deliver complete lines; handles a
 * replaced file (drains the old one to its end first, then switches to the
 * new one from its start). Returns 0, a callback's non-zero value, or -1 with
 * errno on a read error. */
int lq_follow_read(struct lq_follow *f, lq_follow_line_fn on_line, lq_follow_warn_fn on_warn, void *ctx);

#endif
