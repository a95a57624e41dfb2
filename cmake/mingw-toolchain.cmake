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
# Test programs run under Wine, with the loader cmake/wine.sh picks for the arch (the prefix is the
# build tree's: see the top CMakeLists.txt).
if(WSASYNC_TRIPLE MATCHES "^x86_64")
    set(wsasync_wine_arch x64)
else()
    set(wsasync_wine_arch x86)
endif()
execute_process(COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/wine.sh loader ${wsasync_wine_arch}
                OUTPUT_VARIABLE WSASYNC_WINE OUTPUT_STRIP_TRAILING_WHITESPACE
                RESULT_VARIABLE wsasync_wine_result)
if(wsasync_wine_result EQUAL 0)
    set(CMAKE_CROSSCOMPILING_EMULATOR ${WSASYNC_WINE})
endif()
