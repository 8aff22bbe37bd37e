/* SHA-512 (FIPS 180-4): the reference's hashed names (chains, IFBs) and cnitool's container IDs. */
#ifndef CNI_SHA512_H
#define CNI_SHA512_H

#include <stddef.h>
#include <stdint.h>

#define CNI_SHA512_LEN 64

void cni_sha512(const void *data, size_t len, uint8_t out[64]);

#endif
