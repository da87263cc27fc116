#!/bin/sh
# The version script, the shared library's exports and the public headers
# must name exactly the same functions.
# usage: test-symbols.sh LIBSEGREGATE.so SYMFILE INCLUDEDIR
set -eu
lib=$1 sym=$2 inc=$3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

sed -e 's,/\*.*\*/,,' -e '/\/\*/,/\*\//d' "$sym" |
	grep -oE '^[[:space:]]*seg_[a-z0-9_]+;' | tr -d ' \t;' | sort -u >"$tmp/sym"
nm -D --defined-only "$lib" | awk '$2 == "T" || $2 == "D" || $2 == "B" {print $3}' |
	sed 's/@.*//' | grep '^seg_' | sort -u >"$tmp/exported"
# Prototypes: an identifier seg_* directly followed by "(" and not a
# function-pointer typedef "(*name)".
cat "$inc"/*.h | tr '\n' ' ' | sed -E 's/\(\*[[:space:]]*seg_[a-z0-9_]+[[:space:]]*\)//g' |
	grep -oE '[^a-z0-9_]seg_[a-z0-9_]+[[:space:]]*\(' | grep -oE 'seg_[a-z0-9_]+' | sort -u >"$tmp/declared"

n=0; fail=0
check() { # name file-a file-b
	n=$((n + 1))
	if d=$(comm -3 "$2" "$3") && [ -z "$d" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"; echo "$d" | sed 's/^/#   /'; fail=1
	fi
}
check "version script lists exactly what the headers declare" "$tmp/sym" "$tmp/declared"
check "library exports exactly what the version script lists" "$tmp/exported" "$tmp/sym"
n=$((n + 1))
if [ "$(wc -l <"$tmp/sym")" -gt 0 ]; then echo "ok $n - symbols found ($(wc -l <"$tmp/sym"))"; else echo "not ok $n - no symbols found"; fail=1; fi
n=$((n + 1))
if nm -D --defined-only "$lib" | grep -q 'seg_error_set\b'; then
	echo "not ok $n - internal helper seg_error_set leaks"; fail=1
else echo "ok $n - internal helpers stay hidden"; fi
echo "1..$n"
exit $fail
