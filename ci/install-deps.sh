#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Installs what building and testing wsasync needs on a Debian 12 machine, as root, through apt,
# in one go: CMake, MinGW-w64 (both arches), Wine able to run 32- and 64-bit programs, and the
# rest of the list below. Safe to run again: it does nothing when everything is already there.
# Run once by each entry point (ci/test.sh, ci/demo.sh, ci/soak.sh, bench/run.sh), which then
# export WSASYNC_DEPS_INSTALLED=1 so that the stages they run (ci/presets.sh, ci/host.sh) do not
# run it again. Extra packages can be passed as arguments.
set -u

# Beyond the toolchain and Wine:
#   pkg-config             the consumer tests build a program through wsasync.pc
#   clang lld              the clang presets, and the consumer tests' MSVC route (lld-link)
#   libwine-dev            Wine's webservices.h, the WWSAPI declarations of the drop-in's tests
#   wine64-tools dpkg-dev  winegcc/winebuild and Debian's source tools, for building Wine's own
#                          webservices.dll from its source
#   gcc libc6-dev libclang-rt-14-dev   the host build under the sanitizers and libFuzzer
packages="pkg-config clang lld libwine-dev wine64-tools dpkg-dev gcc libc6-dev libclang-rt-14-dev $*"

have_all() {
    command -v cmake >/dev/null &&
    command -v x86_64-w64-mingw32-gcc >/dev/null &&
    command -v i686-w64-mingw32-gcc >/dev/null &&
    command -v wine >/dev/null &&
    dpkg -s wine64 >/dev/null 2>&1 &&
    dpkg -s wine32:i386 >/dev/null 2>&1 &&
    for p in $packages; do dpkg -s "$p" >/dev/null 2>&1 || return 1; done
}

if have_all; then
    exit 0
fi

if [ "$(id -u)" != 0 ]; then
    echo "install-deps: missing packages and not root; install cmake mingw-w64 wine wine64 wine32:i386 $packages" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt_get() { apt-get -y -q -o Dpkg::Use-Pty=0 "$@"; }

dpkg --print-foreign-architectures | grep -qx i386 || dpkg --add-architecture i386
# One index failing to download (seen with bookworm-security's i386 index during mirror syncs)
# makes apt-get update exit non-zero although every other index is fine: carry on regardless
# and let the install below decide.
apt_get update || echo "install-deps: apt-get update reported a failure; continuing" >&2

base="cmake make mingw-w64 wine wine64 $packages"
if apt_get install --no-install-recommends $base wine32:i386 libgstreamer-plugins-base1.0-0:i386; then
    :
else
    # amd64 libraries may come from bookworm-security while their i386 twins are only in
    # bookworm when the security i386 index is missing; prefer the main release's versions.
    prefs=$(mktemp)
    printf 'Package: *\nPin: release l=Debian-Security\nPin-Priority: 100\n' >"$prefs"
    apt_get -o Dir::Etc::preferences="$prefs" install --no-install-recommends --allow-downgrades \
        $base wine32:i386 libgstreamer-plugins-base1.0-0:i386
    rc=$?
    rm -f "$prefs"
    [ $rc = 0 ] || { echo "install-deps: could not install the toolchain" >&2; exit 1; }
fi

have_all || { echo "install-deps: packages still missing after install" >&2; exit 1; }
