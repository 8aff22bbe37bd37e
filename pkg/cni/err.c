/* Filling and wrapping struct cni_err. */
#include "cni/err.h"

#include <stdio.h>
#include <string.h>

static void err_vformat(char *buf, size_t len, const char *fmt, va_list ap)
{
	int n = vsnprintf(buf, len, fmt, ap);

	if (n < 0)
		buf[0] = '\0';
}

int cni_errf(struct cni_err *err, unsigned code, int errnum, const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	err->errnum = errnum;
	err->details[0] = '\0';
	va_start(ap, fmt);
	err_vformat(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	if (errnum) {
		size_t used = strlen(err->msg);

		snprintf(err->msg + used, sizeof(err->msg) - used, ": %s", strerror(errnum));
	}
	return -1;
}

int cni_err_details(struct cni_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vformat(err->details, sizeof(err->details), fmt, ap);
	va_end(ap);
	return -1;
}

int cni_err_wrap(struct cni_err *err, const char *fmt, ...)
{
	char prefix[sizeof(err->msg)];
	char old[sizeof(err->msg)];
	va_list ap;

	va_start(ap, fmt);
	err_vformat(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old);
	if (err->code == CNI_ERR_NONE)
		err->code = CNI_ERR_INTERNAL;
	return -1;
}

void cni_err_clear(struct cni_err *err)
{
	memset(err, 0, sizeof(*err));
}
