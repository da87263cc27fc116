#!/bin/sh
# The two shared bases and the offline package directory, in live jails:
# base "dir:PATH" shows the prepared rootfs's /usr and not the host's, a
# pkgdir appears read-only where apt keeps its cache.
# usage (through segt-run): test-bases.sh
set -u
. "$SEG_TESTS_DIR/jail-lib.sh"
pk=$SEGT_DIR/packages rb=$SEGT_DIR/rootfs
mkdir -p "$pk" "$rb/usr/bin" "$rb/usr/sbin"
echo "not really a package" >"$pk/tool_1.0_amd64.deb"
cp /bin/busybox "$rb/usr/bin/busybox"
ln -s usr/bin "$rb/bin"; ln -s usr/sbin "$rb/sbin"
cat >"$SEGT_DIR/bases.yaml" <<EOT
jails:
  - name: pk
    role: web
    pkgdir: $pk
  - name: rb
    role: web
    base: dir:$rb
    init: /usr/bin/busybox sleep 1000
EOT
out=$("$T/seg-apply" "$SEGT_DIR/bases.yaml" 2>&1); t $? "jails with a pkgdir and with a dir: base up"
diag "$out"

out=$("$T/seg-exec" pk -- /bin/busybox cat /var/cache/apt/archives/tool_1.0_amd64.deb 2>&1)
t $([ "$out" = "not really a package" ] && echo 0 || echo 1) "the package directory is where apt looks for it"
out=$("$T/seg-exec" pk -- /bin/busybox sh -c 'echo x > /var/cache/apt/archives/planted' 2>&1)
echo "$out" | grep -q 'Read-only file system'; t $? "and read-only from the jail"
t $([ ! -e "$pk/planted" ] && echo 0 || echo 1) "nothing was planted in the host's package directory"
out=$("$T/seg-exec" pk -- /bin/busybox stat -c %u:%g /var/cache/apt/archives/tool_1.0_amd64.deb 2>&1)
t $([ "$out" = 0:0 ] && echo 0 || echo 1) "host root's files appear as the jail's root (idmapped): $out"

out=$("$T/seg-exec" rb -- /usr/bin/busybox ls /usr/bin 2>&1)
t $([ "$out" = busybox ] && echo 0 || echo 1) "base dir: the jail's /usr is the prepared one ($out)"
"$T/seg-exec" rb -- /usr/bin/busybox test -e /usr/lib/os-release; t $([ $? != 0 ] && echo 0 || echo 1) "the host's /usr is not there"
out=$("$T/seg-exec" rb -- /usr/bin/busybox sh -c 'echo y > /usr/bin/planted' 2>&1)
echo "$out" | grep -q 'Read-only file system'; t $? "the dir: base is read-only from the jail"
t $([ ! -e "$rb/usr/bin/planted" ] && echo 0 || echo 1) "and the prepared rootfs is unchanged"
kib=$(du -s -k "$P/rb" | cut -f1)
t $([ "$kib" -lt 1024 ] && echo 0 || echo 1) "a jail on a dir: base costs ${kib} KiB of its own"

out=$("$T/seg-apply" --down "$SEGT_DIR/bases.yaml" 2>&1); t $? "down"
t $([ -e "$pk/tool_1.0_amd64.deb" ] && [ -x "$rb/usr/bin/busybox" ] && echo 0 || echo 1) "removing the jails left the shared directories alone"
finish
