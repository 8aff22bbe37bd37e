/* Method calls on the system bus, through libdbus loaded at run time (only firewalld needs it). */
#ifndef FIREWALL_DBUS_H
#define FIREWALL_DBUS_H

#include <stdbool.h>
#include <stddef.h>

#include "cni/err.h"

struct firewall_dbus;

/* Connect to the system bus ($DBUS_SYSTEM_BUS_ADDRESS or the default socket). */
int firewall_dbus_open(struct firewall_dbus **out, struct cni_err *err);
void firewall_dbus_close(struct firewall_dbus *d);

/*
 * Call dest/path iface.method with string arguments. Returns 0 on a normal reply (its boolean
 * in *out_bool when out_bool is set and the reply carries one), 1 when the service answered
 * with a D-Bus error (its "name: message" in remote_error), -1 when the call could not be made.
 */
int firewall_dbus_call(struct firewall_dbus *d, const char *dest, const char *path,
		       const char *method, const char *const *args, size_t n_args, bool *out_bool,
		       char *remote_error, size_t len, struct cni_err *err);

#endif
