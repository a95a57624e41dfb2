/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * addthree: composes an asynchronous "add" into a two-step WsAsyncExecute series that adds
 * three numbers, and runs the series synchronously and then asynchronously.
 *
 *   addthree [x y z]        (default 1 2 3)
 */
#include <stdio.h>
#include <stdlib.h>
#include "wsasync.h"

/* An operation in the WWSAPI async model: stores a + b in *sum, then completes. Without a
 * context it completes at once; with one, AsyncPoolPost delivers the completion from a pool
 * thread, so the caller sees WS_S_ASYNC and then one callback. */
static HRESULT add_async(int a, int b, int *sum, const WS_ASYNC_CONTEXT *context)
{
    *sum = a + b;
    return AsyncPoolPost(S_OK, context, NULL);
}

struct addition
{
    int x, y, z;
    int partial;  /* x + y */
    int total;    /* x + y + z */
};

static HRESULT CALLBACK add_third(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                  WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                  WS_ERROR *error)
{
    struct addition *addition = state;

    (void)model; (void)next; (void)error;
    if (FAILED(hr)) return hr;
    return add_async(addition->partial, addition->z, &addition->total, context);
}

static HRESULT CALLBACK add_first_two(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                      WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                      WS_ERROR *error)
{
    struct addition *addition = state;

    (void)hr; (void)model; (void)error;
    next->function = add_third;
    return add_async(addition->x, addition->y, &addition->partial, context);
}

struct waiter
{
    HANDLE done;
    HRESULT hr;
    WS_CALLBACK_MODEL model;
};

static void CALLBACK addition_done(HRESULT hr, WS_CALLBACK_MODEL model, void *state)
{
    struct waiter *waiter = state;

    waiter->hr = hr;
    waiter->model = model;
    SetEvent(waiter->done);
}

static int report(const char *mode, const struct addition *addition, HRESULT hr)
{
    int expected = addition->x + addition->y + addition->z;

    if (FAILED(hr) || addition->total != expected)
    {
        printf("%s: %d + %d + %d: failed (hr %#lx, total %d)\n", mode, addition->x, addition->y,
               addition->z, hr, addition->total);
        return 1;
    }
    printf("%s: %d + %d + %d = %d\n", mode, addition->x, addition->y, addition->z, addition->total);
    return 0;
}

int main(int argc, char **argv)
{
    struct addition sync_addition = { 1, 2, 3, 0, 0 }, async_addition;
    struct waiter waiter = { NULL, E_FAIL, WS_SHORT_CALLBACK };
    WS_ASYNC_CONTEXT context = { addition_done, &waiter };
    WS_ASYNC_STATE state;
    HRESULT hr;
    int failures = 0;

    if (argc == 4)
    {
        sync_addition.x = atoi(argv[1]);
        sync_addition.y = atoi(argv[2]);
        sync_addition.z = atoi(argv[3]);
    }
    else if (argc != 1)
    {
        fprintf(stderr, "usage: addthree [x y z]\n");
        return 2;
    }
    async_addition = sync_addition;

    /* Synchronous: no context, every add completes at once, the series returns the result. */
    hr = WsAsyncExecute(&state, add_first_two, WS_SHORT_CALLBACK, &sync_addition, NULL, NULL);
    failures += report("synchronous ", &sync_addition, hr);

    /* Asynchronous: the series returns WS_S_ASYNC and reports through addition_done. */
    waiter.done = CreateEventW(NULL, TRUE, FALSE, NULL);
    hr = WsAsyncExecute(&state, add_first_two, WS_SHORT_CALLBACK, &async_addition, &context, NULL);
    if (hr == WS_S_ASYNC)
    {
        WaitForSingleObject(waiter.done, INFINITE);
        hr = waiter.hr;
        printf("asynchronous: went WS_S_ASYNC, callback model %s\n",
               waiter.model == WS_LONG_CALLBACK ? "WS_LONG_CALLBACK" : "WS_SHORT_CALLBACK");
    }
    failures += report("asynchronous", &async_addition, hr);
    CloseHandle(waiter.done);
    return failures ? 1 : 0;
}
