/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The drop-in webservices.dll seen from an ordinary client, linked to it by its import library
 * (bin/webservices.dll beside the program, picked by WINEDLLOVERRIDES=webservices=n,b under
 * Wine): forwarded functions reach the system's webservices.dll and work together with the
 * drop-in's own WsAsyncExecute.
 */
#include <windows.h>
#include <psapi.h>
#include <webservices.h>
#include "test.h"

/* The loaded modules whose file name ends in \webservices.dll, and their paths. */
static int find_webservices_modules(HMODULE *found, WCHAR paths[][MAX_PATH], int max)
{
    HMODULE modules[512];
    DWORD needed = 0, i;
    int count = 0;

    if (!EnumProcessModules(GetCurrentProcess(), modules, sizeof(modules), &needed)) return -1;
    for (i = 0; i < needed / sizeof(HMODULE) && i < ARRAYSIZE(modules); i++)
    {
        WCHAR path[MAX_PATH];
        const WCHAR *base;

        if (!GetModuleFileNameW(modules[i], path, MAX_PATH)) continue;
        base = wcsrchr(path, '\\');
        if (!base || _wcsicmp(base + 1, L"webservices.dll")) continue;
        if (count < max)
        {
            found[count] = modules[i];
            wcscpy(paths[count], path);
        }
        count++;
    }
    return count;
}

static HRESULT CALLBACK count_step(HRESULT hr, WS_CALLBACK_MODEL model, void *state, WS_ASYNC_OPERATION *next,
                                   const WS_ASYNC_CONTEXT *context, WS_ERROR *error)
{
    (void)model; (void)next; (void)context; (void)error;
    ++*(int *)state;
    return hr;
}

TEST(dropin_forwards_to_the_system_dll)
{
    WCHAR exe_dir[MAX_PATH], system_path[MAX_PATH], paths[4][MAX_PATH];
    HMODULE found[4], ours = NULL;
    WS_ERROR *error = NULL;
    WS_HEAP *heap = NULL;
    WS_ASYNC_STATE state;
    ULONG strings = 99;
    void *block = NULL;
    int steps = 0, count, i, ours_index = -1, system_index = -1;
    HRESULT hr;
    WCHAR *slash;

    /* Our webservices.dll is the one beside the program, loaded by import. */
    GetModuleFileNameW(NULL, exe_dir, MAX_PATH);
    if ((slash = wcsrchr(exe_dir, '\\'))) slash[1] = 0;
    GetSystemDirectoryW(system_path, MAX_PATH);
    wcscat(system_path, L"\\webservices.dll");

    hr = WsCreateError(NULL, 0, &error);
    ok(hr == S_OK && error, "WsCreateError: expected S_OK and an error object, got %#lx, %p\n", hr, error);
    hr = WsGetErrorProperty(error, WS_ERROR_PROPERTY_STRING_COUNT, &strings, sizeof(strings));
    ok(hr == S_OK && strings == 0, "WsGetErrorProperty: expected S_OK and 0 strings, got %#lx, %lu\n", hr, strings);
    hr = WsGetErrorProperty(error, WS_ERROR_PROPERTY_STRING_COUNT, &strings, 1);
    ok(hr == E_INVALIDARG, "WsGetErrorProperty with a short buffer: expected E_INVALIDARG, got %#lx\n", hr);
    hr = WsCreateHeap(1 << 16, 0, NULL, 0, &heap, error);
    ok(hr == S_OK && heap, "WsCreateHeap: expected S_OK and a heap, got %#lx, %p\n", hr, heap);
    hr = WsAlloc(heap, 256, &block, error);
    ok(hr == S_OK && block, "WsAlloc: expected S_OK and a block, got %#lx, %p\n", hr, block);
    if (block) memset(block, 0xa5, 256);
    hr = WsAlloc(heap, 1 << 20, &block, error);
    ok(FAILED(hr), "WsAlloc beyond the heap's maximum: expected a failure, got %#lx\n", hr);

    /* Our own WsAsyncExecute, handed an error object made by the system DLL. */
    hr = WsAsyncExecute(&state, count_step, WS_SHORT_CALLBACK, &steps, NULL, error);
    ok(hr == S_OK && steps == 1, "WsAsyncExecute: expected S_OK after 1 step, got %#lx after %d\n", hr, steps);
    hr = WsAsyncExecute(NULL, count_step, WS_SHORT_CALLBACK, &steps, NULL, error);
    ok(hr == E_INVALIDARG, "WsAsyncExecute without a state: expected E_INVALIDARG, got %#lx\n", hr);

    WsFreeHeap(heap);
    WsFreeError(error);

    /* Two modules named webservices.dll: ours beside the program, the system's, distinct. */
    count = find_webservices_modules(found, paths, ARRAYSIZE(found));
    ok(count == 2, "expected 2 modules named webservices.dll, got %d\n", count);
    GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                       (const WCHAR *)GetProcAddress(GetModuleHandleW(L"webservices.dll"), "WsAsyncExecute"), &ours);
    for (i = 0; i < count && i < (int)ARRAYSIZE(found); i++)
    {
        if (found[i] == ours) ours_index = i;
        else if (!_wcsicmp(paths[i], system_path)) system_index = i;
    }
    ok(ours_index >= 0 && !_wcsnicmp(paths[ours_index], exe_dir, wcslen(exe_dir)),
       "expected WsAsyncExecute from the webservices.dll in %ls, got %ls\n", exe_dir,
       ours_index >= 0 ? paths[ours_index] : L"(none)");
    ok(system_index >= 0, "expected %ls loaded beside ours\n", system_path);
    if (system_index >= 0)
    {
        HMODULE system = found[system_index];
        FARPROC system_create = GetProcAddress(system, "WsCreateError");
        FARPROC our_create = GetProcAddress(ours, "WsCreateError");

        ok(system_create && our_create && system_create != our_create,
           "expected distinct WsCreateError exports, got %p (system) and %p (ours)\n", system_create, our_create);
    }
}
