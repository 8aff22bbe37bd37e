/* SHA-512 (FIPS 180-4), for the reference's hashed chain names and comments. */
#ifndef FW_SHA512_H
#define FW_SHA512_H

#include <stddef.h>
#include <stdint.h>

void fw_sha512(const void *data, size_t len, uint8_t out[64]);

#endif
