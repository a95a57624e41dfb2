/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A WWSAPI client of the installed drop-in webservices.dll: linked to the installed import
 * library lib/libwebservices.dll.a, run with the installed bin/webservices.dll beside it and
 * WINEDLLOVERRIDES=webservices=n,b. It makes calls the drop-in forwards to the system's DLL
 * (errors, heaps) and calls WsAsyncExecute, which the drop-in implements, in both modes, and
 * checks each result. A DLL that forwards nowhere answers E_NOTIMPL and fails here.
 *
 * Prints one line per failed check and a summary; exits 0 only if every check passed.
 */
#include <windows.h>
#include <string.h>
#include <webservices.h>
#include <wsasync.h>

#include "series.h"

/* The directory part of a module's path, in place. */
static void strip_file_name(WCHAR *path)
{
    WCHAR *slash = wcsrchr(path, L'\\');

    if (slash) *slash = 0;
}

static void test_loaded_from_beside_the_program(void)
{
    HMODULE dll = GetModuleHandleW(L"webservices.dll");
    WCHAR exe_dir[MAX_PATH], dll_dir[MAX_PATH];

    check(dll != NULL, "webservices.dll is not loaded\n");
    if (!dll) return;
    GetModuleFileNameW(NULL, exe_dir, MAX_PATH);
    GetModuleFileNameW(dll, dll_dir, MAX_PATH);
    strip_file_name(exe_dir);
    strip_file_name(dll_dir);
    check(!lstrcmpiW(exe_dir, dll_dir), "expected webservices.dll from the program's directory %ls, "
          "got one from %ls\n", exe_dir, dll_dir);
}

static void test_forwarded_calls(void)
{
    WS_ERROR *error = NULL;
    WS_HEAP *heap = NULL;
    ULONG strings = 0xdeadbeef;
    void *block = NULL;
    HRESULT hr;

    hr = WsCreateError(NULL, 0, &error);
    check(hr == S_OK && error, "WsCreateError: expected S_OK and an error object, got 0x%08lx, %p\n",
          (unsigned long)hr, (void *)error);
    if (!error) return;
    hr = WsGetErrorProperty(error, WS_ERROR_PROPERTY_STRING_COUNT, &strings, sizeof(strings));
    check(hr == S_OK && strings == 0, "WsGetErrorProperty(WS_ERROR_PROPERTY_STRING_COUNT): expected "
          "S_OK and 0, got 0x%08lx and %lu\n", (unsigned long)hr, (unsigned long)strings);
    hr = WsCreateHeap(1 << 16, 0, NULL, 0, &heap, error);
    check(hr == S_OK && heap, "WsCreateHeap: expected S_OK and a heap, got 0x%08lx, %p\n",
          (unsigned long)hr, (void *)heap);
    if (heap)
    {
        hr = WsAlloc(heap, 256, &block, error);
        check(hr == S_OK && block, "WsAlloc(256): expected S_OK and a block, got 0x%08lx, %p\n",
              (unsigned long)hr, block);
        if (block) memset(block, 0x5a, 256);
        hr = WsAlloc(heap, 1 << 20, &block, error);
        check(hr == (HRESULT)WS_E_QUOTA_EXCEEDED, "WsAlloc beyond the heap's maximum: expected "
              "WS_E_QUOTA_EXCEEDED (0x%08lx), got 0x%08lx\n", (unsigned long)WS_E_QUOTA_EXCEEDED,
              (unsigned long)hr);
        WsFreeHeap(heap);
    }
    WsFreeError(error);
}

int main(void)
{
    test_loaded_from_beside_the_program();
    test_forwarded_calls();
    test_series();
    printf("webservices_client (%d-bit): %d checks, %d failed\n", (int)sizeof(void *) * 8, checks,
           failures);
    return failures ? 1 : 0;
}
