/* Method calls on the system bus through libdbus-1, dlopen'd so nodes without firewalld skip it. */
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbus.h"

/*
 * The few libdbus symbols we use, declared here rather than through <dbus/dbus.h>: the plugin
 * links no D-Bus library (most nodes run no firewalld) and loads libdbus-1.so.3, whose ABI
 * these declarations follow, only when the firewalld backend is chosen or probed.
 */
typedef uint32_t dbus_bool_t;
struct dbus_error {
	const char *name;
	const char *message;
	unsigned int dummy1 : 1, dummy2 : 1, dummy3 : 1, dummy4 : 1, dummy5 : 1;
	void *padding1;
};
#define DBUS_BUS_SYSTEM	  1
#define DBUS_TYPE_INVALID 0
#define DBUS_TYPE_STRING  ((int)'s')
#define DBUS_TYPE_BOOLEAN ((int)'b')
#define DBUS_CALL_TIMEOUT 10000 /* ms: firewalld reloads can be slow */

struct libdbus {
	void *so;
	void (*error_init)(struct dbus_error *);
	void (*error_free)(struct dbus_error *);
	void *(*bus_get_private)(int, struct dbus_error *);
	void (*set_exit_on_disconnect)(void *, dbus_bool_t);
	void (*connection_close)(void *);
	void (*connection_unref)(void *);
	void *(*message_new_method_call)(const char *, const char *, const char *, const char *);
	dbus_bool_t (*message_append_args)(void *, int, ...);
	void *(*send_with_reply_and_block)(void *, void *, int, struct dbus_error *);
	dbus_bool_t (*message_get_args)(void *, struct dbus_error *, int, ...);
	void (*message_unref)(void *);
	void (*shutdown)(void);
};

struct firewall_dbus {
	struct libdbus lib;
	void *conn;
};

static int load(struct libdbus *l, struct cni_err *err)
{
	static const struct {
		const char *name;
		size_t off;
	} syms[] = {
#define SYM(field, name) {name, offsetof(struct libdbus, field)}
		SYM(error_init, "dbus_error_init"),
		SYM(error_free, "dbus_error_free"),
		SYM(bus_get_private, "dbus_bus_get_private"),
		SYM(set_exit_on_disconnect, "dbus_connection_set_exit_on_disconnect"),
		SYM(connection_close, "dbus_connection_close"),
		SYM(connection_unref, "dbus_connection_unref"),
		SYM(message_new_method_call, "dbus_message_new_method_call"),
		SYM(message_append_args, "dbus_message_append_args"),
		SYM(send_with_reply_and_block, "dbus_connection_send_with_reply_and_block"),
		SYM(message_get_args, "dbus_message_get_args"),
		SYM(message_unref, "dbus_message_unref"),
		SYM(shutdown, "dbus_shutdown"),
#undef SYM
	};

	l->so = dlopen("libdbus-1.so.3", RTLD_NOW | RTLD_LOCAL);
	if (!l->so)
		return cni_errf(err, CNI_ERR_NOT_AVAILABLE, 0,
				"firewalld backend needs libdbus-1.so.3: %s", dlerror());
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		void *p = dlsym(l->so, syms[i].name);

		if (!p)
			return cni_errf(err, CNI_ERR_NOT_AVAILABLE, 0, "libdbus-1 lacks %s",
					syms[i].name);
		memcpy((char *)l + syms[i].off, &p, sizeof(p));
	}
	return 0;
}

void firewall_dbus_close(struct firewall_dbus *d)
{
	if (d->conn) {
		d->lib.connection_close(d->conn);
		d->lib.connection_unref(d->conn);
	}
	/* libdbus keeps global state (its bus address cache...) that only dbus_shutdown frees. */
	if (d->lib.shutdown)
		d->lib.shutdown();
	if (d->lib.so)
		dlclose(d->lib.so);
	free(d);
}

int firewall_dbus_open(struct firewall_dbus **out, struct cni_err *err)
{
	struct firewall_dbus *d = calloc(1, sizeof(*d));
	struct dbus_error e;

	if (!d)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "dbus");
	if (load(&d->lib, err) < 0) {
		firewall_dbus_close(d);
		return -1;
	}
	d->lib.error_init(&e);
	d->conn = d->lib.bus_get_private(DBUS_BUS_SYSTEM, &e);
	if (!d->conn) {
		cni_errf(err, CNI_ERR_NOT_AVAILABLE, 0, "connect to the system bus: %s",
			 e.message ? e.message : "failed");
		d->lib.error_free(&e);
		firewall_dbus_close(d);
		return -1;
	}
	/* libdbus would otherwise _exit() the plugin when the bus goes away. */
	d->lib.set_exit_on_disconnect(d->conn, 0);
	*out = d;
	return 0;
}

int firewall_dbus_call(struct firewall_dbus *d, const char *dest, const char *path,
		       const char *method, const char *const *args, size_t n_args, bool *out_bool,
		       char *remote_error, size_t len, struct cni_err *err)
{
	const char *dot = strrchr(method, '.');
	char iface[256];
	struct dbus_error e;
	void *msg, *reply;
	dbus_bool_t b = 0;
	int ret = 0;

	if (!dot || (size_t)(dot - method) >= sizeof(iface))
		return cni_errf(err, CNI_ERR_INTERNAL, 0, "bad D-Bus method %s", method);
	snprintf(iface, sizeof(iface), "%.*s", (int)(dot - method), method);
	msg = d->lib.message_new_method_call(dest, path, iface, dot + 1);
	if (!msg)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "D-Bus message");
	for (size_t i = 0; i < n_args; i++)
		if (!d->lib.message_append_args(msg, DBUS_TYPE_STRING, &args[i],
						DBUS_TYPE_INVALID)) {
			d->lib.message_unref(msg);
			return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "D-Bus message");
		}
	d->lib.error_init(&e);
	reply = d->lib.send_with_reply_and_block(d->conn, msg, DBUS_CALL_TIMEOUT, &e);
	d->lib.message_unref(msg);
	if (!reply) {
		snprintf(remote_error, len, "%s: %s", e.name ? e.name : "error",
			 e.message ? e.message : "");
		d->lib.error_free(&e);
		return 1;
	}
	if (out_bool) {
		*out_bool = false;
		if (d->lib.message_get_args(reply, &e, DBUS_TYPE_BOOLEAN, &b, DBUS_TYPE_INVALID))
			*out_bool = b != 0;
		else
			d->lib.error_free(&e);
	}
	d->lib.message_unref(reply);
	return ret;
}
