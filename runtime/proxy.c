#include "runtime/proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/util.h"

/* Text to address; IPv4-mapped IPv6 folded to IPv4. */
static bool parse_ip(int *family, unsigned char addr[16], const char *text)
{
	struct in6_addr a6;

	if (inet_pton(AF_INET, text, addr) == 1) {
		*family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, text, &a6) == 1) {
		if (IN6_IS_ADDR_V4MAPPED(&a6)) {
			*family = AF_INET;
			memcpy(addr, a6.s6_addr + 12, 4);
		} else {
			*family = AF_INET6;
			memcpy(addr, a6.s6_addr, 16);
		}
		return true;
	}
	return false;
}

static int add_net(pa_proxies *out, const char *entry)
{
	char text[64];
	const char *slash = strchr(entry, '/');
	size_t len = slash ? (size_t)(slash - entry) : strlen(entry);
	pa_proxy_net *net;
	int64_t bits;

	if (len >= sizeof(text))
		return pa_error_set(PA_EPARSE, "trusted_proxies: '%s' is not an address", entry);
	memcpy(text, entry, len);
	text[len] = '\0';
	if (!(net = pa_array_push(&out->nets, &out->count, sizeof(*net))))
		return PA_ENOMEM;
	if (!parse_ip(&net->family, net->addr, text)) {
		out->count--;
		return pa_error_set(PA_EPARSE, "trusted_proxies: '%s' is not an address", entry);
	}
	net->bits = net->family == AF_INET ? 32 : 128;
	if (slash) {
		if (pa_parse_int64(&bits, slash + 1, 0, net->bits) != 0) {
			out->count--;
			return pa_error_set(PA_EPARSE, "trusted_proxies: '%s' has a bad prefix length", entry);
		}
		net->bits = (unsigned)bits;
	}
	return 0;
}

int pa_proxies_parse(pa_proxies *out, const char *spec)
{
	pa_buf entry = PA_BUF_INIT;
	const char *p = spec ? spec : "";
	int rc = 0;

	memset(out, 0, sizeof(*out));
	while (*p && !rc) {
		size_t n;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		n = strcspn(p, ", \t");
		if (!n)
			break;
		pa_buf_clear(&entry);
		if ((rc = pa_buf_put(&entry, p, n)) == 0)
			rc = add_net(out, entry.ptr);
		p += n;
	}
	pa_buf_dispose(&entry);
	if (rc)
		pa_proxies_dispose(out);
	return rc;
}

void pa_proxies_dispose(pa_proxies *p)
{
	if (!p)
		return;
	free(p->nets);
	p->nets = NULL;
	p->count = 0;
}

static bool in_net(const pa_proxy_net *n, int family, const unsigned char *addr)
{
	unsigned full = n->bits / 8, rest = n->bits % 8;

	if (n->family != family)
		return false;
	if (memcmp(n->addr, addr, full) != 0)
		return false;
	if (rest) {
		unsigned char mask = (unsigned char)(0xff << (8 - rest));

		return (n->addr[full] & mask) == (addr[full] & mask);
	}
	return true;
}

static bool trust(const pa_proxies *p, int family, const unsigned char *addr)
{
	for (size_t i = 0; p && i < p->count; i++) {
		if (in_net(&p->nets[i], family, addr))
			return true;
	}
	return false;
}

static bool from_sockaddr(int *family, unsigned char addr[16], const struct sockaddr *sa)
{
	if (!sa)
		return false;
	if (sa->sa_family == AF_INET) {
		*family = AF_INET;
		memcpy(addr, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a6 = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;

		if (IN6_IS_ADDR_V4MAPPED(a6)) {
			*family = AF_INET;
			memcpy(addr, a6->s6_addr + 12, 4);
		} else {
			*family = AF_INET6;
			memcpy(addr, a6->s6_addr, 16);
		}
		return true;
	}
	return false;
}

bool pa_proxies_trust(const pa_proxies *p, const struct sockaddr *sa)
{
	unsigned char addr[16];
	int family;

	return from_sockaddr(&family, addr, sa) && trust(p, family, addr);
}

bool pa_proxies_trust_text(const pa_proxies *p, const char *ip)
{
	unsigned char addr[16];
	int family;

	return parse_ip(&family, addr, ip) && trust(p, family, addr);
}

static void addr_text(char *out, size_t size, int family, const unsigned char *addr)
{
	if (!inet_ntop(family, addr, out, (socklen_t)size))
		snprintf(out, size, "unknown");
}

/* A host[:port] safe to put in a URL: letters, digits, '.', '-', ':' and IPv6 brackets. */
static bool host_ok(const char *h, size_t len)
{
	if (!len || len >= 256)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = h[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == ':' || c == '[' || c == ']'))
			return false;
	}
	return true;
}

/* The first element of a comma-separated header, trimmed. */
static size_t first_element(const char **start, const char *value)
{
	const char *p = value, *end;

	while (*p == ' ' || *p == '\t')
		p++;
	end = p + strcspn(p, ",");
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*start = p;
	return (size_t)(end - p);
}

void pa_forwarded_resolve(pa_forwarded *out, const pa_proxies *trusted, const struct sockaddr *peer,
			  const char *xff, const char *xfp, const char *xfh, const char *host)
{
	unsigned char addr[16];
	int family = 0;
	const char *h = NULL;
	size_t hlen = 0;

	memset(out, 0, sizeof(*out));
	snprintf(out->scheme, sizeof(out->scheme), "http");
	if (from_sockaddr(&family, addr, peer))
		addr_text(out->client, sizeof(out->client), family, addr);
	else
		snprintf(out->client, sizeof(out->client), "unknown");
	if (host)
		hlen = first_element(&h, host);

	if (family && trust(trusted, family, addr)) {
		out->proxied = true;
		/* Right to left: the first hop that is not a trusted proxy is the client. */
		if (xff) {
			size_t end = strlen(xff);

			while (end > 0) {
				size_t start = end;
				char ip[64];
				unsigned char a[16];
				int f;
				size_t s, e;

				while (start > 0 && xff[start - 1] != ',')
					start--;
				for (s = start; s < end && (xff[s] == ' ' || xff[s] == '\t'); s++)
					;
				for (e = end; e > s && (xff[e - 1] == ' ' || xff[e - 1] == '\t'); e--)
					;
				end = start ? start - 1 : 0;
				if (e - s == 0 || e - s >= sizeof(ip))
					break;
				memcpy(ip, xff + s, e - s);
				ip[e - s] = '\0';
				if (!parse_ip(&f, a, ip))
					break;
				addr_text(out->client, sizeof(out->client), f, a);
				if (!trust(trusted, f, a))
					break;
			}
		}
		if (xfp) {
			const char *p;
			size_t n = first_element(&p, xfp);

			if (n == 5 && strncasecmp(p, "https", 5) == 0)
				snprintf(out->scheme, sizeof(out->scheme), "https");
			else if (n == 4 && strncasecmp(p, "http", 4) == 0)
				snprintf(out->scheme, sizeof(out->scheme), "http");
		}
		if (xfh) {
			const char *p;
			size_t n = first_element(&p, xfh);

			if (host_ok(p, n)) {
				h = p;
				hlen = n;
			}
		}
	}
	if (h && host_ok(h, hlen)) {
		memcpy(out->host, h, hlen);
		out->host[hlen] = '\0';
	}
}
