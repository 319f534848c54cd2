/*
 * Lesson content to HTML: Markdown through cmark, HTML fragments through
 * libxml2's HTML parser (no network), then one pass over the tree that
 * makes the content fit a package: relative URLs checked and rewritten to
 * course-relative paths (the page lives beside them), text alternatives
 * required, external links opened safely, every h2 given an id.
 */
#ifndef PA_MARKDOWN_H
#define PA_MARKDOWN_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/strset.h"
#include "packager/quiz.h"

typedef struct pa_md_ctx {
	const char *course_dir;  /* the course folder on disk */
	const char *file;        /* course-relative path of the source: base of its
				    relative URLs and the name in diagnostics */
	unsigned line;           /* line of the text's start in file (1 for a whole file) */
	const char *lang;        /* language of the text, for the hints added */
	const char *id_prefix;   /* put before generated h2 ids ("" or e.g. "fr-"); NULL = "" */
	bool sections;           /* wrap top-level content in <section> at each h2 */
	pa_strset *ids;          /* ids given so far in the page, kept unique; or NULL */
	pa_strset *assets;       /* receives the course-relative paths referenced */
	pa_diag *diag;
} pa_md_ctx;

/* Read ctx->file from ctx->course_dir and render it: .md (and .markdown)
 * as Markdown, anything else as an HTML fragment. */
int pa_markdown_render_file(pa_buf *out, const pa_md_ctx *ctx);

/* Render Markdown text (CommonMark, raw HTML allowed, smart punctuation). */
int pa_markdown_render(pa_buf *out, const char *text, size_t len, const pa_md_ctx *ctx);

/* Take an HTML fragment (the inside of a body) through the same checks. */
int pa_markdown_process_html(pa_buf *out, const char *html, size_t len, const pa_md_ctx *ctx);

/*
 * Render a short text (a question, an answer, a feedback) in its format.
 * A result that is one paragraph loses its <p> so it can sit in a label.
 * Diagnostics are reported at ctx->line.
 */
int pa_markdown_render_inline(pa_buf *out, const char *text, pa_text_format format,
			      const pa_md_ctx *ctx);

/*
 * All functions return 0, PA_EINVALID when the content broke a rule (the
 * reasons are in ctx->diag), or another pa_error (memory, I/O). Output is
 * appended to out.
 */

#endif
