/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The randomized differential test: many threads run random series (series.c) through
 * WsAsyncExecute and compare everything with the model. A short run is a CTest test; the same
 * test with a large WSASYNC_SERIES is the soak (ci/soak.sh).
 *
 * Environment: WSASYNC_SEED (replays a run; printed at start), WSASYNC_SERIES (how many),
 * WSASYNC_FIRST (index of the first series, to replay one: WSASYNC_FIRST=k WSASYNC_SERIES=1),
 * WSASYNC_THREADS (default 8), WSASYNC_PROGRESS (print a line every that many series),
 * WSASYNC_SECONDS (stop taking new series after that long; 0: no limit).
 *
 * The CI run is 20,000 series or 20 seconds, whichever ends first, so that it stays short on a
 * slow machine (32-bit Wine emulated on a 64-bit host takes minutes for what x64 does in
 * seconds); it prints how many ran. The soak sets no time limit and must run them all.
 */
#include <stdlib.h>
#include <time.h>
#include "series.h"
#include "test.h"

/* The CI run: a few seconds per arch under Wine, more on the host's sanitizer builds. */
#define CI_SERIES 20000
#define CI_THREADS 8
#define CI_SECONDS 20

struct differential_run
{
    uint64_t seed, first, end, progress;
    uint64_t next;          /* the next series index to take (atomic) */
    int stopped;            /* a series could not end: stop (atomic) */
    uint64_t start_ms, deadline_ms;  /* deadline 0: none */
    struct series_totals totals;
};

static uint64_t env_number(const char *name, uint64_t fallback)
{
    const char *value = getenv(name);

    return value && *value ? strtoull(value, NULL, 0) : fallback;
}

static void run_worker(void *arg, int index)
{
    struct differential_run *run = arg;
    struct series *series = calloc(1, sizeof(*series));
    struct series_totals mine = { 0 };
    struct series_source source;
    uint64_t k;

    (void)index;
    if (!series || !(series->done = stress_signal_create()))
    {
        ok(0, "expected memory for a series, got none\n");
        free(series);
        return;
    }
    while (!__atomic_load_n(&run->stopped, __ATOMIC_RELAXED) &&
           (k = __atomic_fetch_add(&run->next, 1, __ATOMIC_RELAXED)) < run->end)
    {
        if (run->deadline_ms && stress_now_ms() >= run->deadline_ms) break;
        series_source_prng(&source, run->seed, k);
        series->seed = run->seed;
        series->index = k;
        series_generate(series, &source);
        if (!series_play(series, &mine))
        {
            /* Its memory may still be in use by a stuck operation: leave it allocated. */
            __atomic_store_n(&run->stopped, 1, __ATOMIC_RELAXED);
            series_totals_add(&run->totals, &mine);
            return;
        }
        if (run->progress && (k + 1 - run->first) % run->progress == 0)
            printf("progress: %llu series, %llu s\n", (unsigned long long)(k + 1 - run->first),
                   (unsigned long long)((stress_now_ms() - run->start_ms) / 1000));
    }
    series_totals_add(&run->totals, &mine);
    stress_signal_destroy(series->done);
    free(series);
}

TEST(differential_random)
{
    struct differential_run run = { 0 };
    uint64_t count = env_number("WSASYNC_SERIES", CI_SERIES);
    int threads = (int)env_number("WSASYNC_THREADS", CI_THREADS);
    long refused_before = stress_faults_injected(), refused;
    uint64_t elapsed, seconds = env_number("WSASYNC_SECONDS", CI_SECONDS);

    ok(stress_platform_init(), "expected the fault-injection hooks to be installed\n");
    run.seed = env_number("WSASYNC_SEED", (uint64_t)time(NULL) * 2654435761u ^ (uint64_t)(uintptr_t)&run);
    run.first = env_number("WSASYNC_FIRST", 0);
    run.end = run.first + count;
    run.next = run.first;
    run.progress = env_number("WSASYNC_PROGRESS", 0);
    printf("seed=%llu first=%llu series=%llu threads=%d seconds=%llu\n", (unsigned long long)run.seed,
           (unsigned long long)run.first, (unsigned long long)count, threads, (unsigned long long)seconds);
    run.start_ms = stress_now_ms();
    run.deadline_ms = seconds ? run.start_ms + seconds * 1000 : 0;
    ok(stress_run_threads(threads, run_worker, &run), "expected %d threads to start\n", threads);
    elapsed = stress_now_ms() - run.start_ms;
    refused = stress_faults_injected() - refused_before;

    printf("series=%lld async=%lld sync=%lld bad_inputs=%lld nested=%lld steps=%lld callbacks=%lld "
           "faults_requested=%lld faults_injected=%ld lost=%lld doubled=%lld threads=%d ms=%llu\n",
           run.totals.series, run.totals.async_series, run.totals.sync_series, run.totals.bad_inputs,
           run.totals.nested, run.totals.steps, run.totals.callbacks, run.totals.refusals_requested,
           refused, run.totals.lost, run.totals.doubled, threads, (unsigned long long)elapsed);
    if (run.deadline_ms && run.totals.series < (long long)count)
        printf("time limit of %llu s reached after %lld of %llu series\n", (unsigned long long)seconds,
               run.totals.series, (unsigned long long)count);
    else
        ok(run.totals.series == (long long)count, "seed=%llu: expected %llu series to run, %lld ran\n",
           (unsigned long long)run.seed, (unsigned long long)count, run.totals.series);
    ok(run.totals.series > 0, "seed=%llu: expected series to run, none did\n", (unsigned long long)run.seed);
    ok(run.totals.lost == 0, "seed=%llu: expected no lost callback, %lld lost\n",
       (unsigned long long)run.seed, run.totals.lost);
    ok(run.totals.doubled == 0, "seed=%llu: expected no doubled callback, %lld doubled\n",
       (unsigned long long)run.seed, run.totals.doubled);
    ok(refused == run.totals.refusals_requested, "seed=%llu: expected %lld deferrals refused, %ld were\n",
       (unsigned long long)run.seed, run.totals.refusals_requested, refused);
}
