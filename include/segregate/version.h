/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SEGREGATE_VERSION_H
#define SEGREGATE_VERSION_H

#ifdef __cplusplus
extern "C" {
#endif

/**
 * seg_version - the library's version string ("0.1.0"); never NULL.
 */
const char *seg_version(void);

#ifdef __cplusplus
}
#endif
#endif
