/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The validated model: roles (extends resolved) and topologies.  Built by
 * lib/profile.c (roles) and lib/spec.c (topologies) from YAML; consumed by
 * lib/plan.c and the renderers.  Everything here is a plain value: no
 * file handles, no host state.
 */
#ifndef SEG_SPEC_H
#define SEG_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <segregate/profile.h>
#include "plan.h"
#include "yaml-util.h"

/* One thing a role grants, with the reason the role file gives for it. */
typedef struct seg_grant {
	char *name;   /* capability "net_bind_service", group "@network-io", syscall, family */
	char *reason;
	char *origin; /* the role (or "topology") that granted it */
} seg_grant;

typedef struct seg_mount {
	char *source; /* absolute host path */
	char *target; /* absolute path inside the jail */
	bool writable;
	char *reason;
	char *origin;
} seg_mount;

typedef struct seg_sysctl {
	char *name;   /* net.ipv4.ip_unprivileged_port_start: network/IPC namespaced only */
	char *value;
	char *reason;
	char *origin;
} seg_sysctl;

/* 0 means "not set": the renderer then uses the SEG_DEFAULT_* value. */
typedef struct seg_limits {
	uint64_t memory;     /* bytes */
	uint64_t pids;
	uint64_t nofile;
	uint64_t cpu_weight; /* 1..10000, 100 is the default share */
} seg_limits;

#define SEG_DEFAULT_MEMORY (256ULL << 20)
#define SEG_DEFAULT_PIDS 256
#define SEG_DEFAULT_NOFILE 1024
#define SEG_DEFAULT_CPU_WEIGHT 100

typedef struct seg_grants {
	seg_grant *v;
	size_t n;
} seg_grants;

struct seg_role {
	char *name;
	char *description;
	char *extends;   /* direct parent, informational once resolved */
	char *init;      /* lxc.init.cmd, NULL: the default */
	bool shared;     /* a shared service ("*" may be a flow source towards it) */
	seg_grants caps, groups, syscalls, families;
	seg_mount *mounts;
	size_t n_mounts;
	seg_sysctl *sysctls;
	size_t n_sysctls;
	seg_limits limits;
};

typedef struct seg_topo_jail {
	char *name;
	char *role_name;
	seg_role *role;  /* resolved role with the jail's overrides applied */
	char *base;      /* "host" or "dir:/path" */
	char *pkgdir;    /* or NULL */
	bool egress;
	unsigned line, column;
} seg_topo_jail;

/* Indexes below refer to seg_topology.jails; SEG_PLAN_ANY is "*". */
typedef struct seg_topo_flow {
	size_t from, to;
	uint8_t proto;
	uint16_t port;
} seg_topo_flow;

struct seg_topology {
	char *file;
	uint32_t pool;   /* host byte order */
	uint8_t prefix;
	uint32_t uid_base;
	seg_topo_jail *jails;
	size_t n_jails;
	seg_topo_flow *flows;
	size_t n_flows;
	seg_plan_ingress *ingress;
	size_t n_ingress;
	seg_plan_egress *egress;
	size_t n_egress;
	seg_plan_hostsvc *host_services;
	size_t n_host_services;
};

/* profile.c: role bodies (shared by role files and topology jail overrides) */
extern const char *const seg_role_body_keys[];
int seg_role_parse_body(const seg_ydoc *d, const seg_ynode *map, const char *origin,
			seg_role *r, seg_error **err);
/* Appends src's grants, mounts, sysctls to dst; set limits/init of src override. */
int seg_role_merge(seg_role *dst, const seg_role *src);
void seg_role_done(seg_role *r);
int seg_role_dup(const seg_role *src, seg_role **ret);
bool seg_role_has_grant(const seg_grants *g, const char *name);

/* Base specifications: "host" or "dir:/absolute/path". */
bool seg_base_valid(const char *base);
/* Absolute path without "..", "//" pieces, whitespace or control characters. */
bool seg_path_valid(const char *path);

static inline void seg_topology_freep(seg_topology **t)
{
	seg_topology_free(*t);
}
static inline void seg_role_freep(seg_role **r)
{
	seg_role_free(*r);
}

#endif
