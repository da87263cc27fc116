/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* seg_jail_list: a snapshot of the registry joined with liblxc's view. */
#include <fcntl.h>
#include <string.h>

#include "error-internal.h"
#include "jail-internal.h"
#include "jail-lxc.h"
#include "tree.h"

typedef struct jail_row {
	seg_registry_entry e;
	char state[16];
	char addr[16];
	uint64_t pid;
	uint64_t disk;
} jail_row;

struct seg_jail_info {
	jail_row *rows;
	size_t n;
};

SEG_PUBLIC seg_jail_info *seg_jail_info_free(seg_jail_info *info)
{
	if (!info)
		return NULL;
	for (size_t i = 0; i < info->n; i++) {
		free(info->rows[i].e.base);
		free(info->rows[i].e.topology);
	}
	free(info->rows);
	free(info);
	return NULL;
}
DEFINE_TRIVIAL_CLEANUP_FUNC(seg_jail_info *, seg_jail_info_free)

SEG_PUBLIC int seg_jail_list(const seg_ctx *ctx, seg_jail_info **ret, seg_error **err)
{
	_cleanup_(seg_registry_freep) seg_registry *reg = NULL;
	_cleanup_(seg_jail_info_freep) seg_jail_info *info = NULL;
	_cleanup_close_ int lxc = -1;
	int r;

	if (!ctx || !ret)
		return seg_error_set(err, EINVAL, "seg_jail_list: ctx and ret are required");
	if ((r = seg_registry_open(ctx, SEG_REGISTRY_SHARED, &reg, err)) < 0)
		return r;
	if (!(info = calloc(1, sizeof(*info))) ||
	    (seg_registry_count(reg) &&
	     !(info->rows = calloc(seg_registry_count(reg), sizeof(*info->rows)))))
		return seg_error_set(err, ENOMEM, "out of memory");
	lxc = open(seg_ctx_get_lxcpath(ctx), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (size_t i = 0; i < seg_registry_count(reg); i++) {
		const seg_registry_entry *e = seg_registry_get(reg, i);
		jail_row *row = &info->rows[i];
		pid_t pid = 0;

		row->e = *e;
		row->e.base = row->e.topology = NULL;
		info->n++;
		if (!(row->e.base = strdup(e->base)) ||
		    (e->topology && !(row->e.topology = strdup(e->topology))))
			return seg_error_set(err, ENOMEM, "out of memory");
		seg_addr_to_string(e->addr, row->addr);
		/* a jail whose files vanished or were tampered with is listed, not hidden */
		if (seg_jail_check_owned(ctx, reg, e->name, NULL) < 0)
			snprintf(row->state, sizeof(row->state), "BROKEN");
		else if (seg_lxc_status(ctx, e->name, row->state, &pid, NULL) < 0)
			snprintf(row->state, sizeof(row->state), "UNKNOWN");
		row->pid = (uint64_t)pid;
		if (lxc >= 0 && seg_tree_disk_usage(lxc, e->name, &row->disk, NULL) < 0)
			row->disk = 0;
	}
	*ret = TAKE_PTR(info);
	return 0;
}

SEG_PUBLIC size_t seg_jail_info_count(const seg_jail_info *info)
{
	return info ? info->n : 0;
}

SEG_PUBLIC const char *seg_jail_info_get_str(const seg_jail_info *info, size_t i,
					     seg_jail_attr attr)
{
	const jail_row *row;

	if (!info || i >= info->n)
		return NULL;
	row = &info->rows[i];
	switch (attr) {
	case SEG_JAIL_ATTR_NAME:
		return row->e.name;
	case SEG_JAIL_ATTR_ROLE:
		return row->e.role;
	case SEG_JAIL_ATTR_STATE:
		return row->state;
	case SEG_JAIL_ATTR_ADDRESS:
		return row->addr;
	case SEG_JAIL_ATTR_VETH:
		return row->e.veth;
	case SEG_JAIL_ATTR_BASE:
		return row->e.base;
	case SEG_JAIL_ATTR_TOPOLOGY:
		return row->e.topology;
	default:
		return NULL;
	}
}

SEG_PUBLIC uint64_t seg_jail_info_get_u64(const seg_jail_info *info, size_t i,
					  seg_jail_attr attr)
{
	const jail_row *row;

	if (!info || i >= info->n)
		return 0;
	row = &info->rows[i];
	switch (attr) {
	case SEG_JAIL_ATTR_INDEX:
		return row->e.index;
	case SEG_JAIL_ATTR_UID_BASE:
		return row->e.uid_base;
	case SEG_JAIL_ATTR_UID_COUNT:
		return row->e.uid_count;
	case SEG_JAIL_ATTR_PID:
		return row->pid;
	case SEG_JAIL_ATTR_DISK:
		return row->disk;
	case SEG_JAIL_ATTR_CREATED:
		return (uint64_t)row->e.created;
	default:
		return 0;
	}
}
