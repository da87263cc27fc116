#!/bin/sh
# seg-integrity on a live jail: a baseline out of the jail's reach, then
# what a compromised root inside plants (a newline in a name, a symlink to
# the host's /etc/shadow, a setuid bit, a directory swapped for a link to /)
# is reported, escaped, without following anything.
# usage (through segt-run): test-integrity-jail.sh
set -u
. "$SEG_TESTS_DIR/jail-lib.sh"
J=segt-int-$$

"$T/seg-create" --role web --start "$J" >/dev/null 2>&1; t $? "seg-create --role web --start $J"
out=$("$T/seg-integrity" verify "$J" 2>&1); r=$?
t $([ $r = 1 ] && echo 0 || echo 1) "verify before any baseline fails"
echo "$out" | grep -q "jail '$J' has no baseline yet (.*/integrity/$J.db); seg-integrity baseline $J makes one"; t $? "and says how to make one"
"$T/seg-exec" "$J" -- /bin/busybox sh -c 'mkdir /root/dir && echo z > /root/dir/f'; t $? "the jail's own data before the baseline"
out=$("$T/seg-integrity" baseline "$J" 2>&1); t $? "baseline: $out"
db=$SEGREGATE_STATE_DIR/integrity/$J.db
t $([ "$(stat -c %a:%u "$db" 2>/dev/null)" = 600:0 ] && echo 0 || echo 1) "the baseline is root's, mode 0600"
t $([ "$(stat -c %a "$SEGREGATE_STATE_DIR/integrity")" = 700 ] && echo 0 || echo 1) "in a 0700 directory"
"$T/seg-exec" "$J" -- /bin/busybox ls "$SEGREGATE_STATE_DIR/integrity" >/dev/null 2>&1
t $([ $? != 0 ] && echo 0 || echo 1) "the jail cannot see its baseline"
out=$("$T/seg-integrity" verify "$J" 2>&1); t $? "verify right after: $out"

# a compromised root inside the jail
"$T/seg-exec" "$J" -- /bin/busybox sh -c '
	cd /root && echo x > "$(printf "a\nb")" && ln -s /etc/shadow shadow &&
	echo y > tool && chmod 4755 tool && rm -rf dir && ln -s / dir' >/dev/null 2>&1
t $? "the jail planted its files"
out=$("$T/seg-integrity" verify "$J" 2>&1); r=$?
diag "$out"
t $([ $r = 3 ] && echo 0 || echo 1) "verify exits 3 on differences"
echo "$out" | grep -q "^$J: added    root/a%0Ab\$"; t $? "a newline in a name is reported escaped, on one line"
echo "$out" | grep -q "^$J: added    root/shadow\$"; t $? "a symlink to the host's /etc/shadow is reported"
echo "$out" | grep -q "^$J: added    root/tool\$"; t $? "the setuid file is reported"
echo "$out" | grep -q "^$J: changed  root/dir (type d->l"; t $? "a directory swapped for a link to / is reported"
echo "$out" | grep -q "^$J: removed  root/dir/f\$"; t $? "with what was below it"
echo "$out" | grep -q "root/dir/etc\|root/dir/usr"; t $([ $? != 0 ] && echo 0 || echo 1) "and the walk did not follow it into the host"
grep -q "^root/shadow l 0777 .* /etc/shadow\$" "$db"; t $([ $? != 0 ] && echo 0 || echo 1) "the baseline was not rewritten by verify"
"$T/seg-integrity" baseline "$J" >/dev/null 2>&1; t $? "a new baseline"
grep -q "^root/shadow l 0777 [0-9]* [0-9]* 11 /etc/shadow\$" "$db"; t $? "records the link and its target only"
"$T/seg-integrity" verify "$J" >/dev/null 2>&1; t $? "which then matches"

out=$("$T/seg-integrity" verify no-such-jail 2>&1); r=$?
t $([ $r = 1 ] && [ "$out" = "seg-integrity: no jail named 'no-such-jail' (seg-ls lists them)" ] && echo 0 || echo 1) "unknown jail: exit 1, named"
out=$("$T/seg-integrity" verify '../etc' 2>&1); r=$?
t $([ $r = 1 ] && echo "$out" | grep -q "invalid jail name '../etc'" && echo 0 || echo 1) "a path as a jail name is refused"
"$T/seg-integrity" check "$J" >/dev/null 2>&1; t $([ $? = 2 ] && echo 0 || echo 1) "unknown command: exit 2"
"$T/seg-destroy" --force "$J"; t $? "seg-destroy"
finish
