#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# What the drop-in webservices.dll's tests need beyond the toolchain: Wine's webservices.h
# (libwine-dev), the reference for the WWSAPI types the test programs use. Run by ci/test.sh
# before it configures; the tests themselves run in its CTest runs of both arches
# (ctest -R dropin). Fails if the header cannot be installed.
set -eu
cd "$(dirname "$0")/.."
bash ci/install-deps.sh libwine-dev
test -f /usr/include/wine/wine/windows/webservices.h
