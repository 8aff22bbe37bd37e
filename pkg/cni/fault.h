/* Test-only fault injection: the Nth fallible system step of a run fails (FAULT=1 builds only). */
#ifndef CNI_FAULT_H
#define CNI_FAULT_H

/*
 * Each central fallible step (a netlink request, a sysctl write, a file create, an IPAM call, the
 * exec of a plugin) calls cni_fault(site) just before the real call and treats -1 as that call's
 * own failure: errno is set, so the error goes through the site's normal path.
 *
 * Built with -DCNI_FAULT_INJECTION (make FAULT=1), the environment steers it:
 *   CNI_FAULT_STEP=N        the Nth step of this process fails (1-based)
 *   CNI_FAULT_ACTION=fail   (default) fail with CNI_FAULT_ERRNO (default EIO)
 *                   kill    raise SIGKILL at step N: a crash at a known point
 *                   stop    raise SIGSTOP at step N: the test inspects the frozen process
 *   CNI_FAULT_COUNT_FILE=F  append "N site" for every step, to count the steps of a good run
 * The variables are removed from the environment at start, so a plugin this one executes counts
 * its own steps from zero with nothing injected.
 *
 * Without the switch cni_fault() is an inline "return 0" and no symbol or string of this module
 * exists in the binary.
 */
#ifdef CNI_FAULT_INJECTION
/* detail (may be NULL) names the object, e.g. a sysctl key: logged as "N site:detail". */
int cni_fault_at(const char *site, const char *detail);
#else
static inline int cni_fault_at(const char *site, const char *detail)
{
	(void)site;
	(void)detail;
	return 0;
}
#endif

static inline int cni_fault(const char *site)
{
	return cni_fault_at(site, 0);
}

#endif
