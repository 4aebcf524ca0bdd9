/* syslog_sink.c - a cheap stand-in for the system log in the single-query
 * benchmark: ISC dhcpd logs three lines per leasequery and cannot be told
 * not to, so it gets a /dev/log to send them to, as in a deployment, and
 * this reads them in batches (recvmmsg) and throws them away, using as
 * little of the machine the servers share as it can.
 *
 * usage: syslog_sink SOCKET_PATH [KEEP]
 * Binds a Unix datagram socket at SOCKET_PATH, prints the first KEEP lines
 * (default 200: the start-up messages) to standard output, then only counts;
 * on SIGTERM or SIGINT prints the count and exits. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define BATCH 64
#define LINE_MAX_LEN 2048

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

int main(int argc, char **argv)
{
	static char bufs[BATCH][LINE_MAX_LEN];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	unsigned long long lines = 0, keep = 200;
	int size = 4 << 20;

	if (argc < 2 || argc > 3 || strlen(argv[1]) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "usage: syslog_sink SOCKET_PATH [KEEP]\n");
		return 2;
	}
	if (argc == 3)
		keep = strtoull(argv[2], NULL, 10);
	memcpy(sun.sun_path, argv[1], strlen(argv[1]) + 1);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		fprintf(stderr, "syslog_sink: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	struct sigaction sa = { .sa_handler = on_signal };   /* no SA_RESTART: recvmmsg returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	while (!stopping) {
		for (int i = 0; i < BATCH; i++) {
			iov[i] = (struct iovec){ .iov_base = bufs[i], .iov_len = LINE_MAX_LEN - 1 };
			msgs[i].msg_hdr = (struct msghdr){ .msg_iov = &iov[i], .msg_iovlen = 1 };
		}
		int n = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "syslog_sink: %s\n", strerror(errno));
			break;
		}
		for (int i = 0; i < n && lines + (unsigned)i < keep; i++) {
			bufs[i][msgs[i].msg_len] = '\0';
			printf("%s\n", bufs[i]);
			fflush(stdout);
		}
		lines += (unsigned long long)n;
	}
	printf("syslog sink: %llu lines\n", lines);
	close(fd);
	unlink(argv[1]);
	return 0;
}
