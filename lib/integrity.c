/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "integrity.h"
#include "sha256.h"

seg_integrity_db *seg_integrity_db_free(seg_integrity_db *db)
{
	if (!db)
		return NULL;
	for (size_t i = 0; i < db->n; i++) {
		free(db->v[i].path);
		free(db->v[i].data);
	}
	free(db->v);
	free(db);
	return NULL;
}

char *seg_integrity_escape(const char *name, size_t len)
{
	char *out = malloc(len * 3 + 1), *p = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c > 0x20 && c < 0x7f && c != '%')
			*p++ = (char)c;
		else
			p += sprintf(p, "%%%02X", c);
	}
	*p = '\0';
	return out;
}

static int add(seg_integrity_db *db, seg_integrity_entry *e, seg_error **err)
{
	seg_integrity_entry *v;

	if (!e->path || !e->data)
		return seg_error_set(err, ENOMEM, "out of memory");
	if (!(v = reallocarray(db->v, db->n + 1, sizeof(*v))))
		return seg_error_set(err, ENOMEM, "out of memory");
	db->v = v;
	db->v[db->n++] = *e;
	*e = (seg_integrity_entry){};
	return 0;
}

static char type_of(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFREG:
		return 'f';
	case S_IFDIR:
		return 'd';
	case S_IFLNK:
		return 'l';
	case S_IFIFO:
		return 'p';
	case S_IFSOCK:
		return 's';
	case S_IFCHR:
		return 'c';
	case S_IFBLK:
		return 'b';
	}
	return '?';
}

/* The SHA-256 of a regular file opened by fd; data "?" if it cannot be read. */
static char *hash_fd(int fd)
{
	uint8_t buf[65536], digest[32];
	char hex[65];
	seg_sha256 s;
	ssize_t n;

	seg_sha256_init(&s);
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return strdup("?");
		seg_sha256_update(&s, buf, (size_t)n);
	}
	seg_sha256_final(&s, digest);
	seg_sha256_hex(digest, hex);
	return strdup(hex);
}

/* Opens dfd/name as what fstatat saw (same inode), never through a symlink. */
static int open_same(int dfd, const char *name, int flags, const struct stat *seen)
{
	struct stat st;
	int fd = openat(dfd, name, flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NOATIME);

	if (fd < 0 && errno == EPERM) /* O_NOATIME needs ownership or CAP_FOWNER */
		fd = openat(dfd, name, flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || st.st_ino != seen->st_ino || st.st_dev != seen->st_dev ||
	    (st.st_mode & S_IFMT) != (seen->st_mode & S_IFMT)) {
		close(fd);
		return -ESTALE; /* swapped between stat and open: a race the jail won */
	}
	return fd;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int scan_dir(int dfd, const char *prefix, dev_t dev, unsigned depth, seg_integrity_db *db,
		    seg_error **err)
{
	_cleanup_strv_free_ char **names = NULL;
	size_t n = 0;
	DIR *d;
	struct dirent *de;
	int fd, r = 0;

	if (depth > SEG_INTEGRITY_MAX_DEPTH)
		return seg_error_set(err, ELOOP, "%s: nested deeper than %d directories", prefix,
				     SEG_INTEGRITY_MAX_DEPTH);
	if ((fd = fcntl(dfd, F_DUPFD_CLOEXEC, 3)) < 0)
		return seg_error_set(err, errno, "%s: %m", prefix);
	if (!(d = fdopendir(fd))) {
		close(fd);
		return seg_error_set(err, errno, "%s: %m", prefix);
	}
	/* the dup shares the caller's file offset: start from the beginning */
	rewinddir(d);
	/* names first, sorted: the walk does not depend on readdir's order */
	while ((errno = 0, de = readdir(d))) {
		char **v;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (!(v = reallocarray(names, n + 2, sizeof(*v))) || !(v[n] = strdup(de->d_name))) {
			if (v)
				names = v;
			closedir(d);
			return seg_error_set(err, ENOMEM, "out of memory");
		}
		names = v;
		names[++n] = NULL;
	}
	closedir(d);
	if (!names)
		return 0;
	qsort(names, n, sizeof(*names), cmp_str);

	for (size_t i = 0; i < n && r == 0; i++) {
		_cleanup_free_ char *esc = seg_integrity_escape(names[i], strlen(names[i]));
		seg_integrity_entry e = {};
		struct stat st;
		int cfd;

		if (!esc)
			return seg_error_set(err, ENOMEM, "out of memory");
		if (fstatat(dfd, names[i], &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT)
				continue; /* removed while we looked */
			return seg_error_set(err, errno, "%s/%s: %m", prefix, esc);
		}
		if (asprintf(&e.path, "%s%s%s", *prefix && strcmp(prefix, ".") ? prefix : "",
			     *prefix && strcmp(prefix, ".") ? "/" : "", esc) < 0)
			e.path = NULL;
		e.type = type_of(st.st_mode);
		e.mode = st.st_mode & 07777;
		e.uid = st.st_uid;
		e.gid = st.st_gid;
		e.size = S_ISREG(st.st_mode) || S_ISLNK(st.st_mode) ? (uint64_t)st.st_size : 0;

		if (S_ISDIR(st.st_mode) && st.st_dev != dev) {
			e.type = 'm'; /* another filesystem mounted here: not the jail's tree */
			e.data = strdup("-");
			r = add(db, &e, err);
		} else if (S_ISDIR(st.st_mode)) {
			_cleanup_free_ char *sub = e.path ? strdup(e.path) : NULL;
			e.data = strdup("-");
			if ((r = add(db, &e, err)) < 0)
				break;
			if (!sub)
				return seg_error_set(err, ENOMEM, "out of memory");
			cfd = open_same(dfd, names[i], O_RDONLY | O_DIRECTORY, &st);
			if (cfd == -ENOENT)
				continue;
			if (cfd < 0)
				return seg_error_set(err, -cfd, "%s: cannot open it safely: %s", sub,
						     strerror(-cfd));
			r = scan_dir(cfd, sub, dev, depth + 1, db, err);
			close(cfd);
		} else if (S_ISREG(st.st_mode)) {
			/* O_NONBLOCK: swapped for a FIFO, it must not hang the scan */
			cfd = open_same(dfd, names[i], O_RDONLY | O_NONBLOCK, &st);
			e.data = cfd >= 0 ? hash_fd(cfd) : strdup("?");
			if (cfd >= 0)
				close(cfd);
			r = add(db, &e, err);
		} else if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t k = readlinkat(dfd, names[i], target, sizeof(target));
			/* recorded, never followed */
			e.data = k >= 0 ? seg_integrity_escape(target, (size_t)k) : strdup("?");
			r = add(db, &e, err);
		} else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
			if (asprintf(&e.data, "%u:%u", major(st.st_rdev), minor(st.st_rdev)) < 0)
				e.data = NULL;
			r = add(db, &e, err);
		} else {
			e.data = strdup("-");
			r = add(db, &e, err);
		}
		if (r < 0) {
			free(e.path);
			free(e.data);
		}
	}
	return r;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const seg_integrity_entry *)a)->path, ((const seg_integrity_entry *)b)->path);
}

int seg_integrity_scan(int rootfd, seg_integrity_db **ret, seg_error **err)
{
	_cleanup_(seg_integrity_db_freep) seg_integrity_db *db = calloc(1, sizeof(*db));
	seg_integrity_entry root = {};
	struct stat st;
	int r;

	if (!db)
		return seg_error_set(err, ENOMEM, "out of memory");
	if (fstat(rootfd, &st) < 0)
		return seg_error_set(err, errno, "the jail's root: %m");
	if (!S_ISDIR(st.st_mode))
		return seg_error_set(err, ENOTDIR, "the jail's root is not a directory");
	root = (seg_integrity_entry){ .path = strdup("."), .type = 'd', .mode = st.st_mode & 07777,
				      .uid = st.st_uid, .gid = st.st_gid, .data = strdup("-") };
	if ((r = add(db, &root, err)) < 0 || (r = scan_dir(rootfd, ".", st.st_dev, 0, db, err)) < 0)
		return r;
	qsort(db->v, db->n, sizeof(*db->v), cmp_entry);
	*ret = TAKE_PTR(db);
	return 0;
}

#define HEADER "# segregate-integrity 1\n"

int seg_integrity_format(const seg_integrity_db *db, char **ret, seg_error **err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return seg_error_set(err, ENOMEM, "out of memory");
	fputs(HEADER, f);
	for (size_t i = 0; i < db->n; i++) {
		const seg_integrity_entry *e = &db->v[i];
		fprintf(f, "%s %c %04" PRIo32 " %" PRIu32 " %" PRIu32 " %" PRIu64 " %s\n", e->path,
			e->type, e->mode, e->uid, e->gid, e->size, e->data);
	}
	if (fclose(f) != 0) {
		free(buf);
		return seg_error_set(err, ENOMEM, "out of memory");
	}
	*ret = buf;
	return 0;
}

int seg_integrity_parse(const char *file, const char *text, seg_integrity_db **ret,
			seg_error **err)
{
	_cleanup_(seg_integrity_db_freep) seg_integrity_db *db = calloc(1, sizeof(*db));
	unsigned line = 1;
	const char *p = text;
	int r;

	if (!db)
		return seg_error_set(err, ENOMEM, "out of memory");
	if (strncmp(p, HEADER, strlen(HEADER)) != 0)
		return seg_error_set_at(err, EBADMSG, file, 1, 0,
					"not a segregate integrity baseline (expected '%.*s')",
					(int)strlen(HEADER) - 1, HEADER);
	p += strlen(HEADER);
	for (line = 2; *p; line++) {
		const char *nl = strchr(p, '\n');
		_cleanup_free_ char *l = nl ? strndup(p, (size_t)(nl - p)) : NULL;
		char path[16384], type, data[16384];
		unsigned mode, uid, gid;
		unsigned long long size;
		int used = 0;
		seg_integrity_entry e = {};

		if (!nl)
			return seg_error_set_at(err, EBADMSG, file, line, 0, "truncated line");
		if (!l)
			return seg_error_set(err, ENOMEM, "out of memory");
		if (strlen(l) >= sizeof(path) ||
		    sscanf(l, "%16383s %c %o %u %u %llu %16383s%n", path, &type, &mode, &uid, &gid,
			   &size, data, &used) != 7 ||
		    (size_t)used != strlen(l) || !strchr("fdlpscbm", type) || mode > 07777)
			return seg_error_set_at(err, EBADMSG, file, line, 0,
						"malformed entry (expected 'PATH TYPE MODE UID GID "
						"SIZE DATA')");
		if (db->n && strcmp(db->v[db->n - 1].path, path) >= 0)
			return seg_error_set_at(err, EBADMSG, file, line, 0,
						"entries out of order or repeated at '%s'", path);
		e = (seg_integrity_entry){ .path = strdup(path), .type = type, .mode = mode,
					   .uid = uid, .gid = gid, .size = size, .data = strdup(data) };
		if ((r = add(db, &e, err)) < 0) {
			free(e.path);
			free(e.data);
			return r;
		}
		p = nl + 1;
	}
	*ret = TAKE_PTR(db);
	return 0;
}

static void changed(const seg_integrity_entry *a, const seg_integrity_entry *b,
		    seg_integrity_report_fn fn, void *ud)
{
	char detail[256] = "";
	size_t n = 0;

#define NOTE(...) n += (size_t)snprintf(detail + n, n < sizeof(detail) ? sizeof(detail) - n : 0, __VA_ARGS__)
	if (a->type != b->type)
		NOTE("%stype %c->%c", n ? ", " : "", a->type, b->type);
	if (a->mode != b->mode)
		NOTE("%smode %04o->%04o", n ? ", " : "", a->mode, b->mode);
	if (a->uid != b->uid || a->gid != b->gid)
		NOTE("%sowner %u:%u->%u:%u", n ? ", " : "", a->uid, a->gid, b->uid, b->gid);
	if (a->size != b->size)
		NOTE("%ssize %" PRIu64 "->%" PRIu64, n ? ", " : "", a->size, b->size);
	if (a->type == b->type && strcmp(a->data, b->data) != 0)
		NOTE("%s%s", n ? ", " : "",
		     a->type == 'l' ? "target" : a->type == 'f' ? "content" : "device");
#undef NOTE
	if (fn)
		fn(ud, SEG_INTEGRITY_CHANGED, b->path, detail);
}

static bool same(const seg_integrity_entry *a, const seg_integrity_entry *b)
{
	return a->type == b->type && a->mode == b->mode && a->uid == b->uid && a->gid == b->gid &&
	       a->size == b->size && strcmp(a->data, b->data) == 0;
}

size_t seg_integrity_diff(const seg_integrity_db *old, const seg_integrity_db *cur,
			  seg_integrity_report_fn fn, void *ud)
{
	size_t i = 0, k = 0, n = 0;

	while (i < old->n || k < cur->n) {
		int c = i == old->n ? 1 : k == cur->n ? -1 : strcmp(old->v[i].path, cur->v[k].path);

		if (c < 0) {
			if (fn)
				fn(ud, SEG_INTEGRITY_REMOVED, old->v[i].path, NULL);
			i++, n++;
		} else if (c > 0) {
			if (fn)
				fn(ud, SEG_INTEGRITY_ADDED, cur->v[k].path, NULL);
			k++, n++;
		} else {
			if (!same(&old->v[i], &cur->v[k])) {
				changed(&old->v[i], &cur->v[k], fn, ud);
				n++;
			}
			i++, k++;
		}
	}
	return n;
}
