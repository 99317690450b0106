// SPDX-License-Identifier: GPL-2.0
/*
 * json.c on the host (make check): exact output for valid UTF-8, invalid
 * bytes (a lone continuation, overlong forms, surrogates, a cut sequence,
 * bytes that never start one), control characters and escapes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static int fails;

static void expect(const char *in, const char *want)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json j = { .f = f };

	json_str(&j, NULL, in);
	fclose(f);
	if (strcmp(buf, want)) {
		printf("json_test: %s: got %s, want %s\n", in, buf, want);
		fails++;
	}
	free(buf);
}

int main(void)
{
	expect("plain", "\"plain\"");
	expect("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	expect("q\"b\\", "\"q\\\"b\\\\\"");
	expect("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"");
	expect("a\x80z", "\"a\\ufffdz\"");		/* lone continuation byte */
	expect("\xc0\xaf", "\"\\ufffd\\ufffd\"");		/* overlong '/' */
	expect("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"");	/* overlong, 3 bytes */
	expect("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");	/* surrogate U+D800 */
	expect("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");	/* > U+10FFFF */
	expect("\xe2\x82", "\"\\ufffd\\ufffd\"");		/* cut at the end */
	expect("\xff\xfe", "\"\\ufffd\\ufffd\"");
	printf("json_test: %s\n", fails ? "FAILED" : "ok");
	return fails ? 1 : 0;
}
