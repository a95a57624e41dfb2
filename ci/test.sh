#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The project's test command: on a fresh Debian 12 machine (as root) it installs what is
# missing (ci/install-deps.sh, once), then configures, builds and runs the conformance suite
# under Wine for x64 and x86 with MinGW-w64 gcc; then, side by side, the Wine patch series'
# checks against those builds (wine/build.sh --ci: Wine 8.0 and 10.0), the suite for both
# arches with clang (Debian's clang targeting *-w64-mingw32 with the lld linker: a second
# compiler keeps the code free of one compiler's habits), and the engine's host build under the
# sanitizers and the fuzzer (ci/host.sh). Prints each stage's summary; exits non-zero if
# anything failed.
set -u
cd "$(dirname "$0")/.."

bash ci/install-deps.sh || exit 1
export WSASYNC_DEPS_INSTALLED=1

status=0
bash ci/presets.sh x64 x86 || status=1
# The Wine series' checks need the x64 and x86 builds above, and then mostly wait (each test run
# against the pristine DLL waits out its timeouts, in network namespaces of its own): the clang
# suites and the host build run meanwhile, and the series' output follows theirs.
mkdir -p build
bash wine/build.sh --ci build/x64 >build/wine-build.log 2>&1 &
wine_pid=$!
bash ci/presets.sh x64-clang x86-clang || status=1
bash ci/host.sh || status=1
wait "$wine_pid" || status=1
echo "=== wine/build.sh --ci build/x64 (ran beside the stages above)"
cat build/wine-build.log
exit $status
