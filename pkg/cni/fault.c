/* The step counter behind cni_fault(): fail, kill or freeze the process at step N. */
#include "cni/fault.h"

#ifdef CNI_FAULT_INJECTION

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum fault_action {
	FAULT_FAIL,
	FAULT_KILL,
	FAULT_STOP
};

static struct {
	unsigned long target; /* 0: inject nothing */
	unsigned long steps;
	enum fault_action action;
	int errnum;
	int count_fd;
} fault = {.count_fd = -1};

/* A constructor, so the variables are gone before anything copies environ for a child. */
__attribute__((constructor)) static void fault_init(void)
{
	const char *step = getenv("CNI_FAULT_STEP");
	const char *action = getenv("CNI_FAULT_ACTION");
	const char *errnum = getenv("CNI_FAULT_ERRNO");
	const char *count = getenv("CNI_FAULT_COUNT_FILE");

	fault.target = step ? strtoul(step, NULL, 10) : 0;
	fault.errnum = errnum ? atoi(errnum) : EIO;
	if (fault.errnum <= 0)
		fault.errnum = EIO;
	if (action && !strcmp(action, "kill"))
		fault.action = FAULT_KILL;
	else if (action && !strcmp(action, "stop"))
		fault.action = FAULT_STOP;
	if (count && *count)
		fault.count_fd = open(count, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	unsetenv("CNI_FAULT_STEP");
	unsetenv("CNI_FAULT_ACTION");
	unsetenv("CNI_FAULT_ERRNO");
	unsetenv("CNI_FAULT_COUNT_FILE");
}

int cni_fault_at(const char *site, const char *detail)
{
	unsigned long n = ++fault.steps;

	/* Written at once, not at exit: a killed run still tells how far it got. */
	if (fault.count_fd >= 0) {
		char line[256];
		int len = snprintf(line, sizeof(line), "%lu %s%s%s\n", n, site, detail ? ":" : "",
				   detail ? detail : "");

		if (len > 0 && write(fault.count_fd, line, (size_t)len) < 0)
			fault.count_fd = -1;
	}
	if (n != fault.target)
		return 0;
	switch (fault.action) {
	case FAULT_KILL:
		raise(SIGKILL);
		break;
	case FAULT_STOP:
		raise(SIGSTOP);
		return 0; /* resumed: carry on as if nothing happened */
	case FAULT_FAIL:
		break;
	}
	errno = fault.errnum;
	return -1;
}

#endif
