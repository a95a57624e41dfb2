/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Synchronous step: what WsAsyncExecute costs per step over a long series of steps that all
 * finish at once, against the least a caller could write to drive the same steps by hand: a
 * loop doing one indirect call and one test per step.
 *
 * Both drive the same step function, which always stores its successor (itself, or NULL at the
 * end), so the hand loop needs nothing beyond the call and the test.
 */
#include "bench.h"

struct countdown
{
    LONG_PTR remaining;
};

/* BENCH_OPAQUE: neither loop may see through the step, or the hand loop would not be calling it. */
static BENCH_OPAQUE HRESULT CALLBACK countdown_step(HRESULT hr, WS_CALLBACK_MODEL model,
                                                              void *state, WS_ASYNC_OPERATION *next,
                                                              const WS_ASYNC_CONTEXT *context,
                                                              WS_ERROR *error)
{
    struct countdown *countdown = state;

    (void)model; (void)context; (void)error;
    next->function = --countdown->remaining ? countdown_step : NULL;
    return hr;
}

/* The baseline: one indirect call and one test per step. */
static BENCH_OPAQUE HRESULT drive_by_hand(WS_ASYNC_FUNCTION function, void *state)
{
    WS_ASYNC_OPERATION next;
    HRESULT hr = S_OK;

    do
    {
        hr = function(hr, WS_SHORT_CALLBACK, state, &next, NULL, NULL);
        function = next.function;
    } while (function);
    return hr;
}

struct sync_run
{
    LONG_PTR steps;
};

static double engine_round(void *context)
{
    struct sync_run *run = context;
    struct countdown countdown = { run->steps };
    WS_ASYNC_STATE state;
    double start = bench_now(), seconds;
    HRESULT hr = WsAsyncExecute(&state, countdown_step, WS_SHORT_CALLBACK, &countdown, NULL, NULL);

    seconds = bench_now() - start;
    bench_check(hr == S_OK, "engine: expected S_OK, got %#lx\n", hr);
    bench_check(countdown.remaining == 0, "engine: expected 0 steps left, got %lld\n",
                (long long)countdown.remaining);
    return seconds * 1e9 / run->steps;
}

static double hand_round(void *context)
{
    struct sync_run *run = context;
    struct countdown countdown = { run->steps };
    double start = bench_now(), seconds;
    HRESULT hr = drive_by_hand(countdown_step, &countdown);

    seconds = bench_now() - start;
    bench_check(hr == S_OK, "hand: expected S_OK, got %#lx\n", hr);
    bench_check(countdown.remaining == 0, "hand: expected 0 steps left, got %lld\n",
                (long long)countdown.remaining);
    return seconds * 1e9 / run->steps;
}

void bench_sync_step(const struct bench_options *options)
{
    struct bench_series series = { .name = "sync_step", .unit = "ns/step", .target = 1.05 };
    struct sync_run run;

    run.steps = options->smoke ? 1000000 : 10000000;
    engine_round(&run);  /* warm up: page in the code and let the clock settle */
    hand_round(&run);
    bench_measure(&series, bench_rounds(options, 31), engine_round, hand_round, &run);
    bench_report(&series);
}

BENCH_PROGRAM(bench_sync_step)
