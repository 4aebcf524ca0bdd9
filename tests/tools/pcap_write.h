/* pcap_write.h - writes messages as UDP datagrams in a pcap file (raw IP
 * link type), so an independent decoder (tshark) can read what lq encodes. */
#ifndef LQ_PCAP_WRITE_H
#define LQ_PCAP_WRITE_H

#include <stdbool.h>
#include <stdio.h>

#include "lq/common.h"

struct pcap_writer {
	FILE *file;
	unsigned frames;
};

int pcap_open(struct pcap_writer *w, const char *path);
int pcap_write_udp4(struct pcap_writer *w, const lq_ip4 *src, const lq_ip4 *dst,
		    uint16_t sport, uint16_t dport, const uint8_t *payload, size_t len);
int pcap_write_udp6(struct pcap_writer *w, const lq_ip6 *src, const lq_ip6 *dst,
		    uint16_t sport, uint16_t dport, const uint8_t *payload, size_t len);
/* A TCP connection between a requestor and a server: the handshake is
 * written on open, then each send is one segment with correct sequence
 * numbers, so a decoder reassembles the stream as it would a real capture. */
struct pcap_tcp_flow {
	int family;
	lq_ip4 req4, srv4;
	lq_ip6 req6, srv6;
	uint16_t req_port, srv_port;
	uint32_t req_seq, srv_seq;
};

int pcap_tcp_open(struct pcap_writer *w, struct pcap_tcp_flow *f);
int pcap_tcp_send(struct pcap_writer *w, struct pcap_tcp_flow *f, bool from_requestor,
		  const uint8_t *payload, size_t len);
int pcap_close(struct pcap_writer *w);

#endif
