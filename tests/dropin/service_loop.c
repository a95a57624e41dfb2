/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A WWSAPI TCP service on 127.0.0.1 built on the listener, channel and message functions of the
 * webservices.dll it is linked to (the drop-in, forwarding to Wine's own), with WsAsyncExecute
 * driving the server.
 *
 * Wine 8.0's listener serves one channel at a time (a second channel's WsAcceptChannel fails
 * with WS_E_INVALID_OPERATION), so the service has one listener per server channel, each on its
 * own port. Its WsAcceptChannel also ignores the WS_ASYNC_CONTEXT and blocks until a client
 * connects: the accept step needs to be invoked long, so each series starts on a thread-pool
 * thread allowed to run long. Wine's channels complete receives, sends and closes
 * asynchronously, from their own threads (invoking the callback long).
 *
 * Each server channel is served by one WsAsyncExecute series that loops: accept a session,
 * receive a request, send the reply, until the client closes the session; then close the
 * channel, reset it and accept again. Client threads (plain synchronous WWSAPI calls) run
 * CLIENTS sessions at once, REQUESTS request/replies each, and check every reply. Then the
 * service shuts down: every series is woken by one last connection, sees the stop flag, closes
 * its channel and ends; each must report its end exactly once, with S_OK.
 *
 * The steps are written for a long-callback server: the accept step (it blocks) and the step that
 * handles a request (it stands for work that may block) need to be invoked long; invoked short
 * they treat that as a resource shortage, as WS_CALLBACK_MODEL asks: the accept step ends the
 * series with E_OUTOFMEMORY, the request step drops the session. Shortages are counted, and
 * the test expects none.
 *
 * Run with Wine's builtin webservices.dll instead of the drop-in, the same program aborts at
 * its first WsAsyncExecute call (a CTest test checks that too).
 */
#include <windows.h>
#include <stdio.h>
#include <webservices.h>
#include "wsasync.h"

#define CLIENTS  4
#define SERIES   CLIENTS
#define REQUESTS 100

static int failures;

#define check(condition, ...) \
    do { if (!(condition)) { printf("%s:%d: Test failed: ", __FILE__, __LINE__); printf(__VA_ARGS__); \
                             InterlockedIncrement((LONG *)&failures); } } while (0)

/* The messages: a request and a reply, each an int body element. */
static WS_XML_STRING request_action = { 7, (BYTE *)"request", NULL, 0 };
static WS_XML_STRING reply_action = { 5, (BYTE *)"reply", NULL, 0 };
static WS_XML_STRING value_name = { 5, (BYTE *)"value", NULL, 0 };
static WS_XML_STRING value_ns = { 10, (BYTE *)"urn:wsloop", NULL, 0 };
static WS_ELEMENT_DESCRIPTION value_element = { &value_name, &value_ns, WS_INT32_TYPE, NULL };
static WS_MESSAGE_DESCRIPTION request_description = { &request_action, &value_element };
static WS_MESSAGE_DESCRIPTION reply_description = { &reply_action, &value_element };
static const WS_MESSAGE_DESCRIPTION *request_descriptions[] = { &request_description };
static const WS_MESSAGE_DESCRIPTION *reply_descriptions[] = { &reply_description };

static int reply_for(int request) { return request * 3 + 7; }

static volatile LONG stopping;        /* set once the clients are done; read by the series */
static volatile LONG sessions_closed; /* sessions the series have closed */
static HANDLE sessions_event;         /* set when CLIENTS sessions have been closed */
static volatile LONG series_left = SERIES;
static HANDLE series_event;           /* set when every series has ended */

/* One server channel and the series that serves it. Only the series' steps touch its fields
 * while it runs (one step at a time: a series is sequential); the main thread reads them after
 * the series has ended (series_event orders that). */
struct served_channel
{
    WS_ASYNC_STATE state;
    WCHAR url_chars[64];
    WS_STRING url;
    WS_LISTENER *listener;
    WS_CHANNEL *channel;
    WS_MESSAGE *message;
    WS_HEAP *heap;
    INT32 request;
    INT32 reply;
    WS_ASYNC_CONTEXT reset_context; /* the context the reset completes with */
    LONG requests;    /* requests answered */
    LONG sessions;    /* sessions accepted */
    LONG shortages;   /* times a step that needs long was invoked short */
    volatile LONG ends;      /* times the series reported its end */
    HRESULT result;
};

static struct served_channel series[SERIES];

static HRESULT CALLBACK step_accept(HRESULT, WS_CALLBACK_MODEL, void *, WS_ASYNC_OPERATION *,
                                    const WS_ASYNC_CONTEXT *, WS_ERROR *);
static HRESULT CALLBACK step_receive(HRESULT, WS_CALLBACK_MODEL, void *, WS_ASYNC_OPERATION *,
                                     const WS_ASYNC_CONTEXT *, WS_ERROR *);
static HRESULT CALLBACK step_close(HRESULT, WS_CALLBACK_MODEL, void *, WS_ASYNC_OPERATION *,
                                   const WS_ASYNC_CONTEXT *, WS_ERROR *);

/* The channel is ready for the next session: accept it unless the service is stopping. */
static HRESULT CALLBACK step_reset_done(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                        WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                        WS_ERROR *error)
{
    (void)model; (void)state; (void)context; (void)error;
    if (FAILED(hr)) return hr;
    if (stopping) return S_OK;  /* the end of the series */
    if (InterlockedIncrement(&sessions_closed) == CLIENTS) SetEvent(sessions_event);
    next->function = step_accept;
    return S_OK;
}

static void CALLBACK reset_channel_work(PTP_CALLBACK_INSTANCE instance, void *param)
{
    struct served_channel *s = param;
    WS_ASYNC_CONTEXT context = s->reset_context;

    WsResetChannel(s->channel, NULL);
    WsResetMessage(s->message, NULL);
    WsResetHeap(s->heap, NULL);
    context.callback(S_OK, CallbackMayRunLong(instance) ? WS_LONG_CALLBACK : WS_SHORT_CALLBACK,
                     context.callbackState);
}

/* The channel is closed: reset it, asynchronously. Wine's WsResetChannel waits for the
 * channel's own queue thread to stop, and the close may have completed on that very thread,
 * so the reset runs on a pool thread (the series' own asynchronous operation: it calls the
 * context it was given once, like any other). */
static HRESULT CALLBACK step_closed(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                    WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                    WS_ERROR *error)
{
    struct served_channel *s = state;

    (void)model; (void)error;
    check(hr == S_OK, "closing a channel: expected S_OK, got %#lx\n", hr);
    s->reset_context = *context;
    next->function = step_reset_done;
    /* No pool thread to reset the channel on: a resource shortage, the end of the series. */
    if (!TrySubmitThreadpoolCallback(reset_channel_work, s, NULL)) return E_OUTOFMEMORY;
    return WS_S_ASYNC;
}

static HRESULT CALLBACK step_close(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                   WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                   WS_ERROR *error)
{
    struct served_channel *s = state;

    (void)hr; (void)model;
    next->function = step_closed;
    return WsCloseChannel(s->channel, context, error);
}

static HRESULT CALLBACK step_sent(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                  WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                  WS_ERROR *error)
{
    (void)model; (void)state; (void)context; (void)error;
    check(hr == S_OK, "sending a reply: expected S_OK, got %#lx\n", hr);
    next->function = SUCCEEDED(hr) ? step_receive : step_close;
    return S_OK;
}

/* Handles a request: the work a long-callback server may block in. */
static HRESULT CALLBACK step_received(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                      WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                      WS_ERROR *error)
{
    struct served_channel *s = state;

    if (hr != S_OK)
    {
        /* The client ended its session (or it broke): close our end. */
        next->function = step_close;
        return S_OK;
    }
    if (model != WS_LONG_CALLBACK)
    {
        /* Invoked short where it needs long: a resource shortage. Drop the session. */
        s->shortages++;
        next->function = step_close;
        return S_OK;
    }
    s->requests++;
    s->reply = reply_for(s->request);
    WsResetMessage(s->message, NULL);
    next->function = step_sent;
    return WsSendMessage(s->channel, s->message, &reply_description, WS_WRITE_REQUIRED_VALUE,
                         &s->reply, sizeof(s->reply), context, error);
}

static HRESULT CALLBACK step_receive(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                     WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                     WS_ERROR *error)
{
    struct served_channel *s = state;

    (void)hr; (void)model;
    WsResetMessage(s->message, NULL);
    WsResetHeap(s->heap, NULL);
    next->function = step_received;
    return WsReceiveMessage(s->channel, s->message, request_descriptions, 1, WS_RECEIVE_REQUIRED_MESSAGE,
                            WS_READ_REQUIRED_VALUE, s->heap, &s->request, sizeof(s->request), NULL,
                            context, error);
}

static HRESULT CALLBACK step_accepted(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                      WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                      WS_ERROR *error)
{
    struct served_channel *s = state;

    (void)model; (void)context; (void)error;
    if (FAILED(hr)) return hr;  /* the series ends with the failure; checked by the main thread */
    s->sessions++;
    /* A session accepted after the stop is the wake-up call: close it and end. */
    next->function = stopping ? step_close : step_receive;
    return S_OK;
}

static HRESULT CALLBACK step_accept(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                    WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                    WS_ERROR *error)
{
    struct served_channel *s = state;

    (void)hr;
    if (model != WS_LONG_CALLBACK)
    {
        /* Invoked short where it must block: a resource shortage. */
        s->shortages++;
        return E_OUTOFMEMORY;
    }
    next->function = step_accepted;
    return WsAcceptChannel(s->listener, s->channel, context, error);
}

static void series_ended(struct served_channel *s, HRESULT hr)
{
    s->result = hr;
    InterlockedIncrement(&s->ends);
    if (!InterlockedDecrement(&series_left)) SetEvent(series_event);
}

static void CALLBACK series_callback(HRESULT hr, WS_CALLBACK_MODEL model, void *state)
{
    (void)model;
    series_ended(state, hr);
}

/* One client session: REQUESTS request/replies, every reply checked. */
static DWORD WINAPI client_thread(void *param)
{
    int client = (int)(INT_PTR)param, i, answered = 0;
    WS_ENDPOINT_ADDRESS address = { series[client % SERIES].url, NULL, NULL, NULL };
    WS_CHANNEL *channel = NULL;
    WS_MESSAGE *message = NULL;
    WS_HEAP *heap = NULL;
    HRESULT hr;

    hr = WsCreateChannel(WS_CHANNEL_TYPE_DUPLEX_SESSION, WS_TCP_CHANNEL_BINDING, NULL, 0, NULL, &channel, NULL);
    check(hr == S_OK, "client %d: WsCreateChannel: expected S_OK, got %#lx\n", client, hr);
    if (hr != S_OK) return 1;
    hr = WsOpenChannel(channel, &address, NULL, NULL);
    check(hr == S_OK, "client %d: WsOpenChannel: expected S_OK, got %#lx\n", client, hr);
    WsCreateMessageForChannel(channel, NULL, 0, &message, NULL);
    WsCreateHeap(1 << 16, 0, NULL, 0, &heap, NULL);
    for (i = 0; hr == S_OK && i < REQUESTS; i++)
    {
        INT32 request = client * 1000 + i, reply = -1;

        WsResetMessage(message, NULL);
        hr = WsSendMessage(channel, message, &request_description, WS_WRITE_REQUIRED_VALUE,
                           &request, sizeof(request), NULL, NULL);
        check(hr == S_OK, "client %d request %d: WsSendMessage: expected S_OK, got %#lx\n", client, i, hr);
        if (hr != S_OK) break;
        WsResetMessage(message, NULL);
        WsResetHeap(heap, NULL);
        hr = WsReceiveMessage(channel, message, reply_descriptions, 1, WS_RECEIVE_REQUIRED_MESSAGE,
                              WS_READ_REQUIRED_VALUE, heap, &reply, sizeof(reply), NULL, NULL, NULL);
        check(hr == S_OK, "client %d request %d: WsReceiveMessage: expected S_OK, got %#lx\n", client, i, hr);
        check(hr != S_OK || reply == reply_for(request), "client %d request %d: expected reply %d, got %d\n",
              client, i, reply_for(request), reply);
        if (hr == S_OK && reply == reply_for(request)) answered++;
    }
    check(answered == REQUESTS, "client %d: expected %d checked replies, got %d\n", client, REQUESTS, answered);
    hr = WsCloseChannel(channel, NULL, NULL);
    check(hr == S_OK, "client %d: WsCloseChannel: expected S_OK, got %#lx\n", client, hr);
    WsFreeMessage(message);
    WsFreeHeap(heap);
    WsFreeChannel(channel);
    return 0;
}

/* Opens a series' listener on a free port of 127.0.0.1 (tried from one derived from the
 * process id, so that the builds of both arches can run at once). */
static HRESULT open_listener(struct served_channel *s, int index)
{
    HRESULT hr;
    int attempt;

    hr = WsCreateListener(WS_CHANNEL_TYPE_DUPLEX_SESSION, WS_TCP_CHANNEL_BINDING, NULL, 0, NULL, &s->listener, NULL);
    if (hr != S_OK) return hr;
    for (attempt = 0; attempt < 20; attempt++)
    {
        int port = 20000 + (GetCurrentProcessId() * 7 + attempt * 101 + index * 13) % 30000;
        swprintf(s->url_chars, ARRAYSIZE(s->url_chars), L"net.tcp://127.0.0.1:%d/", port);
        s->url.chars = s->url_chars;
        s->url.length = wcslen(s->url_chars);
        if ((hr = WsOpenListener(s->listener, &s->url, NULL, NULL)) == S_OK) break;
        WsResetListener(s->listener, NULL);
    }
    return hr;
}

/* Wakes a series waiting in accept: one session opened and closed at once. */
static void wake_series(struct served_channel *s)
{
    WS_ENDPOINT_ADDRESS address = { s->url, NULL, NULL, NULL };
    WS_CHANNEL *channel = NULL;
    HRESULT hr;

    hr = WsCreateChannel(WS_CHANNEL_TYPE_DUPLEX_SESSION, WS_TCP_CHANNEL_BINDING, NULL, 0, NULL, &channel, NULL);
    check(hr == S_OK, "wake-up: WsCreateChannel: expected S_OK, got %#lx\n", hr);
    if (hr != S_OK) return;
    hr = WsOpenChannel(channel, &address, NULL, NULL);
    check(hr == S_OK, "wake-up: WsOpenChannel: expected S_OK, got %#lx\n", hr);
    if (hr == S_OK) WsCloseChannel(channel, NULL, NULL);
    WsFreeChannel(channel);
}

/* Starts a series on a pool thread, told it may run long if the pool can spare the thread. */
static void CALLBACK start_series(PTP_CALLBACK_INSTANCE instance, void *param)
{
    struct served_channel *s = param;
    WS_ASYNC_CONTEXT context = { series_callback, s };
    WS_CALLBACK_MODEL model = CallbackMayRunLong(instance) ? WS_LONG_CALLBACK : WS_SHORT_CALLBACK;
    HRESULT hr;

    /* Without the drop-in, Wine's own DLL aborts the process here. */
    hr = WsAsyncExecute(&s->state, step_accept, model, s, &context, NULL);
    check(hr == WS_S_ASYNC, "series %d: WsAsyncExecute: expected WS_S_ASYNC, got %#lx\n", (int)(s - series), hr);
    if (hr != WS_S_ASYNC) series_ended(s, hr);
}

int main(void)
{
    HANDLE clients[CLIENTS];
    LONG requests = 0, sessions = 0, shortages = 0;
    DWORD start = GetTickCount();
    HRESULT hr;
    int i;

    setvbuf(stdout, NULL, _IONBF, 0);
    /* A crash in the service ends the test without an error dialog. */
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
    sessions_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    series_event = CreateEventW(NULL, TRUE, FALSE, NULL);

    for (i = 0; i < SERIES; i++)
    {
        struct served_channel *s = &series[i];

        hr = open_listener(s, i);
        check(hr == S_OK, "opening a listener: expected S_OK, got %#lx\n", hr);
        if (hr != S_OK) return 1;
        printf("listening on %ls\n", s->url_chars);
        hr = WsCreateChannelForListener(s->listener, NULL, 0, &s->channel, NULL);
        check(hr == S_OK, "WsCreateChannelForListener: expected S_OK, got %#lx\n", hr);
        hr = WsCreateMessageForChannel(s->channel, NULL, 0, &s->message, NULL);
        check(hr == S_OK, "WsCreateMessageForChannel: expected S_OK, got %#lx\n", hr);
        hr = WsCreateHeap(1 << 16, 0, NULL, 0, &s->heap, NULL);
        check(hr == S_OK, "WsCreateHeap: expected S_OK, got %#lx\n", hr);
    }
    if (failures) return 1;

    for (i = 0; i < SERIES; i++)
        check(TrySubmitThreadpoolCallback(start_series, &series[i], NULL), "could not start series %d\n", i);

    for (i = 0; i < CLIENTS; i++)
        clients[i] = CreateThread(NULL, 0, client_thread, (void *)(INT_PTR)i, 0, NULL);
    if (WaitForMultipleObjects(CLIENTS, clients, TRUE, 60000) != WAIT_OBJECT_0)
    {
        check(0, "expected the clients to finish within 60 s; %ld sessions closed so far\n", sessions_closed);
        return 1;
    }
    for (i = 0; i < CLIENTS; i++) CloseHandle(clients[i]);

    /* Every session the clients opened has been closed by its series, which is back in accept
     * (or on its way there) before the stop flag is set. */
    check(WaitForSingleObject(sessions_event, 30000) == WAIT_OBJECT_0, "expected %d sessions closed, got %ld\n",
          CLIENTS, sessions_closed);
    InterlockedExchange(&stopping, 1);
    for (i = 0; i < SERIES; i++) wake_series(&series[i]);
    check(WaitForSingleObject(series_event, 30000) == WAIT_OBJECT_0, "expected every series to end, %ld left\n",
          series_left);
    Sleep(200);  /* room for a second end report to show up, were there one */

    for (i = 0; i < SERIES; i++)
    {
        struct served_channel *s = &series[i];

        check(s->ends == 1, "series %d: expected to end exactly once, ended %ld times\n", i, s->ends);
        check(s->result == S_OK, "series %d: expected to end with S_OK, got %#lx\n", i, s->result);
        requests += s->requests;
        sessions += s->sessions;
        shortages += s->shortages;
    }
    check(requests == CLIENTS * REQUESTS, "expected %d requests served, got %ld\n", CLIENTS * REQUESTS, requests);
    check(sessions == CLIENTS + SERIES, "expected %d sessions accepted (clients and wake-ups), got %ld\n",
          CLIENTS + SERIES, sessions);
    check(shortages == 0, "expected no step invoked short where it needs long, got %ld\n", shortages);
    printf("%d series, %d clients, %ld requests answered, %ld sessions, %ld shortages, %lu ms\n",
           SERIES, CLIENTS, requests, sessions, shortages, GetTickCount() - start);

    for (i = 0; i < SERIES; i++)
    {
        WsFreeMessage(series[i].message);
        WsFreeChannel(series[i].channel);
        WsFreeHeap(series[i].heap);
    }
    for (i = 0; i < SERIES; i++)
    {
        WsCloseListener(series[i].listener, NULL, NULL);
        WsFreeListener(series[i].listener);
    }
    printf("%s\n", failures ? "FAILED" : "passed");
    return failures ? 1 : 0;
}
