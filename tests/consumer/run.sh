#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Builds tests/consumer against an installed wsasync tree, the way a user would, and runs it
# under Wine. Run by CTest (tests/CMakeLists.txt), one route per test:
#   run.sh install   <build dir> <prefix> <README.md> <nm> <symbol>...
#                    cmake --install into <prefix>, check that the installed files are exactly
#                    those README.md lists (its block after "<!-- install-tree -->"), and that
#                    the MSVC import library lib/wsasync.lib defines each symbol
#   run.sh cmake     <prefix> <work dir> <toolchain file> <wine> find_package(wsasync)
#   run.sh pkgconfig <prefix> <work dir> <wine> <cc> [cc args...] pkg-config and the compiler alone
#   run.sh msvc      <prefix> <work dir> <wine> <clang> <lld-link> <msvc triple>
#                    the MSVC way: MSVC's ABI and linker, lib/wsasync.lib, no C runtime
#   run.sh webservices <prefix> <work dir> <wine> <webservices.h dir> <cc> [cc args...]
#                    a WWSAPI client linked to lib/libwebservices.dll.a, run with the installed
#                    bin/webservices.dll beside it preferred to Wine's (webservices=n,b)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
route=$1
shift

run_consumer() {
    local wine=$1 exe=$2
    echo "+ $wine $exe"
    "$wine" "$exe"
}

case $route in
install)
    build=$1 prefix=$2 readme=$3 nm=$4
    shift 4
    rm -rf "$prefix"
    cmake --install "$build" --prefix "$prefix"
    # The README's list: the first word of each line of the fenced block after the marker; a
    # `*` in it stands for any text (the build type in the CMake package's file names).
    listed=$(awk '/<!-- install-tree -->/ { marked = 1; next }
                  marked && /^```/ { if (inside) exit; inside = 1; next }
                  inside && NF { print $1 }' "$readme")
    installed=$(cd "$prefix" && find . -type f | sed 's|^\./||' | sort)
    [ -n "$listed" ] || { echo "$readme: no installed-file list after <!-- install-tree -->" >&2; exit 1; }
    unmatched=""
    for file in $installed; do
        found=""
        for pattern in $listed; do
            # shellcheck disable=SC2053
            [[ $file == $pattern ]] && { found=1; break; }
        done
        [ -n "$found" ] || unmatched="$unmatched $file"
    done
    missing=""
    for pattern in $listed; do
        found=""
        for file in $installed; do
            # shellcheck disable=SC2053
            [[ $file == $pattern ]] && { found=1; break; }
        done
        [ -n "$found" ] || missing="$missing $pattern"
    done
    if [ -n "$unmatched$missing" ]; then
        echo "installed tree against README.md: expected exactly the files listed there;" \
             "installed but not listed:${unmatched:- none}; listed but not installed:${missing:- none}" >&2
        exit 1
    fi
    echo "installed files, as README.md lists them:" $installed
    symbols=$("$nm" "$prefix/lib/wsasync.lib" | awk '$2 == "T" || $2 == "I" { print $3 }')
    for symbol in "$@"; do
        if ! grep -qxF -- "$symbol" <<<"$symbols"; then
            echo "wsasync.lib: expected the symbol $symbol; it defines:" $symbols >&2
            exit 1
        fi
    done
    echo "wsasync.lib defines:" $symbols
    ;;
cmake)
    prefix=$1 work=$2 toolchain=$3 wine=$4
    rm -rf "$work"
    cmake -S "$here" -B "$work" -G "Unix Makefiles" -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCMAKE_PREFIX_PATH="$prefix"
    cmake --build "$work"
    run_consumer "$wine" "$work/consumer.exe"
    ;;
pkgconfig)
    prefix=$1 work=$2 wine=$3
    shift 3
    command -v pkg-config >/dev/null || { echo "pkg-config is not installed" >&2; exit 1; }
    rm -rf "$work"
    mkdir -p "$work"
    # Only the installed tree: no other .pc file may answer.
    export PKG_CONFIG_LIBDIR="$prefix/lib/pkgconfig" PKG_CONFIG_PATH=
    flags=$(pkg-config --cflags --libs wsasync)
    bindir=$(pkg-config --variable=bindir wsasync)
    echo "+ $* $here/consumer.c $flags"
    "$@" -Wall -Wextra -Werror "$here/consumer.c" $flags -o "$work/consumer.exe"
    cp "$bindir/wsasync.dll" "$work/"
    run_consumer "$wine" "$work/consumer.exe"
    ;;
msvc)
    prefix=$1 work=$2 wine=$3 clang=$4 lld_link=$5 triple=$6
    rm -rf "$work"
    mkdir -p "$work"
    # lld-link's defaults are MSVC's link: /SAFESEH on x86 included.
    "$clang" --target="$triple" -Wall -Wextra -Werror -O2 -c "$here/msvc.c" -o "$work/msvc.obj"
    "$lld_link" /nologo /entry:mainCRTStartup /subsystem:console /nodefaultlib \
        "$work/msvc.obj" "$prefix/lib/wsasync.lib" /out:"$work/msvc.exe"
    cp "$prefix/bin/wsasync.dll" "$work/"
    rc=0
    run_consumer "$wine" "$work/msvc.exe" || rc=$?
    [ "$rc" = 0 ] || { echo "msvc.exe: expected exit code 0, got $rc (the check that failed)" >&2; exit 1; }
    echo "msvc.exe: every check passed"
    ;;
webservices)
    prefix=$1 work=$2 wine=$3 wine_include=$4
    shift 4
    rm -rf "$work"
    mkdir -p "$work"
    # Wine's webservices.h after the toolchain's headers, so that it only adds what they lack.
    echo "+ $* $here/webservices_client.c -I$prefix/include -idirafter $wine_include $prefix/lib/libwebservices.dll.a"
    "$@" -Wall -Wextra -Werror "$here/webservices_client.c" -I"$prefix/include" -idirafter "$wine_include" \
        "$prefix/lib/libwebservices.dll.a" -o "$work/webservices_client.exe"
    cp "$prefix/bin/webservices.dll" "$work/"
    WINEDLLOVERRIDES=webservices=n,b run_consumer "$wine" "$work/webservices_client.exe"
    ;;
*)
    echo "run.sh: unknown route '$route'" >&2
    exit 2
    ;;
esac
