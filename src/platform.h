/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the DLLs keep per thread, and what their entry points set up: one mechanism, a TLS slot
 * per value, allocated when the DLL loads (platform_win32.c).
 *
 * A value is read and written on hot paths (every asynchronous hop reads the engine's marker
 * once and writes it twice). TlsGetValue/TlsSetValue cost a call each and TlsGetValue also
 * clears the thread's last error, which the caller's code should not see change. A slot below
 * TLS_MINIMUM_AVAILABLE lives in the TEB's TlsSlots array (winternl.h), where those functions
 * themselves keep it, so it is read and written there directly; a higher slot (a process that
 * had used up the first 64) takes the functions' path.
 */
#ifndef WSASYNC_PLATFORM_H
#define WSASYNC_PLATFORM_H

#include <windows.h>
#include <winternl.h>

/* GCC 12 takes the segment-relative read inside NtCurrentTeb() (mingw-w64's intrin-impl.h) for
 * an access through a null pointer and warns; the read is the documented way to reach the TEB. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"
#endif

/* The calling thread's value in slot (NULL until set). Preserves the last-error value. */
static inline void *thread_slot_get(DWORD slot)
{
    DWORD last_error;
    void *value;

    if (slot < TLS_MINIMUM_AVAILABLE) return NtCurrentTeb()->TlsSlots[slot];
    last_error = GetLastError();
    value = TlsGetValue(slot);
    SetLastError(last_error);
    return value;
}

/* Sets the calling thread's value in slot. */
static inline void thread_slot_set(DWORD slot, void *value)
{
    if (slot < TLS_MINIMUM_AVAILABLE) NtCurrentTeb()->TlsSlots[slot] = value;
    else TlsSetValue(slot, value);
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

/* Allocates *slot when a DLL loads; FALSE if the process has no slot left. */
static inline BOOL thread_slot_alloc(DWORD *slot)
{
    *slot = TlsAlloc();
    return *slot != TLS_OUT_OF_INDEXES;
}

/* Releases *slot when a DLL unloads, given DllMain's reserved argument: at process exit
 * (non-NULL) other threads are gone and nothing is released. May run twice, or after a failed
 * allocation (the system detaches a DLL whose attach failed). */
static inline void thread_slot_free(DWORD *slot, void *reserved)
{
    if (reserved || *slot == TLS_OUT_OF_INDEXES) return;
    TlsFree(*slot);
    *slot = TLS_OUT_OF_INDEXES;
}

/* DLL_PROCESS_ATTACH and DLL_PROCESS_DETACH of the engine's per-thread marker, which both DLLs
 * carry (platform_win32.c), with the meaning of thread_slot_alloc and thread_slot_free. */
BOOL platform_attach(void);
void platform_detach(void *reserved);

/* The same for the completion primitives' per-thread value (async_pool.c), in wsasync.dll only. */
BOOL async_pool_attach(void);
void async_pool_detach(void *reserved);

#endif /* WSASYNC_PLATFORM_H */
