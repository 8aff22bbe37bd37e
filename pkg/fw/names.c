/* The reference's names for chains and comments: sha512-based hashes, quoted comments. */
#include <stdio.h>
#include <string.h>

#include "fw/names.h"
#include "cni/sha512.h"

void fw_hash_name(char *out, size_t length, const char *prefix, const char *text)
{
	uint8_t digest[64];
	size_t n = strlen(prefix);

	cni_sha512(text, strlen(text), digest);
	memcpy(out, prefix, n);
	for (size_t i = 0; n < length; i++) {
		char two[3];

		snprintf(two, sizeof(two), "%02x", digest[i]);
		out[n++] = two[0];
		if (n < length)
			out[n++] = two[1];
	}
	out[length] = '\0';
}

void fw_chain_name(char out[32], const char *network, const char *container_id, const char *prefix)
{
	char full_prefix[16], text[1024];

	snprintf(full_prefix, sizeof(full_prefix), "CNI-%s", prefix);
	snprintf(text, sizeof(text), "%s%s", network, container_id);
	fw_hash_name(out, 28, full_prefix, text);
}

void fw_go_quote(char *out, size_t size, const char *s)
{
	size_t n = 0;

	if (size < 3)
		return;
	out[n++] = '"';
	for (; *s && n + 6 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			out[n++] = '\\';
			out[n++] = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			n += (size_t)snprintf(out + n, size - n, "\\x%02x", c);
		} else {
			out[n++] = (char)c;
		}
	}
	out[n++] = '"';
	out[n] = '\0';
}

void fw_format_comment(char *out, size_t size, const char *network, const char *container_id)
{
	char qn[512], qi[512];

	fw_go_quote(qn, sizeof(qn), network);
	fw_go_quote(qi, sizeof(qi), container_id);
	snprintf(out, size, "name: %s id: %s", qn, qi);
}
