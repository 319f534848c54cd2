/*
 * One error enum for the whole program, plus a per-thread detail message
 * (in the manner of libgit2's git_error_set): functions return 0 or a
 * negative pa_error, and the caller asks pa_error_last() for the words.
 */
#ifndef PA_ERROR_H
#define PA_ERROR_H

#include <stdarg.h>

#if defined(__GNUC__) || defined(__clang__)
#define PA_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define PA_PRINTF(fmt, args)
#endif

typedef enum pa_error {
	PA_OK = 0,
	PA_ERROR = -1,     /* generic failure */
	PA_ENOMEM = -2,    /* out of memory */
	PA_EINVAL = -3,    /* invalid argument or usage */
	PA_EIO = -4,       /* reading or writing a file failed */
	PA_ENOTFOUND = -5, /* a file, key or element does not exist */
	PA_EPARSE = -6,    /* malformed input (JSON, GIFT, XML, numbers) */
	PA_ELIMIT = -7,    /* a configured limit was exceeded */
	PA_EUNSAFE = -8,   /* hostile input refused (path escape, bomb, entity) */
	PA_EINVALID = -9,  /* input is well-formed but breaks a rule */
	PA_EZIP = -10,     /* the zip archive is corrupt or cannot be written */
	PA_EEXISTS = -11   /* the target already exists */
} pa_error;

/* A short, static, human description of an error code. */
const char *pa_strerror(int code);

/*
 * Set the detail message of the calling thread and return code, so that
 * `return pa_error_set(PA_EPARSE, "...")` reads naturally.
 */
int pa_error_set(int code, const char *fmt, ...) PA_PRINTF(2, 3);
int pa_error_vset(int code, const char *fmt, va_list ap) PA_PRINTF(2, 0);

/* The detail message of the last error, or pa_strerror(code) if none. */
const char *pa_error_last(void);
int pa_error_last_code(void);
void pa_error_clear(void);

#endif
