#!/bin/sh
# seg-net end to end on names: a registry (written as seg-create would) of
# part of the seed's web platform, the example topology's flows, inside
# segt-run's namespace.  Traffic itself is test-net-traffic.sh's business.
set -u
[ -n "${SEGT_NETNS:-}" ] || { echo "1..0 # SKIP must run inside segt-run's namespace"; exit 0; }
net=$SEG_TOOLS_DIR/seg-net
topo=$(cd "$SEG_TESTS_DIR/.." && pwd)/profiles/examples/webplatform.yaml
n=0; fail=0
t() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
st=$SEGREGATE_STATE_DIR
unset SEGREGATE_STATE_DIR
{
	echo "segregate-registry 1"
	i=2
	for j in waf proxy web1 db; do
		echo "jail $j $i ${j%1} host $topo seg-$j 127.200.0.$i $((268435456 + i * 65536)) 65536 1700000000"
		i=$((i + 1))
	done
} >"$st/registry"

"$net" apply --state-dir "$st"; t $? "seg-net apply (registry's jails, their topology's flows)"
out=$("$net" show --state-dir "$st")
echo "$out" | grep -Eq "^flow +waf +web1 +tcp +80$"; t $? "show: flow waf -> web1 80/tcp"
echo "$out" | grep -Eq "^ingress +\* +waf +tcp +443->443$"; t $? "show: ingress 443 -> waf"
! echo "$out" | grep -q web2; t $? "show: web2 (not created) gets no flow"
echo "$out" | grep -Eq "^egress +proxy"; t $? "show: the proxy's egress"
"$net" --state-dir "$st" show --json | grep -q '"kind":"flow","from":"waf","to":"web1","proto":"tcp","port":"80"'
t $? "show --json, --state-dir before the command"
"$net" check --state-dir "$st" >/dev/null; t $? "check: in sync"
gen() { nft list ruleset | md5sum; }
a=$(nft -a list table inet segregate | md5sum)
"$net" apply --state-dir "$st"
[ "$(nft -a list table inet segregate | md5sum)" = "$a" ]; t $? "apply twice: the table is untouched"
"$net" allow web1 waf 9/tcp --state-dir "$st"; t $? "allow web1 waf 9/tcp"
out=$("$net" check --state-dir "$st"); r=$?
[ $r = 3 ] && echo "$out" | grep -q "unexpected: element flows 127.200.0.4 . 127.200.0.2 . tcp . 9"
t $? "check exits 3 and names the extra flow"
"$net" deny web1 waf 9/tcp --state-dir "$st" && "$net" check --state-dir "$st" >/dev/null
t $? "deny removes it: in sync again"
"$net" allow web1 nosuch 9/tcp --state-dir "$st" 2>/dev/null; t $([ $? = 1 ] && echo 0 || echo 1) "allow to an unknown jail fails (exit 1)"
"$net" allow web1 waf 9 --state-dir "$st" 2>/dev/null; t $([ $? = 2 ] && echo 0 || echo 1) "PORT without /PROTO is a usage error (exit 2)"
"$net" frobnicate 2>/dev/null; t $([ $? = 2 ] && echo 0 || echo 1) "unknown command: exit 2"
"$net" flush --state-dir "$st"; t $? "flush"
"$net" show --state-dir "$st" | grep -q "not present"; t $? "show after flush: no table"
"$net" check --state-dir "$st" | grep -q "missing: table inet segregate"; t $? "check after flush reports the missing table"
echo "1..$n"
exit $fail
