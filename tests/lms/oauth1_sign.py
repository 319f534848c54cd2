#!/usr/bin/python3
"""OAuth 1.0a for the test LMS, through python3-oauthlib (an implementation
independent of Passerelle's). One JSON request on stdin, one JSON answer on
stdout:

  {"op": "sign", "url": ..., "key": ..., "secret": ..., "params": [[name, value], ...],
   "timestamp": "..." (optional), "nonce": "..." (optional)}
    -> {"params": [[name, value], ...]}   the form to post, oauth_* included

  {"op": "verify", "method": "POST", "url": ..., "authorization": ...,
   "body": ..., "secrets": {key: secret}}
    -> {"ok": true, "key": ...} or {"ok": false, "error": ...}
   (a Basic Outcomes request: the signature over the URL and the
   Authorization header, the body through oauth_body_hash)
"""
import base64
import hashlib
import hmac
import json
import sys

from oauthlib.oauth1 import Client, SIGNATURE_HMAC_SHA1, SIGNATURE_TYPE_BODY
from oauthlib.common import urldecode
from oauthlib.oauth1.rfc5849 import signature, utils


def sign(req):
    client = Client(req["key"], client_secret=req["secret"], signature_method=SIGNATURE_HMAC_SHA1,
                    signature_type=SIGNATURE_TYPE_BODY, timestamp=req.get("timestamp"), nonce=req.get("nonce"))
    _, _, body = client.sign(req["url"], http_method="POST", body=[tuple(p) for p in req["params"]],
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    return {"params": [[k, v] for k, v in urldecode(body)]}


def verify(req):
    auth = req.get("authorization") or ""
    if not auth.lower().startswith("oauth "):
        return {"ok": False, "error": "no OAuth Authorization header"}
    header = {k: utils.unescape(v) for k, v in utils.parse_authorization_header(auth)}
    key = header.get("oauth_consumer_key")
    secret = req["secrets"].get(key)
    if secret is None:
        return {"ok": False, "error": "unknown consumer key %r" % key}
    if header.get("oauth_signature_method") != "HMAC-SHA1":
        return {"ok": False, "error": "not HMAC-SHA1"}
    body = req.get("body", "").encode("utf-8")
    expected_hash = base64.b64encode(hashlib.sha1(body).digest()).decode()
    if header.get("oauth_body_hash") != expected_hash:
        return {"ok": False, "error": "oauth_body_hash does not match the body"}
    uri_query = req["url"].partition("?")[2]
    params = signature.collect_parameters(uri_query=uri_query, headers={"Authorization": auth},
                                          exclude_oauth_signature=True, with_realm=False)
    base = signature.signature_base_string(req.get("method", "POST"), signature.base_string_uri(req["url"]),
                                           signature.normalize_parameters(params))
    expected = signature.sign_hmac_sha1(base, secret, "")
    if not hmac.compare_digest(expected, header.get("oauth_signature", "")):
        return {"ok": False, "error": "the signature does not match"}
    return {"ok": True, "key": key, "nonce": header.get("oauth_nonce"), "timestamp": header.get("oauth_timestamp")}


def main():
    req = json.load(sys.stdin)
    out = sign(req) if req["op"] == "sign" else verify(req)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
