/* The undo stack of a failed ADD: each step pushes its inverse; success forgets them all. */
#ifndef UNDO_UNDO_H
#define UNDO_UNDO_H

#include <stddef.h>

#define UNDO_MAX_STEPS 32
#define UNDO_ARG_LEN   128

typedef void (*undo_fn)(void *arg);

struct undo_step {
	undo_fn fn;
	char arg[UNDO_ARG_LEN]; /* a copy of the caller's argument, so the caller's frame may go */
};

struct undo_stack {
	struct undo_step steps[UNDO_MAX_STEPS];
	size_t n;
};

#define UNDO_STACK_INIT                                                                            \
	{                                                                                          \
		.n = 0                                                                             \
	}

/*
 * Push fn(copy of arg[0..len)). Returns -1 when the stack is full or len is too large: the caller
 * must then undo its own step and fail, so nothing is ever left without an inverse.
 */
int undo_push(struct undo_stack *u, undo_fn fn, const void *arg, size_t len);
/* Run every pushed step, last first, and empty the stack. */
void undo_run(struct undo_stack *u);
/* Success: drop every step without running it. */
void undo_forget(struct undo_stack *u);

/* Cleanup handler: a stack still armed when its scope ends is run (the ADD failed). */
void undo_runp(struct undo_stack *u);
#define _cleanup_undo_ __attribute__((cleanup(undo_runp)))

#endif
