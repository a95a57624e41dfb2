/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wsasync.dll's entry point: the engine's per-thread marker and the completion primitives'
 * per-thread value (platform.h).
 */
#include "platform.h"

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, void *reserved)
{
    switch (reason)
    {
    case DLL_PROCESS_ATTACH:
        DisableThreadLibraryCalls(instance);
        if (platform_attach() && async_pool_attach()) return TRUE;
        /* Whatever was allocated is released here; the detach call that follows finds nothing. */
        async_pool_detach(NULL);
        platform_detach(NULL);
        return FALSE;
    case DLL_PROCESS_DETACH:
        async_pool_detach(reserved);
        platform_detach(reserved);
        break;
    }
    return TRUE;
}
