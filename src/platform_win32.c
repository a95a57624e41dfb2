/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The per-thread step marker on Windows: one TLS slot, allocated when the DLL loads.
 *
 * Every completion reads the marker once and writes it twice, so its cost is part of every
 * asynchronous hop. TlsGetValue/TlsSetValue cost a call each and TlsGetValue also clears the
 * thread's last error (which the steps should not see change under them). A slot below
 * TLS_MINIMUM_AVAILABLE lives in the TEB's TlsSlots array (winternl.h), where those functions
 * themselves keep it, so the marker is read and written there directly; a higher slot (a
 * process that had used up the first 64) takes the functions' path.
 */

/* GCC 12 takes the segment-relative read inside NtCurrentTeb() (mingw-w64's intrin-impl.h) for
 * an access through a null pointer and warns; the read is the documented way to reach the TEB. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Warray-bounds"
#endif

#include "engine.h"
#include <winternl.h>

static DWORD frame_slot = TLS_OUT_OF_INDEXES;

struct step_frame *frame_top(void)
{
    DWORD last_error;
    struct step_frame *top;

    if (frame_slot < TLS_MINIMUM_AVAILABLE) return NtCurrentTeb()->TlsSlots[frame_slot];
    last_error = GetLastError();
    top = TlsGetValue(frame_slot);
    SetLastError(last_error);
    return top;
}

void frame_set_top(struct step_frame *frame)
{
    if (frame_slot < TLS_MINIMUM_AVAILABLE) NtCurrentTeb()->TlsSlots[frame_slot] = frame;
    else TlsSetValue(frame_slot, frame);
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, void *reserved)
{
    switch (reason)
    {
    case DLL_PROCESS_ATTACH:
        DisableThreadLibraryCalls(instance);
        frame_slot = TlsAlloc();
        return frame_slot != TLS_OUT_OF_INDEXES;
    case DLL_PROCESS_DETACH:
        /* At process exit (reserved != NULL) other threads are gone: nothing to release. */
        if (!reserved) TlsFree(frame_slot);
        break;
    }
    return TRUE;
}
