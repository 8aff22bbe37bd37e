/* A stand-in firewalld for test/firewall.bats: the zone add/remove/querySource methods on a bus. */
#include <dbus/dbus.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME  "org.fedoraproject.FirewallD1"
#define IFACE NAME ".zone"
#define MAX   64

static char zones[MAX][64], sources[MAX][64];
static int n;
static const char *state_path;

static int find(const char *zone, const char *source)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(zones[i], zone) && !strcmp(sources[i], source))
			return i;
	return -1;
}

/* The state after each change, one "zone source" per line, for the test to read. */
static void save(void)
{
	FILE *f = fopen(state_path, "w");

	for (int i = 0; f && i < n; i++)
		fprintf(f, "%s %s\n", zones[i], sources[i]);
	if (f)
		fclose(f);
}

static DBusMessage *handle(DBusMessage *m, const char *method, const char *zone, const char *source)
{
	int i = find(zone, source);
	DBusMessage *r;

	if (!strcmp(method, "querySource")) {
		dbus_bool_t b = i >= 0;

		r = dbus_message_new_method_return(m);
		dbus_message_append_args(r, DBUS_TYPE_BOOLEAN, &b, DBUS_TYPE_INVALID);
		return r;
	}
	if (!strcmp(method, "addSource")) {
		if (i >= 0)
			return dbus_message_new_error(m, NAME ".Exception",
						      "ZONE_ALREADY_SET: source already bound");
		if (n == MAX)
			return dbus_message_new_error(m, NAME ".Exception", "full");
		snprintf(zones[n], sizeof(zones[n]), "%s", zone);
		snprintf(sources[n], sizeof(sources[n]), "%s", source);
		n++;
	} else if (!strcmp(method, "removeSource")) {
		if (i < 0)
			return dbus_message_new_error(m, NAME ".Exception", "UNKNOWN_SOURCE");
		n--;
		memcpy(zones[i], zones[n], sizeof(zones[i]));
		memcpy(sources[i], sources[n], sizeof(sources[i]));
	} else {
		return dbus_message_new_error(m, DBUS_ERROR_UNKNOWN_METHOD, method);
	}
	save();
	r = dbus_message_new_method_return(m);
	dbus_message_append_args(r, DBUS_TYPE_STRING, &zone, DBUS_TYPE_INVALID);
	return r;
}

static DBusHandlerResult filter(DBusConnection *c, DBusMessage *m, void *data)
{
	const char *zone, *source;
	DBusMessage *r;

	if (dbus_message_get_type(m) != DBUS_MESSAGE_TYPE_METHOD_CALL ||
	    !dbus_message_has_interface(m, IFACE))
		return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
	if (!dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &zone, DBUS_TYPE_STRING, &source,
				   DBUS_TYPE_INVALID))
		r = dbus_message_new_error(m, DBUS_ERROR_INVALID_ARGS, "two strings");
	else
		r = handle(m, dbus_message_get_member(m), zone, source);
	dbus_connection_send(c, r, NULL);
	dbus_message_unref(r);
	return DBUS_HANDLER_RESULT_HANDLED;
}

int main(int argc, char **argv)
{
	DBusConnection *c;
	DBusError e;

	if (argc != 2)
		return 2;
	state_path = argv[1];
	save();
	dbus_error_init(&e);
	c = dbus_bus_get(DBUS_BUS_SYSTEM, &e);
	if (!c || dbus_bus_request_name(c, NAME, DBUS_NAME_FLAG_DO_NOT_QUEUE, &e) !=
			  DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER) {
		fprintf(stderr, "fake firewalld: %s\n", e.message ? e.message : "no name");
		return 1;
	}
	dbus_connection_add_filter(c, filter, NULL, NULL);
	while (dbus_connection_read_write_dispatch(c, -1))
		;
	return 0;
}
