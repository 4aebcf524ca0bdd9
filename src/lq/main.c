/* main.c - lq, the leasequery requestor: dispatches to the subcommands. */
#include <stdio.h>
#include <string.h>

#include "cmds.h"

static void usage(FILE *out)
{
	fputs("usage: lq COMMAND [ARGS]\n"
	      "\n"
	      "commands:\n"
	      "  decode -4|-6 [--json] [--tcp] HEX...   decode a leasequery message given in hex\n"
	      "                                         (or read hex from stdin with '-')\n"
	      "  query -4|-6 -s HOST[:PORT] QUERY [--json]\n"
	      "                                         single leasequery over UDP (RFC 4388, 5007);\n"
	      "                                         'lq query --help' for the options\n"
	      "  bulk -4|-6 -s HOST[:PORT] [QUERY]... [--json]\n"
	      "                                         bulk leasequery over TCP (RFC 6926, 5460);\n"
	      "                                         'lq bulk --help' for the options\n"
	      "  active -4|-6 -s HOST[:PORT] [--start-time T | --state FILE] [--json]\n"
	      "                                         follow active leasequery over TCP (RFC 7724,\n"
	      "                                         7653); 'lq active --help' for the options\n"
	      "  help     this text\n", out);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return LQ_EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "decode") == 0)
		return cmd_decode(argc - 1, argv + 1);
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		usage(stdout);
		return LQ_EXIT_OK;
	}
	if (strcmp(cmd, "query") == 0)
		return cmd_query(argc - 1, argv + 1);
	if (strcmp(cmd, "bulk") == 0)
		return cmd_bulk(argc - 1, argv + 1);
	if (strcmp(cmd, "active") == 0)
		return cmd_active(argc - 1, argv + 1);
	fprintf(stderr, "lq: unknown command '%s'\n", cmd);
	usage(stderr);
	return LQ_EXIT_USAGE;
}
