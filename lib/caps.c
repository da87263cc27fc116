/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <string.h>
#include <sys/capability.h>

#include "caps.h"
#include "yaml-util.h"

int seg_cap_last(void)
{
	return CAP_LAST_CAP;
}

int seg_cap_parse(const char *name, char **ret_name, const char **ret_hint)
{
	_cleanup_free_ char *low = NULL, *full = NULL;
	size_t best_d = SIZE_MAX;
	cap_value_t v;

	if (ret_hint)
		*ret_hint = NULL;
	if (!name || !*name || strlen(name) > 40)
		return -EINVAL;
	if (strncasecmp(name, "cap_", 4) == 0)
		name += 4;
	if (!(low = strdup(name)))
		return -ENOMEM;
	for (char *p = low; *p; p++) {
		if (!isalnum((unsigned char)*p) && *p != '_')
			return -EINVAL;
		*p = (char)tolower((unsigned char)*p);
	}
	if (asprintf(&full, "cap_%s", low) < 0)
		return -ENOMEM;
	/* cap_from_name() also accepts numbers: profiles must use names */
	if (!isdigit((unsigned char)low[0]) && cap_from_name(full, &v) == 0 && v >= 0 &&
	    v <= CAP_LAST_CAP) {
		*ret_name = TAKE_PTR(low);
		return (int)v;
	}
	if (ret_hint && !isdigit((unsigned char)low[0])) {
		/* cap_to_name() returns static-like allocated strings; keep a
		 * pointer into a static table instead, so the hint can outlive us */
		static const char *const names[] = {
			"chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill",
			"setgid", "setuid", "setpcap", "linux_immutable", "net_bind_service",
			"net_broadcast", "net_admin", "net_raw", "ipc_lock", "ipc_owner",
			"sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct",
			"sys_admin", "sys_boot", "sys_nice", "sys_resource", "sys_time",
			"sys_tty_config", "mknod", "lease", "audit_write", "audit_control",
			"setfcap", "mac_override", "mac_admin", "syslog", "wake_alarm",
			"block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore",
		};
		for (size_t i = 0; i < ELEMENTSOF(names); i++) {
			size_t d = seg_edit_distance(low, names[i]);
			if (d < best_d)
				best_d = d, *ret_hint = names[i];
		}
		if (best_d > 3)
			*ret_hint = NULL;
	}
	return -EINVAL;
}
