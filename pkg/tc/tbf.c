/* The reference's tbf parameters: rate and burst in bits to the kernel's bytes and psched ticks. */
#include <stdio.h>

#include "tc/tbf.h"

#define TIME_UNITS_PER_SEC 1000000.0
/* The reference's fixed queue latency (ifb_creator.go latencyInMillis). */
#define TBF_LATENCY_MS 25.0

/*
 * Microseconds per psched tick, read as vishvananda/netlink (and iproute2) read it. The kernel has
 * reported the same values since 2.6.x; the fallback is what they read on every current kernel.
 */
static double tick_in_usec(void)
{
	unsigned t2us, us2t, clock_res, hz;
	FILE *f = fopen("/proc/net/psched", "re");
	int n = f ? fscanf(f, "%x %x %x %x", &t2us, &us2t, &clock_res, &hz) : 0;

	if (f)
		fclose(f);
	if (n != 4 || !us2t)
		return 15.625;
	if (clock_res == 1000000000)
		t2us = us2t;
	return (double)t2us / us2t * (clock_res / TIME_UNITS_PER_SEC);
}

int tc_tbf_params(const struct tc_rate *r, struct nl_tbf *out, struct cni_err *err)
{
	uint64_t rate = r->rate / 8;
	uint32_t burst = (uint32_t)(r->burst / 8);
	uint32_t time;

	if (!rate)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "invalid rate: %llu",
				(unsigned long long)r->rate);
	if (!burst)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "invalid burst: %llu",
				(unsigned long long)r->burst);
	/* Go's float64 arithmetic and uint32 truncations, step by step, so CHECK compares equal. */
	time = (uint32_t)((double)burst * TIME_UNITS_PER_SEC / (double)rate);
	out->rate = rate;
	out->buffer = (uint32_t)((double)time * tick_in_usec());
	out->limit = (uint32_t)((double)rate * (TIME_UNITS_PER_SEC * TBF_LATENCY_MS / 1000.0) /
				TIME_UNITS_PER_SEC) +
		     burst;
	return 0;
}
