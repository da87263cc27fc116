#!/bin/sh
# demo.sh BUILD_DIR [--keep] [--host] - the seed's web platform, live.
#
# Brings up profiles/examples/webplatform.yaml (waf, proxy, web1, web2, db,
# syslog, dns) with seg-apply inside a private network namespace (the host's
# own firewall and routes are not touched), with a simulated outside world
# in a second namespace: a client on 192.0.2.100 and a remote web server on
# 198.51.100.10 (documentation addresses, inside the demo's namespaces only).
# Prints the jails, the live reachability matrix against the policy, one
# blocked attack per class, then tears everything down (--keep leaves it).
# --host runs on the real host: its nftables ruleset and routes change.
set -u
build=$(cd "${1:?usage: demo.sh BUILD_DIR [--keep] [--host]}" && pwd); shift
here=$(cd "$(dirname "$0")/.." && pwd)
keep=0 host=0
for a in "$@"; do
	case $a in
	--keep) keep=1 ;;
	--host) host=1 ;;
	-h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "demo: unknown option $a (try --help)" >&2; exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "demo: needs root" >&2; exit 1; }

T=$build/tools
topo=$here/profiles/examples/webplatform.yaml
export SEGREGATE_PROFILE_DIR=$here/profiles
out=segdemo-out-$$
ok=0 bad=0
step() { printf '\n== %s\n' "$*"; }
expect() { # blocked|passes DESCRIPTION COMMAND...
	want=$1 d=$2; shift 2
	if "$@" >/dev/null 2>&1; then got=passes; else got=blocked; fi
	if [ "$got" = "$want" ]; then ok=$((ok + 1)); mark=ok; else bad=$((bad + 1)); mark=UNEXPECTED; fi
	printf '  %-62s %-8s %s\n' "$d" "$got" "$mark"
}

if [ $host = 1 ]; then
	echo "demo: --host: jails, routes, the 'inet segregate' table, an uplink veth"
	echo "      (192.0.2.1/24) and net.ipv4.ip_forward=1 go on THIS host; it ends with"
	echo "      seg-apply --down unless --keep (ip_forward stays as set)."
	echo "      Ctrl-C within 5 s to stop."
	sleep 5
	ns= state=${SEGREGATE_STATE_DIR:-/var/lib/segregate}
	run() { "$@"; }
else
	ns=segdemo-$$
	state=$(mktemp -d /tmp/segdemo.XXXXXX); chmod 755 "$state"
	run() { nsenter --net="/run/netns/$ns" "$@"; }
fi
export SEGREGATE_STATE_DIR=$state SEGREGATE_LXCPATH=$state/jails

cleanup() {
	trap '' PIPE INT TERM HUP
	[ $keep = 1 ] && return
	step "tearing down"
	run "$T/seg-apply" --quiet --down "$topo"
	if [ -n "$ns" ]; then
		for p in $(ip netns pids "$ns" 2>/dev/null) $(ip netns pids "$out" 2>/dev/null); do
			kill -9 "$p" 2>/dev/null
		done
		wait 2>/dev/null
		ip netns del "$ns" 2>/dev/null
		ip netns del "$out" 2>/dev/null
		rm -rf --one-file-system "$state"
	else
		ip netns del "$out" 2>/dev/null
		ip link del segdemo-up0 2>/dev/null
	fi
	echo "  nothing left behind"
}
trap 'cleanup' EXIT
trap 'exit 130' INT TERM HUP PIPE

start=$(date +%s)
step "the network: ${ns:-the host} with an uplink to a simulated outside"
[ -n "$ns" ] && { ip netns add "$ns" && ip -n "$ns" link set lo up || exit 1; }
ip netns add "$out" && ip -n "$out" link set lo up || exit 1
ip link add segdemo-up0 type veth peer name up1 netns "$out" || exit 1
[ -n "$ns" ] && ip link set segdemo-up0 netns "$ns"
run ip addr add 192.0.2.1/24 dev segdemo-up0 && run ip link set segdemo-up0 up
ip -n "$out" addr add 192.0.2.100/24 dev up1 && ip -n "$out" link set up1 up
ip -n "$out" addr add 198.51.100.10/32 dev lo
# the simulated outside stays on this machine: in the private namespace it is
# the default route; on the real host only the remote server's /32 goes there
if [ -n "$ns" ]; then run ip route add default via 192.0.2.100
else ip route add 198.51.100.10/32 via 192.0.2.100; fi
run sysctl -qw net.ipv4.ip_forward=1
# outside: a remote web server (80, 443); the client comes from 192.0.2.100
# (in subshells: not this script's jobs, so their end at teardown is silent)
for p in 80 443; do
	(ip netns exec "$out" sh -c "while :; do printf 'HTTP/1.0 200 OK\r\n\r\nremote\n' | nc -l -s 198.51.100.10 -p $p -q 0 -w 2 >/dev/null 2>&1; done" 2>/dev/null &)
done
# a host-only service on the host, which no jail may reach
(run sh -c 'while :; do echo host-secret | nc -l -p 2222 -q 0 -w 2 >/dev/null 2>&1; done' 2>/dev/null &)
echo "  uplink segdemo-up0 192.0.2.1/24, outside client 192.0.2.100, remote server 198.51.100.10"

step "seg-apply $topo"
run "$T/seg-apply" "$topo" || exit 1
run "$T/seg-net" apply --uplink segdemo-up0 >/dev/null || exit 1

step "the jails"
printf '  %-8s %-7s %-13s %-24s %-40s %s\n' NAME ROLE ADDRESS UIDS "CAPABILITIES KEPT" SYSCALLS
run "$T/seg-ls" --json | jq -r '.[] | [.name, .role, .address, "\(.uid_base)-\(.uid_base + .uid_count - 1)"] | @tsv' |
while IFS="$(printf '\t')" read -r name role addr uids; do
	ex=$("$T/seg-profile" --explain --json --topology "$topo" --jail "$name")
	caps=$(echo "$ex" | jq -r '[.capabilities[].name] | join(",")')
	sc=$(echo "$ex" | jq -r '"\(.counts.syscalls_allowed)/\(.counts.syscalls_total)"')
	printf '  %-8s %-7s %-13s %-24s %-40s %s\n' "$name" "$role" "$addr" "$uids" "${caps:-none}" "$sc"
done

step "syslog: every jail logs to the syslog jail (UDP 514)"
for j in waf proxy web1 web2 db dns; do
	run "$T/seg-exec" "$j" -- /bin/busybox sh -c "echo '<14>$j: hello from $j' | /usr/bin/nc.openbsd -u -w1 -q1 127.200.0.7 514" >/dev/null 2>&1
done
i=0
while [ "$(grep -c 'hello from' "$state/jails/syslog/console.log" 2>/dev/null)" != 6 ] && [ $i -lt 30 ]; do
	sleep 0.1; i=$((i + 1))
done
got=$(grep -c 'hello from' "$state/jails/syslog/console.log" 2>/dev/null)
echo "  the syslog jail received ${got:-0} of 6 messages (in $state/jails/syslog/console.log, out of its reach)"
[ "${got:-0}" = 6 ] && ok=$((ok + 1)) || bad=$((bad + 1))

step "live reachability matrix (seg-probe), measured from inside each jail"
run "$T/seg-probe" --outside 198.51.100.10 --host-port 2222
probe=$?
[ $probe = 0 ] && ok=$((ok + 1)) || bad=$((bad + 1))

step "what the outside sees"
expect passes "client -> 192.0.2.1:80 (DNAT to the WAF)" ip netns exec "$out" sh -c 'printf "GET /busybox-static/copyright HTTP/1.0\r\n\r\n" | nc -w 2 192.0.2.1 80 | grep -q "200 OK"'
expect blocked "client -> 192.0.2.1:5432 (no ingress declared)" ip netns exec "$out" nc -z -w 1 192.0.2.1 5432
ip -n "$out" route add 127.200.0.0/16 via 192.0.2.1 2>/dev/null
expect blocked "client -> 127.200.0.6:5432 routed at the host (CVE-2020-8558)" ip netns exec "$out" nc -z -w 1 127.200.0.6 5432

step "attacks from a compromised jail"
expect blocked "web1 -> db:22 (jail to jail, undeclared port)" run "$T/seg-exec" web1 -- /usr/bin/nc.openbsd -z -w 1 127.200.0.6 22
expect blocked "web1 -> web2:80 (jail to jail, no flow)" run "$T/seg-exec" web1 -- /usr/bin/nc.openbsd -z -w 1 127.200.0.5 80
expect blocked "web1 -> 198.51.100.10:80 (the outside)" run "$T/seg-exec" web1 -- /usr/bin/nc.openbsd -z -w 1 198.51.100.10 80
expect passes  "proxy -> 198.51.100.10:80 (the one jail that goes out)" run "$T/seg-exec" proxy -- /usr/bin/nc.openbsd -z -w 2 198.51.100.10 80
expect blocked "web1 -> host:2222 (a host-only service)" run "$T/seg-exec" web1 -- /usr/bin/nc.openbsd -z -w 1 127.200.0.1 2222
expect blocked "web1: ip addr add 127.200.0.50 (no CAP_NET_ADMIN)" run "$T/seg-exec" web1 -- /bin/busybox ip addr add 127.200.0.50/32 dev eth0
pid=$(run "$T/seg-ls" --json | jq -r '.[] | select(.name == "web1") | .pid')
# even full root in web1's network namespace (entered from the host) cannot
# use an address that is not web1's: anti-spoofing drops it first
nsenter -t "$pid" -n ip addr add 127.200.0.50/32 dev eth0 2>/dev/null
expect blocked "web1 as root with a forged source 127.200.0.50 -> db:5432" nsenter -t "$pid" -n nc -z -w 1 -s 127.200.0.50 127.200.0.6 5432
expect passes  "web1 with its own address -> db:5432 (the declared flow)" nsenter -t "$pid" -n nc -z -w 1 -s 127.200.0.4 127.200.0.6 5432
nsenter -t "$pid" -n ip addr del 127.200.0.50/32 dev eth0 2>/dev/null
echo "  anti-spoofing drops so far: $(run nft list chain inet segregate raw_prerouting | grep -m1 '@bindings' | grep -o 'packets [0-9]*')"

step "result"
echo "  $ok checks as expected, $bad unexpected; $(( $(date +%s) - start )) s"
if [ $keep = 1 ]; then
	echo "  --keep: the platform keeps running. Enter a jail:"
	echo "    ${ns:+nsenter --net=/run/netns/$ns }env SEGREGATE_STATE_DIR=$state $T/seg-exec web1 /bin/busybox sh"
	echo "  Remove everything:"
	echo "    ${ns:+nsenter --net=/run/netns/$ns }env SEGREGATE_STATE_DIR=$state SEGREGATE_PROFILE_DIR=$here/profiles $T/seg-apply --down $topo"
	if [ -n "$ns" ]; then
		echo "    kill \$(ip netns pids $ns) \$(ip netns pids $out)   # the demo's stand-in outside"
		echo "    ip netns del $ns; ip netns del $out; rm -rf $state"
	else
		echo "    kill \$(ip netns pids $out); ip netns del $out; ip link del segdemo-up0"
	fi
fi
[ $bad = 0 ]
