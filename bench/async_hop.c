/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Asynchronous hop: what WsAsyncExecute costs per completion when every step goes
 * asynchronous on the thread pool, against a hand-written chain in which each pool callback
 * starts the next, with 1 to 64 operations in flight.
 *
 * Both sides use the same pool mechanism: one TP_WORK per operation, submitted once per hop.
 * On the engine's side a step submits it and returns WS_S_ASYNC, and the work callback calls
 * the context the step was given; on the hand-written side the work callback itself submits
 * the work again. The difference is what the engine adds to a hop: the context, its
 * completion callback, the per-thread marker and the step loop.
 */
#include <stdlib.h>
#include "bench.h"

struct hop_run;

struct hop_op
{
    WS_ASYNC_STATE state;
    WS_ASYNC_CONTEXT pending;  /* the context the last step handed to its "operation" */
    PTP_WORK engine_work;      /* completes pending */
    PTP_WORK hand_work;        /* starts the next hop itself */
    LONG remaining;            /* hops left to start */
    LONG hops;                 /* hops run (checked against the number asked for) */
    struct hop_run *run;
};

struct hop_run
{
    struct hop_op *ops;
    int in_flight;
    LONG hops_per_op;
    LONG outstanding;          /* operations not finished yet */
    HANDLE done;               /* set when outstanding reaches 0 */
};

/* Ownership: an operation's fields are touched by one thread at a time. The thread that
 * submits the work hands the operation to the callback and does not touch it afterwards
 * (SubmitThreadpoolWork orders the writes before it against the callback's reads). */

static void operation_finished(struct hop_op *op)
{
    if (!InterlockedDecrement(&op->run->outstanding)) SetEvent(op->run->done);
}

static HRESULT CALLBACK hop_step(HRESULT hr, WS_CALLBACK_MODEL model, void *step_state,
                                 WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                 WS_ERROR *error)
{
    struct hop_op *op = step_state;

    (void)model; (void)error;
    if (!op->remaining) return hr;
    op->remaining--;
    op->hops++;
    next->function = hop_step;
    op->pending = *context;
    SubmitThreadpoolWork(op->engine_work);
    return WS_S_ASYNC;
}

static void CALLBACK engine_work_callback(PTP_CALLBACK_INSTANCE instance, void *param, PTP_WORK work)
{
    struct hop_op *op = param;
    WS_ASYNC_CONTEXT context = op->pending;

    (void)instance; (void)work;
    context.callback(S_OK, WS_SHORT_CALLBACK, context.callbackState);
}

static void CALLBACK engine_series_done(HRESULT hr, WS_CALLBACK_MODEL model, void *state)
{
    struct hop_op *op = state;

    (void)model;
    bench_check(hr == S_OK, "engine: expected S_OK, got %#lx\n", hr);
    operation_finished(op);
}

static void CALLBACK hand_work_callback(PTP_CALLBACK_INSTANCE instance, void *param, PTP_WORK work)
{
    struct hop_op *op = param;

    (void)instance; (void)work;
    if (!op->remaining)
    {
        operation_finished(op);
        return;
    }
    op->remaining--;
    op->hops++;
    SubmitThreadpoolWork(op->hand_work);
}

static void reset(struct hop_run *run)
{
    int i;

    run->outstanding = run->in_flight;
    ResetEvent(run->done);
    for (i = 0; i < run->in_flight; i++)
    {
        run->ops[i].remaining = run->hops_per_op;
        run->ops[i].hops = 0;
    }
}

/* Waits for the last callbacks to return and checks that every hop ran. */
static void settle(struct hop_run *run, const char *side)
{
    int i;

    for (i = 0; i < run->in_flight; i++)
    {
        WaitForThreadpoolWorkCallbacks(run->ops[i].engine_work, FALSE);
        WaitForThreadpoolWorkCallbacks(run->ops[i].hand_work, FALSE);
        bench_check(run->ops[i].hops == run->hops_per_op, "%s: operation %d ran %ld hops, expected %ld\n",
                    side, i, run->ops[i].hops, run->hops_per_op);
    }
}

static double engine_round(void *context)
{
    struct hop_run *run = context;
    double start, seconds;
    int i;

    reset(run);
    start = bench_now();
    for (i = 0; i < run->in_flight; i++)
    {
        struct hop_op *op = &run->ops[i];
        WS_ASYNC_CONTEXT done = { engine_series_done, op };
        HRESULT hr = WsAsyncExecute(&op->state, hop_step, WS_SHORT_CALLBACK, op, &done, NULL);
        bench_check(hr == WS_S_ASYNC, "engine: expected WS_S_ASYNC, got %#lx\n", hr);
    }
    WaitForSingleObject(run->done, INFINITE);
    seconds = bench_now() - start;
    settle(run, "engine");
    return seconds * 1e9 / ((double)run->in_flight * run->hops_per_op);
}

static double hand_round(void *context)
{
    struct hop_run *run = context;
    double start, seconds;
    int i;

    reset(run);
    start = bench_now();
    for (i = 0; i < run->in_flight; i++)
    {
        run->ops[i].remaining--;
        run->ops[i].hops++;
        SubmitThreadpoolWork(run->ops[i].hand_work);
    }
    WaitForSingleObject(run->done, INFINITE);
    seconds = bench_now() - start;
    settle(run, "hand");
    return seconds * 1e9 / ((double)run->in_flight * run->hops_per_op);
}

/*
 * The same hop without the pool: the completion is called directly by a driver loop on one
 * thread, once the step that started it has returned. What is left is exactly what the engine
 * adds to each hop (the hand-written side's continuation is one call), free of the pool's cost
 * and of its noise; the pool figures above are then (pool + this) / pool.
 */
struct direct_op
{
    WS_ASYNC_CONTEXT pending;
    LONG remaining;
    BOOL finished;
};

static HRESULT CALLBACK direct_step(HRESULT hr, WS_CALLBACK_MODEL model, void *step_state,
                                    WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                    WS_ERROR *error)
{
    struct direct_op *op = step_state;

    (void)model; (void)error;
    if (!op->remaining) return hr;
    op->remaining--;
    next->function = direct_step;
    op->pending = *context;
    return WS_S_ASYNC;
}

static void CALLBACK direct_done(HRESULT hr, WS_CALLBACK_MODEL model, void *state)
{
    struct direct_op *op = state;

    (void)model;
    bench_check(hr == S_OK, "direct: expected S_OK, got %#lx\n", hr);
    op->finished = TRUE;
}

static void CALLBACK direct_hand_hop(HRESULT hr, WS_CALLBACK_MODEL model, void *state)
{
    struct direct_op *op = state;

    if (!op->remaining)
    {
        direct_done(hr, model, op);
        return;
    }
    op->remaining--;
    op->pending.callback = direct_hand_hop;
    op->pending.callbackState = op;
}

/* Completes the pending context until the operation has finished. */
static BENCH_OPAQUE void drive_completions(struct direct_op *op)
{
    while (!op->finished)
    {
        WS_ASYNC_CONTEXT pending = op->pending;
        pending.callback(S_OK, WS_SHORT_CALLBACK, pending.callbackState);
    }
}

static LONG direct_hops;

static double direct_engine_round(void *context)
{
    struct direct_op op = { { NULL, NULL }, direct_hops, FALSE };
    WS_ASYNC_CONTEXT done = { direct_done, &op };
    WS_ASYNC_STATE state;
    double start = bench_now(), seconds;
    HRESULT hr = WsAsyncExecute(&state, direct_step, WS_SHORT_CALLBACK, &op, &done, NULL);

    (void)context;
    bench_check(hr == WS_S_ASYNC, "direct: expected WS_S_ASYNC, got %#lx\n", hr);
    drive_completions(&op);
    seconds = bench_now() - start;
    bench_check(!op.remaining, "direct: expected 0 hops left, got %ld\n", op.remaining);
    return seconds * 1e9 / direct_hops;
}

static double direct_hand_round(void *context)
{
    struct direct_op op = { { direct_hand_hop, NULL }, direct_hops, FALSE };
    double start = bench_now(), seconds;

    (void)context;
    op.pending.callbackState = &op;
    drive_completions(&op);
    seconds = bench_now() - start;
    bench_check(!op.remaining, "direct hand: expected 0 hops left, got %ld\n", op.remaining);
    return seconds * 1e9 / direct_hops;
}

void bench_async_hop(const struct bench_options *options)
{
    static const int in_flight[] = { 1, 2, 4, 8, 16, 32, 64 };
    static struct hop_op ops[64];
    struct hop_run run = { .ops = ops };
    int rounds = bench_rounds(options, 15);
    unsigned int i;
    int j;

    {
        struct bench_series series = { .name = "hop_without_pool", .unit = "ns/hop" };

        direct_hops = options->smoke ? 100000 : 2000000;
        direct_engine_round(NULL);
        direct_hand_round(NULL);
        bench_measure(&series, rounds * 2 + 1, direct_engine_round, direct_hand_round, NULL);
        bench_report(&series);
        bench_figure("hop_engine_overhead", bench_median(series.engine, series.rounds)
                     - bench_median(series.baseline, series.rounds), 0, -1, "-", "ns/hop");
    }
    run.done = CreateEventW(NULL, TRUE, FALSE, NULL);
    for (j = 0; j < 64; j++)
    {
        ops[j].run = &run;
        ops[j].engine_work = CreateThreadpoolWork(engine_work_callback, &ops[j], NULL);
        ops[j].hand_work = CreateThreadpoolWork(hand_work_callback, &ops[j], NULL);
        if (!ops[j].engine_work || !ops[j].hand_work)
        {
            bench_check(0, "CreateThreadpoolWork failed: %lu\n", GetLastError());
            return;
        }
    }
    for (i = 0; i < ARRAYSIZE(in_flight); i++)
    {
        struct bench_series series = { .unit = "ns/hop", .target = 1.02 };
        char name[32];
        /* About the same number of hops per round whatever the number in flight. */
        LONG total = options->smoke ? 2000 : 20000;

        if (options->smoke && in_flight[i] != 1 && in_flight[i] != 64) continue;
        snprintf(name, sizeof(name), "async_hop_%d", in_flight[i]);
        series.name = name;
        run.in_flight = in_flight[i];
        run.hops_per_op = total / in_flight[i];
        engine_round(&run);  /* warm up: let the pool start its threads */
        hand_round(&run);
        bench_measure(&series, rounds, engine_round, hand_round, &run);
        bench_report(&series);
    }
    for (j = 0; j < 64; j++)
    {
        CloseThreadpoolWork(ops[j].engine_work);
        CloseThreadpoolWork(ops[j].hand_work);
    }
    CloseHandle(run.done);
}

BENCH_PROGRAM(bench_async_hop)
