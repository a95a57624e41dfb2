# SPDX-License-Identifier: LGPL-2.1-or-later
set(WSASYNC_TRIPLE x86_64-w64-mingw32)
set(WSASYNC_COMPILER clang)
include(${CMAKE_CURRENT_LIST_DIR}/mingw-toolchain.cmake)
