/* EDT shaping at a tc egress hook: a token bucket gives each packet its departure time; fq waits.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include <bpf/bpf_helpers.h>

#include "../edt_config.h"

/* In .data, so the loader sets it before load and CHECK reads it back from the map. */
struct tc_edt_config edt = {0};

#define NSEC_PER_SEC 1000000000ull

SEC("tc")
int cni_edt(struct __sk_buff *skb)
{
	__u64 now = bpf_ktime_get_ns();
	__u64 last = edt.t_last;
	__u64 floor, next;

	if (!edt.rate)
		return TC_ACT_OK;
	/*
	 * Tokens accumulate for at most burst_ns: a bucket of burst bytes, as tbf. t_last is the
	 * time the bucket is paid up to. A packet leaves once the bucket is out of debt and then
	 * pays its length at rate, so a 64 KB GSO packet at a low rate is delayed, never dropped
	 * for its own size.
	 */
	floor = now > edt.burst_ns ? now - edt.burst_ns : 0;
	if (last < floor)
		last = floor;
	next = last + (__u64)skb->wire_len * NSEC_PER_SEC / edt.rate;
	if (last <= now) {
		edt.t_last = next;
		return TC_ACT_OK;
	}
	/* Beyond the horizon the queue is full: drop, as tbf drops beyond its limit. */
	if (last - now > edt.horizon_ns)
		return TC_ACT_SHOT;
	edt.t_last = next;
	/*
	 * The helper, not a store to skb->tstamp: it marks the time as a monotonic delivery time
	 * (fq's clock), and clang's code for the store trips the verifier's ctx-offset rule.
	 */
	bpf_skb_set_tstamp(skb, last, BPF_SKB_TSTAMP_DELIVERY_MONO);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
