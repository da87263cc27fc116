#!/bin/sh
# Real jails made by the tools: what a process inside sees (the init and one
# entered with lxc-attach), two jails' isolation, seccomp probes, disk use.
# usage (through segt-run): test-jail-live.sh PROBE
set -u
. "$SEG_TESTS_DIR/jail-lib.sh"
probe=$1
# A: web, the first bullet; B and C: db (the role with @ipc), two jails that
# could share SysV IPC or /dev/shm if anything leaked
A=segt-web-$$ B=segt-db-$$ C=segt-db2-$$

out=$("$T/seg-create" --role web --start "$A" 2>&1); t $? "seg-create --role web --start $A"
diag "$out"
for j in "$B" "$C"; do
	"$T/seg-create" --role db "$j" >/dev/null 2>&1; t $? "seg-create --role db $j"
	cp "$probe" "$P/$j/rootfs/root/seg-probe" && chmod 755 "$P/$j/rootfs/root/seg-probe"
	"$T/seg-start" "$j"; t $? "seg-start $j"
done
state=$(lxc-info -P "$P" -n "$A" -s -H 2>/dev/null); t $([ "$state" = RUNNING ] && echo 0 || echo 1) "lxc-info -P sees $A RUNNING"

# the jail's disk: measured before the probe binary is copied in
kib=$(du -s -k "$P/$A" | cut -f1)
t $([ "$kib" -lt 1024 ] && echo 0 || echo 1) "per-jail directory after start: ${kib} KiB < 1 MiB"
cp "$probe" "$P/$A/rootfs/root/seg-probe" && chmod 755 "$P/$A/rootfs/root/seg-probe"

t $([ "$(stat -c %a "$P/$A")" = 700 ] && echo 0 || echo 1) "$P/$A is 0700: host users cannot reach files the jail's root owns"
# what the jail's root plants (a setuid-root copy of a shell) stays out of reach of a host user
attach "$A" sh -c 'cp /usr/bin/id /root/suid-id && chmod 4755 /root/suid-id' 2>/dev/null
t $([ "$(stat -c %u:%a "$P/$A/rootfs/root/suid-id" 2>/dev/null)" = 0:4755 ] && echo 0 || echo 1) "the jail's root made a setuid file owned by host uid 0 on disk"
# (through sh: setpriv resolves a direct command's path before dropping privileges)
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'exec "$1" -u' sh "$P/$A/rootfs/root/suid-id" 2>&1); r=$?
t $([ $r != 0 ] && echo 0 || echo 1) "a host user cannot run it ($out)"
pid=$(lxc-info -P "$P" -n "$A" -p -H 2>/dev/null)
base=$(reg_field "$A" 9); count=$(reg_field "$A" 10)
t $([ -n "$pid" ] && [ -n "$base" ] && echo 0 || echo 1) "init pid $pid, uid base $base"
keep=$(sed -n 's/^lxc\.cap\.keep *= *//p' "$P/$A/config" | tr ' ' '\n' | grep -v '^none$' | grep . | sort -u | tr '\n' ' ')
diag "role keeps: ${keep:-nothing}"
# capsh --decode prints "0x...=cap_a,cap_b"; compare names without the cap_ prefix
caps_of() { # hex
	capsh --decode="$1" | sed 's/^[^=]*=//' | tr ',' '\n' | sed 's/^cap_//' | grep . | sort -u | tr '\n' ' '
}
check_status() { # label status-text uid_map-text
	label=$1 st=$2 map=$3
	set -- $map
	t $([ "$1" = 0 ] && [ "$2" = "$base" ] && [ "$3" = "$count" ] && echo 0 || echo 1) \
		"$label: uid_map is the jail's own range ($map)"
	for f in CapEff CapBnd; do
		hex=$(echo "$st" | sed -n "s/^$f:[[:space:]]*//p")
		got=$(caps_of "$hex")
		t $([ "$got" = "$keep" ] && echo 0 || echo 1) "$label: $f = keep set (${got:-none})"
	done
	echo "$st" | grep -q '^Seccomp:[[:space:]]*2$'; t $? "$label: Seccomp: 2"
	echo "$st" | grep -q '^NoNewPrivs:[[:space:]]*1$'; t $? "$label: NoNewPrivs: 1"
}
check_status "init" "$(cat /proc/$pid/status)" "$(cat /proc/$pid/uid_map)"
check_status "lxc-attach" "$(attach "$A" cat /proc/self/status)" "$(attach "$A" cat /proc/self/uid_map)"

# the init's own mounts: /usr read-only, /tmp tmpfs
awk '$5 == "/usr" { split($6, o, ","); for (i in o) if (o[i] == "ro") f = 1 } END { exit !f }' /proc/$pid/mountinfo
t $? "init: /usr mounted read-only"
grep -q ' /tmp .* - tmpfs ' /proc/$pid/mountinfo; t $? "init: /tmp is tmpfs"
for j in "$A" "$B"; do
	out=$(attach "$j" /root/seg-probe erofs /usr 2>&1); t $? "lxc-attach $j: $out"
	out=$(attach "$j" /root/seg-probe tmpfs /tmp 2>&1); t $? "lxc-attach $j: $out"
done

# seccomp in a live jail; the probe refuses to run on the host
"$probe" denied >/dev/null 2>&1; t $([ $? = 2 ] && echo 0 || echo 1) "probe refuses to run outside a jail"
t $([ "$("$probe" i386-baseline)" = reached ] && echo 0 || echo 1) "baseline: int 0x80 getpid reaches getpid on the host"
nf=$(sed -n 's/^Seccomp_filters:[[:space:]]*//p' /proc/$pid/status)
t $([ "${nf:-0}" -ge 2 ] && echo 0 || echo 1) "init: LXC's filter and the compat ABI layer stacked (Seccomp_filters: $nf)"
for p in denied unknown handle; do
	out=$(attach "$A" /root/seg-probe $p 2>&1); r=$?
	t $r "lxc-attach probe $p"
	diag "$out"
done
# LXC applies only its own layer to attached processes (lib/jail-seccomp.c)
diag "lxc-attach i386: $(attach "$A" /root/seg-probe i386 2>&1)"
# seg-exec stacks the compat layer too: the policy is exact for entered processes
st=$("$T/seg-exec" "$A" cat /proc/self/status 2>&1)
check_status "seg-exec" "$st" "$("$T/seg-exec" "$A" cat /proc/self/uid_map)"
nf=$(echo "$st" | sed -n 's/^Seccomp_filters:[[:space:]]*//p')
t $([ "${nf:-0}" -ge 2 ] && echo 0 || echo 1) "seg-exec: LXC's filter and the compat ABI layer stacked (Seccomp_filters: $nf)"
for p in denied unknown handle i386; do
	out=$("$T/seg-exec" "$A" -- /root/seg-probe $p 2>&1); t $? "seg-exec probe $p"; diag "$out"
done
"$T/seg-exec" "$A" sh -c 'exit 7'; t $([ $? = 7 ] && echo 0 || echo 1) "seg-exec passes the command's exit status through"
out=$("$T/seg-exec" "$A" sh -c 'echo "$HOME:${SEGT_DIR:-clean}"'); t $([ "$out" = "/root:clean" ] && echo 0 || echo 1) "seg-exec: clean environment ($out)"
out=$("$T/seg-exec" no-such-jail true 2>&1); r=$?
t $([ $r = 255 ] && [ "$out" = "seg-exec: no jail named 'no-such-jail' (seg-ls lists them)" ] && echo 0 || echo 1) "seg-exec on an unknown jail: $out"

# the probes as the jail's own init: every service descends from it
PJ=segt-probe-$$
printf 'jails:\n  - name: %s\n    role: web\n    init: /root/seg-probe init /root/probe.out\n' "$PJ" >"$SEGT_DIR/probe.yaml"
out=$("$T/seg-create" --topology "$SEGT_DIR/probe.yaml" "$PJ" 2>&1); t $? "seg-create --topology ($out)"
cp "$probe" "$P/$PJ/rootfs/root/seg-probe" && chmod 755 "$P/$PJ/rootfs/root/seg-probe"
"$T/seg-start" "$PJ"; t $? "seg-start $PJ (init is the probe)"
i=0; while ! grep -q '^done' "$P/$PJ/rootfs/root/probe.out" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
diag "$(cat "$P/$PJ/rootfs/root/probe.out" 2>&1)"
grep -q '^done 0 failures$' "$P/$PJ/rootfs/root/probe.out"; t $? "init's probes: all hold"
for w in "write to read-only base" tmpfs keyctl "unshare(CLONE_NEWUSER)" mount bpf "syscall 1000" "int 0x80 getpid cannot reach getpid" "open_by_handle_at fails"; do
	grep -qF "ok $w:" "$P/$PJ/rootfs/root/probe.out"; t $? "init probe: $w"
done
"$T/seg-ls" --json | jq -e --arg j "$PJ" --arg f "$(realpath "$SEGT_DIR/probe.yaml")" '.[] | select(.name == $j) | .topology == $f' >/dev/null
t $? "the registry records the topology file"
"$T/seg-destroy" --force "$PJ"; t $? "seg-destroy --force $PJ"

# two jails
base2=$(reg_field "$B" 9); base3=$(reg_field "$C" 9)
t $([ -n "$base2" ] && [ -n "$base3" ] && [ "$base2" != "$base" ] && [ "$base3" != "$base2" ] && echo 0 || echo 1) \
	"different uid ranges ($base, $base2, $base3)"
for pair in "$B $C $base3" "$C $B $base2"; do
	set -- $pair
	maps=$(attach "$1" sh -c 'cat /proc/[0-9]*/uid_map' 2>/dev/null | awk '{print $2}' | sort -u)
	mine=$(reg_field "$1" 9)
	t $([ "$maps" = "$mine" ] && echo 0 || echo 1) "$1 sees only its own processes (uid bases: $(echo $maps))"
	n1=$(attach "$1" sh -c 'ls -d /proc/[0-9]* | wc -l' 2>/dev/null)
	t $([ "${n1:-99}" -lt 10 ] && echo 0 || echo 1) "$1 sees $n1 processes"
done
out=$(attach "$B" ipcmk -M 4096 2>&1); t $? "SysV shm segment made in $B ($out)"
out=$(attach "$B" ipcmk -Q 2>&1); t $? "SysV message queue made in $B ($out)"
attach "$B" ipcs -m 2>/dev/null | grep -q '^0x'; t $? "$B lists its segment"
attach "$C" ipcs -m 2>/dev/null | grep -q '^0x'; t $([ $? != 0 ] && echo 0 || echo 1) "$C does not see $B's SysV segment"
attach "$C" ipcs -q 2>/dev/null | grep -q '^0x'; t $([ $? != 0 ] && echo 0 || echo 1) "$C does not see $B's message queue"
attach "$B" sh -c 'echo secret > /dev/shm/segt-shm' 2>/dev/null; t $? "file in $B's /dev/shm"
attach "$B" test -f /dev/shm/segt-shm; t $? "$B sees it"
attach "$C" test -e /dev/shm/segt-shm; t $([ $? != 0 ] && echo 0 || echo 1) "$C's /dev/shm does not have it"
attach "$A" test -e /dev/shm/segt-shm; t $([ $? != 0 ] && echo 0 || echo 1) "nor $A's"
t $([ ! -e /dev/shm/segt-shm ] && echo 0 || echo 1) "nor the host's"

"$T/seg-ls" >/dev/null; t $? "seg-ls"
"$T/seg-ls" --json | jq -e --arg a "$A" '.[] | select(.name == $a) | .state == "RUNNING" and .pid > 0 and .disk_bytes > 0' >/dev/null
t $? "seg-ls --json: $A RUNNING with pid and disk"

"$T/seg-destroy" "$A" >/dev/null 2>&1; t $([ $? = 1 ] && echo 0 || echo 1) "seg-destroy of a running jail refused"
"$T/seg-stop" "$A" --kill; t $? "seg-stop --kill $A"
"$T/seg-destroy" "$A"; t $? "seg-destroy $A"
for j in "$B" "$C"; do "$T/seg-destroy" --force "$j"; t $? "seg-destroy --force $j"; done
t $([ -z "$(ls -A "$P")" ] && echo 0 || echo 1) "lxcpath empty"
t $([ "$(grep -c '^jail ' "$R")" = 0 ] && echo 0 || echo 1) "registry empty"
t $([ "$(ip -o link | grep -vc ' lo:')" = 0 ] && echo 0 || echo 1) "no veth left"
finish
