/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libsegregate: split a server's services into hardened LXC jails. */
#ifndef SEGREGATE_SEGREGATE_H
#define SEGREGATE_SEGREGATE_H

#include <segregate/version.h>
#include <segregate/error.h>
#include <segregate/context.h>
#include <segregate/profile.h>
#include <segregate/jail.h>
#include <segregate/net.h>
#include <segregate/apply.h>
#include <segregate/integrity.h>

#endif
