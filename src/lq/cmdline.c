/* cmdline.c - the command-line reading the lq subcommands share
 * (cmdline.h). */
#include <stdarg.h>
#include <string.h>

#include "args.h"
#include "cmdline.h"
#include "tls_client.h"
#include "udp_client.h"
#include "lq/dhcp4.h"
#include "lq/dhcp6.h"

int lq_cmd_error(const struct lq_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n", stderr);
	cmd->usage(stderr);
	return -1;
}

int lq_cmdline_parse(const struct lq_cmd *cmd, int argc, char **argv, void *opts,
		     int (*one)(struct lq_cmdline *cl, void *opts, bool *matched), int *family)
{
	struct lq_cmdline cl = { cmd, argc, argv, 1, 0, NULL };
	int rc = 0;

	for (; rc == 0 && cl.i < argc; cl.i++) {
		const char *arg = argv[cl.i];
		bool matched = false;

		rc = one(&cl, opts, &matched);
		if (rc != 0 || matched)
			continue;
		if (arg[0] == '-')
			rc = lq_cmd_error(cmd, "unknown option '%s'", arg);
		else
			rc = lq_cmd_error(cmd, "unexpected argument '%s'", arg);
	}
	*family = cl.family;
	return rc;
}

int lq_cmdline_family(struct lq_cmdline *cl, int family, const char *flag)
{
	if (cl->family != 0 && cl->family != family) {
		const char *hint = cl->cmd->family_hint != NULL
				   ? cl->cmd->family_hint(flag, family, cl->family) : "";
		return lq_cmd_error(cl->cmd, "%s is for DHCPv%d, but %s asks for DHCPv%d%s", flag,
				    family, cl->family_flag, cl->family, hint);
	}
	if (cl->family == 0) {
		cl->family = family;
		cl->family_flag = flag;
	}
	return 0;
}

int lq_cmdline_common(struct lq_cmdline *cl, bool *json, int *verbose, bool *matched)
{
	const char *arg = cl->argv[cl->i];

	*matched = true;
	if (strcmp(arg, "-4") == 0 || strcmp(arg, "-6") == 0)
		return lq_cmdline_family(cl, arg[1] - '0', arg);
	if (strcmp(arg, "--json") == 0) {
		*json = true;
	} else if (strcmp(arg, "-v") == 0 || strcmp(arg, "--verbose") == 0) {
		(*verbose)++;
	} else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
		cl->cmd->usage(stdout);
		return 1;
	} else {
		*matched = false;
	}
	return 0;
}

int lq_cmdline_value(struct lq_cmdline *cl, const char *flag, const char *what, const char **value)
{
	bool bad;

	*value = lq_args_flag_value(cl->argc, cl->argv, &cl->i, flag, &bad);
	if (*value != NULL)
		return 1;
	if (bad)
		return lq_cmd_error(cl->cmd, "%s needs a value%s", flag, what);
	return 0;
}

int lq_cmdline_server(struct lq_cmdline *cl, const char **value)
{
	int rc = lq_cmdline_value(cl, "-s", " (HOST[:PORT])", value);

	return rc != 0 ? rc : lq_cmdline_value(cl, "--server", " (HOST[:PORT])", value);
}

int lq_cmdline_seconds(struct lq_cmdline *cl, const char *flag, double max_s, uint32_t *ms,
		       bool *matched)
{
	const char *v;
	int rc = lq_cmdline_value(cl, flag, " (seconds)", &v);

	*matched = rc == 1;
	if (rc <= 0)
		return rc;
	if (lq_args_seconds(v, max_s, ms) < 0)
		return lq_cmd_error(cl->cmd, "%s: '%s' is not a number of seconds (greater than 0, "
				    "at most %g)", flag, v, max_s);
	return 0;
}

int lq_cmdline_match(struct lq_cmdline *cl, const struct lq_cmdline_flag *flags, size_t n,
		     size_t *which, const char **value)
{
	for (size_t k = 0; k < n; k++) {
		int rc = lq_cmdline_value(cl, flags[k].name, "", value);

		if (rc == 0)
			continue;
		if (rc < 0 || (flags[k].family != 0 &&
			       lq_cmdline_family(cl, flags[k].family, flags[k].name) < 0))
			return -1;
		*which = k;
		return 1;
	}
	return 0;
}

int lq_cmdline_store(struct lq_cmdline *cl, const struct lq_cmdline_flag *flags, size_t n,
		     void *opts, const char *once, bool *matched)
{
	size_t k;
	const char *v;
	int rc = lq_cmdline_match(cl, flags, n, &k, &v);

	*matched = rc == 1;
	if (rc <= 0)
		return rc;
	const char **slot = (const char **)((char *)opts + flags[k].offset);
	if (once != NULL && *slot != NULL)
		return lq_cmd_error(cl->cmd, "%s given twice (%s)", flags[k].name, once);
	*slot = v;
	return 0;
}

int lq_cmdline_one_server(struct lq_cmdline *cl, const char **server, const char *twice,
			  bool *matched)
{
	const char *v;
	int rc = lq_cmdline_server(cl, &v);

	*matched = rc == 1;
	if (rc <= 0)
		return rc;
	if (*server != NULL)
		return lq_cmd_error(cl->cmd, "-s: %s", twice);
	*server = v;
	return 0;
}

int lq_cmdline_tls(struct lq_cmdline *cl, struct lq_tls_opts *tls, bool *matched)
{
	char err[256];

	if (lq_tls_parse_flag(tls, cl->argc, cl->argv, &cl->i, matched, err, sizeof(err)) < 0)
		return lq_cmd_error(cl->cmd, "%s", err);
	return 0;
}

int lq_cmd_required(const struct lq_cmd *cmd, int family, bool has_server, const char *query,
		    const char *verb)
{
	if (family == 0)
		return lq_cmd_error(cmd, "say -4 or -6 (DHCPv4 or DHCPv6 %s)", query);
	if (!has_server)
		return lq_cmd_error(cmd, "-s HOST[:PORT]: which server to %s", verb);
	return 0;
}

int lq_cmd_server(const struct lq_cmd *cmd, int family, const char *server,
		  const struct lq_tls_opts *tls, struct lq_udp_server *srv)
{
	char err[256];

	if (lq_tls_check_opts(tls, err, sizeof(err)) < 0)
		return lq_cmd_error(cmd, "%s", err);
	if (lq_udp_parse_server(server, family, family == 4 ? LQ4_PORT : LQ6_PORT, srv, err,
				sizeof(err)) < 0)
		return lq_cmd_error(cmd, "-s %s", err);
	return 0;
}
