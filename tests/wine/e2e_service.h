/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The service skeleton of the end-to-end programs that serve several channels (fileservice.c,
 * reqreply.c): one listener (net.tcp, or HTTP: e2e.h's transport) on a free port of 127.0.0.1
 * and channels on it, each served by one WsAsyncExecute series that loops: reset the channel when
 * it has served a session, accept a session (over HTTP: one request), then the program's own
 * steps, from the session step it gives e2e_service_open(), until one of them goes to
 * e2e_step_close (the client closed the session, the request was answered, or the session
 * failed): close the channel and start over. The stop (e2e_service_stop) wakes every series still accepting with
 * one last connection; a series that accepts after the stop closes that session and ends; each
 * series' end is counted, and the stop waits for them all.
 *
 * A program's series is a struct whose first member is a struct e2e_series: every step is given
 * the program's series as its state, which is also the skeleton's.
 *
 * Where the programs differ on purpose, they say so to e2e_service_open(): whether the reset step
 * must be invoked WS_LONG_CALLBACK (E2E_RESET_LONG: the file service's series may block), and a
 * check of each session accepted (the file service's binary encoding). How each starts its series
 * (e2e_service_start_series gives the thread) is the program's own: the file service lets each
 * series' first accept block its thread, the request-reply service requires it to return.
 */
#ifndef WSASYNC_E2E_SERVICE_H
#define WSASYNC_E2E_SERVICE_H

#include "e2e.h"

#define E2E_SERVICE_MAX_SERIES 16

/* The skeleton's part of a program's series: the first member of the program's struct. */
struct e2e_series
{
    WS_ASYNC_STATE state;
    int index;
    WS_CHANNEL *channel;
    BOOL used;            /* the channel has served a session and needs a reset */
    HRESULT result;       /* how the series ended */
};

/* What the reset step requires of its invocation. */
enum e2e_reset { E2E_RESET_ANY, E2E_RESET_LONG };

static struct
{
    WS_LISTENER *listener;
    WCHAR url_chars[64];
    WS_STRING url;
    WS_ASYNC_FUNCTION session;                   /* the program's first step of a session */
    HRESULT (*accepted)(struct e2e_series *s);   /* NULL, or checks a session just accepted */
    enum e2e_reset reset;
    struct e2e_series *series[E2E_SERVICE_MAX_SERIES];
    int count;
    volatile LONG stopping;
    volatile LONG series_left;
    HANDLE series_event;                         /* set when every series has ended */
} e2e_service;

static HRESULT CALLBACK e2e_step_reset(HRESULT, WS_CALLBACK_MODEL, void *, WS_ASYNC_OPERATION *,
                                       const WS_ASYNC_CONTEXT *, WS_ERROR *);

static void e2e_series_fail(struct e2e_series *s, const char *call, HRESULT hr, enum e2e_bug bug)
{
    char what[160];
    snprintf(what, sizeof(what), "service channel %d %s", s->index, call);
    e2e_fail(what, hr, bug);
}

static HRESULT CALLBACK e2e_step_closed(HRESULT hr, WS_CALLBACK_MODEL model, void *state, WS_ASYNC_OPERATION *next,
                                        const WS_ASYNC_CONTEXT *context, WS_ERROR *error)
{
    struct e2e_series *s = state;

    (void)model; (void)context; (void)error;
    if (hr != S_OK)
    {
        e2e_series_fail(s, "WsCloseChannel", hr, BUG_NONE);
        return hr;
    }
    next->function = e2e_step_reset;
    return S_OK;
}

/* The end of a session: close the channel, then start over. */
static HRESULT CALLBACK e2e_step_close(HRESULT hr, WS_CALLBACK_MODEL model, void *state, WS_ASYNC_OPERATION *next,
                                       const WS_ASYNC_CONTEXT *context, WS_ERROR *error)
{
    struct e2e_series *s = state;

    (void)hr; (void)model;
    next->function = e2e_step_closed;
    return WsCloseChannel(s->channel, context, error);
}

static HRESULT CALLBACK e2e_step_accepted(HRESULT hr, WS_CALLBACK_MODEL model, void *state, WS_ASYNC_OPERATION *next,
                                          const WS_ASYNC_CONTEXT *context, WS_ERROR *error)
{
    struct e2e_series *s = state;

    (void)model; (void)context; (void)error;
    e2e_attack_accepted();
    if (hr != S_OK && e2e_attack_session_error())
    {
        /* An attack on HTTP may fail the accept itself (a request the listener cannot take): the
         * channel is reset and accepts again. */
        printf("service channel %d: WsAcceptChannel 0x%08lx (an attack)\n", s->index, (unsigned long)hr);
        s->used = TRUE;
        next->function = e2e_step_reset;
        return S_OK;
    }
    if (hr != S_OK)
    {
        /* Several channels accept on the one listener at once. */
        e2e_series_fail(s, "WsAcceptChannel", hr, hr == (HRESULT)WS_E_INVALID_OPERATION ? BUG_ONE_ACCEPT : BUG_NONE);
        return hr;
    }
    s->used = TRUE;
    if (e2e_service.accepted && (hr = e2e_service.accepted(s)) != S_OK) return hr;
    /* A session accepted after the stop is the wake-up call: close it and end. */
    next->function = e2e_service.stopping ? e2e_step_close : e2e_service.session;
    return S_OK;
}

static HRESULT CALLBACK e2e_step_accept(HRESULT hr, WS_CALLBACK_MODEL model, void *state, WS_ASYNC_OPERATION *next,
                                        const WS_ASYNC_CONTEXT *context, WS_ERROR *error)
{
    struct e2e_series *s = state;

    (void)hr; (void)model;
    /* For e2e.h's attack phase, which waits for every channel to be accepting (nothing happens
     * in a program without one). */
    e2e_attack_accepting();
    next->function = e2e_step_accepted;
    return WsAcceptChannel(e2e_service.listener, s->channel, context, error);
}

/* The top of the loop: a used channel is reset (synchronously) before the next accept. */
static HRESULT CALLBACK e2e_step_reset(HRESULT hr, WS_CALLBACK_MODEL model, void *state, WS_ASYNC_OPERATION *next,
                                       const WS_ASYNC_CONTEXT *context, WS_ERROR *error)
{
    struct e2e_series *s = state;

    (void)hr; (void)context;
    if (s->used)
    {
        if (e2e_service.reset == E2E_RESET_LONG && model != WS_LONG_CALLBACK)
        {
            e2e_series_fail(s, "reset step invoked short, it needs to block", E_FAIL, BUG_NONE);
            return E_FAIL;
        }
        if ((hr = WsResetChannel(s->channel, error)) != S_OK)
        {
            e2e_series_fail(s, "WsResetChannel", hr, BUG_NONE);
            return hr;
        }
        s->used = FALSE;
    }
    if (e2e_service.stopping) return S_OK;  /* the end of the series */
    next->function = e2e_step_accept;
    return S_OK;
}

static void CALLBACK e2e_series_done(HRESULT hr, WS_CALLBACK_MODEL model, void *state)
{
    struct e2e_series *s = state;

    (void)model;
    s->result = hr;
    /* A series ended by a failure leaves its session: abort it, so that its client is not left
     * waiting for a reply. */
    if (FAILED(hr)) WsAbortChannel(s->channel, NULL);
    if (!InterlockedDecrement(&e2e_service.series_left)) SetEvent(e2e_service.series_event);
}

/* Runs a series from its reset step: its first steps (up to the accept) on this thread. */
static DWORD WINAPI e2e_series_thread(void *param)
{
    struct e2e_series *s = param;
    WS_ASYNC_CONTEXT context = { e2e_series_done, s };
    HRESULT hr = WsAsyncExecute(&s->state, e2e_step_reset, WS_LONG_CALLBACK, s, &context, NULL);

    if (hr != WS_S_ASYNC) e2e_series_done(hr, WS_LONG_CALLBACK, s);
    return 0;
}

/* Starts series number index on a thread of its own; returns the thread, for the program to wait
 * for or not. */
static HANDLE e2e_service_start_series(int index)
{
    return CreateThread(NULL, 0, e2e_series_thread, e2e_service.series[index], 0, NULL);
}

/* The listener of the transport, on a free port of 127.0.0.1, for channels series; session is the program's first
 * step of each session accepted, accepted (or NULL) checks the session first, reset says how the
 * reset step must be invoked. Reports its own failures. */
static HRESULT e2e_service_open(int channels, WS_ASYNC_FUNCTION session, HRESULT (*accepted)(struct e2e_series *),
                                enum e2e_reset reset)
{
    HRESULT hr;

    e2e_service.session = session;
    e2e_service.accepted = accepted;
    e2e_service.reset = reset;
    e2e_service.series_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    e2e_phase_set("service set-up", BUG_NONE);
    if ((hr = WsCreateListener(e2e_transport->service_type, e2e_transport->binding, NULL, 0, NULL,
                               &e2e_service.listener, NULL)) != S_OK)
    {
        e2e_fail("WsCreateListener", hr, hr == E_NOTIMPL ? e2e_transport->listener_bug : BUG_NONE);
        return hr;
    }
    if ((hr = e2e_open_listener(e2e_service.listener, e2e_service.url_chars, ARRAYSIZE(e2e_service.url_chars),
                                &e2e_service.url)) != S_OK)
    {
        e2e_fail("WsOpenListener", hr, BUG_NONE);
        return hr;
    }
    printf("service: listening on %ls with %d channels\n", e2e_service.url_chars, channels);
    return S_OK;
}

/* Adds a series, its channel on the listener created with the given properties. */
static HRESULT e2e_service_add(struct e2e_series *s, const WS_CHANNEL_PROPERTY *properties, ULONG property_count)
{
    HRESULT hr;

    if (e2e_service.count == E2E_SERVICE_MAX_SERIES)
    {
        e2e_fail("service set-up: too many series", E_FAIL, BUG_NONE);
        return E_FAIL;
    }
    s->index = e2e_service.count;
    if ((hr = WsCreateChannelForListener(e2e_service.listener, properties, property_count, &s->channel,
                                         NULL)) != S_OK)
    {
        e2e_fail("WsCreateChannelForListener", hr, BUG_NONE);
        return hr;
    }
    e2e_service.series[e2e_service.count++] = s;
    InterlockedIncrement(&e2e_service.series_left);
    return S_OK;
}

/* Wakes a series waiting in accept: one session opened and closed at once, or over HTTP one
 * request (which the series leaves unanswered). */
static void e2e_service_wake(void)
{
    WS_ENDPOINT_ADDRESS address = { e2e_service.url, NULL, NULL, NULL };
    WS_CHANNEL *channel = NULL;

    if (!e2e_transport->session)
    {
        e2e_http_post(&e2e_service.url, E2E_SOAP12_CONTENT_TYPE, E2E_EMPTY_ENVELOPE, NULL);
        return;
    }
    if (WsCreateChannel(e2e_transport->client_type, e2e_transport->binding, NULL, 0, NULL, &channel, NULL) != S_OK)
        return;
    if (WsOpenChannel(channel, &address, NULL, NULL) == S_OK) WsCloseChannel(channel, NULL, NULL);
    WsFreeChannel(channel);
}

/* The stop: every series still accepting is woken once, closes that session and ends. Returns 0
 * once they all have (a series that ended in a failure is reported, unless a failure was already),
 * or the exit code of a hang. */
static int e2e_service_stop(void)
{
    int i;

    e2e_phase_set("service stopping", BUG_NONE);
    InterlockedExchange(&e2e_service.stopping, 1);
    for (i = 0; i < e2e_service.count && e2e_service.series_left; i++) e2e_service_wake();
    if (WaitForSingleObject(e2e_service.series_event, 30000) != WAIT_OBJECT_0)
        return e2e_hung("the service's series did not all end within 30 s of the stop");
    for (i = 0; i < e2e_service.count; i++)
    {
        struct e2e_series *s = e2e_service.series[i];
        if (s->result != S_OK && !e2e_failures) e2e_series_fail(s, "series end", s->result, BUG_NONE);
    }
    return 0;
}

/* Frees the channels and the listener, once the program has freed what its series hold. */
static void e2e_service_close(void)
{
    int i;

    for (i = 0; i < e2e_service.count; i++) WsFreeChannel(e2e_service.series[i]->channel);
    WsCloseListener(e2e_service.listener, NULL, NULL);
    WsFreeListener(e2e_service.listener);
}

#endif /* WSASYNC_E2E_SERVICE_H */
