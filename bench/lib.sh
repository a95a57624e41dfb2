# SPDX-License-Identifier: LGPL-2.1-or-later
# What bench/services.sh and bench/compare.sh (bench/http.sh, bench/host.sh) share: running
# bench_services.exe in a private network namespace with a wineserver of its own. Sourced; needs
# $root, $out and $wineserver (cmake/wine.sh's wine_server).

# run_in_namespace ARCH DIR ARGS...: runs ARGS (the arch's loader and a program) in DIR, with the
# prefix build/bench/services-prefix-ARCH, in a private network namespace (wine/netns.sh) whose
# wineserver is killed afterwards; prints the output, without carriage returns.
run_in_namespace() {
    local arch=$1 dir=$2
    shift 2
    WINEPREFIX=$out/services-prefix-$arch WINEDEBUG=-all \
    WINEDLLOVERRIDES="webservices=n;winedbg.exe=d;mscoree,mshtml=" \
        bash "$root/wine/netns.sh" sh -c 'cd "$1"; shift; server=$1; shift
                                          timeout -k 5 150 "$@"; rc=$?; "$server" -k; exit $rc' \
        sh "$dir" "$wineserver" "$@" 2>&1 | tr -d '\r'
    return "${PIPESTATUS[0]}"
}

# prepare_prefix ARCH DIR LOADER: the arch's prefix, made once outside the measured runs (by a
# wineboot inside a namespace too).
prepare_prefix() {
    WINEPREFIX=$out/services-prefix-$1 "$wineserver" -k >/dev/null 2>&1 </dev/null
    mkdir -p "$out/services-prefix-$1"
    run_in_namespace "$1" "$2" "$3" wineboot -i >/dev/null
}
