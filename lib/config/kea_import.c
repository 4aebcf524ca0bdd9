/* kea_import.c - imports the subnets, pools and pd-pools of a Kea DHCPv4 or
 * DHCPv6 server configuration (Kea's JSON with comments: a "Dhcp4" and/or
 * "Dhcp6" object with "subnet4"/"subnet6" lists, also inside
 * "shared-networks"), and turns its "lease-database" into a lease source
 * suggestion. Keys lqd does not use are ignored: Kea has hundreds. */
#include "config_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Read the subnet list obj[key] ("subnet4"/"subnet6") and append each. */
static int import_subnet_list(struct cfg_ctx *ctx, const json_t *obj, int family,
			      struct lq_config *cfg)
{
	const char *key = family == 4 ? "subnet4" : "subnet6";
	const json_t *list = json_object_get(obj, key), *item;
	size_t i, mark;

	if (list == NULL)
		return 0;
	mark = cfg_enter_key(ctx, key);
	if (!json_is_array(list))
		return cfg_fail(ctx, "expected an array, got %s", cfg_json_type_name(list));
	json_array_foreach(list, i, item) {
		size_t item_mark = cfg_enter_index(ctx, i);
		int rc = family == 4 ? cfg_read_subnet4(ctx, item, false, cfg)
				     : cfg_read_subnet6(ctx, item, false, cfg);

		if (rc < 0)
			return -1;
		cfg_leave(ctx, item_mark);
	}
	cfg_leave(ctx, mark);
	return 0;
}

static int import_shared_networks(struct cfg_ctx *ctx, const json_t *dhcp, int family,
				  struct lq_config *cfg)
{
	const json_t *list = json_object_get(dhcp, "shared-networks"), *network;
	size_t i, mark;

	if (list == NULL)
		return 0;
	mark = cfg_enter_key(ctx, "shared-networks");
	if (!json_is_array(list))
		return cfg_fail(ctx, "expected an array, got %s", cfg_json_type_name(list));
	json_array_foreach(list, i, network) {
		size_t item_mark = cfg_enter_index(ctx, i);

		if (!json_is_object(network))
			return cfg_fail(ctx, "expected an object, got %s", cfg_json_type_name(network));
		if (import_subnet_list(ctx, network, family, cfg) < 0)
			return -1;
		cfg_leave(ctx, item_mark);
	}
	cfg_leave(ctx, mark);
	return 0;
}

/* Append key='value' to a libpq conninfo, quoting as libpq wants. */
static void conninfo_append(char *buf, size_t cap, const char *key, const char *value)
{
	size_t len = strlen(buf);

	if (len + 1 >= cap)
		return;
	snprintf(buf + len, cap - len, "%s%s='", len > 0 ? " " : "", key);
	len = strlen(buf);
	for (const char *p = value; *p != '\0' && len + 3 < cap; p++) {
		if (*p == '\'' || *p == '\\')
			buf[len++] = '\\';
		buf[len++] = *p;
	}
	if (len + 1 < cap)
		buf[len++] = '\'';
	buf[len] = '\0';
}

/* Kea's postgresql lease-database as a libpq conninfo. */
static char *pgsql_conninfo(const json_t *db)
{
	static const char *const keys[][2] = {
		{"host", "host"}, {"name", "dbname"}, {"user", "user"}, {"password", "password"},
	};
	const json_t *port = json_object_get(db, "port");
	char buf[1024] = "";

	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const json_t *value = json_object_get(db, keys[i][0]);

		if (json_is_string(value))
			conninfo_append(buf, sizeof buf, keys[i][1], json_string_value(value));
	}
	if (json_is_integer(port)) {
		char text[24];

		snprintf(text, sizeof text, "%lld", (long long)json_integer_value(port));
		conninfo_append(buf, sizeof buf, "port", text);
	}
	return strdup(buf);
}

/* memfile: the lease file ("name", else Kea's default), none when not persisted. */
static int suggest_memfile(struct cfg_ctx *ctx, const json_t *db, int family,
			   const char *base_dir, struct lq_config *cfg)
{
	const json_t *name = json_object_get(db, "name");
	const char *path = family == 4 ? LQ_CONFIG_DEFAULT_KEA_LEASES4 : LQ_CONFIG_DEFAULT_KEA_LEASES6;
	char *resolved;

	if (json_is_false(json_object_get(db, "persist")))
		return 0;
	if (json_is_string(name) && json_string_length(name) > 0)
		path = json_string_value(name);
	resolved = cfg_resolve_path(base_dir, path);
	if (resolved == NULL || cfg_add_source(cfg, LQ_CONFIG_SOURCE_KEA_CSV, resolved, NULL, family,
					       true) < 0)
		return cfg_fail(ctx, "out of memory");
	return 0;
}

static int suggest_source(struct cfg_ctx *ctx, const json_t *dhcp, int family,
			  const char *base_dir, struct lq_config *cfg)
{
	const json_t *db = json_object_get(dhcp, "lease-database");
	const json_t *type = json_object_get(db, "type");
	char *conninfo;

	if (!json_is_object(db) || !json_is_string(type))
		return 0;
	if (strcmp(json_string_value(type), "memfile") == 0)
		return suggest_memfile(ctx, db, family, base_dir, cfg);
	if (strcmp(json_string_value(type), "postgresql") != 0)
		return 0;       /* mysql and others: lqd has no source for them */
	conninfo = pgsql_conninfo(db);
	if (conninfo == NULL ||
	    cfg_add_source(cfg, LQ_CONFIG_SOURCE_KEA_PGSQL, NULL, conninfo, family, true) < 0)
		return cfg_fail(ctx, "out of memory");
	return 0;
}

static int import_dhcp(struct cfg_ctx *ctx, const json_t *root, int family, bool add_source,
		       const char *base_dir, struct lq_config *cfg)
{
	const char *key = family == 4 ? "Dhcp4" : "Dhcp6";
	const json_t *dhcp = json_object_get(root, key);
	size_t mark;

	if (dhcp == NULL)
		return 0;
	mark = cfg_enter_key(ctx, key);
	if (!json_is_object(dhcp))
		return cfg_fail(ctx, "expected an object, got %s", cfg_json_type_name(dhcp));
	if (import_subnet_list(ctx, dhcp, family, cfg) < 0 ||
	    import_shared_networks(ctx, dhcp, family, cfg) < 0)
		return -1;
	if (add_source && suggest_source(ctx, dhcp, family, base_dir, cfg) < 0)
		return -1;
	cfg_leave(ctx, mark);
	return 0;
}

/* The directory part of origin (NULL when it has none). */
static char *origin_dir(const char *origin)
{
	const char *slash = strrchr(origin, '/');
	char *dir;

	if (slash == NULL)
		return NULL;
	if (slash == origin)
		return strdup("/");
	dir = strndup(origin, (size_t)(slash - origin));
	return dir;
}

int cfg_kea_import_text(struct cfg_ctx *ctx, struct lq_config *cfg, const char *text,
			size_t len, const char *origin, bool add_source)
{
	size_t prefix_len = strlen(origin) + 3;
	char *prefix = malloc(prefix_len);
	char *base_dir = origin_dir(origin);
	struct cfg_ctx kea;
	json_t *root;
	int rc = -1;

	if (prefix == NULL) {
		free(base_dir);
		return cfg_fail(ctx, "out of memory");
	}
	snprintf(prefix, prefix_len, "%s: ", origin);
	cfg_ctx_init(&kea, ctx->err, ctx->err_cap, prefix);
	root = cfg_parse_json(ctx, text, len, origin);  /* "origin:line:col: why" */
	if (root != NULL && json_object_get(root, "Dhcp4") == NULL &&
	    json_object_get(root, "Dhcp6") == NULL)
		cfg_report(&kea, "no \"Dhcp4\" or \"Dhcp6\" object (is this a Kea DHCP server "
			 "configuration?)");
	else if (root != NULL && import_dhcp(&kea, root, 4, add_source, base_dir, cfg) == 0 &&
		 import_dhcp(&kea, root, 6, add_source, base_dir, cfg) == 0)
		rc = 0;
	json_decref(root);
	free(base_dir);
	free(prefix);
	return rc;
}

int cfg_kea_import_file(struct cfg_ctx *ctx, struct lq_config *cfg, const char *path,
			bool add_source)
{
	size_t len;
	char *text = cfg_read_file(ctx, path, &len);
	int rc;

	if (text == NULL)
		return -1;
	rc = cfg_kea_import_text(ctx, cfg, text, len, path, add_source);
	free(text);
	return rc;
}
