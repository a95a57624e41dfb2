/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The drop-in webservices.dll's entry point: the engine's per-thread marker alone (platform.h);
 * the drop-in exports no completion primitive.
 */
#include "platform.h"

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, void *reserved)
{
    switch (reason)
    {
    case DLL_PROCESS_ATTACH:
        DisableThreadLibraryCalls(instance);
        return platform_attach();
    case DLL_PROCESS_DETACH:
        platform_detach(reserved);
        break;
    }
    return TRUE;
}
