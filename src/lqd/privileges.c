/* privileges.c - lqd started as root gives root up once everything that
 * needs it is open (ports 67 and 547, the store, the control socket): it
 * hands the store directory and the control socket to the configured user,
 * then takes that user's groups, group and user id for good, and checks that
 * root cannot be taken back. */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lqd.h"

/* The store directory and the files in it (data.mdb, lock.mdb, server-duid). */
static int chown_store(const char *dir, uid_t uid, gid_t gid)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL || chown(dir, uid, gid) < 0) {
		if (d != NULL)
			closedir(d);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (fchownat(dirfd(d), e->d_name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	return 0;
}

int lqd_drop_privileges(struct lqd *d)
{
	const char *name = d->config.user;

	if (name == NULL)
		return 0;
	if (geteuid() != 0) {
		lqd_log(LQD_LOG_WARNING, "user \"%s\": not started as root, staying who we are", name);
		return 0;
	}
	errno = 0;
	struct passwd *pw = getpwnam(name);
	if (pw == NULL) {
		lqd_log(LQD_LOG_ERROR, "user \"%s\": %s", name, errno != 0 ? strerror(errno) : "no such user");
		return -1;
	}
	if (chown_store(d->config.store.path, pw->pw_uid, pw->pw_gid) < 0 ||
	    (d->config.control_socket != NULL && chown(d->config.control_socket, pw->pw_uid, pw->pw_gid) < 0)) {
		lqd_log(LQD_LOG_ERROR, "user \"%s\": cannot hand over the store or control socket: %s", name,
			strerror(errno));
		return -1;
	}
	if (initgroups(name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0) {
		lqd_log(LQD_LOG_ERROR, "user \"%s\": cannot switch: %s", name, strerror(errno));
		return -1;
	}
	if (pw->pw_uid != 0 && setuid(0) == 0) {
		lqd_log(LQD_LOG_ERROR, "user \"%s\": root could be taken back; stopping", name);
		return -1;
	}
	lqd_log(LQD_LOG_INFO, "running as user %s (uid %u, gid %u)", name, (unsigned)pw->pw_uid,
		(unsigned)pw->pw_gid);
	return 0;
}
