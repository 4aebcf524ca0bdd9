/* cmdline.h - how the lq subcommands (query, bulk, active) read their
 * command lines: the loop over the arguments, the flags they all have (-4,
 * -6, --json, -v, -h), "--flag VALUE" options kept as strings in the
 * subcommand's options from a table, the address family that -4 / -6 or a
 * flag of one family chooses (a flag of the other family is refused), and
 * the usage error, which names the subcommand and shows its usage; and the
 * server the command line names, with its TLS flags. */
#ifndef LQ_CMDLINE_H
#define LQ_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct lq_tls_opts;
struct lq_udp_server;

/* What a subcommand says of itself in a usage error. */
struct lq_cmd {
	const char *name;               /* "lq bulk": begins every message */
	void (*usage)(FILE *out);       /* follows every message, on stderr */
	/* why flag, of family, does not go with the family already chosen:
	 * " (...)" or ""; NULL: never a hint */
	const char *(*family_hint)(const char *flag, int family, int chosen);
};

/* A command line being read. */
struct lq_cmdline {
	const struct lq_cmd *cmd;
	int argc;
	char **argv;
	int i;                          /* the argument being read */
	int family;                     /* 0 until -4/-6 or a family-only flag */
	const char *family_flag;        /* the flag that chose it, for messages */
};

/* A "--flag VALUE" option. */
struct lq_cmdline_flag {
	const char *name;
	int family;                     /* 0: both; 4 or 6: that family only */
	size_t offset;                  /* lq_cmdline_store: where its value goes, the
					 * offset of a const char * in the options */
	int id;                         /* lq_cmdline_match: what the subcommand makes
					 * of it */
};

/* The number of flags in a table. */
#define LQ_CMDLINE_N(table) (sizeof(table) / sizeof((table)[0]))

/* "NAME: " and the message on stderr, then the usage. Returns -1. */
int lq_cmd_error(const struct lq_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Read argv[1..] for cmd: one(cl, opts, &matched) reads argv[cl->i]
 * (moving cl->i past a value it takes) and says whether it knew it: 0, 1
 * for --help or -1 on a usage error (said). An argument nobody knows is a
 * usage error: an unknown option or an unexpected argument. *family: the
 * one chosen (0: none). Returns 0, 1 for --help, -1 on a usage error. */
int lq_cmdline_parse(const struct lq_cmd *cmd, int argc, char **argv, void *opts,
		     int (*one)(struct lq_cmdline *cl, void *opts, bool *matched), int *family);

/* flag asks for family: chosen when none is yet; -1 (said) when flag is
 * for the other one. */
int lq_cmdline_family(struct lq_cmdline *cl, int family, const char *flag);

/* The flags every subcommand has: -4, -6, --json, -v / --verbose, -h /
 * --help (the usage on stdout). 0 (*matched: argv[i] was one of them), 1
 * for --help, -1 on a usage error (said). */
int lq_cmdline_common(struct lq_cmdline *cl, bool *json, int *verbose, bool *matched);

/* Is argv[i] flag? 1 with its *value ("--flag VALUE": i moves to the value;
 * or "--flag=VALUE"), 0 when not, -1 when its value is missing (said:
 * "FLAG needs a value" and what, e.g. " (seconds)"). */
int lq_cmdline_value(struct lq_cmdline *cl, const char *flag, const char *what, const char **value);

/* The same for -s / --server HOST[:PORT]. */
int lq_cmdline_server(struct lq_cmdline *cl, const char **value);

/* flag with a number of seconds, more than 0 and at most max_s, as
 * milliseconds in *ms. 0 (*matched: argv[i] was flag), -1 on a usage error
 * (said: no value, or not such a number). */
int lq_cmdline_seconds(struct lq_cmdline *cl, const char *flag, double max_s, uint32_t *ms,
		       bool *matched);

/* Is argv[i] one of the n flags? 1: it is flags[*which], with its *value,
 * and its family chosen; 0: none of them; -1 on a usage error (said: the
 * value is missing, or the flag is for the other family). */
int lq_cmdline_match(struct lq_cmdline *cl, const struct lq_cmdline_flag *flags, size_t n,
		     size_t *which, const char **value);

/* lq_cmdline_match, and the value kept at the flag's offset in opts. once:
 * NULL, a flag given again replaces its value; else it is a usage error
 * ("FLAG given twice (once)"). 0 (*matched: argv[i] was one of them), -1
 * on a usage error (said). */
int lq_cmdline_store(struct lq_cmdline *cl, const struct lq_cmdline_flag *flags, size_t n,
		     void *opts, const char *once, bool *matched);

/* -s / --server of a subcommand that asks one server, into *server; given
 * twice, a usage error: "-s: " and twice. 0 (*matched), -1 (said). */
int lq_cmdline_one_server(struct lq_cmdline *cl, const char **server, const char *twice,
			  bool *matched);

/* The TLS flags (tls_client.h) into *tls. 0 (*matched), -1 (said). */
int lq_cmdline_tls(struct lq_cmdline *cl, struct lq_tls_opts *tls, bool *matched);

/* After the command line: what every query needs, a family and a server.
 * 0, or -1 on a usage error (said): "say -4 or -6 (DHCPv4 or DHCPv6
 * QUERY)", "-s HOST[:PORT]: which server to VERB". */
int lq_cmd_required(const struct lq_cmd *cmd, int family, bool has_server, const char *query,
		    const char *verb);

/* After the command line: the server HOST[:PORT] of family (its default
 * port the family's) into *srv, and TLS flags that go together. 0, or -1
 * on a usage error (said). */
int lq_cmd_server(const struct lq_cmd *cmd, int family, const char *server,
		  const struct lq_tls_opts *tls, struct lq_udp_server *srv);

#endif
