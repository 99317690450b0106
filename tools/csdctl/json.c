// SPDX-License-Identifier: GPL-2.0
/* Minimal streaming JSON writer for csdctl's --json output. */
#include <inttypes.h>
#include <math.h>

#include "json.h"

/*
 * Length of the well-formed UTF-8 sequence at @s (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0 if it is not one.
 */
static int utf8_len(const unsigned char *s)
{
	unsigned int cp, n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;	/* also stops at the terminating NUL */
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* A JSON string: escaped, and invalid UTF-8 replaced by U+FFFD. */
static void json_escaped(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	int n;

	fputc('"', f);
	while (*s) {
		if (*s == '"' || *s == '\\') {
			fprintf(f, "\\%c", *s++);
		} else if (*s < 0x20 || *s == 0x7f) {
			fprintf(f, "\\u%04x", *s++);
		} else {
			n = utf8_len(s);
			if (!n) {
				fputs("\\ufffd", f);
				s++;
			} else {
				fwrite(s, 1, n, f);
				s += n;
			}
		}
	}
	fputc('"', f);
}

static void json_key(struct json *j, const char *key)
{
	if (j->need_comma)
		fputc(',', j->f);
	j->need_comma = true;
	if (key) {
		json_escaped(j->f, key);
		fputc(':', j->f);
	}
}

void json_begin_object(struct json *j, const char *key)
{
	json_key(j, key);
	fputc('{', j->f);
	j->need_comma = false;
	j->depth++;
}

void json_end_object(struct json *j)
{
	fputc('}', j->f);
	j->need_comma = true;
	j->depth--;
}

void json_begin_array(struct json *j, const char *key)
{
	json_key(j, key);
	fputc('[', j->f);
	j->need_comma = false;
	j->depth++;
}

void json_end_array(struct json *j)
{
	fputc(']', j->f);
	j->need_comma = true;
	j->depth--;
}

void json_str(struct json *j, const char *key, const char *val)
{
	json_key(j, key);
	json_escaped(j->f, val);
}

void json_u64(struct json *j, const char *key, uint64_t val)
{
	json_key(j, key);
	fprintf(j->f, "%" PRIu64, val);
}

void json_i64(struct json *j, const char *key, int64_t val)
{
	json_key(j, key);
	fprintf(j->f, "%" PRId64, val);
}

void json_double(struct json *j, const char *key, double val)
{
	json_key(j, key);
	if (isfinite(val))
		fprintf(j->f, "%.10g", val);
	else
		fputs("null", j->f);
}

void json_null(struct json *j, const char *key)
{
	json_key(j, key);
	fputs("null", j->f);
}

void json_bool(struct json *j, const char *key, bool val)
{
	json_key(j, key);
	fputs(val ? "true" : "false", j->f);
}

void json_end(struct json *j)
{
	fputc('\n', j->f);
	j->need_comma = false;
}
