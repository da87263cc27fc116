/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
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
