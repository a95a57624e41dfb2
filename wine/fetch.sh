#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Fetches what building the series needs into the cache (WSASYNC_WINE_CACHE), once:
#   - Wine's source: the orig tarball of Debian's source package wine of the suite that carries
#     VERSION (wine/lib.sh: wine_suite), with `apt-get source --download-only`;
#   - the x86 import libraries and libwinecrt0.a: the .deb of libwine-dev:i386 of the installed
#     libwine-dev's version (it cannot be installed beside the amd64 package), from the machine's
#     own suite, unpacked with dpkg-deb -x.
# Apt runs with a private configuration (its own lists and archives in the cache, a deb-src and
# an i386 line for the machine's Debian mirror); the system's lists stay as they are.
#
# Usage: wine/fetch.sh [VERSION]   (default WSASYNC_WINE_VERSION, 8.0)
# Prints the tarball's path. Exits 1, with a NOT-RUN "Wine source" row, if there is no source;
# a missing libwine-dev:i386 is only said on stderr (the x86 build then does not run).
set -u
# shellcheck source=wine/lib.sh
. "$(dirname "$0")/lib.sh"
version=${1:-$wine_version}

# The machine's Debian mirror and first suite, as its deb822 sources (or sources.list) name them.
machine_apt() {
    local uri suite
    uri=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null)
    suite=$(awk '/^Suites:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null)
    if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
        set -- $(awk '$1 == "deb" && $2 !~ /^\[/ { print $2, $3; exit }' /etc/apt/sources.list)
        uri=${1:-} suite=${2:-}
    fi
    [ -n "$uri" ] && [ -n "$suite" ] || { echo "no Debian mirror found in /etc/apt" >&2; return 1; }
    echo "$uri $suite"
}

# apt_private SUITE APT-GET-ARGS...: apt-get with the private configuration of SUITE, whose
# index (sources, and i386 packages only) is fetched on first use.
apt_private() {
    local suite=$1 dir=$cache/apt/$1 uri
    shift
    if [ ! -f "$dir/updated" ]; then
        uri=$(machine_apt) || return 1
        uri=${uri%% *}
        mkdir -p "$dir/lists/partial" "$dir/archives/partial"
        printf 'deb [arch=i386] %s %s main\ndeb-src %s %s main\n' "$uri" "$suite" "$uri" "$suite" >"$dir/sources.list"
        apt_get "$dir" update >"$dir/update.log" 2>&1 || { cat "$dir/update.log" >&2; return 1; }
        touch "$dir/updated"
    fi
    apt_get "$dir" "$@"
}
apt_get() {
    local dir=$1
    shift
    apt-get -q -o Dir::Etc::sourcelist="$dir/sources.list" -o Dir::Etc::sourceparts=- \
        -o Dir::State::Lists="$dir/lists" -o Dir::Cache::archives="$dir/archives" \
        -o APT::Architectures::=i386 "$@"
}

tarball=$(wine_tarball "$version")
if [ -z "$tarball" ]; then
    echo "=== fetching Wine $version's source from Debian" >&2
    mkdir -p "$cache/src"
    if suite=$(wine_suite "$version") &&
       (cd "$cache/src" && apt_private "$suite" source --download-only wine >fetch.log 2>&1); then
        tarball=$(wine_tarball "$version")
    else
        cat "$cache/src/fetch.log" >&2 2>/dev/null
    fi
fi

if [ ! -f "$x86lib/libwinecrt0.a" ]; then
    echo "=== fetching libwine-dev:i386" >&2
    deb_version=$(dpkg-query -W -f='${Version}' libwine-dev 2>/dev/null)
    rm -rf "$cache/x86deb" && mkdir -p "$cache/x86deb"
    if set -- $(machine_apt) &&
       (cd "$cache/x86deb" && apt_private "$2" download "libwine-dev:i386${deb_version:+=$deb_version}" >download.log 2>&1); then
        dpkg-deb -x "$cache"/x86deb/libwine-dev_*_i386.deb "$cache/x86lib"
    else
        cat "$cache/x86deb/download.log" >&2 2>/dev/null
    fi
fi

if [ -z "$tarball" ]; then
    result NOT-RUN "$version: Wine source" "cannot fetch Wine $version's source package from Debian's registry: nothing built or tested"
    exit 1
fi
echo "$tarball"
