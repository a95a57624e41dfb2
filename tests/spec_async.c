/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * docs/SPEC.md §3.4, §3.6-§3.8, §4 and §5.1 in asynchronous mode: series whose steps complete
 * on pool threads, early, re-entrantly or not at all asynchronously; the caller's context, state
 * reuse, nesting, many threads.
 * The inner operations here are plain thread-pool work items (TrySubmitThreadpoolCallback) that
 * report a model chosen by the test, so that the model the engine passes on can be checked.
 */
#include "test.h"
#include <stdlib.h>

/* An inner operation: calls context->callback(hr, model) later on a pool thread. */
struct completion
{
    WS_ASYNC_CONTEXT context;
    HRESULT hr;
    WS_CALLBACK_MODEL model;
};

static void CALLBACK deliver(PTP_CALLBACK_INSTANCE instance, void *param)
{
    struct completion completion = *(struct completion *)param;

    (void)instance;
    free(param);
    completion.context.callback(completion.hr, completion.model, completion.context.callbackState);
}

static HRESULT complete_later(const WS_ASYNC_CONTEXT *context, HRESULT hr, WS_CALLBACK_MODEL model)
{
    struct completion *completion = malloc(sizeof(*completion));

    if (!completion) return E_OUTOFMEMORY;
    completion->context = *context;  /* the engine's context is valid only during the step */
    completion->hr = hr;
    completion->model = model;
    if (TrySubmitThreadpoolCallback(deliver, completion, NULL)) return WS_S_ASYNC;
    free(completion);
    return HRESULT_FROM_WIN32(GetLastError());
}

/* The caller's side: what its callback saw, and an event to wait for it. */
struct caller
{
    LONG calls;
    HRESULT hr;
    WS_CALLBACK_MODEL model;
    void *state;
    DWORD thread;
    HANDLE done;
};

static void CALLBACK caller_callback(HRESULT hr, WS_CALLBACK_MODEL model, void *state)
{
    struct caller *caller = state;

    caller->hr = hr;
    caller->model = model;
    caller->state = state;
    caller->thread = GetCurrentThreadId();
    InterlockedIncrement(&caller->calls);
    SetEvent(caller->done);
}

static void caller_init(struct caller *caller)
{
    memset(caller, 0, sizeof(*caller));
    caller->done = CreateEventW(NULL, FALSE, FALSE, NULL);
}

/* caller_expect()'s model where the pool decides it (CallbackMayRunLong): either value is right. */
#define ANY_MODEL ((WS_CALLBACK_MODEL)-1)

/* Waits for the callback, then a little more to catch a second one. */
static void caller_expect(struct caller *caller, HRESULT hr, WS_CALLBACK_MODEL model, const char *what)
{
    DWORD waited = WaitForSingleObject(caller->done, 60000);

    ok(waited == WAIT_OBJECT_0, "%s: expected the caller's callback, none came\n", what);
    Sleep(20);
    ok(caller->calls == 1, "%s: expected one callback, got %ld\n", what, caller->calls);
    ok(caller->hr == hr, "%s: expected final hr %#lx, got %#lx\n", what, hr, caller->hr);
    if (model == ANY_MODEL)
        ok(caller->model == WS_SHORT_CALLBACK || caller->model == WS_LONG_CALLBACK,
           "%s: expected model 0 or 1, got %d\n", what, caller->model);
    else
        ok(caller->model == model, "%s: expected model %d, got %d\n", what, model, caller->model);
    ok(caller->state == caller, "%s: expected the caller's state %p, got %p\n", what, (void *)caller, caller->state);
}

static void caller_free(struct caller *caller)
{
    CloseHandle(caller->done);
}

/* Runs a series in asynchronous mode that must go pending, and checks the one callback that
 * ends it. The state starts scribbled on: whatever the engine needs, it must store itself. */
static void expect_pending_series(WS_ASYNC_FUNCTION first, void *step_state, HRESULT final_hr,
                                  WS_CALLBACK_MODEL final_model, const char *what)
{
    struct caller caller;
    WS_ASYNC_CONTEXT context = { caller_callback, &caller };
    WS_ASYNC_STATE state;
    HRESULT hr;

    caller_init(&caller);
    memset(&state, 0xcc, sizeof(state));
    hr = WsAsyncExecute(&state, first, WS_SHORT_CALLBACK, step_state, &context, NULL);
    ok(hr == WS_S_ASYNC, "%s: expected WS_S_ASYNC, got %#lx\n", what, hr);
    caller_expect(&caller, final_hr, final_model, what);
    caller_free(&caller);
}

/* ---- scripted series: step i completes synchronously or on the pool with its own hr/model */

#define MAX_STEPS 4

struct script
{
    int count;
    BOOL async[MAX_STEPS];
    HRESULT results[MAX_STEPS];
    WS_CALLBACK_MODEL models[MAX_STEPS];
    int calls;
    HRESULT hr_seen[MAX_STEPS];
    WS_CALLBACK_MODEL model_seen[MAX_STEPS];
    BOOL context_given[MAX_STEPS];
};

static HRESULT CALLBACK script_step(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                    WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                    WS_ERROR *error)
{
    struct script *script = state;
    int i = script->calls++;

    (void)error;
    if (i >= MAX_STEPS) return E_UNEXPECTED;
    script->hr_seen[i] = hr;
    script->model_seen[i] = model;
    script->context_given[i] = context != NULL;
    if (i + 1 < script->count) next->function = script_step;
    if (script->async[i]) return complete_later(context, script->results[i], script->models[i]);
    return script->results[i];
}

TEST(spec_3_6_async_mode_all_steps_synchronous)
{
    struct script script = { .count = 3, .results = { S_FALSE, E_FAIL, WS_S_END } };
    struct caller caller;
    WS_ASYNC_CONTEXT context;
    WS_ASYNC_STATE state;
    HRESULT hr;
    int i;

    caller_init(&caller);
    context.callback = caller_callback;
    context.callbackState = &caller;
    hr = WsAsyncExecute(&state, script_step, WS_LONG_CALLBACK, &script, &context, NULL);
    ok(hr == WS_S_END, "expected the last result WS_S_END, got %#lx\n", hr);
    ok(script.calls == 3, "expected 3 steps, %d ran\n", script.calls);
    for (i = 0; i < 3; i++)
    {
        ok(script.context_given[i], "step %d: expected a context in asynchronous mode\n", i);
        ok(script.model_seen[i] == WS_LONG_CALLBACK, "step %d: expected model 1, saw %d\n", i, script.model_seen[i]);
    }
    Sleep(50);
    ok(caller.calls == 0, "expected no callback when nothing went asynchronous, got %ld\n", caller.calls);
    caller_free(&caller);
}

/* Every pattern of three steps, each synchronous or asynchronous with a short or long model. */
TEST(spec_3_6_every_mix_of_sync_and_async_steps)
{
    static const HRESULT results[3] = { S_FALSE, E_ACCESSDENIED, WS_S_END };
    int pattern;

    for (pattern = 0; pattern < 27; pattern++)
    {
        struct script script = { .count = 3 };
        struct caller caller;
        WS_ASYNC_CONTEXT context = { caller_callback, &caller };
        WS_ASYNC_STATE state;
        WS_CALLBACK_MODEL last_model = WS_SHORT_CALLBACK, model = WS_SHORT_CALLBACK;
        BOOL any_async = FALSE;
        char what[64];
        HRESULT hr;
        int i, kind = pattern;

        for (i = 0; i < 3; i++, kind /= 3)
        {
            script.async[i] = kind % 3 != 0;
            script.models[i] = kind % 3 == 2 ? WS_LONG_CALLBACK : WS_SHORT_CALLBACK;
            script.results[i] = results[i];
        }
        caller_init(&caller);
        sprintf(what, "pattern %d", pattern);
        hr = WsAsyncExecute(&state, script_step, WS_SHORT_CALLBACK, &script, &context, NULL);
        for (i = 0; i < 3; i++)
        {
            if (script.async[i]) { any_async = TRUE; last_model = script.models[i]; }
        }
        if (!any_async)
        {
            ok(hr == WS_S_END, "%s: expected WS_S_END, got %#lx\n", what, hr);
            ok(caller.calls == 0, "%s: expected no callback, got %ld\n", what, caller.calls);
        }
        else
        {
            ok(hr == WS_S_ASYNC, "%s: expected WS_S_ASYNC, got %#lx\n", what, hr);
            caller_expect(&caller, WS_S_END, last_model, what);
        }
        ok(script.calls == 3, "%s: expected 3 steps, %d ran\n", what, script.calls);
        for (i = 0; i < 3 && i < script.calls; i++)
        {
            HRESULT expected = i ? results[i - 1] : S_OK;
            ok(script.hr_seen[i] == expected, "%s step %d: expected hr %#lx, saw %#lx\n", what, i, expected, script.hr_seen[i]);
            ok(script.model_seen[i] == model, "%s step %d: expected model %d, saw %d\n", what, i, model, script.model_seen[i]);
            if (script.async[i]) model = script.models[i];
        }
        caller_free(&caller);
    }
}

TEST(spec_3_7_last_step_async_without_next)
{
    struct script script = { .count = 1, .async = { TRUE }, .results = { E_ABORT }, .models = { WS_LONG_CALLBACK } };

    expect_pending_series(script_step, &script, E_ABORT, WS_LONG_CALLBACK, "last step asynchronous");
}

TEST(spec_3_8_caller_context_overwritten_after_return)
{
    struct script script = { .count = 2, .async = { TRUE, FALSE }, .results = { S_OK, S_FALSE } };
    struct caller caller;
    WS_ASYNC_CONTEXT *context = malloc(sizeof(*context));
    WS_ASYNC_STATE state;
    HRESULT hr;

    caller_init(&caller);
    memset(&state, 0xcc, sizeof(state));  /* whatever the engine needs, it must store itself */
    context->callback = caller_callback;
    context->callbackState = &caller;
    hr = WsAsyncExecute(&state, script_step, WS_SHORT_CALLBACK, &script, context, NULL);
    memset(context, 0xcc, sizeof(*context));  /* gone, as far as the engine knows */
    free(context);
    ok(hr == WS_S_ASYNC, "expected WS_S_ASYNC, got %#lx\n", hr);
    caller_expect(&caller, S_FALSE, WS_SHORT_CALLBACK, "context overwritten");
    caller_free(&caller);
}

/* ---- a completion that arrives on another thread before the step has returned */

struct early
{
    WS_ASYNC_CONTEXT context;  /* the engine's, copied by the step */
    HRESULT hr;                /* what the operation completes with */
    HANDLE delivered;
};

static DWORD WINAPI complete_now(void *param)
{
    struct early *early = param;

    early->context.callback(early->hr, WS_LONG_CALLBACK, early->context.callbackState);
    SetEvent(early->delivered);
    return 0;
}

static HRESULT CALLBACK early_step(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                   WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                   WS_ERROR *error)
{
    struct early *early = state;
    HANDLE thread;

    (void)hr; (void)model; (void)error; (void)next;
    early->context = *context;
    thread = CreateThread(NULL, 0, complete_now, early, 0, NULL);
    if (!thread) return HRESULT_FROM_WIN32(GetLastError());
    /* The whole series, the caller's callback included, ends before this step returns. */
    WaitForSingleObject(early->delivered, INFINITE);
    CloseHandle(thread);
    return WS_S_ASYNC;
}

TEST(spec_3_6_completion_before_step_returns)
{
    struct early early;
    struct caller caller;
    WS_ASYNC_CONTEXT context = { caller_callback, &caller };
    WS_ASYNC_STATE state;
    HRESULT hr;

    caller_init(&caller);
    early.hr = E_PENDING;
    early.delivered = CreateEventW(NULL, TRUE, FALSE, NULL);
    hr = WsAsyncExecute(&state, early_step, WS_SHORT_CALLBACK, &early, &context, NULL);
    ok(hr == WS_S_ASYNC, "expected WS_S_ASYNC, got %#lx\n", hr);
    caller_expect(&caller, E_PENDING, WS_LONG_CALLBACK, "early completion");
    ok(caller.thread != GetCurrentThreadId(), "expected the callback on the completing thread\n");
    CloseHandle(early.delivered);
    caller_free(&caller);
}

/* ---- long series: the stack does not grow with the number of steps (§4.4) */

struct counter
{
    LONG remaining;
    BOOL alternate;  /* every other step completes on the pool */
    LONG async_steps;
};

static HRESULT CALLBACK counting_step(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                      WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                      WS_ERROR *error)
{
    struct counter *counter = state;

    (void)model; (void)error;
    if (hr != S_OK) return hr;
    if (--counter->remaining > 0) next->function = counting_step;
    if (context && counter->alternate && (counter->remaining & 1))
    {
        counter->async_steps++;
        return complete_later(context, S_OK, WS_SHORT_CALLBACK);
    }
    return S_OK;
}

TEST(spec_4_million_synchronous_steps_both_modes)
{
    struct counter counter = { .remaining = 1000000 };
    struct caller caller;
    WS_ASYNC_CONTEXT context = { caller_callback, &caller };
    WS_ASYNC_STATE state;
    HRESULT hr;

    hr = WsAsyncExecute(&state, counting_step, WS_SHORT_CALLBACK, &counter, NULL, NULL);
    ok(hr == S_OK, "synchronous mode: expected S_OK, got %#lx\n", hr);
    ok(counter.remaining == 0, "synchronous mode: expected every step to run, %ld left\n", counter.remaining);

    caller_init(&caller);
    counter.remaining = 1000000;
    hr = WsAsyncExecute(&state, counting_step, WS_SHORT_CALLBACK, &counter, &context, NULL);
    ok(hr == S_OK, "asynchronous mode: expected S_OK, got %#lx\n", hr);
    ok(counter.remaining == 0, "asynchronous mode: expected every step to run, %ld left\n", counter.remaining);
    ok(caller.calls == 0, "asynchronous mode: expected no callback, got %ld\n", caller.calls);
    caller_free(&caller);
}

TEST(spec_4_long_alternating_series)
{
    struct counter counter = { .remaining = 200000, .alternate = TRUE };

    expect_pending_series(counting_step, &counter, S_OK, WS_SHORT_CALLBACK, "alternating series");
    ok(counter.remaining == 0, "expected every step to run, %ld left\n", counter.remaining);
    ok(counter.async_steps == 100000, "expected 100000 pool completions, got %ld\n", counter.async_steps);
}

/* ---- the state reused from inside the caller's callback (§4.3) */

struct reuse
{
    WS_ASYNC_STATE state;
    WS_ASYNC_CONTEXT context;
    LONG runs;
    LONG failures;
    HANDLE done;
};

static HRESULT CALLBACK async_once(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                   WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                   WS_ERROR *error)
{
    (void)hr; (void)model; (void)state; (void)next; (void)error;
    return complete_later(context, S_OK, WS_LONG_CALLBACK);
}

static void CALLBACK reuse_callback(HRESULT hr, WS_CALLBACK_MODEL model, void *param)
{
    struct reuse *reuse = param;

    (void)model;
    if (hr != S_OK) reuse->failures++;
    if (++reuse->runs == 1000)
    {
        SetEvent(reuse->done);
        return;
    }
    /* The engine no longer touches the state: start the next operation on it right here. */
    hr = WsAsyncExecute(&reuse->state, async_once, WS_LONG_CALLBACK, NULL, &reuse->context, NULL);
    if (hr != WS_S_ASYNC)
    {
        reuse->failures++;
        SetEvent(reuse->done);
    }
}

TEST(spec_4_state_reused_from_callback)
{
    struct reuse *reuse = calloc(1, sizeof(*reuse));
    HRESULT hr;

    reuse->context.callback = reuse_callback;
    reuse->context.callbackState = reuse;
    reuse->done = CreateEventW(NULL, TRUE, FALSE, NULL);
    hr = WsAsyncExecute(&reuse->state, async_once, WS_LONG_CALLBACK, NULL, &reuse->context, NULL);
    ok(hr == WS_S_ASYNC, "expected WS_S_ASYNC, got %#lx\n", hr);
    ok(WaitForSingleObject(reuse->done, 120000) == WAIT_OBJECT_0, "expected 1000 runs, %ld ended\n", reuse->runs);
    ok(reuse->runs == 1000, "expected 1000 runs, got %ld\n", reuse->runs);
    ok(reuse->failures == 0, "expected no failure, got %ld\n", reuse->failures);
    CloseHandle(reuse->done);
    free(reuse);
}

/* ---- nesting: a step runs another WsAsyncExecute with the context it was given */

struct nested
{
    WS_ASYNC_STATE inner_state;
    struct script inner;
};

static HRESULT CALLBACK outer_step(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                   WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                   WS_ERROR *error)
{
    struct nested *nested = state;

    (void)hr; (void)next;
    return WsAsyncExecute(&nested->inner_state, script_step, model, &nested->inner, context, error);
}

TEST(spec_4_nested_series)
{
    struct nested nested = { .inner = { .count = 2, .async = { FALSE, TRUE }, .results = { S_FALSE, E_OUTOFMEMORY },
                                        .models = { WS_SHORT_CALLBACK, WS_LONG_CALLBACK } } };

    expect_pending_series(outer_step, &nested, E_OUTOFMEMORY, WS_LONG_CALLBACK, "nested series");
    ok(nested.inner.calls == 2, "expected the inner series' 2 steps, %d ran\n", nested.inner.calls);
    ok(nested.inner.hr_seen[1] == S_FALSE, "inner step 1: expected S_FALSE, saw %#lx\n", nested.inner.hr_seen[1]);
}

/* ---- §5.1: an inner operation that calls back on the same thread before returning */

struct reentrant
{
    int steps;
    DWORD calling_thread;
    volatile LONG returned;     /* WsAsyncExecute has returned to the test */
    LONG callback_too_early;    /* the caller's callback ran on the caller's thread before that */
};

static HRESULT CALLBACK reentrant_step(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                       WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                       WS_ERROR *error)
{
    struct reentrant *reentrant = state;

    (void)model; (void)error;
    if (++reentrant->steps < 3) next->function = reentrant_step;
    if (reentrant->steps == 1) return hr;  /* first step synchronous */
    /* Breaks the model's rule: calls back on this thread, then says WS_S_ASYNC. */
    context->callback(reentrant->steps == 3 ? E_NOTIMPL : S_OK, WS_LONG_CALLBACK, context->callbackState);
    return WS_S_ASYNC;
}

static struct reentrant *current_reentrant;

static void CALLBACK reentrant_callback(HRESULT hr, WS_CALLBACK_MODEL model, void *state)
{
    struct caller *caller = state;

    if (GetCurrentThreadId() == current_reentrant->calling_thread && !current_reentrant->returned)
        current_reentrant->callback_too_early++;
    caller_callback(hr, model, caller);
}

TEST(spec_5_reentrant_completion_goes_to_the_pool)
{
    struct reentrant reentrant = { .calling_thread = GetCurrentThreadId() };
    struct caller caller;
    WS_ASYNC_CONTEXT context = { reentrant_callback, &caller };
    WS_ASYNC_STATE state;
    HRESULT hr;

    current_reentrant = &reentrant;
    caller_init(&caller);
    hr = WsAsyncExecute(&state, reentrant_step, WS_SHORT_CALLBACK, &reentrant, &context, NULL);
    reentrant.returned = 1;
    ok(hr == WS_S_ASYNC, "expected WS_S_ASYNC, got %#lx\n", hr);
    /* The model comes from CallbackMayRunLong on the pool thread: either is allowed here. */
    caller_expect(&caller, E_NOTIMPL, ANY_MODEL, "re-entrant completions");
    ok(reentrant.steps == 3, "expected 3 steps, %d ran\n", reentrant.steps);
    ok(reentrant.callback_too_early == 0, "the caller's callback ran on its thread before WsAsyncExecute returned\n");
    ok(caller.thread != reentrant.calling_thread, "expected the callback on a pool thread, it ran on the caller's\n");
    caller_free(&caller);
}

/* ---- §3.4: the caller's callbackState and error reach every step, on every thread */

struct passed_on
{
    int calls;
    void *state_seen[4];
    WS_ERROR *error_seen[4];
};

static HRESULT CALLBACK passed_on_step(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                       WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                       WS_ERROR *error)
{
    struct passed_on *passed_on = state;
    int i = passed_on->calls++;

    (void)hr; (void)model;
    if (i >= 4) return E_UNEXPECTED;
    passed_on->state_seen[i] = state;
    passed_on->error_seen[i] = error;
    if (i < 3) next->function = passed_on_step;
    /* steps 1 and 3 complete on a pool thread, so steps 2 and the callback run there */
    if (context && (i & 1)) return complete_later(context, S_OK, WS_SHORT_CALLBACK);
    return S_OK;
}

TEST(spec_3_4_state_and_error_reach_every_step)
{
    WS_ERROR *const error = (WS_ERROR *)0x5a5a5a50;  /* opaque to the engine: never looked at */
    struct passed_on synchronous = { 0 }, asynchronous = { 0 };
    struct caller caller;
    WS_ASYNC_CONTEXT context = { caller_callback, &caller };
    WS_ASYNC_STATE state;
    HRESULT hr;
    int i;

    hr = WsAsyncExecute(&state, passed_on_step, WS_SHORT_CALLBACK, &synchronous, NULL, error);
    ok(hr == S_OK, "synchronous: expected S_OK, got %#lx\n", hr);
    caller_init(&caller);
    hr = WsAsyncExecute(&state, passed_on_step, WS_SHORT_CALLBACK, &asynchronous, &context, error);
    ok(hr == WS_S_ASYNC, "asynchronous: expected WS_S_ASYNC, got %#lx\n", hr);
    caller_expect(&caller, S_OK, WS_SHORT_CALLBACK, "asynchronous");
    caller_free(&caller);
    ok(synchronous.calls == 4, "synchronous: expected 4 steps, %d ran\n", synchronous.calls);
    ok(asynchronous.calls == 4, "asynchronous: expected 4 steps, %d ran\n", asynchronous.calls);
    for (i = 0; i < 4; i++)
    {
        ok(synchronous.state_seen[i] == &synchronous, "synchronous step %d: expected state %p, saw %p\n",
           i, (void *)&synchronous, synchronous.state_seen[i]);
        ok(synchronous.error_seen[i] == error, "synchronous step %d: expected error %p, saw %p\n",
           i, (void *)error, (void *)synchronous.error_seen[i]);
        ok(asynchronous.state_seen[i] == &asynchronous, "asynchronous step %d: expected state %p, saw %p\n",
           i, (void *)&asynchronous, asynchronous.state_seen[i]);
        ok(asynchronous.error_seen[i] == error, "asynchronous step %d: expected error %p, saw %p\n",
           i, (void *)error, (void *)asynchronous.error_seen[i]);
    }
}

/* ---- §4.2 and §4.3: once the series is over, the engine keeps off the state
 *
 * The WS_ASYNC_STATE has a page of its own. The step's operation completes on another thread
 * and ends the whole series before the step returns WS_S_ASYNC; the caller's callback then
 * decommits the page. An engine that read or wrote the state afterwards, on the completing
 * thread after the callback (§4.3) or on the step's thread after WS_S_ASYNC (§4.2), faults and
 * the test dies with it. */

struct released
{
    WS_ASYNC_STATE *state;
    struct early step;  /* completes the series from another thread before returning */
    LONG callbacks;
    HRESULT hr;
    BOOL decommitted;
};

static void CALLBACK release_state(HRESULT hr, WS_CALLBACK_MODEL model, void *param)
{
    struct released *released = param;

    (void)model;
    released->hr = hr;
    InterlockedIncrement(&released->callbacks);
    released->decommitted = VirtualFree(released->state, sizeof(*released->state), MEM_DECOMMIT);
}

TEST(spec_4_2_state_untouched_once_the_series_has_ended)
{
    struct released released = { 0 };
    WS_ASYNC_CONTEXT context = { release_state, &released };
    HRESULT hr;

    released.state = VirtualAlloc(NULL, sizeof(*released.state), MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    released.step.hr = S_FALSE;
    released.step.delivered = CreateEventW(NULL, TRUE, FALSE, NULL);
    ok(released.state != NULL, "VirtualAlloc failed: %lu\n", GetLastError());
    if (!released.state) return;
    hr = WsAsyncExecute(released.state, early_step, WS_SHORT_CALLBACK, &released.step, &context, NULL);
    ok(hr == WS_S_ASYNC, "expected WS_S_ASYNC, got %#lx\n", hr);
    ok(released.callbacks == 1, "expected the callback before WsAsyncExecute returned, got %ld calls\n",
       released.callbacks);
    ok(released.hr == S_FALSE, "expected final hr S_FALSE, got %#lx\n", released.hr);
    ok(released.decommitted, "expected the callback to decommit the state's page\n");
    VirtualFree(released.state, 0, MEM_RELEASE);
    CloseHandle(released.step.delivered);
}

/* ---- §4.5: series on distinct states from many threads at once */

#define CONCURRENT_THREADS 8
#define SERIES_PER_THREAD 50

static DWORD WINAPI run_many_series(void *param)
{
    LONG *failures = param;
    int i;

    for (i = 0; i < SERIES_PER_THREAD; i++)
    {
        struct counter counter = { .remaining = 20, .alternate = TRUE };
        char what[64];

        sprintf(what, "thread %lu series %d", GetCurrentThreadId(), i);
        expect_pending_series(counting_step, &counter, S_OK, WS_SHORT_CALLBACK, what);
        if (counter.remaining || counter.async_steps != 10) InterlockedIncrement(failures);
    }
    return 0;
}

TEST(spec_4_5_distinct_states_on_many_threads)
{
    HANDLE threads[CONCURRENT_THREADS];
    LONG failures = 0;
    int i, started = 0;

    for (i = 0; i < CONCURRENT_THREADS; i++)
        if ((threads[started] = CreateThread(NULL, 0, run_many_series, &failures, 0, NULL))) started++;
    ok(started == CONCURRENT_THREADS, "expected %d threads, started %d\n", CONCURRENT_THREADS, started);
    for (i = 0; i < started; i++)
    {
        ok(WaitForSingleObject(threads[i], 300000) == WAIT_OBJECT_0, "thread %d: expected it to end\n", i);
        CloseHandle(threads[i]);
    }
    ok(failures == 0, "expected every series to run its 20 steps, 10 on the pool; %ld did not\n", failures);
}
