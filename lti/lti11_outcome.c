/*
 * LTI 1.1 Basic Outcomes: replaceResult sent to the consumer's
 * lis_outcome_service_url as POX XML, signed with OAuth 1.0a over an
 * oauth_body_hash of the body (the IMS "body signing" profile).
 */
#include "lti/lti11.h"

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/rand.h>

#include "common/error.h"
#include "common/util.h"
#include "lti/httpc.h"
#include "lti/lti11_pox.h"
#include "lti/oauth1.h"

#define POX_NS "http://www.imsglobal.org/services/ltiv1p1/xsd/imsoms_v1p0"

/* How much of an answer the outbox keeps. */
#define ANSWER_KEEP 1024

int pa_lti11_pox_replace(pa_buf *out, const char *message_id, const char *sourcedid, double score)
{
	long long n;

	if (!(score >= 0.0 && score <= 1.0))   /* NaN fails too */
		return pa_error_set(PA_EINVAL, "outcomes: a score must be between 0.0 and 1.0");
	/* Integers, not %f: the text must not follow LC_NUMERIC. */
	n = llround(score * 10000.0);
	pa_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<imsx_POXEnvelopeRequest xmlns=\"" POX_NS "\">\n"
		    "  <imsx_POXHeader>\n    <imsx_POXRequestHeaderInfo>\n"
		    "      <imsx_version>V1.0</imsx_version>\n      <imsx_messageIdentifier>");
	pa_buf_put_xml(out, message_id);
	pa_buf_puts(out, "</imsx_messageIdentifier>\n    </imsx_POXRequestHeaderInfo>\n  </imsx_POXHeader>\n"
		    "  <imsx_POXBody>\n    <replaceResultRequest>\n      <resultRecord>\n"
		    "        <sourcedGUID><sourcedId>");
	pa_buf_put_xml(out, sourcedid);
	pa_buf_printf(out, "</sourcedId></sourcedGUID>\n"
		      "        <result><resultScore><language>en</language><textString>%lld.%04lld</textString>"
		      "</resultScore></result>\n", n / 10000, n % 10000);
	pa_buf_puts(out, "      </resultRecord>\n    </replaceResultRequest>\n  </imsx_POXBody>\n"
		    "</imsx_POXEnvelopeRequest>\n");
	return pa_buf_error(out);
}

/* The first element called name among the children of node (any namespace). */
static xmlNode *child(xmlNode *node, const char *name)
{
	for (xmlNode *c = node ? node->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name))
			return c;
	return NULL;
}

/* Does data hold "<!" followed by word (a DTD or an entity declaration)? */
static bool declares(const char *data, size_t len, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = data; (p = memchr(p, '<', len - (size_t)(p - data))) != NULL; p++)
		if ((size_t)(data + len - p) >= n + 2 && p[1] == '!' && !memcmp(p + 2, word, n))
			return true;
	return false;
}

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
	xmlInitParser();
}

int pa_lti11_pox_status(char *major, size_t major_size, pa_buf *description, const char *xml, size_t len)
{
	xmlDoc *doc = NULL;
	xmlNode *root, *info, *node;
	xmlChar *text = NULL;
	int rc = 0;

	if (major_size)
		major[0] = '\0';
	pthread_once(&xml_once, xml_init);
	if (len > PA_POX_MAX_ANSWER || len > INT_MAX)
		return pa_error_set(PA_ELIMIT, "outcomes: the answer is larger than %zu bytes", PA_POX_MAX_ANSWER);
	/* No DTD, so no entity can be declared, expanded or fetched. */
	if (declares(xml, len, "DOCTYPE") || declares(xml, len, "ENTITY"))
		return pa_error_set(PA_EUNSAFE, "outcomes: the answer has a DTD; refused");
	doc = xmlReadMemory(xml, (int)len, "outcome-answer.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc || !(root = xmlDocGetRootElement(doc))) {
		rc = pa_error_set(PA_EPARSE, "outcomes: the answer is not well-formed XML");
		goto done;
	}
	if (doc->intSubset || doc->extSubset) {
		rc = pa_error_set(PA_EUNSAFE, "outcomes: the answer has a DTD; refused");
		goto done;
	}
	if (strcmp((const char *)root->name, "imsx_POXEnvelopeResponse") != 0) {
		rc = pa_error_set(PA_EPARSE, "outcomes: the answer is not an imsx_POXEnvelopeResponse");
		goto done;
	}
	info = child(child(child(root, "imsx_POXHeader"), "imsx_POXResponseHeaderInfo"), "imsx_statusInfo");
	if (!(node = child(info, "imsx_codeMajor")) || !(text = xmlNodeGetContent(node))) {
		rc = pa_error_set(PA_EPARSE, "outcomes: the answer has no imsx_codeMajor");
		goto done;
	}
	{
		const char *s = (const char *)text, *e;

		while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
			s++;
		e = s + strlen(s);
		while (e > s && (e[-1] == ' ' || e[-1] == '\n' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		if ((size_t)(e - s) >= major_size) {
			rc = pa_error_set(PA_EPARSE, "outcomes: imsx_codeMajor is not one we know");
			goto done;
		}
		memcpy(major, s, (size_t)(e - s));
		major[e - s] = '\0';
	}
	xmlFree(text);
	text = NULL;
	if (description && (node = child(info, "imsx_description")) && (text = xmlNodeGetContent(node)))
		pa_buf_puts(description, (const char *)text);
done:
	xmlFree(text);
	xmlFreeDoc(doc);
	return rc;
}

/* What the consumer said, kept short for the outbox. */
static void keep(pa_buf *answer, const char *text, size_t len)
{
	if (!answer)
		return;
	pa_buf_clear(answer);
	pa_buf_put(answer, text, len < ANSWER_KEEP ? len : ANSWER_KEEP);
	if (len > ANSWER_KEEP)
		pa_buf_puts(answer, "...");
}

int pa_lti11_outcome_replace(long *status, pa_buf *answer, const pa_lti11_outcome *o)
{
	pa_buf body = PA_BUF_INIT, hash = PA_BUF_INIT, auth = PA_BUF_INIT, description = PA_BUF_INIT;
	pa_httpc_response resp;
	char message_id[33], major[32];
	unsigned char raw[16];
	int rc;

	*status = 0;
	pa_httpc_response_init(&resp);
	if (!o->url || !o->key || !o->secret || !o->sourcedid) {
		rc = pa_error_set(PA_EINVAL, "outcomes: no service URL, consumer or sourcedid");
		keep(answer, pa_error_last(), strlen(pa_error_last()));
		goto done;
	}
	if (RAND_bytes(raw, sizeof(raw)) != 1) {
		rc = pa_error_set(PA_EIO, "outcomes: no random bytes for a message identifier");
		goto done;
	}
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(message_id + 2 * i, 3, "%02x", raw[i]);
	if ((rc = pa_lti11_pox_replace(&body, message_id, o->sourcedid, o->score)) != 0 ||
	    (rc = pa_oauth1_body_hash(&hash, body.ptr, body.len)) != 0) {
		keep(answer, pa_error_last(), strlen(pa_error_last()));
		goto done;
	}
	{
		pa_oauth1_client c = { o->key, o->secret, hash.ptr, NULL, 0 };

		if ((rc = pa_oauth1_authorization(&auth, "POST", o->url, &c)) != 0) {
			/* A URL we cannot sign is one we cannot use: no retry will help. */
			rc = pa_error_set(PA_EINVALID, "outcomes: cannot sign for %s: %s", o->url, pa_error_last());
			keep(answer, pa_error_last(), strlen(pa_error_last()));
			goto done;
		}
	}
	{
		pa_httpc_request req = {
			.method = "POST",
			.url = o->url,
			.content_type = "application/xml",
			.accept = "application/xml",
			.authorization = auth.ptr,
			.body = body.ptr,
			.body_len = body.len,
			.timeout_s = o->timeout_s,
			.max_response = PA_POX_MAX_ANSWER,
			.allow_http = o->allow_http,
		};

		rc = pa_httpc_perform(&resp, &req);
	}
	if (rc == PA_EINVALID) {
		keep(answer, pa_error_last(), strlen(pa_error_last()));
		goto done;
	}
	if (rc != 0) {
		/* No answer, or one too large to be POX: try again later. */
		*status = rc == PA_ELIMIT ? resp.status : 0;
		rc = pa_error_set(PA_EIO, "outcomes: %s", pa_error_last());
		keep(answer, pa_error_last(), strlen(pa_error_last()));
		goto done;
	}
	*status = resp.status;
	if (resp.status >= 500 || resp.status == 429) {
		keep(answer, pa_buf_cstr(&resp.body), resp.body.len);
		rc = pa_error_set(PA_EIO, "outcomes: the consumer answered %ld", resp.status);
		goto done;
	}
	if (resp.status < 200 || resp.status > 299) {
		keep(answer, pa_buf_cstr(&resp.body), resp.body.len);
		rc = pa_error_set(PA_EINVALID, "outcomes: the consumer answered %ld", resp.status);
		goto done;
	}
	if ((rc = pa_lti11_pox_status(major, sizeof(major), &description, pa_buf_cstr(&resp.body), resp.body.len)) != 0) {
		/* replaceResult is idempotent: sending it again is safe. */
		keep(answer, pa_buf_cstr(&resp.body), resp.body.len);
		rc = pa_error_set(PA_EIO, "outcomes: unreadable answer (%s)", pa_error_last());
		goto done;
	}
	if (!strcmp(major, "success") || !strcmp(major, "processing")) {
		keep(answer, pa_buf_cstr(&description), description.len);
		rc = 0;
	} else {
		if (description.len)
			keep(answer, pa_buf_cstr(&description), description.len);
		else
			keep(answer, major, strlen(major));
		rc = pa_error_set(PA_EINVALID, "outcomes: the consumer answered %s: %s", major,
				  pa_buf_cstr(&description));
	}
done:
	pa_httpc_response_dispose(&resp);
	pa_buf_dispose(&body);
	pa_buf_dispose(&hash);
	pa_buf_dispose(&auth);
	pa_buf_dispose(&description);
	return rc;
}
