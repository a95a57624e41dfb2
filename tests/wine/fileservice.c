/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * End-to-end program: a file service whose request loop is one WsAsyncExecute series per
 * channel, and clients that copy a 4 MiB file from it in chunks.
 *
 * The service has one listener and SERIES channels on it: over net.tcp (no argument, or
 * "net.tcp") duplex sessions in the binary session encoding, net.tcp's default; over HTTP ("http")
 * reply channels in UTF-8 text, HTTP's default, each answering one request. Each channel is served
 * by one series (e2e_service.h's skeleton) that loops: reset the channel, accept a session, then
 * per request: WsReadMessageStart, the action header, and the processing made with synchronous
 * calls on the same channel from the completion (WsReadBody, WsReadMessageEnd, the file reads);
 * the reply with WsSendReplyMessage; until the client closes the session (WS_S_END) or, over
 * HTTP, once the request is answered; then close the channel and start over. Every message is created with WS_MESSAGE_PROPERTY_HEAP_PROPERTIES: a chunk does not
 * fit the default message heap. The request and the reply carry 64-bit positions and sizes (an
 * information request has position -1). A request for a file that cannot be opened is answered
 * with a SOAP fault: the WS_FAULT made by WsCreateFaultFromError from the service's WS_ERROR, sent
 * with WsSendReplyMessage as a WS_FAULT_TYPE body (a SOAP 1.2 Fault element, the envelope version
 * of both bindings) with the WS-Addressing 1.0 fault action. The client's WsReceiveMessage returns
 * WS_E_ENDPOINT_FAULT_RECEIVED and the fault's code and reason are read back from the client's
 * WS_ERROR (WS_FAULT_ERROR_PROPERTY_FAULT).
 *
 * CLIENTS client threads (synchronous calls) each ask for the file's size, copy it in CHUNK-byte
 * chunks to a file of their own and compare the copy byte for byte with the original; one of
 * them then asks for a file that does not exist and must get the fault within its timeout. Then
 * the service stops: each series in accept is woken by one last connection, closes it and ends.
 *
 * Exit code 0 when all of that held. A failure names the Wine bug whose symptom it
 * is, by the number of its patch (wine/bugs.tsv, see e2e.h); a watchdog ends a hung run.
 */
#include "e2e_service.h"

#define SERIES     10
#define CLIENTS    4
#define FILE_SIZE  (4 << 20)
#define CHUNK      (256 << 10)
#define HEAP_SIZE  (2 << 20)
#define MAX_MESSAGE (1 << 20)

/* The messages. */
struct file_request
{
    WCHAR *name;
    INT64 position;  /* -1: the file's size only */
    INT32 size;
};

struct file_chunk
{
    INT64 position;
    INT64 total;
    WS_BYTES data;
};

static WS_XML_STRING ns = { 21, (BYTE *)"urn:wsasync-e2e:files", NULL, 0 };
static WS_XML_STRING request_name = { 7, (BYTE *)"request", NULL, 0 };
static WS_XML_STRING chunk_name = { 5, (BYTE *)"chunk", NULL, 0 };
static WS_XML_STRING name_name = { 4, (BYTE *)"name", NULL, 0 };
static WS_XML_STRING position_name = { 8, (BYTE *)"position", NULL, 0 };
static WS_XML_STRING size_name = { 4, (BYTE *)"size", NULL, 0 };
static WS_XML_STRING total_name = { 5, (BYTE *)"total", NULL, 0 };
static WS_XML_STRING data_name = { 4, (BYTE *)"data", NULL, 0 };
static WS_XML_STRING request_action = { 25, (BYTE *)"urn:wsasync-e2e:files/get", NULL, 0 };
static WS_XML_STRING chunk_action = { 27, (BYTE *)"urn:wsasync-e2e:files/chunk", NULL, 0 };
/* A fault is a SOAP 1.2 Fault element (net.tcp's default envelope version) with the fault action
 * of WS-Addressing 1.0 (its default addressing version). */
static WS_XML_STRING fault_name = { 5, (BYTE *)"Fault", NULL, 0 };
static WS_XML_STRING soap12_ns = { 39, (BYTE *)"http://www.w3.org/2003/05/soap-envelope", NULL, 0 };
static WS_XML_STRING fault_action = { 47, (BYTE *)"http://www.w3.org/2005/08/addressing/soap/fault", NULL, 0 };

#define FIELD(field_name, type, struct_type, member) \
    { WS_ELEMENT_FIELD_MAPPING, &field_name, &ns, type, NULL, FIELD_OFFSET(struct_type, member), 0, NULL, 0, \
      NULL, NULL, NULL }

static WS_FIELD_DESCRIPTION request_name_field = FIELD(name_name, WS_WSZ_TYPE, struct file_request, name);
static WS_FIELD_DESCRIPTION request_position_field = FIELD(position_name, WS_INT64_TYPE, struct file_request, position);
static WS_FIELD_DESCRIPTION request_size_field = FIELD(size_name, WS_INT32_TYPE, struct file_request, size);
static WS_FIELD_DESCRIPTION *request_fields[] = { &request_name_field, &request_position_field, &request_size_field };
static WS_STRUCT_DESCRIPTION request_struct = { sizeof(struct file_request), TYPE_ALIGNMENT(struct file_request),
                                                request_fields, ARRAYSIZE(request_fields), &request_name, &ns,
                                                NULL, NULL, 0, 0 };
static WS_ELEMENT_DESCRIPTION request_element = { &request_name, &ns, WS_STRUCT_TYPE, &request_struct };

static WS_FIELD_DESCRIPTION chunk_position_field = FIELD(position_name, WS_INT64_TYPE, struct file_chunk, position);
static WS_FIELD_DESCRIPTION chunk_total_field = FIELD(total_name, WS_INT64_TYPE, struct file_chunk, total);
static WS_FIELD_DESCRIPTION chunk_data_field = FIELD(data_name, WS_BYTES_TYPE, struct file_chunk, data);
static WS_FIELD_DESCRIPTION *chunk_fields[] = { &chunk_position_field, &chunk_total_field, &chunk_data_field };
static WS_STRUCT_DESCRIPTION chunk_struct = { sizeof(struct file_chunk), TYPE_ALIGNMENT(struct file_chunk),
                                              chunk_fields, ARRAYSIZE(chunk_fields), &chunk_name, &ns,
                                              NULL, NULL, 0, 0 };
static WS_ELEMENT_DESCRIPTION chunk_element = { &chunk_name, &ns, WS_STRUCT_TYPE, &chunk_struct };

/* No type description: the message writes the fault in its own envelope version. */
static WS_ELEMENT_DESCRIPTION fault_element = { &fault_name, &soap12_ns, WS_FAULT_TYPE, NULL };

static WS_MESSAGE_DESCRIPTION request_description = { &request_action, &request_element };
static WS_MESSAGE_DESCRIPTION chunk_description = { &chunk_action, &chunk_element };
static WS_MESSAGE_DESCRIPTION fault_description = { &fault_action, &fault_element };
static const WS_MESSAGE_DESCRIPTION *reply_descriptions[] = { &chunk_description };

/* The properties every channel and message of the program is created with. */
static ULONG max_message = MAX_MESSAGE;
static WS_CHANNEL_PROPERTY channel_properties[] =
{
    { WS_CHANNEL_PROPERTY_MAX_BUFFERED_MESSAGE_SIZE, &max_message, sizeof(max_message) },
};
static SIZE_T heap_max = HEAP_SIZE;
static WS_HEAP_PROPERTY heap_property_array[] = { { WS_HEAP_PROPERTY_MAX_SIZE, &heap_max, sizeof(heap_max) } };
static WS_HEAP_PROPERTIES heap_properties = { heap_property_array, ARRAYSIZE(heap_property_array) };
static WS_MESSAGE_PROPERTY message_properties[] =
{
    { WS_MESSAGE_PROPERTY_HEAP_PROPERTIES, &heap_properties, sizeof(heap_properties) },
};

static WCHAR directory[MAX_PATH];  /* the served directory, also where the copies go */
static BYTE *original;             /* the served file's content */

static HRESULT create_message(WS_CHANNEL *channel, WS_MESSAGE **message, const char *who)
{
    char what[96];
    HRESULT hr = WsCreateMessageForChannel(channel, message_properties, ARRAYSIZE(message_properties), message, NULL);

    if (hr != S_OK)
    {
        snprintf(what, sizeof(what), "%s WsCreateMessageForChannel(WS_MESSAGE_PROPERTY_HEAP_PROPERTIES)", who);
        e2e_fail(what, hr, hr == E_INVALIDARG ? BUG_HEAP_PROPERTIES : BUG_NONE);
    }
    return hr;
}

static WS_HEAP *message_heap(WS_MESSAGE *message)
{
    WS_HEAP *heap = NULL;
    WsGetMessageProperty(message, WS_MESSAGE_PROPERTY_HEAP, &heap, sizeof(heap), NULL);
    return heap;
}

/* The service. */
static volatile LONG client_closing;  /* set when a client starts closing its session */

struct series
{
    struct e2e_series e2e;  /* first: the skeleton's part, e2e_service.h */
    WS_MESSAGE *request;
    WS_MESSAGE *reply;
    WS_ERROR *error;      /* the service's own error object, for faults */
    HANDLE file;
    BYTE *buffer;
    struct file_chunk chunk;
    WS_FAULT fault;       /* on the request's heap, until the reply is sent */
    LONG requests;
    LONG faults;
};

static struct series series[SERIES];

static HRESULT CALLBACK step_receive(HRESULT, WS_CALLBACK_MODEL, void *, WS_ASYNC_OPERATION *,
                                     const WS_ASYNC_CONTEXT *, WS_ERROR *);

static HRESULT CALLBACK step_replied(HRESULT hr, WS_CALLBACK_MODEL model, void *state, WS_ASYNC_OPERATION *next,
                                     const WS_ASYNC_CONTEXT *context, WS_ERROR *error)
{
    struct series *s = state;

    (void)model; (void)context; (void)error;
    if (hr != S_OK)
    {
        e2e_series_fail(&s->e2e, "WsSendReplyMessage", hr, hr == E_NOTIMPL ? BUG_HEADER_ENCODING : BUG_NONE);
        return hr;
    }
    /* A session carries the client's next request; an HTTP channel has answered its one. */
    next->function = e2e_transport->session ? step_receive : e2e_step_close;
    return S_OK;
}

static HRESULT CALLBACK step_fault_sent(HRESULT hr, WS_CALLBACK_MODEL model, void *state, WS_ASYNC_OPERATION *next,
                                        const WS_ASYNC_CONTEXT *context, WS_ERROR *error)
{
    struct series *s = state;

    (void)model; (void)context; (void)error;
    if (hr != S_OK)
    {
        e2e_series_fail(&s->e2e, "WsSendReplyMessage(fault)", hr, hr == E_NOTIMPL ? BUG_FAULT_WRITE : BUG_NONE);
        return hr;
    }
    next->function = e2e_transport->session ? step_receive : e2e_step_close;
    return S_OK;
}

/* Answers a request for a file that cannot be read: a fault made from the service's error. */
static HRESULT reply_fault(struct series *s, const WCHAR *name, HRESULT failure, WS_HEAP *heap,
                           WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context, WS_ERROR *error)
{
    WCHAR text[MAX_PATH + 32];
    WS_STRING string;
    HRESULT hr;

    WsResetError(s->error);
    swprintf(text, ARRAYSIZE(text), L"no such file: %ls", name);
    string.chars = text;
    string.length = (ULONG)wcslen(text);
    WsAddErrorString(s->error, &string);
    memset(&s->fault, 0, sizeof(s->fault));
    /* Wine 8.0 has it as a stub: the call aborts the process (the crash filter reports it). */
    e2e_phase_set("service creating a fault", BUG_FAULT_FROM_ERROR);
    hr = WsCreateFaultFromError(s->error, failure, E2E_FULL_FAULT_DISCLOSURE, heap, &s->fault);
    if (hr != S_OK)
    {
        e2e_series_fail(&s->e2e, "WsCreateFaultFromError", hr, BUG_NONE);
        return hr;
    }
    s->faults++;
    e2e_phase_set("service sending a fault", BUG_NONE);
    next->function = step_fault_sent;
    return WsSendReplyMessage(s->e2e.channel, s->reply, &fault_description, WS_WRITE_REQUIRED_VALUE, &s->fault,
                              sizeof(s->fault), s->request, context, error);
}

/* A request has started: read it and answer it, with synchronous calls on this channel. */
static HRESULT CALLBACK step_received(HRESULT hr, WS_CALLBACK_MODEL model, void *state, WS_ASYNC_OPERATION *next,
                                      const WS_ASYNC_CONTEXT *context, WS_ERROR *error)
{
    struct series *s = state;
    struct file_request *request = NULL;
    WS_HEAP *heap = message_heap(s->request);
    WS_XML_STRING action;
    WCHAR path[MAX_PATH * 2];
    LARGE_INTEGER size, offset;
    DWORD done = 0;

    if (hr == WS_S_END)
    {
        next->function = e2e_step_close;
        return S_OK;
    }
    if (hr != S_OK)
    {
        /* A client closing without an End record: the read fails instead of WS_S_END. */
        e2e_series_fail(&s->e2e, "WsReadMessageStart", hr,
                        hr == (HRESULT)WS_E_INVALID_FORMAT && client_closing ? BUG_NO_END_RECORD : BUG_NONE);
        return hr;
    }
    if (model != WS_LONG_CALLBACK)
    {
        e2e_series_fail(&s->e2e, "request step invoked short, it needs to block", E_FAIL, BUG_NONE);
        return E_FAIL;
    }

    memset(&action, 0, sizeof(action));
    hr = WsGetHeader(s->request, WS_ACTION_HEADER, WS_XML_STRING_TYPE, WS_READ_REQUIRED_VALUE, heap, &action,
                     sizeof(action), error);
    if (hr != S_OK || action.length != request_action.length ||
        memcmp(action.bytes, request_action.bytes, action.length))
    {
        e2e_series_fail(&s->e2e, "WsGetHeader(WS_ACTION_HEADER): not the request action", FAILED(hr) ? hr : E_FAIL,
                        BUG_NONE);
        return FAILED(hr) ? hr : E_FAIL;
    }

    e2e_phase_set("service reading a request synchronously in a completion", BUG_COMPLETION_ON_QUEUE);
    hr = WsReadBody(s->request, &request_element, WS_READ_REQUIRED_POINTER, heap, &request, sizeof(request), error);
    if (hr != S_OK)
    {
        /* The request's position is a 64-bit field, written as a shorter integer record. */
        e2e_series_fail(&s->e2e, "WsReadBody(request)", hr, hr == E_NOTIMPL ? BUG_INT64_BINARY : BUG_NONE);
        return hr;
    }
    hr = WsReadMessageEnd(s->e2e.channel, s->request, NULL, error);
    if (hr != S_OK)
    {
        e2e_series_fail(&s->e2e, "WsReadMessageEnd", hr, BUG_NONE);
        return hr;
    }
    e2e_phase_set("service processing a request", BUG_NONE);
    s->requests++;

    WsResetMessage(s->reply, NULL);
    swprintf(path, ARRAYSIZE(path), L"%ls\\%ls", directory, request->name);
    if (wcschr(request->name, '\\') || wcschr(request->name, '/') ||
        (s->file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL)) ==
        INVALID_HANDLE_VALUE)
        return reply_fault(s, request->name, HRESULT_FROM_WIN32(GetLastError()), heap, next, context, error);

    GetFileSizeEx(s->file, &size);
    s->chunk.position = request->position;
    s->chunk.total = size.QuadPart;
    s->chunk.data.bytes = s->buffer;
    s->chunk.data.length = 0;
    if (request->position >= 0)
    {
        DWORD want = request->size < 0 || request->size > CHUNK ? CHUNK : (DWORD)request->size;
        offset.QuadPart = request->position;
        if (!SetFilePointerEx(s->file, offset, NULL, FILE_BEGIN) || !ReadFile(s->file, s->buffer, want, &done, NULL))
        {
            HRESULT failure = HRESULT_FROM_WIN32(GetLastError());
            CloseHandle(s->file);
            return reply_fault(s, request->name, failure, heap, next, context, error);
        }
        s->chunk.data.length = done;
    }
    CloseHandle(s->file);

    e2e_phase_set("service replying", BUG_NONE);
    next->function = step_replied;
    return WsSendReplyMessage(s->e2e.channel, s->reply, &chunk_description, WS_WRITE_REQUIRED_VALUE, &s->chunk,
                              sizeof(s->chunk), s->request, context, error);
}

static HRESULT CALLBACK step_receive(HRESULT hr, WS_CALLBACK_MODEL model, void *state, WS_ASYNC_OPERATION *next,
                                     const WS_ASYNC_CONTEXT *context, WS_ERROR *error)
{
    struct series *s = state;

    (void)hr; (void)model;
    WsResetMessage(s->request, NULL);
    next->function = step_received;
    return WsReadMessageStart(s->e2e.channel, s->request, context, error);
}

/* Each session accepted: the binary session encoding, net.tcp's default; over HTTP, text (UTF-8),
 * HTTP's. */
static HRESULT check_encoding(struct e2e_series *s)
{
    WS_ENCODING expected = e2e_transport->session ? WS_ENCODING_XML_BINARY_SESSION_1 : WS_ENCODING_XML_UTF8;
    WS_ENCODING encoding = 0;

    if (WsGetChannelProperty(s->channel, WS_CHANNEL_PROPERTY_ENCODING, &encoding, sizeof(encoding), NULL) != S_OK ||
        encoding != expected)
    {
        e2e_series_fail(s, e2e_transport->session ? "channel encoding: expected binary session"
                                                  : "channel encoding: expected UTF-8 text", E_FAIL, BUG_NONE);
        return E_FAIL;
    }
    return S_OK;
}

/* The client side. */
static HRESULT open_client(WS_CHANNEL **channel, WS_MESSAGE **request, WS_MESSAGE **reply, const char *who)
{
    HRESULT hr;

    *request = *reply = NULL;
    if ((hr = e2e_open_channel(&e2e_service.url, channel_properties, ARRAYSIZE(channel_properties), channel, NULL,
                               who)) != S_OK)
        return hr;
    if ((hr = create_message(*channel, request, who)) != S_OK) return hr;
    return create_message(*channel, reply, who);
}

static void close_client(WS_CHANNEL *channel, WS_MESSAGE *request, WS_MESSAGE *reply, const char *who)
{
    char what[96];
    HRESULT hr;

    if (!channel) return;
    InterlockedExchange(&client_closing, 1);
    if ((hr = WsCloseChannel(channel, NULL, NULL)) != S_OK)
    {
        snprintf(what, sizeof(what), "%s WsCloseChannel", who);
        e2e_fail(what, hr, BUG_NONE);
    }
    if (request) WsFreeMessage(request);
    if (reply) WsFreeMessage(reply);
    WsFreeChannel(channel);
}

/* One request/reply; *index tells which reply arrived (0 chunk), *body its content. With an error
 * object, a fault is an expected answer: WS_E_ENDPOINT_FAULT_RECEIVED, the fault in the error. */
static HRESULT call(WS_CHANNEL *channel, WS_MESSAGE *request, WS_MESSAGE *reply, const WCHAR *name, INT64 position,
                    void **body, ULONG *index, WS_ERROR *error, const char *who)
{
    struct file_request request_body = { (WCHAR *)name, position, CHUNK };
    char what[128];
    HRESULT hr;

    WsResetMessage(request, NULL);
    WsResetMessage(reply, NULL);
    *body = NULL;
    *index = ~0u;
    hr = WsSendMessage(channel, request, &request_description, WS_WRITE_REQUIRED_VALUE, &request_body,
                       sizeof(request_body), NULL, NULL);
    if (hr != S_OK)
    {
        snprintf(what, sizeof(what), "%s WsSendMessage(position %lld)", who, position);
        e2e_fail(what, hr, hr == E_NOTIMPL ? BUG_HEADER_ENCODING : BUG_NONE);
        return hr;
    }
    hr = WsReceiveMessage(channel, reply, reply_descriptions, ARRAYSIZE(reply_descriptions),
                          WS_RECEIVE_REQUIRED_MESSAGE, WS_READ_REQUIRED_POINTER, message_heap(reply), body,
                          sizeof(*body), index, NULL, error);
    if (error && hr != S_OK && hr != (HRESULT)WS_E_ENDPOINT_FAULT_RECEIVED)
    {
        /* The fault was read but not reported (or, without patch 0017, not read). */
        snprintf(what, sizeof(what), "%s WsReceiveMessage(fault expected)", who);
        e2e_fail(what, hr, hr == (HRESULT)WS_E_INVALID_FORMAT ? BUG_FAULT_NOT_REPORTED : BUG_NONE);
    }
    else if (!error && hr != S_OK)
    {
        /* The reply's position and total are 64-bit fields. */
        snprintf(what, sizeof(what), "%s WsReceiveMessage(position %lld)", who, position);
        e2e_fail(what, hr, hr == E_NOTIMPL ? BUG_INT64_BINARY : BUG_NONE);
    }
    return hr;
}

static DWORD WINAPI client_thread(void *param)
{
    int client = (int)(INT_PTR)param;
    WS_CHANNEL *channel;
    WS_MESSAGE *request, *reply;
    WCHAR copy_path[MAX_PATH * 2];
    const struct file_chunk *chunk;
    WS_ERROR *error = NULL;
    WS_FAULT *fault = NULL;
    void *body;
    char who[32], what[160];
    HANDLE copy = INVALID_HANDLE_VALUE;
    INT64 total, position;
    ULONG index;
    BYTE *content = NULL;
    DWORD read = 0;
    HRESULT hr;

    snprintf(who, sizeof(who), "client %d", client);
    if (open_client(&channel, &request, &reply, who) != S_OK) goto done;

    /* The size first (position -1), then the chunks, each written to the copy. */
    if (call(channel, request, reply, L"data.bin", -1, &body, &index, NULL, who) != S_OK) goto done;
    chunk = body;
    if (index != 0 || chunk->position != -1 || chunk->total != FILE_SIZE)
    {
        snprintf(what, sizeof(what), "%s: size reply %lu, position %lld, total %lld (expected %d)", who,
                 (unsigned long)index, index ? 0 : chunk->position, index ? 0 : chunk->total, FILE_SIZE);
        e2e_fail(what, E_FAIL, BUG_NONE);
        goto done;
    }
    total = chunk->total;
    swprintf(copy_path, ARRAYSIZE(copy_path), L"%ls\\copy%d.bin", directory, client);
    copy = CreateFileW(copy_path, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    if (copy == INVALID_HANDLE_VALUE)
    {
        e2e_fail("creating the copy", HRESULT_FROM_WIN32(GetLastError()), BUG_NONE);
        goto done;
    }
    for (position = 0; position < total; position += chunk->data.length)
    {
        DWORD written = 0;

        if (call(channel, request, reply, L"data.bin", position, &body, &index, NULL, who) != S_OK) goto done;
        chunk = body;
        if (index != 0 || chunk->position != position || chunk->total != total || !chunk->data.length ||
            chunk->data.length > CHUNK)
        {
            snprintf(what, sizeof(what), "%s: chunk reply %lu at %lld: position %lld, total %lld, %lu bytes",
                     who, (unsigned long)index, position, index ? 0 : chunk->position, index ? 0 : chunk->total,
                     index ? 0ul : (unsigned long)chunk->data.length);
            e2e_fail(what, E_FAIL, BUG_NONE);
            goto done;
        }
        if (!WriteFile(copy, chunk->data.bytes, chunk->data.length, &written, NULL) ||
            written != chunk->data.length)
        {
            e2e_fail("writing the copy", HRESULT_FROM_WIN32(GetLastError()), BUG_NONE);
            goto done;
        }
    }

    /* The copy, read back, byte for byte. */
    content = malloc(FILE_SIZE + 1);
    SetFilePointer(copy, 0, NULL, FILE_BEGIN);
    if (!content || !ReadFile(copy, content, FILE_SIZE + 1, &read, NULL) || read != FILE_SIZE ||
        memcmp(content, original, FILE_SIZE))
    {
        DWORD i = 0;
        if (content) while (i < read && i < FILE_SIZE && content[i] == original[i]) i++;
        snprintf(what, sizeof(what), "%s: the copy differs from the original (%lu bytes, first difference at %lu)",
                 who, (unsigned long)read, (unsigned long)i);
        e2e_fail(what, E_FAIL, BUG_NONE);
        goto done;
    }
    printf("%s: copied %d bytes in %d-byte chunks, identical\n", who, FILE_SIZE, CHUNK);

    /* A missing file: a SOAP fault, not a reply and not a hang. */
    if (client == 0)
    {
        if ((hr = WsCreateError(NULL, 0, &error)) != S_OK)
        {
            e2e_fail("WsCreateError", hr, BUG_NONE);
            goto done;
        }
        hr = call(channel, request, reply, L"missing.bin", -1, &body, &index, error, who);
        if (hr == S_OK)
        {
            snprintf(what, sizeof(what), "%s: missing file: a reply (%lu) instead of a fault", who,
                     (unsigned long)index);
            e2e_fail(what, E_FAIL, BUG_NONE);
            goto done;
        }
        if (hr != (HRESULT)WS_E_ENDPOINT_FAULT_RECEIVED) goto done;
        hr = WsGetFaultErrorProperty(error, WS_FAULT_ERROR_PROPERTY_FAULT, &fault, sizeof(fault));
        if (hr != S_OK || !fault || !fault->code || !fault->code->value.localName.length || !fault->reasonCount ||
            !e2e_string_contains(&fault->reasons[0].text, L"missing.bin"))
        {
            snprintf(what, sizeof(what), "%s: missing file: fault %s, code of %lu bytes, %lu reasons, "
                     "the first without the file name", who, fault ? "received" : "absent",
                     fault && fault->code ? (unsigned long)fault->code->value.localName.length : 0ul,
                     fault ? (unsigned long)fault->reasonCount : 0ul);
            e2e_fail(what, FAILED(hr) ? hr : E_FAIL, BUG_NONE);
            goto done;
        }
        printf("%s: missing file: fault %.*s (%.*s), \"%.*ls\"\n", who, (int)fault->code->value.localName.length,
               (const char *)fault->code->value.localName.bytes, (int)fault->code->value.ns.length,
               (const char *)fault->code->value.ns.bytes, (int)fault->reasons[0].text.length,
               fault->reasons[0].text.chars);
    }

done:
    free(content);
    if (error) WsFreeError(error);
    if (copy != INVALID_HANDLE_VALUE) CloseHandle(copy);
    close_client(channel, request, reply, who);
    return 0;
}

static BOOL make_served_file(void)
{
    WCHAR path[MAX_PATH * 2];
    DWORD i, seed = 0x12345678, written = 0;
    HANDLE file;
    BOOL ok;

    GetTempPathW(MAX_PATH, path);
    swprintf(directory, ARRAYSIZE(directory), L"%lswsasync-e2e-files-%lu", path, GetCurrentProcessId());
    if (!CreateDirectoryW(directory, NULL) && GetLastError() != ERROR_ALREADY_EXISTS) return FALSE;
    if (!(original = malloc(FILE_SIZE))) return FALSE;
    for (i = 0; i < FILE_SIZE; i++)
    {
        seed = seed * 1103515245 + 12345;
        original[i] = (BYTE)(seed >> 16);
    }
    swprintf(path, ARRAYSIZE(path), L"%ls\\data.bin", directory);
    file = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) return FALSE;
    ok = WriteFile(file, original, FILE_SIZE, &written, NULL) && written == FILE_SIZE;
    CloseHandle(file);
    return ok;
}

static void remove_served_files(void)
{
    WCHAR path[MAX_PATH * 2];
    int i;

    swprintf(path, ARRAYSIZE(path), L"%ls\\data.bin", directory);
    DeleteFileW(path);
    for (i = 0; i < CLIENTS; i++)
    {
        swprintf(path, ARRAYSIZE(path), L"%ls\\copy%d.bin", directory, i);
        DeleteFileW(path);
    }
    RemoveDirectoryW(directory);
}

int main(int argc, char **argv)
{
    HANDLE clients[CLIENTS], thread;
    LONG requests = 0, faults = 0;
    HRESULT hr;
    int i;

    if (!e2e_choose_transport(argc, argv)) return 2;
    e2e_init(150);
    if (!make_served_file())
    {
        e2e_fail("creating the served file", HRESULT_FROM_WIN32(GetLastError()), BUG_NONE);
        return 1;
    }

    /* The request step blocks (synchronous calls on its channel), and so may the reset step: both
     * must be invoked long. */
    if (e2e_service_open(SERIES, step_receive, check_encoding, E2E_RESET_LONG) != S_OK) return 1;
    for (i = 0; i < SERIES; i++)
    {
        struct series *s = &series[i];

        if (e2e_service_add(&s->e2e, channel_properties, ARRAYSIZE(channel_properties)) != S_OK) return 1;
        if (create_message(s->e2e.channel, &s->request, "service") != S_OK ||
            create_message(s->e2e.channel, &s->reply, "service") != S_OK)
            return 1;
        if ((hr = WsCreateError(NULL, 0, &s->error)) != S_OK || !(s->buffer = malloc(CHUNK)))
        {
            e2e_fail("service set-up", hr, BUG_NONE);
            return 1;
        }
    }

    /* Each series starts on a thread of its own, which may block (Wine's WsAcceptChannel waits
     * for a connection even when given an asynchronous context). */
    for (i = 0; i < SERIES; i++)
    {
        thread = e2e_service_start_series(i);
        if (thread) CloseHandle(thread);
    }
    Sleep(200);  /* the series reach their accepts */

    e2e_phase_set("clients copying", BUG_NONE);
    for (i = 0; i < CLIENTS; i++) clients[i] = CreateThread(NULL, 0, client_thread, (void *)(INT_PTR)i, 0, NULL);
    if ((i = e2e_wait_threads(CLIENTS, clients, 100000, "the clients"))) return i;

    if ((i = e2e_service_stop())) return i;
    for (i = 0; i < SERIES; i++)
    {
        requests += series[i].requests;
        faults += series[i].faults;
    }
    printf("service: %ld requests answered, %ld faults sent\n", requests, faults);
    if (faults != 1 && !e2e_failures) e2e_fail("service: faults sent (expected 1)", faults, BUG_NONE);

    for (i = 0; i < SERIES; i++)
    {
        WsFreeMessage(series[i].request);
        WsFreeMessage(series[i].reply);
        WsFreeError(series[i].error);
        free(series[i].buffer);
    }
    e2e_service_close();
    remove_served_files();
    return e2e_finish("fileservice");
}
