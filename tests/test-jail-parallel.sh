#!/bin/sh
# 16 seg-create at once: 16 distinct indexes, addresses and uid ranges, and
# a registry that parses afterwards.
set -u
. "$SEG_TESTS_DIR/jail-lib.sh"
tmp=$SEGT_DIR/par; mkdir -p "$tmp"
i=0
while [ $i -lt 16 ]; do
	( "$T/seg-create" --quiet --role web "segt-p$i-$$" >"$tmp/$i.out" 2>&1; echo $? >"$tmp/$i.rc" ) &
	i=$((i + 1))
done
wait
bad=0; i=0
while [ $i -lt 16 ]; do
	[ "$(cat "$tmp/$i.rc")" = 0 ] || { bad=$((bad + 1)); diag "$(cat "$tmp/$i.out")"; }
	i=$((i + 1))
done
t $bad "16 parallel seg-create succeed ($bad failed)"
"$T/seg-ls" --json >"$tmp/ls.json"; t $? "registry parses afterwards (seg-ls)"
t $([ "$(jq length "$tmp/ls.json")" = 16 ] && echo 0 || echo 1) "16 jails listed"
for f in index address uid_base veth; do
	d=$(jq -r ".[].$f" "$tmp/ls.json" | sort | uniq -d)
	t $([ -z "$d" ] && [ "$(jq -r ".[].$f" "$tmp/ls.json" | sort -u | wc -l)" = 16 ] && echo 0 || echo 1) "16 distinct ${f}s"
done
grep -c '^jail ' "$R" | grep -qx 16; t $? "16 registry lines"
i=0
while [ $i -lt 16 ]; do "$T/seg-destroy" "segt-p$i-$$" || bad=1; i=$((i + 1)); done
t $bad "all destroyed"
t $([ -z "$(ls -A "$P")" ] && [ "$(grep -c '^jail ' "$R")" = 0 ] && echo 0 || echo 1) "nothing left"
finish
