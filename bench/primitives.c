/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The completion engine's primitives against the raw thread-pool calls each wraps, with the
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
    hr = AsyncPoolPost(S_OK, &context, NULL);
    if (hr != WS_S_ASYNC) bench_check(0, "post: expected WS_S_ASYNC, got %#lx\n", hr);
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
    if (!TrySubmitThreadpoolCallback(raw_post_next, chain, NULL)) bench_check(0, "raw post refused\n");
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
        HRESULT hr = AsyncPoolTimer(1, &done, NULL);
        if (hr != WS_S_ASYNC) bench_check(0, "timer: expected WS_S_ASYNC, got %#lx\n", hr);
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
        PTP_TIMER timer = CreateThreadpoolTimer(raw_timer_fired, batch, NULL);
        if (!timer)
        {
            bench_check(0, "CreateThreadpoolTimer failed\n");
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
        HRESULT hr = AsyncPoolWait(batch->events[i], INFINITE, &done, NULL);
        if (hr != WS_S_ASYNC) bench_check(0, "wait: expected WS_S_ASYNC, got %#lx\n", hr);
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
        PTP_WAIT wait = CreateThreadpoolWait(raw_wait_ended, batch, NULL);
        if (!wait)
        {
            bench_check(0, "CreateThreadpoolWait failed\n");
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
    if (hr != WS_S_ASYNC) bench_check(0, "read: expected WS_S_ASYNC, got %#lx\n", hr);
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
        CancelThreadpoolIo(chain->tp_io);
        bench_check(0, "raw read failed: %lu\n", GetLastError());
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

void bench_primitives(const struct bench_options *options)
{
    static struct chain chain, raw_chain;
    struct bench_series post = { .name = "primitive_post", .unit = "ns/completion", .target = 1.1 };
    struct bench_series timer = { .name = "primitive_timer", .unit = "ns/timer", .target = 1.1 };
    struct bench_series wait = { .name = "primitive_wait", .unit = "ns/wait", .target = 1.1 };
    struct bench_series io = { .name = "primitive_io_read", .unit = "ns/read", .target = 1.1 };
    struct batch batch = { 0 };
    int rounds = bench_rounds(options, 9);
    WCHAR path[MAX_PATH], raw_path[MAX_PATH];
    HRESULT hr;
    LONG i;

    post_hops = options->smoke ? 2000 : 20000;
    io_reads = options->smoke ? 500 : 5000;
    batch_size = options->smoke ? 200 : 2000;

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
    {
        bench_check(0, "io: cannot make the test files: %lu\n", GetLastError());
        return;
    }
    hr = AsyncPoolIoCreateEx(chain.file, NULL, ASYNC_POOL_IO_QUEUE_ALL_COMPLETIONS, &chain.io);
    bench_check(hr == S_OK, "AsyncPoolIoCreateEx: expected S_OK, got %#lx\n", hr);
    raw_chain.tp_io = CreateThreadpoolIo(raw_chain.file, raw_read_done, &raw_chain, NULL);
    bench_check(raw_chain.tp_io != NULL, "CreateThreadpoolIo failed: %lu\n", GetLastError());
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
    CloseHandle(chain.file);
    CloseHandle(raw_chain.file);
    for (i = 0; i < batch_size; i++) CloseHandle(batch.events[i]);
    free(batch.events);
    CloseHandle(batch.done);
    CloseHandle(chain.done);
    CloseHandle(raw_chain.done);
}

BENCH_PROGRAM(bench_primitives)
