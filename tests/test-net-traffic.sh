#!/bin/sh
# Real traffic through the segregate table and routes, inside segt-run's
# network namespace (the "host"); child network namespaces stand in for
# jails (a full jail is not needed to test routing and filtering) and for
# the outside world (documentation addresses 192.0.2.0/24, 198.51.100.0/24).
# Root inside a child namespace has CAP_NET_ADMIN: it stands in for the
# test-only profile that lets a jail add addresses and forge sources.
# Witnesses: nc (netcat-openbsd), nft list, ip.
# usage (through segt-run): test-net-traffic.sh PATH/TO/test-net-helper
set -u
helper=$1
[ -n "${SEGT_NETNS:-}" ] || { echo "1..0 # SKIP must run inside segt-run's namespace"; exit 0; }
for t in nc nft ip nsenter unshare setpriv; do
	command -v $t >/dev/null 2>&1 || { echo "1..0 # SKIP needs $t"; exit 0; }
done

n=0; fail=0
t() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
yes() { [ "$1" = 0 ] && echo 0 || echo 1; }
no() { [ "$1" = 0 ] && echo 1 || echo 0; }

pids=""
cleanup() { for p in $pids; do kill -9 "$p" 2>/dev/null; done; }
trap cleanup EXIT INT TERM

# A process holding a fresh network namespace, in $NEWPID; dies with us.
newns() {
	unshare -n setpriv --pdeathsig KILL sleep 600 </dev/null >/dev/null 2>&1 &
	NEWPID=$!
	pids="$pids $NEWPID"
	i=0
	while [ "$(readlink /proc/$NEWPID/ns/net)" = "$(readlink /proc/self/ns/net)" ] && [ $i -lt 100 ]; do
		sleep 0.02; i=$((i + 1))
	done
}
in_ns() { p=$1; shift; nsenter -t "$p" -n "$@"; }
listen() { # PID ADDR PORT
	# nsenter execs nc: $! is the listener itself, so cleanup can kill it
	# (a backgrounded shell function would leave nc orphaned in a netns
	# segt-cleanup does not know about)
	nsenter -t "$1" -n nc -lk "$2" "$3" >/dev/null 2>&1 &
	pids="$pids $!"
}
conn() { # PID ADDR PORT [SRC]: 0 if a TCP connection is accepted
	if [ $# -ge 4 ]; then in_ns "$1" nc -z -w 1 -s "$4" "$2" "$3" >/dev/null 2>&1
	else in_ns "$1" nc -z -w 1 "$2" "$3" >/dev/null 2>&1; fi
}
counter() { # CHAIN INDEX (0-based among rules with a counter): packets
	nft list chain inet segregate "$1" | grep -o 'counter packets [0-9]*' |
		sed -n "$(($2 + 1))p" | awk '{print $3}'
}
table() { nft -a list table inet segregate 2>/dev/null | sed 's/counter packets [0-9]* bytes [0-9]*/counter/'; }

ip link set lo up
base=127.200.0
# jail name -> index in the hand-built plan (test-net-plan.h)
for j in waf:2 proxy:3 web:4 db:5 syslog:6 loner:7; do
	name=${j%%:*} idx=${j##*:}
	newns; pid=$NEWPID
	eval "pid_$name=$pid; addr_$name=$base.$idx"
	ip link add "seg-segt-$name" type veth peer name eth0 netns "$pid" || exit 1
done
sleep 0.2

# --- seg_net_jail_up for each jail: host side, jail side via setns, elements
ok=0
for name in waf proxy web db syslog loner; do
	eval "pid=\$pid_$name"
	"$helper" up "segt-$name" "$pid" || ok=1
done
t $ok "seg_net_jail_up for six jails (first one creates the table)"
ip -4 route show table local | grep -q "^127.200.0.4 dev seg-segt-web"
t $? "host: the jail's /32 is routed in table local"
ip -4 addr show dev seg-segt-web | grep -q "inet 127.200.0.1/32"
t $? "host: the gateway address on the veth"
[ "$(cat /proc/sys/net/ipv4/conf/seg-segt-web/route_localnet)" = 1 ] &&
	[ "$(cat /proc/sys/net/ipv4/conf/seg-segt-web/forwarding)" = 1 ]
t $? "host: route_localnet=1 and forwarding=1 on the veth"
in_ns "$pid_web" ip -4 addr show dev eth0 | grep -q "inet 127.200.0.4/32"
t $? "jail: its /32 on eth0 (set through setns)"
in_ns "$pid_web" ip -4 route show table local | grep -q "^127.200.0.0/16 via 127.200.0.1 dev eth0.*onlink"
t $? "jail: the pool via the gateway, onlink, in table local"
! in_ns "$pid_web" ip -4 route show | grep -q default
t $? "jail: no default route for a jail without egress or ingress (web)"
in_ns "$pid_proxy" ip -4 route show | grep -q "^default via 127.200.0.1" &&
	in_ns "$pid_waf" ip -4 route show | grep -q "^default via 127.200.0.1"
t $? "jail: a default route for the egress jail (proxy) and the ingress jail (waf, for replies)"

# --- flows between jails
listen "$pid_proxy" "$addr_proxy" 8080
listen "$pid_proxy" "$addr_proxy" 9090
listen "$pid_web" "$addr_web" 80
listen "$pid_db" "$addr_db" 5432
listen "$pid_waf" "$addr_waf" 8443
sleep 0.3
conn "$pid_waf" "$addr_proxy" 8080; t $? "declared flow waf -> proxy:8080 passes"
conn "$pid_proxy" "$addr_web" 80; t $? "declared flow proxy -> web:80 passes"
before=$(counter forward 0)
conn "$pid_waf" "$addr_proxy" 9090; t $(no $?) "same pair, undeclared port 9090: dropped"
after=$(counter forward 0)
[ "$after" -gt "$before" ]; t $? "... and counted by the forward drop rule ($before -> $after)"
conn "$pid_web" "$addr_proxy" 8080; t $(no $?) "flows are one-way: web -> proxy:8080 dropped"
r=0
for dst in "$addr_proxy 8080" "$addr_web 80" "$addr_db 5432" "$addr_waf 8443"; do
	conn "$pid_loner" $dst && r=1
done
t $r "a jail in no flow (loner) reaches nobody"

# --- spoofing: second address, forged source
conn "$pid_web" "$addr_db" 5432; t $? "control: web -> db:5432 passes"
in_ns "$pid_waf" ip addr add 127.200.0.99/32 dev eth0
in_ns "$pid_waf" ip addr add "$addr_web/32" dev eth0
before=$(counter raw_prerouting 0)
conn "$pid_waf" "$addr_proxy" 8080 127.200.0.99; t $(no $?) "a second address on a jail gets nothing through"
conn "$pid_waf" "$addr_db" 5432 "$addr_web"; t $(no $?) "waf forging web's source cannot use web's flow to db"
after=$(counter raw_prerouting 0)
[ "$after" -gt "$before" ]; t $? "... both dropped by the anti-spoofing rule ($before -> $after)"
in_ns "$pid_waf" ip addr del 127.200.0.99/32 dev eth0
in_ns "$pid_waf" ip addr del "$addr_web/32" dev eth0

before=$(counter raw_prerouting 1)
echo x | in_ns "$pid_web" nc -6 -u -w 1 "ff02::1%eth0" 9 >/dev/null 2>&1
sleep 0.2
after=$(counter raw_prerouting 1)
[ "$after" -gt "$before" ]; t $? "IPv6 from a jail is dropped in raw prerouting ($before -> $after)"

# --- host services: 127.0.0.1 only for the host, declared ones for jails
listen $$ 127.0.0.1 2222
listen $$ 0.0.0.0 2223
listen $$ 0.0.0.0 25
# a UDP service on 127.0.0.1: one datagram is enough for CVE-2020-8558
nc -lu 127.0.0.1 2224 >"$SEGT_DIR/udp2224" 2>/dev/null &
pids="$pids $!"
sleep 0.3
conn $$ 127.0.0.1 2222; t $? "control: the host reaches its own 127.0.0.1:2222"
in_ns "$pid_web" ip route replace table local 127.0.0.1/32 via 127.200.0.1 dev eth0 onlink
before=$(counter input 0)
conn "$pid_web" 127.0.0.1 2222 "$addr_web"; t $(no $?) "a jail routing 127.0.0.1 to the host cannot reach a host-only service"
conn "$pid_web" 127.200.0.1 2223; t $(no $?) "a jail cannot reach an undeclared host service on the gateway"
after=$(counter input 0)
[ "$after" -gt "$before" ]; t $? "... counted by the input drop rule ($before -> $after)"
conn "$pid_web" 127.200.0.1 25; t $? "a declared host service (web -> host tcp/25) passes"
conn "$pid_db" 127.200.0.1 25; t $(no $?) "... but only for the jail it is declared for"

# --- the outside: uplink up0 on 192.0.2.0/24, a server at 198.51.100.10
newns; pid_out=$NEWPID
ip link add up0 type veth peer name eth0 netns "$pid_out"
ip addr add 192.0.2.1/24 dev up0; ip link set up0 up
in_ns "$pid_out" sh -c 'ip link set lo up; ip link set eth0 up; ip addr add 192.0.2.2/24 dev eth0;
	ip addr add 198.51.100.10/32 dev lo; ip route add default via 192.0.2.1'
ip route add 198.51.100.0/24 via 192.0.2.2
"$helper" uplink up0; t $? "seg_net_uplink: route_localnet and forwarding on the uplink"
listen "$pid_out" 198.51.100.10 443
listen "$pid_out" 198.51.100.10 80
sleep 0.3
conn "$pid_proxy" 198.51.100.10 443; t $? "the proxy reaches the outside on its declared port (masqueraded)"
conn "$pid_proxy" 198.51.100.10 80; t $(no $?) "the proxy does not reach an undeclared outside port"
in_ns "$pid_web" ip route add default via 127.200.0.1 dev eth0 onlink
conn "$pid_web" 198.51.100.10 443; t $(no $?) "web, even with a default route of its own, does not reach the outside"
conn "$pid_waf" 198.51.100.10 443; t $(no $?) "the WAF's default route (for replies) does not let it start connections out"

conn "$pid_out" 192.0.2.1 443; t $? "the outside reaches the WAF through the host's DNAT (443 -> waf:8443)"
conn "$pid_out" 192.0.2.1 8443; t $(no $?) "the outside does not reach the WAF's port directly on the host"
in_ns "$pid_out" sh -c 'echo 1 > /proc/sys/net/ipv4/conf/eth0/route_localnet;
	ip route add table local 127.200.0.0/16 via 192.0.2.1 dev eth0 onlink;
	ip route replace table local 127.0.0.1/32 via 192.0.2.1 dev eth0 onlink'
before=$(counter raw_prerouting 3)
conn "$pid_out" "$addr_proxy" 8080 192.0.2.2; t $(no $?) "the outside cannot send to a jail's 127.200 address"
conn "$pid_out" 127.0.0.1 2222 192.0.2.2; t $(no $?) "a packet to 127.0.0.1 arriving on the uplink is dropped"
echo leak | in_ns "$pid_out" nc -u -w 1 -s 192.0.2.2 127.0.0.1 2224 >/dev/null 2>&1
[ ! -s "$SEGT_DIR/udp2224" ]; t $? "a UDP datagram to a 127.0.0.1 service from the uplink never arrives"
after=$(counter raw_prerouting 3)
[ "$after" -gt "$before" ]; t $? "... by the CVE-2020-8558 guard ($before -> $after)"

# --- idempotence, atomicity, concurrency, drift
"$helper" check >/dev/null; t $? "check: the kernel matches the plan"
snap=$(table); gen=$("$helper" gen)
"$helper" apply; t $? "apply of the same plan"
[ "$(table)" = "$snap" ] && [ "$("$helper" gen)" = "$gen" ]
t $? "applying twice changes nothing (same handles, same generation $gen)"

out=$("$helper" bad-batch 2>&1); r=$?
[ $r = 1 ] && echo "$out" | grep -q "no_such_set"; t $? "a batch with a bad message in the middle is refused: $out"
[ "$(table)" = "$snap" ] && ! nft list set inet segregate flows | grep -q 7777
t $? "... and the old ruleset is intact (the valid elements before it were not applied)"

gen=$("$helper" gen)
nft add table inet segt_other
out=$("$helper" commit-at "$gen" 2>&1); r=$?
[ $r = 75 ] && echo "$out" | grep -q "changed since generation"; t $? "a batch computed before a concurrent change is refused: $out"
! nft list set inet segregate flows | grep -q 7777; t $? "... and nothing of it applied"
"$helper" commit-at "$("$helper" gen)" && nft list set inet segregate flows | grep -q 7777
t $? "the same batch at the current generation goes through"
out=$("$helper" check); r=$?
[ $r = 3 ] && echo "$out" | grep -q "unexpected: element flows 127.200.0.7 . 127.200.0.4 . tcp . 7777"
t $? "check reports drift (exit 3): $(echo "$out" | head -1)"
nft add chain inet segt_other f1 '{ type filter hook forward priority 0; }'
"$helper" check | grep -q "warning: table inet segt_other chain f1 hook forward"
t $? "check warns about another table's base chain on our hooks"
nft delete table inet segt_other
"$helper" apply && "$helper" check >/dev/null; t $? "apply removes the drift"

# --- one flow, one jail
"$helper" allow segt-loner segt-web 80 tcp && conn "$pid_loner" "$addr_web" 80
t $? "seg_net_flow allow: loner -> web:80 passes"
"$helper" deny segt-loner segt-web 80 tcp && ! conn "$pid_loner" "$addr_web" 80
t $? "seg_net_flow deny: dropped again"
"$helper" deny segt-loner segt-web 80 tcp; t $? "denying an absent flow is not an error"
"$helper" down segt-web; t $? "seg_net_jail_down web"
! nft list set inet segregate bindings | grep -q seg-segt-web && ! conn "$pid_proxy" "$addr_web" 80 &&
	! ip -4 route show table local | grep -q "^127.200.0.4 "
t $? "... its binding, flows and host route are gone, proxy -> web dropped"
conn "$pid_waf" "$addr_proxy" 8080; t $? "... other jails' flows untouched"
"$helper" down segt-web; t $? "jail down twice is harmless"
"$helper" up segt-web "$pid_web" && conn "$pid_proxy" "$addr_web" 80; t $? "jail up again: proxy -> web passes"
"$helper" check >/dev/null; t $? "... and the table matches the plan again"

# --- controls: without our table the same packets do pass
"$helper" flush; t $? "flush"
! nft list table inet segregate >/dev/null 2>&1; t $? "flush removed our table"
"$helper" flush; t $? "flush without a table is fine"
conn "$pid_waf" "$addr_proxy" 9090; t $? "control: without the table, waf -> proxy:9090 passes (the drop above was ours)"
echo leak | in_ns "$pid_out" nc -u -w 1 -s 192.0.2.2 127.0.0.1 2224 >/dev/null 2>&1
sleep 0.2
grep -q leak "$SEGT_DIR/udp2224"
t $? "control: without the guard, a datagram from the uplink reaches 127.0.0.1 (CVE-2020-8558)"

echo "1..$n"
exit $fail
