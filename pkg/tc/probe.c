/* Can this kernel run EDT? Try an fq qdisc in a namespace of our own that dies with its fd. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include "cni/cleanup.h"
#include "netns/netns.h"
#include "nl/tc.h"
#include "tc/tc.h"

/* A new, empty netns as an fd; the caller's namespace is restored before returning. */
static int scratch_netns(struct cni_err *err)
{
	_cleanup_close_ int orig = ns_open_current(err);
	int fd;

	if (orig < 0)
		return -1;
	if (unshare(CLONE_NEWNET) < 0)
		return cni_errf(err, CNI_ERR_INTERNAL, errno, "create a scratch netns");
	fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (setns(orig, CLONE_NEWNET) < 0) {
		/* Never stay in the scratch namespace. */
		if (fd >= 0)
			close(fd);
		return cni_errf(err, CNI_ERR_INTERNAL, errno, "return from the scratch netns");
	}
	if (fd < 0)
		return cni_errf(err, CNI_ERR_INTERNAL, errno, "open the scratch netns");
	return fd;
}

bool tc_edt_supported(struct cni_err *err)
{
	_cleanup_close_ int ns = scratch_netns(err);
	_cleanup_nl_handle_ struct nl_handle *h = NULL;

	if (ns < 0 || nl_handle_open(ns, &h, err) < 0)
		return false;
	/* lo is ifindex 1 in every namespace. */
	if (nl_qdisc_add(h, 1, NL_TC_ROOT, NL_TC_HANDLE(1, 0), "fq", err) < 0) {
		cni_errf(err, CNI_ERR_NOT_AVAILABLE, err->errnum,
			 "shapingMode edt needs the fq qdisc (sch_fq), which this kernel lacks");
		return false;
	}
	return true;
}
