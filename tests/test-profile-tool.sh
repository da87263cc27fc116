#!/bin/sh
# seg-profile end to end: the counts of --explain meet the targets, -o writes
# both files, errors and usage mistakes give the documented exit codes.
set -u
exe="$SEG_TOOLS_DIR/seg-profile"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
n=0; fail=0
t() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }

out=$("$exe" --explain --role web web1); r=$?
t $r "--explain --role web exits 0"
caps=$(echo "$out" | sed -n 's/^  capabilities kept: \([0-9]*\).*/\1/p')
calls=$(echo "$out" | sed -n 's/^  x86_64 syscalls allowed: \([0-9]*\) of.*/\1/p')
[ -n "$caps" ] && [ "$caps" -le 3 ]; t $? "web keeps $caps capabilities (<= 3)"
[ -n "$calls" ] && [ "$calls" -le 200 ]; t $? "web allows $calls x86_64 syscalls (<= 200)"
echo "$out" | grep -q "net_bind_service .*\[web\] listens on port 80"; t $? "every grant shows its reason"
base=$("$exe" --explain --json --role base b | sed -n 's/.*"capabilities": \([0-9]*\),.*/\1/p')
[ "$base" = 0 ]; t $? "base keeps 0 capabilities (--json)"

"$exe" --role web web1 -o "$tmp"; t $? "-o writes the files"
[ -s "$tmp/config" ] && [ -s "$tmp/seccomp" ]; t $? "config and seccomp exist"
"$exe" --role web web1 | cmp -s - "$tmp/config"; t $? "-o config is what stdout shows"
"$exe" --role web web1 --seccomp | cmp -s - "$tmp/seccomp"; t $? "-o seccomp is what --seccomp shows"
ls -a "$tmp" | grep -q '^\.config\.' ; [ $? != 0 ]; t $? "no temporary file left behind"

"$exe" --topology "$SEGREGATE_PROFILE_DIR/examples/webplatform.yaml" --jail db | grep -q "^lxc.uts.name = db$"
t $? "--topology --jail renders a jail of the example"
"$exe" --topology "$SEGREGATE_PROFILE_DIR/examples/webplatform.yaml" --jail nope >/dev/null 2>&1
[ $? = 1 ]; t $? "unknown jail: exit 1"
"$exe" --role nosuchrole x >/dev/null 2>"$tmp/err"; r=$?
[ $r = 1 ] && grep -q "no role 'nosuchrole'" "$tmp/err"; t $? "unknown role: exit 1 with the reason"
"$exe" --role web 'a;b' >/dev/null 2>&1; [ $? = 1 ]; t $? "invalid jail name: exit 1"
"$exe" --role web >/dev/null 2>&1; [ $? = 2 ]; t $? "missing NAME: exit 2"
"$exe" --role web a --seccomp --explain >/dev/null 2>&1; [ $? = 2 ]; t $? "--seccomp with --explain: exit 2"
"$exe" --list-roles | grep -q "^web "; t $? "--list-roles lists web"
[ "$("$exe" --list-roles | wc -l)" = 8 ]; t $? "--list-roles lists the 8 shipped roles"
"$exe" --list-groups | grep -q "^@network-io:"; t $? "--list-groups"
echo "1..$n"
exit $fail
