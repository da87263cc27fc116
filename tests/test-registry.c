/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The registry: strict parsing with file:line, atomic commits, and 16
 * writers at once never handing out the same index, address or range. */
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "error-internal.h"
#include "registry.h"
#include "tap.h"

#define GOOD "segregate-registry 1\n" \
	"# jail NAME INDEX ROLE BASE TOPOLOGY VETH ADDR UID_BASE UID_COUNT CREATED\n" \
	"jail web1 2 web host - seg-web1 127.200.0.2 268566528 65536 1700000000\n" \
	"jail db 3 db dir:/srv/base /etc/segregate/topo.yaml seg-db 127.200.0.3 268632064 65536 1700000001\n"

static char tmpdir[] = "/tmp/test-registry.XXXXXX";

static void test_roundtrip(void)
{
	seg_registry_entry *v = NULL;
	_cleanup_free_ char *out = NULL;
	size_t n = 0;
	seg_error *e = NULL;

	is_int(seg_registry_parse("registry", GOOD, &v, &n, &e), 0, "good registry parses");
	is_int(n, 2, "two entries");
	if (n == 2) {
		is_str(v[0].name, "web1", "first entry sorted by index");
		is_int(v[1].addr, 0x7fc80003, "address parsed");
		ok(v[0].topology == NULL, "'-' topology is NULL");
		is_str(v[1].topology, "/etc/segregate/topo.yaml", "topology path kept");
		is_str(v[1].base, "dir:/srv/base", "base kept");
	}
	is_int(seg_registry_format(v, n, &out, &e), 0, "formats");
	is_str(out, GOOD, "format(parse(x)) == x");
	seg_registry_entries_free(v, n);
	seg_error_free(e);
}

static void bad(const char *text, const char *want, const char *what)
{
	seg_registry_entry *v = NULL;
	size_t n = 0;
	seg_error *e = NULL;
	int r = seg_registry_parse("/s/registry", text, &v, &n, &e);

	ok(r < 0 && v == NULL, "rejected: %s", what);
	is_str(e ? seg_error_message(e) : NULL, want, what);
	seg_error_free(e);
}

static void test_corrupt(void)
{
	bad("jail web1 2 web host - seg-web1 127.200.0.2 268566528 65536 1\n",
	    "/s/registry:1: expected 'segregate-registry 1'", "missing header");
	bad("segregate-registry 7\n", "/s/registry:1: registry version 7 not supported (this is 1)",
	    "future version");
	bad("segregate-registry 1\njail web1 2 web host\n",
	    "/s/registry:2: expected 'jail NAME INDEX ROLE BASE TOPOLOGY VETH ADDR UID_BASE UID_COUNT "
	    "CREATED'",
	    "too few fields");
	bad("segregate-registry 1\njail web1 2 web host - seg-web1 127.200.0.2 268566528 65536 1 x\n",
	    "/s/registry:2: expected 'jail NAME INDEX ROLE BASE TOPOLOGY VETH ADDR UID_BASE UID_COUNT "
	    "CREATED'",
	    "too many fields");
	bad("segregate-registry 1\njail ../x 2 web host - seg-x 127.200.0.2 268566528 65536 1\n",
	    "/s/registry:2: invalid jail name '../x'", "path in a name");
	bad("segregate-registry 1\njail web1 02 web host - seg-web1 127.200.0.2 268566528 65536 1\n",
	    "/s/registry:2: invalid index '02'", "leading zero");
	bad("segregate-registry 1\njail web1 2 web host - seg-web1 127.200.0.300 268566528 65536 1\n",
	    "/s/registry:2: invalid address '127.200.0.300' (dotted IPv4)", "bad address");
	bad("segregate-registry 1\njail web1 2 web elsewhere - seg-web1 127.200.0.2 268566528 65536 1\n",
	    "/s/registry:2: invalid base 'elsewhere' (host or dir:/PATH)", "bad base");
	bad("segregate-registry 1\njail web1 2 web host - seg-web1 127.200.0.2 268566528 65536 1",
	    "/s/registry:2: truncated file: last line has no newline", "truncated");
	bad("segregate-registry 1\n"
	    "jail a 2 web host - seg-a 127.200.0.2 268566528 65536 1\n"
	    "\n"
	    "jail b 2 web host - seg-b 127.200.0.3 268632064 65536 1\n",
	    "/s/registry:4: jail 'b' has the same index as jail 'a'", "duplicate index");
	bad("segregate-registry 1\n"
	    "jail a 2 web host - seg-a 127.200.0.2 268566528 65536 1\n"
	    "jail b 3 web host - seg-b 127.200.0.3 268600000 65536 1\n",
	    "/s/registry:3: jail 'b' has the same uid range as jail 'a'", "overlapping uid ranges");
	bad("segregate-registry 1\njail web1  2 web host - seg-web1 127.200.0.2 268566528 65536\n",
	    "/s/registry:2: empty field 3 (fields are separated by one space)", "two spaces");
}

static seg_registry_entry entry_for(const char *name, uint32_t index)
{
	seg_registry_entry e = { .index = index,
				 .base = (char *)"host",
				 .addr = SEG_DEFAULT_POOL + index,
				 .uid_base = SEG_DEFAULT_UID_BASE + index * SEG_IDS_PER_JAIL,
				 .uid_count = SEG_IDS_PER_JAIL,
				 .created = 1 };

	snprintf(e.name, sizeof(e.name), "%s", name);
	snprintf(e.role, sizeof(e.role), "web");
	snprintf(e.veth, sizeof(e.veth), "seg-%s", name);
	return e;
}

static seg_ctx *ctx_at(const char *dir)
{
	seg_ctx *ctx = NULL;

	if (seg_ctx_new(&ctx, NULL) < 0 || seg_ctx_set_state_dir(ctx, dir, NULL) < 0)
		abort();
	return ctx;
}

static void test_files(void)
{
	_cleanup_free_ char *state = NULL, *path = NULL;
	_cleanup_ctx_ seg_ctx *ctx = NULL;
	seg_registry *reg = NULL;
	seg_registry_entry a = entry_for("web1", 2), b = entry_for("web2", 2);
	seg_error *e = NULL;
	seg_alloc *allocs = NULL;
	size_t n = 0;
	struct stat st;

	if (asprintf(&state, "%s/state", tmpdir) < 0 || asprintf(&path, "%s/registry", state) < 0)
		abort();
	ctx = ctx_at(state);
	is_int(seg_registry_open(ctx, SEG_REGISTRY_SHARED, &reg, &e), 0,
	       "shared open of a missing state dir is an empty registry");
	is_int(reg ? seg_registry_count(reg) : 99, 0, "empty");
	is_int(seg_registry_add(reg, &a, NULL), -EPERM, "no change without the exclusive lock");
	reg = seg_registry_free(reg);

	is_int(seg_registry_open(ctx, SEG_REGISTRY_EXCLUSIVE, &reg, &e), 0,
	       "exclusive open of a missing state dir without CREATE: empty");
	is_int(seg_registry_add(reg, &a, NULL), -EPERM, "which cannot change");
	ok(stat(state, &st) < 0, "and the state dir was not made");
	reg = seg_registry_free(reg);
	is_int(seg_registry_open(ctx, SEG_REGISTRY_EXCLUSIVE | SEG_REGISTRY_CREATE, &reg, &e), 0,
	       "exclusive open with CREATE makes the state dir");
	is_int(seg_registry_add(reg, &a, &e), 0, "add web1");
	is_int(seg_registry_add(reg, &b, &e), -EEXIST, "same index refused");
	is_str(e ? seg_error_message(e) : NULL,
	       "jail 'web2' would have the same index as jail 'web1'", "clash named");
	e = seg_error_free(e);
	b = entry_for("web1", 3);
	is_int(seg_registry_add(reg, &b, NULL), -EEXIST, "same name refused");
	b = entry_for("web2", 3);
	is_int(seg_registry_add(reg, &b, &e), 0, "add web2");
	ok(stat(path, &st) < 0, "nothing on disk before commit");
	is_int(seg_registry_commit(reg, &e), 0, "commit");
	reg = seg_registry_free(reg);

	is_int(seg_registry_open(ctx, SEG_REGISTRY_SHARED, &reg, &e), 0, "reopen");
	is_int(seg_registry_count(reg), 2, "both entries read back");
	ok(seg_registry_find(reg, "web2") && seg_registry_find(reg, "web2")->index == 3, "find web2");
	is_int(seg_registry_allocs(reg, &allocs, &n, &e), 0, "allocs");
	ok(n == 2 && strcmp(allocs[0].name, "web1") == 0 && allocs[1].index == 3,
	   "allocs give name and index");
	free(allocs);
	reg = seg_registry_free(reg);

	is_int(seg_registry_open(ctx, SEG_REGISTRY_EXCLUSIVE, &reg, &e), 0, "reopen exclusive");
	is_int(seg_registry_remove(reg, "web1", &e), 0, "remove web1");
	is_int(seg_registry_remove(reg, "web1", NULL), -ENOENT, "remove twice: ENOENT");
	is_int(seg_registry_commit(reg, &e), 0, "commit removal");
	reg = seg_registry_free(reg);
	is_int(seg_registry_open(ctx, SEG_REGISTRY_SHARED, &reg, &e), 0, "reopen");
	ok(reg && seg_registry_count(reg) == 1 && !seg_registry_find(reg, "web1"), "web1 gone");
	reg = seg_registry_free(reg);

	/* corruption on disk is reported with the file's path and line */
	{
		FILE *f = fopen(path, "a");
		fputs("jail broken\n", f);
		fclose(f);
	}
	is_int(seg_registry_open(ctx, SEG_REGISTRY_SHARED, &reg, &e), -EBADMSG,
	       "corrupt registry refused");
	ok(e && strstr(seg_error_message(e), "/registry:4: expected 'jail NAME"),
	   "message names file:line (%s)", e ? seg_error_message(e) : "");
	e = seg_error_free(e);
	unlink(path);
	seg_error_free(e);
}

/* One writer: lock, re-read, take the lowest free index, commit. */
static int writer(const char *state, int id)
{
	_cleanup_ctx_ seg_ctx *ctx = ctx_at(state);
	_cleanup_(seg_registry_freep) seg_registry *reg = NULL;
	seg_registry_entry e;
	char name[32];
	uint32_t idx = SEG_FIRST_INDEX;

	if (seg_registry_open(ctx, SEG_REGISTRY_EXCLUSIVE | SEG_REGISTRY_CREATE, &reg, NULL) < 0)
		return 1;
	for (size_t i = 0; i < seg_registry_count(reg); i++)
		if (seg_registry_get(reg, i)->index == idx)
			idx++; /* entries are sorted by index */
	/* widen the race window: without the lock, everyone would pick the same index */
	usleep(2000);
	snprintf(name, sizeof(name), "j%d", id);
	e = entry_for(name, idx);
	if (seg_registry_add(reg, &e, NULL) < 0 || seg_registry_commit(reg, NULL) < 0)
		return 2;
	return 0;
}

static void test_concurrency(void)
{
	_cleanup_free_ char *state = NULL;
	_cleanup_ctx_ seg_ctx *ctx = NULL;
	seg_registry *reg = NULL;
	seg_error *e = NULL;
	pid_t pids[16], reader;
	int failed = 0, status;
	bool distinct = true;

	if (asprintf(&state, "%s/conc", tmpdir) < 0)
		abort();
	ctx = ctx_at(state);
	/* a reader that parses the registry in a loop: it must never see a torn file */
	reader = fork();
	if (reader == 0) {
		for (int i = 0; i < 400; i++) {
			seg_registry *r = NULL;
			if (seg_registry_open(ctx, SEG_REGISTRY_SHARED, &r, NULL) < 0)
				_exit(1);
			seg_registry_free(r);
			usleep(500);
		}
		_exit(0);
	}
	for (int i = 0; i < 16; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(writer(state, i));
	}
	for (int i = 0; i < 16; i++)
		if (waitpid(pids[i], &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			failed++;
	is_int(failed, 0, "16 concurrent writers succeed");
	ok(waitpid(reader, &status, 0) == reader && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "a concurrent reader always parsed a whole registry");
	is_int(seg_registry_open(ctx, SEG_REGISTRY_SHARED, &reg, &e), 0, "registry parses afterwards");
	is_int(reg ? seg_registry_count(reg) : 0, 16, "16 entries");
	for (size_t i = 0; reg && i < seg_registry_count(reg); i++)
		for (size_t j = i + 1; j < seg_registry_count(reg); j++)
			if (seg_registry_get(reg, i)->index == seg_registry_get(reg, j)->index ||
			    seg_registry_get(reg, i)->addr == seg_registry_get(reg, j)->addr ||
			    seg_registry_get(reg, i)->uid_base == seg_registry_get(reg, j)->uid_base)
				distinct = false;
	ok(distinct, "indexes, addresses and uid ranges all distinct");
	seg_registry_free(reg);
	seg_error_free(e);
}

static void test_lock_held(void)
{
	_cleanup_free_ char *state = NULL, *lock = NULL;
	_cleanup_ctx_ seg_ctx *ctx = NULL;
	seg_registry *reg = NULL;
	int fd;

	if (asprintf(&state, "%s/lock", tmpdir) < 0 || asprintf(&lock, "%s/registry.lock", state) < 0)
		abort();
	ctx = ctx_at(state);
	is_int(seg_registry_open(ctx, SEG_REGISTRY_EXCLUSIVE | SEG_REGISTRY_CREATE, &reg, NULL), 0, "exclusive open");
	fd = open(lock, O_RDWR | O_CLOEXEC);
	ok(fd >= 0 && flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK,
	   "the lock is held while the registry is open");
	seg_registry_free(reg);
	ok(flock(fd, LOCK_EX | LOCK_NB) == 0, "and released by free");
	close(fd);
}

int main(void)
{
	if (!mkdtemp(tmpdir))
		return 1;
	test_roundtrip();
	test_corrupt();
	test_files();
	test_lock_held();
	test_concurrency();
	{
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			tap_diag("could not remove %s", tmpdir);
	}
	return tap_done();
}
