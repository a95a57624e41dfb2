/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Test support for the completion primitives (see completion_probe.h).
 */
#include "completion_probe.h"

/* How long a test waits for a callback that must come, and how long it watches for one that
 * must not (a second call, or a call after a synchronous result). */
#define CALLBACK_DEADLINE_MS 10000
#define QUIET_PERIOD_MS 50

static void CALLBACK probe_callback(HRESULT hr, WS_CALLBACK_MODEL model, void *state)
{
    struct probe *probe = state;

    if (InterlockedIncrement(&probe->calls) == 1)
    {
        probe->hr = hr;
        probe->model = model;
        probe->thread = GetCurrentThreadId();
    }
    if (probe->also) probe->also(probe);
    SetEvent(probe->called);
}

void probe_init(struct probe *probe)
{
    memset(probe, 0, sizeof(*probe));
    probe->context.callback = probe_callback;
    probe->context.callbackState = probe;
    probe->called = CreateEventW(NULL, TRUE, FALSE, NULL);
    probe->hr = 0xdeadbeef;
}

void probe_free(struct probe *probe)
{
    CloseHandle(probe->called);
}

BOOL probe_wait(struct probe *probe, DWORD timeout_ms)
{
    return WaitForSingleObject(probe->called, timeout_ms) == WAIT_OBJECT_0;
}

void probe_expect(struct probe *probe, HRESULT hr, HRESULT expected, const char *what)
{
    if (hr == WS_S_ASYNC)
    {
        ok(probe_wait(probe, CALLBACK_DEADLINE_MS), "%s: returned WS_S_ASYNC but no callback came\n", what);
        Sleep(QUIET_PERIOD_MS);
        ok(probe->calls == 1, "%s: expected exactly one callback, got %ld\n", what, probe->calls);
        ok(probe->hr == expected, "%s: expected the callback's hr %#lx, got %#lx\n", what, expected, probe->hr);
        ok(probe->model == WS_SHORT_CALLBACK || probe->model == WS_LONG_CALLBACK,
           "%s: expected a valid callback model, got %d\n", what, probe->model);
        ok(probe->thread != GetCurrentThreadId(), "%s: the callback ran on the starting thread\n", what);
    }
    else
    {
        ok(hr == expected, "%s: expected %#lx (or WS_S_ASYNC), got %#lx\n", what, expected, hr);
        Sleep(QUIET_PERIOD_MS);
        ok(probe->calls == 0, "%s: completed synchronously but was called back %ld times\n", what, probe->calls);
    }
}

void probe_expect_refused(struct probe *probe, HRESULT hr, HRESULT expected, const char *what)
{
    ok(hr == expected, "%s: expected %#lx, got %#lx\n", what, expected, hr);
    Sleep(QUIET_PERIOD_MS);
    ok(probe->calls == 0, "%s: refused, yet called back %ld times\n", what, probe->calls);
}

void private_pool_init(struct private_pool *pool, DWORD max_threads)
{
    pool->pool = CreateThreadpool(NULL);
    ok(pool->pool != NULL, "CreateThreadpool failed: %lu\n", GetLastError());
    SetThreadpoolThreadMaximum(pool->pool, max_threads);
    ok(SetThreadpoolThreadMinimum(pool->pool, 1), "SetThreadpoolThreadMinimum failed: %lu\n", GetLastError());
    InitializeThreadpoolEnvironment(&pool->environment);
    SetThreadpoolCallbackPool(&pool->environment, pool->pool);
}

/* The pool itself is left open until the process exits. Closing it is right on Windows, but
 * under Wine 8.0 a process that exits while the workers of a pool it has just closed are still
 * shutting down is sometimes killed (SIGKILL after every check had passed:
 * seen in CI and once in 60 runs of completion_post_callback_model beside another test). These
 * tests are about the primitives, not CloseThreadpool, so they do not race Wine's exit. */
void private_pool_done(struct private_pool *pool)
{
    DestroyThreadpoolEnvironment(&pool->environment);
}

static HRESULT CALLBACK op_series_step(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                    WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                    WS_ERROR *error)
{
    struct op_series *series = state;

    (void)model; (void)error;
    if (series->started) series->results[series->started - 1] = hr;
    if (series->started == series->count || series->started >= OP_SERIES_MAX) return hr;
    series->started++;
    next->function = op_series_step;
    return series->start(series->arg, context);
}

HRESULT op_series_run(struct op_series *series, const WS_ASYNC_CONTEXT *asyncContext)
{
    series->started = 0;
    return WsAsyncExecute(&series->state, op_series_step, WS_SHORT_CALLBACK, series, asyncContext, NULL);
}

void op_series_check(HRESULT (*start)(void *arg, const WS_ASYNC_CONTEXT *context), void *arg,
                  int count, HRESULT expected, const char *what)
{
    struct op_series series = { .count = count, .start = start, .arg = arg };
    struct probe probe;
    HRESULT hr;
    int mode, i;

    for (mode = 0; mode < 2; mode++)
    {
        probe_init(&probe);
        memset(series.results, 0xcc, sizeof(series.results));
        hr = op_series_run(&series, mode ? &probe.context : NULL);
        if (mode) probe_expect(&probe, hr, expected, what);
        else ok(hr == expected, "%s (synchronous series): expected %#lx, got %#lx\n", what, expected, hr);
        ok(series.started == count, "%s: expected %d operations, %d started\n", what, count, series.started);
        for (i = 0; i < count; i++)
            ok(series.results[i] == expected, "%s: operation %d: expected %#lx, got %#lx\n", what, i,
               expected, series.results[i]);
        probe_free(&probe);
    }
}
