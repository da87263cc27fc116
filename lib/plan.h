/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The plan: what the host must look like for a topology, computed purely
 * from the spec (lib/spec.h) and the registry's current allocations.  A plan
 * is a value: the same inputs give byte-identical renders.  This header is
 * the contract between the pure core (profile, spec, plan, render) and the
 * modules that apply it (jail, rtnl, nft).
 *
 * On-disk layout of one jail, all below the context's lxcpath:
 *   LXCPATH/NAME/config     the rendered LXC config (lxcconf)
 *   LXCPATH/NAME/seccomp    the rendered seccomp policy, LXC v2 text format
 *   LXCPATH/NAME/rootfs/    the jail's own small writable tree: mount points
 *                           for the shared read-only base, a generated /etc,
 *                           /var, /home, /root (idmapped: idmap=container)
 *   LXCPATH/NAME/console.log  console log, outside the jail's reach
 * The registry lives in STATE_DIR/registry (lib/registry.h).
 */
#ifndef SEG_PLAN_H
#define SEG_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <segregate/context.h>

#define SEG_NAME_MAX 31                    /* jail names: [a-z0-9][a-z0-9-]{0,30} */
#define SEG_IDS_PER_JAIL 65536u            /* uids (and as many gids) per jail */
#define SEG_DEFAULT_UID_BASE 268435456u    /* 0x10000000: jail N owns 0x100N0000.. */
#define SEG_DEFAULT_POOL 0x7fc80000u       /* 127.200.0.0 */
#define SEG_DEFAULT_POOL_PREFIX 16
#define SEG_FIRST_INDEX 2                  /* .0 is the pool, .1 the gateway */
#define SEG_PLAN_ANY ((size_t)-1)          /* "any jail" where a flow allows it */

typedef struct seg_role seg_role; /* resolved role (extends applied), lib/spec.h */

/* An allocation the registry already holds: plan keeps it stable. */
typedef struct seg_alloc {
	char name[SEG_NAME_MAX + 1];
	uint32_t index;
} seg_alloc;

typedef struct seg_plan_jail {
	char name[SEG_NAME_MAX + 1];
	char role_name[SEG_NAME_MAX + 1];
	const seg_role *role;      /* owned by the plan; overrides of the topology applied */
	uint32_t index;            /* >= SEG_FIRST_INDEX, unique in the pool */
	uint32_t addr;             /* host byte order: pool + index */
	uint32_t uid_base;         /* first host uid (and gid) of the jail's range */
	uint32_t uid_count;        /* SEG_IDS_PER_JAIL */
	char veth[16];             /* host-side veth name, <= 15 chars (IFNAMSIZ) */
	char *base;                /* "host" or "dir:/path" (shared read-only base) */
	char *pkgdir;              /* host dir mounted read-only as the package cache, or NULL */
	bool egress;               /* may leave the host: default route, masquerade */
} seg_plan_jail;

/* A declared flow between two jails, with "*" sources already expanded. */
typedef struct seg_plan_flow {
	size_t from, to;           /* indexes into seg_plan.jails */
	uint8_t proto;             /* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t port;
} seg_plan_flow;

/* Host port DNAT'd to a jail (the WAF). */
typedef struct seg_plan_ingress {
	uint16_t host_port;
	uint8_t proto;
	size_t to;
	uint16_t port;
} seg_plan_ingress;

/* A jail allowed out of the host; port 0 means every port. */
typedef struct seg_plan_egress {
	size_t from;
	uint8_t proto;
	uint16_t port;
} seg_plan_egress;

/* A service of the host itself a jail may reach (input chain). */
typedef struct seg_plan_hostsvc {
	size_t from;               /* or SEG_PLAN_ANY */
	uint8_t proto;
	uint16_t port;
} seg_plan_hostsvc;

typedef struct seg_plan {
	uint32_t pool;             /* host byte order */
	uint8_t prefix;
	uint32_t gateway;          /* pool + 1: host side of every veth */
	uint32_t uid_base;
	seg_plan_jail *jails;      /* sorted by index */
	size_t n_jails;
	seg_plan_flow *flows;
	size_t n_flows;
	seg_plan_ingress *ingress;
	size_t n_ingress;
	seg_plan_egress *egress;
	size_t n_egress;
	seg_plan_hostsvc *host_services;
	size_t n_host_services;
} seg_plan;

seg_plan *seg_plan_free(seg_plan *plan);
static inline void seg_plan_freep(seg_plan **p)
{
	seg_plan_free(*p);
}

/* Looks a jail up by name; NULL if the plan has none. */
const seg_plan_jail *seg_plan_find_jail(const seg_plan *plan, const char *name);

/* "127.200.0.2" for addr (host byte order); buf at least 16 bytes. */
const char *seg_addr_to_string(uint32_t addr, char buf[static 16]);

/* Validates a jail name: [a-z0-9][a-z0-9-]{0,30}. */
bool seg_jail_name_valid(const char *name);

typedef struct seg_topology seg_topology; /* lib/spec.h */

/*
 * seg_plan_build - the plan for TOPO given the registry's ALLOCS.  Names
 * present in ALLOCS keep their index; new jails get the lowest free index
 * >= SEG_FIRST_INDEX not in ALLOCS (ALLOCS may hold jails the topology no
 * longer has: their indexes stay reserved).  addr = pool + index; uid_base =
 * topology uid base + index * 65536.  Fails with -ENOSPC when the pool or
 * the uid space is exhausted, -EINVAL for inconsistent ALLOCS.
 *
 * veth names: "seg-NAME" when that fits in 15 characters; otherwise
 * "seg-" + the first 6 characters of NAME + "-" + 4 hex digits of the
 * FNV-1a hash of NAME (folded to 16 bits), e.g. "seg-applic-3f2a".  On a
 * collision the hex number is incremented; jails already in ALLOCS are
 * named first, so an existing jail's veth never changes.
 */
int seg_plan_build(const seg_ctx *ctx, const seg_topology *topo, const seg_alloc *allocs,
		   size_t n_allocs, seg_plan **ret, seg_error **err);

/*
 * seg_plan_max_index - the largest index a pool of PREFIX bits and a uid
 * base leave room for: the pool's last address stays unused, and the last
 * jail's ids end at or below 0xFFFF0000 (ids near (uid_t)-1 are invalid).
 */
uint32_t seg_plan_max_index(uint8_t prefix, uint32_t uid_base);

#endif
