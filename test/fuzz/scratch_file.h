/* One in-memory file per fuzz target, reachable by path, for parsers that open a file by name. */
#ifndef FUZZ_SCRATCH_FILE_H
#define FUZZ_SCRATCH_FILE_H

#include <stddef.h>

/* Replace the file's content with data; returns its path ("/proc/self/fd/N"). */
const char *fuzz_scratch_file(const void *data, size_t size);

/* A fresh directory under /dev/shm (tmpfs: no disk I/O per execution), removed at exit. */
const char *fuzz_scratch_dir(void);

#endif
