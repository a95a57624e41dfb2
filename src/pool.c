/*
 * Completions delivered on the Windows thread pool.
 */
#include "engine.h"

/* The model a callback running on a pool thread may use: long only if the pool says another
 * thread can take its other work meanwhile (WS_CALLBACK_MODEL's rule). */
static WS_CALLBACK_MODEL pool_callback_model(PTP_CALLBACK_INSTANCE instance)
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
BOOL pool_complete(const WS_ASYNC_CONTEXT *context, HRESULT hr)
{
    struct posted_completion *posted = HeapAlloc(GetProcessHeap(), 0, sizeof(*posted));

    if (!posted) return FALSE;
    posted->context = *context;
    posted->hr = hr;
    if (TrySubmitThreadpoolCallback(deliver_posted_completion, posted, NULL)) return TRUE;
    HeapFree(GetProcessHeap(), 0, posted);
    return FALSE;
}
