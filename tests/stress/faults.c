/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fault injection into the engine's deferral (docs/SPEC.md §5.1): when a step's operation calls back on
 * the step's own thread, the engine hands the rest of the series to the pool; if the pool
 * refuses (no memory for the record, or the submission fails), the series goes on inline on
 * that thread with the completion's hr and model. No HRESULT reports the refusal, because none
 * is needed: the completion is delivered once, just not on a pool thread. These scripts pin
 * that down; the randomized test mixes the same faults into its series.
 */
#include <stdlib.h>
#include "series.h"
#include "test.h"

struct step_spec
{
    enum step_kind kind;
    HRESULT result;
    WS_CALLBACK_MODEL completion_model;
    enum stress_refusal refusal;
};

static struct series *build_series(int async_mode, WS_CALLBACK_MODEL model, const struct step_spec *specs, int count)
{
    struct series *series = calloc(1, sizeof(*series));
    struct script *top;
    int i;

    if (!series) return NULL;
    if (!(series->done = stress_signal_create()))
    {
        free(series);
        return NULL;
    }
    series->script_count = 1;
    top = &series->scripts[0];
    top->async_mode = async_mode;
    top->model = model;
    top->count = count;
    for (i = 0; i < count; i++)
    {
        top->steps[i].kind = specs[i].kind;
        top->steps[i].result = specs[i].result;
        top->steps[i].completion_model = specs[i].completion_model;
        top->steps[i].refusal = specs[i].refusal;
    }
    series_prepare(series);
    return series;
}

static void free_series(struct series *series)
{
    stress_signal_destroy(series->done);
    free(series);
}

/* Runs the series and checks it against the model and against the outcome the test states. */
static void run_faulty_series(struct series *series, int goes_async, HRESULT final_hr, int final_model)
{
    struct series_totals totals = { 0 };
    struct script *top = &series->scripts[0];
    long refused = stress_faults_injected();

    ok(top->goes_async == goes_async, "expected the model to predict %s, it predicts %s\n",
       goes_async ? "an asynchronous end" : "a synchronous end", top->goes_async ? "asynchronous" : "synchronous");
    ok(top->final_hr == final_hr, "expected the model to predict hr %#lx, it predicts %#lx\n",
       (long)final_hr, (long)top->final_hr);
    ok(top->final_model == final_model, "expected the model to predict model %d, it predicts %d\n",
       final_model, top->final_model);
    ok(series_play(series, &totals), "expected the series to end\n");
    refused = stress_faults_injected() - refused;
    ok(refused == series->refusals, "expected %ld deferral(s) refused, %ld were\n", series->refusals, refused);
    ok(totals.lost == 0 && totals.doubled == 0, "expected no lost or doubled callback, %lld lost, %lld doubled\n",
       totals.lost, totals.doubled);
}

static void refused_first_step(enum stress_refusal how)
{
    static const struct step_spec steps[] =
    {
        { STEP_REENTRANT_REFUSED, E_FAIL, WS_LONG_CALLBACK, 0 },
        { STEP_SYNC, S_FALSE, WS_SHORT_CALLBACK, 0 },
    };
    struct series *series = build_series(1, WS_SHORT_CALLBACK, steps, 2);
    struct step *first, *second;

    if (!series) { ok(0, "expected memory for a series\n"); return; }
    series->scripts[0].steps[0].refusal = how;
    /* Nothing went to another thread: WsAsyncExecute returns the end itself, no callback. */
    run_faulty_series(series, 0, S_FALSE, WS_LONG_CALLBACK);
    first = &series->scripts[0].steps[0];
    second = &series->scripts[0].steps[1];
    ok(second->thread == first->thread, "expected the series to go on on thread %#lx, it went on on %#lx\n",
       (unsigned long)first->thread, (unsigned long)second->thread);
    free_series(series);
}

TEST(fault_deferral_allocation_refused)
{
    ok(stress_platform_init(), "expected the fault-injection hooks to be installed\n");
    refused_first_step(STRESS_REFUSE_ALLOCATION);
}

TEST(fault_deferral_submission_refused)
{
    ok(stress_platform_init(), "expected the fault-injection hooks to be installed\n");
    refused_first_step(STRESS_REFUSE_SUBMISSION);
}

/* After a real asynchronous hop the end still comes through the callback, exactly once, with
 * the hr and model the refused completion carried on. */
TEST(fault_deferral_refused_after_async)
{
    static const struct step_spec steps[] =
    {
        { STEP_POOL, S_OK, WS_LONG_CALLBACK, 0 },
        { STEP_REENTRANT_REFUSED, E_ACCESSDENIED, WS_SHORT_CALLBACK, STRESS_REFUSE_SUBMISSION },
        { STEP_REENTRANT_REFUSED, WS_S_END, WS_LONG_CALLBACK, STRESS_REFUSE_ALLOCATION },
    };
    struct series *series;

    ok(stress_platform_init(), "expected the fault-injection hooks to be installed\n");
    if (!(series = build_series(1, WS_SHORT_CALLBACK, steps, 3))) { ok(0, "expected memory for a series\n"); return; }
    run_faulty_series(series, 1, WS_S_END, WS_LONG_CALLBACK);
    free_series(series);
}

/* A refusal for the last step: the series ends inline with the completion's hr. */
TEST(fault_deferral_refused_last_step)
{
    static const struct step_spec steps[] =
    {
        { STEP_SYNC, E_FAIL, WS_SHORT_CALLBACK, 0 },
        { STEP_REENTRANT_REFUSED, E_OUTOFMEMORY, WS_SHORT_CALLBACK, STRESS_REFUSE_ALLOCATION },
    };
    struct series *series;

    ok(stress_platform_init(), "expected the fault-injection hooks to be installed\n");
    if (!(series = build_series(1, WS_LONG_CALLBACK, steps, 2))) { ok(0, "expected memory for a series\n"); return; }
    run_faulty_series(series, 0, E_OUTOFMEMORY, WS_SHORT_CALLBACK);
    free_series(series);
}
