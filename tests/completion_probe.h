/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Test support for the completion primitives: a probe is a WS_ASYNC_CONTEXT whose callback
 * records what it was called with (and how often) and signals an event.
 */
#ifndef WSASYNC_COMPLETION_PROBE_H
#define WSASYNC_COMPLETION_PROBE_H

#include "test.h"

struct probe
{
    WS_ASYNC_CONTEXT context;
    HANDLE called;               /* manual-reset, set by the first call */
    LONG calls;
    HRESULT hr;
    WS_CALLBACK_MODEL model;
    DWORD thread;                /* the thread the callback ran on */
    void (*also)(struct probe *probe);  /* optional: run inside the callback */
    void *user;
};

void probe_init(struct probe *probe);
void probe_free(struct probe *probe);
/* Waits up to timeout_ms for the callback; TRUE if it came. */
BOOL probe_wait(struct probe *probe, DWORD timeout_ms);
/* Checks that an operation that returned hr completes exactly once with expected: through the
 * callback (on another thread) when hr is WS_S_ASYNC, otherwise as hr itself with no callback. */
void probe_expect(struct probe *probe, HRESULT hr, HRESULT expected, const char *what);
/* Checks that a refused call returned expected and never calls back. */
void probe_expect_refused(struct probe *probe, HRESULT hr, HRESULT expected, const char *what);

/* A private pool of at most max_threads threads and the environment that names it. */
struct private_pool
{
    PTP_POOL pool;
    TP_CALLBACK_ENVIRON environment;
};
void private_pool_init(struct private_pool *pool, DWORD max_threads);
void private_pool_done(struct private_pool *pool);


/* A WsAsyncExecute series of `count` steps, each starting one operation with start(arg,
 * context); one more step then ends the series with the result of the last operation. Each
 * result is recorded in results[] (up to OP_SERIES_MAX). */
#define OP_SERIES_MAX 16
struct op_series
{
    int count;
    HRESULT (*start)(void *arg, const WS_ASYNC_CONTEXT *context);
    void *arg;
    int started;
    HRESULT results[OP_SERIES_MAX + 1];
    WS_ASYNC_STATE state;
};
/* Runs the series with asyncContext (NULL: synchronous) and returns WsAsyncExecute's result. */
HRESULT op_series_run(struct op_series *series, const WS_ASYNC_CONTEXT *asyncContext);
/* Runs it in both modes and checks every operation gave `expected` and so did the series. */
void op_series_check(HRESULT (*start)(void *arg, const WS_ASYNC_CONTEXT *context), void *arg,
                  int count, HRESULT expected, const char *what);

#endif
