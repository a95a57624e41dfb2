/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * docs/SPEC.md §3 in synchronous mode (no WS_ASYNC_CONTEXT): what every step sees and what the
 * series returns (§3.1-§3.3, §3.5). A test of §3 that passes a context goes in spec_3_async.c.
 * Like spec_2_arguments.c, it calls nothing of Windows but WsAsyncExecute, so it also builds on
 * the Linux host (tests/host).
 */
#include "test.h"

#define MAX_STEPS 8

/* A series of steps: step i returns results[i] and, unless it is the last, chains step i+1. */
struct sync_script
{
    int count;
    HRESULT results[MAX_STEPS];
    /* what step i saw */
    int calls;
    HRESULT hr_seen[MAX_STEPS];
    WS_CALLBACK_MODEL model_seen[MAX_STEPS];
    const WS_ASYNC_CONTEXT *context_seen[MAX_STEPS];
    WS_ASYNC_FUNCTION next_seen[MAX_STEPS];
    WS_ERROR *error_seen[MAX_STEPS];
};

static HRESULT CALLBACK script_step(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                    WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                    WS_ERROR *error)
{
    struct sync_script *script = state;
    int i = script->calls++;

    if (i >= MAX_STEPS) return E_UNEXPECTED;
    script->hr_seen[i] = hr;
    script->model_seen[i] = model;
    script->context_seen[i] = context;
    script->next_seen[i] = next->function;
    script->error_seen[i] = error;
    if (i + 1 < script->count) next->function = script_step;
    return script->results[i];
}

static void run_script(struct sync_script *script, WS_CALLBACK_MODEL model, WS_ERROR *error,
                       HRESULT expected)
{
    WS_ASYNC_STATE state;
    HRESULT hr;
    int i;

    memset(&state, 0xcc, sizeof(state));  /* the engine must clear `next` itself */
    hr = WsAsyncExecute(&state, script_step, model, script, NULL, error);
    ok(hr == expected, "expected the series to return %#lx, got %#lx\n", expected, hr);
    ok(script->calls == script->count, "expected %d steps to run, %d ran\n", script->count, script->calls);
    for (i = 0; i < script->calls && i < script->count; i++)
    {
        HRESULT hr_expected = i ? script->results[i - 1] : S_OK;
        ok(script->hr_seen[i] == hr_expected, "step %d: expected hr %#lx, saw %#lx\n", i, hr_expected, script->hr_seen[i]);
        ok(script->model_seen[i] == model, "step %d: expected model %d, saw %d\n", i, model, script->model_seen[i]);
        ok(script->context_seen[i] == NULL, "step %d: expected a NULL context, saw %p\n", i, (void *)script->context_seen[i]);
        ok(script->next_seen[i] == NULL, "step %d: expected next->function NULL on entry, saw %p\n", i, (void *)script->next_seen[i]);
        ok(script->error_seen[i] == error, "step %d: expected error %p, saw %p\n", i, (void *)error, (void *)script->error_seen[i]);
    }
}

TEST(spec_3_1_first_step_sees_s_ok_and_model)
{
    struct sync_script script = { .count = 1, .results = { S_OK } };
    struct sync_script long_script = { .count = 1, .results = { S_OK } };

    run_script(&script, WS_SHORT_CALLBACK, NULL, S_OK);
    run_script(&long_script, WS_LONG_CALLBACK, NULL, S_OK);
}

TEST(spec_3_3_results_pass_unchanged)
{
    struct sync_script script = { .count = 6, .results = { S_FALSE, WS_S_END, E_FAIL, WS_E_INVALID_OPERATION, E_OUTOFMEMORY, S_FALSE } };

    run_script(&script, WS_LONG_CALLBACK, (WS_ERROR *)0x5678, S_FALSE);
}

TEST(spec_3_2_failure_does_not_stop_the_series)
{
    struct sync_script script = { .count = 3, .results = { E_FAIL, S_OK, E_ACCESSDENIED } };

    run_script(&script, WS_SHORT_CALLBACK, NULL, E_ACCESSDENIED);
}

TEST(spec_3_5_sync_step_returning_async)
{
    struct sync_script script = { .count = 3, .results = { WS_S_ASYNC, S_OK, WS_S_ASYNC } };

    /* step 1 must see WS_E_INVALID_OPERATION, and so must the caller at the end */
    script.results[0] = WS_S_ASYNC;
    {
        WS_ASYNC_STATE state;
        HRESULT hr = WsAsyncExecute(&state, script_step, WS_SHORT_CALLBACK, &script, NULL, NULL);
        ok(hr == WS_E_INVALID_OPERATION, "expected WS_E_INVALID_OPERATION, got %#lx\n", hr);
        ok(script.calls == 3, "expected 3 steps, %d ran\n", script.calls);
        ok(script.hr_seen[1] == WS_E_INVALID_OPERATION, "step 1: expected hr WS_E_INVALID_OPERATION, saw %#lx\n", script.hr_seen[1]);
        ok(script.hr_seen[2] == S_OK, "step 2: expected hr S_OK, saw %#lx\n", script.hr_seen[2]);
    }
}
