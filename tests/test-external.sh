#!/bin/sh
# Installs into a temporary destdir, then builds and runs a program against
# it with nothing but pkg-config: catches a wrong .pc file, a missing
# installed header or a symbol not exported.
# usage: test-external.sh BUILD_ROOT SOURCE_ROOT VERSION
set -u
build=$1 src=$2 version=$3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest

n=0; fail=0
t() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }

meson install -C "$build" --no-rebuild --quiet --destdir "$dest" >"$tmp/install.log" 2>&1
t $? "meson install --destdir"
pc=$(find "$dest" -name libsegregate.pc | head -n1)
[ -n "$pc" ]; t $? "libsegregate.pc installed ($pc)"
for f in segregate.h error.h context.h version.h; do
	[ -n "$(find "$dest" -path "*/include/segregate/$f")" ]; t $? "header segregate/$f installed"
done
[ -n "$(find "$dest" -name 'seg-profile' -type f)" ]; t $? "seg-profile installed"
[ -n "$(find "$dest" -name 'seg-profile.1*')" ]; t $? "man page installed"
[ -n "$(find "$dest" -name 'segregate.mo')" ]; t $? "translations installed"
[ -z "$(find "$dest" -name '*-internal.h')" ]; t $? "private headers not installed"

cat >"$tmp/prog.c" <<'EOC'
#include <segregate/segregate.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
	seg_ctx *ctx = NULL;
	seg_error *e = NULL;
	if (strcmp(seg_version(), argv[1]) != 0) {
		fprintf(stderr, "version %s != %s\n", seg_version(), argv[1]);
		return 1;
	}
	if (seg_ctx_new(&ctx, &e) < 0)
		return 2;
	if (seg_ctx_set_state_dir(ctx, "not/absolute", &e) != -EINVAL || !e ||
	    seg_error_errno(e) != EINVAL)
		return 3;
	printf("%s\n", seg_error_message(e));
	seg_error_free(e);
	seg_ctx_free(ctx);
	return 0;
}
EOC
export PKG_CONFIG_PATH="$(dirname "$pc")" PKG_CONFIG_SYSROOT_DIR="$dest"
flags=$(pkg-config --cflags --libs libsegregate)
t $? "pkg-config --cflags --libs libsegregate: $flags"
# shellcheck disable=SC2086
cc -Wall -Werror -o "$tmp/prog" "$tmp/prog.c" $flags 2>"$tmp/cc.log"
r=$?; [ $r = 0 ] || sed 's/^/# /' "$tmp/cc.log"; t $r "external program compiles and links with pkg-config flags only"
# the README's example compiles and links against the installed library as is
awk '/^## Using the library/ { f = 1 } f && /^```c$/ { p = 1; next } p && /^```$/ { exit } p' \
	"$src/README.md" >"$tmp/readme.c"
[ -s "$tmp/readme.c" ]; t $? "README has a C example under 'Using the library'"
# shellcheck disable=SC2086
cc -Wall -Werror -o "$tmp/readme" "$tmp/readme.c" $flags 2>"$tmp/cc2.log"
r=$?; [ $r = 0 ] || sed 's/^/# /' "$tmp/cc2.log"; t $r "the README's example compiles and links with pkg-config flags only"
libdir=$(dirname "$(find "$dest" -name 'libsegregate.so.0' | head -n1)")
out=$(LD_LIBRARY_PATH="$libdir" "$tmp/prog" "$version" 2>&1)
r=$?; t $r "external program runs against the installed library"
[ "$out" = "state directory 'not/absolute' is not an absolute path" ]; t $? "error message through the public API: $out"
LD_LIBRARY_PATH="$libdir" ldd "$tmp/prog" | grep -q "$libdir/libsegregate.so.0"; t $? "program resolved the installed libsegregate.so.0"
echo "1..$n"
exit $fail
