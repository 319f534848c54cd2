/*
 * CSV for spreadsheets (RFC 4180): fields quoted when they hold a comma,
 * a quote, a line break or edge spaces, quotes doubled, rows ended by CRLF.
 *
 * Text from learners and LMSs goes into files instructors open in Excel
 * or LibreOffice, which run a cell starting with = + - @ (or a tab or a
 * carriage return) as a formula: such text is written with a leading '
 * so it stays text (OWASP's "CSV injection"). Numbers we format ourselves
 * go in as they are, negative ones included.
 */
#ifndef PA_CSV_H
#define PA_CSV_H

#include "common/buf.h"

/* UTF-8's byte order mark: what makes Excel read the file as UTF-8. */
#define PA_CSV_BOM "\xEF\xBB\xBF"

/* One field of untrusted text (NULL is an empty field), guarded and quoted as needed. */
int pa_csv_text(pa_buf *out, const char *value);

/* A row of text fields, comma separated, ended by CRLF. */
int pa_csv_row(pa_buf *out, const char *const *fields, size_t count);

#endif
