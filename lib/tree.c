/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "error-internal.h"
#include "registry.h"
#include "tree.h"

#define TREE_MAX_DEPTH 400 /* deeper trees are refused, not walked with ever more fds */

static void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

int seg_tree_open_dir(int dirfd, const char *relpath, bool create, seg_error **err)
{
	_cleanup_free_ char *copy = strdup(relpath);
	_cleanup_close_ int cur = -1;
	char *save = NULL;

	if (!copy)
		return seg_error_set(err, ENOMEM, "out of memory");
	cur = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0)
		return seg_error_set(err, errno, "opening directory: %m");
	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		int next;

		if (strcmp(c, ".") == 0)
			continue;
		if (strcmp(c, "..") == 0)
			return seg_error_set(err, EINVAL, "path '%s' contains '..'", relpath);
		next = openat(cur, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOENT && create) {
			if (mkdirat(cur, c, 0755) < 0 && errno != EEXIST)
				return seg_error_set(err, errno, "creating '%s' of '%s': %m", c, relpath);
			next = openat(cur, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (next < 0) {
			if (errno == ELOOP || errno == ENOTDIR)
				return seg_error_set(err, ELOOP,
						     "'%s' in '%s' is a symlink or not a directory; "
						     "refusing to follow it",
						     c, relpath);
			return seg_error_set(err, errno, "opening '%s' of '%s': %m", c, relpath);
		}
		close(cur);
		cur = next;
	}
	return TAKE_FD(cur);
}

/* Walks DIRFD/NAME without following symlinks; remove or sum st_blocks. */
static int walk(int parentfd, const char *name, dev_t dev, int depth, bool remove, uint64_t *sum,
		seg_error **err)
{
	struct stat st, st2;
	_cleanup_(closedirp) DIR *d = NULL;
	struct dirent *de;
	int fd, r;

	if (fstatat(parentfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : seg_error_set(err, errno, "stat '%s': %m", name);
	if (st.st_dev != dev)
		return seg_error_set(err, EBUSY,
				     "'%s' is on another filesystem (still mounted?); not crossing it",
				     name);
	if (sum)
		*sum += (uint64_t)st.st_blocks * 512;
	if (!S_ISDIR(st.st_mode)) {
		if (remove && unlinkat(parentfd, name, 0) < 0 && errno != ENOENT)
			return seg_error_set(err, errno, "removing '%s': %m", name);
		return 0;
	}
	if (depth >= TREE_MAX_DEPTH)
		return seg_error_set(err, ELOOP, "'%s' is nested deeper than %d directories", name,
				     TREE_MAX_DEPTH);
	fd = openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return seg_error_set(err, errno, "opening '%s': %m", name);
	/* the entry may have been swapped for another between fstatat and openat */
	if (fstat(fd, &st2) < 0 || st2.st_ino != st.st_ino || st2.st_dev != st.st_dev) {
		close(fd);
		return seg_error_set(err, EAGAIN, "'%s' changed while being walked", name);
	}
	if (!(d = fdopendir(fd))) {
		close(fd);
		return seg_error_set(err, errno, "reading '%s': %m", name);
	}
	while ((errno = 0, de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if ((r = walk(dirfd(d), de->d_name, dev, depth + 1, remove, sum, err)) < 0)
			return seg_error_wrap(err, r, "%s", name);
	}
	if (errno)
		return seg_error_set(err, errno, "reading '%s': %m", name);
	if (remove && unlinkat(parentfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return seg_error_set(err, errno, "removing directory '%s': %m", name);
	return 0;
}

static int walk_top(int dirfd, const char *name, bool remove, uint64_t *sum, seg_error **err)
{
	struct stat st;

	if (strchr(name, '/') || strcmp(name, "..") == 0 || strcmp(name, ".") == 0)
		return seg_error_set(err, EINVAL, "'%s' is not a plain file name", name);
	if (fstat(dirfd, &st) < 0)
		return seg_error_set(err, errno, "stat: %m");
	return walk(dirfd, name, st.st_dev, 0, remove, sum, err);
}

int seg_tree_remove(int dirfd, const char *name, seg_error **err)
{
	return walk_top(dirfd, name, true, NULL, err);
}

int seg_tree_disk_usage(int dirfd, const char *name, uint64_t *ret, seg_error **err)
{
	uint64_t sum = 0;
	int r = walk_top(dirfd, name, false, &sum, err);

	if (r < 0)
		return r;
	*ret = sum;
	return 0;
}

static int write_file_at(int dirfd, const char *name, const char *text, mode_t mode,
			 seg_error **err)
{
	_cleanup_close_ int fd =
		openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	size_t len = strlen(text);

	if (fd < 0)
		return seg_error_set(err, errno, "creating etc/%s: %m", name);
	while (len > 0) {
		ssize_t k = write(fd, text, len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return seg_error_set(err, errno, "writing etc/%s: %m", name);
		text += k;
		len -= (size_t)k;
	}
	if (fchmod(fd, mode) < 0) /* umask must not weaken or strengthen the mode */
		return seg_error_set(err, errno, "etc/%s: %m", name);
	return 0;
}

/* Nameservers the jail can use: the host's, minus host-local ones it cannot reach. */
static char *resolv_conf(const char *src)
{
	_cleanup_fclose_ FILE *in = fopen(src ? src : "/etc/resolv.conf", "re");
	char *buf = NULL, line[512];
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);

	if (!out)
		return NULL;
	fputs("# generated by segregate: the host's nameservers outside 127.0.0.0/8\n", out);
	while (in && fgets(line, sizeof(line), in)) {
		char ns[256];
		struct in_addr a;

		if (sscanf(line, "nameserver %255s", ns) == 1) {
			if (inet_pton(AF_INET, ns, &a) == 1 && (ntohl(a.s_addr) >> 24) == 127)
				continue;
			if (strcmp(ns, "::1") == 0)
				continue;
			fprintf(out, "nameserver %s\n", ns);
		} else if (strncmp(line, "search ", 7) == 0 || strncmp(line, "options ", 8) == 0)
			fputs(line, out);
	}
	if (fclose(out) != 0)
		return NULL;
	return buf;
}

static int build_etc(int rootfd, const seg_tree_params *p, seg_error **err)
{
	_cleanup_close_ int etc = -1;
	_cleanup_free_ char *hosts = NULL, *hostname = NULL, *resolv = NULL;
	char addr[16];
	int r;

	if ((etc = seg_tree_open_dir(rootfd, "etc", true, err)) < 0)
		return etc;
	if (asprintf(&hosts,
		     "# generated by segregate\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n"
		     "%s\t%s\n",
		     seg_addr_to_string(p->addr, addr), p->name) < 0 ||
	    asprintf(&hostname, "%s\n", p->name) < 0 || !(resolv = resolv_conf(p->resolv_src)))
		return seg_error_set(err, ENOMEM, "out of memory");
	if ((r = write_file_at(etc, "passwd",
			       "root:x:0:0:root:/root:/bin/sh\n"
			       SEG_SERVICE_USER ":x:1000:1000:segregate service user:/home/"
			       SEG_SERVICE_USER ":/usr/sbin/nologin\n"
			       "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
			       0644, err)) < 0 ||
	    (r = write_file_at(etc, "group",
			       "root:x:0:\n" SEG_SERVICE_USER ":x:1000:\nnogroup:x:65534:\n", 0644,
			       err)) < 0 ||
	    (r = write_file_at(etc, "shadow",
			       "root:*:19000:0:99999:7:::\n" SEG_SERVICE_USER
			       ":*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n",
			       0640, err)) < 0 ||
	    (r = write_file_at(etc, "hosts", hosts, 0644, err)) < 0 ||
	    (r = write_file_at(etc, "hostname", hostname, 0644, err)) < 0 ||
	    (r = write_file_at(etc, "resolv.conf", resolv, 0644, err)) < 0 ||
	    (r = write_file_at(etc, "nsswitch.conf",
			       "passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n", 0644,
			       err)) < 0)
		return r;
	if (symlinkat("../proc/self/mounts", etc, "mtab") < 0)
		return seg_error_set(err, errno, "creating etc/mtab: %m");
	return 0;
}

/* A mount target of the config, relative to the rootfs; NULL if none on this line. */
static char *mount_target(const char *line, bool *is_file)
{
	char key[32], src[4096], tgt[4096], type[64], opts[1024] = "";

	if (sscanf(line, " %31[a-z.] = %4095s %4095s %63s %1023s", key, src, tgt, type, opts) < 4 ||
	    strcmp(key, "lxc.mount.entry") != 0)
		return NULL;
	/* absolute targets are host paths to LXC; escapes (\040) are not ours to create */
	if (tgt[0] == '/' || strchr(tgt, '\\'))
		return NULL;
	*is_file = strstr(opts, "create=file") != NULL;
	return strdup(tgt);
}

static int make_mount_points(int rootfd, const char *config, seg_error **err)
{
	for (const char *p = config; p && *p;) {
		size_t len = strcspn(p, "\n");
		_cleanup_free_ char *line = strndup(p, len), *tgt = NULL;
		bool is_file = false;
		int r;

		p += len + (p[len] == '\n');
		if (!line)
			return seg_error_set(err, ENOMEM, "out of memory");
		if (!(tgt = mount_target(line, &is_file)))
			continue;
		if (is_file) {
			char *slash = strrchr(tgt, '/');
			_cleanup_close_ int dfd = -1, ffd = -1;

			if (slash)
				*slash = '\0';
			dfd = slash ? seg_tree_open_dir(rootfd, tgt, true, err) : dup(rootfd);
			if (dfd < 0)
				return seg_error_wrap(err, dfd < -1 ? dfd : -errno, "mount point");
			ffd = openat(dfd, slash ? slash + 1 : tgt,
				     O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
			if (ffd < 0)
				return seg_error_set(err, errno, "creating mount point '%s': %m", tgt);
		} else {
			r = seg_tree_open_dir(rootfd, tgt, true, err);
			if (r < 0)
				return seg_error_wrap(err, r, "mount point");
			close(r);
		}
	}
	return 0;
}

/* The usr-merge links of the base (bin -> usr/bin, ...) copied as they are. */
static int base_links(int rootfd, const char *base, seg_error **err)
{
	static const char *const top[] = { "bin", "sbin", "lib", "lib32", "lib64", "libx32" };
	const char *dir = strcmp(base, "host") == 0 ? "/" : base + 4;
	_cleanup_close_ int bfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (bfd < 0)
		return seg_error_set(err, errno, "opening base '%s': %m", dir);
	for (size_t i = 0; i < ELEMENTSOF(top); i++) {
		char target[256];
		ssize_t n = readlinkat(bfd, top[i], target, sizeof(target) - 1);
		struct stat st;

		if (n < 0)
			continue; /* absent, or a real directory the config binds */
		target[n] = '\0';
		/* only the usr-merge shape: a relative link into usr/ */
		if (strncmp(target, "usr/", 4) != 0 || strstr(target, ".."))
			continue;
		if (fstatat(rootfd, top[i], &st, AT_SYMLINK_NOFOLLOW) == 0)
			continue; /* a mount point the config asked for wins */
		if (symlinkat(target, rootfd, top[i]) < 0)
			return seg_error_set(err, errno, "creating link %s -> %s: %m", top[i], target);
	}
	return 0;
}

static int build(int rootfd, const seg_tree_params *p, seg_error **err)
{
	static const struct {
		const char *path;
		mode_t mode;
	} dirs[] = {
		{ "usr", 0755 },      { "etc", 0755 },     { "var", 0755 },
		{ "var/lib", 0755 },  { "var/log", 0755 }, { "var/cache", 0755 },
		{ "var/tmp", 01777 }, { "home", 0755 },    { "root", 0700 },
		{ "tmp", 01777 },     { "run", 0755 },     { "dev", 0755 },
		{ "proc", 0555 },     { "sys", 0555 },
	};
	_cleanup_close_ int home = -1;
	int r;

	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		int fd = seg_tree_open_dir(rootfd, dirs[i].path, true, err);
		if (fd < 0)
			return fd;
		r = fchmod(fd, dirs[i].mode);
		close(fd);
		if (r < 0)
			return seg_error_set(err, errno, "chmod %s: %m", dirs[i].path);
	}
	if ((r = make_mount_points(rootfd, p->config, err)) < 0 ||
	    (r = base_links(rootfd, p->base, err)) < 0 || (r = build_etc(rootfd, p, err)) < 0)
		return r;
	if ((home = seg_tree_open_dir(rootfd, "home/" SEG_SERVICE_USER, true, err)) < 0)
		return home;
	if (fchmod(home, 0750) < 0)
		return seg_error_set(err, errno, "chmod home/" SEG_SERVICE_USER ": %m");
	/* on an idmapped rootfs, on-disk 1000 is the jail's 1000; an unprivileged
	 * caller (unit tests) cannot give files away and keeps them */
	if (geteuid() == 0 && fchown(home, SEG_SERVICE_UID, SEG_SERVICE_UID) < 0)
		return seg_error_set(err, errno, "chown home/" SEG_SERVICE_USER ": %m");
	return 0;
}

int seg_tree_build(const seg_ctx *ctx, int dirfd, const seg_tree_params *p, seg_error **err)
{
	_cleanup_close_ int rootfd = -1;
	int r;

	if (strcmp(p->base, "host") != 0 && strncmp(p->base, "dir:/", 5) != 0)
		return seg_error_set(err, EINVAL, "base '%s' is not 'host' or 'dir:/PATH'", p->base);
	if (mkdirat(dirfd, "rootfs", 0755) < 0)
		return seg_error_set(err, errno, "creating rootfs: %m");
	rootfd = openat(dirfd, "rootfs", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (rootfd < 0)
		r = seg_error_set(err, errno, "opening rootfs: %m");
	else if (fchmod(rootfd, 0755) < 0)
		r = seg_error_set(err, errno, "chmod rootfs: %m");
	else
		r = build(rootfd, p, err);
	if (r < 0) {
		seg_tree_remove(dirfd, "rootfs", NULL);
		return seg_error_wrap(err, r, "building the tree of jail '%s'", p->name);
	}
	seg_debug(ctx, "built rootfs of jail %s", p->name);
	return 0;
}
