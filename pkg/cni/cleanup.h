/* __attribute__((cleanup)) helpers so that early returns release what they hold. */
#ifndef CNI_CLEANUP_H
#define CNI_CLEANUP_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void cni_freep(void *p)
{
	free(*(void **)p);
}

static inline void cni_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

static inline void cni_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

#define _cleanup_free_	 _cleanup_(cni_freep)
#define _cleanup_close_	 _cleanup_(cni_closep)
#define _cleanup_fclose_ _cleanup_(cni_fclosep)
/* jansson ships json_decrefp. */
#define _cleanup_json_ _cleanup_(json_decrefp)

/* Hand an owned fd or pointer out of a cleanup-guarded variable. */
#define TAKE_FD(fd)                                                                                \
	({                                                                                         \
		int _taken_fd = (fd);                                                              \
		(fd) = -1;                                                                         \
		_taken_fd;                                                                         \
	})
#define TAKE_PTR(p)                                                                                \
	({                                                                                         \
		__typeof__(p) _taken_ptr = (p);                                                    \
		(p) = NULL;                                                                        \
		_taken_ptr;                                                                        \
	})

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
