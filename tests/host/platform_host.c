/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The engine's platform seam (src/engine.h) on a Linux host, so that src/engine.c itself runs
 * under AddressSanitizer, UndefinedBehaviorSanitizer, ThreadSanitizer and libFuzzer. This is a
 * test build, not a port: the step marker is a _Thread_local pointer, and a deferral is a
 * detached pthread that delivers the completion (a thread of its own may run long, hence
 * WS_LONG_CALLBACK). Like the Windows pool's, a deferral needs memory and a thread, and either
 * can fail; host_refuse_next_deferral() makes the next one fail on purpose.
 */
#include <pthread.h>
#include <stdlib.h>
#include "engine.h"
#include "platform_host.h"

static _Thread_local struct step_frame *frame_top_of_thread;
static _Thread_local enum host_refusal refusal;
static long refused;

struct step_frame *frame_top(void)
{
    return frame_top_of_thread;
}

void frame_set_top(struct step_frame *frame)
{
    frame_top_of_thread = frame;
}

void host_refuse_next_deferral(enum host_refusal how)
{
    refusal = how;
}

long host_deferrals_refused(void)
{
    return __atomic_load_n(&refused, __ATOMIC_RELAXED);
}

/* Takes the calling thread's pending refusal if it is `how`. */
static int refuse(enum host_refusal how)
{
    if (refusal != how) return 0;
    refusal = HOST_REFUSE_NONE;
    __atomic_add_fetch(&refused, 1, __ATOMIC_RELAXED);
    return 1;
}

struct deferred_completion
{
    WS_ASYNC_CONTEXT context;
    HRESULT hr;
};

static void *deliver_deferred_completion(void *param)
{
    struct deferred_completion deferred = *(struct deferred_completion *)param;

    free(param);
    deferred.context.callback(deferred.hr, WS_LONG_CALLBACK, deferred.context.callbackState);
    return NULL;
}

BOOL pool_complete(const WS_ASYNC_CONTEXT *context, HRESULT hr)
{
    struct deferred_completion *deferred = refuse(HOST_REFUSE_ALLOCATION) ? NULL : malloc(sizeof(*deferred));
    pthread_attr_t attr;
    pthread_t thread;
    int started;

    if (!deferred) return FALSE;
    deferred->context = *context;
    deferred->hr = hr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    started = !refuse(HOST_REFUSE_THREAD) && !pthread_create(&thread, &attr, deliver_deferred_completion, deferred);
    pthread_attr_destroy(&attr);
    if (started) return TRUE;
    free(deferred);
    return FALSE;
}
