#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Builds one tree of the work tree ($WSASYNC_WINE_OUT/src/TREE, made by wine/apply.sh) for one
# arch into $WSASYNC_WINE_OUT/ARCH/TREE: webservices.dll (winegcc -D__WINESRC__, -O2), its
# import library (winebuild --implib from the tree's spec file) and one webservices_test.exe with
# every tests/*.c of the tree and a generated test list. A tree whose files, and this script, are
# the same as at its last build (the stamp) is not built again.
#
# Usage: wine/build-tree.sh x64|x86 pristine|patched
# Exits non-zero if the build fails. x86 needs the import libraries wine/fetch.sh unpacks.
set -u
# shellcheck source=wine/lib.sh
. "$(dirname "$0")/lib.sh"
arch=$1 tree=$2
src=$out/src/$tree obj=$out/$arch/$tree
triple=x86_64-w64-mingw32 libs=
[ "$arch" = x86 ] && { triple=i686-w64-mingw32; libs="-L$x86lib"; }

stamp=$( (cd "$src" && find . -type f -print0 | sort -z | xargs -0 sha256sum; sha256sum "$root/wine/build-tree.sh") | sha256sum)
if [ -f "$obj/webservices_test.exe" ] && [ "$(cat "$obj/stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "$arch $tree: unchanged since its last build"
    exit 0
fi

# compile FLAGS... -- SOURCES...: each source to an object in $dir, two at a time.
compile() {
    local flags=() f pids=
    while [ "$1" != -- ]; do flags+=("$1"); shift; done
    shift
    for f in "$@"; do
        winegcc -b $triple -c "${flags[@]}" "$f" -o "$dir/$(basename "$f" .c).o" &
        pids="$pids $!"
        [ "$(jobs -r | wc -l)" -ge 2 ] && wait -n
    done
    for f in $pids; do wait "$f" || return 1; done
}

rm -rf "$obj" && mkdir -p "$obj/dll" "$obj/tests"
dir=$obj/dll
compile -O2 -D__WINESRC__ -I"$src/dlls/webservices" -I"$src/include" -- "$src"/dlls/webservices/*.c || exit 1
# The DLL imports what its Makefile.in says (IMPORTS), as Wine's own build links it.
imports=$(sed -n 's/^IMPORTS *= *//p' "$src/dlls/webservices/Makefile.in" | sed 's/[^ ]*/-l&/g')
winegcc -b $triple -shared "$src/dlls/webservices/webservices.spec" $libs "$obj"/dll/*.o \
    -o "$obj/webservices.dll" $imports || exit 1
winebuild -b $triple --implib -E "$src/dlls/webservices/webservices.spec" -o "$obj/libwebservices.a" || exit 1

# The test list of Wine's test programs, for every tests/*.c of the tree.
names=$(for f in "$src"/dlls/webservices/tests/*.c; do basename "$f" .c; done)
{
    printf '#include <windows.h>\n#define STANDALONE\n#include "wine/test.h"\n\n'
    printf 'extern void func_%s(void);\n' $names
    printf '\nconst struct test winetest_testlist[] =\n{\n'
    for n in $names; do printf '    { "%s", func_%s },\n' "$n" "$n"; done
    printf '    { 0, 0 }\n};\n'
} >"$obj/tests/testlist.c"
# The tests are built without optimisation: it halves the build, and they test the DLL.
dir=$obj/tests
compile -O0 -D__WINESRC__ -I"$src/include" -- "$src"/dlls/webservices/tests/*.c "$obj/tests/testlist.c" || exit 1
winegcc -b $triple -mconsole -L"$obj" $libs "$obj"/tests/*.o -o "$obj/webservices_test.exe" \
    -lwebservices -loleaut32 -lole32 -luser32 -lrpcrt4 -lws2_32 -ladvapi32 || exit 1
# winegcc names the program webservices_test.exe.so on some setups.
[ -f "$obj/webservices_test.exe" ] || mv "$obj/webservices_test.exe.so" "$obj/webservices_test.exe"
echo "$stamp" >"$obj/stamp"
