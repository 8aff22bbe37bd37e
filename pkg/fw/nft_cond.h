/* User nftables conditions (portmap's conditionsV4/V6) parsed into typed matches, no libnftnl. */
#ifndef FW_NFT_COND_H
#define FW_NFT_COND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cni/err.h"

/* Elements of one `{ ... }` set; nft itself takes more, a hostPort condition never needs them. */
#define FW_NFT_COND_MAX_ELEMS 64

enum fw_nft_load {
	FW_NFT_LOAD_META,    /* meta key (iifname, oifname, l4proto) */
	FW_NFT_LOAD_PAYLOAD, /* bytes of a header */
	FW_NFT_LOAD_FIB,     /* fib saddr|daddr type */
};

/*
 * One value or range, as the bytes the register holds (network order for addresses and ports,
 * zero-padded text for interface names): lo..hi inclusive. prefix_bits: the value is "lo/bits"
 * (an address prefix, or for a name "eth*" the bytes before the star); -1 when it is a range
 * that is no prefix.
 */
struct fw_nft_elem {
	uint8_t lo[16], hi[16];
	int prefix_bits;
};

/* Load a field into a register, then compare it to one element, or look it up in a set. */
struct fw_nft_cond {
	enum fw_nft_load load;
	uint32_t key;	   /* META: NFT_META_*; PAYLOAD: NFT_PAYLOAD_*_HEADER; FIB: NFTA_FIB_F_* */
	uint32_t offset;   /* PAYLOAD */
	uint32_t len;	   /* bytes loaded and compared */
	int nfproto;	   /* the payload's family (NFPROTO_IPV4/6), 0: any */
	uint8_t l4proto;   /* matched first (tcp dport needs meta l4proto tcp), 0: none */
	bool negate;	   /* != */
	bool is_string;	   /* interface name: a prefix compares fewer bytes */
	uint32_t set_type; /* nft's datatype number for a set of these values */
	size_t n_elems;
	struct fw_nft_elem elems[FW_NFT_COND_MAX_ELEMS];
};

/*
 * Parse words (joined with spaces, as the reference does before handing them to nft) for a rule
 * of family (AF_INET/AF_INET6). The grammar, each match optionally followed by == / != / eq / ne:
 *   ip saddr|daddr ADDR[/LEN] | ADDR-ADDR | { ... }      (ip6 in an IPv6 rule)
 *   [meta] iifname|oifname NAME | "NAME" | "PREFIX*" | { ... }
 *   meta l4proto tcp|udp|sctp|icmp|icmpv6|NUMBER | { ... }
 *   tcp|udp|sctp dport|sport PORT | PORT-PORT | { ... }
 *   fib saddr|daddr type local|unicast|broadcast|anycast|multicast|... | { ... }
 * Anything else fails with code 7 naming the word, never a silently dropped condition.
 * *out is malloc'd (NULL when there are none).
 */
int fw_nft_cond_parse(const char *const *words, size_t n_words, int family,
		      struct fw_nft_cond **out, size_t *n_out, struct cni_err *err);

#endif
