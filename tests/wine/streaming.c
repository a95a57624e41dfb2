/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * End-to-end program: a stream of records read by one WsAsyncExecute series, over net.tcp (no
 * argument, or "net.tcp") or HTTP ("http").
 *
 * The server accepts one channel (net.tcp: a duplex session in the binary session encoding, the
 * default of net.tcp; HTTP: a reply channel in UTF-8 text, HTTP's default) and reads every
 * message in one asynchronous series: WsReadMessageStart, the action header, WsFillBody, then
 * WsReadBody with WS_READ_OPTIONAL_POINTER until it gives NULL, then WsReadMessageEnd; and again,
 * until WsReadMessageStart reports WS_S_END, the client's close. Over HTTP each message comes in
 * a request of its own: the series closes its channel once a message is read (which answers the
 * request), resets it and accepts the next, until the last message.
 * The client, a thread making synchronous calls, sends MESSAGES messages of RECORDS records each,
 * every message a blank message with its action set by WsSetHeader, written with
 * WsWriteMessageStart, WsWriteBody per record, WsFlushBody every FLUSH_EVERY records and
 * WsWriteMessageEnd; then it closes the channel. Every record is checked on arrival.
 *
 * Before the client, e2e.h's attack phase: raw connections send the server malformed framing or
 * malformed HTTP requests. Each must cost the server at most that session: the series sees the
 * error, closes and resets its channel and accepts again, and the process holds no more handles
 * than before.
 *
 * Exit code 0 when everything arrived and both sides ended cleanly. A failure names the Wine
 * bug whose symptom it is, by the number of its patch (wine/bugs.tsv, see e2e.h); a watchdog ends
 * a hung run.
 */
#include "e2e.h"

#define MESSAGES    100
#define RECORDS     100
#define FLUSH_EVERY 25

struct record
{
    INT32 message;
    INT32 index;
    WCHAR *text;
};

static WS_XML_STRING ns = { 21, (BYTE *)"urn:wsasync-e2e:items", NULL, 0 };
static WS_XML_STRING record_name = { 6, (BYTE *)"record", NULL, 0 };
static WS_XML_STRING message_name = { 7, (BYTE *)"message", NULL, 0 };
static WS_XML_STRING index_name = { 5, (BYTE *)"index", NULL, 0 };
static WS_XML_STRING text_name = { 4, (BYTE *)"text", NULL, 0 };
static WS_XML_STRING action = { 29, (BYTE *)"urn:wsasync-e2e:items/records", NULL, 0 };

static WS_FIELD_DESCRIPTION message_field = { WS_ELEMENT_FIELD_MAPPING, &message_name, &ns, WS_INT32_TYPE, NULL,
                                              FIELD_OFFSET(struct record, message), 0, NULL, 0, NULL, NULL, NULL };
static WS_FIELD_DESCRIPTION index_field = { WS_ELEMENT_FIELD_MAPPING, &index_name, &ns, WS_INT32_TYPE, NULL,
                                            FIELD_OFFSET(struct record, index), 0, NULL, 0, NULL, NULL, NULL };
static WS_FIELD_DESCRIPTION text_field = { WS_ELEMENT_FIELD_MAPPING, &text_name, &ns, WS_WSZ_TYPE, NULL,
                                           FIELD_OFFSET(struct record, text), 0, NULL, 0, NULL, NULL, NULL };
static WS_FIELD_DESCRIPTION *record_fields[] = { &message_field, &index_field, &text_field };
static WS_STRUCT_DESCRIPTION record_struct = { sizeof(struct record), TYPE_ALIGNMENT(struct record),
                                               record_fields, ARRAYSIZE(record_fields), &record_name, &ns,
                                               NULL, NULL, 0, 0 };
static WS_ELEMENT_DESCRIPTION record_element = { &record_name, &ns, WS_STRUCT_TYPE, &record_struct };

static void record_text(WCHAR *buffer, size_t size, int message, int index)
{
    swprintf(buffer, size, L"message %d, record %d of the stream", message, index);
}

/* The channel's encoding is its binding's default: binary session on net.tcp, UTF-8 text on HTTP. */
static BOOL channel_has_default_encoding(WS_CHANNEL *channel, const char *side)
{
    WS_ENCODING expected = e2e_transport->session ? WS_ENCODING_XML_BINARY_SESSION_1 : WS_ENCODING_XML_UTF8;
    WS_ENCODING encoding = 0;
    HRESULT hr = WsGetChannelProperty(channel, WS_CHANNEL_PROPERTY_ENCODING, &encoding, sizeof(encoding), NULL);
    char what[80];

    if (hr == S_OK && encoding == expected) return TRUE;
    snprintf(what, sizeof(what), "%s: channel encoding %d (expected %d)", side, encoding, expected);
    e2e_fail(what, hr, BUG_NONE);
    return FALSE;
}

/* The server: its objects and the series that reads the stream. */
static struct
{
    WS_ASYNC_STATE state;
    WCHAR url_chars[64];
    WS_STRING url;
    WS_LISTENER *listener;
    WS_CHANNEL *channel;
    WS_MESSAGE *message;
    WS_HEAP *heap;
    int messages;       /* messages read completely */
    int records;        /* records read in the current message */
    LONG total_records; /* records read and found right */
    HRESULT result;     /* how the series ended */
    HANDLE ended;
} server;

static volatile LONG client_closed; /* set when the client starts closing its channel */

static HRESULT CALLBACK step_read_start(HRESULT, WS_CALLBACK_MODEL, void *, WS_ASYNC_OPERATION *,
                                        const WS_ASYNC_CONTEXT *, WS_ERROR *);
static HRESULT CALLBACK step_accept(HRESULT, WS_CALLBACK_MODEL, void *, WS_ASYNC_OPERATION *,
                                    const WS_ASYNC_CONTEXT *, WS_ERROR *);

/* After an attack's session, or over HTTP after each message: reset the channel and accept
 * again. No call is pending on the channel, so it is closed, not aborted. */
static HRESULT CALLBACK step_reaccept_closed(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                             WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                             WS_ERROR *error)
{
    (void)model; (void)state; (void)context;
    e2e_phase_set("server resetting its channel in a completion", BUG_COMPLETION_ON_QUEUE);
    if (hr != S_OK || (hr = WsResetChannel(server.channel, error)) != S_OK)
    {
        e2e_fail("server closing and resetting its channel to accept again", hr, BUG_NONE);
        return hr;
    }
    next->function = step_accept;
    return S_OK;
}

static HRESULT CALLBACK step_reaccept(HRESULT hr, WS_CALLBACK_MODEL model, void *state, WS_ASYNC_OPERATION *next,
                                      const WS_ASYNC_CONTEXT *context, WS_ERROR *error)
{
    (void)hr; (void)model; (void)state;
    next->function = step_reaccept_closed;
    return WsCloseChannel(server.channel, context, error);
}

/* A session's error during the attack phase is an attack's: it costs only that session. */
static BOOL attack_error(HRESULT hr, WS_ASYNC_OPERATION *next)
{
    if (!e2e_attack_session_error()) return FALSE;
    printf("server: session error 0x%08lx (an attack)\n", (unsigned long)hr);
    server.messages = 0;
    next->function = step_reaccept;
    return TRUE;
}

static HRESULT CALLBACK step_closed(HRESULT hr, WS_CALLBACK_MODEL model, void *state, WS_ASYNC_OPERATION *next,
                                    const WS_ASYNC_CONTEXT *context, WS_ERROR *error)
{
    (void)model; (void)state; (void)next; (void)context; (void)error;
    if (hr != S_OK) e2e_fail("server WsCloseChannel", hr, BUG_NONE);
    return hr;  /* the end of the series */
}

static HRESULT CALLBACK step_close(HRESULT hr, WS_CALLBACK_MODEL model, void *state, WS_ASYNC_OPERATION *next,
                                   const WS_ASYNC_CONTEXT *context, WS_ERROR *error)
{
    (void)hr; (void)model; (void)state;
    e2e_phase_set("server closing its channel", BUG_NONE);
    next->function = step_closed;
    return WsCloseChannel(server.channel, context, error);
}

static HRESULT CALLBACK step_message_ended(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                           WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                           WS_ERROR *error)
{
    (void)model; (void)state; (void)context; (void)error;
    if (hr != S_OK)
    {
        e2e_fail("server WsReadMessageEnd", hr, BUG_NONE);
        return hr;
    }
    server.messages++;
    /* An HTTP channel has taken its one message (its close answers it): accept the next, until
     * the last. */
    if (e2e_transport->session) next->function = step_read_start;
    else next->function = server.messages == MESSAGES ? step_close : step_reaccept;
    return S_OK;
}

/* The body is buffered: read its records with synchronous calls, then end the message. */
static HRESULT CALLBACK step_body_filled(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                         WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                         WS_ERROR *error)
{
    char what[128];

    (void)model; (void)state;
    if (hr != S_OK)
    {
        e2e_fail("server WsFillBody", hr, BUG_NONE);
        return hr;
    }
    e2e_phase_set("server reading records synchronously in a completion", BUG_COMPLETION_ON_QUEUE);
    for (server.records = 0;; server.records++)
    {
        struct record *record = NULL;
        WCHAR expected[64];

        hr = WsReadBody(server.message, &record_element, WS_READ_OPTIONAL_POINTER, server.heap, &record,
                        sizeof(record), error);
        if (hr != S_OK)
        {
            /* Right after WsFillBody the first read failing is the rewound reader; after the
             * last record, the end element not taken for "no more". */
            enum e2e_bug bug = hr != (HRESULT)WS_E_INVALID_FORMAT ? BUG_NONE
                               : server.records == 0 ? BUG_FILL_REWINDS
                               : server.records == RECORDS ? BUG_OPTIONAL_AT_END : BUG_NONE;
            snprintf(what, sizeof(what), "server WsReadBody (message %d, record %d)", server.messages,
                     server.records);
            e2e_fail(what, hr, bug);
            return hr;
        }
        if (!record) break;
        record_text(expected, ARRAYSIZE(expected), server.messages, server.records);
        if (record->message != server.messages || record->index != server.records || !record->text ||
            wcscmp(record->text, expected))
        {
            snprintf(what, sizeof(what), "server check of message %d record %d: got message %d record %d text %ls",
                     server.messages, server.records, record->message, record->index,
                     record->text ? record->text : L"(null)");
            e2e_fail(what, E_FAIL, BUG_NONE);
            return E_FAIL;
        }
        InterlockedIncrement(&server.total_records);
    }
    if (server.records != RECORDS)
    {
        snprintf(what, sizeof(what), "server: message %d ended after %d records, expected %d", server.messages,
                 server.records, RECORDS);
        e2e_fail(what, E_FAIL, BUG_NONE);
        return E_FAIL;
    }
    e2e_phase_set("server ending a message", BUG_NONE);
    next->function = step_message_ended;
    return WsReadMessageEnd(server.channel, server.message, context, error);
}

static HRESULT CALLBACK step_message_started(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                             WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                             WS_ERROR *error)
{
    WS_XML_STRING received;
    char what[96];

    (void)model; (void)state;
    if (hr == WS_S_END)
    {
        if (server.messages != MESSAGES)
        {
            snprintf(what, sizeof(what), "server: the session ended after %d messages, expected %d",
                     server.messages, MESSAGES);
            e2e_fail(what, hr, BUG_NONE);
            return E_FAIL;
        }
        next->function = step_close;
        return S_OK;
    }
    if (hr != S_OK && attack_error(hr, next)) return S_OK;
    if (hr != S_OK)
    {
        /* The client has closed its channel: without an End record the read fails. */
        enum e2e_bug bug = hr == (HRESULT)WS_E_INVALID_FORMAT && client_closed ? BUG_NO_END_RECORD : BUG_NONE;
        snprintf(what, sizeof(what), "server WsReadMessageStart (after %d messages)", server.messages);
        e2e_fail(what, hr, bug);
        return hr;
    }
    memset(&received, 0, sizeof(received));
    hr = WsGetHeader(server.message, WS_ACTION_HEADER, WS_XML_STRING_TYPE, WS_READ_REQUIRED_VALUE, server.heap,
                     &received, sizeof(received), error);
    if (hr != S_OK || received.length != action.length || memcmp(received.bytes, action.bytes, action.length))
    {
        snprintf(what, sizeof(what), "server: action header of message %d (%lu bytes)", server.messages,
                 (unsigned long)received.length);
        e2e_fail(what, hr, BUG_NONE);
        return FAILED(hr) ? hr : E_FAIL;
    }
    e2e_phase_set("server filling a body", BUG_NONE);
    next->function = step_body_filled;
    return WsFillBody(server.message, 1, context, error);
}

static HRESULT CALLBACK step_read_start(HRESULT hr, WS_CALLBACK_MODEL model, void *state, WS_ASYNC_OPERATION *next,
                                        const WS_ASYNC_CONTEXT *context, WS_ERROR *error)
{
    (void)hr; (void)model; (void)state;
    WsResetMessage(server.message, NULL);
    WsResetHeap(server.heap, NULL);
    e2e_phase_set("server waiting for a message", server.messages == MESSAGES ? BUG_NO_END_RECORD : BUG_NONE);
    next->function = step_message_started;
    return WsReadMessageStart(server.channel, server.message, context, error);
}

static HRESULT CALLBACK step_accepted(HRESULT hr, WS_CALLBACK_MODEL model, void *state, WS_ASYNC_OPERATION *next,
                                      const WS_ASYNC_CONTEXT *context, WS_ERROR *error)
{
    (void)model; (void)state; (void)context; (void)error;
    e2e_attack_accepted();
    if (hr != S_OK && attack_error(hr, next)) return S_OK;  /* an HTTP attack may fail the accept */
    if (hr != S_OK)
    {
        e2e_fail("server WsAcceptChannel", hr, BUG_NONE);
        return hr;
    }
    if (!channel_has_default_encoding(server.channel, "server")) return E_FAIL;
    next->function = step_read_start;
    return S_OK;
}

static HRESULT CALLBACK step_accept(HRESULT hr, WS_CALLBACK_MODEL model, void *state, WS_ASYNC_OPERATION *next,
                                    const WS_ASYNC_CONTEXT *context, WS_ERROR *error)
{
    (void)hr; (void)model; (void)state;
    e2e_phase_set("server accepting", BUG_NONE);
    e2e_attack_accepting();
    next->function = step_accepted;
    return WsAcceptChannel(server.listener, server.channel, context, error);
}

static void CALLBACK series_done(HRESULT hr, WS_CALLBACK_MODEL model, void *state)
{
    (void)model; (void)state;
    server.result = hr;
    SetEvent(server.ended);
}

static DWORD WINAPI series_start(void *param)
{
    WS_ASYNC_CONTEXT context = { series_done, NULL };
    HRESULT hr;

    (void)param;
    /* This thread may block: the series' first step is invoked long. */
    hr = WsAsyncExecute(&server.state, step_accept, WS_LONG_CALLBACK, NULL, &context, NULL);
    if (hr != WS_S_ASYNC) series_done(hr, WS_LONG_CALLBACK, NULL);
    return 0;
}

/* The client: synchronous calls on its own thread. */
static DWORD WINAPI client_thread(void *param)
{
    WS_CHANNEL *channel = NULL;
    WS_MESSAGE *message = NULL;
    WS_ERROR *error = NULL;
    char what[96];
    HRESULT hr;
    int m, r;

    (void)param;
    WsCreateError(NULL, 0, &error);
    if (e2e_open_channel(&server.url, NULL, 0, &channel, error, "client") != S_OK)
    {
        if (channel) WsFreeChannel(channel);
        return 1;
    }
    if (!channel_has_default_encoding(channel, "client")) goto done;
    if ((hr = WsCreateMessageForChannel(channel, NULL, 0, &message, error)) != S_OK)
    {
        e2e_fail("client WsCreateMessageForChannel", hr, BUG_NONE);
        goto done;
    }
    for (m = 0; m < MESSAGES; m++)
    {
        WsResetMessage(message, NULL);
        if ((hr = WsInitializeMessage(message, WS_BLANK_MESSAGE, NULL, error)) != S_OK)
        {
            e2e_fail("client WsInitializeMessage", hr, BUG_NONE);
            goto done;
        }
        if ((hr = WsSetHeader(message, WS_ACTION_HEADER, WS_XML_STRING_TYPE, WS_WRITE_REQUIRED_VALUE, &action,
                              sizeof(action), error)) != S_OK)
        {
            e2e_fail("client WsSetHeader", hr, BUG_NONE);
            goto done;
        }
        if ((hr = WsWriteMessageStart(channel, message, NULL, error)) != S_OK)
        {
            /* The header buffer is text XML; the channel writes binary. */
            e2e_fail("client WsWriteMessageStart", hr, hr == E_NOTIMPL ? BUG_HEADER_ENCODING : BUG_NONE);
            goto done;
        }
        for (r = 0; r < RECORDS; r++)
        {
            WCHAR text[64];
            struct record record = { m, r, text };

            record_text(text, ARRAYSIZE(text), m, r);
            if ((hr = WsWriteBody(message, &record_element, WS_WRITE_REQUIRED_VALUE, &record, sizeof(record),
                                  error)) != S_OK)
            {
                snprintf(what, sizeof(what), "client WsWriteBody (message %d, record %d)", m, r);
                e2e_fail(what, hr, BUG_NONE);
                goto done;
            }
            if ((r + 1) % FLUSH_EVERY == 0 && (hr = WsFlushBody(message, 0, NULL, error)) != S_OK)
            {
                snprintf(what, sizeof(what), "client WsFlushBody (message %d, record %d)", m, r);
                e2e_fail(what, hr, hr == (HRESULT)WS_E_INVALID_OPERATION ? BUG_FLUSH_BUFFER : BUG_NONE);
                goto done;
            }
        }
        if ((hr = WsWriteMessageEnd(channel, message, NULL, error)) != S_OK)
        {
            snprintf(what, sizeof(what), "client WsWriteMessageEnd (message %d)", m);
            e2e_fail(what, hr, BUG_NONE);
            goto done;
        }
    }
    printf("client: sent %d messages of %d records\n", MESSAGES, RECORDS);
done:
    /* The close ends the session: the server's next WsReadMessageStart reports WS_S_END. */
    InterlockedExchange(&client_closed, 1);
    if ((hr = WsCloseChannel(channel, NULL, error)) != S_OK) e2e_fail("client WsCloseChannel", hr, BUG_NONE);
    if (message) WsFreeMessage(message);
    WsFreeChannel(channel);
    WsFreeError(error);
    return 0;
}

int main(int argc, char **argv)
{
    HANDLE client;
    HRESULT hr;
    int exit_code;

    if (!e2e_choose_transport(argc, argv)) return 2;
    e2e_init(120);
    server.ended = CreateEventW(NULL, TRUE, FALSE, NULL);

    if ((hr = WsCreateListener(e2e_transport->service_type, e2e_transport->binding, NULL, 0, NULL,
                               &server.listener, NULL)) != S_OK)
    {
        e2e_fail("WsCreateListener", hr, hr == E_NOTIMPL ? e2e_transport->listener_bug : BUG_NONE);
        return 1;
    }
    if ((hr = e2e_open_listener(server.listener, server.url_chars, ARRAYSIZE(server.url_chars), &server.url)) != S_OK)
    {
        e2e_fail("WsOpenListener", hr, BUG_NONE);
        return 1;
    }
    printf("server: listening on %ls\n", server.url_chars);
    if ((hr = WsCreateChannelForListener(server.listener, NULL, 0, &server.channel, NULL)) != S_OK ||
        (hr = WsCreateMessageForChannel(server.channel, NULL, 0, &server.message, NULL)) != S_OK ||
        (hr = WsCreateHeap(1 << 20, 0, NULL, 0, &server.heap, NULL)) != S_OK)
    {
        e2e_fail("server set-up", hr, BUG_NONE);
        return 1;
    }

    /* The series starts on a thread of its own: Wine 8.0's WsAcceptChannel waits for the
     * connection even when given an asynchronous context. Then the attacks, then the client. */
    CloseHandle(CreateThread(NULL, 0, series_start, NULL, 0, NULL));
    e2e_attack_phase(&server.url, 1);
    e2e_phase_set("client streaming", BUG_NONE);
    client = CreateThread(NULL, 0, client_thread, NULL, 0, NULL);
    if ((exit_code = e2e_wait_threads(1, &client, 90000, "the client"))) return exit_code;
    if (WaitForSingleObject(server.ended, 30000) != WAIT_OBJECT_0)
        return e2e_hung("the server series did not end within 30 s of the client's close");
    if (server.result != S_OK && !e2e_failures) e2e_fail("the server series' end", server.result, BUG_NONE);
    if (server.total_records != MESSAGES * RECORDS && !e2e_failures)
        e2e_fail("server: records received", server.total_records, BUG_NONE);
    printf("server: %d messages, %ld records checked, series ended with 0x%08lx\n", server.messages,
           server.total_records, (unsigned long)server.result);

    WsFreeHeap(server.heap);
    WsFreeMessage(server.message);
    WsFreeChannel(server.channel);
    WsCloseListener(server.listener, NULL, NULL);
    WsFreeListener(server.listener);
    return e2e_finish("streaming");
}
