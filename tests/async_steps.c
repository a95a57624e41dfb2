/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the asynchronous-mode conformance tests (spec_3_async.c, spec_4_state.c, spec_5_engine.c)
 * share: an inner operation that completes later on a pool thread, the caller's side of a series,
 * scripted steps, and a step whose operation ends the whole series before the step returns.
 * The inner operations are plain thread-pool work items (TrySubmitThreadpoolCallback) that
 * report a model chosen by the test, so that the model the engine passes on can be checked.
 */
#include "async_steps.h"
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

HRESULT complete_later(const WS_ASYNC_CONTEXT *context, HRESULT hr, WS_CALLBACK_MODEL model)
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

void CALLBACK caller_callback(HRESULT hr, WS_CALLBACK_MODEL model, void *state)
{
    struct caller *caller = state;

    caller->hr = hr;
    caller->model = model;
    caller->state = state;
    caller->thread = GetCurrentThreadId();
    InterlockedIncrement(&caller->calls);
    SetEvent(caller->done);
}

void caller_init(struct caller *caller)
{
    memset(caller, 0, sizeof(*caller));
    caller->done = CreateEventW(NULL, FALSE, FALSE, NULL);
}

/* Waits for the callback, then a little more to catch a second one. */
void caller_expect(struct caller *caller, HRESULT hr, WS_CALLBACK_MODEL model, const char *what)
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

void caller_free(struct caller *caller)
{
    CloseHandle(caller->done);
}

/* Runs a series in asynchronous mode that must go pending, and checks the one callback that
 * ends it. The state starts scribbled on: whatever the engine needs, it must store itself. */
void expect_pending_series(WS_ASYNC_FUNCTION first, void *step_state, HRESULT final_hr,
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

HRESULT CALLBACK script_step(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
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

static DWORD WINAPI complete_now(void *param)
{
    struct early *early = param;

    early->context.callback(early->hr, WS_LONG_CALLBACK, early->context.callbackState);
    SetEvent(early->delivered);
    return 0;
}

HRESULT CALLBACK early_step(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
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
