/* The port table on disk, so that a restarted fastpathd brings its ports back. */
#ifndef FASTPATHD_STATE_H
#define FASTPATHD_STATE_H

#include "cni/err.h"
#include "fastpathd.h"

/* Write every port not from the config file, atomically (temp file + rename). */
int fpd_state_save(struct fpd *d, struct cni_err *err);
/* Re-add the saved ports; one that fails is logged and skipped (and dropped at the next save). */
int fpd_state_restore(struct fpd *d, struct cni_err *err);

#endif
