/*
 * The per-thread step marker on Windows: one TLS slot, allocated when the DLL loads.
 */
#include "engine.h"

static DWORD frame_slot = TLS_OUT_OF_INDEXES;

struct step_frame *frame_top(void)
{
    /* TlsGetValue sets the last error to 0 on success; the caller's steps should not see it
     * change under them. */
    DWORD last_error = GetLastError();
    struct step_frame *top = TlsGetValue(frame_slot);

    SetLastError(last_error);
    return top;
}

void frame_set_top(struct step_frame *frame)
{
    TlsSetValue(frame_slot, frame);
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
