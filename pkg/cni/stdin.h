/* Reading the whole stdin config, bounded: a runtime bug or an attacker cannot make us swallow GBs.
 */
#ifndef CNI_STDIN_H
#define CNI_STDIN_H

#include <stddef.h>
#include <stdio.h>

#include "cni/err.h"

/* Far above any real config (a conflist entry with a large prevResult is a few KiB). */
#define CNI_STDIN_MAX (8u << 20)

/* Read f to its end into a malloc'd, NUL-terminated buffer; code 7 past CNI_STDIN_MAX bytes. */
int cni_stdin_read(FILE *f, char **buf, size_t *len, struct cni_err *err);

#endif
