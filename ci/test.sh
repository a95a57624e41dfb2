#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The project's test command: on a fresh Debian 12 machine (as root) it installs what is
# missing, then configures, builds and runs the conformance suite for x64 and x86 under Wine,
# with MinGW-w64 gcc and then with clang (ci/clang.sh), and the engine's host build under the
# sanitizers and the fuzzer (ci/host.sh).
# Prints CTest's summary for each build; exits non-zero if anything failed.
set -u
cd "$(dirname "$0")/.."

# pkg-config, clang and lld: the consumer tests build programs through wsasync.pc and, the way
# MSVC does, against wsasync.lib (in every build, so installed before the first).
bash ci/install-deps.sh pkg-config clang lld || exit 1
bash ci/dropin.sh || exit 1

status=0
bash ci/presets.sh x64 x86 || status=1
bash wine/build.sh --ci build/x64 || status=1
bash ci/clang.sh || status=1
bash ci/host.sh || status=1
exit $status
