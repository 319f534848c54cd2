#include "packager/embedded.h"

#include <string.h>

const pa_embedded_file *pa_embedded_find(const char *name)
{
	for (const pa_embedded_file *f = pa_embedded; f->name; f++) {
		if (strcmp(f->name, name) == 0)
			return f;
	}
	return NULL;
}
