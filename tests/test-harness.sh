#!/bin/sh
# The privileged harness cleans up after success, failure and SIGKILL.
# usage: test-harness.sh PATH/TO/segt-run
set -u
run=$1
if [ "$(id -u)" != 0 ]; then echo "1..0 # SKIP needs root (network namespaces)"; exit 0; fi
n=0; fail=0
t() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
gone() { # ns dir
	i=0
	while [ $i -lt 100 ]; do
		if ! ip netns list | grep -q "^$1\b" && [ ! -e "$2" ]; then return 0; fi
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# A failing test that made a veth, a file and a mount in its sandbox.
"$run" --name hself -- sh -c '
	echo "$SEGT_NETNS $SEGT_DIR" >'"$tmp"'/info
	[ -d "$SEGREGATE_STATE_DIR" ] && [ -d "$SEGREGATE_LXCPATH" ] || exit 9
	ip link add segt-a type veth peer name segt-b || exit 9
	mkdir "$SEGT_DIR/m" && mount -t tmpfs none "$SEGT_DIR/m" || exit 9
	touch "$SEGT_DIR/m/x"
	exit 7' >"$tmp/out" 2>&1
t $([ $? = 7 ] && echo 0 || echo 1) "exit status of the test is passed through"
read -r ns dir <"$tmp/info"
case $ns in segt-*) t 0 "namespace named $ns";; *) t 1 "namespace named $ns";; esac
gone "$ns" "$dir"; t $? "failed test: namespace and directory (with a mount) removed"
ip link show segt-a >/dev/null 2>&1; t $([ $? != 0 ] && echo 0 || echo 1) "the test's veth never reached the host"

# A test killed with SIGKILL.
"$run" --name hkill -- sh -c 'echo "$SEGT_NETNS $SEGT_DIR" >'"$tmp"'/info2; exec sleep 1000' >/dev/null 2>&1 &
pid=$!
i=0; while [ ! -s "$tmp/info2" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
read -r ns2 dir2 <"$tmp/info2"
ip netns list | grep -q "^$ns2\b"; t $? "namespace exists while the test runs"
kill -9 "$pid"
gone "$ns2" "$dir2"; t $? "killed test: namespace, processes and directory removed"
ip netns pids "$ns2" >/dev/null 2>&1; t $([ $? != 0 ] && echo 0 || echo 1) "nothing runs in the namespace any more"

echo "1..$n"
exit $fail
