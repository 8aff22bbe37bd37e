/* fppod: a test pod for fastpathd. A virtio-user DPDK port on a vhost-user socket, driven by
 * line commands on stdin (send, expect, count, ping, wait-link, quit), answers on stdout. */
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#define BURST	    32
#define MAX_SOURCES 32
#define TEST_ETYPE  0x88b5 /* IEEE local experimental */
#define PROBE_ETYPE 0x88b6 /* "are you there": answered with PROBE_REPLY, never counted */
#define PROBE_REPLY 0x88b7

static struct rte_mempool *pool;
static struct rte_ether_addr self;
static uint32_t self_ip; /* network order, set by ping */
static struct {
	struct rte_ether_addr mac;
	uint64_t n;
} sources[MAX_SOURCES];
static unsigned nb_sources;
static uint64_t rx_total, rx_vlan_tagged;
static bool probe_answered;
static int ping_state; /* 0 idle, 1 waiting ARP reply, 2 waiting echo reply, 3 done */
static struct rte_ether_addr peer_mac;
static uint32_t peer_ip;

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void count_source(const struct rte_ether_addr *mac)
{
	for (unsigned i = 0; i < nb_sources; i++)
		if (rte_is_same_ether_addr(&sources[i].mac, mac)) {
			sources[i].n++;
			return;
		}
	if (nb_sources < MAX_SOURCES) {
		sources[nb_sources].mac = *mac;
		sources[nb_sources++].n = 1;
	}
}

static uint64_t source_count(const struct rte_ether_addr *mac)
{
	for (unsigned i = 0; i < nb_sources; i++)
		if (rte_is_same_ether_addr(&sources[i].mac, mac))
			return sources[i].n;
	return 0;
}

static void send_one(struct rte_mbuf *m)
{
	if (rte_eth_tx_burst(0, 0, &m, 1) != 1)
		rte_pktmbuf_free(m);
}

static struct rte_mbuf *frame(const struct rte_ether_addr *dst, uint16_t etype, size_t payload)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	struct rte_ether_hdr *eh;

	if (!m)
		return NULL;
	eh = (struct rte_ether_hdr *)rte_pktmbuf_append(m, sizeof(*eh) + payload);
	memset(eh, 0, sizeof(*eh) + payload);
	eh->dst_addr = *dst;
	eh->src_addr = self;
	eh->ether_type = htons(etype);
	return m;
}

static void send_arp(uint16_t op, const struct rte_ether_addr *dst,
		     const struct rte_ether_addr *tha, uint32_t tip)
{
	struct rte_mbuf *m = frame(dst, RTE_ETHER_TYPE_ARP, sizeof(struct rte_arp_hdr));
	struct rte_arp_hdr *a;

	if (!m)
		return;
	a = rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, sizeof(struct rte_ether_hdr));
	a->arp_hardware = htons(RTE_ARP_HRD_ETHER);
	a->arp_protocol = htons(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = 6;
	a->arp_plen = 4;
	a->arp_opcode = htons(op);
	a->arp_data.arp_sha = self;
	a->arp_data.arp_sip = self_ip;
	a->arp_data.arp_tha = *tha;
	a->arp_data.arp_tip = tip;
	send_one(m);
}

static void send_echo(void)
{
	size_t len = sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_icmp_hdr) + 32;
	struct rte_mbuf *m = frame(&peer_mac, RTE_ETHER_TYPE_IPV4, len);
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *icmp;

	if (!m)
		return;
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, sizeof(struct rte_ether_hdr));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = htons(len);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_ICMP;
	ip->src_addr = self_ip;
	ip->dst_addr = peer_ip;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	icmp = (struct rte_icmp_hdr *)(ip + 1);
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REQUEST;
	icmp->icmp_ident = htons(0x1234);
	icmp->icmp_seq_nb = htons(1);
	icmp->icmp_cksum = ~rte_raw_cksum(icmp, sizeof(*icmp) + 32);
	send_one(m);
}

static void handle_arp(const struct rte_arp_hdr *a)
{
	if (!self_ip)
		return;
	if (a->arp_opcode == htons(RTE_ARP_OP_REQUEST) && a->arp_data.arp_tip == self_ip)
		send_arp(RTE_ARP_OP_REPLY, &a->arp_data.arp_sha, &a->arp_data.arp_sha,
			 a->arp_data.arp_sip);
	if (ping_state == 1 && a->arp_opcode == htons(RTE_ARP_OP_REPLY) &&
	    a->arp_data.arp_sip == peer_ip) {
		peer_mac = a->arp_data.arp_sha;
		ping_state = 2;
		send_echo();
	}
}

static void handle_ipv4(const struct rte_ipv4_hdr *ip)
{
	const struct rte_icmp_hdr *icmp = (const struct rte_icmp_hdr *)(ip + 1);

	if (ping_state == 2 && ip->next_proto_id == IPPROTO_ICMP && ip->src_addr == peer_ip &&
	    icmp->icmp_type == RTE_IP_ICMP_ECHO_REPLY && icmp->icmp_ident == htons(0x1234))
		ping_state = 3;
}

static unsigned poll_rx(void)
{
	struct rte_mbuf *pkts[BURST];
	uint16_t n = rte_eth_rx_burst(0, 0, pkts, BURST);

	for (uint16_t i = 0; i < n; i++) {
		struct rte_ether_hdr *eh = rte_pktmbuf_mtod(pkts[i], struct rte_ether_hdr *);
		uint16_t etype = ntohs(eh->ether_type);
		void *l3 = eh + 1;

		if (etype == PROBE_ETYPE || etype == PROBE_REPLY) {
			if (etype == PROBE_ETYPE) {
				struct rte_mbuf *r = frame(&eh->src_addr, PROBE_REPLY, 46);

				if (r)
					send_one(r);
			} else {
				probe_answered = true;
			}
			rte_pktmbuf_free(pkts[i]);
			continue;
		}
		rx_total++;
		count_source(&eh->src_addr);
		if (etype == RTE_ETHER_TYPE_VLAN) {
			rx_vlan_tagged++;
			etype = ntohs(((struct rte_vlan_hdr *)l3)->eth_proto);
			l3 = (struct rte_vlan_hdr *)l3 + 1;
		}
		if (etype == RTE_ETHER_TYPE_ARP)
			handle_arp(l3);
		else if (etype == RTE_ETHER_TYPE_IPV4)
			handle_ipv4(l3);
		rte_pktmbuf_free(pkts[i]);
	}
	return n;
}

/* Receive for up to limit seconds or until done() is true, sleeping a little when idle. */
static void run_until(bool (*done)(const void *), const void *arg, double limit)
{
	double end = now_sec() + limit;

	while (!done(arg) && now_sec() < end)
		if (poll_rx() == 0)
			usleep(100);
}

static bool link_up(const void *arg __rte_unused)
{
	struct rte_eth_link link;

	return rte_eth_link_get_nowait(0, &link) == 0 && link.link_status == RTE_ETH_LINK_UP;
}

struct expect {
	struct rte_ether_addr mac;
	uint64_t n;
};

static bool got_expected(const void *arg)
{
	const struct expect *e = arg;

	return source_count(&e->mac) >= e->n;
}

static bool ping_done(const void *arg __rte_unused)
{
	return ping_state == 3;
}

static bool probed(const void *arg __rte_unused)
{
	return probe_answered;
}

/* Until the peer answers: a vhost-user link that just came up may drop the first frames. */
static void cmd_probe(char *args)
{
	struct rte_ether_addr dst;
	double end = now_sec() + 10;

	if (rte_ether_unformat_addr(args, &dst) < 0) {
		printf("error: probe DSTMAC\n");
		return;
	}
	probe_answered = false;
	while (!probe_answered && now_sec() < end) {
		struct rte_mbuf *m = frame(&dst, PROBE_ETYPE, 46);

		if (m)
			send_one(m);
		run_until(probed, NULL, 0.02);
	}
	printf(probe_answered ? "probe ok\n" : "probe fail\n");
}

static void cmd_send(char *args)
{
	char mac[32];
	unsigned long count = 0;
	int vlan = -1;
	struct rte_ether_addr dst;

	if (sscanf(args, "%31s %lu %d", mac, &count, &vlan) < 2 ||
	    rte_ether_unformat_addr(mac, &dst) < 0) {
		printf("error: send DSTMAC COUNT [VLAN]\n");
		return;
	}
	for (unsigned long i = 0; i < count; i++) {
		struct rte_mbuf *m = frame(&dst, vlan >= 0 ? RTE_ETHER_TYPE_VLAN : TEST_ETYPE, 46);

		if (!m)
			break;
		if (vlan >= 0) {
			struct rte_vlan_hdr *vh = rte_pktmbuf_mtod_offset(
				m, struct rte_vlan_hdr *, sizeof(struct rte_ether_hdr));

			vh->vlan_tci = htons(vlan);
			vh->eth_proto = htons(TEST_ETYPE);
		}
		/* Retry a full ring rather than lose a counted frame. */
		while (rte_eth_tx_burst(0, 0, &m, 1) != 1)
			poll_rx();
	}
	printf("sent %lu\n", count);
}

static void cmd_expect(char *args)
{
	char mac[32];
	struct expect e = {.n = 0};
	double limit = 5;

	if (sscanf(args, "%31s %lu %lf", mac, &e.n, &limit) < 2 ||
	    rte_ether_unformat_addr(mac, &e.mac) < 0) {
		printf("error: expect SRCMAC N [SECONDS]\n");
		return;
	}
	run_until(got_expected, &e, limit);
	printf("got %lu\n", (unsigned long)source_count(&e.mac));
}

static void cmd_ping(char *args)
{
	char src[32], dst[32];
	struct in_addr a, b;
	double limit = 5;

	if (sscanf(args, "%31s %31s %lf", src, dst, &limit) < 2 || !inet_aton(src, &a) ||
	    !inet_aton(dst, &b)) {
		printf("error: ping SRCIP DSTIP [SECONDS]\n");
		return;
	}
	self_ip = a.s_addr;
	peer_ip = b.s_addr;
	ping_state = 1;
	send_arp(RTE_ARP_OP_REQUEST, &(struct rte_ether_addr){{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
		 &(struct rte_ether_addr){{0}}, peer_ip);
	run_until(ping_done, NULL, limit);
	printf(ping_state == 3 ? "ping ok\n" : "ping fail (state %d)\n", ping_state);
}

/* One command line; false on quit. */
static bool command(char *line)
{
	char *args = strchr(line, ' ');

	line[strcspn(line, "\n")] = '\0';
	if (args)
		*args++ = '\0';
	else
		args = line + strlen(line);
	if (strcmp(line, "quit") == 0)
		return false;
	if (strcmp(line, "wait-link") == 0) {
		run_until(link_up, NULL, *args ? atof(args) : 10);
		printf(link_up(NULL) ? "up\n" : "down\n");
	} else if (strcmp(line, "probe") == 0) {
		cmd_probe(args);
	} else if (strcmp(line, "send") == 0) {
		cmd_send(args);
	} else if (strcmp(line, "expect") == 0) {
		cmd_expect(args);
	} else if (strcmp(line, "count") == 0) {
		struct rte_ether_addr mac;

		if (*args && rte_ether_unformat_addr(args, &mac) == 0)
			printf("count %lu\n", (unsigned long)source_count(&mac));
		else
			printf("total %lu tagged %lu\n", (unsigned long)rx_total,
			       (unsigned long)rx_vlan_tagged);
	} else if (strcmp(line, "ping") == 0) {
		cmd_ping(args);
	} else {
		printf("error: unknown command %s\n", line);
	}
	fflush(stdout);
	return true;
}

int main(int argc, char **argv)
{
	struct rte_eth_conf conf = {0};
	char buf[4096];
	size_t len = 0;
	bool running = true;
	double next_link_check = 0;
	int rc;

	rc = rte_eal_init(argc, argv);
	if (rc < 0 || rte_eth_dev_count_avail() != 1) {
		fprintf(stderr, "fppod: EAL init failed or not exactly one port\n");
		return 1;
	}
	pool = rte_pktmbuf_pool_create("pod", 4095, 64, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       (int)rte_socket_id());
	if (!pool || rte_eth_dev_configure(0, 1, 1, &conf) < 0 ||
	    rte_eth_rx_queue_setup(0, 0, 1024, rte_eth_dev_socket_id(0), NULL, pool) < 0 ||
	    rte_eth_tx_queue_setup(0, 0, 1024, rte_eth_dev_socket_id(0), NULL) < 0 ||
	    rte_eth_dev_start(0) < 0 || rte_eth_macaddr_get(0, &self) < 0) {
		fprintf(stderr, "fppod: port setup failed\n");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (running) {
		struct pollfd pfd = {.fd = 0, .events = POLLIN};

		if (poll(&pfd, 1, 0) > 0) {
			ssize_t n = read(0, buf + len, sizeof(buf) - 1 - len);
			char *nl;

			if (n <= 0)
				break;
			len += n;
			/* Commands come whole lines at a time, possibly several per read. */
			while (running && (nl = memchr(buf, '\n', len))) {
				*nl = '\0';
				running = command(buf);
				len -= nl + 1 - buf;
				memmove(buf, nl + 1, len);
			}
			if (len == sizeof(buf) - 1)
				len = 0;
			continue;
		}
		if (poll_rx() == 0)
			usleep(200);
		/* virtio-user in server mode accepts a reconnecting switch when the link is read.
		 */
		if (now_sec() > next_link_check) {
			link_up(NULL);
			next_link_check = now_sec() + 0.05;
		}
	}
	rte_eth_dev_stop(0);
	rte_eth_dev_close(0);
	rte_eal_cleanup();
	return 0;
}
