/*
 * lti/jwt on hostile tokens: pa_jwt_peek_kid and pa_jwt_verify against a
 * fixed key set (tests/fixtures/jwt/jwks.json) must refuse or accept,
 * never crash, leak or read out of bounds. A token that verifies must
 * carry RS256 and an object of claims.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lti/jwt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char jwks_text[] =
	"{\"keys\":[{\"kty\":\"RSA\",\"n\":\"u9898aB1mvF6y_enLU6XbDxx6iwooJRD3FkIevUlm3V_-kwRvJwdFaFABGLJumn"
	"qL3Jxu27cv_0kGsJjPzpXwcezsPFoIc6js5g-FspyC9P0xWFy2nrzJA8Ot2hDHVvgNro-bJrLATAc3wugEg0LAKX9e"
	"mcxU-6eRwRDXaHpK4P7xWSEt-uQnLAK36bF_5rt9NGMSVntQ3w3_t-M5jmWfN0YTdIKO0zTDErfsUH4iEtbS6Tp-AI"
	"ycQhUT0nTnu9eXUXi9l9kc_TRUFUTPEzHaC5Cb1K7L2LfXCb9qoBvqwAvVX-LyJ1Cpy9cBvShnSGDqhGREXrz_4SCQ"
	"_XRhRVyCQ\",\"e\":\"AQAB\",\"kid\":\"platform-key-1\",\"alg\":\"RS256\",\"use\":\"enc\"},{\"kty\":\"RSA\",\"n\":\""
	"u9898aB1mvF6y_enLU6XbDxx6iwooJRD3FkIevUlm3V_-kwRvJwdFaFABGLJumnqL3Jxu27cv_0kGsJjPzpXwcezsP"
	"FoIc6js5g-FspyC9P0xWFy2nrzJA8Ot2hDHVvgNro-bJrLATAc3wugEg0LAKX9emcxU-6eRwRDXaHpK4P7xWSEt-uQ"
	"nLAK36bF_5rt9NGMSVntQ3w3_t-M5jmWfN0YTdIKO0zTDErfsUH4iEtbS6Tp-AIycQhUT0nTnu9eXUXi9l9kc_TRUF"
	"UTPEzHaC5Cb1K7L2LfXCb9qoBvqwAvVX-LyJ1Cpy9cBvShnSGDqhGREXrz_4SCQ_XRhRVyCQ\",\"e\":\"AQAB\",\"kid\""
	":\"platform-key-0\",\"alg\":\"RS256\",\"use\":\"sig\"},{\"kty\":\"RSA\",\"n\":\"qo6ZiSaEdtOfH0C0qxJUTR7Qdvx"
	"i-PrOoYm6_eIL5EupWtvmsay-dscKlce_HjxMZFbwFW2hzxKm0qh9HKbPXeRyYONTWs9yelnYEuGtBQQEORTJvILjp"
	"gdPLx57BrNY88ih5AK04N-ZKOGw2hg38AgfU47D28vr8eX_cWiBosY5Cid8ZSNugmoacTYnZtyiYMeURSbx2lJ1Sy9"
	"pDcZcfacgUQmWS5wF_NgzLxWAxWOhr15KdbHeArQQwKBTi67zbAaBgZdL4wcfn7cDDgyEp4icdvSN6TPJMnY1lcpLK"
	"zMWx--bkce5ssuwQKL5MhS2tHIJmM6iv7qQBatboa-W2w\",\"e\":\"AQAB\",\"kid\":\"platform-key-1\",\"alg\":\"RS"
	"256\",\"use\":\"sig\"}]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static json_t *jwks;
	char *token, *kid = NULL;
	pa_jwt jwt;

	if (!jwks && !(jwks = json_loads(jwks_text, 0, NULL)))
		abort();
	if (!(token = malloc(size + 1)))
		return 0;
	memcpy(token, data, size);
	token[size] = '\0';
	if (pa_jwt_peek_kid(&kid, token) == 0)
		free(kid);
	if (pa_jwt_verify(&jwt, token, jwks) == 0) {
		if (!json_is_object(jwt.claims) ||
		    strcmp(json_string_value(json_object_get(jwt.header, "alg")), "RS256") != 0)
			abort();
		pa_jwt_dispose(&jwt);
	} else if (jwt.header || jwt.claims) {
		abort();
	}
	free(token);
	return 0;
}
