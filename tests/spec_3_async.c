/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * docs/SPEC.md §3 in asynchronous mode (a WS_ASYNC_CONTEXT given): what every step receives
 * (§3.4), completions on pool threads, early or late (§3.6), the end of a series (§3.7) and the
 * caller's context (§3.8). A test of §3 that passes no context goes in spec_3_sync.c.
 */
#include "async_steps.h"
#include <stdlib.h>

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

/* ---- §3.6: steps that complete synchronously, on the pool, or before they return */

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

/* ---- §3.7 and §3.8: the end of a series, and the caller's context */

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
