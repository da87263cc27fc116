/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "yaml-util.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(yaml_parser_t *, yaml_parser_delete)

static seg_ynode *ynode_free(seg_ynode *n)
{
	if (!n)
		return NULL;
	for (size_t i = 0; i < n->n; i++) {
		if (n->keys)
			ynode_free(n->keys[i]);
		ynode_free(n->items[i]);
	}
	free(n->keys);
	free(n->items);
	free(n->value);
	free(n);
	return NULL;
}

seg_ydoc *seg_ydoc_free(seg_ydoc *d)
{
	if (!d)
		return NULL;
	ynode_free(d->root);
	free(d->file);
	free(d);
	return NULL;
}

typedef struct parse_state {
	const char *file;
	yaml_parser_t parser;
	seg_error **err;
} parse_state;

static int parse_error(parse_state *s, const yaml_mark_t *m, const char *fmt, ...) _printf_(3, 4);
static int parse_error(parse_state *s, const yaml_mark_t *m, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		return seg_error_set(s->err, ENOMEM, "out of memory");
	return seg_error_set_at(s->err, EINVAL, s->file, (unsigned)m->line + 1,
				(unsigned)m->column + 1, "%s", msg);
}

static int next_event(parse_state *s, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&s->parser, ev)) {
		const char *problem = s->parser.problem ? s->parser.problem : "syntax error";
		return seg_error_set_at(s->err, EINVAL, s->file,
					(unsigned)s->parser.problem_mark.line + 1,
					(unsigned)s->parser.problem_mark.column + 1,
					"YAML syntax error: %s%s%s", problem,
					s->parser.context ? " " : "",
					s->parser.context ? s->parser.context : "");
	}
	return 0;
}

static int push(seg_ynode *parent, seg_ynode *key, seg_ynode *item)
{
	seg_ynode **items = realloc(parent->items, (parent->n + 1) * sizeof(*items));
	if (!items)
		return -ENOMEM;
	parent->items = items;
	if (parent->type == SEG_YNODE_MAP) {
		seg_ynode **keys = realloc(parent->keys, (parent->n + 1) * sizeof(*keys));
		if (!keys)
			return -ENOMEM;
		parent->keys = keys;
		keys[parent->n] = key;
	}
	items[parent->n++] = item;
	return 0;
}

static int parse_node(parse_state *s, yaml_event_t *ev, unsigned depth, seg_ynode **ret);

static int parse_children(parse_state *s, seg_ynode *n, unsigned depth)
{
	for (;;) {
		yaml_event_t ev;
		seg_ynode *key = NULL, *item = NULL;
		int r;

		if ((r = next_event(s, &ev)) < 0)
			return r;
		if (ev.type == YAML_MAPPING_END_EVENT || ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			return 0;
		}
		if (n->type == SEG_YNODE_MAP) {
			r = parse_node(s, &ev, depth + 1, &key);
			yaml_event_delete(&ev);
			if (r < 0)
				return r;
			if (key->type != SEG_YNODE_SCALAR) {
				unsigned l = key->line, c = key->column;
				ynode_free(key);
				return seg_error_set_at(s->err, EINVAL, s->file, l, c,
							"map keys must be plain words");
			}
			for (size_t i = 0; i < n->n; i++)
				if (strcmp(n->keys[i]->value, key->value) == 0) {
					r = seg_error_set_at(s->err, EINVAL, s->file, key->line,
							     key->column,
							     "duplicate key '%s' (first at line %u)",
							     key->value, n->keys[i]->line);
					ynode_free(key);
					return r;
				}
			if ((r = next_event(s, &ev)) < 0) {
				ynode_free(key);
				return r;
			}
		}
		r = parse_node(s, &ev, depth + 1, &item);
		yaml_event_delete(&ev);
		if (r < 0 || (r = push(n, key, item)) < 0) {
			ynode_free(key);
			ynode_free(item);
			return r == -ENOMEM ? seg_error_set(s->err, ENOMEM, "out of memory") : r;
		}
	}
}

static int parse_node(parse_state *s, yaml_event_t *ev, unsigned depth, seg_ynode **ret)
{
	seg_ynode *n;
	int r;

	if (depth > SEG_YAML_MAX_DEPTH)
		return parse_error(s, &ev->start_mark, "nesting deeper than %d levels", SEG_YAML_MAX_DEPTH);
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		return parse_error(s, &ev->start_mark,
				   "YAML aliases (*%s) are not supported: write the value out",
				   (const char *)ev->data.alias.anchor);
	case YAML_SCALAR_EVENT:
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT:
		break;
	default:
		return parse_error(s, &ev->start_mark, "unexpected YAML event");
	}
	if (!(n = calloc(1, sizeof(*n))))
		return seg_error_set(s->err, ENOMEM, "out of memory");
	n->line = (unsigned)ev->start_mark.line + 1;
	n->column = (unsigned)ev->start_mark.column + 1;
	if (ev->type == YAML_SCALAR_EVENT) {
		n->type = SEG_YNODE_SCALAR;
		n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
		if (strlen((const char *)ev->data.scalar.value) != ev->data.scalar.length) {
			ynode_free(n);
			return parse_error(s, &ev->start_mark, "NUL byte in a value");
		}
		if (!(n->value = strdup((const char *)ev->data.scalar.value))) {
			ynode_free(n);
			return seg_error_set(s->err, ENOMEM, "out of memory");
		}
	} else {
		n->type = ev->type == YAML_MAPPING_START_EVENT ? SEG_YNODE_MAP : SEG_YNODE_SEQ;
		if ((r = parse_children(s, n, depth)) < 0) {
			ynode_free(n);
			return r;
		}
	}
	*ret = n;
	return 0;
}

int seg_ydoc_parse(const char *name, const char *buf, size_t len, seg_ydoc **ret, seg_error **err)
{
	_cleanup_(yaml_parser_deletep) yaml_parser_t *pp = NULL;
	_cleanup_ydoc_ seg_ydoc *d = NULL;
	parse_state s = { .file = name, .err = err };
	yaml_event_t ev;
	int r;

	if (len == 0 || strspn(buf, " \t\r\n") == len)
		return seg_error_set_at(err, EINVAL, name, 0, 0, "file is empty");
	if (len > SEG_YAML_MAX_SIZE)
		return seg_error_set_at(err, EFBIG, name, 0, 0,
					"file is too large (%zu bytes, at most %d)", len,
					SEG_YAML_MAX_SIZE);
	if (!(d = calloc(1, sizeof(*d))) || !(d->file = strdup(name)))
		return seg_error_set(err, ENOMEM, "out of memory");
	if (!yaml_parser_initialize(&s.parser))
		return seg_error_set(err, ENOMEM, "out of memory");
	pp = &s.parser;
	yaml_parser_set_input_string(&s.parser, (const unsigned char *)buf, len);

	/* stream start, document start */
	for (int i = 0; i < 2; i++) {
		if ((r = next_event(&s, &ev)) < 0)
			return r;
		yaml_event_delete(&ev);
	}
	if ((r = next_event(&s, &ev)) < 0)
		return r;
	r = parse_node(&s, &ev, 0, &d->root);
	yaml_event_delete(&ev);
	if (r < 0)
		return r;
	/* document end; then the stream must end: one document per file */
	if ((r = next_event(&s, &ev)) < 0)
		return r;
	yaml_event_delete(&ev);
	if ((r = next_event(&s, &ev)) < 0)
		return r;
	if (ev.type != YAML_STREAM_END_EVENT) {
		r = parse_error(&s, &ev.start_mark, "only one YAML document per file");
		yaml_event_delete(&ev);
		return r;
	}
	yaml_event_delete(&ev);
	if (d->root->type != SEG_YNODE_MAP)
		return seg_error_set_at(err, EINVAL, name, d->root->line, d->root->column,
					"the document must be a map of keys");
	*ret = TAKE_PTR(d);
	return 0;
}

int seg_ydoc_load(const char *path, seg_ydoc **ret, seg_error **err)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t len = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return seg_error_set(err, errno, "cannot open %s: %m", path);
	if (fstat(fd, &st) < 0)
		return seg_error_set(err, errno, "cannot stat %s: %m", path);
	if (!S_ISREG(st.st_mode))
		return seg_error_set(err, EINVAL, "%s is not a regular file", path);
	if (st.st_size > SEG_YAML_MAX_SIZE)
		return seg_error_set_at(err, EFBIG, path, 0, 0,
					"file is too large (%jd bytes, at most %d)",
					(intmax_t)st.st_size, SEG_YAML_MAX_SIZE);
	if (!(buf = malloc(SEG_YAML_MAX_SIZE + 2)))
		return seg_error_set(err, ENOMEM, "out of memory");
	for (;;) {
		ssize_t n = read(fd, buf + len, SEG_YAML_MAX_SIZE + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return seg_error_set(err, errno, "cannot read %s: %m", path);
		if (n == 0 || (len += (size_t)n) > SEG_YAML_MAX_SIZE)
			break;
	}
	buf[len] = '\0';
	return seg_ydoc_parse(path, buf, len, ret, err);
}

const seg_ynode *seg_ynode_get(const seg_ynode *map, const char *key)
{
	if (!map || map->type != SEG_YNODE_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (strcmp(map->keys[i]->value, key) == 0)
			return map->items[i];
	return NULL;
}

size_t seg_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), prev[64], cur[64];

	if (la >= 63 || lb >= 63)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1,
			       sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			cur[j] = del < ins ? (del < sub ? del : sub) : (ins < sub ? ins : sub);
		}
		memcpy(prev, cur, sizeof(cur));
	}
	return prev[lb];
}

const char *seg_closest(const char *word, const char *const *candidates)
{
	const char *best = NULL;
	size_t best_d = SIZE_MAX, limit = strlen(word) / 2 + 1;

	for (const char *const *c = candidates; *c; c++) {
		size_t d = seg_edit_distance(word, *c);
		if (d < best_d) {
			best_d = d;
			best = *c;
		}
	}
	return best_d <= limit && best_d <= 3 ? best : NULL;
}

int seg_ynode_check_keys(const seg_ydoc *d, const seg_ynode *map, const char *what,
			 const char *const *known, seg_error **err)
{
	int r;

	if ((r = seg_ynode_expect(d, map, SEG_YNODE_MAP, what, err)) < 0)
		return r;
	for (size_t i = 0; i < map->n; i++) {
		const seg_ynode *k = map->keys[i];
		const char *hint;
		bool found = false;
		char list[512] = "";
		size_t len = 0;

		for (const char *const *kk = known; *kk; kk++)
			if (strcmp(*kk, k->value) == 0)
				found = true;
		if (found)
			continue;
		hint = seg_closest(k->value, known);
		if (hint)
			return seg_error_set_at(err, EINVAL, d->file, k->line, k->column,
						"unknown key '%s' in %s; did you mean '%s'?",
						k->value, what, hint);
		for (const char *const *kk = known; *kk && len < sizeof(list) - 40; kk++)
			len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
						kk == known ? "" : ", ", *kk);
		return seg_error_set_at(err, EINVAL, d->file, k->line, k->column,
					"unknown key '%s' in %s (known keys: %s)", k->value, what,
					list);
	}
	return 0;
}

int seg_ynode_expect(const seg_ydoc *d, const seg_ynode *n, seg_ynode_type type, const char *what,
		     seg_error **err)
{
	static const char *const names[] = { "a single value", "a map", "a list" };

	if (n->type == type && (type != SEG_YNODE_SCALAR || n->value))
		return 0;
	return seg_error_set_at(err, EINVAL, d->file, n->line, n->column, "%s must be %s, not %s",
				what, names[type], names[n->type]);
}

int seg_ynode_uint(const seg_ydoc *d, const seg_ynode *n, const char *what, uint64_t max,
		   uint64_t *ret, seg_error **err)
{
	unsigned long long v;
	char *end;
	int r;

	if ((r = seg_ynode_expect(d, n, SEG_YNODE_SCALAR, what, err)) < 0)
		return r;
	errno = 0;
	v = strtoull(n->value, &end, 10);
	if (n->value[0] < '0' || n->value[0] > '9' || *end || errno != 0 || v > max)
		return seg_error_set_at(err, ERANGE, d->file, n->line, n->column,
					"%s '%s' is not a number from 0 to %" PRIu64, what,
					n->value, max);
	*ret = v;
	return 0;
}

int seg_ynode_bool(const seg_ydoc *d, const seg_ynode *n, const char *what, bool *ret,
		   seg_error **err)
{
	int r;

	if ((r = seg_ynode_expect(d, n, SEG_YNODE_SCALAR, what, err)) < 0)
		return r;
	if (strcmp(n->value, "true") == 0 || strcmp(n->value, "yes") == 0)
		*ret = true;
	else if (strcmp(n->value, "false") == 0 || strcmp(n->value, "no") == 0)
		*ret = false;
	else
		return seg_error_set_at(err, EINVAL, d->file, n->line, n->column,
					"%s '%s' must be true or false", what, n->value);
	return 0;
}

int seg_ynode_size(const seg_ydoc *d, const seg_ynode *n, const char *what, uint64_t *ret,
		   seg_error **err)
{
	unsigned long long v;
	uint64_t mult = 1;
	char *end;
	int r;

	if ((r = seg_ynode_expect(d, n, SEG_YNODE_SCALAR, what, err)) < 0)
		return r;
	errno = 0;
	v = strtoull(n->value, &end, 10);
	if (end[0] && !end[1]) {
		switch (end[0]) {
		case 'K': mult = 1ULL << 10; end++; break;
		case 'M': mult = 1ULL << 20; end++; break;
		case 'G': mult = 1ULL << 30; end++; break;
		}
	}
	if (n->value[0] < '0' || n->value[0] > '9' || *end || errno != 0 || v == 0 ||
	    v > (1ULL << 50) / mult)
		return seg_error_set_at(err, ERANGE, d->file, n->line, n->column,
					"%s '%s' is not a size (a positive number with an "
					"optional K, M or G suffix, e.g. 256M)",
					what, n->value);
	*ret = v * mult;
	return 0;
}
