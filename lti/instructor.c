/*
 * What instructors see of a link: its attempts (learner, status, score,
 * total time, last access) and each answer the learners gave, as a page
 * in English or French that works in an LMS's iframe and on a phone (100
 * learners a page: ?page=N, ?per_page=N up to 500), and as two CSV files
 * for spreadsheets, streamed a batch of attempts at a time so that a
 * course of any size costs the same memory:
 *
 *   attempts.csv      one row per attempt: the summary columns
 *   interactions.csv  one row per interaction of every attempt
 *
 * Every route wants the link token the launch gave the instructor
 * (lti/launch.h); the token also names the instructor as a learner, so
 * that "Play this module" opens their own attempt.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <openssl/evp.h>

#include "common/csv.h"
#include "common/log.h"
#include "common/util.h"
#include "lti/admin.h"
#include "lti/launch.h"
#include "runtime/player.h"
#include "runtime/store_lti.h"

/* --- words --- */

typedef enum lang { EN = 0, FR = 1 } lang;

typedef enum word {
	W_ATTEMPTS, W_PLAY, W_NO_MODULE, W_CSV_ATTEMPTS, W_CSV_INTERACTIONS, W_LEARNER, W_STATUS, W_SCORE,
	W_TOTAL_TIME, W_LAST_ACCESS, W_NONE_YET, W_ANSWERS, W_ANSWERS_OF, W_QUESTION, W_TYPE, W_RESPONSE,
	W_RESULT, W_LATENCY, W_WHEN, W_NO_ANSWERS, W_UNREADABLE, W_COMPLETED, W_INCOMPLETE, W_NOT_ATTEMPTED,
	W_NOT_STARTED, W_PASSED, W_FAILED, W_CORRECT, W_INCORRECT, W_UNANTICIPATED, W_NEUTRAL, W_MODULE,
	W_PAGES, W_PREVIOUS, W_NEXT, W_OF, W_PAGE, W_NO_SUCH_PAGE, W_COUNT_
} word;

static const char *const words[W_COUNT_][2] = {
	[W_ATTEMPTS] = { "Attempts", "Tentatives" },
	[W_PLAY] = { "Play this module", "Lancer ce module" },
	[W_NO_MODULE] = { "No module is chosen for this link yet.", "Aucun module n’est encore choisi pour ce lien." },
	[W_CSV_ATTEMPTS] = { "Download the attempts (CSV)", "Télécharger les tentatives (CSV)" },
	[W_CSV_INTERACTIONS] = { "Download the answers (CSV)", "Télécharger les réponses (CSV)" },
	[W_LEARNER] = { "Learner", "Apprenant·e" },
	[W_STATUS] = { "Status", "Statut" },
	[W_SCORE] = { "Score", "Score" },
	[W_TOTAL_TIME] = { "Total time", "Temps total" },
	[W_LAST_ACCESS] = { "Last access", "Dernier accès" },
	[W_NONE_YET] = { "No learner has opened this module from this link yet.",
			 "Personne n’a encore ouvert ce module depuis ce lien." },
	[W_ANSWERS] = { "Answers", "Réponses" },
	[W_ANSWERS_OF] = { "Answers of", "Réponses de" },
	[W_QUESTION] = { "Question", "Question" },
	[W_TYPE] = { "Type", "Type" },
	[W_RESPONSE] = { "Response", "Réponse" },
	[W_RESULT] = { "Result", "Résultat" },
	[W_LATENCY] = { "Time taken", "Durée" },
	[W_WHEN] = { "When", "Quand" },
	[W_NO_ANSWERS] = { "No answers recorded.", "Aucune réponse enregistrée." },
	[W_UNREADABLE] = { "The answers of this attempt could not be read.",
			   "Les réponses de cette tentative n’ont pas pu être lues." },
	[W_COMPLETED] = { "completed", "terminé" },
	[W_INCOMPLETE] = { "in progress", "en cours" },
	[W_NOT_ATTEMPTED] = { "not started", "non commencé" },
	[W_NOT_STARTED] = { "not started", "non commencé" },
	[W_PASSED] = { "passed", "réussi" },
	[W_FAILED] = { "failed", "échoué" },
	[W_CORRECT] = { "correct", "juste" },
	[W_INCORRECT] = { "incorrect", "faux" },
	[W_UNANTICIPATED] = { "unanticipated", "inattendu" },
	[W_NEUTRAL] = { "neutral", "neutre" },
	[W_MODULE] = { "Module", "Module" },
	[W_PAGES] = { "Pages of attempts", "Pages des tentatives" },
	[W_PREVIOUS] = { "Previous page", "Page précédente" },
	[W_NEXT] = { "Next page", "Page suivante" },
	[W_OF] = { "of", "sur" },
	[W_PAGE] = { "page", "page" },
	[W_NO_SUCH_PAGE] = { "No such page.", "Cette page n’existe pas." },
};

#define T(l, w) (words[w][l])

/* ?lang= (the launch's locale), else the first of English or French in Accept-Language. */
static lang pick_lang(pa_http_request *r)
{
	const char *q = pa_http_arg(r, "lang"), *h;

	if (q && *q)
		return !strncasecmp(q, "fr", 2) ? FR : EN;
	if (!(h = pa_http_header(r, "Accept-Language")))
		return EN;
	for (const char *p = h; *p;) {
		p += strspn(p, " ,");
		if (!strncasecmp(p, "fr", 2) && (p[2] == '\0' || strchr("-_;, ", p[2])))
			return FR;
		if (!strncasecmp(p, "en", 2) && (p[2] == '\0' || strchr("-_;, ", p[2])))
			return EN;
		p += strcspn(p, ",");
	}
	return EN;
}

/* --- formatting --- */

static void put_iso_time(pa_buf *out, int64_t ms, bool human)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char stamp[32];

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), human ? "%Y-%m-%d %H:%M UTC" : "%Y-%m-%dT%H:%M:%SZ", &tm);
	pa_buf_puts(out, stamp);
}

/* 1 h 05 min, 4 min 10 s, 12.5 s. */
static void put_duration(pa_buf *out, int64_t cs)
{
	int64_t s = cs / 100;

	if (cs < 0)
		pa_buf_puts(out, "—");
	else if (s >= 3600)
		pa_buf_printf(out, "%lld h %02lld min", (long long)(s / 3600), (long long)(s % 3600 / 60));
	else if (s >= 60)
		pa_buf_printf(out, "%lld min %02lld s", (long long)(s / 60), (long long)(s % 60));
	else if (cs % 100)
		pa_buf_printf(out, "%lld.%lld s", (long long)s, (long long)(cs % 100 / 10));
	else
		pa_buf_printf(out, "%lld s", (long long)s);
}

static void put_percent(pa_buf *out, double scaled, lang l)
{
	/* French puts a narrow no-break space before %. */
	pa_buf_printf(out, l == FR ? "%.0f\xE2\x80\xAF%%" : "%.0f%%", scaled * 100);
}

static const char *status_word(const char *status, lang l)
{
	if (!status)
		return NULL;
	if (!strcmp(status, "completed"))
		return T(l, W_COMPLETED);
	if (!strcmp(status, "incomplete"))
		return T(l, W_INCOMPLETE);
	if (!strcmp(status, "not attempted") || !strcmp(status, "unknown"))
		return T(l, W_NOT_STARTED);
	if (!strcmp(status, "passed"))
		return T(l, W_PASSED);
	if (!strcmp(status, "failed"))
		return T(l, W_FAILED);
	return status;
}

static const char *result_word(const char *result, lang l)
{
	if (!strcmp(result, "correct"))
		return T(l, W_CORRECT);
	if (!strcmp(result, "incorrect") || !strcmp(result, "wrong"))
		return T(l, W_INCORRECT);
	if (!strcmp(result, "unanticipated"))
		return T(l, W_UNANTICIPATED);
	if (!strcmp(result, "neutral"))
		return T(l, W_NEUTRAL);
	return result;   /* a number, or nothing */
}

/* The LMS's own id of a learner: what follows "lti13 <iss> " or "lti11 <key> ". */
static const char *lms_user_id(const char *subject)
{
	const char *p = subject ? strchr(subject, ' ') : NULL;

	if (p && (p = strchr(p + 1, ' ')))
		return p + 1;
	return subject ? subject : "";
}

/* A 2004 localized string without its {lang=...} prefix. */
static const char *without_lang(const char *text)
{
	if (!strncmp(text, "{lang=", 6) && strchr(text, '}'))
		return strchr(text, '}') + 1;
	return text;
}

/* --- reading a link's attempts --- */

typedef struct row {
	const pa_store_lti_link_attempt *a;
	pa_player_report report;
	bool readable;
} row;

/* Which attempts of the link a page shows. */
typedef struct paging {
	int64_t page, per_page;   /* page from 1 */
	int64_t total, pages;     /* attempts of the link, pages of them (at least 1) */
} paging;

typedef struct view {
	pa_store_lti_link link;
	pa_store_lti_link_attempt *attempts;   /* a page, or a batch of an export */
	size_t count;
	row *rows;
	pa_store_version *versions;   /* the versions read, each once */
	size_t nversions;
	paging paging;
} view;

/* Forget the attempts (and their reports), keep the link and the versions. */
static void view_drop_attempts(view *v)
{
	for (size_t i = 0; v->rows && i < v->count; i++)
		pa_player_report_dispose(&v->rows[i].report);
	free(v->rows);
	pa_store_lti_link_attempts_free(v->attempts, v->count);
	v->rows = NULL;
	v->attempts = NULL;
	v->count = 0;
}

static void view_dispose(view *v)
{
	view_drop_attempts(v);
	for (size_t i = 0; i < v->nversions; i++)
		pa_store_version_dispose(&v->versions[i]);
	free(v->versions);
	pa_store_lti_link_dispose(&v->link);
}

static int version_of(const pa_store_version **out, view *v, pa_store *store, int64_t version_id)
{
	pa_store_version *slot;
	int rc;

	for (size_t i = 0; i < v->nversions; i++)
		if (v->versions[i].id == version_id) {
			*out = &v->versions[i];
			return 0;
		}
	if (!(slot = pa_array_push(&v->versions, &v->nversions, sizeof(*slot))))
		return PA_ENOMEM;
	if ((rc = pa_store_version_by_id(slot, store, version_id)) != 0) {
		v->nversions--;
		return rc;
	}
	*out = slot;
	return 0;
}

/* One attempt's report; an attempt whose state cannot be read is shown without it. */
static int read_report(row *out, view *v, pa_store *store)
{
	pa_store_attempt a = { 0 };
	const pa_store_version *ver;
	pa_player_context ctx = { 0 };
	int rc;

	if ((rc = pa_store_attempt_read(&a, store, out->a->attempt_id, NULL)) != 0 ||
	    (rc = version_of(&ver, v, store, a.version_id)) != 0)
		goto done;
	ctx.attempt = &a;
	ctx.tree_json = ver->tree_json;
	ctx.scorm_version = ver->scorm_version;
	if ((rc = pa_player_attempt_report(&out->report, &ctx)) == 0)
		out->readable = true;
done:
	if (rc && rc != PA_ENOMEM && rc != PA_EIO) {
		pa_warn("lti: link %lld: attempt %lld: %s", (long long)v->link.id, (long long)out->a->attempt_id,
			pa_error_last());
		pa_player_report_dispose(&out->report);
		rc = 0;
	}
	pa_store_attempt_dispose(&a);
	return rc;
}

/* The attempts q asks for, in place of those v had; with their reports when asked. */
static int view_attempts(view *v, pa_store *store, const pa_store_lti_attempts_query *q, int64_t *total, bool reports)
{
	int rc;

	view_drop_attempts(v);
	if ((rc = pa_store_lti_link_attempts_query(&v->attempts, &v->count, total, store, q)) != 0)
		return rc;
	if (v->count && !(v->rows = calloc(v->count, sizeof(*v->rows))))
		return pa_error_set(PA_ENOMEM, "out of memory");
	for (size_t i = 0; i < v->count; i++)
		v->rows[i].a = &v->attempts[i];
	for (size_t i = 0; reports && i < v->count && rc == 0; i++)
		rc = read_report(&v->rows[i], v, store);
	return rc;
}

/*
 * The page's attempts: latest activity first, per_page of them from
 * page's first on. A page past the last shows the last: the list moved
 * (learners came and went) since its link was made.
 */
static int view_page(view *v, pa_store *store, const paging *want)
{
	pa_store_lti_attempts_query q = { v->link.id, false, 0, 0, (size_t)want->per_page };
	int64_t total = 0;
	int rc;

	v->paging = *want;
	q.offset = (size_t)((want->page - 1) * want->per_page);
	if ((rc = view_attempts(v, store, &q, &total, true)) != 0)
		return rc;
	v->paging.total = total;
	v->paging.pages = total ? (total + want->per_page - 1) / want->per_page : 1;
	if (v->paging.page > v->paging.pages) {
		v->paging.page = v->paging.pages;
		q.offset = (size_t)((v->paging.page - 1) * want->per_page);
		rc = view_attempts(v, store, &q, NULL, true);
	}
	return rc;
}

/* --- answers --- */

static enum MHD_Result respond(pa_http_request *r, pa_buf *body, const char *type, const char *csp, const char *filename)
{
	struct MHD_Response *resp = pa_buf_error(body) ? NULL : pa_http_body(type, body);
	size_t len = body->len;

	if (resp) {
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
		MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
		MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
		if (csp)
			MHD_add_response_header(resp, "Content-Security-Policy", csp);
		if (filename) {
			pa_buf cd = PA_BUF_INIT;

			pa_buf_printf(&cd, "attachment; filename=\"%s\"", filename);
			MHD_add_response_header(resp, "Content-Disposition", pa_buf_cstr(&cd));
			pa_buf_dispose(&cd);
		}
	}
	pa_buf_dispose(body);
	return pa_http_queue(r, MHD_HTTP_OK, resp, len);
}

/* A short page saying what went wrong, in the page's language (lti/internal.h's is English). */
static enum MHD_Result error_page(pa_http_request *r, unsigned status, lang l, const char *title, const char *message)
{
	pa_buf out = PA_BUF_INIT;
	struct MHD_Response *resp;
	size_t len;

	pa_buf_printf(&out, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>",
		      l == FR ? "fr" : "en");
	pa_buf_put_xml(&out, title);
	pa_buf_puts(&out, "</title></head>\n<body><main><h1>");
	pa_buf_put_xml(&out, title);
	pa_buf_puts(&out, "</h1>\n<p>");
	pa_buf_put_xml(&out, message);
	pa_buf_puts(&out, "</p></main></body></html>\n");
	resp = pa_buf_error(&out) ? NULL : pa_http_body("text/html; charset=utf-8", &out);
	if (resp) {
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
		MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
		MHD_add_response_header(resp, "Content-Security-Policy", "default-src 'none'; frame-ancestors *");
	}
	len = out.len;
	pa_buf_dispose(&out);
	return pa_http_queue(r, status, resp, len);
}

static enum MHD_Result refuse(pa_http_request *r, unsigned status, lang l, const char *why, const char *en, const char *fr)
{
	pa_warn("lti: %s %s: %s (from %s)", r->method, pa_buf_cstr(&r->path), why, r->fwd.client);
	return error_page(r, status, l, l == FR ? "Accès refusé" : "Access refused", l == FR ? fr : en);
}

/* --- the page --- */

static const char STYLE[] =
	"body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fff}"
	"main{max-width:72rem;margin:0 auto;padding:1rem}"
	"h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.2rem;margin:1.5rem 0 .5rem}"
	".context{color:#4a4a4a;margin:0 0 1rem}"
	".actions{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center}"
	".button{display:inline-block;background:#0b5394;color:#fff;padding:.6rem 1rem;border-radius:.3rem;"
	"text-decoration:none;font-weight:600}"
	".button:focus,.button:hover{background:#073763;outline:3px solid #f1c232}"
	"a{color:#0b5394}"
	".scroll{overflow-x:auto;max-width:100%}"
	".scroll:focus{outline:3px solid #f1c232}"
	".pages{margin:.75rem 0}.pages p{margin:.25rem 0}"
	"table{border-collapse:collapse;width:100%;min-width:32rem}"
	"th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #c9c9c9;vertical-align:top}"
	"thead th{background:#eef2f7}"
	"td.num{text-align:right;white-space:nowrap}"
	"details{margin:.5rem 0}summary{cursor:pointer;font-weight:600;padding:.3rem 0}"
	"code{word-break:break-all}"
	/* The caption names the table for screen readers; the summary above says it already. */
	"caption{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}"
	"@media (max-width:40rem){main{padding:.5rem}h1{font-size:1.25rem}}";

/* 'sha256-...' of the style, for the page's CSP (no inline style without it). */
static void put_style_hash(pa_buf *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
	unsigned int n = 0;

	if (EVP_Digest(STYLE, sizeof(STYLE) - 1, md, &n, EVP_sha256(), NULL) != 1) {
		pa_buf_puts(out, "'none'");
		return;
	}
	EVP_EncodeBlock(b64, md, (int)n);
	pa_buf_printf(out, "'sha256-%s'", b64);
}

static void put_link(pa_buf *out, int64_t link_id, const char *tail, const char *token, lang l)
{
	pa_buf_printf(out, "/lti/links/%lld%s?token=", (long long)link_id, tail);
	pa_buf_put_xml(out, token);
	if (l == FR)
		pa_buf_puts(out, "&amp;lang=fr");
}

#define PER_PAGE 100
#define PER_PAGE_MAX 500

/* The link to another page of the list. */
static void put_page_link(pa_buf *out, const view *v, const char *token, lang l, int64_t page)
{
	put_link(out, v->link.id, "", token, l);
	pa_buf_printf(out, "&amp;page=%lld", (long long)page);
	if (v->paging.per_page != PER_PAGE)
		pa_buf_printf(out, "&amp;per_page=%lld", (long long)v->paging.per_page);
	pa_buf_puts(out, "#attempts");
}

/* Which attempts are shown, and the links to the pages around. */
static void put_pages(pa_buf *out, const view *v, const char *token, lang l)
{
	const paging *p = &v->paging;
	int64_t first = (p->page - 1) * p->per_page + 1;

	pa_buf_printf(out, "<nav class=\"pages\" aria-label=\"%s\"><p>%s %lld–%lld %s %lld, %s %lld %s %lld</p>",
		      T(l, W_PAGES), T(l, W_ATTEMPTS), (long long)first, (long long)(first + (int64_t)v->count - 1),
		      T(l, W_OF), (long long)p->total, T(l, W_PAGE), (long long)p->page, T(l, W_OF), (long long)p->pages);
	pa_buf_puts(out, "<p class=\"actions\">");
	if (p->page > 1) {
		pa_buf_puts(out, "<a rel=\"prev\" href=\"");
		put_page_link(out, v, token, l, p->page - 1);
		pa_buf_printf(out, "\">← %s</a>", T(l, W_PREVIOUS));
	}
	if (p->page < p->pages) {
		pa_buf_puts(out, "<a rel=\"next\" href=\"");
		put_page_link(out, v, token, l, p->page + 1);
		pa_buf_printf(out, "\">%s →</a>", T(l, W_NEXT));
	}
	pa_buf_puts(out, "</p></nav>\n");
}

static void put_status(pa_buf *out, const pa_store_lti_link_attempt *a, lang l)
{
	const char *c = status_word(a->completion_status, l), *s = a->success_status;

	pa_buf_put_xml(out, c ? c : T(l, W_NOT_STARTED));
	if (s && (!strcmp(s, "passed") || !strcmp(s, "failed"))) {
		pa_buf_puts(out, ", ");
		pa_buf_put_xml(out, status_word(s, l));
	}
}

static void put_learner(pa_buf *out, const pa_store_lti_link_attempt *a)
{
	pa_buf_put_xml(out, a->learner_name && *a->learner_name ? a->learner_name : lms_user_id(a->learner_subject));
}

static void put_answers(pa_buf *out, const row *w, lang l, size_t index)
{
	const pa_player_report *rep = &w->report;

	pa_buf_puts(out, "<details><summary>");
	put_learner(out, w->a);
	pa_buf_printf(out, " (%zu)</summary>\n", rep->ninteractions);
	if (!w->readable) {
		pa_buf_printf(out, "<p>%s</p></details>\n", T(l, W_UNREADABLE));
		return;
	}
	if (!rep->ninteractions) {
		pa_buf_printf(out, "<p>%s</p></details>\n", T(l, W_NO_ANSWERS));
		return;
	}
	pa_buf_printf(out, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-labelledby=\"cap%zu\"><table>"
		      "<caption id=\"cap%zu\">%s ", index, index, T(l, W_ANSWERS_OF));
	put_learner(out, w->a);
	pa_buf_printf(out, "</caption>\n<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		      "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		      "<th scope=\"col\">%s</th></tr></thead>\n<tbody>\n",
		      T(l, W_QUESTION), T(l, W_TYPE), T(l, W_RESPONSE), T(l, W_RESULT), T(l, W_LATENCY), T(l, W_WHEN));
	for (size_t k = 0; k < rep->ninteractions; k++) {
		const pa_player_interaction *i = &rep->interactions[k];

		pa_buf_puts(out, "<tr><th scope=\"row\"><code>");
		pa_buf_put_xml(out, i->id);
		pa_buf_puts(out, "</code>");
		if (*i->description) {
			pa_buf_puts(out, "<br>");
			pa_buf_put_xml(out, without_lang(i->description));
		}
		pa_buf_puts(out, "</th><td>");
		pa_buf_put_xml(out, i->type);
		pa_buf_puts(out, "</td><td>");
		pa_buf_put_xml(out, i->learner_response);
		pa_buf_puts(out, "</td><td>");
		pa_buf_put_xml(out, result_word(i->result, l));
		pa_buf_puts(out, "</td><td class=\"num\">");
		if (i->latency_cs >= 0)
			put_duration(out, i->latency_cs);
		pa_buf_puts(out, "</td><td>");
		pa_buf_put_xml(out, i->timestamp);
		pa_buf_puts(out, "</td></tr>\n");
	}
	pa_buf_puts(out, "</tbody></table></div></details>\n");
}

static enum MHD_Result page(pa_http_request *r, const view *v, const char *token, int64_t learner_id, lang l)
{
	pa_buf out = PA_BUF_INIT, csp = PA_BUF_INIT;
	const char *title = v->link.title && *v->link.title ? v->link.title : T(l, W_MODULE);
	enum MHD_Result ret;
	size_t answered = 0;

	pa_buf_printf(&out, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>",
		      l == FR ? "fr" : "en");
	pa_buf_put_xml(&out, title);
	pa_buf_printf(&out, " – %s</title>\n<style>%s</style></head>\n<body><main>\n<h1>", T(l, W_ATTEMPTS), STYLE);
	pa_buf_put_xml(&out, title);
	pa_buf_puts(&out, "</h1>\n");
	if (v->link.context_title && *v->link.context_title) {
		pa_buf_puts(&out, "<p class=\"context\">");
		pa_buf_put_xml(&out, v->link.context_title);
		pa_buf_puts(&out, "</p>\n");
	}
	pa_buf_puts(&out, "<p class=\"actions\">");
	if (v->link.package_id && learner_id) {
		pa_buf_puts(&out, "<a class=\"button\" href=\"");
		put_link(&out, v->link.id, "/play", token, l);
		pa_buf_printf(&out, "\">%s</a>", T(l, W_PLAY));
	} else if (!v->link.package_id) {
		pa_buf_printf(&out, "<span>%s</span>", T(l, W_NO_MODULE));
	}
	pa_buf_puts(&out, " <a href=\"");
	put_link(&out, v->link.id, "/attempts.csv", token, EN);
	pa_buf_printf(&out, "\">%s</a> <a href=\"", T(l, W_CSV_ATTEMPTS));
	put_link(&out, v->link.id, "/interactions.csv", token, EN);
	pa_buf_printf(&out, "\">%s</a></p>\n<h2 id=\"attempts\">%s (%lld)</h2>\n", T(l, W_CSV_INTERACTIONS),
		      T(l, W_ATTEMPTS), (long long)v->paging.total);
	if (!v->count) {
		pa_buf_printf(&out, "<p>%s</p>\n", T(l, W_NONE_YET));
	} else {
		pa_buf_printf(&out, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-labelledby=\"attempts\">"
			      "<table>\n<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
			      "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead>\n<tbody>\n",
			      T(l, W_LEARNER), T(l, W_STATUS), T(l, W_SCORE), T(l, W_TOTAL_TIME), T(l, W_LAST_ACCESS));
		for (size_t i = 0; i < v->count; i++) {
			const row *w = &v->rows[i];

			pa_buf_puts(&out, "<tr><th scope=\"row\">");
			put_learner(&out, w->a);
			pa_buf_puts(&out, "</th><td>");
			put_status(&out, w->a, l);
			pa_buf_puts(&out, "</td><td class=\"num\">");
			if (w->a->has_score)
				put_percent(&out, w->a->score_scaled, l);
			pa_buf_puts(&out, "</td><td class=\"num\">");
			put_duration(&out, w->readable ? w->report.total_time_cs : -1);
			pa_buf_puts(&out, "</td><td><time datetime=\"");
			put_iso_time(&out, w->a->updated, false);
			pa_buf_puts(&out, "\">");
			put_iso_time(&out, w->a->updated, true);
			pa_buf_puts(&out, "</time></td></tr>\n");
			if (w->readable && w->report.ninteractions)
				answered++;
		}
		pa_buf_puts(&out, "</tbody></table></div>\n");
		if (v->paging.pages > 1)
			put_pages(&out, v, token, l);
		pa_buf_printf(&out, "<h2>%s</h2>\n", T(l, W_ANSWERS));
		if (!answered)
			pa_buf_printf(&out, "<p>%s</p>\n", T(l, W_NO_ANSWERS));
		for (size_t i = 0; i < v->count; i++)
			if (!v->rows[i].readable || v->rows[i].report.ninteractions)
				put_answers(&out, &v->rows[i], l, i);
	}
	pa_buf_puts(&out, "</main></body></html>\n");
	pa_buf_puts(&csp, "default-src 'none'; style-src ");
	put_style_hash(&csp);
	pa_buf_puts(&csp, "; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors *");
	ret = respond(r, &out, "text/html; charset=utf-8", pa_buf_cstr(&csp), NULL);
	pa_buf_dispose(&csp);
	return ret;
}

/* --- CSV --- */

/* ",<value>" with decimals digits after the point, or "," when there is none. */
static void csv_number(pa_buf *out, int decimals, double value, bool has)
{
	pa_buf_putc(out, ',');
	if (has)
		pa_buf_printf(out, "%.*f", decimals, value);
}

static void csv_attempt_head(pa_buf *out, const pa_store_lti_link_attempt *a)
{
	pa_buf_printf(out, "%lld,", (long long)a->attempt_id);
	pa_csv_text(out, a->learner_name);
	pa_buf_putc(out, ',');
	pa_csv_text(out, lms_user_id(a->learner_subject));
}

static const char CSV_ATTEMPTS_HEAD[] = PA_CSV_BOM "attempt_id,learner_name,lms_user_id,completion_status,"
	"success_status,score_scaled,score_percent,total_time_seconds,started,last_access,interactions\r\n";
static const char CSV_INTERACTIONS_HEAD[] = PA_CSV_BOM "attempt_id,learner_name,lms_user_id,sco,interaction_id,"
	"type,learner_response,result,latency_seconds,timestamp,description\r\n";

static void csv_attempt(pa_buf *out, const row *w)
{
	csv_attempt_head(out, w->a);
	pa_buf_putc(out, ',');
	pa_csv_text(out, w->a->completion_status);
	pa_buf_putc(out, ',');
	pa_csv_text(out, w->a->success_status);
	csv_number(out, 4, w->a->score_scaled, w->a->has_score);
	csv_number(out, 1, w->a->score_scaled * 100, w->a->has_score);
	csv_number(out, 2, (double)w->report.total_time_cs / 100, w->readable);
	pa_buf_putc(out, ',');
	put_iso_time(out, w->a->created, false);
	pa_buf_putc(out, ',');
	put_iso_time(out, w->a->updated, false);
	csv_number(out, 0, (double)w->report.ninteractions, w->readable);
	pa_buf_puts(out, "\r\n");
}

static void csv_interactions(pa_buf *out, const row *w)
{
	for (size_t k = 0; w->readable && k < w->report.ninteractions; k++) {
		const pa_player_interaction *it = &w->report.interactions[k];
		const char *const fields[] = { it->sco, it->id, it->type, it->learner_response, it->result };

		csv_attempt_head(out, w->a);
		for (size_t f = 0; f < PA_ARRAY_SIZE(fields); f++) {
			pa_buf_putc(out, ',');
			pa_csv_text(out, fields[f]);
		}
		csv_number(out, 2, (double)it->latency_cs / 100, it->latency_cs >= 0);
		pa_buf_putc(out, ',');
		pa_csv_text(out, it->timestamp);
		pa_buf_putc(out, ',');
		pa_csv_text(out, without_lang(it->description));
		pa_buf_puts(out, "\r\n");
	}
}

/*
 * An export on its way: attempts read EXPORT_BATCH at a time in attempt
 * id order (each once, even while learners play and the list by activity
 * moves), each one's report read, written and dropped in turn; about
 * EXPORT_CHUNK bytes formatted ahead of what the client has taken.
 */
#define EXPORT_BATCH 200
#define EXPORT_CHUNK ((size_t)64 * 1024)

typedef struct export {
	pa_store *store;
	bool interactions;
	view v;             /* the link, the versions read, the batch */
	size_t next;        /* the batch's next attempt to write */
	int64_t after_id;   /* the last attempt of the batch */
	bool last_batch;    /* the store has no more */
	pa_buf chunk;
	size_t sent;        /* bytes of chunk the client has */
} export;

static void export_free(void *cls)
{
	export *e = cls;

	view_dispose(&e->v);
	pa_buf_dispose(&e->chunk);
	free(e);
}

/* Format the next attempts into the (empty) chunk: nothing left when it stays empty. */
static int export_fill(export *e)
{
	int rc;

	while (e->chunk.len < EXPORT_CHUNK) {
		row *w;

		if (e->next == e->v.count) {
			pa_store_lti_attempts_query q = { e->v.link.id, true, e->after_id, 0, EXPORT_BATCH };

			if (e->last_batch)
				break;
			if ((rc = view_attempts(&e->v, e->store, &q, NULL, false)) != 0)
				return rc;
			e->next = 0;
			e->last_batch = e->v.count < EXPORT_BATCH;
			if (!e->v.count)
				break;
			e->after_id = e->v.attempts[e->v.count - 1].attempt_id;
		}
		w = &e->v.rows[e->next++];
		if ((rc = read_report(w, &e->v, e->store)) != 0)
			return rc;
		if (e->interactions)
			csv_interactions(&e->chunk, w);
		else
			csv_attempt(&e->chunk, w);
		pa_player_report_dispose(&w->report);
		w->readable = false;
	}
	return pa_buf_error(&e->chunk) ? pa_error_set(PA_ELIMIT, "an attempt's answers are too large to export") : 0;
}

/* libmicrohttpd asks for the next bytes of the body. */
static ssize_t export_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	export *e = cls;
	size_t n;

	(void)pos;
	while (e->sent == e->chunk.len) {
		pa_buf_clear(&e->chunk);
		e->sent = 0;
		if (export_fill(e) != 0) {
			/* The body stops short: no closing chunk, the client sees the file is cut. */
			pa_err("lti: link %lld: CSV export stopped after attempt %lld: %s", (long long)e->v.link.id,
			       (long long)e->after_id, pa_error_last());
			return MHD_CONTENT_READER_END_WITH_ERROR;
		}
		if (!e->chunk.len)
			return MHD_CONTENT_READER_END_OF_STREAM;
	}
	n = e->chunk.len - e->sent < max ? e->chunk.len - e->sent : max;
	memcpy(buf, e->chunk.ptr + e->sent, n);
	e->sent += n;
	return (ssize_t)n;
}

/* Answer with the CSV file of v's link (taken over: v is left empty). */
static enum MHD_Result csv_export(pa_http_request *r, pa_store *store, view *v, bool interactions)
{
	export *e = calloc(1, sizeof(*e));
	struct MHD_Response *resp = NULL;
	pa_buf cd = PA_BUF_INIT;

	if (!e) {
		view_dispose(v);
		memset(v, 0, sizeof(*v));
		return pa_http_queue(r, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, 0);
	}
	e->store = store;
	e->interactions = interactions;
	e->v = *v;
	memset(v, 0, sizeof(*v));
	pa_buf_init(&e->chunk, 0);
	pa_buf_puts(&e->chunk, interactions ? CSV_INTERACTIONS_HEAD : CSV_ATTEMPTS_HEAD);
	if (!(resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 32 * 1024, export_read, e, export_free))) {
		export_free(e);
		return pa_http_queue(r, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, 0);
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/csv; charset=utf-8; header=present");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	pa_buf_printf(&cd, "attachment; filename=\"passerelle-link-%lld-%s.csv\"", (long long)e->v.link.id,
		      interactions ? "interactions" : "attempts");
	MHD_add_response_header(resp, "Content-Disposition", pa_buf_cstr(&cd));
	pa_buf_dispose(&cd);
	return pa_http_queue(r, MHD_HTTP_OK, resp, 0);
}

/* --- play --- */

static enum MHD_Result play(pa_http_request *r, pa_lti *lti, const view *v, int64_t learner_id, lang l)
{
	pa_session_claims claims = { 0 };
	pa_buf token = PA_BUF_INIT, location = PA_BUF_INIT;
	struct MHD_Response *resp = NULL;
	int64_t attempt;
	enum MHD_Result ret;
	int rc;

	if (!v->link.package_id || !learner_id)
		return refuse(r, MHD_HTTP_CONFLICT, l, "no package chosen for the link, or no learner in the token",
			      "No module is chosen for this link yet.", T(FR, W_NO_MODULE));
	if ((rc = pa_player_attempt_for(&attempt, lti->store, learner_id, v->link.package_id, false,
					lti->new_after_completion)) != 0) {
		pa_err("lti: link %lld: the instructor's attempt: %s", (long long)v->link.id, pa_error_last());
		return error_page(r, rc == PA_ENOTFOUND ? MHD_HTTP_NOT_FOUND : MHD_HTTP_SERVICE_UNAVAILABLE, l,
					 "Passerelle", l == FR ? "Le module ne peut pas être ouvert pour le moment."
							       : "The module cannot be opened right now.");
	}
	claims.attempt_id = attempt;
	claims.learner_id = learner_id;
	claims.expires = (int64_t)time(NULL) + lti->session_ttl;
	if (pa_session_token_make(&token, lti->session_key, &claims) == 0) {
		pa_http_base_url(&location, r);
		pa_buf_printf(&location, "/play/%lld?lang=%s&token=%s", (long long)attempt, l == FR ? "fr" : "en",
			      pa_buf_cstr(&token));
		if (!pa_buf_error(&location) && (resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT))) {
			MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, pa_buf_cstr(&location));
			MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
			MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
		}
	}
	ret = pa_http_queue(r, MHD_HTTP_SEE_OTHER, resp, 0);
	pa_buf_dispose(&token);
	pa_buf_dispose(&location);
	return ret;
}

/* --- the route --- */

typedef enum what { PAGE, ATTEMPTS_CSV, INTERACTIONS_CSV, PLAY } what;

/* ?page= and ?per_page=: PA_EPARSE when one is not a number in bounds. */
static int paging_args(paging *out, pa_http_request *r)
{
	const char *page = pa_http_arg(r, "page"), *per = pa_http_arg(r, "per_page");

	memset(out, 0, sizeof(*out));
	out->page = 1;
	out->per_page = PER_PAGE;
	if (page && pa_parse_int64(&out->page, page, 1, INT32_MAX) != 0)
		return PA_EPARSE;
	if (per && pa_parse_int64(&out->per_page, per, 1, PER_PAGE_MAX) != 0)
		return PA_EPARSE;
	return 0;
}

/* "<id>" or "<id>/<tail>". */
static int parse_rest(int64_t *id, what *w, const char *rest)
{
	static const struct { const char *tail; what w; } tails[] = {
		{ "", PAGE }, { "/attempts.csv", ATTEMPTS_CSV }, { "/interactions.csv", INTERACTIONS_CSV }, { "/play", PLAY },
	};
	size_t len = strspn(rest, "0123456789");
	char num[24];

	if (!len || len >= sizeof(num))
		return PA_EPARSE;
	memcpy(num, rest, len);
	num[len] = '\0';
	for (size_t i = 0; i < PA_ARRAY_SIZE(tails); i++)
		if (!strcmp(rest + len, tails[i].tail)) {
			*w = tails[i].w;
			return pa_parse_int64(id, num, 1, INT64_MAX);
		}
	return PA_EPARSE;
}

enum MHD_Result pa_lti_links_route(pa_http_request *r, pa_lti *lti, const char *rest)
{
	const char *token = pa_http_arg(r, "token");
	int64_t id, token_link = 0, learner_id = 0;
	lang l = pick_lang(r);
	enum MHD_Result ret;
	paging want;
	view v;
	what w;
	int rc;

	if (parse_rest(&id, &w, rest) != 0)
		return error_page(r, MHD_HTTP_NOT_FOUND, l, "Passerelle", T(l, W_NO_SUCH_PAGE));
	if (paging_args(&want, r) != 0)
		return error_page(r, MHD_HTTP_BAD_REQUEST, l, "Passerelle", T(l, W_NO_SUCH_PAGE));
	if (!token || !*token)
		return refuse(r, MHD_HTTP_FORBIDDEN, l, "no link token",
			      "This page opens from the activity's link in the LMS.",
			      "Cette page s’ouvre depuis le lien de l’activité, dans la plateforme.");
	rc = pa_lti_link_token_check(&token_link, &learner_id, lti->session_key, token, (int64_t)time(NULL));
	if (rc == PA_ELIMIT)
		return refuse(r, MHD_HTTP_FORBIDDEN, l, "link token expired",
			      "This link has expired: open the activity again from the LMS.",
			      "Ce lien a expiré : rouvrez l’activité depuis la plateforme.");
	if (rc)
		return refuse(r, MHD_HTTP_FORBIDDEN, l, "link token not valid",
			      "This link is not valid: open the activity again from the LMS.",
			      "Ce lien n’est pas valable : rouvrez l’activité depuis la plateforme.");
	if (token_link != id)
		return refuse(r, MHD_HTTP_FORBIDDEN, l, "link token for another link",
			      "This link is for another activity: open this one from the LMS.",
			      "Ce lien est celui d’une autre activité : ouvrez celle-ci depuis la plateforme.");
	memset(&v, 0, sizeof(v));
	rc = pa_store_lti_link_get(&v.link, lti->store, id);
	if (rc == 0 && w == PAGE)
		rc = view_page(&v, lti->store, &want);
	if (rc == PA_ENOTFOUND && !v.link.id) {
		ret = error_page(r, MHD_HTTP_NOT_FOUND, l, "Passerelle",
					l == FR ? "Cette activité n’existe plus." : "This activity no longer exists.");
	} else if (rc) {
		pa_err("lti: link %lld: %s", (long long)id, pa_error_last());
		ret = error_page(r, MHD_HTTP_SERVICE_UNAVAILABLE, l, "Passerelle",
					l == FR ? "Les tentatives ne peuvent pas être lues pour le moment : réessayez."
						: "The attempts cannot be read right now: try again.");
	} else if (w == PAGE) {
		ret = page(r, &v, token, learner_id, l);
	} else if (w == ATTEMPTS_CSV || w == INTERACTIONS_CSV) {
		ret = csv_export(r, lti->store, &v, w == INTERACTIONS_CSV);
	} else {
		ret = play(r, lti, &v, learner_id, l);
	}
	view_dispose(&v);
	return ret;
}
