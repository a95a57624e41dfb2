#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The second compiler: builds both arches with clang targeting *-w64-mingw32 (Debian's clang,
# MinGW-w64's headers and libraries, the lld linker) and runs the same suite, consumer tests
# included, under Wine. Keeps the code free of one compiler's habits.
set -u
cd "$(dirname "$0")/.."

bash ci/install-deps.sh clang lld pkg-config || exit 1
exec bash ci/presets.sh x64-clang x86-clang
