#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The one place that decides how the project runs Windows programs under Wine. Sourced by the
# scripts (". cmake/wine.sh", then the functions below), or run with a function's name and its
# arguments where a script cannot source it (CMake asks it for the loader and the prefix):
#   bash cmake/wine.sh loader x64
#
#   wine_loader ARCH      the Wine loader for ARCH's programs: x64 -> wine64, x86 -> the 32-bit
#                         loader (never the `wine` launcher, which starts the 32-bit loader first
#                         even for a 64-bit program and fails where the kernel refuses 32-bit code)
#   wine_server           the wineserver every loader here talks to (the 64-bit one where
#                         installed: it serves 32- and 64-bit programs alike)
#   wine_prefix BUILD     the Wine prefix of a build tree: one per tree, and a tree is one arch,
#                         so x86 programs never run in an x64 prefix
#   wine_can_run ARCH     0 if ARCH's programs run on this machine; 1 with the reason on stderr.
#                         The one rule for 32-bit: the kernel runs the 32-bit loader natively. An
#                         emulator registered for i386 binaries (qemu-user through binfmt_misc)
#                         does not count: Wine under it takes minutes per start and crashes with
#                         several threads, so nothing it prints is a result.
#   wine_env ARCH BUILD   exports WINEPREFIX, WINEDEBUG=-all and WINE (the loader) for ARCH

wine_loader() {
    local dir=/usr/lib/wine name=wine64
    [ "$1" = x86 ] && name=wine
    if [ -x "$dir/$name" ]; then
        echo "$dir/$name"
    elif command -v "$name" >/dev/null; then
        command -v "$name"
    else
        echo "wine.sh: no Wine loader for $1 ($dir/$name is not installed)" >&2
        return 1
    fi
}

wine_server() {
    local dir=/usr/lib/wine
    if [ -x "$dir/wineserver64" ]; then echo "$dir/wineserver64"
    elif [ -x "$dir/wineserver" ]; then echo "$dir/wineserver"
    else command -v wineserver || { echo "wine.sh: no wineserver installed" >&2; return 1; }
    fi
}

wine_prefix() {
    echo "$(cd "$1" && pwd)/wineprefix"
}

wine_can_run() {
    local loader out entry
    loader=$(wine_loader "$1") || return 1
    if [ "$1" = x86 ]; then
        for entry in /proc/sys/fs/binfmt_misc/qemu-i386 /proc/sys/fs/binfmt_misc/qemu-i386-static; do
            if [ -f "$entry" ] && head -1 "$entry" | grep -qx enabled; then
                echo "32-bit programs run only under an emulator here ($entry)" >&2
                return 1
            fi
        done
    fi
    if ! out=$(timeout 60 "$loader" --version 2>&1); then
        if [ "$1" = x86 ]; then
            # The kernel refuses the i386 loader with ENOEXEC, and the shell that timeout falls
            # back to then reads the binary as a script: its "Syntax error" would only mislead.
            echo "the kernel does not run 32-bit programs (32-bit Wine, $loader, cannot start: $(case $out in "") echo "timed out" ;; *"Syntax error"*|*"Exec format error"*) echo "exec format error" ;; *) echo "$out" ;; esac))" >&2
        else
            echo "Wine's loader $loader cannot start: ${out:-timed out}" >&2
        fi
        return 1
    fi
}

wine_env() {
    WINE=$(wine_loader "$1") || return 1
    WINEPREFIX=$(wine_prefix "$2") || return 1
    WINEDEBUG=-all
    export WINE WINEPREFIX WINEDEBUG
}

# Run, not sourced: the function named by the first argument.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    case ${1:-} in
    loader|server|prefix|can_run|can-run) fn=wine_${1//-/_}; shift; "$fn" "$@" ;;
    *) echo "usage: bash cmake/wine.sh loader|server|prefix|can-run ARG" >&2; exit 2 ;;
    esac
fi
