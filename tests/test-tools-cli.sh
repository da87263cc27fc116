#!/bin/sh
# Every tool answers --help and --version, and refuses bad usage with exit 2.
set -u
n=0; fail=0
t() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
for exe in "$SEG_TOOLS_DIR"/seg-*; do
	[ -x "$exe" ] && [ -f "$exe" ] || continue
	tool=$(basename "$exe")
	out=$("$exe" --help 2>&1); r=$?
	[ $r = 0 ] && echo "$out" | grep -q "^Usage: $tool"; t $? "$tool --help prints usage and exits 0"
	out=$("$exe" --version 2>&1); r=$?
	[ $r = 0 ] && [ "$out" = "$tool (segregate) $SEG_VERSION" ]
	t $? "$tool --version: $out"
	out=$("$exe" --no-such-option 2>&1); r=$?
	[ $r = 2 ] && echo "$out" | grep -q "Try '$tool --help'"; t $? "$tool rejects an unknown option with exit 2"
done
[ $n -gt 0 ]; t $? "found tools in $SEG_TOOLS_DIR"
echo "1..$n"
exit $fail
