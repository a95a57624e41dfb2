/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The engine's deferral to the Windows thread pool (engine_pool.c), whose helpers the exported
 * completion primitives (async_pool.c) share.
 */
#ifndef WSASYNC_ENGINE_POOL_H
#define WSASYNC_ENGINE_POOL_H

#include "engine.h"

/* The model a callback running on a pool thread may use: long only if the pool says another
 * thread can take its other work meanwhile (WS_CALLBACK_MODEL's rule). */
WS_CALLBACK_MODEL pool_callback_model(PTP_CALLBACK_INSTANCE instance);

/* Calls context->callback(hr, model, context->callbackState) later on a thread of the pool that
 * environment names (NULL: the process's default pool). Returns FALSE, having done nothing, if
 * memory or the pool refused. */
BOOL pool_post(const WS_ASYNC_CONTEXT *context, HRESULT hr, PTP_CALLBACK_ENVIRON environment);

#endif /* WSASYNC_ENGINE_POOL_H */
