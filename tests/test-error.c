/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>

#include "error-internal.h"
#include "context-internal.h"
#include "tap.h"

static int inner(seg_error **err)
{
	return seg_error_set_at(err, EINVAL, "topology.yaml", 12, 5, "unknown role '%s'", "wbe");
}

static int middle(seg_error **err)
{
	int r = inner(err);
	if (r < 0)
		return seg_error_wrap(err, r, "jail %s", "web1");
	return 0;
}

static int outer(seg_error **err)
{
	int r = middle(err);
	if (r < 0)
		return seg_error_wrap(err, r, "loading topology");
	return 0;
}

static void test_chain(void)
{
	seg_error *e = NULL;
	int r = outer(&e);

	is_int(r, -EINVAL, "chained failure returns -errno of the innermost error");
	ok(e != NULL, "error recorded");
	is_int(seg_error_errno(e), EINVAL, "errno kept through wrapping");
	is_str(seg_error_message(e), "loading topology: jail web1: topology.yaml:12:5: unknown role 'wbe'",
	       "context prepended outermost first, position before the message");
	is_str(seg_error_file(e), "topology.yaml", "file kept");
	is_int(seg_error_line(e), 12, "line kept");
	is_int(seg_error_column(e), 5, "column kept");
	ok(seg_error_free(e) == NULL, "free returns NULL");
}

static void test_first_error_wins(void)
{
	seg_error *e = NULL;

	seg_error_set(&e, ENOENT, "first");
	is_int(seg_error_set(&e, EPERM, "second"), -EPERM, "second set still returns its own -errno");
	is_str(seg_error_message(e), "first", "first error kept");
	is_int(seg_error_errno(e), ENOENT, "first errno kept");
	seg_error_free(e);
}

static void test_null_err(void)
{
	is_int(seg_error_set(NULL, EACCES, "x"), -EACCES, "NULL err: still returns -errno");
	is_int(seg_error_wrap(NULL, -EBUSY, "ctx"), -EBUSY, "wrap without error returns the code given");
	ok(seg_error_free(NULL) == NULL, "free(NULL) is fine");
	ok(seg_error_message(NULL) == NULL, "message(NULL) is NULL");
	is_int(seg_error_errno(NULL), 0, "errno(NULL) is 0");
}

static void test_line_only_and_bad_errno(void)
{
	seg_error *e = NULL;

	seg_error_set_at(&e, 0, "/etc/subuid", 3, 0, "malformed line");
	is_str(seg_error_message(e), "/etc/subuid:3: malformed line", "line without column");
	is_int(seg_error_errno(e), EIO, "errno 0 becomes EIO, never success");
	seg_error_free(e);
}

static void test_ctx(void)
{
	seg_ctx *ctx = NULL;
	seg_error *e = NULL;

	is_int(seg_ctx_new(&ctx, &e), 0, "context created");
	is_str(seg_ctx_get_nft_table(ctx), "segregate", "default table");
	is_int(seg_ctx_set_state_dir(ctx, "/tmp/x/", &e), 0, "state dir set");
	is_str(seg_ctx_get_lxcpath(ctx), "/tmp/x/jails", "lxcpath derived from state dir");
	is_int(seg_ctx_set_state_dir(ctx, "relative", &e), -EINVAL, "relative path refused");
	is_str(seg_error_message(e), "state directory 'relative' is not an absolute path",
	       "message names the offending value");
	e = seg_error_free(e);
	is_int(seg_ctx_set_nft_table(ctx, "Bad Name", &e), -EINVAL, "bad table name refused");
	is_str(seg_error_message(e), "nftables table name 'Bad Name' is invalid (1 to 31 of a-z 0-9 _ -)",
	       "message says what is valid");
	e = seg_error_free(e);
	is_int(seg_ctx_set_lxcpath(ctx, "/srv/jails", &e), 0, "explicit lxcpath");
	is_str(seg_ctx_get_lxcpath(ctx), "/srv/jails", "explicit lxcpath wins");
	ok(seg_ctx_free(ctx) == NULL, "ctx free returns NULL");
}

int main(void)
{
	test_chain();
	test_first_error_wins();
	test_null_err();
	test_line_only_and_bad_errno();
	test_ctx();
	return tap_done();
}
