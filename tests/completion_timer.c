/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * AsyncPoolTimer: completing after a number of milliseconds.
 */
#include "completion_probe.h"

/* Timer resolution can round a due time down by a tick; a timer must not end much earlier. */
#define EARLY_SLACK_MS 16

/* Milliseconds from the performance counter: GetTickCount comes from a page that Wine's server
 * refreshes every few milliseconds, and a loaded machine can leave it stale by more than a tick. */
static DWORD now_ms(void)
{
    LARGE_INTEGER counter, frequency;

    QueryPerformanceCounter(&counter);
    QueryPerformanceFrequency(&frequency);
    return (DWORD)(counter.QuadPart * 1000 / frequency.QuadPart);
}

TEST(completion_timer_sync_mode)
{
    DWORD start = now_ms();
    HRESULT hr = AsyncPoolTimer(60, NULL, NULL);
    DWORD elapsed = now_ms() - start;

    ok(hr == S_OK, "expected S_OK, got %#lx\n", hr);
    ok(elapsed + EARLY_SLACK_MS >= 60, "expected at least 60 ms, took %lu ms\n", elapsed);
    hr = AsyncPoolTimer(0, NULL, NULL);
    ok(hr == S_OK, "0 ms: expected S_OK, got %#lx\n", hr);
}

TEST(completion_timer_async_mode)
{
    struct probe probe;
    DWORD start, elapsed;
    HRESULT hr;

    probe_init(&probe);
    start = now_ms();
    hr = AsyncPoolTimer(60, &probe.context, NULL);
    ok(hr == WS_S_ASYNC, "expected WS_S_ASYNC, got %#lx\n", hr);
    ok(probe_wait(&probe, 10000), "no callback\n");
    elapsed = now_ms() - start;
    ok(elapsed + EARLY_SLACK_MS >= 60, "expected at least 60 ms, called back after %lu ms\n", elapsed);
    probe_expect(&probe, hr, S_OK, "60 ms timer");
    probe_free(&probe);

    /* 0 ms is a timer already due: still asynchronous, from a pool thread. */
    probe_init(&probe);
    hr = AsyncPoolTimer(0, &probe.context, NULL);
    ok(hr == WS_S_ASYNC, "0 ms: expected WS_S_ASYNC, got %#lx\n", hr);
    probe_expect(&probe, hr, S_OK, "0 ms timer");
    probe_free(&probe);
}

TEST(completion_timer_callback_model)
{
    struct private_pool pool;
    struct probe probe;
    HRESULT hr;

    private_pool_init(&pool, 1);
    probe_init(&probe);
    hr = AsyncPoolTimer(10, &probe.context, &pool.environment);
    probe_expect(&probe, hr, S_OK, "timer on a one-thread pool");
    ok(probe.model == WS_SHORT_CALLBACK, "one-thread pool: expected WS_SHORT_CALLBACK, got %d\n", probe.model);
    probe_free(&probe);
    private_pool_done(&pool);

    probe_init(&probe);
    hr = AsyncPoolTimer(10, &probe.context, NULL);
    probe_expect(&probe, hr, S_OK, "timer on the default pool");
    ok(probe.model == WS_LONG_CALLBACK, "default pool: expected WS_LONG_CALLBACK, got %d\n", probe.model);
    probe_free(&probe);
}

/* Timers of different lengths started together each fire once. */
TEST(completion_timer_exactly_once)
{
    enum { COUNT = 64 };
    static struct probe probes[COUNT];
    int i;

    for (i = 0; i < COUNT; i++)
    {
        HRESULT hr;
        probe_init(&probes[i]);
        hr = AsyncPoolTimer(i % 8 * 5, &probes[i].context, NULL);
        ok(hr == WS_S_ASYNC, "timer %d: expected WS_S_ASYNC, got %#lx\n", i, hr);
    }
    for (i = 0; i < COUNT; i++) ok(probe_wait(&probes[i], 10000), "timer %d: no callback\n", i);
    Sleep(100);
    for (i = 0; i < COUNT; i++)
    {
        ok(probes[i].calls == 1, "timer %d: expected one callback, got %ld\n", i, probes[i].calls);
        ok(probes[i].hr == S_OK, "timer %d: expected S_OK, got %#lx\n", i, probes[i].hr);
        probe_free(&probes[i]);
    }
}

static HRESULT start_timer(void *arg, const WS_ASYNC_CONTEXT *context)
{
    return AsyncPoolTimer(*(DWORD *)arg, context, NULL);
}

TEST(completion_timer_in_series)
{
    DWORD ms = 5;

    op_series_check(start_timer, &ms, 4, S_OK, "series of timers");
    ms = 0;
    op_series_check(start_timer, &ms, 4, S_OK, "series of 0 ms timers");
}

TEST(completion_timer_bad_input)
{
    WS_ASYNC_CONTEXT no_callback = { NULL, NULL };
    struct probe probe;

    ok(AsyncPoolTimer(10, &no_callback, NULL) == E_INVALIDARG, "NULL callback: expected E_INVALIDARG\n");
    probe_init(&probe);
    probe_expect_refused(&probe, AsyncPoolTimer(INFINITE, &probe.context, NULL), E_INVALIDARG,
                         "INFINITE timer");
    probe_expect_refused(&probe, AsyncPoolTimer(INFINITE, NULL, NULL), E_INVALIDARG,
                         "INFINITE timer, synchronous");
    probe_free(&probe);
}
