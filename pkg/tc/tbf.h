/* The reference's tbf parameters, shared by pkg/tc's shaping and checking code. */
#ifndef TC_TBF_H
#define TC_TBF_H

#include "nl/tc.h"
#include "tc/tc.h"

int tc_tbf_params(const struct tc_rate *r, struct nl_tbf *out, struct cni_err *err);

#endif
