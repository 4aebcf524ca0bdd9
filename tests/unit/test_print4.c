/* test_print4.c - the DHCPv4 printers: exact text lines for decoded
 * leasequery messages, and JSON that parses (jansson) with the expected
 * typed fields, also for odd octets, wrong lengths and mutated messages. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "lq/dhcp4.h"
#include "lq/print.h"

#define BUF_MAX 8192

static uint8_t wire[BUF_MAX];

static struct lq4_msg *msg_new(uint8_t type, uint32_t xid)
{
	struct lq4_msg *m = calloc(1, sizeof(*m));

	assert_non_null(m);
	lq4_msg_init(m, type, xid);
	return m;
}

/* encode m, decode it again (into a new message) for printing */
static struct lq4_msg *reencode(const struct lq4_msg *m)
{
	struct lq4_msg *d = calloc(1, sizeof(*d));
	size_t n;

	assert_non_null(d);
	assert_int_equal(lq4_encode(m, wire, sizeof(wire), &n), LQ_OK);
	assert_int_equal(lq4_decode(wire, n, d, NULL), LQ_OK);
	return d;
}

static struct lq4_msg *decode_raw(const uint8_t *opts, size_t n)
{
	struct lq4_msg *d = calloc(1, sizeof(*d));

	assert_non_null(d);
	memset(wire, 0, LQ4_MIN_LEN);
	wire[0] = 2;
	wire[1] = 1;
	wire[2] = 6;
	memcpy(wire + 236, "\x63\x82\x53\x63", 4);
	memcpy(wire + LQ4_MIN_LEN, opts, n);
	assert_int_equal(lq4_decode(wire, LQ4_MIN_LEN + n, d, NULL), LQ_OK);
	return d;
}

static char *print_text(const struct lq4_msg *m)
{
	struct lq_text t;

	lq_text_init(&t);
	lq_print4_text(&t, m);
	assert_false(t.oom);
	assert_non_null(t.data);
	return t.data;
}

static json_t *print_json(const struct lq4_msg *m)
{
	struct lq_text t;
	json_error_t err;

	lq_text_init(&t);
	lq_print4_json(&t, m);
	assert_non_null(t.data);
	json_t *root = json_loads(t.data, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
	if (root == NULL)
		fail_msg("invalid JSON (%s at %d): %s", err.text, err.position,
		    t.data);
	lq_text_free(&t);
	assert_true(json_is_object(root));
	return root;
}

/* the line must appear in text as a whole line */
static void assert_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return;
	fail_msg("line \"%s\" not in:\n%s", line, text);
}

static void assert_no_substring(const char *text, const char *s)
{
	if (strstr(text, s) != NULL)
		fail_msg("\"%s\" unexpectedly in:\n%s", s, text);
}

static json_t *json_option(json_t *root, unsigned code)
{
	json_t *opts = json_object_get(root, "options");
	size_t i;
	json_t *o;

	assert_true(json_is_array(opts));
	json_array_foreach(opts, i, o) {
		if (json_integer_value(json_object_get(o, "code")) == (json_int_t)code)
			return o;
	}
	fail_msg("option %u not in JSON", code);
	return NULL;
}

static const char *json_str(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	assert_true(json_is_string(v));
	return json_string_value(v);
}

static json_int_t json_int(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	assert_true(json_is_integer(v));
	return json_integer_value(v);
}

/* A DHCPLEASEACTIVE with every leasequery option. */
static struct lq4_msg *rich_active(void)
{
	static const uint8_t cid[] = { 1, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
	static const uint8_t aip[] = { 10, 0, 0, 1, 10, 0, 0, 2 };
	static const uint8_t vpn[] = { 0, 0, 0x5e, 0, 0, 0, 7 };
	struct lq4_msg *m = msg_new(LQ4_LEASEACTIVE, 0xabcdef01);

	m->ciaddr = (lq_ip4){ { 192, 0, 2, 10 } };
	m->giaddr = (lq_ip4){ { 192, 0, 2, 254 } };
	memcpy(m->chaddr, "\x00\x11\x22\x33\x44\x55", 6);
	m->flags = 0x8000;
	m->has_server_id = true;
	m->server_id = (lq_ip4){ { 192, 0, 2, 1 } };
	m->has_lease_time = true;
	m->lease_time = 3600;
	m->has_t1 = true;
	m->t1 = 0xffffffffu;
	m->prl = (lq_bytes){ (const uint8_t *)"\x33\x3d\xc8", 3 };
	m->client_id = (lq_bytes){ cid, sizeof(cid) };
	m->vendor_class = (lq_bytes){ (const uint8_t *)"MSFT 5.0", 8 };
	m->has_relay_info = true;
	m->relay_info.circuit_id = (lq_bytes){ (const uint8_t *)"eth0", 4 };
	m->relay_info.remote_id = (lq_bytes){ (const uint8_t *)"\x00\x01", 2 };
	m->relay_info.has_link_selection = true;
	m->relay_info.link_selection = (lq_ip4){ { 10, 0, 0, 0 } };
	m->relay_info.has_server_id_override = true;
	m->relay_info.server_id_override = (lq_ip4){ { 192, 0, 2, 2 } };
	m->relay_info.subscriber_id = (lq_bytes){ (const uint8_t *)"sub1", 4 };
	m->relay_info.relay_id = (lq_bytes){ (const uint8_t *)"\x00\x02\xab", 3 };
	m->relay_info.has_relay_port = true;
	m->relay_info.relay_port = 1067;
	m->relay_info.vss.present = true;
	m->relay_info.vss.info = (lq_bytes){ (const uint8_t *)"red", 3 };
	m->relay_info.vss_control = true;
	m->has_clt_time = true;
	m->clt_time = 60;
	m->associated_ip = (lq_bytes){ aip, sizeof(aip) };
	m->has_status = true;
	m->status_code = LQ4_STATUS_NOT_ALLOWED;
	m->status_text = (lq_bytes){ (const uint8_t *)"no \"way\"", 8 };
	m->has_base_time = true;
	m->base_time = 1700000000;
	m->has_start_time_of_state = true;
	m->start_time_of_state = 600;
	m->has_query_start_time = true;
	m->query_start_time = 1699990000;
	m->has_query_end_time = true;
	m->query_end_time = 1700003600;
	m->has_dhcp_state = true;
	m->dhcp_state = LQ4_STATE_ACTIVE;
	m->has_data_source = true;
	m->data_source = LQ4_DATA_SOURCE_REMOTE;
	m->vss.present = true;
	m->vss.type = LQ4_VSS_RFC2685_VPN_ID;
	m->vss.info = (lq_bytes){ vpn, sizeof(vpn) };
	m->n_extra = 1;
	m->extra[0] = (struct lq4_option){ 200, { (const uint8_t *)"\x01\xff", 2 } };
	return m;
}

/* ------------------------------------------------------------------ text */

static void test_text_rich(void **state)
{
	static const char *const lines[] = {
		"  ciaddr 192.0.2.10",
		"  giaddr 192.0.2.254",
		"  chaddr 00:11:22:33:44:55",
		"  flags 0x8000",
		"  option 53 message-type: DHCPLEASEACTIVE (13)",
		"  option 54 server-identifier: 192.0.2.1",
		"  option 51 lease-time: 3600 s",
		"  option 55 parameter-request-list: lease-time, client-identifier, 200",
		"  option 58 renewal-time: 4294967295 s (infinite)",
		"  option 60 vendor-class-identifier: 4d:53:46:54:20:35:2e:30 \"MSFT 5.0\"",
		"  option 61 client-identifier: 01:00:11:22:33:44:55",
		"  option 82 relay-agent-information: 45 octets",
		"    suboption 1 circuit-id: 65:74:68:30 \"eth0\"",
		"    suboption 2 remote-id: 00:01",
		"    suboption 5 link-selection: 10.0.0.0",
		"    suboption 6 subscriber-id: 73:75:62:31 \"sub1\"",
		"    suboption 11 server-id-override: 192.0.2.2",
		"    suboption 12 relay-id: 00:02:ab",
		"    suboption 19 relay-port: 1067",
		"    suboption 151 vss: nvt-ascii (0) 72:65:64 \"red\"",
		"    suboption 152 vss-control: (set)",
		"  option 91 client-last-transaction-time: 60 s",
		"  option 92 associated-ip: 10.0.0.1, 10.0.0.2",
		"  option 151 status-code: NotAllowed (4) \"no \\\"way\\\"\"",
		"  option 152 base-time: 1700000000 (2023-11-14T22:13:20Z)",
		"  option 153 start-time-of-state: 600 s",
		"  option 154 query-start-time: 1699990000 (2023-11-14T19:26:40Z)",
		"  option 155 query-end-time: 1700003600 (2023-11-14T23:13:20Z)",
		"  option 156 dhcp-state: ACTIVE (2)",
		"  option 157 data-source: 0x01 (remote)",
		"  option 221 vss: vpn-id (1) 00:00:5e:00:00:00:07",
		"  option 200 unknown: 01:ff",
	};
	struct lq4_msg *m = rich_active();
	struct lq4_msg *d = reencode(m);
	char *text = print_text(d);
	(void)state;

	assert_true(strncmp(text, "DHCPLEASEACTIVE xid 0xabcdef01\n", 31) == 0);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		assert_line(text, lines[i]);
	/* zero header fields are left out */
	assert_no_substring(text, "yiaddr");
	assert_no_substring(text, "siaddr");
	assert_no_substring(text, "hops");
	assert_no_substring(text, "secs");
	/* options follow in decode order, one line each (+ 9 sub-options) */
	assert_true(strstr(text, "option 53 ") < strstr(text, "option 54 "));
	assert_true(strstr(text, "option 54 ") < strstr(text, "option 51 "));
	assert_true(strstr(text, "option 221 ") < strstr(text, "option 200 "));
	size_t nl = 0;
	for (const char *p = text; *p; p++)
		nl += *p == '\n';
	assert_int_equal(nl, 1 + 4 + d->n_options + 9);
	free(text);
	free(d);
	free(m);
}

static void test_text_query_header(void **state)
{
	struct lq4_msg *m = msg_new(LQ4_LEASEQUERY, 0x01);
	(void)state;

	m->hops = 2;
	m->secs = 7;
	m->yiaddr = (lq_ip4){ { 1, 2, 3, 4 } };
	m->siaddr = (lq_ip4){ { 5, 6, 7, 8 } };
	m->hlen = 3;
	memcpy(m->chaddr, "\xaa\xbb\xcc\xdd", 4);       /* only hlen octets shown */
	memcpy(m->sname, "server", 6);
	memcpy(m->file, "f\"x", 3);
	struct lq4_msg *d = reencode(m);
	char *text = print_text(d);
	static const char expected[] =
	    "DHCPLEASEQUERY xid 0x00000001\n"
	    "  yiaddr 1.2.3.4\n"
	    "  siaddr 5.6.7.8\n"
	    "  chaddr aa:bb:cc\n"
	    "  hops 2\n"
	    "  secs 7\n"
	    "  sname \"server\"\n"
	    "  file \"f\\\"x\"\n"
	    "  option 53 message-type: DHCPLEASEQUERY (10)\n";
	assert_string_equal(text, expected);
	free(text);
	free(d);
	free(m);
}

static void test_text_each_type_first_line(void **state)
{
	static const char *const first[] = {
		"DHCPLEASEQUERY xid 0x0000000a\n",
		"DHCPLEASEUNASSIGNED xid 0x0000000b\n",
		"DHCPLEASEUNKNOWN xid 0x0000000c\n",
		"DHCPLEASEACTIVE xid 0x0000000d\n",
		"DHCPBULKLEASEQUERY xid 0x0000000e\n",
		"DHCPLEASEQUERYDONE xid 0x0000000f\n",
		"DHCPACTIVELEASEQUERY xid 0x00000010\n",
		"DHCPLEASEQUERYSTATUS xid 0x00000011\n",
		"DHCPTLS xid 0x00000012\n",
	};
	(void)state;

	for (uint8_t t = 10; t <= 18; t++) {
		struct lq4_msg *m = msg_new(t, t);
		struct lq4_msg *d = reencode(m);
		char *text = print_text(d);
		assert_true(strncmp(text, first[t - 10], strlen(first[t - 10])) == 0);
		free(text);
		free(d);
		free(m);
	}
}

/* Options in sname/file print like the others; the fields are not shown as
 * names then. */
static void test_text_overloaded(void **state)
{
	static const uint8_t opts[] = {
		0x35, 0x01, 0x0b,       /* 53 DHCPLEASEUNASSIGNED */
		0x34, 0x01, 0x03,       /* 52 overload both */
		0xff,
	};
	struct lq4_msg *d;
	(void)state;

	memset(wire, 0, sizeof(wire));
	memcpy(wire + 108, "\x0c\x03" "abc" "\xff", 6);    /* file: 12 "abc" */
	memcpy(wire + 44, "\x0f\x03" "d.e", 5);            /* sname: 15 "d.e" */
	wire[0] = 2;
	memcpy(wire + 236, "\x63\x82\x53\x63", 4);
	memcpy(wire + 240, opts, sizeof(opts));
	d = calloc(1, sizeof(*d));
	assert_non_null(d);
	assert_int_equal(lq4_decode(wire, 240 + sizeof(opts), d, NULL), LQ_OK);
	char *text = print_text(d);
	assert_line(text, "  option 52 option-overload: 3 (file+sname)");
	assert_line(text, "  option 12 host-name: 61:62:63 \"abc\"");
	assert_line(text, "  option 15 domain-name: 64:2e:65 \"d.e\"");
	assert_no_substring(text, "  sname ");
	assert_no_substring(text, "  file ");
	free(text);

	json_t *root = print_json(d);
	assert_null(json_object_get(root, "sname"));
	assert_null(json_object_get(root, "file"));
	assert_int_equal(json_int(json_option(root, 52), "value"), 3);
	assert_string_equal(json_str(json_option(root, 12), "text"), "abc");
	json_decref(root);
	free(d);
}

/* Codes the printer knows a layout for, with lengths that do not fit it,
 * print as opaque octets. */
static void test_text_wrong_lengths(void **state)
{
	static const uint8_t opts[] = {
		0x35, 0x01, 0x0d,               /* 53 */
		0x01, 0x03, 1, 2, 3,            /* subnet mask, 3 octets */
		0x1a, 0x01, 0x05,               /* 26 interface MTU, 1 octet (wants 2) */
		0x03, 0x06, 1, 2, 3, 4, 5, 6,   /* routers, 6 octets */
		0x52, 0x03, 0xee, 0x01, 0x00,   /* 82: unknown sub-option 238 */
		0xff,
	};
	(void)state;

	struct lq4_msg *d = decode_raw(opts, sizeof(opts));
	char *text = print_text(d);
	assert_line(text, "  option 1 subnet-mask: 01:02:03");
	assert_line(text, "  option 26 unknown: 05");
	assert_line(text, "  option 3 router: 01:02:03:04:05:06");
	assert_line(text, "  option 82 relay-agent-information: 3 octets");
	assert_line(text, "    suboption 238 unknown: 00");
	free(text);
	json_t *root = print_json(d);
	assert_string_equal(json_str(json_option(root, 1), "hex"), "010203");
	assert_string_equal(json_str(json_option(root, 26), "hex"), "05");
	json_t *sub = json_array_get(json_object_get(json_option(root, 82),
	    "value"), 0);
	assert_int_equal(json_int(sub, "code"), 238);
	assert_string_equal(json_str(sub, "hex"), "00");
	json_decref(root);
	free(d);
}

/* --------------------------------------------------------------- JSON */

static void test_json_rich(void **state)
{
	struct lq4_msg *m = rich_active();
	struct lq4_msg *d = reencode(m);
	json_t *root = print_json(d);
	json_t *o, *v;
	(void)state;

	assert_int_equal(json_int(root, "family"), 4);
	assert_string_equal(json_str(root, "op"), "BOOTREPLY");
	assert_string_equal(json_str(root, "msg_type"), "DHCPLEASEACTIVE");
	assert_int_equal(json_int(root, "msg_type_code"), 13);
	assert_int_equal(json_int(root, "xid"), 0xabcdef01);
	assert_string_equal(json_str(root, "ciaddr"), "192.0.2.10");
	assert_string_equal(json_str(root, "yiaddr"), "0.0.0.0");
	assert_string_equal(json_str(root, "siaddr"), "0.0.0.0");
	assert_string_equal(json_str(root, "giaddr"), "192.0.2.254");
	assert_string_equal(json_str(root, "chaddr"), "00:11:22:33:44:55");
	assert_int_equal(json_int(root, "hops"), 0);
	assert_int_equal(json_int(root, "flags"), 0x8000);
	assert_int_equal(json_int(root, "secs"), 0);
	assert_int_equal(json_array_size(json_object_get(root, "options")),
	    d->n_options);

	o = json_option(root, 53);
	assert_string_equal(json_str(o, "name"), "message-type");
	v = json_object_get(o, "value");
	assert_int_equal(json_int(v, "code"), 13);
	assert_string_equal(json_str(v, "name"), "DHCPLEASEACTIVE");

	assert_string_equal(json_str(json_option(root, 54), "value"), "192.0.2.1");
	assert_int_equal(json_int(json_option(root, 51), "value"), 3600);
	assert_int_equal(json_int(json_option(root, 58), "value"), 0xffffffffu);
	assert_int_equal(json_int(json_option(root, 91), "value"), 60);
	assert_int_equal(json_int(json_option(root, 153), "value"), 600);

	o = json_option(root, 55);
	v = json_object_get(o, "value");
	assert_int_equal(json_array_size(v), 3);
	assert_int_equal(json_integer_value(json_array_get(v, 1)), 61);
	assert_string_equal(json_string_value(json_array_get(
	    json_object_get(o, "names"), 0)), "lease-time");

	o = json_option(root, 61);
	assert_string_equal(json_str(o, "name"), "client-identifier");
	assert_string_equal(json_str(o, "hex"), "01001122334455");
	assert_null(json_object_get(o, "text"));
	assert_string_equal(json_str(json_option(root, 60), "text"), "MSFT 5.0");

	v = json_object_get(json_option(root, 92), "value");
	assert_int_equal(json_array_size(v), 2);
	assert_string_equal(json_string_value(json_array_get(v, 1)), "10.0.0.2");

	v = json_object_get(json_option(root, 151), "value");
	assert_int_equal(json_int(v, "code"), 4);
	assert_string_equal(json_str(v, "name"), "NotAllowed");
	assert_string_equal(json_str(v, "text"), "no \"way\"");

	o = json_option(root, 152);
	assert_int_equal(json_int(o, "value"), 1700000000);
	assert_string_equal(json_str(o, "time"), "2023-11-14T22:13:20Z");
	assert_string_equal(json_str(json_option(root, 154), "time"),
	    "2023-11-14T19:26:40Z");
	assert_string_equal(json_str(json_option(root, 155), "time"),
	    "2023-11-14T23:13:20Z");

	v = json_object_get(json_option(root, 156), "value");
	assert_int_equal(json_int(v, "code"), 2);
	assert_string_equal(json_str(v, "name"), "ACTIVE");
	o = json_option(root, 157);
	assert_int_equal(json_int(o, "value"), 1);
	assert_true(json_is_true(json_object_get(o, "remote")));

	v = json_object_get(json_option(root, 221), "value");
	assert_int_equal(json_int(v, "type"), 1);
	assert_string_equal(json_str(v, "type_name"), "vpn-id");
	assert_string_equal(json_str(v, "hex"), "00005e00000007");

	o = json_option(root, 200);
	assert_string_equal(json_str(o, "name"), "unknown");
	assert_string_equal(json_str(o, "hex"), "01ff");
	assert_null(json_object_get(o, "value"));
	json_decref(root);
	free(d);
	free(m);
}

static void test_json_relay_info(void **state)
{
	struct lq4_msg *m = rich_active();
	struct lq4_msg *d = reencode(m);
	json_t *root = print_json(d);
	(void)state;

	json_t *subs = json_object_get(json_option(root, 82), "value");
	assert_true(json_is_array(subs));
	assert_int_equal(json_array_size(subs), 9);
	json_t *s = json_array_get(subs, 0);
	assert_int_equal(json_int(s, "code"), 1);
	assert_string_equal(json_str(s, "name"), "circuit-id");
	assert_string_equal(json_str(s, "hex"), "65746830");
	assert_string_equal(json_str(s, "text"), "eth0");
	s = json_array_get(subs, 2);
	assert_string_equal(json_str(s, "name"), "link-selection");
	assert_string_equal(json_str(s, "value"), "10.0.0.0");
	s = json_array_get(subs, 4);
	assert_string_equal(json_str(s, "name"), "server-id-override");
	assert_string_equal(json_str(s, "value"), "192.0.2.2");
	s = json_array_get(subs, 5);
	assert_string_equal(json_str(s, "name"), "relay-id");
	assert_string_equal(json_str(s, "hex"), "0002ab");
	s = json_array_get(subs, 6);
	assert_string_equal(json_str(s, "name"), "relay-port");
	assert_int_equal(json_int(s, "value"), 1067);
	s = json_array_get(subs, 7);
	json_t *vss = json_object_get(s, "value");
	assert_int_equal(json_int(vss, "type"), 0);
	assert_string_equal(json_str(vss, "text"), "red");
	s = json_array_get(subs, 8);
	assert_true(json_is_true(json_object_get(s, "value")));
	json_decref(root);
	free(d);
	free(m);
}

/* Quotes, backslashes, control octets and high octets stay valid JSON. */
static void test_json_odd_octets(void **state)
{
	static const uint8_t nasty[] = { '"', '\\', '\n', 0x00, 0x01, 0x7f, 0x80,
	    0xff, '/', 'a' };
	struct lq4_msg *m = msg_new(LQ4_LEASEQUERYDONE, 0xffffffffu);
	(void)state;

	m->op = 77;                     /* unknown op */
	m->hlen = 16;
	memset(m->chaddr, 0xee, 16);
	m->has_status = true;
	m->status_code = 200;
	m->status_text = (lq_bytes){ nasty, sizeof(nasty) };
	m->client_id = (lq_bytes){ nasty, sizeof(nasty) };
	m->vss.present = true;
	m->vss.type = 0;
	m->vss.info = (lq_bytes){ nasty, sizeof(nasty) };
	m->has_relay_info = true;
	m->relay_info.circuit_id = (lq_bytes){ nasty, sizeof(nasty) };
	memcpy(m->sname, "a\"b", 3);
	struct lq4_msg *d = reencode(m);
	json_t *root = print_json(d);
	assert_string_equal(json_str(root, "op"), "unknown");
	assert_int_equal(json_int(root, "xid"), 0xffffffffu);
	assert_string_equal(json_str(root, "chaddr"),
	    "ee:ee:ee:ee:ee:ee:ee:ee:ee:ee:ee:ee:ee:ee:ee:ee");
	assert_string_equal(json_str(root, "sname"), "a\"b");
	json_t *st = json_object_get(json_option(root, 151), "value");
	assert_string_equal(json_str(st, "name"), "unknown");
	json_t *text = json_object_get(st, "text");
	assert_true(json_is_string(text));
	assert_int_equal(json_string_length(text), sizeof(nasty) + 2); /* 0x80, 0xff become 2-octet UTF-8 */
	assert_string_equal(json_str(json_option(root, 61), "hex"),
	    "225c0a00017f80ff2f61");
	json_decref(root);

	char *t = print_text(d);
	assert_line(t, "  option 151 status-code: unknown (200) "
	    "22:5c:0a:00:01:7f:80:ff:2f:61");
	assert_line(t, "  option 61 client-identifier: 22:5c:0a:00:01:7f:80:ff:2f:61");
	free(t);
	free(d);
	free(m);
}

static void test_json_minimal(void **state)
{
	struct lq4_msg *m = msg_new(LQ4_LEASEQUERY, 5);
	struct lq4_msg *d = reencode(m);
	struct lq_text t;
	(void)state;

	lq_text_init(&t);
	lq_print4_json(&t, d);
	assert_string_equal(t.data,
	    "{\"family\":4,\"op\":\"BOOTREQUEST\",\"msg_type\":\"DHCPLEASEQUERY\","
	    "\"msg_type_code\":10,\"xid\":5,\"ciaddr\":\"0.0.0.0\","
	    "\"yiaddr\":\"0.0.0.0\",\"siaddr\":\"0.0.0.0\",\"giaddr\":\"0.0.0.0\","
	    "\"htype\":1,\"hlen\":6,\"chaddr\":\"00:00:00:00:00:00\",\"hops\":0,"
	    "\"flags\":0,\"secs\":0,\"options\":[{\"code\":53,"
	    "\"name\":\"message-type\",\"value\":{\"code\":10,"
	    "\"name\":\"DHCPLEASEQUERY\"}}]}");
	lq_text_free(&t);
	free(d);
	free(m);
}

/* Appending to a buffer that already holds text keeps that text. */
static void test_append_and_null(void **state)
{
	struct lq4_msg *m = msg_new(LQ4_LEASEQUERY, 5);
	struct lq4_msg *d = reencode(m);
	struct lq_text t;
	(void)state;

	lq_text_init(&t);
	lq_text_puts(&t, "x:");
	lq_print4_text(&t, d);
	assert_true(strncmp(t.data, "x:DHCPLEASEQUERY xid 0x00000005\n", 32) == 0);
	lq_print4_text(&t, NULL);
	lq_print4_json(&t, NULL);
	lq_print4_text(NULL, d);
	lq_text_free(&t);
	free(d);
	free(m);
}

/* ------------------------------------------------------------- mutation */

static uint32_t rng_state = 0x9e3779b9u;

static uint32_t rng(void)
{
	uint32_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	rng_state = x;
	return x;
}

/* Whatever the decoder accepts prints as valid JSON and as text. */
static void test_print_mutations(void **state)
{
	static uint8_t seed[BUF_MAX], work[BUF_MAX];
	size_t seed_len, len;
	struct lq4_msg *m = rich_active();
	struct lq4_msg *d = calloc(1, sizeof(*d));
	unsigned printed = 0;
	(void)state;

	assert_non_null(d);
	assert_int_equal(lq4_encode(m, seed, sizeof(seed), &seed_len), LQ_OK);
	for (unsigned i = 0; i < 20000; i++) {
		len = seed_len;
		memcpy(work, seed, len);
		unsigned rounds = 1 + rng() % 3;
		for (unsigned r = 0; r < rounds; r++) {
			size_t pos = LQ4_MIN_LEN + rng() % (len - LQ4_MIN_LEN);
			work[pos] = (rng() & 1) ? (uint8_t)rng() : (uint8_t)(rng() % 8);
		}
		if (lq4_decode(work, len, d, NULL) != LQ_OK)
			continue;
		printed++;
		json_t *root = print_json(d);
		json_decref(root);
		char *text = print_text(d);
		assert_true(strlen(text) > 0);
		free(text);
	}
	assert_true(printed > 1000);
	free(d);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_rich),
		cmocka_unit_test(test_text_query_header),
		cmocka_unit_test(test_text_each_type_first_line),
		cmocka_unit_test(test_text_overloaded),
		cmocka_unit_test(test_text_wrong_lengths),
		cmocka_unit_test(test_json_rich),
		cmocka_unit_test(test_json_relay_info),
		cmocka_unit_test(test_json_odd_octets),
		cmocka_unit_test(test_json_minimal),
		cmocka_unit_test(test_append_and_null),
		cmocka_unit_test(test_print_mutations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
