/* The reference's names for chains and comments: sha512-based hashes, quoted comments. */
#ifndef FW_NAMES_H
#define FW_NAMES_H

#include <stddef.h>

/* prefix + hex(cni_sha512(text)), cut to length chars (MustFormatHashWithPrefix). */
void fw_hash_name(char *out, size_t length, const char *prefix, const char *text);
/* "CNI-" + prefix + hash(name + id), 28 chars (MustFormatChainNameWithPrefix). */
void fw_chain_name(char out[32], const char *network, const char *container_id, const char *prefix);
/* `name: "<network>" id: "<id>"` with Go's %q quoting (utils.FormatComment). */
void fw_format_comment(char *out, size_t size, const char *network, const char *container_id);
/* Go's strconv.Quote of s (ASCII: escapes ", \ and control bytes). */
void fw_go_quote(char *out, size_t size, const char *s);

#endif
