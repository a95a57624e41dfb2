/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal interface between the WsAsyncExecute engine (engine.c) and the platform beneath it:
 * a per-thread marker of the steps running on a thread, and a way to finish a completion on a
 * thread-pool thread. On Windows these are platform_win32.c and engine_pool.c.
 */
#ifndef WSASYNC_ENGINE_H
#define WSASYNC_ENGINE_H

#include "wsasync.h"

/* A thread's record of the operation whose steps it is running (defined in engine.c). */
struct step_frame;

/* The innermost step_frame of the calling thread, or NULL. Preserves the last-error value. */
struct step_frame *frame_top(void);
/* Makes frame the calling thread's innermost step_frame. */
void frame_set_top(struct step_frame *frame);

/* Calls context->callback(hr, model, context->callbackState) later on a thread-pool thread, with
 * the model the pool allows there. Returns FALSE, having done nothing, if the pool refused. */
BOOL pool_complete(const WS_ASYNC_CONTEXT *context, HRESULT hr);

/* engine.c is also Wine's dlls/webservices/async.c (wine/make-patch.sh), where these are Wine's
 * debug channel macros. Here they print nothing and evaluate nothing. */
#define TRACE(...) do { } while (0)
#define WARN(...) do { } while (0)

#endif /* WSASYNC_ENGINE_H */
