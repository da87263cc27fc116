/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Bad input: every mistake in a role or topology is refused with a message
 * naming the file, line and column and what would be valid.  Each case
 * pins the exact message ("~" stands for the test's profile directory).
 */
#include "plan.h"
#include "spec.h"
#include "tap.h"
#include "test-profile-util.h"

static char dir[] = "/tmp/test-profile-XXXXXX";

typedef struct bad_case {
	const char *what;
	bool role;          /* a role file roles/NAME.yaml, else a topology */
	const char *name;   /* role name or topology file name */
	const char *text;
	const char *message; /* "~" is replaced by the directory */
} bad_case;

static const char base_role[] =
	"name: base\n"
	"syscall-groups:\n"
	"  - group: \"@default\"\n"
	"    reason: needed\n";

#define GOOD_JAILS "jails:\n  - name: a\n    role: base\n  - name: s\n    role: logs\n"

static const bad_case cases[] = {
	{ "YAML syntax error", true, "syntax", "name: syntax\ncapabilities: [a, b\n",
	  "~/roles/syntax.yaml:3:1: YAML syntax error: did not find expected ',' or ']' while "
	  "parsing a flow sequence" },
	{ "unknown key with a suggestion", true, "typo", "name: typo\ncapabilites: []\n",
	  "~/roles/typo.yaml:2:1: unknown key 'capabilites' in a role; did you mean 'capabilities'?" },
	{ "unknown key without one", true, "odd", "name: odd\ncolour: blue\n",
	  "~/roles/odd.yaml:2:1: unknown key 'colour' in a role (known keys: name, extends, "
	  "description, shared, init, capabilities, syscall-groups, syscalls, socket-families, "
	  "limits, mounts, sysctls)" },
	{ "unknown capability", true, "cap", "capabilities:\n  - cap: net_bind_servic\n    reason: x\n",
	  "~/roles/cap.yaml:2:10: unknown capability 'net_bind_servic'; did you mean "
	  "'net_bind_service'?" },
	{ "capability as a number", true, "capnum", "capabilities:\n  - cap: \"10\"\n    reason: x\n",
	  "~/roles/capnum.yaml:2:10: unknown capability '10' (capabilities are named as in "
	  "capabilities(7), e.g. net_bind_service)" },
	{ "unknown syscall", true, "sc", "syscalls:\n  - syscall: sendfil\n    reason: x\n",
	  "~/roles/sc.yaml:2:14: unknown syscall 'sendfil'; did you mean 'sendfile'?" },
	{ "unknown group", true, "grp", "syscall-groups:\n  - group: \"@network\"\n    reason: x\n",
	  "~/roles/grp.yaml:2:12: unknown syscall group '@network'; did you mean '@network-io'?" },
	{ "forbidden socket family", true, "fam", "socket-families:\n  - family: alg\n    reason: x\n",
	  "~/roles/fam.yaml:2:13: unknown or forbidden socket family 'alg' (valid: unix, inet, "
	  "inet6, netlink-route, netlink-audit, packet)" },
	{ "grant without a reason", true, "noreason", "capabilities:\n  - cap: chown\n",
	  "~/roles/noreason.yaml:2:5: cap 'chown' has no reason: every grant needs a short 'reason'" },
	{ "name differs from the file", true, "named", "name: other\n",
	  "~/roles/named.yaml:1:7: role name 'other' does not match its file name 'named.yaml'" },
	{ "cycle in extends", true, "cyc1", "extends: cyc2\n",
	  "~/roles/cyc1.yaml:1:10: extends 'cyc2': ~/roles/cyc2.yaml:1:10: extends 'cyc1': "
	  "cycle in extends: cyc1 -> cyc2 -> cyc1" },
	{ "extends a missing role", true, "orphan", "extends: nothere\n",
	  "~/roles/orphan.yaml:1:10: extends 'nothere': no role 'nothere' (no file "
	  "~/roles/nothere.yaml; see --list-roles)" },
	{ "bad limit", true, "lim", "limits:\n  memory: 12Q\n",
	  "~/roles/lim.yaml:2:11: memory '12Q' is not a size (a positive number with an optional "
	  "K, M or G suffix, e.g. 256M)" },
	{ "duplicate key", true, "dup", "name: dup\nname: dup\n",
	  "~/roles/dup.yaml:2:1: duplicate key 'name' (first at line 1)" },
	{ "mount over /usr", true, "mnt",
	  "mounts:\n  - source: /srv\n    target: /usr/x\n    reason: x\n",
	  "~/roles/mnt.yaml:3:13: mount target '/usr/x' must be an absolute path in the jail, "
	  "outside /usr, /proc, /sys, /dev, /etc, /tmp, /run" },
	{ "mount source with ..", true, "mnt2",
	  "mounts:\n  - source: /srv/../etc\n    target: /data\n    reason: x\n",
	  "~/roles/mnt2.yaml:2:13: mount source '/srv/../etc' must be an absolute host path without "
	  "'..', spaces or control characters" },
	{ "host-wide sysctl", true, "sysctl",
	  "sysctls:\n  - name: kernel.panic\n    value: \"1\"\n    reason: x\n",
	  "~/roles/sysctl.yaml:2:11: sysctl 'kernel.panic' is not one a jail may set (only net.*, "
	  "kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*)" },

	{ "empty file", false, "empty.yaml", "", "~/empty.yaml: file is empty" },
	{ "not a map", false, "list.yaml", "- a\n- b\n",
	  "~/list.yaml:1:1: the document must be a map of keys" },
	{ "duplicate jail", false, "dupjail.yaml",
	  "jails:\n  - name: a\n    role: base\n  - name: a\n    role: base\n",
	  "~/dupjail.yaml:4:11: duplicate jail 'a' (first declared at line 2)" },
	{ "jail name ../x", false, "n1.yaml", "jails:\n  - name: ../x\n    role: base\n",
	  "~/n1.yaml:2:11: invalid jail name '../x' (valid: 1 to 31 of a-z, 0-9, '-', starting "
	  "with a letter or digit)" },
	{ "jail name a;b", false, "n2.yaml", "jails:\n  - name: a;b\n    role: base\n",
	  "~/n2.yaml:2:11: invalid jail name 'a;b' (valid: 1 to 31 of a-z, 0-9, '-', starting "
	  "with a letter or digit)" },
	{ "jail name with a newline", false, "n3.yaml", "jails:\n  - name: \"a\\nb\"\n    role: base\n",
	  "~/n3.yaml:2:11: invalid jail name 'a\nb' (valid: 1 to 31 of a-z, 0-9, '-', starting "
	  "with a letter or digit)" },
	{ "jail name too long", false, "n4.yaml",
	  "jails:\n  - name: abcdefghijabcdefghijabcdefghijab\n    role: base\n",
	  "~/n4.yaml:2:11: invalid jail name 'abcdefghijabcdefghijabcdefghijab' (valid: 1 to 31 of "
	  "a-z, 0-9, '-', starting with a letter or digit)" },
	{ "unknown role", false, "role.yaml", "jails:\n  - name: a\n    role: nope\n",
	  "~/role.yaml:3:11: jail 'a': no role 'nope' (no file ~/roles/nope.yaml; see --list-roles)" },
	{ "flow to an unknown jail", false, "flow.yaml",
	  GOOD_JAILS "flows:\n  - from: a\n    to: ghost\n    port: 80\n",
	  "~/flow.yaml:8:9: to names unknown jail 'ghost' (declare it under 'jails')" },
	{ "'*' towards a non-shared jail", false, "star.yaml",
	  GOOD_JAILS "flows:\n  - from: \"*\"\n    to: a\n    port: 80\n",
	  "~/star.yaml:7:11: '*' as a source is only allowed towards shared services (roles with "
	  "'shared: true'); jail 'a' has role 'base'" },
	{ "port 0", false, "p0.yaml", GOOD_JAILS "flows:\n  - from: a\n    to: s\n    port: 0\n",
	  "~/p0.yaml:9:11: port '0' is out of range (1 to 65535)" },
	{ "port 70000", false, "p1.yaml", GOOD_JAILS "flows:\n  - from: a\n    to: s\n    port: 70000\n",
	  "~/p1.yaml:9:11: port '70000' is out of range (1 to 65535)" },
	{ "bad proto", false, "proto.yaml",
	  GOOD_JAILS "flows:\n  - from: a\n    to: s\n    port: 514\n    proto: icmp\n",
	  "~/proto.yaml:10:12: proto 'icmp' must be tcp or udp" },
	{ "pool over 127.0.0.1", false, "pool1.yaml", "pool: 127.0.0.0/16\n" GOOD_JAILS,
	  "~/pool1.yaml:1:7: pool '127.0.0.0/16' overlaps the host's own 127.0.0.1; use e.g. "
	  "127.200.0.0/16" },
	{ "pool outside loopback", false, "pool2.yaml", "pool: 10.0.0.0/16\n" GOOD_JAILS,
	  "~/pool2.yaml:1:7: pool '10.0.0.0/16' is outside 127.0.0.0/8: jails live on "
	  "loopback-range addresses only" },
	{ "pool not aligned", false, "pool3.yaml", "pool: 127.200.0.1/16\n" GOOD_JAILS,
	  "~/pool3.yaml:1:7: pool '127.200.0.1/16' is not aligned to its prefix (host bits must "
	  "be zero)" },
	{ "pool exhausted", false, "pool4.yaml", "pool: 127.200.0.0/30\n" GOOD_JAILS,
	  "~/pool4.yaml:3:3: 2 jails do not fit: pool /30 and uid base 268435456 leave room for 1" },
	{ "uid base not aligned", false, "uid1.yaml", "uid-base: 100000\n" GOOD_JAILS,
	  "~/uid1.yaml:1:11: uid-base 100000 must be a multiple of 65536 above the host's own "
	  "users (default 268435456)" },
	{ "uid space exhausted", false, "uid2.yaml", "uid-base: 4294836224\n" GOOD_JAILS,
	  "~/uid2.yaml:3:3: 2 jails do not fit: pool /16 and uid base 4294836224 leave room for 0" },
	{ "host port twice", false, "ing.yaml",
	  GOOD_JAILS "ingress:\n  - host-port: 443\n    to: a\n    port: 443\n"
		     "  - host-port: 443\n    to: s\n    port: 8443\n",
	  "~/ing.yaml:10:16: host port 443/tcp is already forwarded" },
	{ "unknown topology key", false, "key.yaml", "jail:\n  - name: a\n",
	  "~/key.yaml:1:1: unknown key 'jail' in a topology; did you mean 'jails'?" },
};

static void write_role(const char *name, const char *text)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/roles/%s.yaml", dir, name);
	write_file(path, text);
}

static char *expand(const char *msg)
{
	size_t n = strlen(msg) + 1;
	char *out, *o;

	for (const char *p = msg; *p; p++)
		n += *p == '~' ? strlen(dir) : 0;
	o = out = malloc(n);
	for (const char *p = msg; *p; p++)
		if (*p == '~')
			o = stpcpy(o, dir);
		else
			*o++ = *p;
	*o = '\0';
	return out;
}

int main(void)
{
	_cleanup_(seg_ctx_freep) seg_ctx *ctx = NULL;
	char path[512];

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/roles", dir);
	mkdir(path, 0755);
	ctx = test_ctx(dir, NULL);
	write_role("base", base_role);
	write_role("logs", "extends: base\nshared: true\n");
	write_role("cyc2", "extends: cyc1\n");

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		const bad_case *c = &cases[i];
		_cleanup_free_ char *want = expand(c->message);
		seg_error *e = NULL;
		int r;

		if (c->role) {
			seg_role *role = NULL;
			write_role(c->name, c->text);
			r = seg_role_load(ctx, c->name, &role, &e);
			seg_role_free(role);
		} else {
			seg_topology *t = NULL;
			snprintf(path, sizeof(path), "%s/%s", dir, c->name);
			write_file(path, c->text);
			r = seg_topology_load(ctx, path, &t, &e);
			seg_topology_free(t);
		}
		ok(r < 0 && e, "%s is refused", c->what);
		if (e)
			is_str(seg_error_message(e), want, c->what);
		seg_error_free(e);
	}

	/* a file over the size limit */
	{
		seg_topology *t = NULL;
		seg_error *e = NULL;
		char *big = malloc(SEG_YAML_MAX_SIZE + 2);
		_cleanup_free_ char *want = expand("~/big.yaml: file is too large (1048577 bytes, at most 1048576)");

		memset(big, '#', SEG_YAML_MAX_SIZE + 1);
		big[SEG_YAML_MAX_SIZE + 1] = '\0';
		snprintf(path, sizeof(path), "%s/big.yaml", dir);
		write_file(path, big);
		free(big);
		ok(seg_topology_load(ctx, path, &t, &e) == -EFBIG, "a file over 1 MiB is refused");
		if (e)
			is_str(seg_error_message(e), want, "size message");
		seg_error_free(e);
	}
	/* the good ones still load */
	{
		seg_topology *t = NULL;
		seg_error *e = NULL;
		snprintf(path, sizeof(path), "%s/good.yaml", dir);
		write_file(path, GOOD_JAILS "flows:\n  - from: \"*\"\n    to: s\n    port: 514\n    proto: udp\n");
		ok(seg_topology_load(ctx, path, &t, &e) == 0, "a good topology loads (%s)",
		   e ? seg_error_message(e) : "ok");
		seg_topology_free(t);
		seg_error_free(e);
	}
	rm_rf(dir);
	return tap_done();
}
