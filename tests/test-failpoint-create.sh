#!/bin/sh
# seg-create --start failing at every step (SEGREGATE_FAILPOINT) leaves no
# config, directory, registry entry, veth or process, and the registry as it
# was.  usage (through segt-run): test-failpoint-create.sh test-failpoint
set -u
. "$SEG_TESTS_DIR/jail-lib.sh"
steps=$("$1" --list)
t $([ -n "$steps" ] && echo 0 || echo 1) "steps: $(echo $steps)"
# a jail that exists throughout: its entry must survive every rollback
"$T/seg-create" --quiet --role web "segt-keep-$$"; t $? "a bystander jail"
cp "$R" "$SEGT_DIR/registry.before"
J=segt-fp-$$
for s in $steps; do
	out=$(SEGREGATE_FAILPOINT=$s "$T/seg-create" --start --role web "$J" 2>&1); r=$?
	t $([ $r = 1 ] && echo "$out" | grep -q "failpoint '$s'" && echo 0 || echo 1) "$s: seg-create fails (exit $r)"
	t $([ ! -e "$P/$J" ] && echo 0 || echo 1) "$s: no directory or config"
	cmp -s "$R" "$SEGT_DIR/registry.before"; t $? "$s: registry as before"
	t $([ "$(ip -o link | grep -vc ' lo:')" = 0 ] && echo 0 || echo 1) "$s: no veth"
	# "[s]egt" matches the jail's name but not this grep's own command line
	left=$(grep -l "[s]${J#s}" /proc/[0-9]*/cmdline /proc/[0-9]*/cgroup 2>/dev/null | head -3)
	t $([ -z "$left" ] && echo 0 || echo 1) "$s: no process ${left}"
done
# and the step after the last one: success
"$T/seg-create" --quiet --start --role web "$J"; t $? "unarmed: seg-create --start works"
"$T/seg-destroy" --force "$J"; t $? "destroy"
"$T/seg-destroy" "segt-keep-$$"; t $? "destroy the bystander"
finish
