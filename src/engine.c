/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * WsAsyncExecute: runs a series of WS_ASYNC_FUNCTION steps as one operation that is either
 * synchronous (no WS_ASYNC_CONTEXT) or asynchronous (the caller's callback reports the end).
 *
 * Everything below the #include line is also Wine's dlls/webservices/async.c, byte for byte:
 * wine/make-patch.sh puts it into wine/patches, and wine/build.sh refuses a patch whose copy
 * differs. So the body keeps Wine's style (spaces inside call parentheses, TRACE, no C++
 * comments) and names only what engine.h declares (frame_top, frame_set_top, pool_complete).
 */
#include "engine.h"

/*
 * All of an operation's state lives in the caller's WS_ASYNC_STATE and on the stack: nothing
 * here allocates. The one exception is a completion that arrives while the step that started it
 * is still running on the same thread; see run_steps().
 */

/* What the caller's WS_ASYNC_STATE holds while an operation runs. */
struct async_state
{
    WS_ASYNC_OPERATION next;     /* the function to run next; handed to every step as next */
    void *step_state;            /* WsAsyncExecute's callbackState, passed to every step */
    WS_ERROR *error;             /* passed to every step, whatever it is */
    WS_ASYNC_CALLBACK callback;  /* the caller's WS_ASYNC_CONTEXT, copied on entry */
    void *callback_state;
};

C_ASSERT( sizeof(struct async_state) == sizeof(WS_ASYNC_STATE) );
C_ASSERT( FIELD_OFFSET(struct async_state, next) == 0 );

/* Lives on the stack of a thread running steps of an operation in asynchronous mode, linked into
 * that thread's list (frame_top). Only its own thread reads or writes it, so it needs no locks.
 * When the operation a step started calls back on this thread before the step has returned, the
 * completion is recorded here rather than run on top of the step. */
struct step_frame
{
    struct async_state *state;
    struct step_frame *outer;
    BOOL completed;              /* the running step's operation has already called back */
    HRESULT hr;                  /* ... with this result */
    WS_CALLBACK_MODEL model;     /* ... and this model */
    WS_ASYNC_FUNCTION next;      /* the next function the step had set before that */
};

static struct step_frame *find_frame( const struct async_state *state )
{
    struct step_frame *frame;

    for (frame = frame_top(); frame; frame = frame->outer)
        if (frame->state == state) return frame;
    return NULL;
}

/* Takes the place of the next function when a step's operation has called back re-entrantly.
 * It only runs if the step then returned a result instead of WS_S_ASYNC: the step has given two
 * results, which breaks the model. The series goes on once, with WS_E_INVALID_OPERATION, from
 * the function the step had set. Checking in the loop instead would cost every step a test. */
static HRESULT CALLBACK step_gave_two_results( HRESULT hr, WS_CALLBACK_MODEL model, void *step_state,
                                              WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                              WS_ERROR *error )
{
    struct step_frame *frame = find_frame( (struct async_state *)next );

    WARN( "step returned %#lx after its operation had called back\n", hr );
    frame->completed = FALSE;
    next->function = frame->next;
    return WS_E_INVALID_OPERATION;
}

static void record_reentrant_completion( struct step_frame *frame, HRESULT hr, WS_CALLBACK_MODEL model )
{
    if (frame->completed) return;  /* an operation that calls back twice: keep the first */
    frame->completed = TRUE;
    frame->hr = hr;
    frame->model = model;
    frame->next = frame->state->next.function;
    frame->state->next.function = step_gave_two_results;
}

/*
 * Runs the series from state->next.function, starting with *hr and *model, until it ends
 * (returns TRUE with the final *hr and *model) or a step's operation is pending (returns FALSE).
 * context is NULL in synchronous mode.
 *
 * Ownership: the thread in here owns the state until a step returns WS_S_ASYNC; from then on the
 * completion owns it (it may already be running on another thread) and this thread must not
 * touch it again, which is why step_state and error are kept in locals.
 */
static BOOL run_steps( struct async_state *state, const WS_ASYNC_CONTEXT *context,
                       HRESULT *hr, WS_CALLBACK_MODEL *model )
{
    WS_ASYNC_FUNCTION function = state->next.function;
    void *step_state = state->step_state;
    WS_ERROR *error = state->error;
    HRESULT result = *hr;
    WS_CALLBACK_MODEL callback_model = *model;
    struct step_frame frame = { state, NULL, FALSE, S_OK, WS_SHORT_CALLBACK, NULL };
    BOOL ended = TRUE;

    /* The marker is set once per run, not per step: synchronous steps pay nothing for it. */
    if (context)
    {
        frame.outer = frame_top();
        frame_set_top( &frame );
    }

    while (function)
    {
        state->next.function = NULL;
        result = function( result, callback_model, step_state, &state->next, context, error );
        if (result == WS_S_ASYNC)
        {
            if (!context)
            {
                /* No context, so no callback can ever come: the step broke the model. */
                WARN( "step %p returned WS_S_ASYNC without a context\n", function );
                result = WS_E_INVALID_OPERATION;
            }
            else if (!frame.completed)
            {
                ended = FALSE;  /* pending: the state now belongs to the completion */
                break;
            }
            else
            {
                /* The operation called back on this thread before the step returned. Running
                 * the rest here would grow the stack and could end the series on the caller's
                 * thread before WsAsyncExecute returned, so the thread pool continues it. That
                 * needs memory; if there is none, the series simply goes on here, as if the
                 * step had completed synchronously: nothing is lost or doubled. */
                frame.completed = FALSE;
                state->next.function = frame.next;
                if (pool_complete( context, frame.hr ))
                {
                    ended = FALSE;
                    break;
                }
                result = frame.hr;
                callback_model = frame.model;
            }
        }
        function = state->next.function;
    }

    if (context) frame_set_top( frame.outer );
    *hr = result;
    *model = callback_model;
    return ended;
}

/* The callback of the context every step receives in asynchronous mode: a step's operation has
 * completed, so the series resumes here, on the completion's thread, with its hr and model. */
static void CALLBACK step_completed( HRESULT hr, WS_CALLBACK_MODEL model, void *context )
{
    struct async_state *state = context;
    WS_ASYNC_CONTEXT own_context = { step_completed, state };
    struct step_frame *frame = find_frame( state );
    WS_ASYNC_CALLBACK callback;
    void *callback_state;

    TRACE( "%#lx %u %p\n", hr, model, context );

    if (frame)
    {
        record_reentrant_completion( frame, hr, model );
        return;
    }
    if (!run_steps( state, &own_context, &hr, &model )) return;

    /* The series has ended. The state is the caller's again as soon as its callback runs: it
     * may free or reuse it, so read what is needed first and never touch the state after. */
    callback = state->callback;
    callback_state = state->callback_state;
    TRACE( "calling %p with %#lx %u %p\n", callback, hr, model, callback_state );
    callback( hr, model, callback_state );
}

/**************************************************************************
 *          WsAsyncExecute		[webservices.@]
 */
HRESULT WINAPI WsAsyncExecute( WS_ASYNC_STATE *asyncState, WS_ASYNC_FUNCTION operation,
                               WS_CALLBACK_MODEL callbackModel, void *callbackState,
                               const WS_ASYNC_CONTEXT *asyncContext, WS_ERROR *error )
{
    struct async_state *state = (struct async_state *)asyncState;
    WS_ASYNC_CONTEXT own_context = { step_completed, state };
    HRESULT hr = S_OK;

    TRACE( "%p %p %u %p %p %p\n", asyncState, operation, callbackModel, callbackState,
           asyncContext, error );

    if (!state) return E_INVALIDARG;
    if (callbackModel != WS_SHORT_CALLBACK && callbackModel != WS_LONG_CALLBACK) return E_INVALIDARG;
    if (asyncContext && !asyncContext->callback) return E_INVALIDARG;
    if (!operation) return S_OK;

    state->next.function = operation;
    state->step_state = callbackState;
    state->error = error;
    if (!asyncContext) run_steps( state, NULL, &hr, &callbackModel );
    else
    {
        /* Copied now: the caller's context may be gone once this returns. */
        state->callback = asyncContext->callback;
        state->callback_state = asyncContext->callbackState;
        if (!run_steps( state, &own_context, &hr, &callbackModel )) hr = WS_S_ASYNC;
    }

    TRACE( "returning %#lx\n", hr );
    return hr;
}
