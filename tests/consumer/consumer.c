/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A program outside the project, built only from an installed wsasync tree: the header, an
 * import library and the DLL beside it. It runs a short series of steps in both modes and checks
 * what comes back. On x86 its calls ask for the stdcall name _WsAsyncExecute@24, which only the
 * import library resolves (to the DLL's undecorated export).
 *
 * Prints one line per failed check and a summary; exits 0 only if every check passed.
 */
#include <wsasync.h>

#include "series.h"

int main(void)
{
    HMODULE dll = GetModuleHandleW(L"wsasync.dll");
    HRESULT hr;

    check(dll != NULL, "wsasync.dll is not loaded\n");
    check(dll && GetProcAddress(dll, "WsAsyncExecute"), "wsasync.dll does not export WsAsyncExecute\n");
    hr = WsAsyncExecute(NULL, count_step, WS_SHORT_CALLBACK, NULL, NULL, NULL);
    check(hr == E_INVALIDARG, "NULL state: expected E_INVALIDARG, got 0x%08lx\n", (unsigned long)hr);
    test_series();
    printf("consumer (%d-bit): %d checks, %d failed\n", (int)sizeof(void *) * 8, checks, failures);
    return failures ? 1 : 0;
}
