/* SHA-512 (FIPS 180-4), only for deriving cnitool's container ID from the netns path. */
#ifndef CNITOOL_SHA512_H
#define CNITOOL_SHA512_H

#include <stddef.h>
#include <stdint.h>

#define SHA512_DIGEST_LENGTH 64

void sha512(const void *data, size_t len, uint8_t digest[SHA512_DIGEST_LENGTH]);

#endif
