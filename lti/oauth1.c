/* OAuth 1.0a HMAC-SHA1 (RFC 5849): parameters, base string, signatures. */
#include "lti/oauth1.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "common/error.h"
#include "common/util.h"

static int form_add(pa_form *form, const char *name, const char *value)
{
	pa_form_field *f;

	if (form->count >= 3 * PA_FORM_MAX_FIELDS)
		return pa_error_set(PA_ELIMIT, "oauth: more than %d parameters", 3 * PA_FORM_MAX_FIELDS);
	if (!(f = pa_array_push(&form->fields, &form->count, sizeof(*f))))
		return PA_ENOMEM;
	f->name = pa_strdup(name);
	f->value = pa_strdup(value);
	if (!f->name || !f->value)
		return PA_ENOMEM;
	return 0;
}

static int form_add_all(pa_form *form, const pa_form *from)
{
	int rc;

	for (size_t i = 0; from && i < from->count; i++)
		if ((rc = form_add(form, from->fields[i].name, from->fields[i].value)) != 0)
			return rc;
	return 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int pa_oauth1_header_parse(pa_form *out, const char *header)
{
	pa_form form = PA_FORM_INIT;
	const char *p = header;
	int rc = 0;

	*out = form;
	if (!header)
		return pa_error_set(PA_ENOTFOUND, "oauth: no Authorization header");
	if (strlen(header) > PA_OAUTH1_MAX_INPUT)
		return pa_error_set(PA_ELIMIT, "oauth: the Authorization header is too long");
	while (is_space(*p))
		p++;
	if (strncasecmp(p, "OAuth", 5) != 0 || (p[5] && !is_space(p[5])))
		return pa_error_set(PA_ENOTFOUND, "oauth: not an OAuth Authorization header");
	p += 5;
	for (;;) {
		const char *name, *value;
		size_t nlen, vlen;
		pa_form_field *f;
		char *n = NULL, *v = NULL;

		while (is_space(*p) || *p == ',')
			p++;
		if (!*p)
			break;
		name = p;
		while (*p && *p != '=' && *p != ',' && !is_space(*p))
			p++;
		nlen = (size_t)(p - name);
		while (is_space(*p))
			p++;
		if (nlen == 0 || *p != '=') {
			rc = pa_error_set(PA_EPARSE, "oauth: an Authorization header parameter without '='");
			goto done;
		}
		p++;
		while (is_space(*p))
			p++;
		if (*p != '"') {
			rc = pa_error_set(PA_EPARSE, "oauth: an Authorization header value not in double quotes");
			goto done;
		}
		value = ++p;
		while (*p && *p != '"')
			p++;
		if (*p != '"') {
			rc = pa_error_set(PA_EPARSE, "oauth: an Authorization header value without its closing quote");
			goto done;
		}
		vlen = (size_t)(p - value);
		p++;
		while (is_space(*p))
			p++;
		if (*p && *p != ',') {
			rc = pa_error_set(PA_EPARSE, "oauth: Authorization header parameters not separated by ','");
			goto done;
		}
		/* RFC 5849 3.5.1: percent-encoded, and '+' is no space there. */
		if ((rc = pa_form_decode(&n, name, nlen, false)) != 0 || (rc = pa_form_decode(&v, value, vlen, false)) != 0) {
			free(n);
			goto done;
		}
		if (!strcmp(n, "realm")) {
			free(n);
			free(v);
			continue;
		}
		if (form.count >= PA_FORM_MAX_FIELDS || !(f = pa_array_push(&form.fields, &form.count, sizeof(*f)))) {
			free(n);
			free(v);
			rc = form.count >= PA_FORM_MAX_FIELDS
				? pa_error_set(PA_ELIMIT, "oauth: too many Authorization header parameters")
				: PA_ENOMEM;
			goto done;
		}
		f->name = n;
		f->value = v;
	}
done:
	if (rc)
		pa_form_dispose(&form);
	else
		*out = form;
	return rc;
}

/* The query of url (after '?', before '#'), or NULL. */
static const char *url_query(size_t *len, const char *url)
{
	const char *q = strchr(url, '?'), *hash = strchr(url, '#');

	if (!q || (hash && hash < q))
		return NULL;
	*len = hash ? (size_t)(hash - q - 1) : strlen(q + 1);
	return q + 1;
}

int pa_oauth1_collect(pa_form *out, const char *url, const pa_form *query, const char *authorization,
		      const pa_form *body)
{
	pa_form all = PA_FORM_INIT, part = PA_FORM_INIT;
	const char *q;
	size_t qlen = 0;
	int rc = 0;

	*out = all;
	if (url && strlen(url) > PA_OAUTH1_MAX_INPUT)
		return pa_error_set(PA_ELIMIT, "oauth: the URL is too long");
	if (url && (q = url_query(&qlen, url)) != NULL) {
		if ((rc = pa_form_parse(&part, q, qlen)) != 0 || (rc = form_add_all(&all, &part)) != 0)
			goto done;
		pa_form_dispose(&part);
	} else if ((rc = form_add_all(&all, query)) != 0) {
		goto done;
	}
	if (authorization) {
		if ((rc = pa_oauth1_header_parse(&part, authorization)) == PA_ENOTFOUND)
			rc = 0;  /* another scheme (Basic...): not ours to read */
		else if (rc != 0 || (rc = form_add_all(&all, &part)) != 0)
			goto done;
		pa_form_dispose(&part);
	}
	if ((rc = form_add_all(&all, body)) != 0)
		goto done;
	/* A protocol parameter twice could be read one way by us, another by
	 * whoever signed: RFC 5849 3.2 refuses duplicates. */
	for (size_t i = 0; i < all.count; i++) {
		const char *name = all.fields[i].name;

		if (!pa_str_startswith(name, "oauth_"))
			continue;
		for (size_t j = i + 1; j < all.count; j++)
			if (!strcmp(all.fields[j].name, name)) {
				rc = pa_error_set(PA_EINVALID, "oauth: the parameter %s is given more than once", name);
				goto done;
			}
	}
done:
	pa_form_dispose(&part);
	if (rc)
		pa_form_dispose(&all);
	else
		*out = all;
	return rc;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

int pa_oauth1_base_uri(pa_buf *out, const char *url)
{
	const char *p = url, *auth, *host, *host_end, *port = NULL, *port_end, *path;
	size_t scheme_len;
	bool https;

	if (!url || strlen(url) > PA_OAUTH1_MAX_INPUT)
		return pa_error_set(PA_EPARSE, "oauth: no URL, or one too long");
	for (const unsigned char *c = (const unsigned char *)url; *c; c++)
		if (*c <= 0x20 || *c == 0x7f)
			return pa_error_set(PA_EPARSE, "oauth: a space or control character in the URL");
	while (*p && *p != ':')
		p++;
	scheme_len = (size_t)(p - url);
	if (strncmp(p, "://", 3) != 0)
		return pa_error_set(PA_EPARSE, "oauth: not an absolute URL: %s", url);
	if (scheme_len == 4 && !strncasecmp(url, "http", 4))
		https = false;
	else if (scheme_len == 5 && !strncasecmp(url, "https", 5))
		https = true;
	else
		return pa_error_set(PA_EPARSE, "oauth: not an http(s) URL: %s", url);
	auth = p + 3;
	path = auth + strcspn(auth, "/?#");
	if (memchr(auth, '@', (size_t)(path - auth)))
		return pa_error_set(PA_EPARSE, "oauth: a URL with user information");
	host = auth;
	if (*host == '[') {
		host_end = memchr(host, ']', (size_t)(path - host));
		if (!host_end)
			return pa_error_set(PA_EPARSE, "oauth: an IPv6 address without its ']'");
		host_end++;
	} else {
		host_end = memchr(host, ':', (size_t)(path - host));
		if (!host_end)
			host_end = path;
	}
	if (host_end == host)
		return pa_error_set(PA_EPARSE, "oauth: a URL without a host");
	port_end = path;
	if (host_end < path) {
		int64_t n = 0;
		char digits[8];
		size_t dlen;

		if (*host_end != ':')
			return pa_error_set(PA_EPARSE, "oauth: something after the host that is not a port");
		port = host_end + 1;
		dlen = (size_t)(port_end - port);
		if (dlen == 0) {
			port = NULL;  /* "host:" is the default port (RFC 3986 6.2.3) */
		} else {
			if (dlen >= sizeof(digits))
				return pa_error_set(PA_EPARSE, "oauth: a bad port in the URL");
			memcpy(digits, port, dlen);
			digits[dlen] = '\0';
			if (pa_parse_int64(&n, digits, 1, 65535) != 0 || digits[0] == '+' || digits[0] == '-')
				return pa_error_set(PA_EPARSE, "oauth: a bad port in the URL");
			if (n == (https ? 443 : 80))
				port = NULL;
		}
	}
	pa_buf_puts(out, https ? "https://" : "http://");
	for (const char *c = host; c < host_end; c++)
		pa_buf_putc(out, lower(*c));
	if (port) {
		pa_buf_putc(out, ':');
		pa_buf_put(out, port, (size_t)(port_end - port));
	}
	if (*path == '/')
		pa_buf_put(out, path, strcspn(path, "?#"));
	else
		pa_buf_putc(out, '/');
	return pa_buf_error(out);
}

typedef struct pair {
	char *name, *value;   /* encoded */
} pair;

static int pair_cmp(const void *a, const void *b)
{
	const pair *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : strcmp(x->value, y->value);
}

/* The normalized parameters (RFC 5849 3.4.1.3.2), appended to out. */
static int normalize(pa_buf *out, const pa_form *params)
{
	pair *pairs = NULL;
	size_t n = 0;
	int rc = 0;

	if (params->count && !(pairs = calloc(params->count, sizeof(*pairs))))
		return pa_error_set(PA_ENOMEM, "oauth: out of memory");
	for (size_t i = 0; i < params->count; i++) {
		pa_buf name = PA_BUF_INIT, value = PA_BUF_INIT;

		if (!strcmp(params->fields[i].name, "oauth_signature"))
			continue;
		pa_form_encode(&name, params->fields[i].name);
		pa_form_encode(&value, params->fields[i].value);
		pairs[n].name = pa_buf_detach(&name);
		pairs[n].value = pa_buf_detach(&value);
		pa_buf_dispose(&name);
		pa_buf_dispose(&value);
		if (!pairs[n].name || !pairs[n].value) {
			free(pairs[n].name);
			free(pairs[n].value);
			rc = pa_error_set(PA_ENOMEM, "oauth: out of memory");
			goto done;
		}
		n++;
	}
	if (n > 1)
		qsort(pairs, n, sizeof(*pairs), pair_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i)
			pa_buf_putc(out, '&');
		pa_buf_puts(out, pairs[i].name);
		pa_buf_putc(out, '=');
		pa_buf_puts(out, pairs[i].value);
	}
	rc = pa_buf_error(out);
done:
	for (size_t i = 0; i < n; i++) {
		free(pairs[i].name);
		free(pairs[i].value);
	}
	free(pairs);
	return rc;
}

int pa_oauth1_base_string(pa_buf *out, const char *method, const char *url, const pa_form *params)
{
	pa_buf part = PA_BUF_INIT, m = PA_BUF_INIT;
	int rc;

	for (const char *c = method; *c; c++)
		pa_buf_putc(&m, (*c >= 'a' && *c <= 'z') ? (char)(*c - 32) : *c);
	if ((rc = pa_buf_error(&m)) != 0 || (rc = pa_form_encode(out, pa_buf_cstr(&m))) != 0)
		goto done;
	pa_buf_putc(out, '&');
	if ((rc = pa_oauth1_base_uri(&part, url)) != 0 || (rc = pa_form_encode(out, pa_buf_cstr(&part))) != 0)
		goto done;
	pa_buf_putc(out, '&');
	pa_buf_clear(&part);
	if ((rc = normalize(&part, params)) != 0 || (rc = pa_form_encode(out, pa_buf_cstr(&part))) != 0)
		goto done;
	rc = pa_buf_error(out);
done:
	pa_buf_dispose(&part);
	pa_buf_dispose(&m);
	return rc;
}

static int put_base64(pa_buf *out, const unsigned char *data, size_t len)
{
	unsigned char text[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];

	if (len > EVP_MAX_MD_SIZE)
		return pa_error_set(PA_EINVAL, "oauth: digest too long");
	EVP_EncodeBlock(text, data, (int)len);
	return pa_buf_puts(out, (const char *)text);
}

int pa_oauth1_sign(pa_buf *out, const char *base, const char *consumer_secret, const char *token_secret)
{
	pa_buf key = PA_BUF_INIT;
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int mac_len = 0;
	int rc;

	pa_form_encode(&key, consumer_secret ? consumer_secret : "");
	pa_buf_putc(&key, '&');
	pa_form_encode(&key, token_secret ? token_secret : "");
	if ((rc = pa_buf_error(&key)) != 0)
		goto done;
	if (!HMAC(EVP_sha1(), key.ptr, (int)key.len, (const unsigned char *)base, strlen(base), mac, &mac_len)) {
		rc = pa_error_set(PA_ERROR, "oauth: HMAC-SHA1 failed");
		goto done;
	}
	rc = put_base64(out, mac, mac_len);
done:
	if (key.ptr)
		OPENSSL_cleanse(key.ptr, key.len);
	pa_buf_dispose(&key);
	return rc;
}

int pa_oauth1_verify(const char *method, const char *url, const pa_form *params, const char *consumer_secret,
		     const char *token_secret)
{
	pa_buf base = PA_BUF_INIT, expected = PA_BUF_INIT;
	const char *given = pa_form_get(params, "oauth_signature");
	int rc;

	if (!given || !*given)
		return pa_error_set(PA_EINVALID, "oauth: no oauth_signature");
	if ((rc = pa_oauth1_base_string(&base, method, url, params)) != 0 ||
	    (rc = pa_oauth1_sign(&expected, base.ptr, consumer_secret, token_secret)) != 0)
		goto done;
	if (!pa_secret_equal(expected.ptr, expected.len, given, strlen(given)))
		rc = pa_error_set(PA_EINVALID, "oauth: the signature does not match");
done:
	pa_buf_dispose(&base);
	pa_buf_dispose(&expected);
	return rc;
}

int pa_oauth1_body_hash(pa_buf *out, const void *body, size_t len)
{
	unsigned char md[SHA_DIGEST_LENGTH];

	SHA1(body ? body : (const void *)"", body ? len : 0, md);
	return put_base64(out, md, sizeof(md));
}

int pa_oauth1_authorization(pa_buf *out, const char *method, const char *url, const pa_oauth1_client *c)
{
	pa_form params = PA_FORM_INIT, query = PA_FORM_INIT;
	pa_buf base = PA_BUF_INIT, sig = PA_BUF_INIT;
	char nonce[33], stamp[24];
	const char *q;
	size_t qlen = 0;
	int rc;

	if (c->nonce) {
		snprintf(nonce, sizeof(nonce), "%s", c->nonce);
	} else {
		static const char hex[] = "0123456789abcdef";
		unsigned char raw[16];

		if (RAND_bytes(raw, sizeof(raw)) != 1)
			return pa_error_set(PA_ERROR, "oauth: no random bytes for a nonce");
		for (size_t i = 0; i < sizeof(raw); i++) {
			nonce[2 * i] = hex[raw[i] >> 4];
			nonce[2 * i + 1] = hex[raw[i] & 15];
		}
		nonce[32] = '\0';
	}
	snprintf(stamp, sizeof(stamp), "%lld", (long long)(c->timestamp ? c->timestamp : (int64_t)time(NULL)));
	if ((q = url_query(&qlen, url)) != NULL &&
	    ((rc = pa_form_parse(&query, q, qlen)) != 0 || (rc = form_add_all(&params, &query)) != 0))
		goto done;
	if ((c->body_hash && (rc = form_add(&params, "oauth_body_hash", c->body_hash)) != 0) ||
	    (rc = form_add(&params, "oauth_consumer_key", c->key)) != 0 ||
	    (rc = form_add(&params, "oauth_nonce", nonce)) != 0 ||
	    (rc = form_add(&params, "oauth_signature_method", "HMAC-SHA1")) != 0 ||
	    (rc = form_add(&params, "oauth_timestamp", stamp)) != 0 ||
	    (rc = form_add(&params, "oauth_version", "1.0")) != 0)
		goto done;
	if ((rc = pa_oauth1_base_string(&base, method, url, &params)) != 0 ||
	    (rc = pa_oauth1_sign(&sig, base.ptr, c->secret, NULL)) != 0)
		goto done;
	pa_buf_puts(out, "OAuth realm=\"\"");
	for (size_t i = query.count; i < params.count; i++) {
		pa_buf_printf(out, ",%s=\"", params.fields[i].name);
		pa_form_encode(out, params.fields[i].value);
		pa_buf_putc(out, '"');
	}
	pa_buf_puts(out, ",oauth_signature=\"");
	pa_form_encode(out, sig.ptr);
	pa_buf_putc(out, '"');
	rc = pa_buf_error(out);
done:
	pa_form_dispose(&params);
	pa_form_dispose(&query);
	pa_buf_dispose(&base);
	pa_buf_dispose(&sig);
	return rc;
}
