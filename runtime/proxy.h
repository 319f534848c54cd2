/*
 * Behind a reverse proxy (nginx terminating TLS), the TCP peer is the
 * proxy; the learner's address, scheme and host come in X-Forwarded-For,
 * -Proto and -Host. Those headers are believed only from the addresses of
 * trusted_proxies: anyone else could write them.
 */
#ifndef PA_PROXY_H
#define PA_PROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

typedef struct pa_proxy_net {
	int family;               /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	unsigned bits;            /* prefix length */
} pa_proxy_net;

typedef struct pa_proxies {
	pa_proxy_net *nets;
	size_t count;
} pa_proxies;

/* "127.0.0.1, 10.0.0.0/8, ::1, fd00::/8" (empty: none). PA_EPARSE names a bad entry. */
int pa_proxies_parse(pa_proxies *out, const char *spec);
void pa_proxies_dispose(pa_proxies *p);

/* Is the address (sockaddr, or text) in one of the trusted networks?
 * IPv4-mapped IPv6 addresses count as IPv4. */
bool pa_proxies_trust(const pa_proxies *p, const struct sockaddr *sa);
bool pa_proxies_trust_text(const pa_proxies *p, const char *ip);

typedef struct pa_forwarded {
	char client[64];   /* the learner's address, as text */
	char scheme[8];    /* "http" or "https" */
	char host[256];    /* host[:port] to build URLs with; "" if none valid */
	bool proxied;      /* the headers were believed */
} pa_forwarded;

/*
 * Who asked, over what, for which host. peer is the TCP peer; xff, xfp,
 * xfh the X-Forwarded-* header values and host the Host header (each may
 * be NULL). From a trusted peer, the client is the rightmost address of
 * X-Forwarded-For that is not itself a trusted proxy.
 */
void pa_forwarded_resolve(pa_forwarded *out, const pa_proxies *trusted, const struct sockaddr *peer,
			  const char *xff, const char *xfp, const char *xfh, const char *host);

#endif
