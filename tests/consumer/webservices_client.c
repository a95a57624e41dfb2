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
#include <stdio.h>
#include <string.h>
#include <webservices.h>
#include <wsasync.h>

#define STEPS 3

static int checks, failures;

#define check(condition, ...)                                       \
    do {                                                            \
        checks++;                                                   \
        if (!(condition))                                           \
        {                                                           \
            failures++;                                             \
            printf("webservices_client.c:%d: failed: ", __LINE__);  \
            printf(__VA_ARGS__);                                    \
        }                                                           \
    } while (0)

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

struct counted_series
{
    LONG steps;
    HANDLE done;            /* asynchronous mode: set by the final callback */
    LONG final_calls;
    HRESULT final_hr;
};

/* Adds one to the result it receives, STEPS times: the series ends with hr == STEPS only if
 * every result was passed on. */
static HRESULT CALLBACK count_step(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                   WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                   WS_ERROR *error)
{
    struct counted_series *series = state;

    (void)model; (void)context; (void)error;
    if (++series->steps < STEPS) next->function = count_step;
    return hr + 1;
}

/* An operation of our own: a thread that completes the step's context with hr + 1. */
struct completion
{
    WS_ASYNC_CONTEXT context;
    HRESULT hr;
};

static struct completion completions[STEPS];

static DWORD WINAPI complete_later(void *param)
{
    struct completion *completion = param;

    completion->context.callback(completion->hr, WS_LONG_CALLBACK, completion->context.callbackState);
    return 0;
}

static HRESULT CALLBACK async_step(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                   WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                   WS_ERROR *error)
{
    struct counted_series *series = state;
    struct completion *completion = &completions[series->steps];
    HANDLE thread;

    (void)model; (void)error;
    check(context != NULL, "an asynchronous step got no context\n");
    if (!context) return E_FAIL;
    if (++series->steps < STEPS) next->function = async_step;
    completion->context = *context;
    completion->hr = hr + 1;
    thread = CreateThread(NULL, 0, complete_later, completion, 0, NULL);
    check(thread != NULL, "CreateThread failed: %lu\n", GetLastError());
    if (!thread) return E_FAIL;
    CloseHandle(thread);
    return WS_S_ASYNC;
}

static void CALLBACK series_done(HRESULT hr, WS_CALLBACK_MODEL model, void *state)
{
    struct counted_series *series = state;

    (void)model;
    series->final_hr = hr;
    InterlockedIncrement(&series->final_calls);
    SetEvent(series->done);
}

static void test_async_execute(void)
{
    struct counted_series series = { 0 };
    WS_ASYNC_CONTEXT context = { series_done, &series };
    WS_ASYNC_STATE state;
    DWORD wait;
    HRESULT hr;

    hr = WsAsyncExecute(&state, count_step, WS_SHORT_CALLBACK, &series, NULL, NULL);
    check(hr == STEPS, "WsAsyncExecute, synchronous: expected hr %d, got 0x%08lx\n", STEPS,
          (unsigned long)hr);
    check(series.steps == STEPS, "WsAsyncExecute, synchronous: expected %d steps, got %ld\n", STEPS,
          series.steps);

    memset(&series, 0, sizeof(series));
    series.done = CreateEventW(NULL, TRUE, FALSE, NULL);
    hr = WsAsyncExecute(&state, async_step, WS_SHORT_CALLBACK, &series, &context, NULL);
    check(hr == WS_S_ASYNC, "WsAsyncExecute, asynchronous: expected WS_S_ASYNC, got 0x%08lx\n",
          (unsigned long)hr);
    wait = WaitForSingleObject(series.done, 10000);
    check(wait == WAIT_OBJECT_0, "WsAsyncExecute, asynchronous: no callback within 10 s (%lu)\n", wait);
    Sleep(50);  /* a second, wrong call of the callback would come about now */
    check(series.final_calls == 1, "WsAsyncExecute, asynchronous: expected 1 callback, got %ld\n",
          series.final_calls);
    check(series.final_hr == STEPS, "WsAsyncExecute, asynchronous: expected hr %d, got 0x%08lx\n",
          STEPS, (unsigned long)series.final_hr);
    CloseHandle(series.done);
}

int main(void)
{
    test_loaded_from_beside_the_program();
    test_forwarded_calls();
    test_async_execute();
    printf("webservices_client (%d-bit): %d checks, %d failed\n", (int)sizeof(void *) * 8, checks,
           failures);
    return failures ? 1 : 0;
}
