/* The EDT program's settings and state, shared by the BPF source and its loader. */
#ifndef TC_EDT_CONFIG_H
#define TC_EDT_CONFIG_H

#include <linux/types.h>

struct tc_edt_config {
	__u64 rate;	  /* bytes per second */
	__u64 burst_ns;	  /* the bucket's depth, in time at rate */
	__u64 horizon_ns; /* the longest a packet may wait: the queue's limit */
	__u64 t_last;	  /* state: the time the bucket is paid up to */
};

#endif
