/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Randomized series of steps run through WsAsyncExecute and checked against a model of docs/SPEC.md §3.
 *
 * A series is a script: a list of steps, each of a kind (a synchronous result, an inner
 * operation completing on another thread before, around or after the step returns, a
 * completion arriving re-entrantly on the step's own thread, protocol violations, a nested
 * WsAsyncExecute...). series_predict() computes from the script alone what every step must see,
 * what WsAsyncExecute must return and how many callbacks with which hr and model must follow;
 * series_play() runs the script against the DLL (or the host build of the engine) and reports
 * every difference through ok(). Scripts come from a seeded generator or from fuzzer bytes.
 */
#ifndef WSASYNC_SERIES_H
#define WSASYNC_SERIES_H

#include <stdint.h>
#include "wsasync.h"
#include "stress_platform.h"

#define SERIES_MAX_STEPS 8
#define SERIES_MAX_SCRIPTS 4  /* the top script and the scripts nested in its steps */
#define SERIES_MAX_DEPTH 2

enum step_kind
{
    STEP_SYNC,              /* returns its result */
    STEP_SYNC_RETURNS_ASYNC,/* synchronous mode: returns WS_S_ASYNC although it has no context */
    STEP_POOL,              /* starts an operation on another thread and returns WS_S_ASYNC */
    STEP_EARLY,             /* ... that has completed (and run the rest) before the step returns */
    STEP_LATE,              /* ... that waits a while before completing */
    STEP_REENTRANT,         /* calls back on its own thread, then returns WS_S_ASYNC */
    STEP_REENTRANT_TWICE,   /* calls back twice on its own thread, then returns WS_S_ASYNC */
    STEP_REENTRANT_REFUSED, /* calls back on its own thread; the engine's deferral then fails */
    STEP_TWO_RESULTS,       /* calls back on its own thread, then returns a result as well */
    STEP_NESTED,            /* runs a nested script through WsAsyncExecute */
    STEP_KINDS
};

/* Wrong arguments a series may be started with instead of running its script (docs/SPEC.md §2). */
enum bad_input
{
    BAD_INPUT_NONE,
    BAD_INPUT_NULL_STATE,
    BAD_INPUT_MODEL,
    BAD_INPUT_NULL_CALLBACK,
    BAD_INPUT_NULL_OPERATION,
    BAD_INPUT_KINDS
};

struct script;

struct step
{
    struct stress_op op;          /* the inner operation the step starts, if any */
    struct script *script;
    enum step_kind kind;
    HRESULT result;               /* what it returns, or what its operation completes with */
    WS_CALLBACK_MODEL completion_model;
    unsigned int delay;           /* yields before a late completion */
    enum stress_refusal refusal;
    struct script *nested;
    WS_ASYNC_CONTEXT context;     /* a copy of the context the step received */
    int handshake;                /* STEP_EARLY: 1 = completion has returned, 2 = step released */
    /* predicted */
    HRESULT hr_expected;
    int model_expected;
    /* seen */
    uintptr_t thread;             /* the thread the step ran on */
};

struct script
{
    struct series *series;
    struct step *parent;          /* the STEP_NESTED step running this script, or NULL */
    int count;
    struct step steps[SERIES_MAX_STEPS];
    int async_mode;
    WS_CALLBACK_MODEL model;
    WS_ERROR *error;
    WS_ASYNC_STATE state;
    /* predicted */
    int goes_async;
    HRESULT final_hr;
    int final_model;
    /* seen */
    int steps_started;
    int callbacks;
    HRESULT callback_hr;
    int callback_model;
};

struct series
{
    uint64_t seed;
    uint64_t index;
    enum bad_input bad_input;
    int bad_model;
    int script_count;
    struct script scripts[SERIES_MAX_SCRIPTS];
    int outstanding;              /* inner operations started and not yet finished */
    struct stress_signal *done;   /* set by the top script's callback */
    long refusals;                /* faults the steps asked for */
};

/* What a run of many series did, summed over threads. */
struct series_totals
{
    long long series, async_series, sync_series, bad_inputs, steps, callbacks;
    long long refusals_requested, nested;
    long long lost, doubled;
};

/* A source of numbers for the generator: a seeded PRNG or the fuzzer's bytes. */
struct series_source
{
    uint32_t (*next)(struct series_source *source);
    uint64_t prng;
    const uint8_t *data;
    size_t size;
};

void series_source_prng(struct series_source *source, uint64_t seed, uint64_t index);
void series_source_bytes(struct series_source *source, const uint8_t *data, size_t size);

/* Fills the series from the source, with the model's predictions. series->done must be set. */
void series_generate(struct series *series, struct series_source *source);
/* Links the scripts of a series filled by hand (top script and its steps' kinds, results,
 * models, refusals) and predicts its outcome, as series_generate() does. */
void series_prepare(struct series *series);
/* Runs the series, waits for it to end, checks it; adds what happened to totals. Returns 0 if
 * the series could not end (a lost callback): its memory may still be in use, so stop. */
int series_play(struct series *series, struct series_totals *totals);
void series_totals_add(struct series_totals *sum, const struct series_totals *part);

#endif /* WSASYNC_SERIES_H */
