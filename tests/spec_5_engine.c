/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * docs/SPEC.md §5.1 and §5.2: the engine hands a series to the thread pool when a completion
 * arrives on a thread still inside one of its steps. The pool refusing that hand-over is
 * tests/stress/faults.c; the primitives of §5.3 are tests/completion_*.c.
 */
#include "async_steps.h"

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
