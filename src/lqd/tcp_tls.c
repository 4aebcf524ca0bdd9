/* tcp_tls.c - TLS for lqd's TCP service (RFC 7724 6.1 for DHCPv4, RFC
 * 7653 8.2 and 9.1 for DHCPv6): a requestor asks for TLS with a DHCPTLS
 * (v4) or STARTTLS (v6) message as the first message on a connection. lqd
 * answers with a DHCPTLS, or a REPLY as the DHCPv6 draft in shared/specs
 * says (the final RFC 7653 answers with STARTTLS; lq accepts both), without
 * a status when it goes ahead, then the TLS handshake follows on the same
 * connection and every later message travels inside TLS.
 *
 * tls.mode: "off" answers TLSConnectionRefused and keeps the connection in
 * plain text; "optional" negotiates TLS when asked and serves plain-text
 * queries too; "required" negotiates TLS and closes connections whose first
 * query comes without it. TLS 1.2 at least; the requestor must present a
 * certificate that verifies against tls.ca (mutual authentication). */
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <stdlib.h>
#include <string.h>

#include "lq/dhcp4.h"
#include "lq/dhcp6.h"
#include "tcp_internal.h"

static const char refused_text[] = "TLS is not enabled on this server (tls.mode off)";

static void log_ssl_error(const char *what, const char *path)
{
	char buf[256];
	unsigned long e = ERR_get_error();

	ERR_error_string_n(e, buf, sizeof(buf));
	lqd_log(LQD_LOG_ERROR, "tls: %s %s: %s", what, path != NULL ? path : "", e != 0 ? buf : "failed");
	ERR_clear_error();
}

int tcp_tls_setup(struct lqd_tcp *tcp)
{
	const struct lq_config *cfg = &tcp->d->config;
	SSL_CTX *ctx;

	if (cfg->tls.mode == LQ_CONFIG_TLS_OFF)
		return 0;
	ctx = SSL_CTX_new(TLS_server_method());
	if (ctx == NULL) {
		log_ssl_error("cannot create a TLS context", NULL);
		return -1;
	}
	STACK_OF(X509_NAME) *cas = SSL_load_client_CA_file(cfg->tls.ca);
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) {
		log_ssl_error("cannot require TLS 1.2", NULL);
	} else if (SSL_CTX_use_certificate_chain_file(ctx, cfg->tls.cert) != 1) {
		log_ssl_error("cannot load the certificate", cfg->tls.cert);
	} else if (SSL_CTX_use_PrivateKey_file(ctx, cfg->tls.key, SSL_FILETYPE_PEM) != 1 ||
		   SSL_CTX_check_private_key(ctx) != 1) {
		log_ssl_error("cannot load the key (or it does not match the certificate)", cfg->tls.key);
	} else if (SSL_CTX_load_verify_locations(ctx, cfg->tls.ca, NULL) != 1 || cas == NULL) {
		log_ssl_error("cannot load the CA", cfg->tls.ca);
	} else {
		SSL_CTX_set_client_CA_list(ctx, cas);
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
		tcp->ssl_ctx = ctx;
		lqd_log(LQD_LOG_INFO, "tls: mode %s, certificate %s, requestors verified against %s",
			cfg->tls.mode == LQ_CONFIG_TLS_REQUIRED ? "required" : "optional", cfg->tls.cert,
			cfg->tls.ca);
		return 0;
	}
	if (cas != NULL)
		sk_X509_NAME_pop_free(cas, X509_NAME_free);
	SSL_CTX_free(ctx);
	return -1;
}

void tcp_tls_teardown(struct lqd_tcp *tcp)
{
	if (tcp->ssl_ctx != NULL)
		SSL_CTX_free(tcp->ssl_ctx);
	tcp->ssl_ctx = NULL;
}

bool tcp_tls_required(const struct tcp_conn *c)
{
	return c->tcp->ssl_ctx != NULL && c->tcp->d->config.tls.mode == LQ_CONFIG_TLS_REQUIRED && !c->tls;
}

/* The DHCPv4 answer to DHCPTLS: a DHCPTLS, status TLSConnectionRefused when
 * refused. Returns its length, 0 when the request does not decode. */
static size_t answer4(struct tcp_conn *c, const uint8_t *msg, size_t len, bool accept, uint8_t *out)
{
	struct lq4_msg *m = malloc(sizeof(*m));
	size_t n = 0;

	if (m == NULL)
		return 0;
	if (lq4_decode(msg, len, m, NULL) == LQ_OK) {
		uint32_t xid = m->xid;
		lq4_msg_init(m, LQ4_TLS, xid);
		m->op = LQ4_BOOTREPLY;
		m->has_server_id = c->tcp->d->config.has_server_id;
		m->server_id = c->tcp->d->config.server_id;
		if (!accept) {
			m->has_status = true;
			m->status_code = LQ4_STATUS_TLS_CONNECTION_REFUSED;
			m->status_text = (lq_bytes){(const uint8_t *)refused_text, sizeof(refused_text) - 1};
		}
		if (lq4_encode(m, out, LQ_BULK_MSG_MAX, &n) != LQ_OK)
			n = 0;
	}
	free(m);
	return n;
}

/* The DHCPv6 answer to STARTTLS (draft-ietf-dhc-dhcpv6-active-leasequery
 * 9.1): a REPLY with the server and requestor identifiers, status
 * TLSConnectionRefused when refused. */
static size_t answer6(struct tcp_conn *c, const uint8_t *msg, size_t len, bool accept, uint8_t *out)
{
	const struct lq_config *cfg = &c->tcp->d->config;
	struct lq6_msg *m = malloc(sizeof(*m));
	struct lq6_writer w;
	size_t n = 0;

	if (m == NULL)
		return 0;
	if (lq6_decode(msg, len, m, NULL) == LQ_OK) {
		lq6w_init(&w, out, LQ_BULK_MSG_MAX);
		lq6w_header(&w, LQ6_REPLY, m->xid);
		if (cfg->server_duid_len > 0)
			lq6w_option(&w, LQ6_OPT_SERVERID, cfg->server_duid, cfg->server_duid_len);
		if (m->client_id.data != NULL)
			lq6w_option(&w, LQ6_OPT_CLIENTID, m->client_id.data, m->client_id.len);
		if (!accept)
			lq6w_status(&w, LQ6_STATUS_TLS_CONNECTION_REFUSED, refused_text);
		if (lq6w_finish(&w, &n) != LQ_OK)
			n = 0;
	}
	free(m);
	return n;
}

static void on_tls_event(struct bufferevent *bev, short what, void *ctx);

void tcp_tls_start(struct tcp_conn *c, const uint8_t *msg, size_t len)
{
	struct lqd_tcp *tcp = c->tcp;
	bool accept = tcp->ssl_ctx != NULL;
	uint8_t *out = tcp->scratch + 2;
	size_t n = c->family == 4 ? answer4(c, msg, len, accept, out) : answer6(c, msg, len, accept, out);

	if (n == 0) {
		tcp_conn_protocol_error(c, c->family == 4 ? "undecodable DHCPTLS" : "undecodable STARTTLS");
		return;
	}
	tcp_queue_message(c, n);
	if (!accept) {
		lqd_log(LQD_LOG_INFO, "tcp: %s: asked for TLS, refused (tls.mode off)", c->who);
		return;
	}
	SSL *ssl = SSL_new(tcp->ssl_ctx);
	struct bufferevent *tls = ssl == NULL ? NULL :
		bufferevent_openssl_filter_new(tcp->base, c->bev, ssl, BUFFEREVENT_SSL_ACCEPTING,
					       BEV_OPT_CLOSE_ON_FREE);
	if (tls == NULL) {
		if (ssl != NULL)
			SSL_free(ssl);
		lqd_log(LQD_LOG_ERROR, "tcp: %s: cannot start TLS: out of memory", c->who);
		tcp_conn_close_gracefully(c);
		return;
	}
	/* the answer is queued below the TLS layer, ahead of the handshake */
	c->bev = tls;
	c->tls = true;
	c->timeouts_set = false;
	bufferevent_setcb(tls, tcp_on_read, tcp_on_write, on_tls_event, c);
	bufferevent_setwatermark(tls, EV_READ, 0, TCP_IN_MAX);
	bufferevent_setwatermark(tls, EV_WRITE, TCP_OUT_LOW, 0);
	tcp_conn_set_timeouts(c);
	bufferevent_enable(tls, EV_READ | EV_WRITE);
	lqd_log(LQD_LOG_DEBUG, "tcp: %s: TLS handshake", c->who);
}

static void on_tls_event(struct bufferevent *bev, short what, void *ctx)
{
	struct tcp_conn *c = ctx;

	if (what & BEV_EVENT_CONNECTED) {
		SSL *ssl = bufferevent_openssl_get_ssl(bev);
		X509 *peer = SSL_get1_peer_certificate(ssl);
		char subject[256] = "?";
		if (peer != NULL) {
			X509_NAME_oneline(X509_get_subject_name(peer), subject, sizeof(subject));
			X509_free(peer);
		}
		atomic_fetch_add(&c->tcp->tls_handshakes, 1);
		lqd_log(LQD_LOG_INFO, "tcp: %s: TLS established (%s, %s), requestor %s", c->who,
			SSL_get_version(ssl), SSL_get_cipher_name(ssl), subject);
		return;
	}
	if ((what & BEV_EVENT_ERROR) && !c->lingering) {
		unsigned long e = bufferevent_get_openssl_error(bev);
		char buf[256] = "connection lost";
		if (e != 0)
			ERR_error_string_n(e, buf, sizeof(buf));
		if (SSL_is_init_finished(bufferevent_openssl_get_ssl(bev)) == 0) {
			atomic_fetch_add(&c->tcp->tls_failures, 1);
			lqd_log(LQD_LOG_WARNING, "tcp: %s: TLS handshake failed: %s", c->who, buf);
			tcp_conn_free(c);
			return;
		}
	}
	tcp_on_event(bev, what, ctx);
}
