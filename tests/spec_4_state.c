/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * docs/SPEC.md §4: the state once a series has gone pending or ended (§4.2, §4.3), a bounded
 * stack however many steps run and nesting (§4.4), series on many threads at once (§4.5). §4.1
 * (no allocation) is checked by bench_smoke (bench/scale.c).
 */
#include "async_steps.h"
#include <stdlib.h>

/* ---- §4.2 and §4.3: once the series is over, the engine keeps off the state
 *
 * The WS_ASYNC_STATE has a page of its own. The step's operation completes on another thread
 * and ends the whole series before the step returns WS_S_ASYNC; the caller's callback then
 * decommits the page. An engine that read or wrote the state afterwards, on the completing
 * thread after the callback (§4.3) or on the step's thread after WS_S_ASYNC (§4.2), faults and
 * the test dies with it. */

struct released
{
    WS_ASYNC_STATE *state;
    struct early step;  /* completes the series from another thread before returning */
    LONG callbacks;
    HRESULT hr;
    BOOL decommitted;
};

static void CALLBACK release_state(HRESULT hr, WS_CALLBACK_MODEL model, void *param)
{
    struct released *released = param;

    (void)model;
    released->hr = hr;
    InterlockedIncrement(&released->callbacks);
    released->decommitted = VirtualFree(released->state, sizeof(*released->state), MEM_DECOMMIT);
}

TEST(spec_4_2_state_untouched_once_the_series_has_ended)
{
    struct released released = { 0 };
    WS_ASYNC_CONTEXT context = { release_state, &released };
    HRESULT hr;

    released.state = VirtualAlloc(NULL, sizeof(*released.state), MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    released.step.hr = S_FALSE;
    released.step.delivered = CreateEventW(NULL, TRUE, FALSE, NULL);
    ok(released.state != NULL, "VirtualAlloc failed: %lu\n", GetLastError());
    if (!released.state) return;
    hr = WsAsyncExecute(released.state, early_step, WS_SHORT_CALLBACK, &released.step, &context, NULL);
    ok(hr == WS_S_ASYNC, "expected WS_S_ASYNC, got %#lx\n", hr);
    ok(released.callbacks == 1, "expected the callback before WsAsyncExecute returned, got %ld calls\n",
       released.callbacks);
    ok(released.hr == S_FALSE, "expected final hr S_FALSE, got %#lx\n", released.hr);
    ok(released.decommitted, "expected the callback to decommit the state's page\n");
    VirtualFree(released.state, 0, MEM_RELEASE);
    CloseHandle(released.step.delivered);
}

/* ---- the state reused from inside the caller's callback (§4.3) */

struct reuse
{
    WS_ASYNC_STATE state;
    WS_ASYNC_CONTEXT context;
    LONG runs;
    LONG failures;
    HANDLE done;
};

static HRESULT CALLBACK async_once(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                   WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                   WS_ERROR *error)
{
    (void)hr; (void)model; (void)state; (void)next; (void)error;
    return complete_later(context, S_OK, WS_LONG_CALLBACK);
}

static void CALLBACK reuse_callback(HRESULT hr, WS_CALLBACK_MODEL model, void *param)
{
    struct reuse *reuse = param;

    (void)model;
    if (hr != S_OK) reuse->failures++;
    if (++reuse->runs == 1000)
    {
        SetEvent(reuse->done);
        return;
    }
    /* The engine no longer touches the state: start the next operation on it right here. */
    hr = WsAsyncExecute(&reuse->state, async_once, WS_LONG_CALLBACK, NULL, &reuse->context, NULL);
    if (hr != WS_S_ASYNC)
    {
        reuse->failures++;
        SetEvent(reuse->done);
    }
}

TEST(spec_4_state_reused_from_callback)
{
    struct reuse *reuse = calloc(1, sizeof(*reuse));
    HRESULT hr;

    reuse->context.callback = reuse_callback;
    reuse->context.callbackState = reuse;
    reuse->done = CreateEventW(NULL, TRUE, FALSE, NULL);
    hr = WsAsyncExecute(&reuse->state, async_once, WS_LONG_CALLBACK, NULL, &reuse->context, NULL);
    ok(hr == WS_S_ASYNC, "expected WS_S_ASYNC, got %#lx\n", hr);
    ok(WaitForSingleObject(reuse->done, 120000) == WAIT_OBJECT_0, "expected 1000 runs, %ld ended\n", reuse->runs);
    ok(reuse->runs == 1000, "expected 1000 runs, got %ld\n", reuse->runs);
    ok(reuse->failures == 0, "expected no failure, got %ld\n", reuse->failures);
    CloseHandle(reuse->done);
    free(reuse);
}

/* ---- long series: the stack does not grow with the number of steps (§4.4) */

struct counter
{
    LONG remaining;
    BOOL alternate;  /* every other step completes on the pool */
    LONG async_steps;
};

static HRESULT CALLBACK counting_step(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                      WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                      WS_ERROR *error)
{
    struct counter *counter = state;

    (void)model; (void)error;
    if (hr != S_OK) return hr;
    if (--counter->remaining > 0) next->function = counting_step;
    if (context && counter->alternate && (counter->remaining & 1))
    {
        counter->async_steps++;
        return complete_later(context, S_OK, WS_SHORT_CALLBACK);
    }
    return S_OK;
}

TEST(spec_4_million_synchronous_steps_both_modes)
{
    struct counter counter = { .remaining = 1000000 };
    struct caller caller;
    WS_ASYNC_CONTEXT context = { caller_callback, &caller };
    WS_ASYNC_STATE state;
    HRESULT hr;

    hr = WsAsyncExecute(&state, counting_step, WS_SHORT_CALLBACK, &counter, NULL, NULL);
    ok(hr == S_OK, "synchronous mode: expected S_OK, got %#lx\n", hr);
    ok(counter.remaining == 0, "synchronous mode: expected every step to run, %ld left\n", counter.remaining);

    caller_init(&caller);
    counter.remaining = 1000000;
    hr = WsAsyncExecute(&state, counting_step, WS_SHORT_CALLBACK, &counter, &context, NULL);
    ok(hr == S_OK, "asynchronous mode: expected S_OK, got %#lx\n", hr);
    ok(counter.remaining == 0, "asynchronous mode: expected every step to run, %ld left\n", counter.remaining);
    ok(caller.calls == 0, "asynchronous mode: expected no callback, got %ld\n", caller.calls);
    caller_free(&caller);
}

TEST(spec_4_long_alternating_series)
{
    struct counter counter = { .remaining = 200000, .alternate = TRUE };

    expect_pending_series(counting_step, &counter, S_OK, WS_SHORT_CALLBACK, "alternating series");
    ok(counter.remaining == 0, "expected every step to run, %ld left\n", counter.remaining);
    ok(counter.async_steps == 100000, "expected 100000 pool completions, got %ld\n", counter.async_steps);
}

/* ---- nesting: a step runs another WsAsyncExecute with the context it was given */

struct nested
{
    WS_ASYNC_STATE inner_state;
    struct script inner;
};

static HRESULT CALLBACK outer_step(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                   WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                   WS_ERROR *error)
{
    struct nested *nested = state;

    (void)hr; (void)next;
    return WsAsyncExecute(&nested->inner_state, script_step, model, &nested->inner, context, error);
}

TEST(spec_4_nested_series)
{
    struct nested nested = { .inner = { .count = 2, .async = { FALSE, TRUE }, .results = { S_FALSE, E_OUTOFMEMORY },
                                        .models = { WS_SHORT_CALLBACK, WS_LONG_CALLBACK } } };

    expect_pending_series(outer_step, &nested, E_OUTOFMEMORY, WS_LONG_CALLBACK, "nested series");
    ok(nested.inner.calls == 2, "expected the inner series' 2 steps, %d ran\n", nested.inner.calls);
    ok(nested.inner.hr_seen[1] == S_FALSE, "inner step 1: expected S_FALSE, saw %#lx\n", nested.inner.hr_seen[1]);
}

/* ---- §4.5: series on distinct states from many threads at once */

#define CONCURRENT_THREADS 8
#define SERIES_PER_THREAD 50

static DWORD WINAPI run_many_series(void *param)
{
    LONG *failures = param;
    int i;

    for (i = 0; i < SERIES_PER_THREAD; i++)
    {
        struct counter counter = { .remaining = 20, .alternate = TRUE };
        char what[64];

        sprintf(what, "thread %lu series %d", GetCurrentThreadId(), i);
        expect_pending_series(counting_step, &counter, S_OK, WS_SHORT_CALLBACK, what);
        if (counter.remaining || counter.async_steps != 10) InterlockedIncrement(failures);
    }
    return 0;
}

TEST(spec_4_5_distinct_states_on_many_threads)
{
    HANDLE threads[CONCURRENT_THREADS];
    LONG failures = 0;
    int i, started = 0;

    for (i = 0; i < CONCURRENT_THREADS; i++)
        if ((threads[started] = CreateThread(NULL, 0, run_many_series, &failures, 0, NULL))) started++;
    ok(started == CONCURRENT_THREADS, "expected %d threads, started %d\n", CONCURRENT_THREADS, started);
    for (i = 0; i < started; i++)
    {
        ok(WaitForSingleObject(threads[i], 300000) == WAIT_OBJECT_0, "thread %d: expected it to end\n", i);
        CloseHandle(threads[i]);
    }
    ok(failures == 0, "expected every series to run its 20 steps, 10 on the pool; %ld did not\n", failures);
}
