/* fuzz_config.c - libFuzzer target for lqd's configuration reader: the
 * input is read both as an lqd configuration (lq_config_parse) and as a Kea
 * configuration to import (lq_config_import_kea). Neither may crash, leak
 * or read out of bounds, whatever the text; errors must be terminated. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lq/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void touch_lookups(const struct lq_config *cfg)
{
	static const uint8_t probe[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1};
	lq_ip4 a4 = {{10, 0, 0, 1}};
	lq_ip6 a6;
	const struct lq_config_subnet4 *s4 = lq_config_find_subnet4(cfg, a4);
	const struct lq_config_subnet6 *s6;

	memcpy(a6.b, probe, sizeof a6.b);
	s6 = lq_config_find_subnet6(cfg, &a6);
	if (s4 != NULL)
		(void)lq_config_in_pool4(s4, a4);
	if (s6 != NULL)
		(void)lq_config_in_pool6(s6, &a6);
	(void)lq_config_requester_allowed(cfg, 6, probe);
	(void)lq_config_option_sensitive(cfg, 4, 82);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lq_config cfg;
	struct lq_config kea = {0};
	char err[256];

	if (lq_config_parse((const char *)data, size, NULL, &cfg, err, sizeof err) == 0) {
		touch_lookups(&cfg);
		lq_config_free(&cfg);
	} else if (strnlen(err, sizeof err) == sizeof err) {
		abort();        /* an error message must be terminated */
	}
	if (lq_config_import_kea(&kea, (const char *)data, size, "/fuzz/kea.conf", true, err,
				 sizeof err) == 0)
		touch_lookups(&kea);
	lq_config_free(&kea);
	return 0;
}
