/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A classic-BPF interpreter for seccomp programs, so tests can ask what an
 * exported filter answers for a given (arch, nr, args) without loading it.
 */
#ifndef SEG_TEST_SECCOMP_BPF_H
#define SEG_TEST_SECCOMP_BPF_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "render.h"

typedef struct bpf_prog {
	struct sock_filter *insns;
	size_t n;
} bpf_prog;

/* Exports FILTER (a scmp_filter_ctx) into PROG; 0 or -errno. */
static inline int bpf_export(void *filter, bpf_prog *prog)
{
	int fd = memfd_create("bpf", MFD_CLOEXEC);
	off_t len;

	if (fd < 0)
		return -errno;
	if (seg_seccomp_export_bpf(filter, fd, NULL) < 0 || (len = lseek(fd, 0, SEEK_END)) <= 0 ||
	    len % sizeof(struct sock_filter)) {
		close(fd);
		return -EIO;
	}
	prog->n = (size_t)len / sizeof(struct sock_filter);
	prog->insns = malloc((size_t)len);
	if (!prog->insns || pread(fd, prog->insns, (size_t)len, 0) != len) {
		close(fd);
		return -EIO;
	}
	close(fd);
	return 0;
}

/* Runs PROG on DATA; returns the SECCOMP_RET_* value, or 0xdeadbeef on a bad program. */
static inline uint32_t bpf_run(const bpf_prog *prog, const struct seccomp_data *data)
{
	uint32_t A = 0, X = 0, M[BPF_MEMWORDS] = { 0 };
	const uint8_t *d = (const uint8_t *)data;

	for (size_t pc = 0; pc < prog->n; pc++) {
		const struct sock_filter *i = &prog->insns[pc];
		uint32_t k = i->k, src = BPF_SRC(i->code) == BPF_X ? X : k;

		switch (BPF_CLASS(i->code)) {
		case BPF_LD:
			if (BPF_MODE(i->code) == BPF_ABS && BPF_SIZE(i->code) == BPF_W &&
			    k + 4 <= sizeof(*data))
				memcpy(&A, d + k, 4);
			else if (BPF_MODE(i->code) == BPF_IMM)
				A = k;
			else if (BPF_MODE(i->code) == BPF_MEM && k < BPF_MEMWORDS)
				A = M[k];
			else
				return 0xdeadbeef;
			break;
		case BPF_LDX:
			if (BPF_MODE(i->code) == BPF_IMM)
				X = k;
			else if (BPF_MODE(i->code) == BPF_MEM && k < BPF_MEMWORDS)
				X = M[k];
			else
				return 0xdeadbeef;
			break;
		case BPF_ST:
			if (k >= BPF_MEMWORDS)
				return 0xdeadbeef;
			M[k] = A;
			break;
		case BPF_STX:
			if (k >= BPF_MEMWORDS)
				return 0xdeadbeef;
			M[k] = X;
			break;
		case BPF_ALU:
			switch (BPF_OP(i->code)) {
			case BPF_ADD: A += src; break;
			case BPF_SUB: A -= src; break;
			case BPF_MUL: A *= src; break;
			case BPF_DIV: if (!src) return 0xdeadbeef; A /= src; break;
			case BPF_AND: A &= src; break;
			case BPF_OR: A |= src; break;
			case BPF_XOR: A ^= src; break;
			case BPF_LSH: A <<= src; break;
			case BPF_RSH: A >>= src; break;
			case BPF_NEG: A = -A; break;
			default: return 0xdeadbeef;
			}
			break;
		case BPF_JMP: {
			bool t;
			switch (BPF_OP(i->code)) {
			case BPF_JA: pc += k; continue;
			case BPF_JEQ: t = A == src; break;
			case BPF_JGT: t = A > src; break;
			case BPF_JGE: t = A >= src; break;
			case BPF_JSET: t = (A & src) != 0; break;
			default: return 0xdeadbeef;
			}
			pc += t ? i->jt : i->jf;
			break;
		}
		case BPF_RET:
			return BPF_RVAL(i->code) == BPF_A ? A : k;
		case BPF_MISC:
			if (BPF_MISCOP(i->code) == BPF_TAX)
				X = A;
			else
				A = X;
			break;
		default:
			return 0xdeadbeef;
		}
	}
	return 0xdeadbeef;
}

/* The kernel's answer for stacked filters: the most restrictive action wins. */
static inline uint32_t bpf_stack(uint32_t a, uint32_t b)
{
	int32_t pa = (int32_t)(a & SECCOMP_RET_ACTION_FULL), pb = (int32_t)(b & SECCOMP_RET_ACTION_FULL);
	return pa < pb ? a : b;
}

#endif
