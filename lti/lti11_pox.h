/*
 * The XML of LTI 1.1 Basic Outcomes (IMS POX, imsx_POXEnvelope): the
 * replaceResult request we send, and the status of the consumer's answer.
 * Private to lti/ (and its tests).
 */
#ifndef PA_LTI_LTI11_POX_H
#define PA_LTI_LTI11_POX_H

#include <stddef.h>

#include "common/buf.h"

/* The largest answer we read. */
#define PA_POX_MAX_ANSWER ((size_t)64 * 1024)

/*
 * A replaceResultRequest envelope for sourcedid with score (0.0 to 1.0,
 * written with a '.' whatever the locale, at most 4 decimals).
 * PA_EINVAL for a score outside [0, 1] or not a number.
 */
int pa_lti11_pox_replace(pa_buf *out, const char *message_id, const char *sourcedid, double score);

/*
 * The imsx_codeMajor ("success", "processing", "failure", "unsupported")
 * and imsx_description (may be empty) of an imsx_POXEnvelopeResponse.
 * Read with libxml2 from memory only: no network, and a document with a
 * DTD (where entities live) is refused (PA_EUNSAFE). PA_EPARSE when it is
 * not XML, or not a POX answer.
 */
int pa_lti11_pox_status(char *major, size_t major_size, pa_buf *description, const char *xml, size_t len);

#endif
