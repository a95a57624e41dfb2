/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * AsyncPoolPost: completing a WS_ASYNC_CONTEXT from a pool thread.
 */
#include "completion_probe.h"

TEST(completion_post_sync_mode)
{
    static const HRESULT results[] = { S_OK, S_FALSE, WS_S_END, E_FAIL, E_OUTOFMEMORY };
    unsigned int i;

    for (i = 0; i < ARRAYSIZE(results); i++)
    {
        HRESULT hr = AsyncPoolPost(results[i], NULL, NULL);
        ok(hr == results[i], "expected %#lx, got %#lx\n", results[i], hr);
    }
}

TEST(completion_post_async_mode)
{
    static const HRESULT results[] = { S_OK, S_FALSE, E_FAIL, HRESULT_FROM_WIN32(ERROR_TIMEOUT) };
    struct probe probe;
    unsigned int i;

    for (i = 0; i < ARRAYSIZE(results); i++)
    {
        HRESULT hr;
        probe_init(&probe);
        hr = AsyncPoolPost(results[i], &probe.context, NULL);
        ok(hr == WS_S_ASYNC, "expected WS_S_ASYNC (posting is always asynchronous), got %#lx\n", hr);
        probe_expect(&probe, hr, results[i], "post");
        probe_free(&probe);
    }
}

/* The default pool lets a callback run long (Wine's and Windows' pools both start another
 * thread); a private pool held to one thread cannot, so its callbacks must be told short. */
TEST(completion_post_callback_model)
{
    struct private_pool pool;
    struct probe probe;
    HRESULT hr;

    probe_init(&probe);
    hr = AsyncPoolPost(S_OK, &probe.context, NULL);
    probe_expect(&probe, hr, S_OK, "post on the default pool");
    /* The default pool usually has threads to spare (WS_LONG_CALLBACK), but under load it may
     * not: either is right there. The one-thread pool below is where the rule can be pinned. */
    ok(probe.model == WS_LONG_CALLBACK || probe.model == WS_SHORT_CALLBACK,
       "default pool: expected a valid model, got %d\n", probe.model);
    probe_free(&probe);

    private_pool_init(&pool, 1);
    probe_init(&probe);
    hr = AsyncPoolPost(S_FALSE, &probe.context, &pool.environment);
    probe_expect(&probe, hr, S_FALSE, "post on a one-thread pool");
    ok(probe.model == WS_SHORT_CALLBACK, "one-thread pool: expected WS_SHORT_CALLBACK, got %d\n", probe.model);
    probe_free(&probe);
    private_pool_done(&pool);
}

/* Many posts at once: each completes once, none lost or doubled. */
TEST(completion_post_exactly_once)
{
    enum { COUNT = 200 };
    static struct probe probes[COUNT];
    int i;

    for (i = 0; i < COUNT; i++)
    {
        HRESULT hr;
        probe_init(&probes[i]);
        hr = AsyncPoolPost(MAKE_HRESULT(1, FACILITY_ITF, i), &probes[i].context, NULL);
        ok(hr == WS_S_ASYNC, "post %d: expected WS_S_ASYNC, got %#lx\n", i, hr);
    }
    for (i = 0; i < COUNT; i++)
    {
        ok(probe_wait(&probes[i], 10000), "post %d: no callback\n", i);
    }
    Sleep(50);
    for (i = 0; i < COUNT; i++)
    {
        ok(probes[i].calls == 1, "post %d: expected one callback, got %ld\n", i, probes[i].calls);
        ok(probes[i].hr == MAKE_HRESULT(1, FACILITY_ITF, i), "post %d: expected %#lx, got %#lx\n", i,
           MAKE_HRESULT(1, FACILITY_ITF, i), probes[i].hr);
        probe_free(&probes[i]);
    }
}

static HRESULT start_post(void *arg, const WS_ASYNC_CONTEXT *context)
{
    return AsyncPoolPost(*(HRESULT *)arg, context, NULL);
}

TEST(completion_post_in_series)
{
    HRESULT result = S_FALSE;

    op_series_check(start_post, &result, 5, S_FALSE, "series of posts");
    result = E_ACCESSDENIED;
    op_series_check(start_post, &result, 3, E_ACCESSDENIED, "series of failing posts");
}

TEST(completion_post_bad_input)
{
    WS_ASYNC_CONTEXT no_callback = { NULL, NULL };
    struct probe probe;

    ok(AsyncPoolPost(S_OK, &no_callback, NULL) == E_INVALIDARG, "NULL callback: expected E_INVALIDARG\n");
    probe_init(&probe);
    probe_expect_refused(&probe, AsyncPoolPost(WS_S_ASYNC, &probe.context, NULL), E_INVALIDARG,
                         "posting WS_S_ASYNC");
    probe_expect_refused(&probe, AsyncPoolPost(WS_S_ASYNC, NULL, NULL), E_INVALIDARG,
                         "posting WS_S_ASYNC synchronously");
    probe_free(&probe);
}
