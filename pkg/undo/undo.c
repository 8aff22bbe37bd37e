/* The LIFO undo stack used by ADD to roll back exactly what it made. */
#include "undo/undo.h"

#include <string.h>

int undo_push(struct undo_stack *u, undo_fn fn, const void *arg, size_t len)
{
	if (u->n >= UNDO_MAX_STEPS || len > UNDO_ARG_LEN)
		return -1;
	u->steps[u->n].fn = fn;
	memset(u->steps[u->n].arg, 0, UNDO_ARG_LEN);
	if (len)
		memcpy(u->steps[u->n].arg, arg, len);
	u->n++;
	return 0;
}

void undo_run(struct undo_stack *u)
{
	while (u->n > 0) {
		struct undo_step *s = &u->steps[--u->n];

		s->fn(s->arg);
	}
}

void undo_forget(struct undo_stack *u)
{
	u->n = 0;
}

void undo_runp(struct undo_stack *u)
{
	undo_run(u);
}
