// SPDX-License-Identifier: GPL-2.0
/* Minimal streaming JSON writer for csdctl's --json output. */
#include <inttypes.h>
#include <math.h>

#include "json.h"

static void json_key(struct json *j, const char *key)
{
	if (j->need_comma)
		fputc(',', j->f);
	j->need_comma = true;
	if (key)
		fprintf(j->f, "\"%s\":", key);
}

static void json_escaped(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
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
