# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared body of the MinGW-w64 toolchain files: WSASYNC_TRIPLE names the target, and
# WSASYNC_COMPILER picks the compiler: gcc (the default, ${WSASYNC_TRIPLE}-gcc) or clang
# (Debian's clang with --target, the MinGW-w64 headers, CRT and libgcc, and the lld linker).
set(CMAKE_SYSTEM_NAME Windows)
if(NOT WSASYNC_COMPILER)
    set(WSASYNC_COMPILER gcc)
endif()
if(WSASYNC_COMPILER STREQUAL "clang")
    set(CMAKE_C_COMPILER clang)
    set(CMAKE_C_COMPILER_TARGET ${WSASYNC_TRIPLE})
    # clang finds the MinGW-w64 headers and CRT by itself but not GCC's support library (libgcc),
    # which lives in the MinGW GCC's own directory: ask that GCC where it is.
    execute_process(COMMAND ${WSASYNC_TRIPLE}-gcc -print-libgcc-file-name
                    OUTPUT_VARIABLE libgcc OUTPUT_STRIP_TRAILING_WHITESPACE)
    get_filename_component(libgcc_dir "${libgcc}" DIRECTORY)
    set(CMAKE_EXE_LINKER_FLAGS_INIT "-fuse-ld=lld -L${libgcc_dir}")
    set(CMAKE_SHARED_LINKER_FLAGS_INIT "-fuse-ld=lld -L${libgcc_dir}")
else()
    set(CMAKE_C_COMPILER ${WSASYNC_TRIPLE}-gcc)
    set(CMAKE_CXX_COMPILER ${WSASYNC_TRIPLE}-g++)
endif()
set(CMAKE_RC_COMPILER ${WSASYNC_TRIPLE}-windres)
set(CMAKE_DLLTOOL ${WSASYNC_TRIPLE}-dlltool)
set(CMAKE_OBJCOPY ${WSASYNC_TRIPLE}-objcopy)
# The tests read export tables and symbols with the MinGW binutils whichever compiler is used.
set(CMAKE_OBJDUMP ${WSASYNC_TRIPLE}-objdump)
set(CMAKE_NM ${WSASYNC_TRIPLE}-nm)
set(CMAKE_FIND_ROOT_PATH /usr/${WSASYNC_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
# Test programs run under Wine (see tests/CMakeLists.txt for the prefix it uses). 64-bit programs
# go straight to Wine's 64-bit loader: the `wine` launcher starts the 32-bit loader first, which
# costs a 32-bit process per run and fails outright on kernels without 32-bit support.
if(WSASYNC_TRIPLE MATCHES "^x86_64")
    find_program(WSASYNC_WINE NAMES wine64 wine PATHS /usr/lib/wine NO_DEFAULT_PATH)
    find_program(WSASYNC_WINE NAMES wine64 wine)
else()
    find_program(WSASYNC_WINE wine)
endif()
if(WSASYNC_WINE)
    set(CMAKE_CROSSCOMPILING_EMULATOR ${WSASYNC_WINE})
endif()
