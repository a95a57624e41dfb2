/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Scale: a million operations in flight at once, each parked on a completion that the
 * benchmark releases later, through WsAsyncExecute and through the hand-written equivalent.
 *
 * Each operation's first step parks its context in a queue the benchmark owns (one entry per
 * operation) and returns WS_S_ASYNC; once all are started, pool work items drain the queue,
 * completing each entry; the engine then runs the second step, which ends the series, and the
 * caller's callback marks the operation finished. The hand-written side parks its own
 * continuation in the same queue and is completed the same way.
 *
 * Memory: the engine must need nothing beyond the caller's WS_ASYNC_STATE. That is counted, not
 * guessed, three ways: every allocating import of wsasync.dll and of this program is pointed at
 * a counting wrapper (alloc_count.c); every heap of the process is walked while all operations
 * are parked; and the process's private bytes are read at the same moments.
 */
#include <stdlib.h>
#include "alloc_count.h"
#include "bench.h"

struct scale_op
{
    WS_ASYNC_CONTEXT parked;   /* the queue entry: the completion this operation waits on */
    LONG finished;             /* times its end was reported: must be 1 */
};

struct scale_run
{
    WS_ASYNC_STATE *states;
    struct scale_op *ops;
    LONG count;
    LONG cursor;               /* next queue entry to release */
    LONG released;             /* entries released so far */
    HANDLE done;               /* set when every entry has been released */
    PTP_WORK drain;
    int drainers;
    double start_ns, release_ns;              /* the last round's, per operation */
    struct alloc_counts engine_allocs, hand_allocs;  /* summed over the rounds */
    LONGLONG engine_ops, hand_ops;
};

static HRESULT CALLBACK resume_step(HRESULT hr, WS_CALLBACK_MODEL model, void *step_state,
                                    WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                    WS_ERROR *error)
{
    (void)model; (void)step_state; (void)next; (void)context; (void)error;
    return hr;
}

static HRESULT CALLBACK park_step(HRESULT hr, WS_CALLBACK_MODEL model, void *step_state,
                                  WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                  WS_ERROR *error)
{
    struct scale_op *op = step_state;

    (void)hr; (void)model; (void)error;
    next->function = resume_step;
    op->parked = *context;
    return WS_S_ASYNC;
}

static void CALLBACK operation_done(HRESULT hr, WS_CALLBACK_MODEL model, void *state)
{
    struct scale_op *op = state;

    (void)model;
    bench_check(hr == S_OK, "expected S_OK, got %#lx\n", hr);
    op->finished++;  /* only the thread that completed this operation touches it */
}

/* The hand-written equivalent keeps, in the same caller-owned storage the engine gets, what
 * any hand-written operation must remember to finish: whom to tell, and with what state. */
struct hand_state
{
    WS_ASYNC_CALLBACK callback;
    void *callback_state;
};
C_ASSERT(sizeof(struct hand_state) <= sizeof(WS_ASYNC_STATE));

/* The hand-written continuation: what the second step and the engine's end do, directly. */
static void CALLBACK hand_resume(HRESULT hr, WS_CALLBACK_MODEL model, void *state)
{
    struct hand_state *hand = state;

    hand->callback(hr, model, hand->callback_state);
}

static BENCH_OPAQUE void hand_park(WS_ASYNC_STATE *storage, struct scale_op *op)
{
    struct hand_state *hand = (struct hand_state *)storage;

    hand->callback = operation_done;
    hand->callback_state = op;
    op->parked.callback = hand_resume;
    op->parked.callbackState = hand;
}

/* Releases parked operations in batches until the queue is empty. The cursor hands each
 * batch to exactly one drainer; the released count tells the last one to signal. */
static void CALLBACK drain_queue(PTP_CALLBACK_INSTANCE instance, void *param, PTP_WORK work)
{
    struct scale_run *run = param;
    LONG first, last, i, released = 0;

    (void)instance; (void)work;
    while ((first = InterlockedExchangeAdd(&run->cursor, 256)) < run->count)
    {
        last = first + 256 < run->count ? first + 256 : run->count;
        for (i = first; i < last; i++)
        {
            WS_ASYNC_CONTEXT parked = run->ops[i].parked;
            parked.callback(S_OK, WS_SHORT_CALLBACK, parked.callbackState);
        }
        released += last - first;
    }
    if (released && InterlockedExchangeAdd(&run->released, released) + released == run->count)
        SetEvent(run->done);
}

static void prepare(struct scale_run *run)
{
    LONG i;

    for (i = 0; i < run->count; i++) run->ops[i].finished = 0;
    run->cursor = run->released = 0;
    ResetEvent(run->done);
}

static void start_engine(struct scale_run *run)
{
    LONG i;

    for (i = 0; i < run->count; i++)
    {
        struct scale_op *op = &run->ops[i];
        WS_ASYNC_CONTEXT context = { operation_done, op };
        HRESULT hr = WsAsyncExecute(&run->states[i], park_step, WS_SHORT_CALLBACK, op, &context, NULL);
        if (hr != WS_S_ASYNC) bench_check(0, "expected WS_S_ASYNC, got %#lx\n", hr);
    }
}

static void start_hand(struct scale_run *run)
{
    LONG i;

    for (i = 0; i < run->count; i++) hand_park(&run->states[i], &run->ops[i]);
}

static void release_all(struct scale_run *run)
{
    int i;

    for (i = 0; i < run->drainers; i++) SubmitThreadpoolWork(run->drain);
    WaitForSingleObject(run->done, INFINITE);
    WaitForThreadpoolWorkCallbacks(run->drain, FALSE);
}

static void check_finished(struct scale_run *run, const char *side)
{
    LONG i, wrong = 0;

    for (i = 0; i < run->count; i++)
        if (run->ops[i].finished != 1) wrong++;
    bench_check(!wrong, "%s: %ld of %ld operations did not finish exactly once\n", side, wrong,
                run->count);
}

/* One round: start every operation, then release them all; times both phases. */
static double round_of(struct scale_run *run, void (*start)(struct scale_run *), const char *side,
                       struct alloc_counts *allocs, LONGLONG *ops)
{
    struct alloc_counts before, after;
    double t0, t1, t2;

    prepare(run);
    alloc_count_read(&before);
    t0 = bench_now();
    start(run);
    t1 = bench_now();
    release_all(run);
    t2 = bench_now();
    alloc_count_read(&after);
    allocs->calls += after.calls - before.calls;
    allocs->bytes += after.bytes - before.bytes;
    *ops += run->count;
    check_finished(run, side);
    run->start_ns = (t1 - t0) * 1e9 / run->count;
    run->release_ns = (t2 - t1) * 1e9 / run->count;
    return run->release_ns;
}

/* bench_measure wants one figure per round; the start phase's is kept beside it. */
static double start_series_engine[BENCH_MAX_ROUNDS], start_series_hand[BENCH_MAX_ROUNDS];
static int engine_rounds, hand_rounds;

static double engine_round(void *context)
{
    struct scale_run *run = context;
    double release = round_of(run, start_engine, "engine", &run->engine_allocs, &run->engine_ops);

    start_series_engine[engine_rounds++] = run->start_ns;
    return release;
}

static double hand_round(void *context)
{
    struct scale_run *run = context;
    double release = round_of(run, start_hand, "hand", &run->hand_allocs, &run->hand_ops);

    start_series_hand[hand_rounds++] = run->start_ns;
    return release;
}

struct memory_seen
{
    double heap_bytes_per_op;
    double heap_blocks_per_op;
    double private_bytes_per_op;
};

/* Starts every operation, reads the memory while all are parked, then releases them. */
static void measure_memory(struct scale_run *run, void (*start)(struct scale_run *), const char *side,
                           struct alloc_counts *allocs, LONGLONG *ops, struct memory_seen *seen)
{
    struct heap_usage heap_before, heap_parked;
    struct alloc_counts before, after;
    SIZE_T private_before, private_parked;

    prepare(run);
    heap_usage_read(&heap_before);
    private_before = private_bytes();
    alloc_count_read(&before);
    start(run);
    alloc_count_read(&after);
    private_parked = private_bytes();
    heap_usage_read(&heap_parked);
    release_all(run);
    check_finished(run, side);
    allocs->calls += after.calls - before.calls;
    allocs->bytes += after.bytes - before.bytes;
    *ops += run->count;
    seen->heap_bytes_per_op = (double)(heap_parked.bytes - heap_before.bytes) / run->count;
    seen->heap_blocks_per_op = (double)(heap_parked.blocks - heap_before.blocks) / run->count;
    seen->private_bytes_per_op = ((double)private_parked - (double)private_before) / run->count;
    printf("%s, %ld operations parked: heap blocks %+lld, heap bytes %+lld, private bytes %+.0f\n",
           side, run->count, heap_parked.blocks - heap_before.blocks,
           heap_parked.bytes - heap_before.bytes, (double)private_parked - (double)private_before);
}

/* The heap figures mean something only if the walk sees a block appear. */
static void check_heap_walk(void)
{
    struct heap_usage before, after;
    void *block;

    heap_usage_read(&before);
    block = HeapAlloc(GetProcessHeap(), 0, 1000);
    heap_usage_read(&after);
    HeapFree(GetProcessHeap(), 0, block);
    bench_check(after.blocks - before.blocks == 1, "heap walk: expected 1 new block, saw %+lld\n",
                after.blocks - before.blocks);
    bench_check(after.bytes - before.bytes >= 1000, "heap walk: expected 1000 new bytes, saw %+lld\n",
                after.bytes - before.bytes);
    printf("heap walk check: a 1000-byte block shows as %+lld blocks, %+lld bytes; private bytes %lu KiB\n",
           after.blocks - before.blocks, after.bytes - before.bytes, (unsigned long)(private_bytes() / 1024));
}

void bench_scale(const struct bench_options *options)
{
    struct bench_series series = { .name = "scale_release", .unit = "ns/completion" };
    struct bench_series start_series = { .name = "scale_start", .unit = "ns/op" };
    struct scale_run run = { 0 };
    struct memory_seen engine_memory, hand_memory;
    SYSTEM_INFO system;
    double engine_rate, hand_rate;
    int patched;

    run.count = options->smoke ? 20000 : 1000000;
    run.states = calloc(run.count, sizeof(*run.states));
    run.ops = calloc(run.count, sizeof(*run.ops));
    run.done = CreateEventW(NULL, TRUE, FALSE, NULL);
    run.drain = CreateThreadpoolWork(drain_queue, &run, NULL);
    GetSystemInfo(&system);
    run.drainers = system.dwNumberOfProcessors;
    if (!run.states || !run.ops || !run.done || !run.drain)
    {
        bench_check(0, "scale: setup failed\n");
        return;
    }
    check_heap_walk();
    patched = alloc_count_patch(GetModuleHandleW(L"wsasync.dll"));
    patched += alloc_count_patch(GetModuleHandleW(NULL));
    printf("allocation counting: %d import entries patched in wsasync.dll and this program\n", patched);
    bench_check(patched > 0, "expected some import entries patched, got %d\n", patched);

    /* Touch every page first, so that neither side pays for faulting the arrays in. */
    engine_round(&run);
    hand_round(&run);
    engine_rounds = hand_rounds = 0;

    measure_memory(&run, start_engine, "engine", &run.engine_allocs, &run.engine_ops, &engine_memory);
    measure_memory(&run, start_hand, "hand", &run.hand_allocs, &run.hand_ops, &hand_memory);

    bench_measure(&series, bench_rounds(options, 5), engine_round, hand_round, &run);
    memcpy(start_series.engine, start_series_engine, sizeof(start_series.engine));
    memcpy(start_series.baseline, start_series_hand, sizeof(start_series.baseline));
    start_series.rounds = series.rounds;
    bench_report(&start_series);
    bench_report(&series);

    engine_rate = 1e9 / bench_median(series.engine, series.rounds);
    hand_rate = 1e9 / bench_median(series.baseline, series.rounds);
    printf("completions per second with %ld in flight: engine %.0f, hand-written %.0f\n", run.count,
           engine_rate, hand_rate);
    bench_figure("scale_completions", engine_rate, hand_rate, hand_rate / engine_rate, "-",
                 "completions/s");

    printf("allocating calls from wsasync.dll and this program: engine %ld over %lld operations "
           "(%lld bytes), hand-written %ld over %lld\n", run.engine_allocs.calls, run.engine_ops,
           run.engine_allocs.bytes, run.hand_allocs.calls, run.hand_ops);
    bench_figure("scale_allocations", run.engine_allocs.calls, run.hand_allocs.calls, -1, "=0",
                 "allocating-calls");
    bench_figure("scale_heap_bytes_per_op", engine_memory.heap_bytes_per_op,
                 hand_memory.heap_bytes_per_op, -1, "-", "bytes/op");
    bench_figure("scale_private_bytes_per_op", engine_memory.private_bytes_per_op,
                 hand_memory.private_bytes_per_op, -1, "-", "bytes/op");
    bench_figure("scale_state_bytes_per_op", sizeof(WS_ASYNC_STATE), 0, -1, "-", "bytes/op");

    /* Correctness, not speed: the engine allocates nothing on this path (docs/SPEC.md §4.1). */
    bench_check(run.engine_allocs.calls == 0, "expected no allocating call from the engine's side, got %ld\n",
                run.engine_allocs.calls);
    bench_check(engine_memory.heap_blocks_per_op < 0.5, "expected no heap block per parked operation, "
                "got %.3f\n", engine_memory.heap_blocks_per_op);
    CloseThreadpoolWork(run.drain);
    CloseHandle(run.done);
    free(run.states);
    free(run.ops);
}

BENCH_PROGRAM(bench_scale)
