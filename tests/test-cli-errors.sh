#!/bin/sh
# Bad command lines of the apply, probe, exec and integrity tools: exit 2
# and the exact message, before anything is touched.  No root needed.
set -u
n=0; fail=0
t() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
T=$SEG_TOOLS_DIR
check() { # expected-first-line tool args...
	want=$1; shift
	out=$("$T/$@" 2>&1); r=$?
	first=$(echo "$out" | head -n1)
	if [ $r = 2 ] && [ "$first" = "$want" ]; then t 0 "$*: $want"
	else t 1 "$*"; echo "#   exit $r, got: $first"; echo "#   expected: $want"; fi
}
check "seg-apply: missing TOPOLOGY file" seg-apply
check "seg-apply: exactly one TOPOLOGY file expected" seg-apply a.yaml b.yaml
check "seg-apply: --down takes neither --prune nor --recreate" seg-apply --down --recreate a.yaml
check "seg-probe: --outside 'nope' is not an IPv4 address" seg-probe --outside nope
check "seg-probe: --host-port '0' is not a port (1-65535)" seg-probe --host-port 0
check "seg-probe: --host-port '70000' is not a port (1-65535)" seg-probe --host-port 70000
check "seg-probe: --timeout '0' is not 1-60000 ms" seg-probe --timeout 0
check "seg-probe: unexpected argument 'extra'" seg-probe extra
check "seg-exec: missing jail NAME" seg-exec
check "seg-exec: missing COMMAND" seg-exec web1
check "seg-exec: missing COMMAND" seg-exec web1 --
check "seg-integrity: missing command (baseline or verify)" seg-integrity
check "seg-integrity: unknown command 'check' (baseline or verify)" seg-integrity check web1
check "seg-integrity: missing jail NAME" seg-integrity verify
echo "1..$n"
exit $fail
