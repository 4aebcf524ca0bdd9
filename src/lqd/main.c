/* main.c - lqd, the leasequery server: reads its configuration, opens the
 * binding store, follows the configured lease sources into it, answers
 * single leasequeries over UDP and bulk leasequeries over TCP and serves the
 * control socket, until SIGTERM or SIGINT. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lqd.h"

static void usage(FILE *out)
{
	fputs("usage: lqd -c FILE [-d]   run the leasequery server with the JSON configuration FILE\n"
	      "       lqd -t -c FILE      check the configuration and exit\n"
	      "       lqd -V              print the version\n"
	      "  -d  log debug messages\n", out);
}

static void on_signal(evutil_socket_t sig, short what, void *ctx)
{
	struct lqd *d = ctx;
	(void)what;
	lqd_log(LQD_LOG_INFO, "signal %d: shutting down", (int)sig);
	event_base_loopbreak(d->base);
}

static int open_store(struct lqd *d)
{
	struct lq_store_options opt = {
		.history_limit = d->config.store.history_limit,
		.map_size = (size_t)d->config.store.map_size_mb << 20,
	};
	int rc = lq_store_open(&d->store, d->config.store.path, &opt);

	if (rc < 0) {
		lqd_log(LQD_LOG_ERROR, "store %s: %s", d->config.store.path, lq_store_strerror(rc));
		return -1;
	}
	lqd_log(LQD_LOG_INFO, "store %s open", d->config.store.path);
	return 0;
}

static int start_sources(struct lqd *d)
{
	d->sources = calloc(d->config.n_sources, sizeof(struct lqd_source *));
	if (d->config.n_sources > 0 && d->sources == NULL)
		return -1;
	for (size_t i = 0; i < d->config.n_sources; i++) {
		const struct lq_config_source *src = &d->config.sources[i];
		if (src->type == LQ_CONFIG_SOURCE_KEA_PGSQL) {
			lqd_log(LQD_LOG_ERROR, "sources[%zu]: kea-pgsql is not available in this version", i);
			return -1;
		}
		struct lqd_source *s = lqd_source_start(d, src);
		if (s == NULL)
			return -1;
		d->sources[d->n_sources++] = s;
	}
	return 0;
}

static void shutdown_all(struct lqd *d)
{
	lqd_tcp_stop(d->tcp);
	lqd_udp_stop(d->udp);
	for (size_t i = 0; i < d->n_sources; i++)
		lqd_source_stop(d->sources[i]);
	free(d->sources);
	lqd_control_stop(d->control);
	if (d->signal_term != NULL)
		event_free(d->signal_term);
	if (d->signal_int != NULL)
		event_free(d->signal_int);
	if (d->store != NULL)
		lq_store_close(d->store);
	if (d->base != NULL)
		event_base_free(d->base);
	lq_config_free(&d->config);
}

int main(int argc, char **argv)
{
	const char *config_path = NULL;
	bool check_only = false;
	struct lqd d;
	char err[1024];
	int opt;

	memset(&d, 0, sizeof(d));
	while ((opt = getopt(argc, argv, "c:dhtV")) != -1) {
		switch (opt) {
		case 'c': config_path = optarg; break;
		case 'd': lqd_log_set_level(LQD_LOG_DEBUG); break;
		case 't': check_only = true; break;
		case 'V': puts("lqd 0.1.0"); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (config_path == NULL || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (lq_config_load(config_path, &d.config, err, sizeof(err)) < 0) {
		fprintf(stderr, "lqd: %s\n", err);
		return 1;
	}
	if (check_only) {
		printf("%s: configuration OK (%zu sources, %zu IPv4 and %zu IPv6 subnets)\n", config_path,
		       d.config.n_sources, d.config.n_subnets4, d.config.n_subnets6);
		lq_config_free(&d.config);
		return 0;
	}
	signal(SIGPIPE, SIG_IGN);
	d.base = event_base_new();
	if (d.base == NULL || open_store(&d) < 0)
		goto fail;
	d.signal_term = evsignal_new(d.base, SIGTERM, on_signal, &d);
	d.signal_int = evsignal_new(d.base, SIGINT, on_signal, &d);
	if (d.signal_term == NULL || d.signal_int == NULL || event_add(d.signal_term, NULL) < 0 ||
	    event_add(d.signal_int, NULL) < 0)
		goto fail;
	if (d.config.control_socket != NULL && (d.control = lqd_control_start(&d, d.config.control_socket)) == NULL)
		goto fail;
	if (start_sources(&d) < 0)
		goto fail;
	if (lqd_server_duid_ensure(&d) < 0 || (d.udp = lqd_udp_start(&d)) == NULL ||
	    (d.tcp = lqd_tcp_start(&d)) == NULL || lqd_drop_privileges(&d) < 0)
		goto fail;
	lqd_log(LQD_LOG_INFO, "running");
	event_base_dispatch(d.base);
	shutdown_all(&d);
	lqd_log(LQD_LOG_INFO, "stopped");
	return 0;
fail:
	shutdown_all(&d);
	return 1;
}
