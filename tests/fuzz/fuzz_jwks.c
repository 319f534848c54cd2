/*
 * lti/jwt on hostile key sets: a platform's JWKS (any JSON) against a
 * fixed token signed by jose (tests/fixtures/jwt/jose.jwt). pa_jwt_verify
 * must refuse or accept, never crash, leak or read out of bounds, and a
 * key set imported once (pa_jwt_keyset) must answer as the JSON does.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "lti/jwt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char token[] =
	"eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6InBsYXRmb3JtLWtleS0xIn0.eyJpc3MiOiJodHRwczovL2"
	"xtcy5leGFtcGxlLm9yZyIsImF1ZCI6ImNsaWVudC0xMjMiLCJzdWIiOiJsZWFybmVyLTciLCJub25jZSI6Im4tMDAw"
	"MSIsImlhdCI6MTc2NDAwMDAwMCwiZXhwIjo0MTAyNDQ0ODAwLCJodHRwczovL3B1cmwuaW1zZ2xvYmFsLm9yZy9zcG"
	"VjL2x0aS9jbGFpbS9tZXNzYWdlX3R5cGUiOiJMdGlSZXNvdXJjZUxpbmtSZXF1ZXN0IiwiaHR0cHM6Ly9wdXJsLmlt"
	"c2dsb2JhbC5vcmcvc3BlYy9sdGkvY2xhaW0vdmVyc2lvbiI6IjEuMy4wIiwibmFtZSI6IkFtw6lsaWUgTmRpYXllIn"
	"0.TpncHMxe7hbaNSOqdgBog0sTTPcBcJIsuenZ_1XEWD7OHCMBUWPRcD-Lqy8cOsLXTns8dtZPAm_srUSTXNznfqPE"
	"cDdDaBT34imoiMcn-0O08a-10oeY0AzSxEF2C7wzx6o_dHLdUsAcE_7YvN7suyo3T8iTFqypf6cKq_MGHIPX9Onr70"
	"ZyTdlOxwuNJyc9T0rg7bWZttiJ3ioX5wtBBf0gwJ4-6WfNYQUVZ7K0niHgfci9EraEb3j1XQ-Vp2QjN9S-QzTPyitK"
	"uqwu9np1_Cvc1xTsV-UkJaDMLyuUG6_kt7qrnlMXVqzsmoL7LazLgR3WSbp9V2LMy2UrR8bmhw";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *jwks = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	pa_jwt_keyset *ks = NULL;
	pa_jwt jwt, other;
	int rc, ks_rc;

	if (!jwks)
		return 0;
	rc = pa_jwt_verify(&jwt, token, jwks);
	if (rc == 0 && !json_is_object(jwt.claims))
		abort();
	if (pa_jwt_keyset_new(&ks, jwks) == 0) {
		ks_rc = pa_jwt_verify_keyset(&other, token, ks);
		if (ks_rc != rc)
			abort();
		pa_jwt_dispose(&other);
		pa_jwt_keyset_free(ks);
	}
	pa_jwt_dispose(&jwt);
	json_decref(jwks);
	return 0;
}
