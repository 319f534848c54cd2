/*
 * What a client controls in a request: the Range, If-None-Match and
 * X-Forwarded-* headers, and (from the operator) trusted_proxies. The
 * input is split at newlines into those fields.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "runtime/http.h"
#include "runtime/proxy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pa_buf copy = PA_BUF_INIT;
	char *field[6] = { 0 };
	struct sockaddr_in peer = { 0 };
	pa_proxies proxies;
	pa_forwarded fw;
	uint64_t start = 0, len = 0;
	size_t n = 0;

	if (pa_buf_put(&copy, data, size) != 0 || memchr(copy.ptr ? copy.ptr : "", '\0', copy.len))
		goto done;
	for (char *p = copy.ptr; p && n < 6; n++) {
		field[n] = p;
		if ((p = strchr(p, '\n')) != NULL)
			*p++ = '\0';
	}
	for (size_t i = 0; i < 6; i++) {
		if (!field[i])
			field[i] = "";
	}
	if (pa_http_range(&start, &len, field[0], 1000) == PA_RANGE_PARTIAL && (len == 0 || start + len > 1000))
		abort();
	pa_http_etag_match(field[1], "\"1-2-3\"");
	if (pa_proxies_parse(&proxies, field[2]) == 0) {
		peer.sin_family = AF_INET;
		peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		pa_forwarded_resolve(&fw, &proxies, (struct sockaddr *)&peer, field[3], field[4], field[5], field[5]);
		if (!memchr(fw.client, '\0', sizeof(fw.client)) || !memchr(fw.host, '\0', sizeof(fw.host)))
			abort();
		pa_proxies_dispose(&proxies);
	}
	pa_http_mime(field[0]);
done:
	pa_buf_dispose(&copy);
	return 0;
}
