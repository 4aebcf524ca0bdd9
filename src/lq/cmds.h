/* cmds.h - the subcommands of the lq requestor. */
#ifndef LQ_CMDS_H
#define LQ_CMDS_H

/* Exit codes (DESIGN.md contract). */
enum lq_exit {
	LQ_EXIT_OK = 0,
	LQ_EXIT_SERVER_ERROR = 1,
	LQ_EXIT_USAGE = 2,
	LQ_EXIT_NO_ANSWER = 3,
};

int cmd_decode(int argc, char **argv);
int cmd_query(int argc, char **argv);
int cmd_bulk(int argc, char **argv);
int cmd_active(int argc, char **argv);

#endif
