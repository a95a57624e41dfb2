/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * End-to-end program: a request-reply service whose channels are each served by one
 * WsAsyncExecute series, its clients calling WsRequestReply synchronously and asynchronously, and
 * raw connections sending it malformed framing or requests. Over net.tcp (no argument, or
 * "net.tcp") or over HTTP ("http").
 *
 * The service has one listener and SERIES channels on it: over net.tcp duplex sessions (binary
 * session encoding), over HTTP reply channels (SOAP 1.2 text). Each channel's series (e2e_service.h's
 * skeleton) loops: accept asynchronously (WsAcceptChannel with the series' context; over HTTP the
 * accept completes with a request), WsReadMessageStart, the action header and WsReadBody,
 * WsReadMessageEnd; then the answer, a reply initialised from the request, in one of three ways
 * by the request's sequence number:
 *   0  WsInitializeMessage(WS_REPLY_MESSAGE, request), the action by WsSetHeader,
 *      WsWriteMessageStart, WsWriteBody, WsWriteMessageEnd;
 *   1  WsInitializeMessage(WS_REPLY_MESSAGE, request), then a synchronous WsSendReplyMessage;
 *   2  an empty reply and an asynchronous WsSendReplyMessage whose value lives on the step's
 *      stack;
 * or, for a bad request (a negative value, an unknown operation), WsSendFaultMessageForError with
 * a WS_ERROR holding a string of the service's (WsAddErrorString); a session goes on until the
 * client closes it (WS_S_END), an HTTP channel is closed once it has answered. An error costs only
 * its session: the channel is closed, reset and accepts again.
 *
 * CLIENTS client threads per round each open a channel asynchronously (the endpoint address on
 * the step's stack), make ROUNDS requests with WsRequestReply, even ones synchronously and odd
 * ones through a WsAsyncExecute series whose step passes its context to WsRequestReply, the
 * request on the step's stack, and returns WS_S_ASYNC at once; replies are read with
 * WS_READ_REQUIRED_POINTER, each checked (the square of the value sent, echoed with the client
 * and sequence) and its RelatesTo compared with the request's MessageID where both can be read.
 * Each client then sends one bad request: WsRequestReply must return
 * WS_E_ENDPOINT_FAULT_RECEIVED and the fault's reason (WS_FAULT_ERROR_PROPERTY_FAULT, or the
 * strings of WsGetErrorString) must hold the service's string; one more good request follows.
 * Between the two rounds, the attack phase of e2e.h: raw connections with malformed framing or
 * malformed HTTP requests, each of which must cost the service at most one channel error and no
 * handle.
 *
 * Exit code 0 when all of that held. A failure names the Wine bug whose symptom it
 * is, by the number of its patch (wine/bugs.tsv, see e2e.h); a watchdog ends a hung run.
 */
#include "e2e_service.h"

#define SERIES  4
#define CLIENTS 4
#define ROUNDS  8
#define BAD_VALUE (-7)

struct calc_request
{
    WCHAR *operation;
    INT32 client;
    INT32 sequence;
    INT32 value;
};

struct calc_reply
{
    INT32 client;
    INT32 sequence;
    INT32 value;
    INT64 result;
};

static WS_XML_STRING ns = { 20, (BYTE *)"urn:wsasync-e2e:calc", NULL, 0 };
static WS_XML_STRING request_name = { 7, (BYTE *)"request", NULL, 0 };
static WS_XML_STRING reply_name = { 5, (BYTE *)"reply", NULL, 0 };
static WS_XML_STRING operation_name = { 9, (BYTE *)"operation", NULL, 0 };
static WS_XML_STRING client_name = { 6, (BYTE *)"client", NULL, 0 };
static WS_XML_STRING sequence_name = { 8, (BYTE *)"sequence", NULL, 0 };
static WS_XML_STRING value_name = { 5, (BYTE *)"value", NULL, 0 };
static WS_XML_STRING result_name = { 6, (BYTE *)"result", NULL, 0 };
static WS_XML_STRING request_action = { 28, (BYTE *)"urn:wsasync-e2e:calc/request", NULL, 0 };
static WS_XML_STRING reply_action = { 26, (BYTE *)"urn:wsasync-e2e:calc/reply", NULL, 0 };

#define FIELD(field_name, type, struct_type, member) \
    { WS_ELEMENT_FIELD_MAPPING, &field_name, &ns, type, NULL, FIELD_OFFSET(struct_type, member), 0, NULL, 0, \
      NULL, NULL, NULL }

static WS_FIELD_DESCRIPTION request_operation_field = FIELD(operation_name, WS_WSZ_TYPE, struct calc_request, operation);
static WS_FIELD_DESCRIPTION request_client_field = FIELD(client_name, WS_INT32_TYPE, struct calc_request, client);
static WS_FIELD_DESCRIPTION request_sequence_field = FIELD(sequence_name, WS_INT32_TYPE, struct calc_request, sequence);
static WS_FIELD_DESCRIPTION request_value_field = FIELD(value_name, WS_INT32_TYPE, struct calc_request, value);
static WS_FIELD_DESCRIPTION *request_fields[] = { &request_operation_field, &request_client_field,
                                                  &request_sequence_field, &request_value_field };
static WS_STRUCT_DESCRIPTION request_struct = { sizeof(struct calc_request), TYPE_ALIGNMENT(struct calc_request),
                                                request_fields, ARRAYSIZE(request_fields), &request_name, &ns,
                                                NULL, NULL, 0, 0 };
static WS_ELEMENT_DESCRIPTION request_element = { &request_name, &ns, WS_STRUCT_TYPE, &request_struct };

static WS_FIELD_DESCRIPTION reply_client_field = FIELD(client_name, WS_INT32_TYPE, struct calc_reply, client);
static WS_FIELD_DESCRIPTION reply_sequence_field = FIELD(sequence_name, WS_INT32_TYPE, struct calc_reply, sequence);
static WS_FIELD_DESCRIPTION reply_value_field = FIELD(value_name, WS_INT32_TYPE, struct calc_reply, value);
static WS_FIELD_DESCRIPTION reply_result_field = FIELD(result_name, WS_INT64_TYPE, struct calc_reply, result);
static WS_FIELD_DESCRIPTION *reply_fields[] = { &reply_client_field, &reply_sequence_field, &reply_value_field,
                                                &reply_result_field };
static WS_STRUCT_DESCRIPTION reply_struct = { sizeof(struct calc_reply), TYPE_ALIGNMENT(struct calc_reply),
                                              reply_fields, ARRAYSIZE(reply_fields), &reply_name, &ns,
                                              NULL, NULL, 0, 0 };
static WS_ELEMENT_DESCRIPTION reply_element = { &reply_name, &ns, WS_STRUCT_TYPE, &reply_struct };

static WS_MESSAGE_DESCRIPTION request_description = { &request_action, &request_element };
static WS_MESSAGE_DESCRIPTION reply_description = { &reply_action, &reply_element };

/* What an input of an asynchronous call is overwritten with once the call has returned: a DLL
 * that reads it later sends this instead of what it was given. */
#define SCRIBBLE_BYTE 0x5c
#define SCRIBBLED_INT32 0x5c5c5c5c
static const WCHAR scribbled_operation[] = L"scribbled";
static const WCHAR scribbled_url[] = L"net.tcp://127.0.0.1:1/";

/* The service. */
enum reply_way { WAY_WRITE_MESSAGE, WAY_SEND_SYNC, WAY_SEND_ASYNC, WAY_FAULT, WAY_COUNT };

struct series
{
    struct e2e_series e2e;         /* first: the skeleton's part, e2e_service.h */
    WS_MESSAGE *request;
    WS_MESSAGE *reply;
    WS_HEAP *heap;                 /* the request's body */
    WS_ERROR *fault_error;         /* what a fault says */
    const struct calc_request *body;
    struct calc_reply answer;      /* the reply's value, for the ways that keep it here */
    LONG answered[WAY_COUNT];
    LONG errors;                   /* sessions ended by an error */
};

static struct series series[SERIES];

static HRESULT CALLBACK step_receive(HRESULT, WS_CALLBACK_MODEL, void *, WS_ASYNC_OPERATION *,
                                     const WS_ASYNC_CONTEXT *, WS_ERROR *);

/* A session ends in an error: an attack's is expected, any other is a failure. Either way only
 * this session is lost: the channel is closed (no call is pending on it, nothing to abort), reset,
 * and accepts again. */
static HRESULT session_error(struct series *s, const char *call, HRESULT hr, enum e2e_bug bug, WS_ASYNC_OPERATION *next)
{
    s->errors++;
    if (e2e_attack_session_error())
        printf("service channel %d: %s 0x%08lx (an attack)\n", s->e2e.index, call, (unsigned long)hr);
    else
        e2e_series_fail(&s->e2e, call, hr, bug);
    next->function = e2e_step_close;
    return S_OK;
}

static HRESULT CALLBACK step_replied(HRESULT hr, WS_CALLBACK_MODEL model, void *state, WS_ASYNC_OPERATION *next,
                                     const WS_ASYNC_CONTEXT *context, WS_ERROR *error)
{
    struct series *s = state;

    (void)model; (void)context; (void)error;
    if (hr != S_OK)
        return session_error(s, "sending the reply", hr, hr == E_NOTIMPL ? BUG_HEADER_ENCODING : BUG_NONE, next);
    /* A session carries the client's next request; an HTTP channel has answered its one. */
    next->function = e2e_transport->session ? step_receive : e2e_step_close;
    return S_OK;
}

/* Way 0, after WsWriteMessageStart: the body, then the end of the message. */
static HRESULT CALLBACK step_reply_started(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                           WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                           WS_ERROR *error)
{
    struct series *s = state;

    (void)model;
    if (hr != S_OK)
        return session_error(s, "WsWriteMessageStart(reply)", hr, hr == E_NOTIMPL ? BUG_HEADER_ENCODING : BUG_NONE, next);
    if ((hr = WsWriteBody(s->reply, &reply_element, WS_WRITE_REQUIRED_VALUE, &s->answer, sizeof(s->answer),
                          error)) != S_OK)
        return session_error(s, "WsWriteBody(reply)", hr, BUG_NONE, next);
    next->function = step_replied;
    return WsWriteMessageEnd(s->e2e.channel, s->reply, context, error);
}

/* A bad request: a fault carrying the service's own string. */
static HRESULT answer_fault(struct series *s, const struct calc_request *request, WS_ASYNC_OPERATION *next,
                            const WS_ASYNC_CONTEXT *context, WS_ERROR *error)
{
    WCHAR text[128];
    WS_STRING string;
    HRESULT hr;

    if (request->value < 0)
        swprintf(text, ARRAYSIZE(text), L"negative value %d from client %d", request->value, request->client);
    else
        swprintf(text, ARRAYSIZE(text), L"unknown operation '%ls' from client %d", request->operation,
                 request->client);
    string.chars = text;
    string.length = (ULONG)wcslen(text);
    WsResetError(s->fault_error);
    if ((hr = WsAddErrorString(s->fault_error, &string)) != S_OK)
    {
        e2e_series_fail(&s->e2e, "WsAddErrorString", hr, BUG_NONE);
        next->function = e2e_step_close;
        return S_OK;
    }
    s->answered[WAY_FAULT]++;
    /* Wine 8.0 has it as a stub: the call aborts the process (the crash filter reports it). */
    e2e_phase_set("service sending a fault", BUG_FAULT_FOR_ERROR);
    next->function = step_replied;
    return WsSendFaultMessageForError(s->e2e.channel, s->reply, s->fault_error, E_INVALIDARG,
                                      E2E_FULL_FAULT_DISCLOSURE, s->request, context, error);
}

/* The request has been read: answer it. */
static HRESULT CALLBACK step_request_read(HRESULT hr, WS_CALLBACK_MODEL model, void *state, WS_ASYNC_OPERATION *next,
                                          const WS_ASYNC_CONTEXT *context, WS_ERROR *error)
{
    struct series *s = state;
    const struct calc_request *request = s->body;
    struct calc_reply answer;  /* way 2: on this step's stack, the call must take a copy */
    enum reply_way way;

    if (hr != S_OK) return session_error(s, "WsReadMessageEnd", hr, BUG_NONE, next);
    if (!request->operation || wcscmp(request->operation, L"square") || request->value < 0)
        return answer_fault(s, request, next, context, error);

    answer.client = request->client;
    answer.sequence = request->sequence;
    answer.value = request->value;
    answer.result = (INT64)request->value * request->value;
    way = (enum reply_way)(request->sequence % 3);
    /* A synchronous call needs a step invoked long; a short one answers asynchronously. */
    if (way == WAY_SEND_SYNC && model != WS_LONG_CALLBACK) way = WAY_SEND_ASYNC;
    s->answered[way]++;
    e2e_phase_set("service replying", BUG_NONE);

    if (way == WAY_SEND_ASYNC)
    {
        next->function = step_replied;
        hr = WsSendReplyMessage(s->e2e.channel, s->reply, &reply_description, WS_WRITE_REQUIRED_VALUE, &answer,
                                sizeof(answer), s->request, context, error);
        if (hr == WS_S_ASYNC) e2e_scribble(&answer, sizeof(answer), SCRIBBLE_BYTE);
        return hr;
    }

    /* The reply is addressed from the request: RelatesTo carries the request's MessageID. */
    if ((hr = WsInitializeMessage(s->reply, WS_REPLY_MESSAGE, s->request, error)) != S_OK)
    {
        e2e_series_fail(&s->e2e, "WsInitializeMessage(WS_REPLY_MESSAGE, request)", hr,
                        hr == E_NOTIMPL ? BUG_REPLY_FROM_REQUEST : BUG_NONE);
        next->function = e2e_step_close;
        return S_OK;
    }
    s->answer = answer;
    if (way == WAY_SEND_SYNC)
    {
        hr = WsSendReplyMessage(s->e2e.channel, s->reply, &reply_description, WS_WRITE_REQUIRED_VALUE, &s->answer,
                                sizeof(s->answer), s->request, NULL, error);
        next->function = step_replied;
        return hr;
    }
    if ((hr = WsSetHeader(s->reply, WS_ACTION_HEADER, WS_XML_STRING_TYPE, WS_WRITE_REQUIRED_VALUE, &reply_action,
                          sizeof(reply_action), error)) != S_OK)
        return session_error(s, "WsSetHeader(reply action)", hr, BUG_NONE, next);
    next->function = step_reply_started;
    return WsWriteMessageStart(s->e2e.channel, s->reply, context, error);
}

/* A request has started: its action, its body, then the end of the message. */
static HRESULT CALLBACK step_received(HRESULT hr, WS_CALLBACK_MODEL model, void *state, WS_ASYNC_OPERATION *next,
                                      const WS_ASYNC_CONTEXT *context, WS_ERROR *error)
{
    struct series *s = state;
    struct calc_request *request = NULL;
    WS_XML_STRING action;

    (void)model;
    if (hr == WS_S_END)
    {
        next->function = e2e_step_close;
        return S_OK;
    }
    if (hr != S_OK) return session_error(s, "WsReadMessageStart", hr, BUG_NONE, next);

    memset(&action, 0, sizeof(action));
    hr = WsGetHeader(s->request, WS_ACTION_HEADER, WS_XML_STRING_TYPE, WS_READ_REQUIRED_VALUE, s->heap, &action,
                     sizeof(action), error);
    if (hr != S_OK || action.length != request_action.length ||
        memcmp(action.bytes, request_action.bytes, action.length))
        return session_error(s, "WsGetHeader(WS_ACTION_HEADER): not the request action", FAILED(hr) ? hr : E_FAIL,
                             BUG_NONE, next);
    /* The body is buffered: reading it does not block. */
    hr = WsReadBody(s->request, &request_element, WS_READ_REQUIRED_POINTER, s->heap, &request, sizeof(request),
                    error);
    if (hr != S_OK) return session_error(s, "WsReadBody(request)", hr, BUG_NONE, next);
    s->body = request;
    next->function = step_request_read;
    return WsReadMessageEnd(s->e2e.channel, s->request, context, error);
}

static HRESULT CALLBACK step_receive(HRESULT hr, WS_CALLBACK_MODEL model, void *state, WS_ASYNC_OPERATION *next,
                                     const WS_ASYNC_CONTEXT *context, WS_ERROR *error)
{
    struct series *s = state;

    (void)hr; (void)model;
    WsResetMessage(s->request, NULL);
    WsResetMessage(s->reply, NULL);
    WsResetHeap(s->heap, NULL);
    e2e_phase_set("service waiting for a request", BUG_NONE);
    next->function = step_received;
    return WsReadMessageStart(s->e2e.channel, s->request, context, error);
}

/* The clients. */
struct client
{
    WS_ASYNC_STATE state;
    int index;
    int round;
    WS_CHANNEL *channel;
    WS_MESSAGE *request;
    WS_MESSAGE *reply;
    WS_HEAP *heap;
    WS_ERROR *error;
    struct calc_reply *answer;   /* WsRequestReply's output: kept until its completion */
    const WCHAR *operation;      /* the request to make */
    INT32 sequence;
    INT32 value;
    HRESULT result;
    HANDLE done;
    char name[32];
};

static volatile LONG relates_to_checked, relates_to_unreadable;

static void client_fail(struct client *c, const char *call, HRESULT hr, enum e2e_bug bug)
{
    char what[200];
    snprintf(what, sizeof(what), "%s %s", c->name, call);
    e2e_fail(what, hr, bug);
}

/* The request, made with the given context (NULL: synchronously). Its inputs live on this
 * frame only: once an asynchronous call has returned they are overwritten. */
static HRESULT request_reply(struct client *c, const WS_ASYNC_CONTEXT *context)
{
    WCHAR operation[16];
    struct calc_request request;
    HRESULT hr;

    wcscpy(operation, c->operation);
    request.operation = operation;
    request.client = c->index;
    request.sequence = c->sequence;
    request.value = c->value;
    c->answer = NULL;
    WsResetMessage(c->request, NULL);
    WsResetMessage(c->reply, NULL);
    WsResetHeap(c->heap, NULL);
    WsResetError(c->error);
    hr = WsRequestReply(c->channel, c->request, &request_description, WS_WRITE_REQUIRED_VALUE, &request,
                        sizeof(request), c->reply, &reply_description, WS_READ_REQUIRED_POINTER, c->heap, &c->answer,
                        sizeof(c->answer), context, c->error);
    if (hr == WS_S_ASYNC)
    {
        wcscpy(operation, scribbled_operation);
        e2e_scribble(&request.client, sizeof(request.client), SCRIBBLE_BYTE);
        e2e_scribble(&request.sequence, sizeof(request.sequence), SCRIBBLE_BYTE);
        e2e_scribble(&request.value, sizeof(request.value), SCRIBBLE_BYTE);
    }
    return hr;
}

static HRESULT CALLBACK client_step_end(HRESULT hr, WS_CALLBACK_MODEL model, void *state, WS_ASYNC_OPERATION *next,
                                        const WS_ASYNC_CONTEXT *context, WS_ERROR *error)
{
    (void)model; (void)state; (void)next; (void)context; (void)error;
    return hr;
}

static HRESULT CALLBACK client_step_request(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                            WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                            WS_ERROR *error)
{
    (void)hr; (void)model; (void)error;
    next->function = client_step_end;
    return request_reply(state, context);
}

/* The open, its endpoint address and URL on this step's stack. */
static HRESULT CALLBACK client_step_open(HRESULT hr, WS_CALLBACK_MODEL model, void *state, WS_ASYNC_OPERATION *next,
                                         const WS_ASYNC_CONTEXT *context, WS_ERROR *error)
{
    struct client *c = state;
    WCHAR chars[64];
    WS_ENDPOINT_ADDRESS address;

    (void)hr; (void)model; (void)error;
    memcpy(chars, e2e_service.url.chars, e2e_service.url.length * sizeof(WCHAR));
    memset(&address, 0, sizeof(address));
    address.url.chars = chars;
    address.url.length = e2e_service.url.length;
    next->function = client_step_end;
    hr = WsOpenChannel(c->channel, &address, context, c->error);
    if (hr == WS_S_ASYNC)
    {
        wcscpy(chars, scribbled_url);
        address.url.length = (ULONG)wcslen(scribbled_url);
    }
    return hr;
}

static void CALLBACK client_series_done(HRESULT hr, WS_CALLBACK_MODEL model, void *state)
{
    struct client *c = state;

    (void)model;
    c->result = hr;
    SetEvent(c->done);
}

/* Runs one series of the client's (an open, a request) and waits for its end. */
static HRESULT client_series(struct client *c, WS_ASYNC_FUNCTION first, const char *what)
{
    WS_ASYNC_CONTEXT context = { client_series_done, c };
    HRESULT hr;

    ResetEvent(c->done);
    c->result = E_PENDING;
    hr = WsAsyncExecute(&c->state, first, WS_LONG_CALLBACK, c, &context, NULL);
    if (hr != WS_S_ASYNC) return hr;
    if (WaitForSingleObject(c->done, 60000) != WAIT_OBJECT_0)
    {
        client_fail(c, what, E_PENDING, BUG_NONE);
        return E_PENDING;
    }
    return c->result;
}

/* The fault's reason, from the fault or the error's strings: whether it holds text. */
static BOOL fault_says(struct client *c, const WCHAR *text, WCHAR *reason, size_t reason_size)
{
    WS_FAULT *fault = NULL;
    ULONG count = 0, i;
    WS_STRING string;

    reason[0] = 0;
    if (WsGetFaultErrorProperty(c->error, WS_FAULT_ERROR_PROPERTY_FAULT, &fault, sizeof(fault)) == S_OK && fault &&
        fault->reasonCount)
    {
        swprintf(reason, reason_size, L"%.*ls", (int)fault->reasons[0].text.length, fault->reasons[0].text.chars);
        if (e2e_string_contains(&fault->reasons[0].text, text)) return TRUE;
    }
    WsGetErrorProperty(c->error, WS_ERROR_PROPERTY_STRING_COUNT, &count, sizeof(count));
    for (i = 0; i < count; i++)
    {
        if (WsGetErrorString(c->error, i, &string) != S_OK) continue;
        if (!reason[0]) swprintf(reason, reason_size, L"%.*ls", (int)string.length, string.chars);
        if (e2e_string_contains(&string, text)) return TRUE;
    }
    return FALSE;
}

/* RelatesTo of the reply against MessageID of the request, where both can be read. */
static void check_relates_to(struct client *c)
{
    WS_UNIQUE_ID message_id, relates_to;
    char what[96];
    HRESULT hr;

    memset(&message_id, 0, sizeof(message_id));
    memset(&relates_to, 0, sizeof(relates_to));
    if (WsGetHeader(c->request, WS_MESSAGE_ID_HEADER, WS_UNIQUE_ID_TYPE, WS_READ_REQUIRED_VALUE, c->heap,
                    &message_id, sizeof(message_id), NULL) != S_OK ||
        (hr = WsGetHeader(c->reply, WS_RELATES_TO_HEADER, WS_UNIQUE_ID_TYPE, WS_READ_REQUIRED_VALUE, c->heap,
                          &relates_to, sizeof(relates_to), NULL)) != S_OK)
    {
        InterlockedIncrement(&relates_to_unreadable);
        return;
    }
    if (message_id.uri.length != relates_to.uri.length ||
        (message_id.uri.length ? memcmp(message_id.uri.chars, relates_to.uri.chars, message_id.uri.length * sizeof(WCHAR))
                               : memcmp(&message_id.guid, &relates_to.guid, sizeof(GUID))))
    {
        snprintf(what, sizeof(what), "reply %d: RelatesTo is not the request's MessageID", c->sequence);
        client_fail(c, what, E_FAIL, BUG_NONE);
        return;
    }
    InterlockedIncrement(&relates_to_checked);
}

/* One good request: value's square must come back. */
static BOOL good_request(struct client *c, INT32 sequence, INT32 value, BOOL asynchronous)
{
    const char *how = asynchronous ? "asynchronous" : "synchronous";
    const struct calc_reply *answer;
    WCHAR reason[128];
    char what[320];
    HRESULT hr;

    c->operation = L"square";
    c->sequence = sequence;
    c->value = value;
    hr = asynchronous ? client_series(c, client_step_request, "asynchronous WsRequestReply: no completion")
                      : request_reply(c, NULL);
    if (hr == (HRESULT)WS_E_ENDPOINT_FAULT_RECEIVED && fault_says(c, scribbled_operation, reason, ARRAYSIZE(reason)))
    {
        /* The service received the request as it was overwritten after the call returned. */
        snprintf(what, sizeof(what), "%s WsRequestReply %d: the service got the overwritten request (%ls)", how,
                 sequence, reason);
        client_fail(c, what, hr, BUG_LATE_INPUT);
        return FALSE;
    }
    if (hr != S_OK)
    {
        snprintf(what, sizeof(what), "%s WsRequestReply %d", how, sequence);
        client_fail(c, what, hr, BUG_NONE);
        return FALSE;
    }
    answer = c->answer;
    if (!answer)
    {
        snprintf(what, sizeof(what), "%s WsRequestReply %d: S_OK without the required reply", how, sequence);
        client_fail(c, what, E_POINTER, BUG_REQUIRED_REPLY);
        return FALSE;
    }
    if (answer->client != c->index || answer->sequence != sequence || answer->value != value ||
        answer->result != (INT64)value * value)
    {
        /* The service's asynchronous WsSendReplyMessage sent its value as overwritten after the
         * call returned. */
        BOOL scribbled = answer->client == SCRIBBLED_INT32 && answer->sequence == SCRIBBLED_INT32;
        snprintf(what, sizeof(what), "%s WsRequestReply %d: reply client %d sequence %d value %d result %lld "
                 "(sent value %d)%s", how, sequence, answer->client, answer->sequence, answer->value,
                 (long long)answer->result, value,
                 scribbled ? ", the service's reply value as overwritten after its call returned" : "");
        client_fail(c, what, E_FAIL, scribbled ? BUG_LATE_INPUT : BUG_NONE);
        return FALSE;
    }
    check_relates_to(c);
    return TRUE;
}

/* The bad request: a fault with the service's string. */
static BOOL bad_request(struct client *c, INT32 sequence, BOOL asynchronous)
{
    const char *how = asynchronous ? "asynchronous" : "synchronous";
    WCHAR expected[96], reason[128];
    char what[240];
    HRESULT hr;

    c->sequence = sequence;
    if (c->index % 2)
    {
        c->operation = L"cube";
        c->value = 3;
        swprintf(expected, ARRAYSIZE(expected), L"unknown operation 'cube' from client %d", c->index);
    }
    else
    {
        c->operation = L"square";
        c->value = BAD_VALUE;
        swprintf(expected, ARRAYSIZE(expected), L"negative value %d from client %d", BAD_VALUE, c->index);
    }
    hr = asynchronous ? client_series(c, client_step_request, "asynchronous WsRequestReply (bad): no completion")
                      : request_reply(c, NULL);
    if (hr != (HRESULT)WS_E_ENDPOINT_FAULT_RECEIVED)
    {
        snprintf(what, sizeof(what), "%s WsRequestReply of a bad request: %s instead of WS_E_ENDPOINT_FAULT_RECEIVED",
                 how, hr == S_OK ? "a reply" : "a failure");
        client_fail(c, what, hr, hr == (HRESULT)WS_E_INVALID_FORMAT ? BUG_FAULT_NOT_REPORTED : BUG_NONE);
        return FALSE;
    }
    if (!fault_says(c, expected, reason, ARRAYSIZE(reason)))
    {
        snprintf(what, sizeof(what), "%s bad request: the fault's reason \"%ls\" lacks \"%ls\"", how, reason, expected);
        client_fail(c, what, E_FAIL, BUG_NONE);
        return FALSE;
    }
    if (c->round == 0 && c->index < 2) printf("%s: bad request: fault \"%ls\"\n", c->name, reason);
    return TRUE;
}

static DWORD WINAPI client_thread(void *param)
{
    struct client *c = param;
    HRESULT hr;
    int i;

    snprintf(c->name, sizeof(c->name), "client %d (round %d)", c->index, c->round);
    c->done = CreateEventW(NULL, TRUE, FALSE, NULL);
    if ((hr = WsCreateError(NULL, 0, &c->error)) != S_OK ||
        (hr = WsCreateHeap(1 << 16, 0, NULL, 0, &c->heap, NULL)) != S_OK ||
        (hr = WsCreateChannel(e2e_transport->client_type, e2e_transport->binding, NULL, 0, NULL, &c->channel,
                              NULL)) != S_OK ||
        (hr = WsCreateMessageForChannel(c->channel, NULL, 0, &c->request, NULL)) != S_OK ||
        (hr = WsCreateMessageForChannel(c->channel, NULL, 0, &c->reply, NULL)) != S_OK)
    {
        client_fail(c, "set-up", hr, BUG_NONE);
        goto done;
    }

    if ((hr = client_series(c, client_step_open, "asynchronous WsOpenChannel: no completion")) != S_OK)
    {
        /* The same open made synchronously tells an address read too late from a refused one. */
        WS_ENDPOINT_ADDRESS address = { e2e_service.url, NULL, NULL, NULL };
        WsResetChannel(c->channel, NULL);
        if (WsOpenChannel(c->channel, &address, NULL, NULL) == S_OK)
        {
            client_fail(c, "asynchronous WsOpenChannel (a synchronous one succeeds)", hr, BUG_LATE_INPUT);
            WsCloseChannel(c->channel, NULL, NULL);
        }
        else client_fail(c, "asynchronous WsOpenChannel", hr, BUG_NONE);
        goto done;
    }

    for (i = 0; i < ROUNDS; i++)
        if (!good_request(c, i, 3 + c->index * 100 + i * 7 + c->round * 1000, i % 2)) goto close;
    if (!bad_request(c, ROUNDS, c->index % 2)) goto close;
    /* The fault left the session open. */
    good_request(c, ROUNDS + 1, 11 + c->index, (c->index + 1) % 2);

close:
    if ((hr = WsCloseChannel(c->channel, NULL, c->error)) != S_OK) client_fail(c, "WsCloseChannel", hr, BUG_NONE);
done:
    if (c->request) WsFreeMessage(c->request);
    if (c->reply) WsFreeMessage(c->reply);
    if (c->channel) WsFreeChannel(c->channel);
    if (c->heap) WsFreeHeap(c->heap);
    if (c->error) WsFreeError(c->error);
    CloseHandle(c->done);
    return 0;
}

static int client_round(int round)
{
    struct client clients[CLIENTS];
    HANDLE threads[CLIENTS];
    char what[64];
    int i, exit_code;

    snprintf(what, sizeof(what), "the clients of round %d", round);
    memset(clients, 0, sizeof(clients));
    for (i = 0; i < CLIENTS; i++)
    {
        clients[i].index = i;
        clients[i].round = round;
        threads[i] = CreateThread(NULL, 0, client_thread, &clients[i], 0, NULL);
    }
    if ((exit_code = e2e_wait_threads(CLIENTS, threads, 90000, what))) return exit_code;
    for (i = 0; i < CLIENTS; i++) CloseHandle(threads[i]);
    return 0;
}

int main(int argc, char **argv)
{
    LONG answered[WAY_COUNT] = { 0 }, errors = 0;
    HANDLE thread;
    HRESULT hr;
    int i, j, exit_code;

    if (!e2e_choose_transport(argc, argv)) return 2;
    e2e_init(240);

    /* Unlike the file service's, the reset step is not required to be invoked long; the one step
     * that may call synchronously checks how it was invoked (the reply's way 1). */
    if (e2e_service_open(SERIES, step_receive, NULL, E2E_RESET_ANY) != S_OK) return 1;
    for (i = 0; i < SERIES; i++)
    {
        struct series *s = &series[i];

        if (e2e_service_add(&s->e2e, NULL, 0) != S_OK) return 1;
        if ((hr = WsCreateMessageForChannel(s->e2e.channel, NULL, 0, &s->request, NULL)) != S_OK ||
            (hr = WsCreateMessageForChannel(s->e2e.channel, NULL, 0, &s->reply, NULL)) != S_OK ||
            (hr = WsCreateHeap(1 << 16, 0, NULL, 0, &s->heap, NULL)) != S_OK ||
            (hr = WsCreateError(NULL, 0, &s->fault_error)) != S_OK)
        {
            e2e_fail("service set-up", hr, BUG_NONE);
            return 1;
        }
    }

    /* Each series starts with an asynchronous accept: WsAsyncExecute returns before any client
     * connects. A thread per start keeps a DLL whose accept waits from stopping the program. */
    e2e_phase_set("service starting its series", BUG_SYNC_ACCEPT);
    for (i = 0, j = 0; i < SERIES; i++)
    {
        thread = e2e_service_start_series(i);
        /* Once one start has waited, the others are given less time. */
        if (WaitForSingleObject(thread, j++ ? 1000 : 10000) == WAIT_OBJECT_0) j = 0;
        else
        {
            char what[128];
            snprintf(what, sizeof(what), "service channel %d WsAcceptChannel(context): not returned within 10 s, "
                     "no client connecting", i);
            e2e_fail(what, E_PENDING, BUG_SYNC_ACCEPT);
        }
        CloseHandle(thread);
    }

    for (j = 0; j < 2; j++)
    {
        e2e_phase_set(j ? "clients after the attacks" : "clients", BUG_NONE);
        if ((exit_code = client_round(j))) return exit_code;
        if (!j) e2e_attack_phase(&e2e_service.url, SERIES);
    }
    printf("clients (%s): %d rounds of %d clients, %d requests and a fault each; %ld RelatesTo checked, %ld "
           "unreadable\n", e2e_transport->name, 2, CLIENTS, ROUNDS + 1, relates_to_checked, relates_to_unreadable);

    if ((exit_code = e2e_service_stop())) return exit_code;
    for (i = 0; i < SERIES; i++)
    {
        for (j = 0; j < WAY_COUNT; j++) answered[j] += series[i].answered[j];
        errors += series[i].errors;
    }
    printf("service: replies by WsWriteMessageStart/End %ld, by synchronous WsSendReplyMessage %ld, by asynchronous "
           "WsSendReplyMessage %ld; %ld faults by WsSendFaultMessageForError; %ld sessions ended in an error\n",
           answered[WAY_WRITE_MESSAGE], answered[WAY_SEND_SYNC], answered[WAY_SEND_ASYNC], answered[WAY_FAULT], errors);
    if (answered[WAY_FAULT] != 2 * CLIENTS && !e2e_failures)
        e2e_fail("service: faults sent (expected one per client and round)", answered[WAY_FAULT], BUG_NONE);

    for (i = 0; i < SERIES; i++)
    {
        WsFreeMessage(series[i].request);
        WsFreeMessage(series[i].reply);
        WsFreeHeap(series[i].heap);
        WsFreeError(series[i].fault_error);
    }
    e2e_service_close();
    return e2e_finish("reqreply");
}
