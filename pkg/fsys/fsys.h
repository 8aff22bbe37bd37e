/* Files a plugin keeps on disk: make a directory with its parents, replace a file atomically. */
#ifndef FSYS_FSYS_H
#define FSYS_FSYS_H

#include <stddef.h>
#include <sys/types.h>

#include "cni/err.h"

/* mkdir -p with mode for the directories it creates; an existing non-directory fails ENOTDIR. */
int fs_mkdir_all(const char *path, mode_t mode, struct cni_err *err);

/*
 * Write data to path through a temporary file in the same directory and rename(2), so a reader
 * sees the old content or the new one, never a torn file.
 */
int fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
		    struct cni_err *err);

#endif
