/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The pieces the asynchronous-mode conformance tests share (async_steps.c): inner operations on
 * pool threads, the caller's side of a series, scripted steps and an early completion.
 */
#ifndef WSASYNC_ASYNC_STEPS_H
#define WSASYNC_ASYNC_STEPS_H

#include "test.h"

/* An inner operation: calls context->callback(hr, model) later on a pool thread; returns
 * WS_S_ASYNC, or the failure to submit it. */
HRESULT complete_later(const WS_ASYNC_CONTEXT *context, HRESULT hr, WS_CALLBACK_MODEL model);

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

void CALLBACK caller_callback(HRESULT hr, WS_CALLBACK_MODEL model, void *state);
void caller_init(struct caller *caller);
/* caller_expect()'s model where the pool decides it (CallbackMayRunLong): either value is right. */
#define ANY_MODEL ((WS_CALLBACK_MODEL)-1)
/* Waits for the callback, then a little more to catch a second one. */
void caller_expect(struct caller *caller, HRESULT hr, WS_CALLBACK_MODEL model, const char *what);
void caller_free(struct caller *caller);

/* Runs a series in asynchronous mode that must go pending, and checks the one callback that
 * ends it. The state starts scribbled on: whatever the engine needs, it must store itself. */
void expect_pending_series(WS_ASYNC_FUNCTION first, void *step_state, HRESULT final_hr,
                           WS_CALLBACK_MODEL final_model, const char *what);

/* A scripted series: step i completes synchronously or on the pool with its own hr and model,
 * and records what it saw. */
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

HRESULT CALLBACK script_step(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                             WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                             WS_ERROR *error);

/* A step whose operation completes on another thread and ends the whole series, the caller's
 * callback included, before the step returns WS_S_ASYNC. */
struct early
{
    WS_ASYNC_CONTEXT context;  /* the engine's, copied by the step */
    HRESULT hr;                /* what the operation completes with */
    HANDLE delivered;
};

HRESULT CALLBACK early_step(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                            WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                            WS_ERROR *error);

#endif /* WSASYNC_ASYNC_STEPS_H */
