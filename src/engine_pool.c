/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The engine's deferral: completions delivered on the Windows thread pool (pool_complete, the
 * engine.h interface), and the posting the completion primitives share (engine_pool.h).
 */
#include "engine_pool.h"

WS_CALLBACK_MODEL pool_callback_model(PTP_CALLBACK_INSTANCE instance)
{
    return CallbackMayRunLong(instance) ? WS_LONG_CALLBACK : WS_SHORT_CALLBACK;
}

struct posted_completion
{
    WS_ASYNC_CONTEXT context;
    HRESULT hr;
};

static void CALLBACK deliver_posted_completion(PTP_CALLBACK_INSTANCE instance, void *param)
{
    struct posted_completion posted = *(struct posted_completion *)param;

    HeapFree(GetProcessHeap(), 0, param);
    posted.context.callback(posted.hr, pool_callback_model(instance), posted.context.callbackState);
}

/* The pool's own callback object needs memory in any case, and the hr must travel with the
 * context, so a small record is allocated; if either allocation fails nothing was started. */
BOOL pool_post(const WS_ASYNC_CONTEXT *context, HRESULT hr, PTP_CALLBACK_ENVIRON environment)
{
    struct posted_completion *posted = HeapAlloc(GetProcessHeap(), 0, sizeof(*posted));

    if (!posted) return FALSE;
    posted->context = *context;
    posted->hr = hr;
    if (TrySubmitThreadpoolCallback(deliver_posted_completion, posted, environment)) return TRUE;
    HeapFree(GetProcessHeap(), 0, posted);
    return FALSE;
}

BOOL pool_complete(const WS_ASYNC_CONTEXT *context, HRESULT hr)
{
    return pool_post(context, hr, NULL);
}
