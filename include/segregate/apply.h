/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SEGREGATE_APPLY_H
#define SEGREGATE_APPLY_H

#include <segregate/context.h>
#include <segregate/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Flags of seg_apply(). */
enum {
	SEG_APPLY_DRY_RUN = 1 << 0,  /* report what would change, change nothing */
	SEG_APPLY_DOWN = 1 << 1,     /* stop and remove every jail the file declares */
	SEG_APPLY_PRUNE = 1 << 2,    /* remove jails of this file it no longer declares */
	SEG_APPLY_RECREATE = 1 << 3, /* recreate jails whose rendered config changed */
	SEG_APPLY_NO_START = 1 << 4, /* create, but do not start */
};

/* What seg_apply() does (or, dry run, would do) to one jail or the network. */
typedef enum seg_apply_step {
	SEG_APPLY_STEP_CREATE,     /* new jail: allocated, rendered, installed */
	SEG_APPLY_STEP_START,      /* jail started, network connected */
	SEG_APPLY_STEP_DESTROY,    /* jail stopped and removed with all it owned */
	SEG_APPLY_STEP_RECREATE,   /* changed jail destroyed, then created again */
	SEG_APPLY_STEP_UNCHANGED,  /* already as declared */
	SEG_APPLY_STEP_CHANGED,    /* rendered config differs; kept until --recreate */
	SEG_APPLY_STEP_UNDECLARED, /* made from this file, no longer in it; kept until --prune */
	SEG_APPLY_STEP_NETWORK,    /* nftables elements changed (detail: their number) */
	SEG_APPLY_STEP_FAILED,     /* the step for this jail failed and was rolled back */
} seg_apply_step;

/*
 * seg_apply_progress_fn - called once per jail and step, in order, and once
 * for the network; jail is NULL for the network.  detail is a short text
 * (address and uid range, what changed, the error) or NULL.
 */
typedef void (*seg_apply_progress_fn)(void *userdata, const char *jail, seg_apply_step step,
				      const char *detail);

/**
 * seg_apply - makes the host match the topology file: creates the jails it
 * declares that do not exist, starts those not running, and syncs the
 * nftables table with its flows as element changes.  Idempotent: a second
 * run with the same file changes nothing (*ret_changes = 0).  Jails that
 * exist but were not made from this file are never touched (-EEXIST).
 * The registry stays locked for the whole run, so no other tool interleaves.
 * A failing step is rolled back by the jail's own transaction and reported
 * (SEG_APPLY_STEP_FAILED) before the error is returned.
 * Returns 0 or a negative errno; *ret_changes (optional) = number of jail
 * steps plus nftables element changes done (or, dry run, pending).
 */
int seg_apply(const seg_ctx *ctx, const char *topology, unsigned flags,
	      seg_apply_progress_fn progress, void *userdata, unsigned *ret_changes,
	      seg_error **err);

#ifdef __cplusplus
}
#endif
#endif
