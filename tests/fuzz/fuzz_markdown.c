/*
 * Lesson content from hostile hands: Markdown and HTML through cmark,
 * libxml2 and the URL rewriting. The first byte picks the path taken.
 * Referenced files are looked up in a folder that does not exist, so
 * every relative URL is reported, never followed.
 */
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/strset.h"
#include "packager/markdown.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pa_buf out = PA_BUF_INIT;
	pa_strset assets = PA_STRSET_INIT, ids = PA_STRSET_INIT;
	pa_diag diag;
	pa_md_ctx ctx = { 0 };
	const char *text;
	pa_buf copy = PA_BUF_INIT;
	uint8_t mode;

	if (size < 1)
		return 0;
	mode = data[0];
	pa_buf_put(&copy, data + 1, size - 1);
	text = pa_buf_cstr(&copy);
	pa_diag_init(&diag);
	ctx.course_dir = "/nonexistent/passerelle-fuzz";
	ctx.file = "m1/lesson.en.md";
	ctx.line = 1;
	ctx.lang = "fr";
	ctx.id_prefix = "fr-";
	ctx.sections = mode & 1;
	ctx.ids = &ids;
	ctx.assets = &assets;
	ctx.diag = &diag;
	switch ((mode >> 1) % 3) {
	case 0:
		pa_markdown_render(&out, text, copy.len, &ctx);
		break;
	case 1:
		pa_markdown_process_html(&out, text, copy.len, &ctx);
		break;
	default:
		pa_markdown_render_inline(&out, text, (pa_text_format)((mode >> 3) % 3), &ctx);
		break;
	}
	pa_buf_dispose(&out);
	pa_buf_dispose(&copy);
	pa_strset_dispose(&assets);
	pa_strset_dispose(&ids);
	pa_diag_dispose(&diag);
	return 0;
}
