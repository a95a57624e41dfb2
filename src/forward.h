/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The drop-in webservices.dll's forwarding of every export it does not implement to the
 * system's webservices.dll. The exports themselves are generated from def/webservices.def
 * (cmake/forwarders.cmake); forward.c resolves them.
 */
#ifndef WSASYNC_FORWARD_H
#define WSASYNC_FORWARD_H

#include <windows.h>

/* How many exports are forwarded, and their names, in export-list order (generated). */
extern const unsigned int forward_count;
extern const char *const forward_names[];

/* Where each forwarded export jumps: first its resolver entry, then the system DLL's function
 * or its fallback (generated, written by forward.c). Pointer-sized aligned stores are atomic
 * on x86 and x64, so a thunk reads either the resolver entry or the final address. */
extern void *volatile forward_slots[];
/* For each forwarded export, an entry that returns E_NOTIMPL with the export's calling
 * convention (generated). */
extern void *const forward_fallbacks[];

/* Called by a resolver entry with the export's index: resolves every slot once and returns
 * the address the export must jump to. */
void *__cdecl forward_resolve(unsigned int index);

#endif /* WSASYNC_FORWARD_H */
