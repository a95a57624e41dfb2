# SPDX-License-Identifier: LGPL-2.1-or-later
# The project's DLLs as a developer receives them: each DLL with a MinGW import library
# (lib<name>.dll.a) and an MSVC-style one (<name>.lib), both made by dlltool from the DLL's .def
# file (wsasync_dll_import_libraries), and an install tree with the header, a CMake package and
# a pkg-config file holding the DLLs named to wsasync_install, and nothing else.

include(CMakePackageConfigHelpers)
include(GNUInstallDirs)

# Import libraries come from dlltool rather than the linker: on x86, with --kill-at, the
# linker's would only offer the undecorated names, and a client's stdcall prototype asks for
# WsAsyncExecute@24 (_WsAsyncExecute@24 for MSVC, the same symbol). dlltool -k keeps the
# decorated symbols and imports the undecorated names the DLL exports; on x64 there is nothing
# to keep. Both files are the same kind of COFF import archive: MinGW's linker looks for
# lib<name>.dll.a, MSVC's link for <name>.lib. dlltool runs beside them and is given bare file
# names, because it names the archive's members and symbols after its output path: that way they
# do not carry the build directory.
#
# On x86, MSVC's link (with /SAFESEH, Visual Studio's default there) accepts only objects that
# declare themselves free of unregistered exception handlers, by an absolute @feat.00 symbol with
# bit 0 set. dlltool's objects hold import tables and a jump, no handler, but do not say so:
# objcopy adds the symbol to each member of the .lib.
function(wsasync_dll_import_libraries target def)
    set(mark_safeseh)
    if(CMAKE_SIZEOF_VOID_P EQUAL 4)
        set(mark_safeseh COMMAND ${CMAKE_OBJCOPY} --add-symbol @feat.00=1,local
                                 $<TARGET_FILE_BASE_NAME:${target}>.lib)
    endif()
    set(dlltool ${CMAKE_DLLTOOL} -k -d ${def} -D $<TARGET_FILE_NAME:${target}>)
    add_custom_command(TARGET ${target} POST_BUILD
        COMMAND ${dlltool} -l $<TARGET_LINKER_FILE_NAME:${target}>
        COMMAND ${dlltool} -l $<TARGET_FILE_BASE_NAME:${target}>.lib
        ${mark_safeseh}
        WORKING_DIRECTORY $<TARGET_LINKER_FILE_DIR:${target}>
        COMMENT "Import libraries for ${target} from its .def file"
        VERBATIM)
    set_target_properties(${target} PROPERTIES PREFIX "" IMPORT_PREFIX "lib" IMPORT_SUFFIX ".dll.a")
endfunction()

# The install tree, for one arch (one prefix per arch, as MinGW distributions lay them out):
#   include/wsasync.h
#   bin/<dll>.dll                           every DLL named
#   lib/lib<dll>.dll.a, lib/<dll>.lib       their import libraries
#   lib/cmake/wsasync/                      find_package(wsasync): wsasync::<dll> targets
#   lib/pkgconfig/wsasync.pc                pkg-config --cflags --libs wsasync
# The README lists the resulting files; the consumer_install test compares the two.
function(wsasync_install)
    set(targets ${ARGN})

    set(cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/wsasync)
    install(FILES ${PROJECT_SOURCE_DIR}/include/wsasync.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
    install(TARGETS ${targets} EXPORT wsasync-targets
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
    foreach(target ${targets})
        install(FILES $<TARGET_LINKER_FILE_DIR:${target}>/$<TARGET_FILE_BASE_NAME:${target}>.lib
                DESTINATION ${CMAKE_INSTALL_LIBDIR})
    endforeach()
    install(EXPORT wsasync-targets NAMESPACE wsasync:: DESTINATION ${cmake_dir})

    configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/wsasyncConfig.cmake.in
        ${PROJECT_BINARY_DIR}/wsasyncConfig.cmake INSTALL_DESTINATION ${cmake_dir})
    # An x86 tree must not satisfy an x64 consumer, nor the reverse: the version file compares
    # pointer sizes as well as versions.
    write_basic_package_version_file(${PROJECT_BINARY_DIR}/wsasyncConfigVersion.cmake
        COMPATIBILITY SameMinorVersion)
    install(FILES ${PROJECT_BINARY_DIR}/wsasyncConfig.cmake
                  ${PROJECT_BINARY_DIR}/wsasyncConfigVersion.cmake
            DESTINATION ${cmake_dir})

    configure_file(${PROJECT_SOURCE_DIR}/cmake/wsasync.pc.in ${PROJECT_BINARY_DIR}/wsasync.pc @ONLY)
    install(FILES ${PROJECT_BINARY_DIR}/wsasync.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endfunction()
