/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Integrity scans of a hostile tree, no privileges needed: SHA-256 known
 * answers, names that are shell code or contain newlines, symlinks out of
 * the tree, a directory swapped for a symlink, a FIFO, deep nesting; the
 * baseline format's round trip and its errors.
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "integrity.h"
#include "sha256.h"
#include "tap.h"

static char *sha(const void *data, size_t len, size_t repeat)
{
	static char hex[65];
	uint8_t d[32];
	seg_sha256 s;

	seg_sha256_init(&s);
	for (size_t i = 0; i < repeat; i++)
		seg_sha256_update(&s, data, len);
	seg_sha256_final(&s, d);
	seg_sha256_hex(d, hex);
	return hex;
}

static void test_sha256(void)
{
	is_str(sha("", 0, 1), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "sha256('')");
	is_str(sha("abc", 3, 1), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "sha256('abc')");
	is_str(sha("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, 1),
	       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", "sha256, 56 bytes (two blocks of padding)");
	is_str(sha("a", 1, 1000000), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", "sha256 of a million 'a', byte by byte");
}

struct seen {
	char text[4096];
	size_t n;
};

static void collect(void *ud, seg_integrity_change c, const char *path, const char *detail)
{
	struct seen *s = ud;

	s->n += (size_t)snprintf(s->text + s->n, sizeof(s->text) - s->n, "%s %s%s%s\n",
				 c == SEG_INTEGRITY_ADDED ? "added" : c == SEG_INTEGRITY_REMOVED ? "removed" : "changed",
				 path, detail ? " " : "", detail ? detail : "");
}

static const seg_integrity_entry *find(const seg_integrity_db *db, const char *path)
{
	for (size_t i = 0; i < db->n; i++)
		if (strcmp(db->v[i].path, path) == 0)
			return &db->v[i];
	return NULL;
}

static void put(int dfd, const char *name, const char *text, mode_t mode)
{
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0)
			tap_diag("write %s failed", name);
		fchmod(fd, mode);
		close(fd);
	}
}

int main(void)
{
	char dir[] = "/tmp/segt-integrity.XXXXXX";
	_cleanup_(seg_integrity_db_freep) seg_integrity_db *a = NULL, *b = NULL, *back = NULL;
	_cleanup_free_ char *text = NULL;
	seg_error *e = NULL;
	struct seen s = {};
	const seg_integrity_entry *x;
	int root, sub, r;

	test_sha256();
	if (!mkdtemp(dir))
		return 1;
	root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	mkdirat(root, "etc", 0755);
	sub = openat(root, "etc", O_RDONLY | O_DIRECTORY);
	put(sub, "passwd", "root:x:0:0::/root:/bin/sh\n", 0644);
	close(sub);
	put(root, "a\nb", "newline in the name\n", 0644);
	put(root, "$(touch segt-pwned);`reboot`", "shell code as a name\n", 0644);
	put(root, "-rf", "an option as a name\n", 0644);
	put(root, "with space%", "space and percent\n", 0644);
	put(root, "\xff\xfe", "not UTF-8\n", 0644);
	symlinkat("/etc/shadow", root, "evil");
	symlinkat("../../../../../../", root, "up");
	mkdirat(root, "d", 0755);
	sub = openat(root, "d", O_RDONLY | O_DIRECTORY);
	put(sub, "file", "inside d\n", 0644);
	close(sub);
	mkfifoat(root, "fifo", 0600);

	r = seg_integrity_scan(root, &a, &e);
	is_int(r, 0, "scan of a hostile tree");
	if (r < 0) {
		tap_diag("%s", seg_error_message(e));
		return tap_done();
	}
	ok(find(a, ".") && find(a, "etc/passwd") && find(a, "d/file"), "root, nested files recorded");
	ok(find(a, "a%0Ab") != NULL, "a newline in a name is escaped as %%0A");
	ok(find(a, "with%20space%25") != NULL, "space and percent escaped");
	ok(find(a, "%FF%FE") != NULL, "bytes that are not UTF-8 escaped");
	ok(find(a, "$(touch%20segt-pwned);`reboot`") != NULL, "shell code is a name like any other");
	ok(faccessat(root, "segt-pwned", F_OK, 0) != 0 && access("segt-pwned", F_OK) != 0, "and nothing ran it");
	x = find(a, "evil");
	ok(x && x->type == 'l' && strcmp(x->data, "/etc/shadow") == 0 && x->size == 11,
	   "a symlink out of the tree is recorded with its target, not followed");
	x = find(a, "up");
	ok(x && x->type == 'l', "a symlink to ../../.. is recorded as a link");
	ok(!find(a, "up/etc") && !find(a, "evil/x"), "nothing below the symlinks was walked");
	x = find(a, "fifo");
	ok(x && x->type == 'p', "a FIFO is recorded and did not block the scan");
	x = find(a, "etc/passwd");
	ok(x && x->type == 'f' && strcmp(x->data, sha("root:x:0:0::/root:/bin/sh\n", 26, 1)) == 0,
	   "file content hashed");

	is_int(seg_integrity_format(a, &text, &e), 0, "baseline formatted");
	ok(strncmp(text, "# segregate-integrity 1\n", 24) == 0, "with its header");
	{
		size_t lines = 0;
		for (const char *p = text; *p; p++)
			lines += *p == '\n';
		is_int(lines, a->n + 1, "one line per entry: no name broke a line");
	}
	is_int(seg_integrity_parse("t.db", text, &back, &e), 0, "baseline parsed back");
	is_int(seg_integrity_diff(a, back, NULL, NULL), 0, "round trip: no difference");

	/* the jail changes things */
	put(root, "-rf", "changed content!!!!\n", 0644);
	fchmodat(root, "etc/passwd", 04755, 0);
	put(root, "new", "planted\n", 0644);
	unlinkat(root, "with space%", 0);
	sub = openat(root, "d", O_RDONLY | O_DIRECTORY);
	unlinkat(sub, "file", 0);
	close(sub);
	unlinkat(root, "d", AT_REMOVEDIR);
	symlinkat("/", root, "d"); /* the directory swapped for a link to the host's root */
	unlinkat(root, "evil", 0);
	symlinkat("/etc/gshadow", root, "evil");

	is_int(seg_integrity_scan(root, &b, &e), 0, "second scan");
	ok(!find(b, "d/etc") && !find(b, "d/file"), "the swapped directory is not walked into the host");
	is_int(seg_integrity_diff(a, b, collect, &s), 7, "seven differences");
	{
		_cleanup_free_ char *copy = strdup(s.text);
		for (char *line = copy ? strtok(copy, "\n") : NULL; line; line = strtok(NULL, "\n"))
			tap_diag("%s", line);
	}
	ok(strstr(s.text, "changed -rf size 20->20, content\n") || strstr(s.text, "changed -rf content\n"),
	   "content change of '-rf' reported");
	ok(strstr(s.text, "changed etc/passwd mode 0644->4755\n") != NULL, "setuid bit added reported");
	ok(strstr(s.text, "added new\n") != NULL, "planted file reported");
	ok(strstr(s.text, "removed with%20space%25\n") != NULL, "removed file reported, escaped");
	ok(strstr(s.text, "changed d type d->l") != NULL, "directory replaced by a symlink reported");
	ok(strstr(s.text, "removed d/file\n") != NULL, "what was below it reported removed");
	ok(strstr(s.text, "changed evil size 11->12, target\n") != NULL, "symlink retargeted reported");

	/* bad baselines */
	back = seg_integrity_db_free(back);
	ok(seg_integrity_parse("t.db", "hello\n", &back, &e) == -EBADMSG, "a file that is not a baseline");
	is_str(seg_error_message(e), "t.db:1: not a segregate integrity baseline (expected '# segregate-integrity 1')", "error names the file and what was expected");
	e = seg_error_free(e);
	ok(seg_integrity_parse("t.db", "# segregate-integrity 1\n. d 0755 0 0 0 -\nx f 0644\n", &back, &e) == -EBADMSG,
	   "a malformed entry");
	is_str(seg_error_message(e), "t.db:3: malformed entry (expected 'PATH TYPE MODE UID GID SIZE DATA')", "error names the line");
	e = seg_error_free(e);
	ok(seg_integrity_parse("t.db", "# segregate-integrity 1\nb d 0755 0 0 0 -\na d 0755 0 0 0 -\n", &back, &e) == -EBADMSG,
	   "entries out of order");
	e = seg_error_free(e);

	/* nesting deeper than the walk allows is an error, not a stack overflow */
	{
		int fd = dup(root);
		seg_integrity_db *deep = NULL;
		for (int i = 0; i < SEG_INTEGRITY_MAX_DEPTH + 5; i++) {
			int nfd;
			mkdirat(fd, "n", 0755);
			nfd = openat(fd, "n", O_RDONLY | O_DIRECTORY);
			close(fd);
			fd = nfd;
		}
		close(fd);
		r = seg_integrity_scan(root, &deep, &e);
		is_int(r, -ELOOP, "a tree nested too deep is refused");
		seg_integrity_db_free(deep);
		e = seg_error_free(e);
	}
	close(root);
	{
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			tap_diag("could not remove %s", dir);
	}
	return tap_done();
}
