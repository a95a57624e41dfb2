/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the consumer programs share, included by each (they are built one source file at a time
 * by run.sh, with nothing of the project's but the installed tree): the check() harness and a
 * short series of steps run through WsAsyncExecute in both modes, every result checked.
 * Include <wsasync.h> (and webservices.h, if used) first.
 */
#ifndef WSASYNC_CONSUMER_SERIES_H
#define WSASYNC_CONSUMER_SERIES_H

#include <stdio.h>

#define STEPS 3

static int checks, failures;

#define check(condition, ...)                               \
    do {                                                    \
        checks++;                                           \
        if (!(condition))                                   \
        {                                                   \
            failures++;                                     \
            printf("%s:%d: failed: ", __FILE__, __LINE__);  \
            printf(__VA_ARGS__);                            \
        }                                                   \
    } while (0)

/* Both modes count their steps here; the asynchronous series touches it from one thread at a
 * time (each step runs after the previous one's completion), so it needs no lock. */
struct counted_series
{
    LONG steps;
    HANDLE done;            /* asynchronous mode: set by the final callback */
    LONG final_calls;
    HRESULT final_hr;
    WS_CALLBACK_MODEL final_model;
};

/* Each step adds one to the result it receives and asks for another step until there are
 * STEPS, so the series ends with hr == STEPS only if every result was passed on. */
static HRESULT CALLBACK count_step(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                   WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                   WS_ERROR *error)
{
    struct counted_series *series = state;

    (void)model;
    check(!context, "a synchronous step got a context\n");
    check(!error, "expected the NULL error, got %p\n", (void *)error);
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
    /* The context is valid only during this call: the operation keeps a copy. */
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

    series->final_hr = hr;
    series->final_model = model;
    InterlockedIncrement(&series->final_calls);
    SetEvent(series->done);
}

static void test_synchronous(void)
{
    struct counted_series series = { 0 };
    WS_ASYNC_STATE state;
    HRESULT hr;

    hr = WsAsyncExecute(&state, count_step, WS_SHORT_CALLBACK, &series, NULL, NULL);
    check(hr == STEPS, "synchronous: expected hr %d, got 0x%08lx\n", STEPS, (unsigned long)hr);
    check(series.steps == STEPS, "synchronous: expected %d steps, got %ld\n", STEPS, series.steps);
}

static void test_asynchronous(void)
{
    struct counted_series series = { 0 };
    WS_ASYNC_CONTEXT context = { series_done, &series };
    WS_ASYNC_STATE state;
    DWORD wait;
    HRESULT hr;

    series.done = CreateEventW(NULL, TRUE, FALSE, NULL);
    hr = WsAsyncExecute(&state, async_step, WS_SHORT_CALLBACK, &series, &context, NULL);
    check(hr == WS_S_ASYNC, "asynchronous: expected WS_S_ASYNC, got 0x%08lx\n", (unsigned long)hr);
    wait = WaitForSingleObject(series.done, 10000);
    check(wait == WAIT_OBJECT_0, "asynchronous: the callback did not come within 10 s (%lu)\n", wait);
    Sleep(50);  /* a second, wrong call of the callback would come about now */
    check(series.final_calls == 1, "asynchronous: expected 1 callback, got %ld\n", series.final_calls);
    check(series.final_hr == STEPS, "asynchronous: expected hr %d, got 0x%08lx\n", STEPS,
          (unsigned long)series.final_hr);
    check(series.final_model == WS_LONG_CALLBACK, "asynchronous: expected the model of the last "
          "completion (%d), got %d\n", WS_LONG_CALLBACK, series.final_model);
    check(series.steps == STEPS, "asynchronous: expected %d steps, got %ld\n", STEPS, series.steps);
    CloseHandle(series.done);
}

/* Both modes, as a client of the DLL the program was linked to sees them. */
static void test_series(void)
{
    test_synchronous();
    test_asynchronous();
}

#endif /* WSASYNC_CONSUMER_SERIES_H */
