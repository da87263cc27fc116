/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "error-internal.h"
#include "fs-util.h"
#include "registry.h"

#define REGISTRY_MAX_SIZE (16u << 20) /* 65k jails fit in a few MiB */
#define REGISTRY_HEADER "segregate-registry"

struct seg_registry {
	const seg_ctx *ctx;
	int lock_fd;
	int mode;
	char *path;
	seg_registry_entry *entries;
	size_t n;
};

static void entry_clear(seg_registry_entry *e)
{
	free(e->base);
	free(e->topology);
	e->base = e->topology = NULL;
}

void seg_registry_entries_free(seg_registry_entry *entries, size_t n)
{
	for (size_t i = 0; i < n; i++)
		entry_clear(&entries[i]);
	free(entries);
}

seg_registry *seg_registry_free(seg_registry *reg)
{
	if (!reg)
		return NULL;
	/* closing the last fd of the open file description drops the flock */
	if (reg->lock_fd >= 0)
		close(reg->lock_fd);
	free(reg->path);
	seg_registry_entries_free(reg->entries, reg->n);
	free(reg);
	return NULL;
}

/* A free-form field (base, topology) must be one printable token. */
static bool token_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

static bool veth_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n < 16 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-_.") == n;
}

static int parse_u32(const char *s, uint32_t *ret)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-' || *s == '+' || (s[0] == '0' && s[1]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return -EINVAL;
	*ret = (uint32_t)v;
	return 0;
}

static int entry_validate(const seg_registry_entry *e, char *why, size_t whylen)
{
	if (!seg_jail_name_valid(e->name))
		return snprintf(why, whylen, "invalid jail name '%s'", e->name), -EINVAL;
	if (!seg_jail_name_valid(e->role))
		return snprintf(why, whylen, "invalid role name '%s'", e->role), -EINVAL;
	if (!e->base || !token_ok(e->base) ||
	    !(strcmp(e->base, "host") == 0 || (strncmp(e->base, "dir:/", 5) == 0)))
		return snprintf(why, whylen, "invalid base '%s' (host or dir:/PATH)",
				e->base ? e->base : ""), -EINVAL;
	if (e->topology && (!token_ok(e->topology) || e->topology[0] != '/'))
		return snprintf(why, whylen, "invalid topology path '%s' (absolute, or -)",
				e->topology), -EINVAL;
	if (!veth_ok(e->veth))
		return snprintf(why, whylen, "invalid veth name '%s'", e->veth), -EINVAL;
	if (e->index < SEG_FIRST_INDEX)
		return snprintf(why, whylen, "index %" PRIu32 " below %u", e->index,
				SEG_FIRST_INDEX), -EINVAL;
	if (e->uid_count == 0 || (uint64_t)e->uid_base + e->uid_count > (uint64_t)UINT32_MAX + 1)
		return snprintf(why, whylen, "invalid uid range %" PRIu32 "+%" PRIu32, e->uid_base,
				e->uid_count), -EINVAL;
	return 0;
}

/* Which field of a and b clash, or NULL. */
static const char *entries_clash(const seg_registry_entry *a, const seg_registry_entry *b)
{
	if (strcmp(a->name, b->name) == 0)
		return "name";
	if (a->index == b->index)
		return "index";
	if (a->addr == b->addr)
		return "address";
	if (strcmp(a->veth, b->veth) == 0)
		return "veth";
	if ((uint64_t)a->uid_base < (uint64_t)b->uid_base + b->uid_count &&
	    (uint64_t)b->uid_base < (uint64_t)a->uid_base + a->uid_count)
		return "uid range";
	return NULL;
}

static int cmp_index(const void *a, const void *b)
{
	const seg_registry_entry *x = a, *y = b;

	return x->index < y->index ? -1 : x->index > y->index;
}

static int parse_line(const char *path, unsigned lineno, char *line, seg_registry_entry *e,
		      seg_error **err)
{
	char *f[11];
	size_t nf = 0;
	char why[256];
	struct in_addr a;
	uint32_t u;
	long long created;
	char *end;
	int r;

	for (char *p = line; p;) {
		if (nf == ELEMENTSOF(f)) {
			nf++; /* one too many */
			break;
		}
		f[nf++] = p;
		p = strchr(p, ' ');
		if (p)
			*p++ = '\0';
	}
	if (nf != ELEMENTSOF(f) || strcmp(f[0], "jail") != 0)
		return seg_error_set_at(err, EBADMSG, path, lineno, 0,
					"expected 'jail NAME INDEX ROLE BASE TOPOLOGY VETH ADDR "
					"UID_BASE UID_COUNT CREATED'");
	for (size_t i = 0; i < nf; i++)
		if (!*f[i])
			return seg_error_set_at(err, EBADMSG, path, lineno, 0,
						"empty field %zu (fields are separated by one space)",
						i + 1);
	if (strlen(f[1]) > SEG_NAME_MAX || strlen(f[3]) > SEG_NAME_MAX || strlen(f[6]) > 15)
		return seg_error_set_at(err, EBADMSG, path, lineno, 0, "field too long");
	strcpy(e->name, f[1]);
	strcpy(e->role, f[3]);
	strcpy(e->veth, f[6]);
	if (parse_u32(f[2], &e->index) < 0)
		return seg_error_set_at(err, EBADMSG, path, lineno, 0, "invalid index '%s'", f[2]);
	if (inet_pton(AF_INET, f[7], &a) != 1)
		return seg_error_set_at(err, EBADMSG, path, lineno, 0,
					"invalid address '%s' (dotted IPv4)", f[7]);
	e->addr = ntohl(a.s_addr);
	if (parse_u32(f[8], &e->uid_base) < 0 || parse_u32(f[9], &u) < 0)
		return seg_error_set_at(err, EBADMSG, path, lineno, 0, "invalid uid range '%s %s'",
					f[8], f[9]);
	e->uid_count = u;
	errno = 0;
	created = strtoll(f[10], &end, 10);
	if (errno || *end || created < 0)
		return seg_error_set_at(err, EBADMSG, path, lineno, 0, "invalid creation time '%s'",
					f[10]);
	e->created = created;
	if (!(e->base = strdup(f[4])) ||
	    (strcmp(f[5], "-") != 0 && !(e->topology = strdup(f[5]))))
		return seg_error_set(err, ENOMEM, "out of memory");
	if ((r = entry_validate(e, why, sizeof(why))) < 0)
		return seg_error_set_at(err, EBADMSG, path, lineno, 0, "%s", why);
	return 0;
}

int seg_registry_parse(const char *path, const char *text, seg_registry_entry **ret,
		       size_t *ret_n, seg_error **err)
{
	seg_registry_entry *v = NULL;
	size_t n = 0, alloc = 0;
	unsigned lineno = 0;
	bool header = false;
	int r = 0;

	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		_cleanup_free_ char *line = strndup(p, len);

		lineno++;
		p += len;
		if (*p == '\n')
			p++;
		else {
			r = seg_error_set_at(err, EBADMSG, path, lineno, 0,
					     "truncated file: last line has no newline");
			goto fail;
		}
		if (!line) {
			r = seg_error_set(err, ENOMEM, "out of memory");
			goto fail;
		}
		if (!header) {
			char tail;
			int version;

			if (sscanf(line, REGISTRY_HEADER " %d%c", &version, &tail) != 1) {
				r = seg_error_set_at(err, EBADMSG, path, lineno, 0,
						     "expected '" REGISTRY_HEADER " %d'",
						     SEG_REGISTRY_VERSION);
				goto fail;
			}
			if (version != SEG_REGISTRY_VERSION) {
				r = seg_error_set_at(err, EPROTONOSUPPORT, path, lineno, 0,
						     "registry version %d not supported (this is %d)",
						     version, SEG_REGISTRY_VERSION);
				goto fail;
			}
			header = true;
			continue;
		}
		if (!*line || *line == '#')
			continue;
		if (n == alloc) {
			seg_registry_entry *nv;

			alloc = alloc ? alloc * 2 : 16;
			if (!(nv = realloc(v, alloc * sizeof(*v)))) {
				r = seg_error_set(err, ENOMEM, "out of memory");
				goto fail;
			}
			v = nv;
		}
		memset(&v[n], 0, sizeof(v[n]));
		n++;
		if ((r = parse_line(path, lineno, line, &v[n - 1], err)) < 0)
			goto fail;
		for (size_t i = 0; i + 1 < n; i++) {
			const char *what = entries_clash(&v[i], &v[n - 1]);
			if (what) {
				r = seg_error_set_at(err, EBADMSG, path, lineno, 0,
						     "jail '%s' has the same %s as jail '%s'",
						     v[n - 1].name, what, v[i].name);
				goto fail;
			}
		}
	}
	if (!header && lineno > 0) {
		r = seg_error_set_at(err, EBADMSG, path, 1, 0, "missing header");
		goto fail;
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_index);
	*ret = v;
	*ret_n = n;
	return 0;
fail:
	seg_registry_entries_free(v, n);
	return r;
}

int seg_registry_format(const seg_registry_entry *entries, size_t n, char **ret, seg_error **err)
{
	_cleanup_free_ char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	char addr[16];

	if (!f)
		return seg_error_set(err, ENOMEM, "out of memory");
	fprintf(f, REGISTRY_HEADER " %d\n", SEG_REGISTRY_VERSION);
	fprintf(f, "# jail NAME INDEX ROLE BASE TOPOLOGY VETH ADDR UID_BASE UID_COUNT CREATED\n");
	for (size_t i = 0; i < n; i++) {
		const seg_registry_entry *e = &entries[i];
		fprintf(f, "jail %s %" PRIu32 " %s %s %s %s %s %" PRIu32 " %" PRIu32 " %" PRId64 "\n",
			e->name, e->index, e->role, e->base, e->topology ? e->topology : "-",
			e->veth, seg_addr_to_string(e->addr, addr), e->uid_base, e->uid_count,
			e->created);
	}
	if (fclose(f) != 0)
		return seg_error_set(err, ENOMEM, "out of memory");
	*ret = TAKE_PTR(buf);
	return 0;
}

int seg_registry_open(const seg_ctx *ctx, int mode, seg_registry **ret, seg_error **err)
{
	_cleanup_(seg_registry_freep) seg_registry *reg = NULL;
	_cleanup_free_ char *text = NULL, *lock = NULL;
	_cleanup_close_ int dfd = -1;
	const char *dir = seg_ctx_get_state_dir(ctx);
	int r;

	if (!(reg = calloc(1, sizeof(*reg))))
		return seg_error_set(err, ENOMEM, "out of memory");
	reg->ctx = ctx;
	reg->lock_fd = -1;
	reg->mode = mode;
	if (asprintf(&reg->path, "%s/registry", dir) < 0 ||
	    asprintf(&lock, "%s/registry.lock", dir) < 0) {
		reg->path = NULL;
		return seg_error_set(err, ENOMEM, "out of memory");
	}
	reg->mode = mode & SEG_REGISTRY_EXCLUSIVE;
	if ((mode & SEG_REGISTRY_CREATE) && (r = seg_mkdir_p(dir, 0755, err)) < 0)
		return seg_error_wrap(err, r, "creating the state directory");
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		if (errno == ENOENT && !(mode & SEG_REGISTRY_CREATE)) {
			*ret = TAKE_PTR(reg); /* no state directory yet: nothing created */
			return 0;
		}
		return seg_error_set(err, errno, "opening state directory %s: %m", dir);
	}
	/* O_CLOEXEC: a container monitor forked by liblxc must not keep the lock. */
	reg->lock_fd = openat(dfd, "registry.lock",
			      O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
	if (reg->lock_fd < 0)
		return seg_error_set(err, errno, "opening %s: %m", lock);
	while (flock(reg->lock_fd, (mode & SEG_REGISTRY_EXCLUSIVE) ? LOCK_EX : LOCK_SH) < 0)
		if (errno != EINTR)
			return seg_error_set(err, errno, "locking %s: %m", lock);
	r = seg_read_file_at(dfd, "registry", reg->path, REGISTRY_MAX_SIZE, &text, err);
	if (r == -ENOENT)
		return *ret = TAKE_PTR(reg), 0;
	if (r < 0)
		return r;
	if ((r = seg_registry_parse(reg->path, text, &reg->entries, &reg->n, err)) < 0)
		return r;
	*ret = TAKE_PTR(reg);
	return 0;
}

size_t seg_registry_count(const seg_registry *reg)
{
	return reg->n;
}

const seg_registry_entry *seg_registry_get(const seg_registry *reg, size_t i)
{
	return i < reg->n ? &reg->entries[i] : NULL;
}

const seg_registry_entry *seg_registry_find(const seg_registry *reg, const char *name)
{
	for (size_t i = 0; i < reg->n; i++)
		if (strcmp(reg->entries[i].name, name) == 0)
			return &reg->entries[i];
	return NULL;
}

int seg_registry_allocs(const seg_registry *reg, seg_alloc **ret, size_t *ret_n, seg_error **err)
{
	seg_alloc *a = NULL;

	if (reg->n && !(a = calloc(reg->n, sizeof(*a))))
		return seg_error_set(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < reg->n; i++) {
		strcpy(a[i].name, reg->entries[i].name);
		a[i].index = reg->entries[i].index;
	}
	*ret = a;
	*ret_n = reg->n;
	return 0;
}

int seg_registry_add(seg_registry *reg, const seg_registry_entry *e, seg_error **err)
{
	seg_registry_entry *nv, copy = *e;
	char why[256];

	if (reg->mode != SEG_REGISTRY_EXCLUSIVE || reg->lock_fd < 0)
		return seg_error_set(err, EPERM, "registry changed without its exclusive lock");
	if (entry_validate(e, why, sizeof(why)) < 0)
		return seg_error_set(err, EINVAL, "registry entry: %s", why);
	for (size_t i = 0; i < reg->n; i++) {
		const char *what = entries_clash(&reg->entries[i], e);
		if (what)
			return seg_error_set(err, EEXIST, "jail '%s' would have the same %s as jail '%s'",
					     e->name, what, reg->entries[i].name);
	}
	copy.base = strdup(e->base);
	copy.topology = e->topology ? strdup(e->topology) : NULL;
	if (!copy.base || (e->topology && !copy.topology) ||
	    !(nv = realloc(reg->entries, (reg->n + 1) * sizeof(*nv)))) {
		entry_clear(&copy);
		return seg_error_set(err, ENOMEM, "out of memory");
	}
	reg->entries = nv;
	reg->entries[reg->n++] = copy;
	qsort(reg->entries, reg->n, sizeof(*nv), cmp_index);
	return 0;
}

int seg_registry_remove(seg_registry *reg, const char *name, seg_error **err)
{
	if (reg->mode != SEG_REGISTRY_EXCLUSIVE || reg->lock_fd < 0)
		return seg_error_set(err, EPERM, "registry changed without its exclusive lock");
	for (size_t i = 0; i < reg->n; i++) {
		if (strcmp(reg->entries[i].name, name) != 0)
			continue;
		entry_clear(&reg->entries[i]);
		memmove(&reg->entries[i], &reg->entries[i + 1],
			(reg->n - i - 1) * sizeof(reg->entries[0]));
		reg->n--;
		return 0;
	}
	return seg_error_set(err, ENOENT, "jail '%s' is not in the registry", name);
}

int seg_registry_commit(seg_registry *reg, seg_error **err)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int dfd = -1;
	const char *dir = seg_ctx_get_state_dir(reg->ctx);
	int r;

	if (reg->mode != SEG_REGISTRY_EXCLUSIVE || reg->lock_fd < 0)
		return seg_error_set(err, EPERM, "registry written without its exclusive lock");
	if ((r = seg_registry_format(reg->entries, reg->n, &text, err)) < 0)
		return r;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return seg_error_set(err, errno, "opening %s: %m", dir);
	if ((r = seg_write_atomic_at(dfd, "registry", text, NULL, 0644, err)) < 0)
		return seg_error_wrap(err, r, "replacing %s", reg->path);
	return 0;
}
