/* store_fixture.c - a temporary store for tests and fuzzers
 * (store_fixture.h). */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_fixture.h"

int lq_fixture_store_open(char *dir, const char *template, const struct lq_store_options *o,
			  struct lq_store **store)
{
	memcpy(dir, template, strlen(template) + 1);
	if (mkdtemp(dir) == NULL || lq_store_open(store, dir, o) != LQ_STORE_OK)
		return -1;
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void lq_fixture_remove_dir(const char *dir)
{
	nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}
