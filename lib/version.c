/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"
#include <segregate/version.h>
#include "macro.h"

SEG_PUBLIC const char *seg_version(void)
{
	return PACKAGE_VERSION;
}
