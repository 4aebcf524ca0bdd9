/* tls_client.c - the requestor's TLS: flags, the OpenSSL client context,
 * and the DHCPTLS / STARTTLS negotiation before the handshake (RFC 7724,
 * RFC 7653 8.2: if the server does not answer, drops the connection, or
 * answers with a status, the requestor drops the connection; if the
 * handshake fails, too). */
#include <arpa/inet.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "active4.h"
#include "active6.h"
#include "args.h"
#include "output.h"
#include "tls_client.h"

struct lq_tls {
	SSL_CTX *ctx;
	char name[256];                 /* empty: no name check */
};

/* ------------------------------------------------------------ flags */

int lq_tls_parse_flag(struct lq_tls_opts *o, int argc, char **argv, int *i, bool *matched,
		      char *err, size_t cap)
{
	static const struct {
		const char *flag;
		size_t offset;
	} valued[] = {
		{ "--tls-ca", offsetof(struct lq_tls_opts, ca) },
		{ "--tls-cert", offsetof(struct lq_tls_opts, cert) },
		{ "--tls-key", offsetof(struct lq_tls_opts, key) },
		{ "--tls-name", offsetof(struct lq_tls_opts, name) },
	};
	bool bad;
	const char *v;

	*matched = true;
	if (strcmp(argv[*i], "--tls") == 0) {
		o->enabled = true;
		return 0;
	}
	for (size_t k = 0; k < sizeof(valued) / sizeof(valued[0]); k++) {
		if ((v = lq_args_flag_value(argc, argv, i, valued[k].flag, &bad)) == NULL && !bad)
			continue;
		if (bad) {
			snprintf(err, cap, "%s needs a value", valued[k].flag);
			return -1;
		}
		*(const char **)((char *)o + valued[k].offset) = v;
		return 0;
	}
	*matched = false;
	return 0;
}

int lq_tls_check_opts(const struct lq_tls_opts *o, char *err, size_t cap)
{
	const char *stray = o->ca != NULL ? "--tls-ca" : o->cert != NULL ? "--tls-cert"
			  : o->key != NULL ? "--tls-key" : o->name != NULL ? "--tls-name" : NULL;

	if (!o->enabled && stray != NULL) {
		snprintf(err, cap, "%s without --tls (say --tls to use TLS)", stray);
		return -1;
	}
	if (!o->enabled)
		return 0;
	if (o->ca == NULL) {
		snprintf(err, cap, "--tls needs --tls-ca FILE: the CA certificate(s) the server's "
			 "certificate is verified with");
		return -1;
	}
	if (o->key != NULL && o->cert == NULL) {
		snprintf(err, cap, "--tls-key without --tls-cert");
		return -1;
	}
	if (o->name != NULL && (o->name[0] == '\0' || strlen(o->name) >= 256)) {
		snprintf(err, cap, "--tls-name: a host name of 1 to 255 characters");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ context */

static void openssl_reason(char *buf, size_t cap)
{
	unsigned long e = ERR_get_error(), last = e;

	while (e != 0) {
		last = e;
		e = ERR_get_error();
	}
	if (last == 0)
		snprintf(buf, cap, "no further detail");
	else
		ERR_error_string_n(last, buf, cap);
}

/* HOST out of "HOST", "HOST:PORT", "[V6]:PORT" or a bare IPv6 address. */
static void server_host(const char *server, char *host, size_t cap)
{
	const char *colon = strrchr(server, ':');
	size_t n;

	if (server[0] == '[') {
		const char *close = strchr(server, ']');
		n = close != NULL ? (size_t)(close - server - 1) : strlen(server + 1);
		server++;
	} else if (colon != NULL && strchr(server, ':') == colon) {
		n = (size_t)(colon - server);
	} else {
		n = strlen(server);
	}
	if (n >= cap)
		n = cap - 1;
	memcpy(host, server, n);
	host[n] = '\0';
}

static bool is_address(const char *host)
{
	uint8_t buf[16];

	return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

static struct lq_tls *failed(struct lq_tls *tls, char *err, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static struct lq_tls *failed(struct lq_tls *tls, char *err, size_t cap, const char *fmt, ...)
{
	char what[256], why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	openssl_reason(why, sizeof(why));
	snprintf(err, cap, "%s: %s", what, why);
	lq_tls_free(tls);
	return NULL;
}

struct lq_tls *lq_tls_new(const struct lq_tls_opts *o, const char *server, char *err, size_t cap)
{
	struct lq_tls *tls = calloc(1, sizeof(*tls));
	char host[256];

	if (tls == NULL) {
		snprintf(err, cap, "out of memory");
		return NULL;
	}
	(void)signal(SIGPIPE, SIG_IGN);
	ERR_clear_error();
	if ((tls->ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		return failed(tls, err, cap, "cannot make a TLS context");
	if (SSL_CTX_set_min_proto_version(tls->ctx, TLS1_2_VERSION) != 1)
		return failed(tls, err, cap, "cannot require TLS 1.2");
	SSL_CTX_set_mode(tls->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
				   SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	/* a connection closed without close_notify is a closed connection */
	SSL_CTX_set_options(tls->ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	if (SSL_CTX_load_verify_locations(tls->ctx, o->ca, NULL) != 1)
		return failed(tls, err, cap, "--tls-ca %s: cannot load the CA certificate(s)", o->ca);
	SSL_CTX_set_verify(tls->ctx, SSL_VERIFY_PEER, NULL);
	if (o->cert != NULL) {
		const char *key = o->key != NULL ? o->key : o->cert;
		if (SSL_CTX_use_certificate_chain_file(tls->ctx, o->cert) != 1)
			return failed(tls, err, cap, "--tls-cert %s: cannot load the certificate",
				      o->cert);
		if (SSL_CTX_use_PrivateKey_file(tls->ctx, key, SSL_FILETYPE_PEM) != 1)
			return failed(tls, err, cap, "%s %s: cannot load the private key",
				      o->key != NULL ? "--tls-key" : "--tls-cert", key);
		if (SSL_CTX_check_private_key(tls->ctx) != 1)
			return failed(tls, err, cap, "--tls-key %s: not the key of the certificate "
				      "in %s", key, o->cert);
	}
	if (o->name != NULL) {
		snprintf(tls->name, sizeof(tls->name), "%s", o->name);
	} else {
		server_host(server, host, sizeof(host));
		if (!is_address(host))
			snprintf(tls->name, sizeof(tls->name), "%s", host);
	}
	return tls;
}

void lq_tls_free(struct lq_tls *tls)
{
	if (tls == NULL)
		return;
	SSL_CTX_free(tls->ctx);
	free(tls);
}

const char *lq_tls_peer_name(const struct lq_tls *tls)
{
	return tls->name[0] != '\0' ? tls->name : NULL;
}

/* ------------------------------------------------------------ negotiation */

static int tls_fail(struct lq_tcp *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int tls_fail(struct lq_tcp *t, const char *fmt, ...)
{
	va_list ap;

	t->fail = LQ_TCP_TLS;
	va_start(ap, fmt);
	vsnprintf(t->why, sizeof(t->why), fmt, ap);
	va_end(ap);
	return -1;
}

/* Send the request and read the answer: 0 to go ahead, -1 (said). */
static int ask(struct lq_tcp *t, int family, uint32_t xid, const uint8_t *duid, size_t duid_len,
	       int verbose)
{
	const char *req = family == 4 ? "DHCPTLS" : "STARTTLS";
	uint8_t out[LQ4_TLS_MSG_MAX_LEN];
	struct lq_tls_answer ans;
	enum lq_tls_verdict v;
	size_t len;
	lq_bytes msg;
	lq_err err;
	int rc;

	err = family == 4 ? lq4_tls_build(xid, out, sizeof(out), &len)
			  : lq6_starttls_build(xid, (lq_bytes){ duid, duid_len }, out, sizeof(out),
					       &len);
	if (err != LQ_OK)
		return tls_fail(t, "cannot build %s: %s", req, lq_strerror(err));
	if (verbose)
		lq_output_dump_packet(family, "sending", out, len);
	if (lq_tcp_queue(t, out, len) < 0)
		return -1;
	rc = lq_tcp_next(t, &msg);
	if (rc < 0 && t->fail == LQ_TCP_INTERRUPTED)
		return -1;
	if (rc == 0 || (rc < 0 && t->fail == LQ_TCP_CLOSED))
		return tls_fail(t, "TLS refused: the server closed the connection after %s (it "
				"does not do TLS here)", req);
	if (rc < 0 && t->fail == LQ_TCP_TIMEOUT)
		return tls_fail(t, "TLS refused: no answer to %s in %.0f s", req,
				t->timeout_ms / 1000.0);
	if (rc < 0)
		return tls_fail(t, "TLS: no answer to %s: %s", req, t->why);
	if (verbose)
		lq_output_dump_packet(family, "received", msg.data, msg.len);
	v = family == 4 ? lq4_tls_answer_read(xid, msg.data, msg.len, &ans)
			: lq6_starttls_answer_read(xid, (lq_bytes){ duid, duid_len }, msg.data,
						   msg.len, &ans);
	if (v == LQ_TLS_REFUSED)
		return tls_fail(t, "%s", ans.why);
	if (v == LQ_TLS_BAD)
		return tls_fail(t, "TLS: %s", ans.why);
	if (!lq_tcp_drained(t))
		return tls_fail(t, "TLS: the server sent more than its answer to %s before the "
				"handshake", req);
	return 0;
}

int lq_tls_upgrade(struct lq_tcp *t, struct lq_tls *tls, int family, uint32_t xid,
		   const uint8_t *duid, size_t duid_len, int verbose)
{
	SSL *ssl;

	if (ask(t, family, xid, duid, duid_len, verbose) < 0)
		return -1;
	ERR_clear_error();
	if ((ssl = SSL_new(tls->ctx)) == NULL)
		return tls_fail(t, "TLS: cannot make a connection object");
	if (tls->name[0] != '\0' &&
	    (SSL_set_tlsext_host_name(ssl, tls->name) != 1 || SSL_set1_host(ssl, tls->name) != 1)) {
		SSL_free(ssl);
		return tls_fail(t, "TLS: cannot check for the name '%s'", tls->name);
	}
	if (lq_tcp_start_tls(t, ssl) < 0) {
		if (t->fail == LQ_TCP_TIMEOUT)
			t->fail = LQ_TCP_TLS;
		return -1;
	}
	if (verbose) {
		SSL *s = t->ssl;
		X509 *cert = SSL_get0_peer_certificate(s);
		char subject[256] = "?";
		if (cert != NULL)
			X509_NAME_oneline(X509_get_subject_name(cert), subject, sizeof(subject));
		fprintf(stderr, ";; TLS: %s, %s, server certificate %s, %s\n", SSL_get_version(s),
			SSL_get_cipher_name(s), subject,
			tls->name[0] != '\0' ? "name checked" : "chain verified (no name checked)");
	}
	return 0;
}
