/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SHA-256 (FIPS 180-4), for integrity baselines: no crypto library needed. */
#ifndef SEG_SHA256_H
#define SEG_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct seg_sha256 {
	uint32_t h[8];
	uint64_t len;
	uint8_t buf[64];
	size_t n;
} seg_sha256;

void seg_sha256_init(seg_sha256 *s);
void seg_sha256_update(seg_sha256 *s, const void *data, size_t len);
void seg_sha256_final(seg_sha256 *s, uint8_t out[32]);
/* out: 64 lowercase hex digits and a NUL. */
void seg_sha256_hex(const uint8_t digest[32], char out[65]);

#endif
