/* CNI_ARGS: "K1=V1;K2=V2" pairs, and the IgnoreUnknown rule. */
#ifndef CNI_ARGS_H
#define CNI_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#include "cni/err.h"
#include "cni/skel.h"

/* Split s into pairs (the reference's "ARGS: invalid pair" on a bad one). */
int cni_args_parse(const char *s, struct cni_arg **out, size_t *n, struct cni_err *err);
void cni_args_free(struct cni_arg *args, size_t n);
/*
 * Refuse keys outside known (NULL-terminated) unless IgnoreUnknown is true, as the reference's
 * LoadArgs does. "IgnoreUnknown" itself is always known.
 */
int cni_args_check_known(const struct cni_arg *args, size_t n, const char *const *known,
			 struct cni_err *err);
/* The reference's UnmarshallableBool: 1/true/True and 0/false/False. */
int cni_args_parse_bool(const char *s, bool *out, struct cni_err *err);

#endif
