/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "fs-util.h"

int seg_write_atomic_at(int dirfd, const char *name, const char *a, const char *b, mode_t mode,
			seg_error **err)
{
	char tmp[96];
	_cleanup_close_ int fd = -1;
	const char *parts[] = { a, b };

	/* the pid keeps two writers from sharing (and clobbering) one temp file */
	snprintf(tmp, sizeof(tmp), ".%.60s.%d.tmp", name, (int)getpid());
	/* a file of this name is a crashed writer's that had our pid: stale */
	unlinkat(dirfd, tmp, 0);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return seg_error_set(err, errno, "creating %s: %m", tmp);
	for (size_t i = 0; i < ELEMENTSOF(parts); i++) {
		const char *s = parts[i];
		size_t len = s ? strlen(s) : 0;
		while (len > 0) {
			ssize_t k = write(fd, s, len);
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0) {
				int saved = errno;
				unlinkat(dirfd, tmp, 0);
				return seg_error_set(err, saved, "writing %s: %s", name, strerror(saved));
			}
			s += k;
			len -= (size_t)k;
		}
	}
	if (fsync(fd) < 0 || renameat(dirfd, tmp, dirfd, name) < 0) {
		int saved = errno;
		unlinkat(dirfd, tmp, 0);
		return seg_error_set(err, saved, "writing %s: %s", name, strerror(saved));
	}
	/* the rename itself must survive a crash */
	if (fsync(dirfd) < 0)
		return seg_error_set(err, errno, "syncing the directory of %s: %m", name);
	return 0;
}

int seg_mkdir_p(const char *path, mode_t mode, seg_error **err)
{
	_cleanup_free_ char *p = strdup(path);

	if (!p)
		return seg_error_set(err, ENOMEM, "out of memory");
	for (char *s = p + 1;; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(p, mode) < 0 && errno != EEXIST)
				return seg_error_set(err, errno, "creating %s: %m", p);
			*s = c;
			if (!c)
				break;
		}
	}
	return 0;
}

int seg_read_file_at(int dirfd, const char *name, const char *path, size_t max_size, char **ret,
		     seg_error **err)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t got = 0;

	if (fd < 0)
		return errno == ENOENT ? -ENOENT : seg_error_set(err, errno, "opening %s: %m", path);
	if (fstat(fd, &st) < 0)
		return seg_error_set(err, errno, "%s: %m", path);
	if (!S_ISREG(st.st_mode))
		return seg_error_set(err, EBADMSG, "%s is not a regular file", path);
	if ((uint64_t)st.st_size > max_size)
		return seg_error_set(err, EFBIG, "%s is larger than %zu bytes", path,
				     max_size);
	if (!(buf = malloc((size_t)st.st_size + 1)))
		return seg_error_set(err, ENOMEM, "out of memory");
	while (got < (size_t)st.st_size) {
		ssize_t k = read(fd, buf + got, (size_t)st.st_size - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return seg_error_set(err, errno, "reading %s: %m", path);
		if (k == 0)
			break;
		got += (size_t)k;
	}
	buf[got] = '\0';
	if (memchr(buf, '\0', got))
		return seg_error_set(err, EBADMSG, "%s contains a NUL byte", path);
	*ret = TAKE_PTR(buf);
	return 0;
}
