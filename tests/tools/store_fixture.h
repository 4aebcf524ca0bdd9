/* store_fixture.h - the temporary LMDB store the unit tests and fuzzers
 * that query a store build: a fresh directory under /tmp with a store
 * opened in it, and the directory removed with all it holds afterwards. */
#ifndef LQ_STORE_FIXTURE_H
#define LQ_STORE_FIXTURE_H

#include "lq/store.h"

/* Copy template (a mkdtemp(3) template, "/tmp/...-XXXXXX") into dir, which
 * must hold it, make that directory and open a store in it with options o
 * (NULL: the defaults). 0, or -1 when either fails. */
int lq_fixture_store_open(char *dir, const char *template, const struct lq_store_options *o,
			  struct lq_store **store);

/* Remove dir and everything below it (a closed store's files). */
void lq_fixture_remove_dir(const char *dir);

#endif
