/* The firewalld backend: each address becomes a source of firewalldZone, over D-Bus. */
#include <stdio.h>
#include <string.h>

#include "dbus.h"
#include "firewall.h"

#define FIREWALLD_NAME	 "org.fedoraproject.FirewallD1"
#define FIREWALLD_PATH	 "/org/fedoraproject/FirewallD1"
#define FIREWALLD_ZONE	 FIREWALLD_NAME ".zone"
#define ZONE_ALREADY_SET "ZONE_ALREADY_SET"

bool firewall_firewalld_running(void)
{
	static const char *const name[] = {FIREWALLD_NAME};
	struct firewall_dbus *d = NULL;
	struct cni_err err = {0};
	char remote[256];
	int rc;

	if (firewall_dbus_open(&d, &err) < 0)
		return false;
	rc = firewall_dbus_call(d, "org.freedesktop.DBus", "/org/freedesktop/DBus",
				"org.freedesktop.DBus.GetNameOwner", name, 1, NULL, remote,
				sizeof(remote), &err);
	firewall_dbus_close(d);
	return rc == 0;
}

/* "10.88.0.2/32", as the reference's ipString. */
static const char *source_of(const struct cni_prefix *ip, char *buf)
{
	return cni_prefix_str(ip, buf);
}

static int zone_call(struct firewall_dbus *d, const char *method, const char *zone,
		     const char *source, bool *out_bool, char *remote, size_t len,
		     struct cni_err *err)
{
	const char *const args[] = {zone, source};

	return firewall_dbus_call(d, FIREWALLD_NAME, FIREWALLD_PATH, method, args, 2, out_bool,
				  remote, len, err);
}

static int fwd_del(const struct firewall_config *c, struct cni_err *err);

static int fwd_add(const struct firewall_config *c, struct cni_err *err)
{
	struct firewall_dbus *d = NULL;
	char src[CNI_IP_STRLEN], remote[512];
	int ret = 0;

	if (firewall_dbus_open(&d, err) < 0)
		return -1;
	for (size_t i = 0; i < c->n_ips && ret == 0; i++) {
		int rc = zone_call(d, FIREWALLD_ZONE ".addSource", c->zone,
				   source_of(&c->ips[i], src), NULL, remote, sizeof(remote), err);

		/* A source already in the zone is fine (a repeated ADD), as the reference. */
		if (rc < 0)
			ret = -1;
		else if (rc == 1 && !strstr(remote, ZONE_ALREADY_SET))
			ret = cni_errf(err, CNI_ERR_IO, 0,
				       "failed to add the address %s to %s zone: %s", src, c->zone,
				       remote);
	}
	firewall_dbus_close(d);
	if (ret < 0) {
		struct cni_err ignored = {0};

		fwd_del(c, &ignored);
	}
	return ret;
}

/* As the reference: removal errors (a source already gone) are ignored. */
static int fwd_del(const struct firewall_config *c, struct cni_err *err)
{
	struct firewall_dbus *d = NULL;
	char src[CNI_IP_STRLEN], remote[512];

	if (!c->n_ips)
		return 0;
	if (firewall_dbus_open(&d, err) < 0)
		return -1;
	for (size_t i = 0; i < c->n_ips; i++) {
		struct cni_err ignored = {0};

		zone_call(d, FIREWALLD_ZONE ".removeSource", c->zone, source_of(&c->ips[i], src),
			  NULL, remote, sizeof(remote), &ignored);
	}
	firewall_dbus_close(d);
	return 0;
}

static int fwd_check(const struct firewall_config *c, struct cni_err *err)
{
	struct firewall_dbus *d = NULL;
	char src[CNI_IP_STRLEN], remote[512];
	int ret = 0;

	if (firewall_dbus_open(&d, err) < 0)
		return -1;
	for (size_t i = 0; i < c->n_ips && ret == 0; i++) {
		bool in_zone = false;
		int rc = zone_call(d, FIREWALLD_ZONE ".querySource", c->zone,
				   source_of(&c->ips[i], src), &in_zone, remote, sizeof(remote),
				   err);

		if (rc < 0)
			ret = -1;
		else if (rc == 1 || !in_zone)
			ret = cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				       "failed to find the address %s in %s zone", src, c->zone);
	}
	firewall_dbus_close(d);
	return ret;
}

/* firewalld keeps sources by address only: nothing tells whose they are, so GC has no work. */
static int fwd_gc(const struct firewall_config *c, const struct cni_request *req,
		  struct cni_err *err)
{
	return 0;
}

const struct firewall_backend firewall_firewalld = {
	.add = fwd_add,
	.del = fwd_del,
	.check = fwd_check,
	.gc = fwd_gc,
};
