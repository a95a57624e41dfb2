/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Stands in for the system's webservices.dll in the fallback test: it exports WsCreateError
 * alone (fallback_target.def), so that every other export of the drop-in built against it
 * must take its E_NOTIMPL fallback.
 */
#include <windows.h>

typedef struct _WS_ERROR WS_ERROR;

/* Recognisable results: the drop-in must hand the call, arguments untouched, to this function. */
#define TARGET_RESULT ((HRESULT)0x0badf00d)

HRESULT WINAPI WsCreateError(const void *properties, ULONG count, WS_ERROR **error)
{
    if (!error) return E_POINTER;
    *error = (WS_ERROR *)(ULONG_PTR)(count + 1);
    return properties ? E_INVALIDARG : TARGET_RESULT;
}
