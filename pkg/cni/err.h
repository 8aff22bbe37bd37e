/* The one error type: a CNI code, an errno and two fixed buffers, carried up every layer. */
#ifndef CNI_ERR_H
#define CNI_ERR_H

#include <stdarg.h>

enum cni_err_code {
	CNI_ERR_NONE = 0,
	CNI_ERR_INCOMPATIBLE_VERSION = 1,
	CNI_ERR_UNSUPPORTED_FIELD = 2,
	CNI_ERR_UNKNOWN_CONTAINER = 3,
	CNI_ERR_INVALID_ENV = 4,
	CNI_ERR_IO = 5,
	CNI_ERR_DECODE = 6,
	CNI_ERR_INVALID_CONFIG = 7,
	CNI_ERR_INVALID_NETNS = 8,
	CNI_ERR_TRY_AGAIN = 11,
	CNI_ERR_NOT_AVAILABLE = 50,
	CNI_ERR_LIMITED_CONNECTIVITY = 51,
	CNI_ERR_INTERNAL = 999,
};

struct cni_err {
	unsigned code;
	int errnum; /* positive errno of the failing system call, 0 if none */
	char msg[256];
	char details[512];
};

/*
 * Fill err and return -1. When errnum is not 0, ": strerror(errnum)" is appended to msg.
 */
int cni_errf(struct cni_err *err, unsigned code, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Set the details field; returns -1 so it can end an error path. */
int cni_err_details(struct cni_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prefix msg with context: "create veth eth0: File exists". Returns -1. */
int cni_err_wrap(struct cni_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void cni_err_clear(struct cni_err *err);

static inline int cni_err_is_set(const struct cni_err *err)
{
	return err->code != CNI_ERR_NONE;
}

/*
 * Steps that all run even when one fails (GC, as the spec asks) report the first failure: fold
 * each step's return code and error into first (which starts cleared). Returns -1 once any failed.
 */
static inline int cni_err_keep_first(struct cni_err *first, int rc, const struct cni_err *step)
{
	if (rc < 0 && !cni_err_is_set(first))
		*first = *step;
	return cni_err_is_set(first) ? -1 : 0;
}

#endif
