/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The randomized series harness: generation, the model of docs/SPEC.md §3, the steps, and the checks.
 * See series.h for what a series is.
 *
 * Who touches what: a series belongs to the thread that runs it (series_play) except while
 * WsAsyncExecute, the steps and their inner operations run. Steps of one script run one after
 * the other, each on the thread the engine calls it on; the hand-offs between them (thread
 * start, pool submission, the engine's own continuation) order their accesses. A step that has
 * started an inner operation never touches the series again, since the operation may finish the
 * series and the runner may then reuse it. The runner reuses a series only once the top
 * callback has come and every inner operation has returned (`outstanding` is back to 0); the
 * last thing an inner operation does is that decrement.
 */
#include <stdlib.h>
#include "series.h"
#include "test.h"

#define WAIT_TIMEOUT_MS 60000

/* ok() with the series' seed and index, so that any failure can be replayed. */
#define expect(series, condition, format, ...) \
    ok(condition, "seed=%llu series=%llu: " format, (unsigned long long)(series)->seed, \
       (unsigned long long)(series)->index, __VA_ARGS__)

/* The WsAsyncExecute calls the calling thread is inside of, innermost first: a script's
 * callback must never run on a thread that is still inside that script's WsAsyncExecute. */
struct executing
{
    const struct script *script;
    struct executing *outer;
};
static _Thread_local struct executing *executing_top;

static int executing_here(const struct script *script)
{
    const struct executing *mark;

    for (mark = executing_top; mark; mark = mark->outer)
        if (mark->script == script) return 1;
    return 0;
}

static HRESULT CALLBACK series_step(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                    WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                    WS_ERROR *error);

/* Runs a script's series from its first step, marked as running on this thread meanwhile. */
static HRESULT execute(struct script *script, const WS_ASYNC_CONTEXT *context)
{
    struct executing mark = { script, executing_top };
    HRESULT hr;

    executing_top = &mark;
    hr = WsAsyncExecute(&script->state, series_step, script->model, script, context, script->error);
    executing_top = mark.outer;
    return hr;
}

/* ---- sources of numbers ---- */

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint32_t prng_next(struct series_source *source)
{
    return (uint32_t)(splitmix64(&source->prng) >> 32);
}

/* Series `index` of seed `seed` is the same script whichever thread runs it, in whatever order. */
void series_source_prng(struct series_source *source, uint64_t seed, uint64_t index)
{
    source->next = prng_next;
    source->prng = seed ^ (index * 0xd1342543de82ef95ULL);
    splitmix64(&source->prng);
}

/* One byte per draw; zeros once the bytes run out, which makes the shortest script. */
static uint32_t bytes_next(struct series_source *source)
{
    if (!source->size) return 0;
    source->size--;
    return *source->data++;
}

void series_source_bytes(struct series_source *source, const uint8_t *data, size_t size)
{
    source->next = bytes_next;
    source->data = data;
    source->size = size;
}

static uint32_t draw(struct series_source *source, uint32_t count)
{
    return source->next(source) % count;
}

/* ---- generation ---- */

static HRESULT draw_result(struct series_source *source)
{
    static const HRESULT common[] = { S_OK, S_FALSE, WS_S_END, E_FAIL, E_INVALIDARG,
                                      WS_E_INVALID_OPERATION, E_OUTOFMEMORY, E_ACCESSDENIED };
    uint32_t choice = draw(source, 10), bits = 0;
    int i;

    if (choice < 8) return common[choice];
    for (i = 0; i < 4; i++) bits = bits << 8 | draw(source, 256);
    /* Any code but WS_S_ASYNC, which a step returns only to say it went asynchronous. */
    return (HRESULT)(int32_t)bits == WS_S_ASYNC ? S_OK : (HRESULT)(int32_t)bits;
}

static const enum step_kind sync_kinds[] =
{
    STEP_SYNC, STEP_SYNC, STEP_SYNC, STEP_SYNC_RETURNS_ASYNC, STEP_NESTED
};
static const enum step_kind async_kinds[] =
{
    STEP_SYNC, STEP_SYNC, STEP_POOL, STEP_POOL, STEP_EARLY, STEP_LATE, STEP_REENTRANT,
    STEP_REENTRANT_TWICE, STEP_REENTRANT_REFUSED, STEP_TWO_RESULTS, STEP_NESTED
};

static void generate_script(struct series *series, struct script *script, int async_mode, int depth,
                            struct series_source *source)
{
    int i;

    script->series = series;
    script->async_mode = async_mode;
    script->model = draw(source, 2);
    script->error = draw(source, 3) ? (WS_ERROR *)(uintptr_t)(0x1000 + 16 * draw(source, 256)) : NULL;
    script->count = 1 + draw(source, SERIES_MAX_STEPS);
    for (i = 0; i < script->count; i++)
    {
        struct step *step = &script->steps[i];

        step->kind = async_mode ? async_kinds[draw(source, sizeof(async_kinds) / sizeof(async_kinds[0]))]
                                : sync_kinds[draw(source, sizeof(sync_kinds) / sizeof(sync_kinds[0]))];
        step->result = draw_result(source);
        step->completion_model = draw(source, 2);
        step->delay = draw(source, 64);
        step->refusal = draw(source, STRESS_REFUSAL_KINDS);
        step->nested = NULL;
        if (step->kind == STEP_NESTED)
        {
            if (depth >= SERIES_MAX_DEPTH || series->script_count >= SERIES_MAX_SCRIPTS)
                step->kind = STEP_SYNC;
            else
            {
                step->nested = &series->scripts[series->script_count++];
                /* An asynchronous step may run a nested series either way; a synchronous one
                 * has no context to report a nested asynchronous end through. */
                generate_script(series, step->nested, async_mode && draw(source, 3), depth + 1, source);
            }
        }
    }
}

/* The model of docs/SPEC.md §3 and §5.1-§5.2: what each step sees and how the script ends. */
static void predict(struct script *script)
{
    HRESULT hr = S_OK;
    int model = script->model, async = 0, i;

    for (i = 0; i < script->count; i++)
    {
        struct step *step = &script->steps[i];

        step->hr_expected = hr;
        step->model_expected = model;
        switch (step->kind)
        {
        case STEP_SYNC:
            hr = step->result;
            break;
        case STEP_SYNC_RETURNS_ASYNC:  /* §3.5 */
        case STEP_TWO_RESULTS:         /* the step broke the model: the series goes on */
            hr = WS_E_INVALID_OPERATION;
            break;
        case STEP_POOL:
        case STEP_EARLY:
        case STEP_LATE:                /* §3.6: resumes with the completion's hr and model */
            hr = step->result;
            model = step->completion_model;
            async = 1;
            break;
        case STEP_REENTRANT:
        case STEP_REENTRANT_TWICE:     /* §5.1, §5.2: the pool continues, with the model it allows */
            hr = step->result;
            model = stress_pool_model;
            async = 1;
            break;
        case STEP_REENTRANT_REFUSED:   /* no deferral: goes on inline with what the step gave */
            hr = step->result;
            model = step->completion_model;
            break;
        case STEP_NESTED:
            predict(step->nested);
            hr = step->nested->final_hr;
            if (step->nested->goes_async)
            {
                model = step->nested->final_model;
                async = 1;
            }
            break;
        case STEP_KINDS:
            break;
        }
    }
    script->final_hr = hr;
    script->final_model = model;
    script->goes_async = async;
}

static int draw_bad_model(struct series_source *source)
{
    static const int models[] = { 2, 3, -1, 0x7fffffff, (int)0x80000000 };
    int model;

    if (draw(source, 2)) return models[draw(source, 5)];
    model = (int)(draw(source, 256) << 24 | draw(source, 256) << 16 | draw(source, 256) << 8 | draw(source, 256));
    return model == 0 || model == 1 ? 2 : model;
}

static void reset_script(struct series *series, struct script *script)
{
    int i;

    script->series = series;
    script->steps_started = 0;
    script->callbacks = 0;
    script->callback_hr = 0;
    script->callback_model = -1;
    for (i = 0; i < script->count; i++)
    {
        script->steps[i].script = script;
        script->steps[i].handshake = 0;
        script->steps[i].thread = 0;
        if (script->steps[i].nested)
        {
            script->steps[i].nested->parent = &script->steps[i];
            reset_script(series, script->steps[i].nested);
        }
    }
}

void series_prepare(struct series *series)
{
    series->scripts[0].parent = NULL;
    series->outstanding = 0;
    series->refusals = 0;
    reset_script(series, &series->scripts[0]);
    predict(&series->scripts[0]);
}

void series_generate(struct series *series, struct series_source *source)
{
    uint32_t shape = draw(source, 64);

    series->script_count = 1;
    series->bad_input = shape == 0 ? (enum bad_input)(1 + draw(source, BAD_INPUT_KINDS - 1)) : BAD_INPUT_NONE;
    series->bad_model = series->bad_input == BAD_INPUT_MODEL ? draw_bad_model(source) : 0;
    generate_script(series, &series->scripts[0], shape >= 22 || series->bad_input, 0, source);
    series_prepare(series);
}

/* ---- the steps ---- */

static void wait_for_value(int *value, int wanted)
{
    unsigned int spins = 0;

    while (__atomic_load_n(value, __ATOMIC_ACQUIRE) != wanted)
    {
        if (++spins < 1000) stress_yield();
        else stress_sleep_ms(1);
    }
}

/* The inner operation of STEP_POOL, STEP_EARLY and STEP_LATE, on another thread. */
static void complete_step(struct stress_op *op)
{
    struct step *step = (struct step *)op;
    struct series *series = step->script->series;
    WS_ASYNC_CONTEXT context = step->context;
    HRESULT hr = step->result;
    WS_CALLBACK_MODEL model = step->completion_model;
    enum step_kind kind = step->kind;
    unsigned int i;

    if (kind == STEP_LATE)
        for (i = 0; i < step->delay; i++) stress_yield();
    context.callback(hr, model, context.callbackState);
    if (kind == STEP_EARLY)
    {
        /* Let the step return, and wait until it no longer reads its record. */
        __atomic_store_n(&step->handshake, 1, __ATOMIC_RELEASE);
        wait_for_value(&step->handshake, 2);
    }
    __atomic_sub_fetch(&series->outstanding, 1, __ATOMIC_RELEASE);
}

static void start_operation(struct step *step, const WS_ASYNC_CONTEXT *context)
{
    struct series *series = step->script->series;

    step->context = *context;  /* callees copy the context (§3.6) */
    step->op.run = complete_step;
    __atomic_add_fetch(&series->outstanding, 1, __ATOMIC_RELAXED);
    if (!stress_start(&step->op))
    {
        fprintf(stderr, "seed=%llu series=%llu: no thread for an inner operation\n",
                (unsigned long long)series->seed, (unsigned long long)series->index);
        abort();
    }
}

static void CALLBACK script_done(HRESULT hr, WS_CALLBACK_MODEL model, void *state);

static HRESULT run_nested(struct step *step, const WS_ASYNC_CONTEXT *context)
{
    struct script *inner = step->nested;
    struct series *series = inner->series;
    WS_ASYNC_CONTEXT inner_context = { script_done, inner };
    /* Read now: once the nested series went asynchronous, it may end the whole series. */
    HRESULT expected = inner->goes_async ? WS_S_ASYNC : inner->final_hr, hr;
    unsigned long long seed = series->seed, index = series->index;
    int number = (int)(inner - series->scripts);

    if (context) step->context = *context;
    hr = execute(inner, inner->async_mode ? &inner_context : NULL);
    ok(hr == expected, "seed=%llu series=%llu script %d: expected WsAsyncExecute to return %#lx, got %#lx\n",
       seed, index, number, (long)expected, (long)hr);
    return hr;
}

static int model_matches(int expected, int seen)
{
    if (expected == STRESS_MODEL_ANY) return seen == WS_SHORT_CALLBACK || seen == WS_LONG_CALLBACK;
    return seen == expected;
}

static HRESULT CALLBACK series_step(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                    WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                    WS_ERROR *error)
{
    struct script *script = state;
    struct series *series = script->series;
    int number = (int)(script - series->scripts);
    int index = __atomic_fetch_add(&script->steps_started, 1, __ATOMIC_RELAXED);
    struct step *step;

    if (index >= script->count)
    {
        expect(series, 0, "script %d: step %d ran, the script has %d\n", number, index, script->count);
        return E_UNEXPECTED;
    }
    step = &script->steps[index];
    step->thread = stress_thread_id();
    expect(series, hr == step->hr_expected, "script %d step %d: expected hr %#lx, saw %#lx\n",
           number, index, (long)step->hr_expected, (long)hr);
    expect(series, model_matches(step->model_expected, model), "script %d step %d: expected model %d, saw %d\n",
           number, index, step->model_expected, model);
    expect(series, !context == !script->async_mode, "script %d step %d: expected %s context, saw %p\n",
           number, index, script->async_mode ? "a" : "no", (void *)context);
    expect(series, !context || context->callback != script_done,
           "script %d step %d: expected the engine's own context, saw the caller's\n", number, index);
    expect(series, next->function == NULL, "script %d step %d: expected next->function NULL, saw %p\n",
           number, index, (void *)next->function);
    expect(series, error == script->error, "script %d step %d: expected error %p, saw %p\n",
           number, index, (void *)script->error, (void *)error);

    if (index + 1 < script->count) next->function = series_step;
    switch (step->kind)
    {
    case STEP_SYNC:
        return step->result;
    case STEP_SYNC_RETURNS_ASYNC:
        return WS_S_ASYNC;
    case STEP_POOL:
    case STEP_LATE:
        start_operation(step, context);
        return WS_S_ASYNC;
    case STEP_EARLY:
        start_operation(step, context);
        wait_for_value(&step->handshake, 1);
        __atomic_store_n(&step->handshake, 2, __ATOMIC_RELEASE);
        return WS_S_ASYNC;
    case STEP_REENTRANT:
        context->callback(step->result, step->completion_model, context->callbackState);
        return WS_S_ASYNC;
    case STEP_REENTRANT_TWICE:
        context->callback(step->result, step->completion_model, context->callbackState);
        context->callback(E_UNEXPECTED, !step->completion_model, context->callbackState);
        return WS_S_ASYNC;
    case STEP_REENTRANT_REFUSED:
        context->callback(step->result, step->completion_model, context->callbackState);
        __atomic_add_fetch(&series->refusals, 1, __ATOMIC_RELAXED);
        stress_fail_next(step->refusal);
        return WS_S_ASYNC;
    case STEP_TWO_RESULTS:
        context->callback(step->result, step->completion_model, context->callbackState);
        return step->result;
    case STEP_NESTED:
        return run_nested(step, context);
    case STEP_KINDS:
        break;
    }
    return E_UNEXPECTED;
}

/* A script's callback: for a nested script it completes the step that runs it. */
static void CALLBACK script_done(HRESULT hr, WS_CALLBACK_MODEL model, void *state)
{
    struct script *script = state;
    struct series *series = script->series;
    struct step *parent = script->parent;

    expect(series, !executing_here(script),
           "script %d: its callback ran on the calling thread before WsAsyncExecute returned\n",
           (int)(script - series->scripts));
    script->callback_hr = hr;
    script->callback_model = model;
    __atomic_add_fetch(&script->callbacks, 1, __ATOMIC_RELEASE);
    if (parent)
    {
        WS_ASYNC_CONTEXT context = parent->context;
        context.callback(hr, model, context.callbackState);
        return;
    }
    stress_signal_set(series->done);  /* the last access to the series on this thread */
}

/* ---- running and checking ---- */

static void run_bad_input(struct series *series, struct series_totals *totals)
{
    struct script *top = &series->scripts[0];
    WS_ASYNC_CONTEXT context = { series->bad_input == BAD_INPUT_NULL_CALLBACK ? NULL : script_done, top };
    HRESULT expected = series->bad_input == BAD_INPUT_NULL_OPERATION ? S_OK : E_INVALIDARG, hr;
    WS_CALLBACK_MODEL model = series->bad_input == BAD_INPUT_MODEL ? (WS_CALLBACK_MODEL)series->bad_model
                                                                    : top->model;
    WS_ASYNC_STATE *state = series->bad_input == BAD_INPUT_NULL_STATE ? NULL : &top->state;

    hr = WsAsyncExecute(state, series->bad_input == BAD_INPUT_NULL_OPERATION ? NULL : series_step, model, top,
                        top->async_mode ? &context : NULL, top->error);
    expect(series, hr == expected, "bad input %d: expected %#lx, got %#lx\n", series->bad_input,
           (long)expected, (long)hr);
    expect(series, top->steps_started == 0, "bad input %d: expected no step to run, %d ran\n",
           series->bad_input, top->steps_started);
    expect(series, top->callbacks == 0, "bad input %d: expected no callback, %d came\n",
           series->bad_input, top->callbacks);
    totals->bad_inputs++;
}

static int wait_for_outstanding(struct series *series)
{
    uint64_t start = stress_now_ms();
    unsigned int spins = 0;

    while (__atomic_load_n(&series->outstanding, __ATOMIC_ACQUIRE))
    {
        if (++spins < 1000) stress_yield();
        else if (stress_now_ms() - start > WAIT_TIMEOUT_MS) return 0;
        else stress_sleep_ms(1);
    }
    return 1;
}

static void check_script(struct series *series, struct script *script, struct series_totals *totals)
{
    int number = (int)(script - series->scripts);
    int callbacks = __atomic_load_n(&script->callbacks, __ATOMIC_ACQUIRE);
    int expected = script->goes_async ? 1 : 0;

    expect(series, script->steps_started == script->count, "script %d: expected %d steps to run, %d ran\n",
           number, script->count, script->steps_started);
    expect(series, callbacks == expected, "script %d: expected %d callback(s), %d came\n", number, expected, callbacks);
    if (callbacks < expected) totals->lost++;
    if (callbacks > expected) totals->doubled += callbacks - expected;
    totals->callbacks += callbacks;
    totals->steps += script->steps_started;
    if (number) totals->nested++;
    if (!callbacks) return;
    expect(series, script->callback_hr == script->final_hr, "script %d: expected the callback's hr %#lx, saw %#lx\n",
           number, (long)script->final_hr, (long)script->callback_hr);
    expect(series, model_matches(script->final_model, script->callback_model),
           "script %d: expected the callback's model %d, saw %d\n", number, script->final_model,
           script->callback_model);
}

int series_play(struct series *series, struct series_totals *totals)
{
    struct script *top = &series->scripts[0];
    WS_ASYNC_CONTEXT context = { script_done, top };
    HRESULT expected = top->goes_async ? WS_S_ASYNC : top->final_hr, hr;
    int i;

    totals->series++;
    stress_signal_reset(series->done);
    if (series->bad_input)
    {
        run_bad_input(series, totals);
        return 1;
    }
    if (top->goes_async) totals->async_series++;
    else totals->sync_series++;

    hr = execute(top, top->async_mode ? &context : NULL);
    expect(series, hr == expected, "expected WsAsyncExecute to return %#lx, got %#lx\n", (long)expected, (long)hr);
    if (hr == WS_S_ASYNC && !stress_signal_wait(series->done, WAIT_TIMEOUT_MS))
    {
        expect(series, 0, "no callback after %u ms%s\n", WAIT_TIMEOUT_MS, "");
        totals->lost++;
        return 0;
    }
    if (!wait_for_outstanding(series))
    {
        expect(series, 0, "inner operations still running after %u ms%s\n", WAIT_TIMEOUT_MS, "");
        totals->lost++;
        return 0;
    }
    for (i = 0; i < series->script_count; i++) check_script(series, &series->scripts[i], totals);
    totals->refusals_requested += series->refusals;
    return 1;
}

void series_totals_add(struct series_totals *sum, const struct series_totals *part)
{
    __atomic_add_fetch(&sum->series, part->series, __ATOMIC_RELAXED);
    __atomic_add_fetch(&sum->async_series, part->async_series, __ATOMIC_RELAXED);
    __atomic_add_fetch(&sum->sync_series, part->sync_series, __ATOMIC_RELAXED);
    __atomic_add_fetch(&sum->bad_inputs, part->bad_inputs, __ATOMIC_RELAXED);
    __atomic_add_fetch(&sum->steps, part->steps, __ATOMIC_RELAXED);
    __atomic_add_fetch(&sum->callbacks, part->callbacks, __ATOMIC_RELAXED);
    __atomic_add_fetch(&sum->refusals_requested, part->refusals_requested, __ATOMIC_RELAXED);
    __atomic_add_fetch(&sum->nested, part->nested, __ATOMIC_RELAXED);
    __atomic_add_fetch(&sum->lost, part->lost, __ATOMIC_RELAXED);
    __atomic_add_fetch(&sum->doubled, part->doubled, __ATOMIC_RELAXED);
}
