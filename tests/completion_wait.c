/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * AsyncPoolWait: completing when a kernel handle is signalled, or on a timeout.
 */
#include "completion_probe.h"

#define TIMEOUT_HR HRESULT_FROM_WIN32(ERROR_TIMEOUT)

TEST(completion_wait_sync_mode)
{
    HANDLE event = CreateEventW(NULL, TRUE, TRUE, NULL);
    HRESULT hr;

    hr = AsyncPoolWait(event, INFINITE, NULL, NULL);
    ok(hr == S_OK, "signalled: expected S_OK, got %#lx\n", hr);
    ResetEvent(event);
    hr = AsyncPoolWait(event, 20, NULL, NULL);
    ok(hr == TIMEOUT_HR, "not signalled, 20 ms: expected %#lx, got %#lx\n", TIMEOUT_HR, hr);
    hr = AsyncPoolWait(event, 0, NULL, NULL);
    ok(hr == TIMEOUT_HR, "not signalled, 0 ms: expected %#lx, got %#lx\n", TIMEOUT_HR, hr);
    CloseHandle(event);
}

TEST(completion_wait_async_mode)
{
    HANDLE event = CreateEventW(NULL, FALSE, FALSE, NULL);
    struct probe probe;
    HRESULT hr;

    /* Not yet signalled: pending until it is, and then called back once. */
    probe_init(&probe);
    hr = AsyncPoolWait(event, INFINITE, &probe.context, NULL);
    ok(hr == WS_S_ASYNC, "expected WS_S_ASYNC, got %#lx\n", hr);
    ok(!probe_wait(&probe, 100), "called back before the handle was signalled (hr %#lx)\n", probe.hr);
    SetEvent(event);
    probe_expect(&probe, hr, S_OK, "wait then signal");
    ok(WaitForSingleObject(event, 0) == WAIT_TIMEOUT, "the wait should have consumed the auto-reset signal\n");
    probe_free(&probe);

    /* Already signalled: complete synchronously, never call back. */
    SetEvent(event);
    probe_init(&probe);
    hr = AsyncPoolWait(event, INFINITE, &probe.context, NULL);
    ok(hr == S_OK, "already signalled: expected S_OK, got %#lx\n", hr);
    probe_expect(&probe, hr, S_OK, "already signalled");
    probe_free(&probe);

    /* Timeout. */
    probe_init(&probe);
    hr = AsyncPoolWait(event, 40, &probe.context, NULL);
    ok(hr == WS_S_ASYNC, "40 ms timeout: expected WS_S_ASYNC, got %#lx\n", hr);
    probe_expect(&probe, hr, TIMEOUT_HR, "40 ms timeout");
    probe_free(&probe);

    probe_init(&probe);
    hr = AsyncPoolWait(event, 0, &probe.context, NULL);
    probe_expect(&probe, hr, TIMEOUT_HR, "0 ms timeout");
    ok(hr == TIMEOUT_HR, "0 ms timeout: expected a synchronous %#lx, got %#lx\n", TIMEOUT_HR, hr);
    probe_free(&probe);
    CloseHandle(event);
}

/* Waits on a process-wide event released by one SetEvent each complete once. */
TEST(completion_wait_exactly_once)
{
    enum { COUNT = 32 };
    static struct probe probes[COUNT];
    HANDLE event = CreateEventW(NULL, TRUE, FALSE, NULL);
    int i;

    for (i = 0; i < COUNT; i++)
    {
        HRESULT hr;
        probe_init(&probes[i]);
        hr = AsyncPoolWait(event, INFINITE, &probes[i].context, NULL);
        ok(hr == WS_S_ASYNC, "wait %d: expected WS_S_ASYNC, got %#lx\n", i, hr);
    }
    SetEvent(event);
    for (i = 0; i < COUNT; i++) ok(probe_wait(&probes[i], 60000), "wait %d: no callback\n", i);
    Sleep(100);
    for (i = 0; i < COUNT; i++)
    {
        ok(probes[i].calls == 1, "wait %d: expected one callback, got %ld\n", i, probes[i].calls);
        ok(probes[i].hr == S_OK, "wait %d: expected S_OK, got %#lx\n", i, probes[i].hr);
        probe_free(&probes[i]);
    }
    CloseHandle(event);
}

TEST(completion_wait_callback_model)
{
    HANDLE event = CreateEventW(NULL, FALSE, FALSE, NULL);
    struct private_pool pool;
    struct probe probe;
    HRESULT hr;

    private_pool_init(&pool, 1);
    probe_init(&probe);
    hr = AsyncPoolWait(event, INFINITE, &probe.context, &pool.environment);
    ok(hr == WS_S_ASYNC, "expected WS_S_ASYNC, got %#lx\n", hr);
    SetEvent(event);
    probe_expect(&probe, hr, S_OK, "wait on a one-thread pool");
    ok(probe.model == WS_SHORT_CALLBACK, "one-thread pool: expected WS_SHORT_CALLBACK, got %d\n", probe.model);
    probe_free(&probe);
    private_pool_done(&pool);
    CloseHandle(event);
}

/* A series whose operations each wait for a thread that signals its event later. */
static DWORD WINAPI signal_later(void *event)
{
    Sleep(10);
    SetEvent(event);
    return 0;
}

static HRESULT start_wait(void *arg, const WS_ASYNC_CONTEXT *context)
{
    HANDLE event = arg, thread;

    thread = CreateThread(NULL, 0, signal_later, event, 0, NULL);
    if (!thread) return HRESULT_FROM_WIN32(GetLastError());
    CloseHandle(thread);
    return AsyncPoolWait(event, INFINITE, context, NULL);
}

static HRESULT start_timed_out_wait(void *arg, const WS_ASYNC_CONTEXT *context)
{
    return AsyncPoolWait(arg, 5, context, NULL);
}

TEST(completion_wait_in_series)
{
    HANDLE event = CreateEventW(NULL, FALSE, FALSE, NULL);

    op_series_check(start_wait, event, 3, S_OK, "series of waits");
    op_series_check(start_timed_out_wait, event, 3, TIMEOUT_HR, "series of waits that time out");
    CloseHandle(event);
}

TEST(completion_wait_bad_input)
{
    WS_ASYNC_CONTEXT no_callback = { NULL, NULL };
    HRESULT invalid_handle = HRESULT_FROM_WIN32(ERROR_INVALID_HANDLE);
    struct probe probe;
    HANDLE closed;

    probe_init(&probe);  /* first: its event must not reuse the closed handle's value */
    closed = CreateEventW(NULL, TRUE, TRUE, NULL);
    CloseHandle(closed);
    probe_expect_refused(&probe, AsyncPoolWait(NULL, 10, &probe.context, NULL), E_INVALIDARG, "NULL handle");
    probe_expect_refused(&probe, AsyncPoolWait(INVALID_HANDLE_VALUE, 10, &probe.context, NULL), E_INVALIDARG,
                         "INVALID_HANDLE_VALUE");
    probe_expect_refused(&probe, AsyncPoolWait(NULL, 10, NULL, NULL), E_INVALIDARG, "NULL handle, synchronous");
    probe_expect_refused(&probe, AsyncPoolWait(closed, 10, &probe.context, NULL), invalid_handle,
                         "closed handle");
    probe_expect_refused(&probe, AsyncPoolWait(closed, 10, NULL, NULL), invalid_handle,
                         "closed handle, synchronous");
    probe_free(&probe);
    ok(AsyncPoolWait(GetCurrentThread(), 10, &no_callback, NULL) == E_INVALIDARG,
       "NULL callback: expected E_INVALIDARG\n");
}
