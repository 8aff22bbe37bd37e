/* fastpathctl: fastpathd's ports, counters and MAC table from the command line. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cni/cleanup.h"
#include "fastpath/client.h"

struct ctl {
	struct fp_client c;
	bool json;
	struct cni_err err;
};

static void usage(FILE *f)
{
	fputs("usage: fastpathctl [-s SOCKET] [-j] COMMAND\n"
	      "  status                         daemon version, workers, ports, MACs\n"
	      "  ports                          ports, links and counters\n"
	      "  stats [NAME]                   counters (of one port)\n"
	      "  macs                           the MAC table\n"
	      "  add-vhost NAME SOCKET [--server] [--mac MAC] [--vlan N]\n"
	      "  add-ethdev NAME DEVARGS [--mac MAC] [--vlan N] [--trunk] [--learn]\n"
	      "  del NAME                       remove a port\n"
	      "  wait-link NAME [SECONDS]       wait until a port's link is up (default 10 s)\n"
	      "  raw LINE                       send LINE as is, print the reply line\n"
	      "-j prints the daemon's JSON reply instead of a table.\n",
	      f);
}

/* -j: the same request, the reply printed as received. */
static int print_json(struct ctl *x, json_t *req)
{
	_cleanup_json_ json_t *reply = NULL;
	_cleanup_json_ json_t *owned = req;

	if (fp_request(&x->c, owned, &reply, &x->err) < 0)
		return -1;
	json_dumpf(reply, stdout, JSON_COMPACT);
	putchar('\n');
	return 0;
}

static int cmd_status(struct ctl *x, int argc, char **argv)
{
	struct fp_status s;

	if (x->json)
		return print_json(x, json_pack("{s:s}", "op", "status"));
	if (fp_get_status(&x->c, &s, &x->err) < 0)
		return -1;
	printf("fastpathd %s: %u worker(s), %u port(s), %u MAC(s), up %" PRIu64
	       " s, idle sleep up to %u us\n",
	       s.version, s.workers, s.ports, s.macs, s.uptime_sec, s.idle_sleep_max_us);
	return 0;
}

static void print_port(const struct fp_port_info *p)
{
	const struct fp_port_counters *c = &p->counters;
	char mac[18] = "-";

	if (p->spec.has_mac)
		fp_format_mac(p->spec.mac, mac);
	printf("%-16s %-10s %-4s %-17s %4u%s %10" PRIu64 " %10" PRIu64 " %8" PRIu64 " %8" PRIu64
	       " %8" PRIu64 "  %s\n",
	       p->spec.name, p->spec.type == FP_PORT_VHOST_USER ? "vhost-user" : "ethdev",
	       p->link_up ? "up" : "down", mac, p->spec.vlan, p->spec.trunk ? "T" : " ",
	       c->rx_packets, c->tx_packets, c->rx_dropped, c->tx_dropped, c->flooded,
	       p->spec.type == FP_PORT_VHOST_USER ? p->spec.socket : p->spec.devargs);
}

static int cmd_stats(struct ctl *x, int argc, char **argv)
{
	_cleanup_free_ struct fp_port_info *ports = NULL;
	const char *name = argc > 1 ? argv[1] : NULL;
	size_t n = 0;

	if (x->json) {
		json_t *req = json_pack("{s:s}", "op", "stats");

		if (name)
			json_object_set_new(req, "name", json_string(name));
		return print_json(x, req);
	}
	if (fp_port_stats(&x->c, name, &ports, &n, &x->err) < 0)
		return -1;
	printf("%-16s %-10s %-4s %-17s %5s %10s %10s %8s %8s %8s  %s\n", "NAME", "TYPE", "LINK",
	       "MAC", "VLAN", "RX", "TX", "RX-DROP", "TX-DROP", "FLOODED", "SOCKET/DEVICE");
	for (size_t i = 0; i < n; i++)
		print_port(&ports[i]);
	return 0;
}

static int cmd_macs(struct ctl *x, int argc, char **argv)
{
	_cleanup_free_ struct fp_mac_entry *macs = NULL;
	size_t n = 0;
	char mac[18];

	if (x->json)
		return print_json(x, json_pack("{s:s}", "op", "macs"));
	if (fp_list_macs(&x->c, &macs, &n, &x->err) < 0)
		return -1;
	printf("%-17s %5s %-16s %-7s %s\n", "MAC", "VLAN", "PORT", "TYPE", "AGE");
	for (size_t i = 0; i < n; i++) {
		fp_format_mac(macs[i].mac, mac);
		printf("%-17s %5u %-16s %-7s %u\n", mac, macs[i].vlan, macs[i].port,
		       macs[i].is_static ? "static" : "learned", macs[i].age_sec);
	}
	return 0;
}

/* Options shared by add-vhost and add-ethdev, after NAME and SOCKET/DEVARGS. */
static int parse_port_opts(struct ctl *x, int argc, char **argv, struct fp_port_spec *spec)
{
	for (int i = 3; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end;

		if (strcmp(a, "--server") == 0) {
			spec->mode = FP_VHOST_SERVER;
		} else if (strcmp(a, "--trunk") == 0) {
			spec->trunk = true;
		} else if (strcmp(a, "--learn") == 0) {
			spec->learn = true;
		} else if (strcmp(a, "--mac") == 0 && v && fp_parse_mac(v, spec->mac)) {
			spec->has_mac = true;
			i++;
		} else if (strcmp(a, "--vlan") == 0 && v && (errno = 0, true) &&
			   strtoul(v, &end, 10) <= FP_VLAN_MAX && !*end && *v && !errno) {
			spec->vlan = strtoul(v, NULL, 10);
			i++;
		} else {
			return cni_errf(&x->err, CNI_ERR_INVALID_CONFIG, 0, "bad option %s", a);
		}
	}
	return 0;
}

static int cmd_add(struct ctl *x, int argc, char **argv)
{
	struct fp_port_spec spec = {0};
	struct fp_port_info info;
	bool vhost = strcmp(argv[0], "add-vhost") == 0;

	if (argc < 3)
		return cni_errf(&x->err, CNI_ERR_INVALID_CONFIG, 0, "%s needs NAME and %s", argv[0],
				vhost ? "SOCKET" : "DEVARGS");
	snprintf(spec.name, sizeof(spec.name), "%s", argv[1]);
	spec.type = vhost ? FP_PORT_VHOST_USER : FP_PORT_ETHDEV;
	snprintf(vhost ? spec.socket : spec.devargs,
		 vhost ? sizeof(spec.socket) : sizeof(spec.devargs), "%s", argv[2]);
	if (parse_port_opts(x, argc, argv, &spec) < 0 ||
	    fp_add_port(&x->c, &spec, &info, &x->err) < 0)
		return -1;
	printf("%s: ethdev %u\n", info.spec.name, info.port_id);
	return 0;
}

static int cmd_del(struct ctl *x, int argc, char **argv)
{
	if (argc < 2)
		return cni_errf(&x->err, CNI_ERR_INVALID_CONFIG, 0, "del needs NAME");
	return fp_del_port(&x->c, argv[1], &x->err);
}

/* Bounded: the vhost-user handshake of a starting pod takes milliseconds, or never comes. */
static int cmd_wait_link(struct ctl *x, int argc, char **argv)
{
	struct timespec start, now, pause = {.tv_nsec = 20 * 1000 * 1000};
	double limit = argc > 2 ? atof(argv[2]) : 10;
	struct fp_port_info p;

	if (argc < 2)
		return cni_errf(&x->err, CNI_ERR_INVALID_CONFIG, 0, "wait-link needs NAME");
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		if (fp_get_port(&x->c, argv[1], &p, &x->err) < 0)
			return -1;
		if (p.link_up)
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec + (now.tv_nsec - start.tv_nsec) / 1e9 > limit)
			return cni_errf(&x->err, CNI_ERR_TRY_AGAIN, 0,
					"port %s: link still down after %.1f s", argv[1], limit);
		nanosleep(&pause, NULL);
	}
}

/* Anything at all, as one line: for poking the daemon with malformed requests. */
static int cmd_raw(struct ctl *x, int argc, char **argv)
{
	_cleanup_free_ char *line = NULL;
	char buf[65536];
	size_t len = 0;

	if (argc < 2)
		return cni_errf(&x->err, CNI_ERR_INVALID_CONFIG, 0, "raw needs LINE");
	if (asprintf(&line, "%s\n", argv[1]) < 0)
		return cni_errf(&x->err, CNI_ERR_INTERNAL, ENOMEM, "raw");
	if (send(x->c.fd, line, strlen(line), MSG_NOSIGNAL) < 0)
		return cni_errf(&x->err, CNI_ERR_IO, errno, "send");
	while (len < sizeof(buf) - 1) {
		ssize_t n = recv(x->c.fd, buf + len, sizeof(buf) - 1 - len, 0);

		if (n <= 0)
			break;
		len += n;
		if (memchr(buf, '\n', len))
			break;
	}
	if (len == 0)
		return cni_errf(&x->err, CNI_ERR_IO, 0, "no reply");
	fwrite(buf, 1, len, stdout);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(struct ctl *x, int argc, char **argv);
} cmds[] = {
	{"status", cmd_status}, {"ports", cmd_stats},	      {"stats", cmd_stats},
	{"macs", cmd_macs},	{"add-vhost", cmd_add},	      {"add-ethdev", cmd_add},
	{"del", cmd_del},	{"wait-link", cmd_wait_link}, {"raw", cmd_raw},
};

int main(int argc, char **argv)
{
	static struct ctl x;
	const char *sock = getenv("FASTPATHD_SOCKET");
	int opt;

	while ((opt = getopt(argc, argv, "+s:jh")) != -1) {
		if (opt == 's') {
			sock = optarg;
		} else if (opt == 'j') {
			x.json = true;
		} else {
			usage(opt == 'h' ? stdout : stderr);
			return opt == 'h' ? 0 : 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return 2;
	}
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
		if (strcmp(argv[0], cmds[i].name) != 0)
			continue;
		if (fp_connect(&x.c, sock, &x.err) < 0 || cmds[i].fn(&x, argc, argv) < 0) {
			fprintf(stderr, "fastpathctl: %s\n", x.err.msg);
			fp_disconnect(&x.c);
			return 1;
		}
		fp_disconnect(&x.c);
		return 0;
	}
	fprintf(stderr, "fastpathctl: unknown command %s\n", argv[0]);
	usage(stderr);
	return 2;
}
