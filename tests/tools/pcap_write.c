/* pcap_write.c - a minimal pcap writer: classic file header, raw IPv4/IPv6
 * packets carrying UDP datagrams or TCP segments, with correct checksums. */
#include <string.h>

#include "pcap_write.h"

#define LINKTYPE_RAW 101
#define MAX_PACKET 65535

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint32_t sum_words(uint32_t sum, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold_checksum(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	uint16_t c = (uint16_t)~sum;
	return c == 0 ? 0xffff : c;
}

int pcap_open(struct pcap_writer *w, const char *path)
{
	/* magic, version 2.4, thiszone 0, sigfigs 0, snaplen, link type (host order) */
	const uint32_t hdr[6] = {0xa1b2c3d4, 0x00040002, 0, 0, MAX_PACKET, LINKTYPE_RAW};

	w->frames = 0;
	w->file = fopen(path, "wb");
	if (w->file == NULL)
		return -1;
	return fwrite(hdr, sizeof(hdr), 1, w->file) == 1 ? 0 : -1;
}

static int write_record(struct pcap_writer *w, const uint8_t *pkt, size_t len)
{
	/* one second apart, from 2026-01-01 */
	const uint32_t rec[4] = {1767225600u + w->frames, 0, (uint32_t)len, (uint32_t)len};

	w->frames++;
	if (fwrite(rec, sizeof(rec), 1, w->file) != 1 || fwrite(pkt, len, 1, w->file) != 1)
		return -1;
	return 0;
}

static void fill_udp(uint8_t *udp, uint16_t sport, uint16_t dport, const uint8_t *payload, size_t len)
{
	put16(udp, sport);
	put16(udp + 2, dport);
	put16(udp + 4, (uint16_t)(8 + len));
	put16(udp + 6, 0);
	memcpy(udp + 8, payload, len);
}

#define PROTO_TCP 6
#define PROTO_UDP 17

/* Wrap a transport segment (its checksum field at csum_off still zero) in an
 * IPv4 or IPv6 header, fill in the checksum over the pseudo-header, write it. */
static int write_ip(struct pcap_writer *w, int family, const uint8_t *src, const uint8_t *dst,
		    uint8_t proto, uint8_t *pkt, size_t seg_len, size_t csum_off)
{
	size_t alen = family == 4 ? 4 : 16, hlen = family == 4 ? 20 : 40;
	uint8_t *seg = pkt + hlen;

	memset(pkt, 0, hlen);
	if (family == 4) {
		pkt[0] = 0x45;                  /* version 4, header 20 octets */
		put16(pkt + 2, (uint16_t)(hlen + seg_len));
		pkt[8] = 64;                    /* TTL */
		pkt[9] = proto;
		memcpy(pkt + 12, src, 4);
		memcpy(pkt + 16, dst, 4);
		put16(pkt + 10, fold_checksum(sum_words(0, pkt, 20)));
	} else {
		pkt[0] = 0x60;                  /* version 6 */
		put16(pkt + 4, (uint16_t)seg_len);
		pkt[6] = proto;
		pkt[7] = 64;                    /* hop limit */
		memcpy(pkt + 8, src, 16);
		memcpy(pkt + 24, dst, 16);
	}
	/* pseudo-header: addresses, protocol, segment length */
	uint32_t sum = sum_words(0, src, alen) + sum_words(0, dst, alen) + proto + (uint32_t)seg_len;
	put16(seg + csum_off, fold_checksum(sum_words(sum, seg, seg_len)));
	return write_record(w, pkt, hlen + seg_len);
}

static int write_udp(struct pcap_writer *w, int family, const uint8_t *src, const uint8_t *dst,
		     uint16_t sport, uint16_t dport, const uint8_t *payload, size_t len)
{
	static uint8_t pkt[MAX_PACKET];
	size_t hlen = family == 4 ? 20 : 40;

	if (len + hlen + 8 > MAX_PACKET)
		return -1;
	fill_udp(pkt + hlen, sport, dport, payload, len);
	return write_ip(w, family, src, dst, PROTO_UDP, pkt, 8 + len, 6);
}

int pcap_write_udp4(struct pcap_writer *w, const lq_ip4 *src, const lq_ip4 *dst,
		    uint16_t sport, uint16_t dport, const uint8_t *payload, size_t len)
{
	return write_udp(w, 4, src->b, dst->b, sport, dport, payload, len);
}

int pcap_write_udp6(struct pcap_writer *w, const lq_ip6 *src, const lq_ip6 *dst,
		    uint16_t sport, uint16_t dport, const uint8_t *payload, size_t len)
{
	return write_udp(w, 6, src->b, dst->b, sport, dport, payload, len);
}

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_PSH 0x08
#define TCP_ACK 0x10

static int write_tcp(struct pcap_writer *w, struct pcap_tcp_flow *f, bool from_requestor,
		     uint8_t flags, const uint8_t *payload, size_t len)
{
	static uint8_t pkt[MAX_PACKET];
	size_t hlen = f->family == 4 ? 20 : 40;
	uint32_t *seq = from_requestor ? &f->req_seq : &f->srv_seq;
	uint32_t ack = from_requestor ? f->srv_seq : f->req_seq;
	uint8_t *tcp = pkt + hlen;

	if (len + hlen + 20 > MAX_PACKET)
		return -1;
	memset(tcp, 0, 20);
	put16(tcp, from_requestor ? f->req_port : f->srv_port);
	put16(tcp + 2, from_requestor ? f->srv_port : f->req_port);
	put16(tcp + 4, (uint16_t)(*seq >> 16));
	put16(tcp + 6, (uint16_t)*seq);
	put16(tcp + 8, (uint16_t)(ack >> 16));
	put16(tcp + 10, (uint16_t)ack);
	tcp[12] = 5 << 4;                       /* header length 20 octets */
	tcp[13] = flags;
	put16(tcp + 14, 65535);                 /* window */
	if (len > 0)
		memcpy(tcp + 20, payload, len);
	*seq += (uint32_t)len + ((flags & (TCP_SYN | TCP_FIN)) ? 1 : 0);
	const uint8_t *src = f->family == 4 ? (from_requestor ? f->req4.b : f->srv4.b)
					     : (from_requestor ? f->req6.b : f->srv6.b);
	const uint8_t *dst = f->family == 4 ? (from_requestor ? f->srv4.b : f->req4.b)
					     : (from_requestor ? f->srv6.b : f->req6.b);
	return write_ip(w, f->family, src, dst, PROTO_TCP, pkt, 20 + len, 16);
}

int pcap_tcp_open(struct pcap_writer *w, struct pcap_tcp_flow *f)
{
	f->req_seq = 1000;
	f->srv_seq = 5000;
	if (write_tcp(w, f, true, TCP_SYN, NULL, 0) < 0)
		return -1;
	/* SYN+ACK acknowledges the requestor's SYN */
	if (write_tcp(w, f, false, TCP_SYN | TCP_ACK, NULL, 0) < 0)
		return -1;
	return write_tcp(w, f, true, TCP_ACK, NULL, 0);
}

int pcap_tcp_send(struct pcap_writer *w, struct pcap_tcp_flow *f, bool from_requestor,
		  const uint8_t *payload, size_t len)
{
	return write_tcp(w, f, from_requestor, TCP_PSH | TCP_ACK, payload, len);
}

int pcap_close(struct pcap_writer *w)
{
	int rc = fclose(w->file);
	w->file = NULL;
	return rc == 0 ? 0 : -1;
}
