/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A client built the way MSVC builds one: compiled for the *-pc-windows-msvc ABI and linked by
 * an MSVC-compatible linker (lld-link, with /SAFESEH on x86 as Visual Studio does) against the
 * installed wsasync.lib, with no C runtime. The MinGW-w64 headers do not serve that ABI, so it
 * declares what it uses itself, with the layout of webservices.h; a mismatch with the DLL would
 * show in the results.
 *
 * Exits 0 if every check passed, otherwise the number of the first check that failed.
 */
typedef long HRESULT;
typedef enum { WS_SHORT_CALLBACK = 0, WS_LONG_CALLBACK = 1 } WS_CALLBACK_MODEL;
typedef struct { void *internal[5]; } WS_ASYNC_STATE;
typedef struct _WS_ASYNC_OPERATION WS_ASYNC_OPERATION;
typedef HRESULT (__stdcall *WS_ASYNC_FUNCTION)(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                               WS_ASYNC_OPERATION *next, const void *context,
                                               void *error);
struct _WS_ASYNC_OPERATION { WS_ASYNC_FUNCTION function; };

__declspec(dllimport) HRESULT __stdcall WsAsyncExecute(WS_ASYNC_STATE *state, WS_ASYNC_FUNCTION first,
                                                       WS_CALLBACK_MODEL model, void *step_state,
                                                       const void *context, void *error);

#define E_INVALIDARG ((HRESULT)0x80070057L)
#define STEPS 3

/* Adds one to the result it receives and asks for another step until there are STEPS. */
static HRESULT __stdcall count_step(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                    WS_ASYNC_OPERATION *next, const void *context, void *error)
{
    int *steps = state;

    (void)model; (void)context; (void)error;
    if (++*steps < STEPS) next->function = count_step;
    return hr + 1;
}

int mainCRTStartup(void)
{
    WS_ASYNC_STATE state;
    int steps = 0;

    if (WsAsyncExecute(0, count_step, WS_SHORT_CALLBACK, 0, 0, 0) != E_INVALIDARG) return 1;
    if (WsAsyncExecute(&state, count_step, WS_SHORT_CALLBACK, &steps, 0, 0) != STEPS) return 2;
    if (steps != STEPS) return 3;
    return 0;
}
