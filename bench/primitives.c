/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The completion primitives against the raw thread-pool calls each wraps, with the
 * same work on both sides:
 *
 *  - post: a chain of completions, each callback posting the next (AsyncPoolPost against
 *    TrySubmitThreadpoolCallback);
 *  - timer: a batch of timers due in 1 ms, armed together; the figure is the whole batch's time
 *    per timer (AsyncPoolTimer against CreateThreadpoolTimer, SetThreadpoolTimer and
 *    CloseThreadpoolTimer from the callback);
 *  - wait: a batch of waits on events, armed, then released by signalling every event
 *    (AsyncPoolWait against CreateThreadpoolWait, SetThreadpoolWait, CloseThreadpoolWait);
 *  - io: a chain of 4 KiB overlapped reads of a cached file, each callback starting the next,
 *    every completion queued to the pool on both sides (AsyncPoolIoRead against StartThreadpoolIo
 *    and ReadFile on a TP_IO).
 *
 * Every callback, the engine's and the baseline's, runs in one private pool with a thread
 * maximum (pool_environment below): a burst of 2000 timers in the default pool makes it start a
 * thread per ready callback, and in a 32-bit process under Wine those threads' stacks use up the
 * address space, after which no TP_WAIT can be created (docs/BENCHMARKS.md). A start that fails
 * all the same is counted and reported, and the round goes on without the completion it will
 * never get.
 */
#include <stdlib.h>
#include <string.h>
#include "bench.h"

struct chain
{
    LONG remaining;
    HANDLE done;
    /* io */
    ASYNC_POOL_IO *io;
    PTP_IO tp_io;
    HANDLE file;
    OVERLAPPED overlapped;
    BYTE buffer[4096];
    DWORD bytes;
    ULONGLONG offset;
};

static LONG post_hops, io_reads, batch_size;

/* The private pool every callback of this file runs in (see the top of the file). */
static PTP_CALLBACK_ENVIRON pool_environment;

/* Starts that failed, per kind, and the first error seen: reported once after the benchmark,
 * never one line per failure (a burst can fail thousands of times). */
struct failures
{
    const char *what;
    LONG count;
    LONG first_error;  /* an HRESULT or a Win32 error, as `what` says */
};

static struct failures post_failures = { .what = "AsyncPoolPost (HRESULT)" };
static struct failures raw_post_failures = { .what = "TrySubmitThreadpoolCallback (Win32 error)" };
static struct failures timer_failures = { .what = "AsyncPoolTimer (HRESULT)" };
static struct failures raw_timer_failures = { .what = "CreateThreadpoolTimer (Win32 error)" };
static struct failures wait_failures = { .what = "AsyncPoolWait (HRESULT)" };
static struct failures raw_wait_failures = { .what = "CreateThreadpoolWait (Win32 error)" };
static struct failures read_failures = { .what = "AsyncPoolIoRead (HRESULT)" };
static struct failures raw_read_failures = { .what = "ReadFile on a TP_IO (Win32 error)" };

static void failed_start(struct failures *failures, LONG error)
{
    InterlockedCompareExchange(&failures->first_error, error, 0);
    InterlockedIncrement(&failures->count);
}

/* A failed check per kind of start that failed (the run then ends with a non-zero exit code),
 * and one machine-readable line with the total: FAILED_STARTS <arch> <count>. */
static void report_failures(void)
{
    struct failures *all[] = { &post_failures, &raw_post_failures, &timer_failures, &raw_timer_failures,
                               &wait_failures, &raw_wait_failures, &read_failures, &raw_read_failures };
    LONG total = 0;
    unsigned int i;

    for (i = 0; i < ARRAYSIZE(all); i++)
    {
        bench_check(!all[i]->count, "%s: %ld starts failed, the first with %#lx; the figures that "
                    "include them measured fewer operations than they say\n", all[i]->what,
                    all[i]->count, (unsigned long)all[i]->first_error);
        total += all[i]->count;
    }
    printf("FAILED_STARTS %s %ld\n", BENCH_ARCH, total);
}

/* Set for a second measurement in which the raw callbacks also ask the pool for the callback
 * model, as the primitives must (CallbackMayRunLong): it shows how much of a primitive's cost
 * over the raw calls is that question alone. */
static BOOL raw_asks_model;

static void ask_model(PTP_CALLBACK_INSTANCE instance)
{
    if (raw_asks_model && instance) CallbackMayRunLong(instance);
}

/* ------------------------------------------------------------------ post */

static void CALLBACK post_next(HRESULT hr, WS_CALLBACK_MODEL model, void *state)
{
    struct chain *chain = state;
    WS_ASYNC_CONTEXT context = { post_next, chain };

    (void)hr; (void)model;
    if (!--chain->remaining)
    {
        SetEvent(chain->done);
        return;
    }
    hr = AsyncPoolPost(S_OK, &context, pool_environment);
    if (hr != WS_S_ASYNC)
    {
        /* No callback will come: the chain ends here, shorter than counted. */
        failed_start(&post_failures, hr);
        SetEvent(chain->done);
    }
}

static void CALLBACK raw_post_next(PTP_CALLBACK_INSTANCE instance, void *state)
{
    struct chain *chain = state;

    ask_model(instance);
    if (!--chain->remaining)
    {
        SetEvent(chain->done);
        return;
    }
    if (!TrySubmitThreadpoolCallback(raw_post_next, chain, pool_environment))
    {
        failed_start(&raw_post_failures, GetLastError());
        SetEvent(chain->done);
    }
}

static double chain_round(struct chain *chain, LONG count, void (*first)(struct chain *))
{
    double start;

    chain->remaining = count + 1;
    ResetEvent(chain->done);
    start = bench_now();
    first(chain);
    WaitForSingleObject(chain->done, INFINITE);
    return (bench_now() - start) * 1e9 / count;
}

static void post_first(struct chain *chain) { post_next(S_OK, WS_SHORT_CALLBACK, chain); }
static void raw_post_first(struct chain *chain) { raw_post_next(NULL, chain); }
static double post_round(void *chain) { return chain_round(chain, post_hops, post_first); }
static double raw_post_round(void *chain) { return chain_round(chain, post_hops, raw_post_first); }

/* ------------------------------------------------------------------ timer and wait batches */

struct batch
{
    LONG outstanding;
    HANDLE done;
    HANDLE *events;
    PTP_TIMER *timers;
    PTP_WAIT *waits;
};

static void batch_member_done(struct batch *batch)
{
    if (!InterlockedDecrement(&batch->outstanding)) SetEvent(batch->done);
}

static void CALLBACK primitive_done(HRESULT hr, WS_CALLBACK_MODEL model, void *state)
{
    (void)model;
    if (hr != S_OK) bench_check(0, "expected S_OK, got %#lx\n", hr);
    batch_member_done(state);
}

static void CALLBACK raw_timer_fired(PTP_CALLBACK_INSTANCE instance, void *state, PTP_TIMER timer)
{
    ask_model(instance);
    CloseThreadpoolTimer(timer);
    batch_member_done(state);
}

static void CALLBACK raw_wait_ended(PTP_CALLBACK_INSTANCE instance, void *state, PTP_WAIT wait,
                                    TP_WAIT_RESULT result)
{
    ask_model(instance);
    if (result != WAIT_OBJECT_0) bench_check(0, "raw wait: expected WAIT_OBJECT_0, got %lu\n", result);
    CloseThreadpoolWait(wait);
    batch_member_done(state);
}

static double timer_round(void *context)
{
    struct batch *batch = context;
    WS_ASYNC_CONTEXT done = { primitive_done, batch };
    double start;
    LONG i;

    batch->outstanding = batch_size;
    ResetEvent(batch->done);
    start = bench_now();
    for (i = 0; i < batch_size; i++)
    {
        HRESULT hr = AsyncPoolTimer(1, &done, pool_environment);
        if (hr != WS_S_ASYNC)
        {
            /* No callback will come for this one: count it and do not wait for it. */
            failed_start(&timer_failures, hr);
            batch_member_done(batch);
        }
    }
    WaitForSingleObject(batch->done, INFINITE);
    return (bench_now() - start) * 1e9 / batch_size;
}

static double raw_timer_round(void *context)
{
    struct batch *batch = context;
    FILETIME due = { (DWORD)-10000, (DWORD)-1 };  /* 1 ms from now */
    double start;
    LONG i;

    batch->outstanding = batch_size;
    ResetEvent(batch->done);
    start = bench_now();
    for (i = 0; i < batch_size; i++)
    {
        PTP_TIMER timer = CreateThreadpoolTimer(raw_timer_fired, batch, pool_environment);
        if (!timer)
        {
            failed_start(&raw_timer_failures, GetLastError());
            batch_member_done(batch);
            continue;
        }
        SetThreadpoolTimer(timer, &due, 0, 0);
    }
    WaitForSingleObject(batch->done, INFINITE);
    return (bench_now() - start) * 1e9 / batch_size;
}

static void signal_all(struct batch *batch)
{
    LONG i;

    for (i = 0; i < batch_size; i++) SetEvent(batch->events[i]);
}

static void reset_events(struct batch *batch)
{
    LONG i;

    for (i = 0; i < batch_size; i++) ResetEvent(batch->events[i]);
}

static double wait_round(void *context)
{
    struct batch *batch = context;
    WS_ASYNC_CONTEXT done = { primitive_done, batch };
    double start;
    LONG i;

    reset_events(batch);
    batch->outstanding = batch_size;
    ResetEvent(batch->done);
    start = bench_now();
    for (i = 0; i < batch_size; i++)
    {
        HRESULT hr = AsyncPoolWait(batch->events[i], INFINITE, &done, pool_environment);
        if (hr != WS_S_ASYNC)
        {
            failed_start(&wait_failures, hr);
            batch_member_done(batch);
        }
    }
    signal_all(batch);
    WaitForSingleObject(batch->done, INFINITE);
    return (bench_now() - start) * 1e9 / batch_size;
}

static double raw_wait_round(void *context)
{
    struct batch *batch = context;
    double start;
    LONG i;

    reset_events(batch);
    batch->outstanding = batch_size;
    ResetEvent(batch->done);
    start = bench_now();
    for (i = 0; i < batch_size; i++)
    {
        PTP_WAIT wait = CreateThreadpoolWait(raw_wait_ended, batch, pool_environment);
        if (!wait)
        {
            failed_start(&raw_wait_failures, GetLastError());
            batch_member_done(batch);
            continue;
        }
        SetThreadpoolWait(wait, batch->events[i], NULL);
    }
    signal_all(batch);
    WaitForSingleObject(batch->done, INFINITE);
    return (bench_now() - start) * 1e9 / batch_size;
}

/* ------------------------------------------------------------------ overlapped reads */

#define IO_FILE_SIZE (1 << 20)

static ULONGLONG next_offset(struct chain *chain)
{
    chain->offset = (chain->offset + sizeof(chain->buffer)) % IO_FILE_SIZE;
    return chain->offset;
}

static void CALLBACK read_next(HRESULT hr, WS_CALLBACK_MODEL model, void *state)
{
    struct chain *chain = state;
    WS_ASYNC_CONTEXT context = { read_next, chain };

    (void)model;
    if (hr != S_OK || chain->bytes != sizeof(chain->buffer))
        bench_check(0, "read: expected S_OK and %u bytes, got %#lx and %lu\n",
                    (unsigned)sizeof(chain->buffer), hr, chain->bytes);
    if (!--chain->remaining)
    {
        SetEvent(chain->done);
        return;
    }
    hr = AsyncPoolIoRead(chain->io, next_offset(chain), chain->buffer, sizeof(chain->buffer),
                         &chain->bytes, &context);
    if (hr != WS_S_ASYNC)
    {
        failed_start(&read_failures, hr);
        SetEvent(chain->done);
    }
}

static void raw_read_start(struct chain *chain)
{
    ULONGLONG offset = next_offset(chain);

    memset(&chain->overlapped, 0, sizeof(chain->overlapped));
    chain->overlapped.Offset = (DWORD)offset;
    chain->overlapped.OffsetHigh = (DWORD)(offset >> 32);
    StartThreadpoolIo(chain->tp_io);
    if (!ReadFile(chain->file, chain->buffer, sizeof(chain->buffer), NULL, &chain->overlapped)
        && GetLastError() != ERROR_IO_PENDING)
    {
        DWORD error = GetLastError();

        CancelThreadpoolIo(chain->tp_io);
        failed_start(&raw_read_failures, error);
        SetEvent(chain->done);
    }
}

static void CALLBACK raw_read_done(PTP_CALLBACK_INSTANCE instance, void *state, void *overlapped,
                                   ULONG result, ULONG_PTR transferred, PTP_IO io)
{
    struct chain *chain = state;

    (void)overlapped; (void)io;
    ask_model(instance);
    if (result || transferred != sizeof(chain->buffer))
        bench_check(0, "raw read: expected 0 and %u bytes, got %lu and %lu\n",
                    (unsigned)sizeof(chain->buffer), result, (unsigned long)transferred);
    if (!--chain->remaining)
    {
        SetEvent(chain->done);
        return;
    }
    raw_read_start(chain);
}

/* Each side reads its own file: a handle is bound to one completion object only. */
struct io_pair
{
    struct chain *chain;
    struct chain *raw_chain;
};

static void read_first(struct chain *chain)
{
    chain->bytes = sizeof(chain->buffer);  /* what read_next checks of the read before */
    read_next(S_OK, WS_SHORT_CALLBACK, chain);
}

static void raw_read_first(struct chain *chain)
{
    chain->remaining--;
    raw_read_start(chain);
}

static double read_round(void *pair)
{
    return chain_round(((struct io_pair *)pair)->chain, io_reads, read_first);
}

static double raw_read_round(void *pair)
{
    return chain_round(((struct io_pair *)pair)->raw_chain, io_reads, raw_read_first);
}

/* A file of IO_FILE_SIZE bytes, opened for overlapped reads on both sides. */
static HANDLE open_io_file(WCHAR *path)
{
    static BYTE block[65536];
    HANDLE file;
    DWORD written;
    int i;

    GetTempPathW(MAX_PATH - 20, path);
    GetTempFileNameW(path, L"wsb", 0, path);
    file = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) return file;
    for (i = 0; i < IO_FILE_SIZE / (int)sizeof(block); i++) WriteFile(file, block, sizeof(block), &written, NULL);
    CloseHandle(file);
    return CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                       FILE_FLAG_OVERLAPPED | FILE_FLAG_DELETE_ON_CLOSE, NULL);
}

/* The pool's thread maximum: enough threads to keep every processor busy with callbacks, few
 * enough that their stacks are a small part of a 32-bit address space. */
static DWORD pool_threads(void)
{
    SYSTEM_INFO info;

    GetSystemInfo(&info);
    return max(4, min(2 * info.dwNumberOfProcessors, 64));
}

void bench_primitives(const struct bench_options *options)
{
    static struct chain chain, raw_chain;
    static TP_CALLBACK_ENVIRON environment;
    PTP_POOL pool;
    struct bench_series post = { .name = "primitive_post", .unit = "ns/completion", .target = 1.1 };
    struct bench_series timer = { .name = "primitive_timer", .unit = "ns/timer", .target = 1.1 };
    struct bench_series wait = { .name = "primitive_wait", .unit = "ns/wait", .target = 1.1 };
    struct bench_series io = { .name = "primitive_io_read", .unit = "ns/read", .target = 1.1 };
    struct batch batch = { 0 };
    int rounds = bench_rounds(options, 9);
    WCHAR path[MAX_PATH], raw_path[MAX_PATH];
    HRESULT hr = E_FAIL;
    LONG i;

    post_hops = options->smoke ? 2000 : 20000;
    io_reads = options->smoke ? 500 : 5000;
    batch_size = options->smoke ? 200 : 2000;

    if (!(pool = CreateThreadpool(NULL)))
    {
        bench_check(0, "CreateThreadpool failed: %lu\n", GetLastError());
        return;
    }
    SetThreadpoolThreadMaximum(pool, pool_threads());
    InitializeThreadpoolEnvironment(&environment);
    SetThreadpoolCallbackPool(&environment, pool);
    pool_environment = &environment;
    printf("primitives: every callback in a private pool of at most %lu threads\n", pool_threads());

    chain.done = CreateEventW(NULL, FALSE, FALSE, NULL);
    raw_chain.done = CreateEventW(NULL, FALSE, FALSE, NULL);
    post_round(&chain);  /* warm up the pool */
    bench_measure(&post, rounds, post_round, raw_post_round, &chain);
    bench_report(&post);

    batch.done = CreateEventW(NULL, TRUE, FALSE, NULL);
    batch.events = calloc(batch_size, sizeof(*batch.events));
    for (i = 0; i < batch_size; i++) batch.events[i] = CreateEventW(NULL, TRUE, FALSE, NULL);
    timer_round(&batch);
    bench_measure(&timer, rounds, timer_round, raw_timer_round, &batch);
    bench_report(&timer);
    wait_round(&batch);
    bench_measure(&wait, rounds, wait_round, raw_wait_round, &batch);
    bench_report(&wait);
    {
        /* What AsyncPoolWait does before arming the pool's wait, and the raw calls do not: one
         * poll of the handle, which under Wine is a round trip to the server. */
        double start = bench_now();

        for (i = 0; i < batch_size; i++) WaitForSingleObject(batch.events[i], 0);
        bench_figure("wait_poll_cost", (bench_now() - start) * 1e9 / batch_size, 0, -1, "-",
                     "ns/poll");
    }

    chain.file = open_io_file(path);
    raw_chain.file = open_io_file(raw_path);
    if (chain.file == INVALID_HANDLE_VALUE || raw_chain.file == INVALID_HANDLE_VALUE)
        bench_check(0, "io: cannot make the test files: %lu\n", GetLastError());
    else hr = AsyncPoolIoCreateEx(chain.file, pool_environment, ASYNC_POOL_IO_QUEUE_ALL_COMPLETIONS, &chain.io);
    if (chain.file != INVALID_HANDLE_VALUE && raw_chain.file != INVALID_HANDLE_VALUE)
    {
        bench_check(hr == S_OK, "AsyncPoolIoCreateEx: expected S_OK, got %#lx\n", hr);
        raw_chain.tp_io = CreateThreadpoolIo(raw_chain.file, raw_read_done, &raw_chain, pool_environment);
        bench_check(raw_chain.tp_io != NULL, "CreateThreadpoolIo failed: %lu\n", GetLastError());
    }
    if (hr == S_OK && raw_chain.tp_io)
    {
        struct io_pair pair = { &chain, &raw_chain };

        read_round(&pair);
        raw_read_round(&pair);
        bench_measure(&io, rounds, read_round, raw_read_round, &pair);
        bench_report(&io);
    }
    /* The same again, the raw callbacks now also asking the pool for the callback model. */
    raw_asks_model = TRUE;
    {
        struct bench_series post_model = { .name = "primitive_post_vs_raw_asking_model", .unit = "ns/completion" };
        struct bench_series timer_model = { .name = "primitive_timer_vs_raw_asking_model", .unit = "ns/timer" };
        struct bench_series wait_model = { .name = "primitive_wait_vs_raw_asking_model", .unit = "ns/wait" };

        bench_measure(&post_model, rounds, post_round, raw_post_round, &chain);
        bench_report(&post_model);
        bench_measure(&timer_model, rounds, timer_round, raw_timer_round, &batch);
        bench_report(&timer_model);
        bench_measure(&wait_model, rounds, wait_round, raw_wait_round, &batch);
        bench_report(&wait_model);
    }
    raw_asks_model = FALSE;

    if (chain.io) AsyncPoolIoClose(chain.io);
    if (raw_chain.tp_io)
    {
        WaitForThreadpoolIoCallbacks(raw_chain.tp_io, FALSE);
        CloseThreadpoolIo(raw_chain.tp_io);
    }
    if (chain.file != INVALID_HANDLE_VALUE) CloseHandle(chain.file);
    if (raw_chain.file != INVALID_HANDLE_VALUE) CloseHandle(raw_chain.file);
    for (i = 0; i < batch_size; i++) CloseHandle(batch.events[i]);
    free(batch.events);
    CloseHandle(batch.done);
    CloseHandle(chain.done);
    CloseHandle(raw_chain.done);
    report_failures();
    /* Every object the pool served is closed and its callbacks are done. The pool itself is
     * left to the process's exit, which follows: closing it just before exiting races Wine
     * 8.0's process exit (see private_pool_done in tests/completion_probe.c). */
    DestroyThreadpoolEnvironment(&environment);
    pool_environment = NULL;
}

BENCH_PROGRAM(bench_primitives)
