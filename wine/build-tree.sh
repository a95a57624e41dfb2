#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Builds one tree of the work tree ($WSASYNC_WINE_OUT/src/TREE, made by wine/apply.sh) for one
# arch into $WSASYNC_WINE_OUT/ARCH/TREE: webservices.dll (winegcc -D__WINESRC__, -O2), its
# import library (winebuild --implib from the tree's spec file) and one webservices_test.exe with
# every tests/*.c of the tree and a generated test list; the same for httpapi.dll, and on x64
# the http.sys driver (its entry point wine/driver-entry.c). A tree whose files, and these
# scripts, are the same as at its last build (the stamp) is not built again.
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

stamp=$( (cd "$src" && find . -type f -print0 | sort -z | xargs -0 sha256sum; sha256sum "$root/wine/build-tree.sh" "$root/wine/driver-entry.c") | sha256sum)
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

# imports DIR: the -l options of the IMPORTS its Makefile.in names, as Wine's own build links it.
imports() {
    sed -n 's/^IMPORTS *= *//p' "$1/Makefile.in" | sed 's/[^ ]*/-l&/g'
}

# module NAME FILE [OPTIONS...]: dlls/NAME of the tree built into $obj/FILE, -O2, from its
# sources (and any extra objects in OPTIONS); a module with a spec file is built with it, and its
# import library made from it ($obj/libNAME.a, winebuild --implib).
module() {
    local name=$1 file=$2 spec
    shift 2
    dir=$obj/objects-$name && mkdir -p "$dir"
    compile -O2 -D__WINESRC__ -I"$src/dlls/$name" -I"$src/include" -- "$src/dlls/$name"/*.c || return 1
    spec=$(ls "$src/dlls/$name"/*.spec 2>/dev/null)
    winegcc -b $triple -shared $spec $libs "$dir"/*.o "$@" -o "$obj/$file" $(imports "$src/dlls/$name") || return 1
    [ -z "$spec" ] || winebuild -b $triple --implib -E "$spec" -o "$obj/lib$name.a"
}

# tests NAME: one program, $obj/NAME_test.exe, with every dlls/NAME/tests/*.c of the tree and a
# generated test list, linked against the tree's import library of NAME ($obj/libNAME.a).
tests() {
    local name=$1 names
    dir=$obj/objects-$name-tests && mkdir -p "$dir"
    names=$(for f in "$src/dlls/$name"/tests/*.c; do basename "$f" .c; done)
    {
        printf '#include <windows.h>\n#define STANDALONE\n#include "wine/test.h"\n\n'
        printf 'extern void func_%s(void);\n' $names
        printf '\nconst struct test winetest_testlist[] =\n{\n'
        for n in $names; do printf '    { "%s", func_%s },\n' "$n" "$n"; done
        printf '    { 0, 0 }\n};\n'
    } >"$dir/testlist.c"
    # The tests are built without optimisation: it halves the build, and they test the DLL.
    compile -O0 -D__WINESRC__ -I"$src/include" -- "$src/dlls/$name"/tests/*.c "$dir/testlist.c" || return 1
    winegcc -b $triple -mconsole -L"$obj" $libs "$dir"/*.o -o "$obj/${name}_test.exe" \
        $(imports "$src/dlls/$name/tests") || return 1
    # winegcc names the program NAME_test.exe.so on some setups.
    [ -f "$obj/${name}_test.exe" ] || mv "$obj/${name}_test.exe.so" "$obj/${name}_test.exe"
}

rm -rf "$obj" && mkdir -p "$obj"
module webservices webservices.dll || exit 1
tests webservices || exit 1
# The HTTP server API under the series' HTTP listener, from the same tree (wine/lib.sh:
# install_http_server puts it in the prefix): httpapi.dll, its tests and, on x64 only, the
# http.sys driver, since a Wine prefix runs its drivers in a 64-bit process for every program.
module httpapi httpapi.dll || exit 1
tests httpapi || exit 1
if [ "$arch" = x64 ]; then
    winegcc -b $triple -c -O2 -I"$src/include" "$root/wine/driver-entry.c" -o "$obj/driver-entry.o" || exit 1
    module http.sys http.sys "$obj/driver-entry.o" -Wl,--subsystem,native -Wl,--entry,driver_entry || exit 1
fi
echo "$stamp" >"$obj/stamp"
