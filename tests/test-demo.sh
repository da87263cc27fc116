#!/bin/sh
# ./quickstart demo's script, end to end: the matrix equals the policy,
# every attack is blocked, and nothing is left behind.
# usage: test-demo.sh BUILD_DIR
set -u
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root (jails, network namespaces)"; exit 0; }
n=0; fail=0
t() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
tmp=$(mktemp); trap 'rm -f "$tmp"' EXIT
before_ns=$(ip netns list | grep -c '^segdemo')
"$SEG_TESTS_DIR/demo.sh" "$1" >"$tmp" 2>&1; r=$?
sed 's/^/# /' "$tmp"
t $r "demo exits 0"
grep -q '^[0-9]* probes, 0 differences$' "$tmp"; t $? "live matrix equals the policy"
grep -q 'the syslog jail received 6 of 6 messages' "$tmp"; t $? "the syslog jail received every jail's message"
t $([ "$(grep -c ' blocked  ok$' "$tmp")" = 8 ] && echo 0 || echo 1) "eight attacks blocked"
t $([ "$(grep -c ' passes   ok$' "$tmp")" = 3 ] && echo 0 || echo 1) "three legitimate paths pass"
grep -q 'UNEXPECTED' "$tmp"; t $([ $? != 0 ] && echo 0 || echo 1) "no unexpected result"
grep -q '^Killed\|Terminated' "$tmp"; t $([ $? != 0 ] && echo 0 || echo 1) "teardown is quiet"
t $([ "$(ip netns list | grep -c '^segdemo')" = "$before_ns" ] && echo 0 || echo 1) "no demo namespace left"
dir=$(sed -n 's|.*in \(/tmp/segdemo\.[A-Za-z0-9]*\)/jails/syslog.*|\1|p' "$tmp")
t $([ -n "$dir" ] && [ ! -e "$dir" ] && echo 0 || echo 1) "demo state directory removed (${dir:-?})"
ip link show segdemo-up0 >/dev/null 2>&1; t $([ $? != 0 ] && echo 0 || echo 1) "no uplink veth left on the host"
echo "1..$n"
exit $fail
