/* test_config.c - lqd's configuration: a full file with every key and its
 * exact parsed values, the defaults, comments of every kind, each validation
 * error with its exact message, and the import of realistic Kea DHCPv4 and
 * DHCPv6 configurations (tests/data/config). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lq/config.h"

#define ERR_CAP 1024

/* ------------------------------------------------------------- helpers */

/* tests/data/config, found from this file's path: meson compiles it as
 * "../tests/unit/test_config.c" relative to the build root, which is the
 * parent of the directory holding this executable. */
static const char *data_dir(void)
{
	static char dir[PATH_MAX];
	char exe[PATH_MAX], file[PATH_MAX], joined[2 * PATH_MAX + 64];
	ssize_t n;

	if (dir[0] != '\0')
		return dir;
	snprintf(file, sizeof file, "%s", __FILE__);
	*strrchr(file, '/') = '\0';            /* .../tests/unit */
	if (file[0] == '/') {
		snprintf(joined, sizeof joined, "%s/../data/config", file);
	} else {
		n = readlink("/proc/self/exe", exe, sizeof exe - 1);
		assert_true(n > 0);
		exe[n] = '\0';
		*strrchr(exe, '/') = '\0';      /* .../build/tests */
		*strrchr(exe, '/') = '\0';      /* .../build */
		snprintf(joined, sizeof joined, "%s/%s/../data/config", exe, file);
	}
	assert_non_null(realpath(joined, dir));
	return dir;
}

static void data_path(char *out, size_t cap, const char *name)
{
	int n = snprintf(out, cap, "%s/%s", data_dir(), name);

	assert_true(n > 0 && (size_t)n < cap);
}

static void parse_ok(const char *text, const char *base_dir, struct lq_config *cfg)
{
	char err[ERR_CAP] = "";
	int rc = lq_config_parse(text, strlen(text), base_dir, cfg, err, sizeof err);

	if (rc != 0)
		fail_msg("unexpected error: %s", err);
}

static void expect_error(const char *text, const char *message)
{
	struct lq_config cfg;
	char err[ERR_CAP] = "";

	assert_int_equal(lq_config_parse(text, strlen(text), NULL, &cfg, err, sizeof err), -1);
	assert_string_equal(err, message);
	/* a failed parse leaves nothing to free */
	assert_null(cfg.subnets4);
	assert_null(cfg.listen);
	assert_int_equal(cfg.n_sources, 0);
}

static void assert_ip4(lq_ip4 got, const char *want)
{
	uint8_t b[4];

	assert_int_equal(inet_pton(AF_INET, want, b), 1);
	if (memcmp(got.b, b, 4) != 0) {
		char text[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, got.b, text, sizeof text);
		fail_msg("got %s, want %s", text, want);
	}
}

static void assert_ip6(lq_ip6 got, const char *want)
{
	uint8_t b[16];

	assert_int_equal(inet_pton(AF_INET6, want, b), 1);
	if (memcmp(got.b, b, 16) != 0) {
		char text[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, got.b, text, sizeof text);
		fail_msg("got %s, want %s", text, want);
	}
}

static lq_ip4 ip4(const char *text)
{
	lq_ip4 a;

	assert_int_equal(inet_pton(AF_INET, text, a.b), 1);
	return a;
}

static lq_ip6 ip6(const char *text)
{
	lq_ip6 a;

	assert_int_equal(inet_pton(AF_INET6, text, a.b), 1);
	return a;
}

static void assert_pool4(const struct lq_config_pool4 *p, const char *first, const char *last)
{
	assert_ip4(p->first, first);
	assert_ip4(p->last, last);
}

static void assert_pool6(const struct lq_config_pool6 *p, const char *first, const char *last)
{
	assert_ip6(p->first, first);
	assert_ip6(p->last, last);
}

static void assert_pd(const struct lq_config_pd_pool *pd, const char *prefix, unsigned len,
		      unsigned delegated)
{
	assert_ip6(pd->prefix, prefix);
	assert_int_equal(pd->prefix_len, len);
	assert_int_equal(pd->delegated_len, delegated);
}

/* ----------------------------------------------------------- full file */

static const char full_template[] =
	"{\n"
	"  \"server-id\": \"192.0.2.1\",\n"
	"  \"server-duid\": \"00:01:00:01:2a:3b:4c:5d:00:11:22:33:44:55\",\n"
	"  \"listen\": [ {\"address\": \"127.0.0.1\", \"udp-port\": 6767, \"tcp-port\": 6768},\n"
	"              {\"address\": \"::1\", \"udp-port\": 5547, \"tcp-port\": false},\n"
	"              {\"address\": \"0.0.0.0\"} ],\n"
	"  \"store\": {\"path\": \"db\", \"history-limit\": 5000, \"map-size-mb\": 2048},\n"
	"  \"sources\": [ {\"type\": \"kea-csv\", \"path\": \"/var/lib/kea/kea-leases4.csv\", \"family\": 4},\n"
	"               {\"type\": \"dhcpd-leases\", \"path\": \"dhcpd.leases\"},\n"
	"               {\"type\": \"kea-pgsql\", \"conninfo\": \"host=db dbname=kea\", \"family\": 6} ],\n"
	"  \"kea-config\": \"%s\",\n"
	"  \"subnets4\": [ {\"subnet\": \"10.0.0.0/16\", \"id\": 7,\n"
	"                  \"pools\": [\"10.0.0.10 - 10.0.0.250\", {\"pool\": \"10.0.1.0/24\"}]},\n"
	"                {\"subnet\": \"192.168.0.0/24\"} ],\n"
	"  \"requesters\": [\"127.0.0.0/8\", \"::1\", \"192.0.2.0/24\", \"2001:db8:ff::/48\"],\n"
	"  \"tls\": {\"mode\": \"required\", \"cert\": \"tls/lqd.crt\", \"key\": \"tls/lqd.key\",\n"
	"          \"ca\": \"/etc/ssl/lq-ca.pem\"},\n"
	"  \"control-socket\": \"/run/lqd.sock\",\n"
	"  \"bulk\": {\"max-connections\": 4, \"data-timeout\": 30, \"max-queries-per-connection\": 2,\n"
	"           \"max-connections-per-requestor\": 3},\n"
	"  \"active\": {\"max-connections\": 3, \"idle-timeout\": 20, \"send-timeout\": 40,\n"
	"             \"max-connections-per-requestor\": 2},\n"
	"  \"sensitive-options\": {\"dhcp4\": [82, 43, 82], \"dhcp6\": [39, 16]}\n"
	"}\n";

static void check_full_top(const struct lq_config *cfg)
{
	static const uint8_t duid[] = {0, 1, 0, 1, 0x2a, 0x3b, 0x4c, 0x5d, 0, 0x11, 0x22, 0x33, 0x44, 0x55};

	assert_true(cfg->has_server_id);
	assert_ip4(cfg->server_id, "192.0.2.1");
	assert_int_equal(cfg->server_duid_len, sizeof duid);
	assert_memory_equal(cfg->server_duid, duid, sizeof duid);

	assert_int_equal(cfg->n_listen, 3);
	assert_string_equal(cfg->listen[0].address, "127.0.0.1");
	assert_int_equal(cfg->listen[0].family, 4);
	assert_ip4(cfg->listen[0].v4, "127.0.0.1");
	assert_int_equal(cfg->listen[0].udp_port, 6767);
	assert_int_equal(cfg->listen[0].tcp_port, 6768);
	assert_string_equal(cfg->listen[1].address, "::1");
	assert_int_equal(cfg->listen[1].family, 6);
	assert_ip6(cfg->listen[1].v6, "::1");
	assert_int_equal(cfg->listen[1].udp_port, 5547);
	assert_int_equal(cfg->listen[1].tcp_port, 0);
	assert_int_equal(cfg->listen[2].family, 4);
	assert_int_equal(cfg->listen[2].udp_port, 67);
	assert_int_equal(cfg->listen[2].tcp_port, 67);

	assert_string_equal(cfg->store.path, "/etc/lqd/db");
	assert_int_equal(cfg->store.history_limit, 5000);
	assert_int_equal(cfg->store.map_size_mb, 2048);

	assert_int_equal(cfg->n_sources, 3);
	assert_int_equal(cfg->sources[0].type, LQ_CONFIG_SOURCE_KEA_CSV);
	assert_string_equal(cfg->sources[0].path, "/var/lib/kea/kea-leases4.csv");
	assert_null(cfg->sources[0].conninfo);
	assert_int_equal(cfg->sources[0].family, 4);
	assert_false(cfg->sources[0].from_kea_config);
	assert_int_equal(cfg->sources[1].type, LQ_CONFIG_SOURCE_DHCPD_LEASES);
	assert_string_equal(cfg->sources[1].path, "/etc/lqd/dhcpd.leases");
	assert_int_equal(cfg->sources[1].family, 0);
	assert_int_equal(cfg->sources[2].type, LQ_CONFIG_SOURCE_KEA_PGSQL);
	assert_null(cfg->sources[2].path);
	assert_string_equal(cfg->sources[2].conninfo, "host=db dbname=kea");
	assert_int_equal(cfg->sources[2].family, 6);
}

static void check_full_rest(const struct lq_config *cfg)
{
	assert_int_equal(cfg->n_requesters, 4);
	assert_int_equal(cfg->requesters[0].family, 4);
	assert_ip4(cfg->requesters[0].v4, "127.0.0.0");
	assert_int_equal(cfg->requesters[0].len, 8);
	assert_int_equal(cfg->requesters[1].family, 6);
	assert_ip6(cfg->requesters[1].v6, "::1");
	assert_int_equal(cfg->requesters[1].len, 128);
	assert_ip4(cfg->requesters[2].v4, "192.0.2.0");
	assert_int_equal(cfg->requesters[2].len, 24);
	assert_ip6(cfg->requesters[3].v6, "2001:db8:ff::");
	assert_int_equal(cfg->requesters[3].len, 48);

	assert_int_equal(cfg->tls.mode, LQ_CONFIG_TLS_REQUIRED);
	assert_string_equal(cfg->tls.cert, "/etc/lqd/tls/lqd.crt");
	assert_string_equal(cfg->tls.key, "/etc/lqd/tls/lqd.key");
	assert_string_equal(cfg->tls.ca, "/etc/ssl/lq-ca.pem");
	assert_string_equal(cfg->control_socket, "/run/lqd.sock");
	assert_int_equal(cfg->bulk.max_connections, 4);
	assert_int_equal(cfg->bulk.data_timeout, 30);
	assert_int_equal(cfg->bulk.max_queries_per_connection, 2);
	assert_int_equal(cfg->bulk.max_connections_per_requestor, 3);
	assert_int_equal(cfg->active.max_connections_per_requestor, 2);
	assert_int_equal(cfg->active.max_connections, 3);
	assert_int_equal(cfg->active.idle_timeout, 20);
	assert_int_equal(cfg->active.send_timeout, 40);

	assert_int_equal(cfg->n_sensitive4, 2);
	assert_int_equal(cfg->sensitive4[0], 43);
	assert_int_equal(cfg->sensitive4[1], 82);
	assert_int_equal(cfg->n_sensitive6, 2);
	assert_int_equal(cfg->sensitive6[0], 16);
	assert_int_equal(cfg->sensitive6[1], 39);
}

static void check_full_subnets(const struct lq_config *cfg)
{
	assert_int_equal(cfg->n_subnets4, 2);
	assert_ip4(cfg->subnets4[0].prefix, "10.0.0.0");
	assert_int_equal(cfg->subnets4[0].prefix_len, 16);
	assert_int_equal(cfg->subnets4[0].id, 7);
	assert_string_equal(cfg->subnets4[0].origin, "subnets4[0]");
	assert_int_equal(cfg->subnets4[0].n_pools, 2);
	assert_pool4(&cfg->subnets4[0].pools[0], "10.0.0.10", "10.0.0.250");
	assert_pool4(&cfg->subnets4[0].pools[1], "10.0.1.0", "10.0.1.255");
	assert_ip4(cfg->subnets4[1].prefix, "192.168.0.0");
	assert_int_equal(cfg->subnets4[1].prefix_len, 24);
	assert_int_equal(cfg->subnets4[1].id, 0);
	assert_int_equal(cfg->subnets4[1].n_pools, 0);
	/* IPv6 subnets come from kea-dhcp6.conf (checked in detail below) */
	assert_int_equal(cfg->n_subnets6, 3);
	assert_int_equal(cfg->n_kea_config, 1);
}

static void full_config(void **state)
{
	char kea6[PATH_MAX], text[sizeof full_template + PATH_MAX];
	struct lq_config cfg;

	(void)state;
	data_path(kea6, sizeof kea6, "kea-dhcp6.conf");
	snprintf(text, sizeof text, full_template, kea6);
	parse_ok(text, "/etc/lqd", &cfg);
	check_full_top(&cfg);
	check_full_rest(&cfg);
	check_full_subnets(&cfg);
	assert_string_equal(cfg.kea_config[0], kea6);
	lq_config_free(&cfg);
	lq_config_free(&cfg);   /* freeing twice is harmless: free zeroes */
}

static void defaults(void **state)
{
	struct lq_config cfg;

	(void)state;
	parse_ok("{}", NULL, &cfg);
	assert_true(cfg.has_server_id);
	assert_ip4(cfg.server_id, "127.0.0.1");     /* the first IPv4 listen address */
	assert_int_equal(cfg.server_duid_len, 0);
	assert_int_equal(cfg.n_listen, 2);
	assert_string_equal(cfg.listen[0].address, "127.0.0.1");
	assert_int_equal(cfg.listen[0].udp_port, 67);
	assert_int_equal(cfg.listen[0].tcp_port, 67);
	assert_string_equal(cfg.listen[1].address, "::1");
	assert_ip6(cfg.listen[1].v6, "::1");
	assert_int_equal(cfg.listen[1].udp_port, 547);
	assert_int_equal(cfg.listen[1].tcp_port, 547);
	assert_string_equal(cfg.store.path, "/var/lib/lqd");
	assert_int_equal(cfg.store.history_limit, 1000000);
	assert_int_equal(cfg.store.map_size_mb, 0);
	assert_int_equal(cfg.n_sources, 0);
	assert_int_equal(cfg.n_subnets4, 0);
	assert_int_equal(cfg.n_subnets6, 0);
	assert_int_equal(cfg.n_requesters, 2);
	assert_ip4(cfg.requesters[0].v4, "127.0.0.0");
	assert_int_equal(cfg.requesters[0].len, 8);
	assert_ip6(cfg.requesters[1].v6, "::1");
	assert_int_equal(cfg.requesters[1].len, 128);
	assert_int_equal(cfg.tls.mode, LQ_CONFIG_TLS_OFF);
	assert_null(cfg.tls.cert);
	assert_null(cfg.control_socket);
	assert_int_equal(cfg.bulk.max_connections, 10);
	assert_int_equal(cfg.bulk.data_timeout, 300);
	assert_int_equal(cfg.bulk.max_queries_per_connection, 4);
	assert_int_equal(cfg.bulk.max_connections_per_requestor, 4);
	assert_int_equal(cfg.active.max_connections_per_requestor, 4);
	assert_int_equal(cfg.active.max_connections, 10);
	assert_int_equal(cfg.active.idle_timeout, 60);
	assert_int_equal(cfg.active.send_timeout, 120);
	assert_int_equal(cfg.n_sensitive4, 0);
	assert_int_equal(cfg.n_sensitive6, 0);
	lq_config_free(&cfg);
}

static void relative_paths_without_base(void **state)
{
	struct lq_config cfg;

	(void)state;
	parse_ok("{\"store\": {\"path\": \"db\"}, \"requesters\": [],"
		 " \"listen\": [{\"address\": \"::\"}]}", NULL, &cfg);
	assert_string_equal(cfg.store.path, "db");
	assert_int_equal(cfg.n_requesters, 0);   /* an empty list allows nobody */
	assert_false(cfg.has_server_id);         /* IPv6 only: no server-id needed */
	lq_config_free(&cfg);
}

/* ------------------------------------------------------------ comments */

static void comments_of_every_kind(void **state)
{
	static const char text[] =
		"// a line comment\n"
		"# a Kea-style line comment\n"
		"{ /* a block\n"
		"     comment over two lines */\n"
		"  \"control-socket\": \"/run/a//b#c/*d*/e\", // a comment after a value\n"
		"  \"store\": {\"path\": \"/x\\\"//y\"}, # another\n"
		"  \"requesters\": [\"10.0.0.0/8\", /* inline */ \"::1\",],\n"
		"}\n";
	struct lq_config cfg;

	(void)state;
	parse_ok(text, NULL, &cfg);
	assert_string_equal(cfg.control_socket, "/run/a//b#c/*d*/e");
	assert_string_equal(cfg.store.path, "/x\"//y");
	assert_int_equal(cfg.n_requesters, 2);
	lq_config_free(&cfg);
}

static void comments_keep_line_and_column(void **state)
{
	(void)state;
	/* the error is on line 4, column 18 (é counts one) whatever the comments before it */
	expect_error("/* one\n two */ {\n  # three\n  /* é */ \"a\": 1 x\n}",
		     "line 4, column 18: '}' expected near 'x'");
	expect_error("{\n  /* never closed\n}", "line 2, column 3: unterminated /* comment");
	expect_error("{\"a\": [1,,]}", "line 1, column 10: unexpected token near ','");
	expect_error("{,}", "line 1, column 2: string or '}' expected near ','");
}

/* ---------------------------------------------------------- syntax errors */

static void syntax_errors(void **state)
{
	struct lq_config cfg;
	char err[ERR_CAP];

	(void)state;
	expect_error("", "line 1, column 0: '[' or '{' expected near end of file");
	expect_error("{\"server-id\": \"192.0.2.1\",\n \"listen\": [}",
		     "line 2, column 13: unexpected token near '}'");
	expect_error("[1]", "line 1, column 1: the configuration must be a JSON object { ... }");
	expect_error("{\"store\": {}, \"store\": {}}",
		     "line 1, column 21: duplicate object key near '\"store\"'");
	assert_int_equal(lq_config_load("/nonexistent/lqd.conf", &cfg, err, sizeof err), -1);
	assert_string_equal(err, "cannot read /nonexistent/lqd.conf: No such file or directory");
	assert_int_equal(lq_config_load("/", &cfg, err, sizeof err), -1);
	assert_string_equal(err, "cannot read /: not a regular file");
}

static void load_reports_file_line_column(void **state)
{
	char path[] = "/tmp/lq-test-config-XXXXXX";
	static const char text[] = "{\n  \"store\": {\"path\": \"x\"\n}\n";
	struct lq_config cfg;
	char err[ERR_CAP], want[ERR_CAP];
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
	close(fd);
	assert_int_equal(lq_config_load(path, &cfg, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s:4:0: '}' expected near end of file", path);
	assert_string_equal(err, want);
	unlink(path);
}

/* ---------------------------------------------------------- validation */

struct bad_case {
	const char *text;
	const char *message;
};

static const struct bad_case bad_top[] = {
	{"{\"sever-id\": \"1.2.3.4\"}", "unknown key \"sever-id\" (did you mean \"server-id\"?)"},
	{"{\"colour\": 1}", "unknown key \"colour\""},
	{"{\"server-id\": \"1.2.3\"}", "server-id: \"1.2.3\" is not an IPv4 address"},
	{"{\"server-id\": 5}", "server-id: expected a string, got an integer"},
	{"{\"server-id\": \"::1\"}", "server-id: \"::1\" is not an IPv4 address"},
	{"{\"server-duid\": \"00:01\"}", "server-duid: 2 octets; a DUID has 3 to 130"},
	{"{\"server-duid\": \"00:0g:11\"}",
	 "server-duid: \"00:0g:11\" is not hex octets (like \"00:01:00:01:...\")"},
	{"{\"listen\": [{\"address\": \"127.0.0.1\", \"udp-port\": 70000}]}",
	 "listen[0].udp-port: 70000 is not a port (1-65535)"},
	{"{\"listen\": [{\"address\": \"127.0.0.1\", \"tcp-port\": 0}]}",
	 "listen[0].tcp-port: 0 is not a port (1-65535)"},
	{"{\"listen\": [{\"address\": \"127.0.0.1\", \"tcp-port\": \"67\"}]}",
	 "listen[0].tcp-port: expected a port number or false, got a string"},
	{"{\"listen\": [{\"adress\": \"127.0.0.1\"}]}",
	 "listen[0]: unknown key \"adress\" (did you mean \"address\"?)"},
	{"{\"listen\": [{\"udp-port\": 67}]}", "listen[0]: missing \"address\""},
	{"{\"listen\": [{\"address\": \"localhost\"}]}",
	 "listen[0].address: \"localhost\" is not an IPv4 or IPv6 address"},
	{"{\"listen\": []}", "listen: empty; give at least one address to listen on"},
	{"{\"listen\": {\"address\": \"::1\"}}", "listen: expected an array, got an object"},
	{"{\"listen\": [{\"address\": \"::1\"}, {\"address\": \"::1\", \"tcp-port\": false}]}",
	 "listen[1]: same address and port as listen[0]"},
	{"{\"listen\": [{\"address\": \"0.0.0.0\"}]}",
	 "missing \"server-id\" (lqd listens on 0.0.0.0 only, so it cannot take a listen "
	 "address as its DHCPv4 server identifier)"},
	{"{\"store\": {\"path\": \"\"}}", "store.path: empty path"},
	{"{\"store\": {\"history-limit\": -1}}",
	 "store.history-limit: -1 is out of range (0-9223372036854775807)"},
	{"{\"store\": {\"map-size-mb\": 1.5}}",
	 "store.map-size-mb: expected an integer, got a number with a fraction"},
	{"{\"store\": []}", "store: expected an object, got an array"},
	{"{\"store\": {\"pth\": \"/x\"}}", "store: unknown key \"pth\" (did you mean \"path\"?)"},
	{"{\"control-socket\": \"/run/0123456789012345678901234567890123456789012345678901234567"
	 "890123456789012345678901234567890123456789.sock\"}",
	 "control-socket: \"/run/0123456789012345678901234567890123456789012345678901234567"
	 "890123456789012345678901234567890123456789.sock\" is longer than 107 octets (the "
	 "Unix socket limit)"},
	{"{\"bulk\": {\"max-connections\": 0}}", "bulk.max-connections: 0 is out of range (1-65535)"},
	{"{\"bulk\": {\"data-timeout\": 86401}}", "bulk.data-timeout: 86401 is out of range (1-86400)"},
	{"{\"bulk\": {\"max-queries-per-connection\": 0}}",
	 "bulk.max-queries-per-connection: 0 is out of range (1-256)"},
	{"{\"active\": {\"idle-timout\": 5}}",
	 "active: unknown key \"idle-timout\" (did you mean \"idle-timeout\"?)"},
	{"{\"sensitive-options\": {\"dhcp4\": [255]}}",
	 "sensitive-options.dhcp4[0]: 255 is not an option code (1-254)"},
	{"{\"sensitive-options\": {\"dhcp6\": [1, \"x\"]}}",
	 "sensitive-options.dhcp6[1]: expected an option code (1-65535), got a string"},
	{"{\"sensitive-options\": [82]}", "sensitive-options: expected an object, got an array"},
	{"{\"kea-config\": 5}", "kea-config: expected a path or a list of paths, got an integer"},
	{"{\"kea-config\": [\"\"]}", "kea-config[0]: empty path"},
	{"{\"kea-config\": \"/nonexistent/kea.conf\"}",
	 "cannot read /nonexistent/kea.conf: No such file or directory"},
};

static const struct bad_case bad_sources[] = {
	{"{\"sources\": [{\"type\": \"kea-memfile\", \"path\": \"x\"}]}",
	 "sources[0].type: \"kea-memfile\" is not a source type (kea-csv, dhcpd-leases, kea-pgsql)"},
	{"{\"sources\": [{\"type\": \"kea-csv\"}]}", "sources[0]: missing \"path\""},
	{"{\"sources\": [{\"type\": \"kea-pgsql\", \"path\": \"x\"}]}",
	 "sources[0]: \"path\" does not apply to type kea-pgsql (it takes \"conninfo\")"},
	{"{\"sources\": [{\"type\": \"kea-csv\", \"path\": \"x\", \"family\": 5}]}",
	 "sources[0].family: 5 is not a family (4 or 6)"},
	{"{\"sources\": [{\"path\": \"x\"}]}",
	 "sources[0]: missing \"type\" (kea-csv, dhcpd-leases or kea-pgsql)"},
	{"{\"sources\": [\"x\"]}", "sources[0]: expected an object, got a string"},
};

static const struct bad_case bad_subnets[] = {
	{"{\"subnets4\": [{\"subnet\": \"10.1.0.0/16\"},\n"
	 "  {\"subnet\": \"10.0.0.0/16\", \"pools\": [\"10.0.1.10 - 10.0.0.5\"]}]}",
	 "subnets4[1].pools[0]: \"10.0.1.10 - 10.0.0.5\": first address after last"},
	{"{\"subnets4\": [{\"subnet\": \"10.0.0.0/24\", \"pools\": [\"10.0.1.0/28\"]}]}",
	 "subnets4[0].pools[0]: \"10.0.1.0/28\" is outside the subnet 10.0.0.0/24"},
	{"{\"subnets4\": [{\"subnet\": \"10.0.0.0/24\", \"pools\": [\"10.0.0.5\"]}]}",
	 "subnets4[0].pools[0]: \"10.0.0.5\" is not an IPv4 range (like \"10.0.0.10 - 10.0.0.250\" "
	 "or \"10.0.1.0/24\")"},
	{"{\"subnets4\": [{\"subnet\": \"10.0.0.0/24\", \"pools\": [\"10.0.0.1 - 2001:db8::1\"]}]}",
	 "subnets4[0].pools[0]: \"10.0.0.1 - 2001:db8::1\" is not an IPv4 range (like "
	 "\"10.0.0.10 - 10.0.0.250\" or \"10.0.1.0/24\")"},
	{"{\"subnets4\": [{\"subnet\": \"10.0.0.0/24\", \"pools\": [{\"pol\": \"x\"}]}]}",
	 "subnets4[0].pools[0]: unknown key \"pol\" (did you mean \"pool\"?)"},
	{"{\"subnets4\": [{\"subnet\": \"10.0.0.0/24\", \"pools\": [7]}]}",
	 "subnets4[0].pools[0]: expected a range string or {\"pool\": ...}, got an integer"},
	{"{\"subnets4\": [{\"subnet\": \"10.0.0.0/24\",\n"
	 "  \"pools\": [\"10.0.0.10 - 10.0.0.100\", \"10.0.0.50 - 10.0.0.60\"]}]}",
	 "subnets4[0].pools[1]: 10.0.0.50 - 10.0.0.60 overlaps pools[0] (10.0.0.10 - 10.0.0.100)"},
	{"{\"subnets4\": [{\"subnet\": \"10.0.0.1/16\"}]}",
	 "subnets4[0].subnet: \"10.0.0.1/16\" has host bits set (did you mean \"10.0.0.0/16\"?)"},
	{"{\"subnets4\": [{\"pools\": []}]}", "subnets4[0]: missing \"subnet\""},
	{"{\"subnets4\": [{\"subnet\": \"2001:db8::/64\"}]}",
	 "subnets4[0].subnet: \"2001:db8::/64\" is not an IPv4 prefix (like \"10.0.0.0/16\")"},
	{"{\"subnets4\": [{\"subnet\": \"10.0.0.0/33\"}]}",
	 "subnets4[0].subnet: \"10.0.0.0/33\" is not an IPv4 prefix (like \"10.0.0.0/16\")"},
	{"{\"subnets4\": [{\"subnet\": \"10.0.0.0/8\"}, {\"subnet\": \"10.1.0.0/16\"}]}",
	 "subnets4[1]: 10.1.0.0/16 overlaps subnets4[0] (10.0.0.0/8)"},
	{"{\"subnets4\": [{\"subnet\": \"10.1.0.0/16\"}, {\"subnet\": \"10.0.0.0/8\"}]}",
	 "subnets4[1]: 10.0.0.0/8 overlaps subnets4[0] (10.1.0.0/16)"},
	{"{\"subnets4\": [{\"subnet\": \"10.0.0.0/24\", \"id\": 5},\n"
	 "  {\"subnet\": \"10.0.1.0/24\", \"id\": 5}]}",
	 "subnets4[1]: id 5 is also the id of subnets4[0]"},
	{"{\"subnets4\": [{\"subnet\": \"10.0.0.0/24\", \"id\": 0}]}",
	 "subnets4[0].id: 0 is out of range (1-4294967295)"},
	{"{\"subnets4\": [{\"subnet\": \"10.0.0.0/24\", \"pd-pools\": []}]}",
	 "subnets4[0]: unknown key \"pd-pools\""},
	{"{\"subnets6\": [{\"subnet\": \"2001:db8:1::/64\",\n"
	 "  \"pd-pools\": [{\"prefix\": \"2001:db8:8000::/33\", \"delegated-len\": 32}]}]}",
	 "subnets6[0].pd-pools[0].delegated-len: 32 is shorter than the prefix length 33"},
	{"{\"subnets6\": [{\"subnet\": \"2001:db8:1::/64\",\n"
	 "  \"pd-pools\": [{\"prefix\": \"2001:db8:8000::\", \"delegated-len\": 56}]}]}",
	 "subnets6[0].pd-pools[0]: missing \"prefix-len\" (or write the prefix as "
	 "\"2001:db8:8000::/LEN\")"},
	{"{\"subnets6\": [{\"subnet\": \"2001:db8:1::/64\", \"pd-pools\": [{\"prefix\":\n"
	 "  \"2001:db8:8000::/33\", \"prefix-len\": 34, \"delegated-len\": 56}]}]}",
	 "subnets6[0].pd-pools[0].prefix-len: 34 disagrees with the prefix \"2001:db8:8000::/33\""},
	{"{\"subnets6\": [{\"subnet\": \"2001:db8:1::/64\",\n"
	 "  \"pd-pools\": [{\"prefix\": \"2001:db8:8001::/33\", \"delegated-len\": 56}]}]}",
	 "subnets6[0].pd-pools[0].prefix: \"2001:db8:8001::/33\" has bits set beyond the prefix "
	 "length 33"},
	{"{\"subnets6\": [{\"subnet\": \"2001:db8:1::/64\",\n"
	 "  \"pd-pools\": [{\"prefix\": \"2001:db8:8000::/33\"}]}]}",
	 "subnets6[0].pd-pools[0]: missing \"delegated-len\""},
	{"{\"subnets6\": [{\"subnet\": \"2001:db8:1::/64\",\n"
	 "  \"pd-pools\": [{\"prefix\": \"10.0.0.0/8\", \"delegated-len\": 56}]}]}",
	 "subnets6[0].pd-pools[0].prefix: \"10.0.0.0/8\" is not an IPv6 prefix (like "
	 "\"2001:db8:8000::/33\")"},
	{"{\"subnets6\": [\n"
	 "  {\"subnet\": \"2001:db8:1::/64\", \"pd-pools\": [{\"prefix\": \"2001:db8:8000::/33\", "
	 "\"delegated-len\": 56}]},\n"
	 "  {\"subnet\": \"2001:db8:2::/64\", \"pd-pools\": [{\"prefix\": \"2001:db8:c000::/34\", "
	 "\"delegated-len\": 56}]}]}",
	 "subnets6[1].pd-pools[0]: 2001:db8:c000::/34 overlaps subnets6[0].pd-pools[0] "
	 "(2001:db8:8000::/33)"},
	{"{\"subnets6\": [{\"subnet\": \"2001:db8:1::/64\",\n"
	 "  \"pools\": [\"2001:db8:1::100 - 2001:db8:2::1\"]}]}",
	 "subnets6[0].pools[0]: \"2001:db8:1::100 - 2001:db8:2::1\" is outside the subnet "
	 "2001:db8:1::/64"},
	{"{\"subnets6\": [{\"subnet\": \"2001:db8::/32\"}, {\"subnet\": \"2001:db8:1::/64\"}]}",
	 "subnets6[1]: 2001:db8:1::/64 overlaps subnets6[0] (2001:db8::/32)"},
};

static const struct bad_case bad_access[] = {
	{"{\"requesters\": [\"10.0.0.1/8\"]}",
	 "requesters[0]: \"10.0.0.1/8\" has host bits set (did you mean \"10.0.0.0/8\"?)"},
	{"{\"requesters\": [\"any\"]}",
	 "requesters[0]: \"any\" is not an address or prefix (like \"192.0.2.0/24\" or "
	 "\"2001:db8::/32\")"},
	{"{\"requesters\": [5]}", "requesters[0]: expected an address or prefix string, or {\"prefix\", "
	 "\"query-types\"}, got an integer"},
	{"{\"requesters\": [{\"prefix\": \"10.0.0.0/8\", \"query-types\": [\"by-ipp\"]}]}",
	 "requesters[0].query-types[0]: not a query type (by-ip, by-mac, by-client-id, by-remote-id, by-relay-id, "
	 "all-addresses, by-address, by-link-address, active)"},
	{"{\"requesters\": [{\"prefix\": \"10.0.0.0/8\", \"query-types\": []}]}",
	 "requesters[0].query-types: expected a non-empty array of query type names, got an array"},
	{"{\"requesters\": [{\"query-types\": [\"by-ip\"]}]}",
	 "requesters[0]: missing \"prefix\" (the requestor's address or prefix)"},
	{"{\"requesters\": [{\"prefix\": \"10.0.0.1/8\"}]}",
	 "requesters[0].prefix: \"10.0.0.1/8\" has host bits set (did you mean \"10.0.0.0/8\"?)"},
	{"{\"refused-queries\": \"ignore\"}", "refused-queries: \"ignore\" is not \"not-allowed\" or \"drop\""},
	{"{\"user\": \"\"}", "user: \"\" is not a user name"},
	{"{\"user\": 0}", "user: expected a string, got an integer"},
	{"{\"requesters\": \"::1\"}", "requesters: expected an array, got a string"},
	{"{\"tls\": {\"mode\": \"required\", \"cert\": \"c\", \"key\": \"k\"}}",
	 "tls: missing \"ca\" (mode \"required\" needs cert, key and ca)"},
	{"{\"tls\": {\"mode\": \"optional\"}}",
	 "tls: missing \"cert\" (mode \"optional\" needs cert, key and ca)"},
	{"{\"tls\": {\"mode\": \"on\"}}", "tls.mode: \"on\" is not a mode (off, optional, required)"},
	{"{\"tls\": {\"mode\": \"off\", \"certificate\": \"c\"}}", "tls: unknown key \"certificate\""},
};

static void run_bad_cases(const struct bad_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct lq_config cfg;
		char err[ERR_CAP] = "";

		if (lq_config_parse(cases[i].text, strlen(cases[i].text), NULL, &cfg, err,
				    sizeof err) == 0) {
			lq_config_free(&cfg);
			fail_msg("accepted: %s", cases[i].text);
		}
		if (strcmp(err, cases[i].message) != 0)
			fail_msg("for %s\n got: %s\nwant: %s", cases[i].text, err, cases[i].message);
	}
}

static void errors_top_level(void **state)
{
	(void)state;
	run_bad_cases(bad_top, sizeof bad_top / sizeof bad_top[0]);
}

static void errors_sources(void **state)
{
	(void)state;
	run_bad_cases(bad_sources, sizeof bad_sources / sizeof bad_sources[0]);
}

static void errors_subnets(void **state)
{
	(void)state;
	run_bad_cases(bad_subnets, sizeof bad_subnets / sizeof bad_subnets[0]);
}

static void errors_access(void **state)
{
	(void)state;
	run_bad_cases(bad_access, sizeof bad_access / sizeof bad_access[0]);
}

static void error_truncated_to_capacity(void **state)
{
	struct lq_config cfg;
	char err[8];
	const char *text = "{\"sever-id\": 1}";

	(void)state;
	assert_int_equal(lq_config_parse(text, strlen(text), NULL, &cfg, err, sizeof err), -1);
	assert_string_equal(err, "unknown");
	assert_int_equal(lq_config_parse(text, strlen(text), NULL, &cfg, NULL, 0), -1);
}

/* ---------------------------------------------------------- Kea import */

static void check_kea4_subnets(const struct lq_config *cfg, const char *kea4)
{
	char origin[PATH_MAX + 64];

	assert_int_equal(cfg->n_subnets4, 4);
	assert_ip4(cfg->subnets4[0].prefix, "192.0.2.0");
	assert_int_equal(cfg->subnets4[0].prefix_len, 24);
	assert_int_equal(cfg->subnets4[0].id, 1);
	assert_int_equal(cfg->subnets4[0].n_pools, 2);
	assert_pool4(&cfg->subnets4[0].pools[0], "192.0.2.10", "192.0.2.100");
	assert_pool4(&cfg->subnets4[0].pools[1], "192.0.2.128", "192.0.2.191");
	snprintf(origin, sizeof origin, "%s: Dhcp4.subnet4[0]", kea4);
	assert_string_equal(cfg->subnets4[0].origin, origin);

	assert_ip4(cfg->subnets4[1].prefix, "198.51.100.0");
	assert_int_equal(cfg->subnets4[1].id, 2);
	assert_int_equal(cfg->subnets4[1].n_pools, 1);
	assert_pool4(&cfg->subnets4[1].pools[0], "198.51.100.20", "198.51.100.30");

	assert_ip4(cfg->subnets4[2].prefix, "10.13.0.0");
	assert_int_equal(cfg->subnets4[2].prefix_len, 24);
	assert_int_equal(cfg->subnets4[2].id, 1301);
	assert_pool4(&cfg->subnets4[2].pools[0], "10.13.0.50", "10.13.0.250");
	snprintf(origin, sizeof origin, "%s: Dhcp4.shared-networks[0].subnet4[0]", kea4);
	assert_string_equal(cfg->subnets4[2].origin, origin);

	assert_ip4(cfg->subnets4[3].prefix, "10.13.1.0");
	assert_int_equal(cfg->subnets4[3].id, 1302);
	assert_int_equal(cfg->subnets4[3].n_pools, 1);
	assert_pool4(&cfg->subnets4[3].pools[0], "10.13.1.0", "10.13.1.127");
}

static void check_kea6_subnets(const struct lq_config *cfg)
{
	const struct lq_config_subnet6 *s = cfg->subnets6;

	assert_int_equal(cfg->n_subnets6, 3);
	assert_ip6(s[0].prefix, "2001:db8:1::");
	assert_int_equal(s[0].prefix_len, 64);
	assert_int_equal(s[0].id, 10);
	assert_int_equal(s[0].n_pools, 2);
	assert_pool6(&s[0].pools[0], "2001:db8:1::100", "2001:db8:1::ffff");
	assert_pool6(&s[0].pools[1], "2001:db8:1:0:1::", "2001:db8:1:0:1:ffff:ffff:ffff");
	assert_int_equal(s[0].n_pd_pools, 1);
	assert_pd(&s[0].pd_pools[0], "2001:db8:8000::", 34, 56);

	assert_ip6(s[1].prefix, "2001:db8:2::");
	assert_int_equal(s[1].id, 20);
	assert_int_equal(s[1].n_pools, 1);
	assert_pool6(&s[1].pools[0], "2001:db8:2::", "2001:db8:2::ffff:ffff");
	assert_int_equal(s[1].n_pd_pools, 1);
	assert_pd(&s[1].pd_pools[0], "2001:db8:c000::", 40, 60);

	assert_ip6(s[2].prefix, "2001:db8:3::");
	assert_int_equal(s[2].id, 21);
	assert_int_equal(s[2].n_pools, 0);
	assert_int_equal(s[2].n_pd_pools, 0);
}

static void kea_import_from_files(void **state)
{
	char conf[PATH_MAX], kea4[PATH_MAX], store[PATH_MAX + 16], err[ERR_CAP] = "";
	struct lq_config cfg;

	(void)state;
	data_path(conf, sizeof conf, "lqd-kea.conf");
	data_path(kea4, sizeof kea4, "kea-dhcp4.conf");
	if (lq_config_load(conf, &cfg, err, sizeof err) != 0)
		fail_msg("%s", err);
	snprintf(store, sizeof store, "%s/store", data_dir());
	assert_string_equal(cfg.store.path, store);
	assert_int_equal(cfg.n_kea_config, 2);
	assert_string_equal(cfg.kea_config[0], kea4);
	check_kea4_subnets(&cfg, kea4);
	check_kea6_subnets(&cfg);
	/* no "sources": each Kea lease-database becomes one */
	assert_int_equal(cfg.n_sources, 2);
	assert_int_equal(cfg.sources[0].type, LQ_CONFIG_SOURCE_KEA_CSV);
	assert_string_equal(cfg.sources[0].path, "/var/lib/kea/kea-leases4.csv");
	assert_int_equal(cfg.sources[0].family, 4);
	assert_true(cfg.sources[0].from_kea_config);
	assert_string_equal(cfg.sources[1].path, "/var/lib/kea/kea-leases6.csv");
	assert_int_equal(cfg.sources[1].family, 6);
	assert_true(cfg.sources[1].from_kea_config);
	lq_config_free(&cfg);
}

static void kea_and_subnets_of_one_family_conflict(void **state)
{
	char kea4[PATH_MAX], text[2 * PATH_MAX], want[2 * PATH_MAX];
	struct lq_config cfg;
	char err[ERR_CAP];

	(void)state;
	data_path(kea4, sizeof kea4, "kea-dhcp4.conf");
	snprintf(text, sizeof text, "{\"kea-config\": \"%s\", \"subnets4\": []}", kea4);
	assert_int_equal(lq_config_parse(text, strlen(text), NULL, &cfg, err, sizeof err), -1);
	snprintf(want, sizeof want, "subnets4: cannot be combined with the IPv4 subnets kea-config "
		 "imports from %s; keep one of them", kea4);
	assert_string_equal(err, want);
}

static void import_text(struct lq_config *cfg, const char *text, const char *origin)
{
	char err[ERR_CAP] = "";

	if (lq_config_import_kea(cfg, text, strlen(text), origin, true, err, sizeof err) != 0)
		fail_msg("%s", err);
}

static void expect_kea_error(const char *text, const char *message)
{
	struct lq_config cfg = {0};
	char err[ERR_CAP] = "";

	assert_int_equal(lq_config_import_kea(&cfg, text, strlen(text), "/etc/kea/kea.conf", true,
					      err, sizeof err), -1);
	assert_string_equal(err, message);
	lq_config_free(&cfg);
}

static void kea_lease_databases(void **state)
{
	struct lq_config cfg = {0};

	(void)state;
	import_text(&cfg, "{\"Dhcp4\": {\"lease-database\": {\"type\": \"postgresql\", "
		    "\"name\": \"kea\", \"host\": \"db.example\", \"port\": 5432, \"user\": \"kea\", "
		    "\"password\": \"it's\"}}}", "/etc/kea/kea-dhcp4.conf");
	import_text(&cfg, "{\"Dhcp6\": {\"lease-database\": {\"type\": \"memfile\", "
		    "\"persist\": false}}}", "/etc/kea/kea-dhcp6.conf");
	import_text(&cfg, "{\"Dhcp6\": {\"lease-database\": {\"type\": \"mysql\"}}}", "k.conf");
	import_text(&cfg, "{\"Dhcp4\": {\"lease-database\": {\"type\": \"memfile\", "
		    "\"name\": \"leases4.csv\"}}}", "/srv/kea/kea-dhcp4.conf");
	assert_int_equal(cfg.n_sources, 2);
	assert_int_equal(cfg.sources[0].type, LQ_CONFIG_SOURCE_KEA_PGSQL);
	assert_string_equal(cfg.sources[0].conninfo, "host='db.example' dbname='kea' user='kea' "
			    "password='it\\'s' port='5432'");
	assert_int_equal(cfg.sources[0].family, 4);
	assert_int_equal(cfg.sources[1].type, LQ_CONFIG_SOURCE_KEA_CSV);
	assert_string_equal(cfg.sources[1].path, "/srv/kea/leases4.csv");
	lq_config_free(&cfg);
}

static void kea_errors(void **state)
{
	(void)state;
	expect_kea_error("{\"Dhcp4\": {\"subnet4\": [{\"subnet\": \"10.0.0.0/24\", \"pools\": "
			 "[{\"pool\": \"10.0.1.1 - 10.0.1.5\"}]}]}}",
			 "/etc/kea/kea.conf: Dhcp4.subnet4[0].pools[0]: \"10.0.1.1 - 10.0.1.5\" is "
			 "outside the subnet 10.0.0.0/24");
	expect_kea_error("{\"Dhcp6\": {\"shared-networks\": [{\"name\": \"a\", \"subnet6\": "
			 "[{\"subnet\": \"2001:db8::/64\", \"pd-pools\": [{\"prefix\": \"2001:db8:1::\", "
			 "\"prefix-len\": 48, \"delegated-len\": 40}]}]}]}}",
			 "/etc/kea/kea.conf: Dhcp6.shared-networks[0].subnet6[0].pd-pools[0]."
			 "delegated-len: 40 is shorter than the prefix length 48");
	expect_kea_error("{\"Control-agent\": {}}",
			 "/etc/kea/kea.conf: no \"Dhcp4\" or \"Dhcp6\" object (is this a Kea DHCP "
			 "server configuration?)");
	expect_kea_error("{\"Dhcp4\": {\"subnet4\": {}}}",
			 "/etc/kea/kea.conf: Dhcp4.subnet4: expected an array, got an object");
	expect_kea_error("{\"Dhcp4\":\n  <?include \"subnets.json\"?>\n}",
			 "/etc/kea/kea.conf:2:3: <?include?> directives are not supported");
	expect_kea_error("{\"Dhcp4\": {\n  \"subnet4\": [\n}}",
			 "/etc/kea/kea.conf:3:1: unexpected token near '}'");
}

static void kea_overlap_across_files(void **state)
{
	struct lq_config cfg = {0};
	char err[ERR_CAP];
	const char *second = "{\"Dhcp4\": {\"subnet4\": [{\"subnet\": \"10.0.5.0/24\", \"id\": 9}]}}";

	(void)state;
	import_text(&cfg, "{\"Dhcp4\": {\"subnet4\": [{\"subnet\": \"10.0.0.0/16\", \"id\": 8}]}}",
		    "a.conf");
	assert_int_equal(lq_config_import_kea(&cfg, second, strlen(second), "b.conf", false, err,
					      sizeof err), -1);
	assert_string_equal(err, "b.conf: Dhcp4.subnet4[0]: 10.0.5.0/24 overlaps "
			    "a.conf: Dhcp4.subnet4[0] (10.0.0.0/16)");
	lq_config_free(&cfg);
}

/* -------------------------------------------------------------- lookups */

static void lookups(void **state)
{
	struct lq_config cfg;
	const struct lq_config_subnet4 *s4;
	const struct lq_config_subnet6 *s6;
	lq_ip6 a6;

	(void)state;
	parse_ok("{\"subnets4\": [{\"subnet\": \"10.0.0.0/16\", \"pools\": [\"10.0.0.10 - 10.0.0.20\"]},"
		 " {\"subnet\": \"10.1.0.0/16\"}],"
		 " \"subnets6\": [{\"subnet\": \"2001:db8:1::/64\", \"pools\": [\"2001:db8:1::/120\"]}],"
		 " \"requesters\": [\"192.0.2.0/24\", \"2001:db8::/32\"],"
		 " \"sensitive-options\": {\"dhcp4\": [82], \"dhcp6\": [37]}}", NULL, &cfg);
	s4 = lq_config_find_subnet4(&cfg, ip4("10.0.200.1"));
	assert_ptr_equal(s4, &cfg.subnets4[0]);
	assert_true(lq_config_in_pool4(s4, ip4("10.0.0.10")));
	assert_true(lq_config_in_pool4(s4, ip4("10.0.0.20")));
	assert_false(lq_config_in_pool4(s4, ip4("10.0.0.21")));
	assert_ptr_equal(lq_config_find_subnet4(&cfg, ip4("10.1.255.255")), &cfg.subnets4[1]);
	assert_null(lq_config_find_subnet4(&cfg, ip4("10.2.0.0")));
	a6 = ip6("2001:db8:1::ff");
	s6 = lq_config_find_subnet6(&cfg, &a6);
	assert_ptr_equal(s6, &cfg.subnets6[0]);
	assert_true(lq_config_in_pool6(s6, &a6));
	a6 = ip6("2001:db8:1::100");
	assert_false(lq_config_in_pool6(s6, &a6));
	a6 = ip6("2001:db8:2::1");
	assert_null(lq_config_find_subnet6(&cfg, &a6));

	assert_true(lq_config_requester_allowed(&cfg, 4, ip4("192.0.2.77").b));
	assert_false(lq_config_requester_allowed(&cfg, 4, ip4("192.0.3.1").b));
	assert_false(lq_config_requester_allowed(&cfg, 4, ip4("127.0.0.1").b));
	assert_true(lq_config_requester_allowed(&cfg, 6, ip6("::ffff:192.0.2.9").b));
	assert_true(lq_config_requester_allowed(&cfg, 6, ip6("2001:db8:ffff::1").b));
	assert_false(lq_config_requester_allowed(&cfg, 6, ip6("2001:db9::1").b));
	assert_false(lq_config_requester_allowed(&cfg, 6, ip6("::1").b));

	assert_true(lq_config_option_sensitive(&cfg, 4, 82));
	assert_false(lq_config_option_sensitive(&cfg, 4, 37));
	assert_true(lq_config_option_sensitive(&cfg, 6, 37));
	assert_false(lq_config_option_sensitive(&cfg, 6, 82));
	assert_string_equal(lq_config_source_type_name(LQ_CONFIG_SOURCE_DHCPD_LEASES), "dhcpd-leases");
	assert_false(cfg.refuse_by_dropping);
	lq_config_free(&cfg);

	/* per-query-type access: the first entry containing the requestor decides */
	parse_ok("{\"requesters\": [{\"prefix\": \"10.1.0.0/16\", \"query-types\": [\"by-ip\", \"by-address\"]},"
		 " \"10.0.0.0/8\", {\"prefix\": \"2001:db8::/32\", \"query-types\": [\"by-client-id\"]}],"
		 " \"refused-queries\": \"drop\"}", NULL, &cfg);
	assert_true(cfg.refuse_by_dropping);
	assert_true(lq_config_query_allowed(&cfg, 4, ip4("10.1.2.3").b, LQ_QUERY_V4_BY_IP));
	assert_false(lq_config_query_allowed(&cfg, 4, ip4("10.1.2.3").b, LQ_QUERY_V4_BY_MAC));
	assert_true(lq_config_query_allowed(&cfg, 4, ip4("10.2.2.3").b, LQ_QUERY_V4_BY_MAC));
	assert_false(lq_config_query_allowed(&cfg, 4, ip4("11.0.0.1").b, LQ_QUERY_V4_BY_IP));
	assert_true(lq_config_query_allowed(&cfg, 6, ip6("2001:db8::5").b, LQ_QUERY_V6_BY_CLIENT_ID));
	assert_false(lq_config_query_allowed(&cfg, 6, ip6("2001:db8::5").b, LQ_QUERY_V6_BY_ADDRESS));
	assert_true(lq_config_query_allowed(&cfg, 6, ip6("::ffff:10.1.0.1").b, LQ_QUERY_V6_BY_ADDRESS));
	assert_false(lq_config_query_allowed(&cfg, 4, ip4("10.2.2.3").b, LQ_QUERY_KIND_NONE));
	assert_string_equal(lq_query_kind_name(LQ_QUERY_V6_BY_LINK_ADDRESS), "by-link-address");
	assert_string_equal(lq_query_kind_name(LQ_QUERY_KIND_COUNT), "unknown");
	lq_config_free(&cfg);
}

static void example_config_loads(void **state)
{
	char path[PATH_MAX + 64], err[ERR_CAP] = "";
	struct lq_config cfg;

	(void)state;
	snprintf(path, sizeof path, "%s/../../../etc/lqd.conf.example", data_dir());
	if (lq_config_load(path, &cfg, err, sizeof err) != 0)
		fail_msg("%s", err);
	assert_int_equal(cfg.tls.mode, LQ_CONFIG_TLS_OFF);
	assert_true(cfg.n_subnets4 > 0);
	assert_true(cfg.n_subnets6 > 0);
	lq_config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(full_config),
		cmocka_unit_test(defaults),
		cmocka_unit_test(relative_paths_without_base),
		cmocka_unit_test(comments_of_every_kind),
		cmocka_unit_test(comments_keep_line_and_column),
		cmocka_unit_test(syntax_errors),
		cmocka_unit_test(load_reports_file_line_column),
		cmocka_unit_test(errors_top_level),
		cmocka_unit_test(errors_sources),
		cmocka_unit_test(errors_subnets),
		cmocka_unit_test(errors_access),
		cmocka_unit_test(error_truncated_to_capacity),
		cmocka_unit_test(kea_import_from_files),
		cmocka_unit_test(kea_and_subnets_of_one_family_conflict),
		cmocka_unit_test(kea_lease_databases),
		cmocka_unit_test(kea_errors),
		cmocka_unit_test(kea_overlap_across_files),
		cmocka_unit_test(lookups),
		cmocka_unit_test(example_config_loads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
