# Shared by the jail's shell tests (sourced).  They run inside segt-run:
# own netns, SEGREGATE_STATE_DIR, SEGREGATE_LXCPATH.
n=0; fail=0
t() { # status description
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}
tv() { # description command... : runs the command, records its status
	d=$1; shift
	"$@" >/dev/null 2>&1; t $? "$d"
}
diag() { echo "$*" | sed 's/^/# /'; }
finish() { echo "1..$n"; exit $fail; }

[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root (real jails)"; exit 0; }
[ -n "${SEGT_NETNS:-}" ] || { echo "1..0 # SKIP run through tests/segt-run"; exit 0; }
T=$SEG_TOOLS_DIR
P=$SEGREGATE_LXCPATH
R=$SEGREGATE_STATE_DIR/registry

attach() { # NAME COMMAND...: a witness process entered with lxc-attach
	name=$1; shift
	lxc-attach -P "$P" -n "$name" --clear-env -- "$@"
}
reg_field() { # NAME FIELD(1-based, registry line)
	grep "^jail $1 " "$R" | cut -d' ' -f"$2"
}
