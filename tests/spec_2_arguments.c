/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * docs/SPEC.md §2: bad arguments are refused with E_INVALIDARG before anything runs; a NULL operation
 * is nothing to do; a NULL error is allowed.
 */
#include "test.h"

static LONG steps_run, callbacks_run;

static HRESULT CALLBACK counting_step(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                      WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                      WS_ERROR *error)
{
    (void)model; (void)state; (void)next; (void)context; (void)error;
    InterlockedIncrement(&steps_run);
    return hr;
}

static void CALLBACK counting_callback(HRESULT hr, WS_CALLBACK_MODEL model, void *state)
{
    (void)hr; (void)model; (void)state;
    InterlockedIncrement(&callbacks_run);
}

static void reset_counts(void)
{
    steps_run = callbacks_run = 0;
}

static void check_nothing_ran(const char *what)
{
    ok(steps_run == 0, "%s: expected no step to run, %ld ran\n", what, steps_run);
    ok(callbacks_run == 0, "%s: expected no callback, %ld ran\n", what, callbacks_run);
}

TEST(spec_2_async_state_null)
{
    WS_ASYNC_CONTEXT context = { counting_callback, NULL };
    HRESULT hr;

    reset_counts();
    hr = WsAsyncExecute(NULL, counting_step, WS_SHORT_CALLBACK, NULL, NULL, NULL);
    ok(hr == E_INVALIDARG, "synchronous: expected E_INVALIDARG, got %#lx\n", hr);
    hr = WsAsyncExecute(NULL, counting_step, WS_LONG_CALLBACK, NULL, &context, NULL);
    ok(hr == E_INVALIDARG, "asynchronous: expected E_INVALIDARG, got %#lx\n", hr);
    hr = WsAsyncExecute(NULL, NULL, WS_SHORT_CALLBACK, NULL, NULL, NULL);
    ok(hr == E_INVALIDARG, "no operation either: expected E_INVALIDARG, got %#lx\n", hr);
    check_nothing_ran("NULL asyncState");
}

TEST(spec_2_callback_model_invalid)
{
    static const int models[] = { 2, 3, -1, 0x7fffffff, (int)0x80000000 };
    WS_ASYNC_CONTEXT context = { counting_callback, NULL };
    WS_ASYNC_STATE state;
    HRESULT hr;
    unsigned int i;

    reset_counts();
    for (i = 0; i < sizeof(models) / sizeof(models[0]); i++)
    {
        hr = WsAsyncExecute(&state, counting_step, (WS_CALLBACK_MODEL)models[i], NULL, NULL, NULL);
        ok(hr == E_INVALIDARG, "model %d, synchronous: expected E_INVALIDARG, got %#lx\n", models[i], hr);
        hr = WsAsyncExecute(&state, counting_step, (WS_CALLBACK_MODEL)models[i], NULL, &context, NULL);
        ok(hr == E_INVALIDARG, "model %d, asynchronous: expected E_INVALIDARG, got %#lx\n", models[i], hr);
        hr = WsAsyncExecute(&state, NULL, (WS_CALLBACK_MODEL)models[i], NULL, NULL, NULL);
        ok(hr == E_INVALIDARG, "model %d, no operation: expected E_INVALIDARG, got %#lx\n", models[i], hr);
    }
    check_nothing_ran("invalid callbackModel");
}

TEST(spec_2_context_callback_null)
{
    WS_ASYNC_CONTEXT context = { NULL, (void *)0x1234 };
    WS_ASYNC_STATE state;
    HRESULT hr;

    reset_counts();
    hr = WsAsyncExecute(&state, counting_step, WS_SHORT_CALLBACK, NULL, &context, NULL);
    ok(hr == E_INVALIDARG, "expected E_INVALIDARG, got %#lx\n", hr);
    hr = WsAsyncExecute(&state, NULL, WS_SHORT_CALLBACK, NULL, &context, NULL);
    ok(hr == E_INVALIDARG, "no operation: expected E_INVALIDARG, got %#lx\n", hr);
    check_nothing_ran("context with NULL callback");
}

TEST(spec_2_operation_null)
{
    WS_ASYNC_CONTEXT context = { counting_callback, NULL };
    WS_ASYNC_STATE state;
    HRESULT hr;

    reset_counts();
    hr = WsAsyncExecute(&state, NULL, WS_SHORT_CALLBACK, NULL, NULL, NULL);
    ok(hr == S_OK, "synchronous: expected S_OK, got %#lx\n", hr);
    hr = WsAsyncExecute(&state, NULL, WS_LONG_CALLBACK, NULL, &context, NULL);
    ok(hr == S_OK, "asynchronous: expected S_OK, got %#lx\n", hr);
    Sleep(50);  /* a callback wrongly posted to a pool thread would have run by now */
    check_nothing_ran("NULL operation");
}

static WS_ERROR *error_seen;

static HRESULT CALLBACK error_recording_step(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                             WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                             WS_ERROR *error)
{
    (void)model; (void)state; (void)next; (void)context;
    error_seen = error;
    return hr;
}

TEST(spec_2_error_null_allowed)
{
    WS_ASYNC_STATE state;
    HRESULT hr;

    error_seen = (WS_ERROR *)0xdeadbeef;
    hr = WsAsyncExecute(&state, error_recording_step, WS_SHORT_CALLBACK, NULL, NULL, NULL);
    ok(hr == S_OK, "expected S_OK, got %#lx\n", hr);
    ok(error_seen == NULL, "expected the step to see error NULL, saw %p\n", (void *)error_seen);
}
