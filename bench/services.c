/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench_services: how fast a WWSAPI service runs over net.tcp on the loopback, with whichever
 * webservices.dll lies beside the program (bench/services.sh runs it against Wine 8.0's pristine
 * DLL and against the one patched with wine/patches, in alternating processes).
 *
 * Server and clients live in this one process and make synchronous calls only (no
 * WsAsyncExecute), so that the program runs against the pristine DLL wherever that DLL can run
 * the path at all. Each measure prints one line for people and one for the script:
 *
 *   RATE <name> <arch> <value> <unit>
 *   RATE <name> <arch> - <unit> <side>:<call> <hresult>     (the measure is not available)
 *
 * and a second RATE line named <name>_cpu: the operations per second of the process's CPU time
 * (all its threads, user and kernel) over the window, which the machine's other load disturbs
 * far less than the elapsed time. The wineserver's CPU time is not in it.
 *
 * The measures:
 *   rr_1         request-reply round trips per second, one client: WsRequestReply against a
 *                service that receives with WsReceiveMessage and answers with WsSendReplyMessage
 *   rr_8         the same with 8 clients at once, each on its own channel and thread, each
 *                served by a service thread of its own, on a listener of its own
 *   rr_8_shared  the same with one listener for the 8 (its 8 WsAcceptChannel calls pending at once)
 *   stream       records per second: messages of RECORDS records each, written with
 *                WsWriteMessageStart, WsWriteBody per record and WsWriteMessageEnd, read with
 *                WsReadMessageStart, WsReadBody per record (their number is known) and
 *                WsReadMessageEnd
 *   stream_full  the same stream in the shape of tests/wine/streaming.c: the action set with
 *                WsSetHeader, WsFlushBody every FLUSH_EVERY records, WsFillBody, and WsReadBody
 *                with WS_READ_OPTIONAL_POINTER until it gives NULL
 *   rr_1_http, rr_8_http   rr_1 and rr_8_shared over HTTP (request and reply channels)
 *   memory_http  10,000 HTTP round trips, the process's private bytes after each thousand
 *   host_1       calls per second, one client: the request-reply service of rr_1 run by the
 *                service host (WsCreateServiceHost, one net.tcp endpoint, one two-way operation
 *                that echoes the request's int), called by WsCall through a WS_SERVICE_PROXY;
 *                the messages on the wire are rr_1's, so that host_1/rr_1 is what the host and
 *                the proxy cost over the hand-written loop
 *   host_8       the same with 8 clients at once, each with its own proxy (its own session),
 *                against one host serving 8 channels at once: host_8/rr_8_shared
 *   memory_host  10,000 calls through the host, one client, the process's private bytes after
 *                each thousand
 *
 * The shapes of rr_* and stream keep to what Wine 8.0's pristine DLL can do: the action comes
 * from the message description (the pristine writer cannot write a WsSetHeader header in binary
 * encoding), the service knows how many records a message holds (pristine WsReadBody with
 * WS_READ_OPTIONAL_POINTER fails at the end of the body instead of giving NULL), no WsFlushBody
 * or WsFillBody (pristine fails the first and rewinds the reader on the second), one listener
 * per client (a pristine listener accepts with the first channel object it was given only, so
 * a second WsAcceptChannel with another channel fails with WS_E_INVALID_OPERATION), and the end
 * of a session is known from the clients, not from WS_S_END (a pristine channel sends no End
 * record on close). rr_8_shared, stream_full and the HTTP and host measures take none of these
 * precautions (the pristine DLL has neither HTTP listeners nor a service host).
 *
 *   bench_services [--seconds S] [--only NAME]...
 *
 * Each measure runs untimed until every client has completed WARMUP operations, then counts the
 * operations completed over S seconds (default 1), in WINDOWS slices: its figure is the best
 * slice's rate. Exit code 0 when every measure ran, 1 when any was not available.
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <webservices.h>
#include "servicehost_decls.h"
#include "alloc_count.h"

#ifdef _WIN64
#define ARCH "x64"
#else
#define ARCH "x86"
#endif

#define MAX_CLIENTS 8
#define RECORDS     200   /* records per streamed message: about 10 KB, under the default quota */
#define FLUSH_EVERY 25
#define WARMUP      20    /* operations per client before the clock starts */
#define WINDOWS     10    /* slices of the timed window */
#define MEMORY_SAMPLES 10 /* a memory measure's samples, one after each tenth of its requests */

/* --- the messages --------------------------------------------------------------------------- */

struct request
{
    INT32 id;
    WCHAR *text;
};

struct reply
{
    INT32 id;
};

struct record
{
    INT32 index;
    WCHAR *text;
};

#define XML_STRING(text) { sizeof(text) - 1, (BYTE *)(text), NULL, 0 }

static WS_XML_STRING ns = XML_STRING("urn:wsasync-bench:service");
static WS_XML_STRING request_name = XML_STRING("request");
static WS_XML_STRING reply_name = XML_STRING("reply");
static WS_XML_STRING record_name = XML_STRING("record");
static WS_XML_STRING id_name = XML_STRING("id");
static WS_XML_STRING index_name = XML_STRING("index");
static WS_XML_STRING text_name = XML_STRING("text");
static WS_XML_STRING request_action = XML_STRING("urn:wsasync-bench:service/request");
static WS_XML_STRING reply_action = XML_STRING("urn:wsasync-bench:service/reply");
static WS_XML_STRING records_action = XML_STRING("urn:wsasync-bench:service/records");

static WS_FIELD_DESCRIPTION request_id_field = { WS_ELEMENT_FIELD_MAPPING, &id_name, &ns, WS_INT32_TYPE, NULL,
                                                 FIELD_OFFSET(struct request, id), 0, NULL, 0, NULL, NULL, NULL };
static WS_FIELD_DESCRIPTION request_text_field = { WS_ELEMENT_FIELD_MAPPING, &text_name, &ns, WS_WSZ_TYPE, NULL,
                                                   FIELD_OFFSET(struct request, text), 0, NULL, 0, NULL, NULL,
                                                   NULL };
static WS_FIELD_DESCRIPTION *request_fields[] = { &request_id_field, &request_text_field };
static WS_STRUCT_DESCRIPTION request_struct = { sizeof(struct request), TYPE_ALIGNMENT(struct request),
                                                request_fields, ARRAYSIZE(request_fields), &request_name, &ns,
                                                NULL, NULL, 0, 0 };
static WS_ELEMENT_DESCRIPTION request_element = { &request_name, &ns, WS_STRUCT_TYPE, &request_struct };
static WS_MESSAGE_DESCRIPTION request_message = { &request_action, &request_element };

static WS_FIELD_DESCRIPTION reply_id_field = { WS_ELEMENT_FIELD_MAPPING, &id_name, &ns, WS_INT32_TYPE, NULL,
                                               FIELD_OFFSET(struct reply, id), 0, NULL, 0, NULL, NULL, NULL };
static WS_FIELD_DESCRIPTION *reply_fields[] = { &reply_id_field };
static WS_STRUCT_DESCRIPTION reply_struct = { sizeof(struct reply), TYPE_ALIGNMENT(struct reply), reply_fields,
                                              ARRAYSIZE(reply_fields), &reply_name, &ns, NULL, NULL, 0, 0 };
static WS_ELEMENT_DESCRIPTION reply_element = { &reply_name, &ns, WS_STRUCT_TYPE, &reply_struct };
static WS_MESSAGE_DESCRIPTION reply_message = { &reply_action, &reply_element };

static WS_FIELD_DESCRIPTION record_index_field = { WS_ELEMENT_FIELD_MAPPING, &index_name, &ns, WS_INT32_TYPE, NULL,
                                                   FIELD_OFFSET(struct record, index), 0, NULL, 0, NULL, NULL,
                                                   NULL };
static WS_FIELD_DESCRIPTION record_text_field = { WS_ELEMENT_FIELD_MAPPING, &text_name, &ns, WS_WSZ_TYPE, NULL,
                                                  FIELD_OFFSET(struct record, text), 0, NULL, 0, NULL, NULL, NULL };
static WS_FIELD_DESCRIPTION *record_fields[] = { &record_index_field, &record_text_field };
static WS_STRUCT_DESCRIPTION record_struct = { sizeof(struct record), TYPE_ALIGNMENT(struct record),
                                               record_fields, ARRAYSIZE(record_fields), &record_name, &ns, NULL,
                                               NULL, 0, 0 };
static WS_ELEMENT_DESCRIPTION record_element = { &record_name, &ns, WS_STRUCT_TYPE, &record_struct };

/* The service host's contract, as wsutil writes it out: one two-way operation taking rr_1's request
 * (its id and text as two parameters) and answering with its reply (the id). */
static WS_PARAMETER_DESCRIPTION echo_parameters[] =
{
    { WS_PARAMETER_TYPE_NORMAL, 0, 0xffff },
    { WS_PARAMETER_TYPE_NORMAL, 1, 0xffff },
    { WS_PARAMETER_TYPE_NORMAL, 0xffff, 0 },
};

typedef HRESULT (CALLBACK *echo_callback)(const WS_OPERATION_CONTEXT *context, INT32 id, WCHAR *text, INT32 *result,
                                          const WS_ASYNC_CONTEXT *async_context, WS_ERROR *error);

/* The frame the host fills with the operation's parameters, inputs then outputs. */
struct echo_frame
{
    INT32 id;
    WCHAR *text;
    INT32 result;
};

static HRESULT CALLBACK echo_stub(const WS_OPERATION_CONTEXT *context, void *frame, const void *callback,
                                  const WS_ASYNC_CONTEXT *async_context, WS_ERROR *error)
{
    struct echo_frame *f = frame;
    return ((echo_callback)callback)(context, f->id, f->text, &f->result, async_context, error);
}

static WS_OPERATION_DESCRIPTION echo_operation =
    { 1, &request_message, &reply_message, 0, 0, ARRAYSIZE(echo_parameters), echo_parameters, echo_stub,
      WS_NON_RPC_LITERAL_OPERATION };
static WS_OPERATION_DESCRIPTION *echo_operations[] = { &echo_operation };
static WS_CONTRACT_DESCRIPTION echo_contract = { ARRAYSIZE(echo_operations), echo_operations };

static WCHAR request_text[] = L"a small request of a benchmark";
static WCHAR record_text[] = L"one small record of a stream";

/* --- one measure's shared state ------------------------------------------------------------- */

enum shape { SHAPE_REQUEST_REPLY, SHAPE_STREAM, SHAPE_STREAM_FULL };

struct measure;

/* One client's end of the measure: the listener its service accepts on, of its own (a
 * pristine listener accepts with one channel object only, so one listener cannot serve several
 * clients there) or, for a shared measure, the first endpoint's. */
struct endpoint
{
    struct measure *measure;
    WS_LISTENER *listener;
    WCHAR url_chars[64];
    WS_STRING url;
};

struct measure
{
    const char *name;
    const char *unit;                   /* what is counted: round-trips, records */
    enum shape shape;
    int clients;
    BOOL shared;                        /* one listener for every client */
    BOOL http;                          /* HTTP: request and reply channels, one request per accept */
    BOOL host;                          /* a service host serves, service proxies call */
    WS_SERVICE_HOST *service_host;
    int requests;                       /* a memory measure: the requests it makes, else 0 */
    struct endpoint endpoints[MAX_CLIENTS];
    volatile LONG stop;                 /* set when the clock has stopped: clients end */
    volatile LONG completed;            /* operations (round trips, records) completed */
    volatile LONG warm;                 /* clients that have completed WARMUP operations */
    volatile LONG failed;               /* set by the first failure, which fills in the next two */
    char failed_call[64];
    HRESULT failed_hr;
    HANDLE threads[2 * MAX_CLIENTS];
    volatile LONG thread_count;
    SIZE_T memory[MEMORY_SAMPLES + 1];  /* a memory measure: private bytes after each tenth */
};

/* Records the first failure of a measure. The side that failed then closes its channel, which
 * ends its peer's wait (WsAbortChannel cannot: in Wine 8.0, patched or not, a synchronous call
 * holds the channel's lock while it waits, and WsAbortChannel waits for that lock). */
static void measure_fail(struct measure *m, const char *side, const char *call, HRESULT hr)
{
    if (InterlockedCompareExchange(&m->failed, 1, 0)) return;
    snprintf(m->failed_call, sizeof(m->failed_call), "%s:%s", side, call);
    m->failed_hr = hr;
    printf("%s (%s): %s %s failed: 0x%08lx\n", m->name, ARCH, side, call, (unsigned long)hr);
}

static void measure_add_thread(struct measure *m, LPTHREAD_START_ROUTINE proc, void *param)
{
    HANDLE thread = CreateThread(NULL, 0, proc, param, 0, NULL);
    LONG i;

    if (!thread)
    {
        measure_fail(m, "bench", "CreateThread", HRESULT_FROM_WIN32(GetLastError()));
        return;
    }
    i = InterlockedIncrement(&m->thread_count) - 1;
    m->threads[i] = thread;
}

/* A failure once the clock has stopped is the end of the session as the pristine DLL reports
 * it (no End record: the peer's next read fails), not a failure of the measure. */
static BOOL session_over(struct measure *m, HRESULT hr)
{
    return hr == WS_S_END || (FAILED(hr) && (m->stop || m->failed));
}

/* The process's private bytes, once every tenth of a memory measure's requests; the last request
 * ends the measure. */
static void memory_sample(struct measure *m, int done)
{
    int every = m->requests / MEMORY_SAMPLES;

    if (done % every) return;
    if (done / every <= MEMORY_SAMPLES) m->memory[done / every] = private_bytes();
    if (done >= m->requests) InterlockedExchange(&m->stop, 1);
}

/* --- the service ---------------------------------------------------------------------------- */

static void serve_request_reply(struct measure *m, WS_CHANNEL *channel, WS_MESSAGE *request, WS_MESSAGE *reply,
                                WS_HEAP *heap)
{
    const WS_MESSAGE_DESCRIPTION *descriptions[] = { &request_message };
    HRESULT hr;

    for (;;)
    {
        struct request received;
        struct reply answer;

        hr = WsReceiveMessage(channel, request, descriptions, 1, WS_RECEIVE_REQUIRED_MESSAGE,
                              WS_READ_REQUIRED_VALUE, heap, &received, sizeof(received), NULL, NULL, NULL);
        if (session_over(m, hr)) return;
        if (hr != S_OK) { measure_fail(m, "service", "WsReceiveMessage", hr); return; }
        answer.id = received.id;
        hr = WsSendReplyMessage(channel, reply, &reply_message, WS_WRITE_REQUIRED_VALUE, &answer, sizeof(answer),
                                request, NULL, NULL);
        if (session_over(m, hr)) return;
        if (hr != S_OK) { measure_fail(m, "service", "WsSendReplyMessage", hr); return; }
        WsResetMessage(request, NULL);
        WsResetMessage(reply, NULL);
        WsResetHeap(heap, NULL);
    }
}

static void serve_stream(struct measure *m, WS_CHANNEL *channel, WS_MESSAGE *message, WS_HEAP *heap)
{
    BOOL full = m->shape == SHAPE_STREAM_FULL;
    HRESULT hr;
    int count;

    for (;;)
    {
        hr = WsReadMessageStart(channel, message, NULL, NULL);
        if (session_over(m, hr)) return;
        if (hr != S_OK) { measure_fail(m, "service", "WsReadMessageStart", hr); return; }
        if (full)
        {
            WS_XML_STRING action;

            hr = WsGetHeader(message, WS_ACTION_HEADER, WS_XML_STRING_TYPE, WS_READ_REQUIRED_VALUE, heap, &action,
                             sizeof(action), NULL);
            if (hr != S_OK) { measure_fail(m, "service", "WsGetHeader", hr); return; }
            if ((hr = WsFillBody(message, 1, NULL, NULL)) != S_OK)
                { measure_fail(m, "service", "WsFillBody", hr); return; }
        }
        for (count = 0;; count++)
        {
            struct record *record = NULL, value;

            /* The full shape reads until the body has no more; the other knows the count. */
            if (full)
                hr = WsReadBody(message, &record_element, WS_READ_OPTIONAL_POINTER, heap, &record, sizeof(record),
                                NULL);
            else if (count == RECORDS)
                break;
            else if ((hr = WsReadBody(message, &record_element, WS_READ_REQUIRED_VALUE, heap, &value,
                                      sizeof(value), NULL)) == S_OK)
                record = &value;
            if (hr != S_OK)
            {
                measure_fail(m, "service", "WsReadBody", hr);
                return;
            }
            if (!record) break;
            if (record->index != count)
            {
                measure_fail(m, "service", "record-order", E_FAIL);
                return;
            }
            InterlockedIncrement(&m->completed);
        }
        if (count != RECORDS) { measure_fail(m, "service", "record-count", E_FAIL); return; }
        hr = WsReadMessageEnd(channel, message, NULL, NULL);
        if (hr != S_OK) { measure_fail(m, "service", "WsReadMessageEnd", hr); return; }
        WsResetMessage(message, NULL);
        WsResetHeap(heap, NULL);
    }
}

/* Over HTTP: accepts one request at a time on the endpoint's listener, answers it, closes and
 * resets the channel, until the clock has stopped (the listener's close then ends the accept). */
static void serve_http(struct measure *m, WS_LISTENER *listener, WS_CHANNEL *channel, WS_MESSAGE *request,
                       WS_MESSAGE *reply, WS_HEAP *heap)
{
    const WS_MESSAGE_DESCRIPTION *descriptions[] = { &request_message };
    HRESULT hr;

    while (!m->stop && !m->failed)
    {
        struct request received;
        struct reply answer;

        if ((hr = WsAcceptChannel(listener, channel, NULL, NULL)) != S_OK)
        {
            if (!session_over(m, hr)) measure_fail(m, "service", "WsAcceptChannel", hr);
            return;
        }
        hr = WsReceiveMessage(channel, request, descriptions, 1, WS_RECEIVE_REQUIRED_MESSAGE,
                              WS_READ_REQUIRED_VALUE, heap, &received, sizeof(received), NULL, NULL, NULL);
        if (hr == S_OK)
        {
            answer.id = received.id;
            hr = WsSendReplyMessage(channel, reply, &reply_message, WS_WRITE_REQUIRED_VALUE, &answer, sizeof(answer),
                                    request, NULL, NULL);
            if (hr != S_OK && !session_over(m, hr)) measure_fail(m, "service", "WsSendReplyMessage", hr);
        }
        else if (!session_over(m, hr)) measure_fail(m, "service", "WsReceiveMessage", hr);
        WsCloseChannel(channel, NULL, NULL);
        if ((hr = WsResetChannel(channel, NULL)) != S_OK) { measure_fail(m, "service", "WsResetChannel", hr); return; }
        WsResetMessage(request, NULL);
        WsResetMessage(reply, NULL);
        WsResetHeap(heap, NULL);
    }
}

/* Accepts the endpoint's one channel and serves it until its client closes (over HTTP, serves
 * one request after another). */
static DWORD WINAPI serve_thread(void *param)
{
    struct endpoint *endpoint = param;
    struct measure *m = endpoint->measure;
    WS_CHANNEL *channel = NULL;
    WS_MESSAGE *request = NULL, *reply = NULL;
    WS_HEAP *heap = NULL;
    HRESULT hr;

    if ((hr = WsCreateChannelForListener(endpoint->listener, NULL, 0, &channel, NULL)) != S_OK)
    {
        measure_fail(m, "service", "WsCreateChannelForListener", hr);
        return 0;
    }
    if (!m->http && (hr = WsAcceptChannel(endpoint->listener, channel, NULL, NULL)) != S_OK)
        measure_fail(m, "service", "WsAcceptChannel", hr);
    else if ((hr = WsCreateMessageForChannel(channel, NULL, 0, &request, NULL)) != S_OK ||
             (hr = WsCreateMessageForChannel(channel, NULL, 0, &reply, NULL)) != S_OK)
        measure_fail(m, "service", "WsCreateMessageForChannel", hr);
    else if ((hr = WsCreateHeap(1 << 16, 0, NULL, 0, &heap, NULL)) != S_OK)
        measure_fail(m, "service", "WsCreateHeap", hr);
    else if (m->http)
        serve_http(m, endpoint->listener, channel, request, reply, heap);
    else if (m->shape == SHAPE_REQUEST_REPLY)
        serve_request_reply(m, channel, request, reply, heap);
    else
        serve_stream(m, channel, request, heap);
    if (heap) WsFreeHeap(heap);
    if (reply) WsFreeMessage(reply);
    if (request) WsFreeMessage(request);
    WsCloseChannel(channel, NULL, NULL);
    WsFreeChannel(channel);
    return 0;
}

/* The service host's operation: the same work as serve_request_reply() does between its receive
 * and its reply. */
static HRESULT CALLBACK service_echo(const WS_OPERATION_CONTEXT *context, INT32 id, WCHAR *text, INT32 *result,
                                     const WS_ASYNC_CONTEXT *async_context, WS_ERROR *error)
{
    (void)context; (void)text; (void)async_context; (void)error;
    *result = id;
    return S_OK;
}

static const struct { echo_callback echo; } echo_table = { service_echo };
static const WS_SERVICE_CONTRACT echo_service_contract = { &echo_contract, NULL, &echo_table };

/* --- the clients ---------------------------------------------------------------------------- */

static HRESULT client_request_reply(struct measure *m, WS_CHANNEL *channel, WS_MESSAGE *request,
                                    WS_MESSAGE *reply, WS_HEAP *heap, const char **call)
{
    struct request sent = { 0, request_text };
    int done = 0;
    HRESULT hr;

    *call = "WsRequestReply";
    while (!m->stop && !m->failed)
    {
        struct reply received;

        sent.id = done;
        hr = WsRequestReply(channel, request, &request_message, WS_WRITE_REQUIRED_VALUE, &sent, sizeof(sent),
                            reply, &reply_message, WS_READ_REQUIRED_VALUE, heap, &received, sizeof(received), NULL,
                            NULL);
        if (hr != S_OK) return hr;
        if (received.id != sent.id)
        {
            *call = "reply-id";
            return E_FAIL;
        }
        WsResetMessage(request, NULL);
        WsResetMessage(reply, NULL);
        WsResetHeap(heap, NULL);
        InterlockedIncrement(&m->completed);
        if (++done == WARMUP) InterlockedIncrement(&m->warm);
        if (m->requests) memory_sample(m, done);
    }
    return S_OK;
}

static HRESULT client_stream(struct measure *m, WS_CHANNEL *channel, WS_MESSAGE *message, const char **call)
{
    BOOL full = m->shape == SHAPE_STREAM_FULL;
    int done = 0, i;
    HRESULT hr;

    while (!m->stop && !m->failed)
    {
        *call = "WsInitializeMessage";
        if ((hr = WsInitializeMessage(message, WS_BLANK_MESSAGE, NULL, NULL)) != S_OK) return hr;
        *call = "WsSetHeader";
        if (full && (hr = WsSetHeader(message, WS_ACTION_HEADER, WS_XML_STRING_TYPE, WS_WRITE_REQUIRED_VALUE,
                                      &records_action, sizeof(records_action), NULL)) != S_OK) return hr;
        *call = "WsWriteMessageStart";
        if ((hr = WsWriteMessageStart(channel, message, NULL, NULL)) != S_OK) return hr;
        for (i = 0; i < RECORDS; i++)
        {
            struct record record = { i, record_text };

            *call = "WsWriteBody";
            if ((hr = WsWriteBody(message, &record_element, WS_WRITE_REQUIRED_VALUE, &record, sizeof(record),
                                  NULL)) != S_OK) return hr;
            *call = "WsFlushBody";
            if (full && (i + 1) % FLUSH_EVERY == 0 && (hr = WsFlushBody(message, 0, NULL, NULL)) != S_OK)
                return hr;
        }
        *call = "WsWriteMessageEnd";
        if ((hr = WsWriteMessageEnd(channel, message, NULL, NULL)) != S_OK) return hr;
        WsResetMessage(message, NULL);
        if (++done == 2) InterlockedIncrement(&m->warm);
    }
    return S_OK;
}

static DWORD WINAPI client_thread(void *param)
{
    struct endpoint *endpoint = param;
    struct measure *m = endpoint->measure;
    WS_ENDPOINT_ADDRESS address = { endpoint->url, NULL, NULL, NULL };
    WS_CHANNEL *channel = NULL;
    WS_MESSAGE *request = NULL, *reply = NULL;
    WS_HEAP *heap = NULL;
    const char *call = "WsCreateChannel";
    HRESULT hr;

    if ((hr = WsCreateChannel(m->http ? WS_CHANNEL_TYPE_REQUEST : WS_CHANNEL_TYPE_DUPLEX_SESSION,
                              m->http ? WS_HTTP_CHANNEL_BINDING : WS_TCP_CHANNEL_BINDING, NULL, 0, NULL, &channel,
                              NULL)) != S_OK) goto done;
    call = "WsOpenChannel";
    if ((hr = WsOpenChannel(channel, &address, NULL, NULL)) != S_OK) goto done;
    call = "WsCreateMessageForChannel";
    if ((hr = WsCreateMessageForChannel(channel, NULL, 0, &request, NULL)) != S_OK ||
        (hr = WsCreateMessageForChannel(channel, NULL, 0, &reply, NULL)) != S_OK) goto done;
    call = "WsCreateHeap";
    if ((hr = WsCreateHeap(1 << 16, 0, NULL, 0, &heap, NULL)) != S_OK) goto done;
    if (m->shape == SHAPE_REQUEST_REPLY) hr = client_request_reply(m, channel, request, reply, heap, &call);
    else hr = client_stream(m, channel, request, &call);
done:
    if (hr != S_OK) measure_fail(m, "client", call, hr);
    /* The close ends the session, also after a failure: the service's wait ends with it. */
    if (channel && (hr = WsCloseChannel(channel, NULL, NULL)) != S_OK)
        measure_fail(m, "client", "WsCloseChannel", hr);
    if (heap) WsFreeHeap(heap);
    if (reply) WsFreeMessage(reply);
    if (request) WsFreeMessage(request);
    if (channel) WsFreeChannel(channel);
    return 0;
}

/* A client of the service host: its own proxy (its own session), synchronous WsCall after WsCall
 * as client_request_reply() makes WsRequestReply after WsRequestReply. */
static DWORD WINAPI client_host_thread(void *param)
{
    struct endpoint *endpoint = param;
    struct measure *m = endpoint->measure;
    WS_ENDPOINT_ADDRESS address = { endpoint->url, NULL, NULL, NULL };
    WS_SERVICE_PROXY *proxy = NULL;
    WS_HEAP *heap = NULL;
    const char *call = "WsCreateServiceProxy";
    WCHAR *text = request_text;
    INT32 id = 0, result = 0, *result_ptr = &result;
    const void *args[] = { &id, &text, &result_ptr };
    int done = 0;
    HRESULT hr;

    if ((hr = WsCreateServiceProxy(WS_CHANNEL_TYPE_DUPLEX_SESSION, WS_TCP_CHANNEL_BINDING, NULL, NULL, 0, NULL, 0,
                                   &proxy, NULL)) != S_OK) goto done;
    call = "WsOpenServiceProxy";
    if ((hr = WsOpenServiceProxy(proxy, &address, NULL, NULL)) != S_OK) goto done;
    call = "WsCreateHeap";
    if ((hr = WsCreateHeap(1 << 16, 0, NULL, 0, &heap, NULL)) != S_OK) goto done;
    call = "WsCall";
    while (!m->stop && !m->failed)
    {
        id = done;
        result = -1;
        if ((hr = WsCall(proxy, &echo_operation, args, heap, NULL, 0, NULL, NULL)) != S_OK) goto done;
        if (result != id)
        {
            call = "reply-id";
            hr = E_FAIL;
            goto done;
        }
        WsResetHeap(heap, NULL);
        InterlockedIncrement(&m->completed);
        if (++done == WARMUP) InterlockedIncrement(&m->warm);
        if (m->requests) memory_sample(m, done);
    }
done:
    if (hr != S_OK && !session_over(m, hr)) measure_fail(m, "client", call, hr);
    /* The close ends the session, also after a failure: the host's channel sees it end. */
    if (proxy && (hr = WsCloseServiceProxy(proxy, NULL, NULL)) != S_OK && !m->failed)
        measure_fail(m, "client", "WsCloseServiceProxy", hr);
    if (heap) WsFreeHeap(heap);
    if (proxy) WsFreeServiceProxy(proxy);
    return 0;
}

/* --- running a measure ---------------------------------------------------------------------- */

static double seconds_option = 1.0;

/* The process's CPU time, user and kernel, in seconds. */
static double cpu_seconds(void)
{
    FILETIME created, exited, kernel, user;
    ULARGE_INTEGER k, u;

    if (!GetProcessTimes(GetCurrentProcess(), &created, &exited, &kernel, &user)) return 0;
    k.LowPart = kernel.dwLowDateTime;
    k.HighPart = kernel.dwHighDateTime;
    u.LowPart = user.dwLowDateTime;
    u.HighPart = user.dwHighDateTime;
    return (double)(k.QuadPart + u.QuadPart) / 1e7;
}

static double now(void)
{
    static LARGE_INTEGER frequency;
    LARGE_INTEGER counter;

    if (!frequency.QuadPart) QueryPerformanceFrequency(&frequency);
    QueryPerformanceCounter(&counter);
    return (double)counter.QuadPart / (double)frequency.QuadPart;
}

/* Opens a listener on a free port of 127.0.0.1. Ports are tried from one derived from the
 * process id, each port once in the process's life (a listener left open by a failed measure
 * keeps its port), and a listener whose open failed is replaced by a new one: a pristine
 * WsResetListener leaves its cancel event set, and the next accept on it would fail at once. */
static int take_port(void)
{
    static int next_port;
    int port;

    if (!next_port) next_port = 20000 + (int)((GetCurrentProcessId() * 7) % 30000);
    port = next_port;
    next_port = next_port >= 50000 ? 20000 : next_port + 1;
    return port;
}

static HRESULT open_listener(struct measure *m, struct endpoint *endpoint)
{
    HRESULT hr = E_FAIL;
    int attempt;

    for (attempt = 0; attempt < 20; attempt++)
    {
        int port = take_port();

        if ((hr = WsCreateListener(m->http ? WS_CHANNEL_TYPE_REPLY : WS_CHANNEL_TYPE_DUPLEX_SESSION,
                                   m->http ? WS_HTTP_CHANNEL_BINDING : WS_TCP_CHANNEL_BINDING, NULL, 0, NULL,
                                   &endpoint->listener, NULL)) != S_OK) return hr;
        swprintf(endpoint->url_chars, ARRAYSIZE(endpoint->url_chars),
                 m->http ? L"http://127.0.0.1:%d/bench/" : L"net.tcp://127.0.0.1:%d/bench", port);
        endpoint->url.chars = endpoint->url_chars;
        endpoint->url.length = (ULONG)wcslen(endpoint->url_chars);
        if ((hr = WsOpenListener(endpoint->listener, &endpoint->url, NULL, NULL)) == S_OK) return S_OK;
        WsFreeListener(endpoint->listener);
        endpoint->listener = NULL;
    }
    return hr;
}

/* Opens the measure's service host on a free port of 127.0.0.1, its address in the first endpoint
 * (the clients share it). As many channels are accepted and served at once as there are clients,
 * as rr_8_shared's service threads each accept and serve one. The endpoint's address is the
 * host's from its creation on, so each port tried gets a host of its own. */
static HRESULT open_host(struct measure *m)
{
    struct endpoint *endpoint = &m->endpoints[0];
    ULONG channels = m->clients;
    WS_SERVICE_ENDPOINT_PROPERTY properties[] =
    {
        { WS_SERVICE_ENDPOINT_PROPERTY_MAX_ACCEPTING_CHANNELS, &channels, sizeof(channels) },
        /* Windows serves one channel at a time unless told otherwise. */
        { WS_SERVICE_ENDPOINT_PROPERTY_MAX_CONCURRENCY, &channels, sizeof(channels) },
    };
    WS_SERVICE_ENDPOINT service_endpoint;
    const WS_SERVICE_ENDPOINT *service_endpoints[] = { &service_endpoint };
    HRESULT hr = E_FAIL;
    int attempt;

    for (attempt = 0; attempt < 20; attempt++)
    {
        swprintf(endpoint->url_chars, ARRAYSIZE(endpoint->url_chars), L"net.tcp://127.0.0.1:%d/bench", take_port());
        endpoint->url.chars = endpoint->url_chars;
        endpoint->url.length = (ULONG)wcslen(endpoint->url_chars);
        memset(&service_endpoint, 0, sizeof(service_endpoint));
        service_endpoint.address.url = endpoint->url;
        service_endpoint.channelBinding = WS_TCP_CHANNEL_BINDING;
        service_endpoint.channelType = WS_CHANNEL_TYPE_DUPLEX_SESSION;
        service_endpoint.contract = &echo_service_contract;
        service_endpoint.properties = properties;
        service_endpoint.propertyCount = ARRAYSIZE(properties);
        if ((hr = WsCreateServiceHost(service_endpoints, 1, NULL, 0, &m->service_host, NULL)) != S_OK) return hr;
        if ((hr = WsOpenServiceHost(m->service_host, NULL, NULL)) == S_OK) return S_OK;
        WsFreeServiceHost(m->service_host);
        m->service_host = NULL;
    }
    return hr;
}

/* Runs one measure; returns 1 when it gave a figure. */
static int run_measure(struct measure *m)
{
    double start, end, limit, mark, best = 0, cpu0, cpu1;
    LONG count0, count1, counted, waited;
    HRESULT hr;
    int i;

    if (m->host)
    {
        if ((hr = open_host(m)) != S_OK)
        {
            measure_fail(m, "service", "WsOpenServiceHost", hr);
            goto stop;
        }
        for (i = 0; i < m->clients; i++)
        {
            m->endpoints[i].measure = m;
            m->endpoints[i].url = m->endpoints[0].url;
            measure_add_thread(m, client_host_thread, &m->endpoints[i]);
        }
    }
    for (i = 0; i < m->clients && !m->host; i++)
    {
        m->endpoints[i].measure = m;
        if (m->shared && i)
        {
            /* One listener for every client: each service accepts its own channel on it. */
            m->endpoints[i].listener = m->endpoints[0].listener;
            m->endpoints[i].url = m->endpoints[0].url;
            continue;
        }
        if ((hr = open_listener(m, &m->endpoints[i])) != S_OK)
        {
            measure_fail(m, "service", "WsOpenListener", hr);
            goto stop;
        }
    }
    for (i = 0; i < m->clients && !m->host; i++)
    {
        measure_add_thread(m, serve_thread, &m->endpoints[i]);
        measure_add_thread(m, client_thread, &m->endpoints[i]);
    }

    /* Untimed until every client is warm (connections made, first operations done). */
    limit = now() + 30;
    while (m->warm < m->clients && !m->failed && now() < limit) Sleep(5);
    if (!m->failed && m->warm < m->clients)
    {
        printf("%s (%s): %ld of %d clients warm after 30 s, %ld operations done\n", m->name, ARCH, m->warm,
               m->clients, m->completed);
        measure_fail(m, "bench", "warm-up-30s", HRESULT_FROM_WIN32(WAIT_TIMEOUT));
    }
    if (m->failed) goto stop;
    if (m->requests)
    {
        /* A memory measure: its client makes its requests, sampling the process's private bytes. */
        start = now();
        while (!m->stop && !m->failed && now() < start + 600) Sleep(20);
        end = now();
        if (m->failed) goto stop;
        if (!m->stop)
        {
            measure_fail(m, "bench", "requests-600s", HRESULT_FROM_WIN32(WAIT_TIMEOUT));
            goto stop;
        }
        printf("%s (%s): %d requests in %.1f s; private KiB after each tenth:", m->name, ARCH, m->requests,
               end - start);
        for (i = 1; i <= MEMORY_SAMPLES; i++) printf(" %lu", (unsigned long)(m->memory[i] / 1024));
        printf("\nMEMORY %s %s %lu %lu KiB\n", m->name, ARCH, (unsigned long)(m->memory[1] / 1024),
               (unsigned long)(m->memory[MEMORY_SAMPLES] / 1024));
        goto stop;
    }

    /* The window is read in WINDOWS slices; the figure is the best slice's rate, the one least
     * disturbed by whatever else the machine runs (other load only ever slows a slice down). */
    start = mark = now();
    count0 = counted = m->completed;
    cpu0 = cpu_seconds();
    for (i = 0; i < WINDOWS; i++)
    {
        double slice_end;
        LONG slice_count;

        Sleep((DWORD)(seconds_option * 1000 / WINDOWS));
        slice_count = m->completed;
        slice_end = now();
        if ((slice_count - counted) / (slice_end - mark) > best) best = (slice_count - counted) / (slice_end - mark);
        counted = slice_count;
        mark = slice_end;
    }
    count1 = counted;
    end = mark;
    cpu1 = cpu_seconds();
    if (m->failed) goto stop;

    printf("%s (%s, %d client%s): best slice %.1f %s/s; whole window %.1f (%ld in %.3f s)\n", m->name, ARCH,
           m->clients, m->clients == 1 ? "" : "s", best, m->unit, (count1 - count0) / (end - start),
           count1 - count0, end - start);
    printf("RATE %s %s %.1f %s/s\n", m->name, ARCH, best, m->unit);
    if (cpu1 > cpu0)
    {
        printf("%s (%s): %.3f s of CPU time, %.1f %s per CPU second\n", m->name, ARCH, cpu1 - cpu0,
               (count1 - count0) / (cpu1 - cpu0), m->unit);
        printf("RATE %s_cpu %s %.1f %s/cpu-s\n", m->name, ARCH, (count1 - count0) / (cpu1 - cpu0), m->unit);
    }

stop:
    InterlockedExchange(&m->stop, 1);
    /* The threads end within moments: clients close, services see the session end. A service
     * still waiting for its client after a failure is woken by closing its listener. */
    for (waited = 0; waited < 30000; waited += 100)
    {
        if (!m->thread_count || WaitForMultipleObjects(m->thread_count, m->threads, TRUE, 100) == WAIT_OBJECT_0)
            break;
        if (waited == (m->failed ? 0 : 2000))
        {
            for (i = 0; i < m->clients; i++)
                if (m->endpoints[i].listener) WsCloseListener(m->endpoints[i].listener, NULL, NULL);
            if (m->service_host) WsAbortServiceHost(m->service_host, NULL);
        }
    }
    if (waited >= 30000)
    {
        measure_fail(m, "bench", "end-of-threads-30s", HRESULT_FROM_WIN32(WAIT_TIMEOUT));
        printf("%s (%s): threads still running; their objects are left as they are\n", m->name, ARCH);
        goto report;
    }
    for (i = 0; i < m->thread_count; i++) CloseHandle(m->threads[i]);
    for (i = 0; i < m->clients; i++)
    {
        if (!m->endpoints[i].listener || (m->shared && i)) continue;
        WsCloseListener(m->endpoints[i].listener, NULL, NULL);
        WsFreeListener(m->endpoints[i].listener);
    }
    if (m->service_host)
    {
        if ((hr = WsCloseServiceHost(m->service_host, NULL, NULL)) != S_OK)
            measure_fail(m, "service", "WsCloseServiceHost", hr);
        WsFreeServiceHost(m->service_host);
    }
report:
    if (!m->failed) return 1;
    printf("RATE %s %s - %s/s %s 0x%08lx\n", m->name, ARCH, m->unit, m->failed_call, (unsigned long)m->failed_hr);
    printf("RATE %s_cpu %s - %s/cpu-s %s 0x%08lx\n", m->name, ARCH, m->unit, m->failed_call,
           (unsigned long)m->failed_hr);
    return 0;
}

/* A watchdog: a hang that the measures' own limits did not catch ends the process. */
static DWORD WINAPI watchdog_thread(void *param)
{
    Sleep((DWORD)(INT_PTR)param * 1000);
    printf("bench_services (%s): no end within %ld s (watchdog)\n", ARCH, (long)(INT_PTR)param);
    ExitProcess(3);
    return 0;
}

int main(int argc, char **argv)
{
    static struct measure measures[] =
    {
        { .name = "rr_1", .unit = "round-trips", .shape = SHAPE_REQUEST_REPLY, .clients = 1 },
        { .name = "rr_8", .unit = "round-trips", .shape = SHAPE_REQUEST_REPLY, .clients = 8 },
        { .name = "rr_8_shared", .unit = "round-trips", .shape = SHAPE_REQUEST_REPLY, .clients = 8,
          .shared = TRUE },
        { .name = "stream", .unit = "records", .shape = SHAPE_STREAM, .clients = 1 },
        { .name = "stream_full", .unit = "records", .shape = SHAPE_STREAM_FULL, .clients = 1 },
        { .name = "rr_1_http", .unit = "round-trips", .shape = SHAPE_REQUEST_REPLY, .clients = 1, .http = TRUE },
        { .name = "rr_8_http", .unit = "round-trips", .shape = SHAPE_REQUEST_REPLY, .clients = 8, .shared = TRUE,
          .http = TRUE },
        { .name = "memory_http", .unit = "round-trips", .shape = SHAPE_REQUEST_REPLY, .clients = 1, .http = TRUE,
          .requests = 10000 },
        { .name = "host_1", .unit = "calls", .shape = SHAPE_REQUEST_REPLY, .clients = 1, .host = TRUE },
        { .name = "host_8", .unit = "calls", .shape = SHAPE_REQUEST_REPLY, .clients = 8, .host = TRUE },
        { .name = "memory_host", .unit = "calls", .shape = SHAPE_REQUEST_REPLY, .clients = 1, .host = TRUE,
          .requests = 10000 },
    };
    const char *only[ARRAYSIZE(measures)];
    int only_count = 0, missing = 0, i, j;
    HANDLE watchdog;

    setvbuf(stdout, NULL, _IONBF, 0);
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
    for (i = 1; i < argc; i++)
    {
        if (!strcmp(argv[i], "--seconds") && i + 1 < argc) seconds_option = atof(argv[++i]);
        else if (!strcmp(argv[i], "--only") && i + 1 < argc && only_count < (int)ARRAYSIZE(only))
            only[only_count++] = argv[++i];
        else
        {
            fprintf(stderr, "usage: %s [--seconds S] [--only rr_1|rr_8|rr_8_shared|stream|stream_full|rr_1_http|"
                    "rr_8_http|memory_http|host_1|host_8|memory_host]...\n", argv[0]);
            return 2;
        }
    }
    if (seconds_option <= 0 || seconds_option > 60) seconds_option = 1.0;
    watchdog = CreateThread(NULL, 0, watchdog_thread,
                            (void *)(INT_PTR)(60 + (int)(seconds_option * ARRAYSIZE(measures)) +
                                              30 * (int)ARRAYSIZE(measures)), 0, NULL);
    if (watchdog) CloseHandle(watchdog);

    for (i = 0; i < (int)ARRAYSIZE(measures); i++)
    {
        int selected = !only_count;

        for (j = 0; j < only_count; j++)
            if (!strcmp(only[j], measures[i].name)) selected = 1;
        if (selected && !run_measure(&measures[i])) missing++;
    }
    return missing ? 1 : 0;
}
