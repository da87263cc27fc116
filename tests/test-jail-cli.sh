#!/bin/sh
# The jail tools' command lines and errors, without privileges: usage errors
# exit 2, refusals exit 1 with a message naming the problem, and an empty
# state directory lists as empty.
set -u
n=0; fail=0
t() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
T=$SEG_TOOLS_DIR
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export SEGREGATE_STATE_DIR=$tmp/state SEGREGATE_LXCPATH=$tmp/state/jails
expect() { # exit-status grep-pattern description command...
	want=$1 pat=$2 d=$3; shift 3
	out=$("$@" 2>&1); r=$?
	if [ $r = "$want" ] && echo "$out" | grep -q -- "$pat"; then t 0 "$d"; else
		t 1 "$d"; echo "$out" | sed 's/^/#   /'; echo "#   exit $r"; fi
}
expect 2 "missing jail NAME" "seg-create without a name" "$T/seg-create" --role web
expect 2 "either --role ROLE or --topology FILE" "seg-create without role or topology" "$T/seg-create" x1
expect 2 "either --role ROLE or --topology FILE" "seg-create with both" "$T/seg-create" --role web --topology /x x1
expect 2 "exactly one jail NAME" "seg-create with two names" "$T/seg-create" --role web a b
expect 1 "invalid jail name '../x'" "seg-create refuses a path as a name" "$T/seg-create" --role web ../x
expect 1 "invalid jail name" "seg-create refuses an upper-case name" "$T/seg-create" --role web Web
expect 1 "invalid jail name" "seg-create refuses a 32-character name" "$T/seg-create" --role web aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
expect 2 "missing jail NAME" "seg-start without a name" "$T/seg-start"
expect 1 "no jail named 'nope'" "seg-start of an unknown jail" "$T/seg-start" nope
expect 1 "no jail named 'nope'" "seg-stop of an unknown jail" "$T/seg-stop" nope
expect 2 "invalid timeout 'soon'" "seg-stop --timeout checks its number" "$T/seg-stop" --timeout soon x
expect 2 "invalid timeout '-1'" "seg-stop refuses a negative timeout" "$T/seg-stop" -t -1 x
expect 1 "no jail named 'nope'" "seg-destroy of an unknown jail" "$T/seg-destroy" --force nope
expect 2 "unexpected argument 'x'" "seg-ls takes no argument" "$T/seg-ls" x
expect 0 "^NAME *ROLE *STATE *ADDRESS *UIDS *PID *DISK" "seg-ls of an empty state dir: header" "$T/seg-ls"
out=$("$T/seg-ls" --json); t $([ "$out" = "[]" ] && echo 0 || echo 1) "seg-ls --json of an empty state dir: []"
t $([ ! -e "$tmp/state" ] && echo 0 || echo 1) "reading created no state directory"
# a corrupt registry is reported with its file and line, not papered over
mkdir -p "$tmp/state"
printf 'segregate-registry 1\njail broken\n' >"$tmp/state/registry"
expect 1 "$tmp/state/registry:2: expected 'jail NAME" "corrupt registry: file:line" "$T/seg-ls"
expect 1 "registry:2:" "seg-create refuses to work on a corrupt registry" "$T/seg-create" --role web ok1
echo "1..$n"
exit $fail
