#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The project's test command: on a fresh Debian 12 machine (as root) it installs what is
# missing (ci/install-deps.sh, once), then configures, builds and runs the conformance suite
# under Wine for x64 and x86 with MinGW-w64 gcc, builds and tests the Wine patch series against
# the x64 build (wine/build.sh --ci), then the suite for both arches with clang (Debian's clang
# targeting *-w64-mingw32 with the lld linker: a second compiler keeps the code free of one
# compiler's habits), and the engine's host build under the sanitizers and the fuzzer
# (ci/host.sh). Prints CTest's summary for each build; exits non-zero if anything failed.
set -u
cd "$(dirname "$0")/.."

bash ci/install-deps.sh || exit 1
export WSASYNC_DEPS_INSTALLED=1

status=0
bash ci/presets.sh x64 x86 || status=1
bash wine/build.sh --ci build/x64 || status=1
bash ci/presets.sh x64-clang x86-clang || status=1
bash ci/host.sh || status=1
exit $status
