/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Capability names <-> numbers (libcap), in LXC's spelling ("net_bind_service"). */
#ifndef SEG_CAPS_H
#define SEG_CAPS_H

#include "error-internal.h"

/*
 * Parses "net_bind_service", "CAP_NET_BIND_SERVICE" or "cap_net_bind_service";
 * stores the canonical lower-case name without prefix (malloc'd) in *ret_name.
 * Returns the capability number, or -EINVAL (with a suggestion in *ret_hint,
 * static, or NULL) for names libcap does not know.
 */
int seg_cap_parse(const char *name, char **ret_name, const char **ret_hint);

/* Highest capability number libcap was built with. */
int seg_cap_last(void);

#endif
