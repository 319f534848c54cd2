/* Files of packager/sco compiled into the program (see cmake/embed.cmake). */
#ifndef PA_EMBEDDED_H
#define PA_EMBEDDED_H

#include <stddef.h>

typedef struct pa_embedded_file {
	const char *name;
	const unsigned char *data; /* NUL-terminated, size excludes the NUL */
	size_t size;
} pa_embedded_file;

extern const pa_embedded_file pa_embedded[];

/* The embedded file called name, or NULL. */
const pa_embedded_file *pa_embedded_find(const char *name);

#endif
