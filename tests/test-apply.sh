#!/bin/sh
# seg-apply with real jails: dry run, up, idempotent re-run, a flow edit
# that moves only elements while an established connection keeps working,
# an ownership conflict, --prune, --down.
# usage (through segt-run): test-apply.sh
set -u
. "$SEG_TESTS_DIR/jail-lib.sh"
topo=$SEGT_DIR/platform.yaml
write_topo() { # WAF_PORT WITH_WEB2
	cat >"$topo" <<EOT
jails:
  - name: waf
    role: waf
  - name: web1
    role: web
    init: /usr/sbin/init.lxc -q -n jail -- /bin/busybox httpd -f -p $1 -h /etc
  - name: db
    role: db
    init: /usr/sbin/init.lxc -q -n jail -- /bin/busybox nc -ll -p 5432 -e /bin/cat
EOT
	[ "$2" = yes ] && printf '  - name: web2\n    role: web\n' >>"$topo"
	cat >>"$topo" <<EOT
flows:
  - from: waf
    to: web1
    port: $1
  - from: web1
    to: db
    port: 5432
EOT
}
ruleset() { nft list table inet segregate 2>/dev/null | sed 's/counter packets [0-9]* bytes [0-9]*//'; }
pid_of() { "$T/seg-ls" --json | jq -r --arg j "$1" '.[] | select(.name == $j) | .pid'; }

write_topo 80 yes

# dry run: everything listed, nothing made
out=$("$T/seg-apply" --dry-run "$topo" 2>&1); r=$?
t $r "dry run exits 0"
echo "$out" | grep -q '^  web2 *would create *role web, 127.200.0.5,'; t $? "dry run lists the jails it would create"
echo "$out" | grep -q '(network) *would change *[0-9]* element changes'; t $? "dry run counts the network changes"
t $([ -z "$(ls -A "$P")" ] && ! nft list table inet segregate >/dev/null 2>&1 && echo 0 || echo 1) "dry run made no jail and no table"
t $([ ! -s "$R" ] || [ "$(grep -c '^jail ' "$R")" = 0 ] && echo 0 || echo 1) "dry run registered nothing"

# a step that fails is rolled back and reported with the jail and the reason
out=$(SEGREGATE_FAILPOINT=start-net "$T/seg-apply" "$topo" 2>&1); r=$?
t $([ $r = 1 ] && echo 0 || echo 1) "a failing start: exit 1"
echo "$out" | grep -q "^  waf *FAILED *starting jail 'waf': failpoint 'start-net' triggered (SEGREGATE_FAILPOINT)"; t $? "the failed jail and the reason are reported"
diag "$out"
t $([ -z "$(ls -A "$P")" ] && [ "$(grep -c '^jail ' "$R" 2>/dev/null)" = 0 ] && echo 0 || echo 1) "the failed create left no directory and no registry entry"
t $([ "$(ip -o link | grep -vc ' lo:')" = 0 ] && echo 0 || echo 1) "and no veth"

# up
out=$("$T/seg-apply" "$topo" 2>&1); r=$?; t $r "seg-apply up"
diag "$out"
for j in waf web1 db web2; do
	[ "$(lxc-info -P "$P" -n "$j" -s -H 2>/dev/null)" = RUNNING ]; t $? "$j RUNNING"
done
nft list table inet segregate >/dev/null 2>&1; t $? "table inet segregate exists"

# re-run: no change, and says so
before=$(ruleset)
out=$("$T/seg-apply" "$topo" 2>&1); r=$?
t $r "re-run exits 0"
echo "$out" | grep -q "^nothing to do: the host already matches"; t $? "re-run says nothing to do"
t $([ "$(echo "$out" | grep -c ' unchanged')" = 4 ] && echo 0 || echo 1) "re-run: every jail unchanged"
t $([ "$before" = "$(ruleset)" ] && echo 0 || echo 1) "re-run: ruleset identical"
pid_db=$(pid_of db)

# an established connection web1 -> db carries data before and after a flow edit
w1=$(pid_of web1)
fifo=$SEGT_DIR/conn.in; mkfifo "$fifo"
nsenter -t "$w1" -n nc 127.200.0.4 5432 <"$fifo" >"$SEGT_DIR/conn.out" 2>&1 &
ncpid=$!
exec 7>"$fifo"
echo ping-before >&7
i=0; while ! grep -q ping-before "$SEGT_DIR/conn.out" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
grep -q ping-before "$SEGT_DIR/conn.out"; t $? "web1 -> db:5432 echoes through the flow"

write_topo 8080 yes
out=$("$T/seg-apply" "$topo" 2>&1); r=$?
t $r "apply after a flow edit"
diag "$out"
echo "$out" | grep -q '(network) *changed *2 element changes'; t $? "the edit is two element changes (one out, one in)"
t $([ "$(echo "$out" | grep -c ' unchanged')" = 3 ] && echo 0 || echo 1) "db, waf, web2 untouched by the edit"
echo "$out" | grep -q '^  web1 *changed, kept'; t $? "web1 (its init changed) is kept until --recreate"
t $([ "$(pid_of db)" = "$pid_db" ] && echo 0 || echo 1) "db kept its init (pid $pid_db)"
nft list set inet segregate flows | grep -q '127.200.0.2 . 127.200.0.3 . tcp . 8080'; t $? "waf -> web1 8080 in the flow set"
nft list set inet segregate flows | grep -q ' \. 80[, ]'; t $([ $? != 0 ] && echo 0 || echo 1) "waf -> web1 80 gone from the flow set"
echo ping-after >&7
i=0; while ! grep -q ping-after "$SEGT_DIR/conn.out" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
grep -q ping-after "$SEGT_DIR/conn.out"; t $? "the established web1 -> db connection still carries data"
exec 7>&-
kill "$ncpid" 2>/dev/null; wait "$ncpid" 2>/dev/null
"$T/seg-probe" >"$SEGT_DIR/probe.out" 2>&1; r=$?
t $r "seg-probe: measured matrix equals the policy after the edit"
grep -q '^waf -> web1 *8080/tcp *8080/tcp *$' "$SEGT_DIR/probe.out"; t $? "waf reaches web1 on 8080 only"
[ $r = 0 ] || diag "$(cat "$SEGT_DIR/probe.out")"

# a rule slipped into the table by hand opens waf -> db: the probe sees it
nft insert rule inet segregate forward ip saddr 127.200.0.2 ip daddr 127.200.0.4 tcp dport 5432 accept
"$T/seg-probe" >"$SEGT_DIR/probe.out" 2>&1; r=$?
t $([ $r = 3 ] && echo 0 || echo 1) "seg-probe exits 3 when the measured matrix differs"
grep -q '^waf -> db *- *5432/tcp *<-- DIFFERS$' "$SEGT_DIR/probe.out"; t $? "the undeclared waf -> db path is marked"
grep -q '^[0-9]* probes, 1 differences$' "$SEGT_DIR/probe.out"; t $? "exactly one difference counted"
"$T/seg-net" check >/dev/null 2>&1; t $([ $? != 0 ] && echo 0 || echo 1) "seg-net check reports the drift"
"$T/seg-net" apply >/dev/null 2>&1; t $? "seg-net apply repairs it"
"$T/seg-probe" >/dev/null 2>&1; t $? "after the repair the matrix equals the policy again"

# --recreate applies web1's new init
out=$("$T/seg-apply" --recreate "$topo" 2>&1); t $? "seg-apply --recreate"
echo "$out" | grep -q '^  web1 *recreated'; t $? "web1 recreated"
t $([ "$(pid_of db)" = "$pid_db" ] && echo 0 || echo 1) "db still untouched"

# a jail made by hand beside the topology's: its own network, kept by applies
out=$("$T/seg-create" --role web --start solo 2>&1); t $? "seg-create --role web --start solo beside the topology's jails"
diag "$out"
addr=$("$T/seg-ls" --json | jq -r '.[] | select(.name == "solo") | .address')
nft list set inet segregate bindings | grep -qF "\"seg-solo\" . $addr"; t $? "solo's binding ($addr) is in the table"
out=$("$T/seg-apply" "$topo" 2>&1)
echo "$out" | grep -q "^nothing to do"; t $? "re-applying the topology leaves solo's elements alone"
nft list set inet segregate bindings | grep -qF "\"seg-solo\" . $addr"; t $? "solo's binding survives the apply"
"$T/seg-destroy" --force solo; t $? "seg-destroy --force solo"
nft list set inet segregate bindings | grep -q "seg-solo"; t $([ $? != 0 ] && echo 0 || echo 1) "solo's binding left with it"

# a second topology on the same host: both files' flows live in the one table
t2=$SEGT_DIR/second.yaml
printf 'jails:\n  - name: xa\n    role: web\n  - name: xb\n    role: db\nflows:\n  - from: xa\n    to: xb\n    port: 7000\ningress:\n  - host-port: 8443\n    to: xa\n    port: 443\n' >"$t2"
out=$("$T/seg-apply" "$t2" 2>&1); t $? "a second topology applied beside the first"
diag "$out"
flows=$(nft list set inet segregate flows)
echo "$flows" | grep -q ' \. tcp \. 7000' && echo "$flows" | grep -q ' \. tcp \. 8080' && echo "$flows" | grep -q ' \. tcp \. 5432'
t $? "the flow set holds the flows of both topologies"
out=$("$T/seg-apply" "$topo" 2>&1)
echo "$out" | grep -q "^nothing to do"; t $? "re-applying the first topology keeps the second's flows"
"$T/seg-probe" >"$SEGT_DIR/probe2.out" 2>&1; t $? "seg-probe: both topologies' matrix equals the policy"
grep -q '^xa -> xb *7000/tcp *7000/tcp *$' "$SEGT_DIR/probe2.out"; t $? "xa reaches xb on its declared port"
grep -q '^xa -> db *- *- *$' "$SEGT_DIR/probe2.out"; t $? "xa reaches nothing of the first topology"
sed 's/xa/ya/g; s/xb/yb/g' "$t2" >"$SEGT_DIR/third.yaml"
out=$("$T/seg-apply" "$SEGT_DIR/third.yaml" 2>&1); r=$?
t $([ $r = 1 ] && echo 0 || echo 1) "a third topology forwarding the same host port is refused"
echo "$out" | grep -q "host port 8443/tcp is already forwarded to jail 'xa' of another topology"; t $? "the conflict is named, with the jail that holds the port"
diag "$out"
t $([ ! -e "$P/ya" ] && ! grep -q '^jail ya ' "$R" && echo 0 || echo 1) "refused before anything was made"
out=$("$T/seg-apply" --down "$t2" 2>&1); t $? "the second topology taken down"
nft list set inet segregate flows | grep -q ' 7000'; t $([ $? != 0 ] && echo 0 || echo 1) "its flow left the table"
out=$("$T/seg-apply" "$topo" 2>&1)
echo "$out" | grep -q "^nothing to do"; t $? "the first topology is still exactly applied"

# a jail of the same name made by hand is never taken over
"$T/seg-create" --role web other >/dev/null 2>&1
printf '  - name: other\n    role: web\n' >"$SEGT_DIR/extra"
sed -i "/^flows:/e cat $SEGT_DIR/extra" "$topo"
snap=$(cat "$R")
out=$("$T/seg-apply" "$topo" 2>&1); r=$?
t $([ $r = 1 ] && echo 0 || echo 1) "a foreign jail of the same name: exit 1"
echo "$out" | grep -q "jail 'other' already exists and was made by seg-create --role web; seg-apply manages only the jails of $topo"
t $? "error names the jail, who made it and the rule"; diag "$out"
t $([ "$snap" = "$(cat "$R")" ] && echo 0 || echo 1) "registry unchanged by the refused apply"
"$T/seg-destroy" other >/dev/null 2>&1

# web2 dropped from the file: kept without --prune, removed with it
write_topo 8080 no
out=$("$T/seg-apply" "$topo" 2>&1); t $? "apply without web2"
echo "$out" | grep -q '^  web2 *undeclared, kept *no longer declared; --prune removes it'; t $? "web2 reported as undeclared, kept"
[ -d "$P/web2" ]; t $? "web2 still exists"
out=$("$T/seg-apply" --prune "$topo" 2>&1); t $? "apply --prune"
echo "$out" | grep -q '^  web2 *destroyed'; t $? "web2 destroyed"
t $([ ! -e "$P/web2" ] && ! grep -q '^jail web2 ' "$R" && ! ip link show seg-web2 >/dev/null 2>&1 && echo 0 || echo 1) "web2: no directory, registry entry or veth left"
nft list set inet segregate bindings | grep -q '127.200.0.5'; t $([ $? != 0 ] && echo 0 || echo 1) "web2's address left the binding set"

# --down: nothing left
out=$("$T/seg-apply" --down "$topo" 2>&1); t $? "seg-apply --down"
diag "$out"
t $([ -z "$(ls -A "$P")" ] && echo 0 || echo 1) "lxcpath empty"
t $([ "$(grep -c '^jail ' "$R")" = 0 ] && echo 0 || echo 1) "registry empty"
nft list table inet segregate >/dev/null 2>&1; t $([ $? != 0 ] && echo 0 || echo 1) "table removed"
t $([ "$(ip -o link | grep -vc ' lo:')" = 0 ] && echo 0 || echo 1) "no veth left"
out=$("$T/seg-apply" --down --prune "$topo" 2>&1); t $([ $? = 2 ] && echo 0 || echo 1) "--down with --prune is a usage error"
out=$("$T/seg-apply" "$SEGT_DIR/missing.yaml" 2>&1); r=$?
t $([ $r = 1 ] && echo 0 || echo 1) "missing file: exit 1"
echo "$out" | grep -q "missing.yaml: No such file or directory"; t $? "missing file: the message names it"
finish
