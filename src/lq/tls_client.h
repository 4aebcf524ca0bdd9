/* tls_client.h - TLS for the requestor's bulk and active leasequery
 * connections (RFC 7724 for DHCPv4, RFC 7653 8.2 for DHCPv6), with
 * OpenSSL: the command-line flags (--tls, --tls-ca, --tls-cert, --tls-key,
 * --tls-name), the client context (TLS 1.2 at least, the server's
 * certificate verified against --tls-ca and, when the server was named by
 * a host name or --tls-name, checked for that name; our own certificate for
 * mutual authentication), and the negotiation on a fresh connection:
 * DHCPTLS / STARTTLS as the first message, the server's answer, then the
 * handshake. A refusal, a dropped connection or a failed handshake is an
 * error that names which; never a fallback to plain text. */
#ifndef LQ_TLS_CLIENT_H
#define LQ_TLS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcp_client.h"

struct lq_tls_opts {
	bool enabled;                   /* --tls */
	const char *ca;                 /* --tls-ca FILE: CAs for the server's certificate */
	const char *cert;               /* --tls-cert FILE: our certificate (chain), PEM */
	const char *key;                /* --tls-key FILE: its key (default: in cert) */
	const char *name;               /* --tls-name NAME: the name the server's
					 * certificate must carry */
};

/* The flags for a usage text. */
#define LQ_TLS_USAGE \
	"tls:        [--tls --tls-ca FILE [--tls-cert FILE [--tls-key FILE]] [--tls-name NAME]]\n"

/* argv[*i] is perhaps a TLS flag: *matched says whether it was (then its
 * value is taken, advancing *i). 0, or -1 with a sentence in err when the
 * value is missing. */
int lq_tls_parse_flag(struct lq_tls_opts *o, int argc, char **argv, int *i, bool *matched,
		      char *err, size_t cap);
/* Do the flags go together (--tls-ca with --tls; the other flags only with
 * --tls; --tls-key only with --tls-cert)? 0, or -1 with err. */
int lq_tls_check_opts(const struct lq_tls_opts *o, char *err, size_t cap);

struct lq_tls;

/* The client context for server (as on the command line, HOST[:PORT]):
 * loads the CA file and our certificate and key. The name checked in the
 * server's certificate is --tls-name, else HOST when it is a name, else
 * none (an address: only the chain is verified). NULL with err on failure.
 * Ignores SIGPIPE (OpenSSL writes with write()). */
struct lq_tls *lq_tls_new(const struct lq_tls_opts *o, const char *server, char *err, size_t cap);
void lq_tls_free(struct lq_tls *tls);
/* The name the server's certificate is checked for, or NULL. */
const char *lq_tls_peer_name(const struct lq_tls *tls);

/* On a connection just made: send DHCPTLS (family 4) or STARTTLS (6, with
 * our duid) with xid, read the answer, run the handshake. 0, or -1 with
 * t->fail (LQ_TCP_TLS: refused, dropped, no answer, bad answer, handshake
 * failed; LQ_TCP_INTERRUPTED) and t->why naming which. With verbose, says
 * what it does on stderr. */
int lq_tls_upgrade(struct lq_tcp *t, struct lq_tls *tls, int family, uint32_t xid,
		   const uint8_t *duid, size_t duid_len, int verbose);

#endif
