# SPDX-License-Identifier: LGPL-2.1-or-later
set(WSASYNC_TRIPLE i686-w64-mingw32)
include(${CMAKE_CURRENT_LIST_DIR}/mingw-toolchain.cmake)
