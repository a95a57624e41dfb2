/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The thread-pool helpers shared by the engine's own completions (pool.c) and the exported
 * completion primitives (completion.c).
 */
#ifndef WSASYNC_POOL_H
#define WSASYNC_POOL_H

#include "engine.h"

/* The model a callback running on a pool thread may use: long only if the pool says another
 * thread can take its other work meanwhile (WS_CALLBACK_MODEL's rule). */
WS_CALLBACK_MODEL pool_callback_model(PTP_CALLBACK_INSTANCE instance);

/* Calls context->callback(hr, model, context->callbackState) later on a thread of the pool that
 * environment names (NULL: the process's default pool). Returns FALSE, having done nothing, if
 * memory or the pool refused. */
BOOL pool_post(const WS_ASYNC_CONTEXT *context, HRESULT hr, PTP_CALLBACK_ENVIRON environment);

#endif /* WSASYNC_POOL_H */
