/* packager/markdown: lesson Markdown and HTML fragments made fit for a package. */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/strset.h"
#include "packager/markdown.h"

typedef struct fixture {
	char *dir;
	pa_strset assets;
	pa_strset ids;
	pa_diag diag;
	pa_buf out;
	pa_md_ctx ctx;
} fixture;

static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

static void setup(fixture *f, const char *name)
{
	memset(f, 0, sizeof(*f));
	f->dir = pa_test_tmpdir(name);
	pa_test_write_bytes(f->dir, "assets/map.png", png, sizeof(png));
	pa_test_write_bytes(f->dir, "assets/map 2x.png", png, sizeof(png));
	pa_test_write_bytes(f->dir, "m1/local.png", png, sizeof(png));
	pa_test_write(f->dir, "assets/talk.mp4", "not really a video");
	pa_test_write(f->dir, "assets/talk.en.vtt", "WEBVTT\n");
	pa_test_write(f->dir, "assets/guide.pdf", "%PDF-1.4\n");
	pa_diag_init(&f->diag);
	pa_buf_init(&f->out, 0);
	f->ctx.course_dir = f->dir;
	f->ctx.file = "m1/intro.en.md";
	f->ctx.line = 1;
	f->ctx.lang = "en";
	f->ctx.id_prefix = "";
	f->ctx.ids = &f->ids;
	f->ctx.assets = &f->assets;
	f->ctx.diag = &f->diag;
}

static void teardown(fixture *f)
{
	free(f->dir);
	pa_strset_dispose(&f->assets);
	pa_strset_dispose(&f->ids);
	pa_diag_dispose(&f->diag);
	pa_buf_dispose(&f->out);
}

static int render(fixture *f, const char *md)
{
	return pa_markdown_render(&f->out, md, strlen(md), &f->ctx);
}

static const char *html(const fixture *f)
{
	return pa_buf_cstr(&f->out);
}

/* The entry's "file:line: message" so tests read like the user's terminal. */
static bool has_diag(const fixture *f, const char *file, unsigned line, const char *needle)
{
	for (size_t i = 0; i < f->diag.count; i++) {
		const pa_diag_entry *e = &f->diag.items[i];

		if (e->severity == PA_DIAG_ERROR && strcmp(e->file, file) == 0 && e->line == line &&
		    strstr(e->message, needle))
			return true;
	}
	return false;
}

static void print_diag(const fixture *f)
{
	pa_diag_print(&f->diag, stderr);
}

static void test_markdown__renders_with_smart_punctuation_and_no_sourcepos(void **state)
{
	fixture f;

	(void)state;
	setup(&f, "md_basic");
	assert_int_equal(render(&f, "# Title\n\nIt's \"quoted\" -- here.\n\n<div class=\"box\">raw *html*</div>\n"), 0);
	assert_non_null(strstr(html(&f), "<h1>Title</h1>"));
	assert_non_null(strstr(html(&f), "It’s “quoted” – here."));
	assert_non_null(strstr(html(&f), "<div class=\"box\">raw *html*</div>"));
	assert_null(strstr(html(&f), "data-sourcepos"));
	assert_null(strstr(html(&f), "pa-line"));
	assert_null(strstr(html(&f), "<!--"));
	teardown(&f);
}

static void test_markdown__rewrites_relative_urls_and_collects_assets(void **state)
{
	fixture f;
	const char *md =
		"![A map of the routes](../assets/map.png \"Routes\")\n\n"
		"![Same place](local.png)\n\n"
		"[The guide](../assets/guide.pdf#page=2) and [a section](#key-points)\n\n"
		"[Mail](mailto:help@example.org)\n\n"
		"<video controls src=\"../assets/talk.mp4\" poster=\"../assets/map.png\">\n"
		"<track kind=\"captions\" srclang=\"en\" src=\"../assets/talk.en.vtt\">\n"
		"</video>\n\n"
		"<img alt=\"Big\" src=\"../assets/map.png\" srcset=\"../assets/map.png 1x, ../assets/map%202x.png 2x\">\n";

	(void)state;
	setup(&f, "md_urls");
	if (render(&f, md) != 0)
		print_diag(&f);
	assert_int_equal(f.diag.errors, 0);
	assert_non_null(strstr(html(&f), "src=\"assets/map.png\" alt=\"A map of the routes\" title=\"Routes\""));
	assert_non_null(strstr(html(&f), "src=\"m1/local.png\""));
	assert_non_null(strstr(html(&f), "href=\"assets/guide.pdf#page=2\""));
	assert_non_null(strstr(html(&f), "href=\"#key-points\""));
	assert_non_null(strstr(html(&f), "href=\"mailto:help@example.org\""));
	assert_non_null(strstr(html(&f), "src=\"assets/talk.mp4\" poster=\"assets/map.png\""));
	assert_non_null(strstr(html(&f), "src=\"assets/talk.en.vtt\""));
	assert_non_null(strstr(html(&f), "srcset=\"assets/map.png 1x, assets/map%202x.png 2x\""));
	/* HTML5 void elements stay void. */
	assert_null(strstr(html(&f), "</track>"));
	assert_null(strstr(html(&f), "</img>"));
	assert_int_equal(f.assets.count, 6);
	assert_true(pa_strset_has(&f.assets, "assets/map.png"));
	assert_true(pa_strset_has(&f.assets, "assets/map 2x.png"));
	assert_true(pa_strset_has(&f.assets, "m1/local.png"));
	assert_true(pa_strset_has(&f.assets, "assets/guide.pdf"));
	assert_true(pa_strset_has(&f.assets, "assets/talk.mp4"));
	assert_true(pa_strset_has(&f.assets, "assets/talk.en.vtt"));
	teardown(&f);
}

static void test_markdown__external_links_open_safely_with_a_hint(void **state)
{
	fixture f;

	(void)state;
	setup(&f, "md_external");
	f.ctx.lang = "fr";
	assert_int_equal(render(&f, "See [UNHCR](https://www.unhcr.org/) and <a href=\"//example.org\" rel=\"nofollow\">x</a>.\n"), 0);
	assert_non_null(strstr(html(&f), "<a href=\"https://www.unhcr.org/\" target=\"_blank\" rel=\"noopener\">UNHCR"
				 "<span class=\"pa-sr-only\"> (s’ouvre dans un nouvel onglet)</span></a>"));
	assert_non_null(strstr(html(&f), "rel=\"nofollow noopener\""));
	assert_int_equal(f.assets.count, 0);
	teardown(&f);
}

static void test_markdown__missing_file_is_reported_with_its_line(void **state)
{
	fixture f;

	(void)state;
	setup(&f, "md_missing");
	assert_int_equal(render(&f, "# Intro\n\nSome text\nmore text ![A chart](x.png)\n\n"
				    "<p>\n<a href=\"../nowhere.pdf\">doc</a></p>\n\n"
				    "[up](../../etc/passwd)\n\n[abs](/etc/passwd)\n"),
			 PA_EINVALID);
	assert_true(has_diag(&f, "m1/intro.en.md", 4, "image 'x.png' not found"));
	assert_true(has_diag(&f, "m1/intro.en.md", 7, "link '../nowhere.pdf' not found"));
	assert_true(has_diag(&f, "m1/intro.en.md", 9, "link '../../etc/passwd' leaves the course folder"));
	assert_true(has_diag(&f, "m1/intro.en.md", 11, "link '/etc/passwd' is an absolute path"));
	assert_int_equal(f.diag.errors, 4);
	assert_int_equal(f.assets.count, 0);
	teardown(&f);
}

static void test_markdown__images_need_a_text_alternative(void **state)
{
	fixture f;

	(void)state;
	setup(&f, "md_alt");
	assert_int_equal(render(&f, "Intro.\n\n![](../assets/map.png)\n\n"
				    "<img src=\"../assets/map.png\">\n\n"
				    "<img src=\"../assets/map.png\" alt=\"\">\n"),
			 PA_EINVALID);
	assert_true(has_diag(&f, "m1/intro.en.md", 3, "image '../assets/map.png' has no text alternative"));
	assert_true(has_diag(&f, "m1/intro.en.md", 5, "has no alt attribute"));
	/* alt="" in HTML marks a decorative image: allowed. */
	assert_int_equal(f.diag.errors, 2);
	assert_null(strstr(html(&f), "pa:noalt"));
	teardown(&f);
}

static void test_markdown__h2_get_unique_ids_and_split_sections(void **state)
{
	fixture f;

	(void)state;
	setup(&f, "md_sections");
	f.ctx.sections = true;
	f.ctx.id_prefix = "fr-";
	assert_int_equal(render(&f, "Avant-propos.\n\n## Qui est migrant ?\n\nTexte.\n\n"
				    "## Définitions\n\n### Sous-titre\n\n## Qui est migrant ?\n\n"
				    "<h2 id=\"mine\">Mine</h2>\n"),
			 0);
	assert_non_null(strstr(html(&f), "<section class=\"pa-section\" data-pa-section=\"0\"><p>Avant-propos.</p>"));
	assert_non_null(strstr(html(&f), "<section class=\"pa-section\" data-pa-section=\"1\"><h2 id=\"fr-qui-est-migrant\">"));
	assert_non_null(strstr(html(&f), "<h2 id=\"fr-definitions\">Définitions</h2>"));
	assert_non_null(strstr(html(&f), "<h2 id=\"fr-qui-est-migrant-2\">"));
	assert_non_null(strstr(html(&f), "data-pa-section=\"4\"><h2 id=\"mine\">"));
	assert_null(strstr(html(&f), "data-pa-section=\"5\""));
	assert_true(pa_strset_has(&f.ids, "fr-definitions"));
	teardown(&f);
}

static void test_markdown__html_fragment_file_keeps_its_lines(void **state)
{
	fixture f;

	(void)state;
	setup(&f, "md_htmlfile");
	pa_test_write(f.dir, "m1/page.html",
		      "<h2>One</h2>\n<p>Text <img src=\"../assets/map.png\" alt=\"Map\"></p>\n"
		      "<section>\n<p><img src=\"gone.png\" alt=\"Gone\"></p>\n</section>\n");
	f.ctx.file = "m1/page.html";
	assert_int_equal(pa_markdown_render_file(&f.out, &f.ctx), PA_EINVALID);
	assert_true(has_diag(&f, "m1/page.html", 4, "image 'gone.png' not found"));
	assert_non_null(strstr(html(&f), "<h2 id=\"one\">One</h2>"));
	assert_non_null(strstr(html(&f), "src=\"assets/map.png\""));
	teardown(&f);
}

static void test_markdown__inline_texts_by_format(void **state)
{
	fixture f;

	(void)state;
	setup(&f, "md_inline");
	f.ctx.file = "m1/quiz.en.gift";
	f.ctx.line = 12;
	assert_int_equal(pa_markdown_render_inline(&f.out, "The *1951* Convention", PA_TEXT_MARKDOWN, &f.ctx), 0);
	assert_string_equal(html(&f), "The <em>1951</em> Convention");
	pa_buf_clear(&f.out);
	assert_int_equal(pa_markdown_render_inline(&f.out, "One.\n\nTwo.", PA_TEXT_MARKDOWN, &f.ctx), 0);
	assert_non_null(strstr(html(&f), "<p>One.</p>"));
	pa_buf_clear(&f.out);
	assert_int_equal(pa_markdown_render_inline(&f.out, "a <b> & *c*\nd", PA_TEXT_PLAIN, &f.ctx), 0);
	assert_string_equal(html(&f), "a &lt;b&gt; &amp; *c*<br>d");
	pa_buf_clear(&f.out);
	assert_int_equal(pa_markdown_render_inline(&f.out, "<b>bold</b> <img src=\"none.png\" alt=\"x\">",
						   PA_TEXT_HTML, &f.ctx), PA_EINVALID);
	assert_true(has_diag(&f, "m1/quiz.en.gift", 12, "image 'none.png' not found"));
	assert_non_null(strstr(html(&f), "<b>bold</b>"));
	teardown(&f);
}

static void test_markdown__refuses_invalid_utf8(void **state)
{
	fixture f;

	(void)state;
	setup(&f, "md_utf8");
	assert_int_equal(render(&f, "ok\nbad \xff here\n"), PA_EINVALID);
	assert_true(has_diag(&f, "m1/intro.en.md", 2, "not valid UTF-8"));
	teardown(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_markdown__renders_with_smart_punctuation_and_no_sourcepos),
		cmocka_unit_test(test_markdown__rewrites_relative_urls_and_collects_assets),
		cmocka_unit_test(test_markdown__external_links_open_safely_with_a_hint),
		cmocka_unit_test(test_markdown__missing_file_is_reported_with_its_line),
		cmocka_unit_test(test_markdown__images_need_a_text_alternative),
		cmocka_unit_test(test_markdown__h2_get_unique_ids_and_split_sections),
		cmocka_unit_test(test_markdown__html_fragment_file_keeps_its_lines),
		cmocka_unit_test(test_markdown__inline_texts_by_format),
		cmocka_unit_test(test_markdown__refuses_invalid_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
