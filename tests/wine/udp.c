/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * End-to-end program: one-way services over UDP (soap.udp), each driven by one WsAsyncExecute
 * series, a forwarder among them, and a multicast listener.
 *
 * It proves that:
 *   - a UDP service whose series loops accept, receive one message, close, reset and accept again
 *     (each call given the series' context) receives every message a client sends it, one per
 *     session, COUNT of them, each checked (action, value);
 *   - a forwarder (the first service) can pass on what it receives: a message initialised from
 *     the received one (WsInitializeMessage with WS_DUPLICATE_MESSAGE) keeps its headers and is
 *     sent with the value read to a second UDP service, which receives each with the MessageID
 *     of the original;
 *   - a client's channel to an IPv4 multicast group (soap.udp://239.255.255.250:PORT) with
 *     WS_CHANNEL_PROPERTY_MULTICAST_INTERFACE sends through that interface (the loopback), and a
 *     listener on the group, its interfaces given by WS_LISTENER_PROPERTY_MULTICAST_INTERFACES
 *     (the loopback's), receives what a client sends to the group there. Where multicast does
 *     not work on this machine at all (a plain Winsock socket joined to the group on the loopback
 *     interface receives nothing of what it sends there), the program says so and skips that
 *     part.
 *
 * The services listen on 127.0.0.1, on ports derived from the process id (the next one is tried
 * when one is taken). Exit code 0 when all of that held. A failure names the Wine bug whose
 * symptom it is, by the number of its patch (wine/bugs.tsv, see e2e.h); a watchdog ends a hung
 * run.
 */
#include "e2e.h"
#include <ws2tcpip.h>
#include <iphlpapi.h>

#define COUNT 5
#define SERVICES 3   /* the forwarder, the service it forwards to, the multicast listener */
#define MULTICAST_GROUP "239.255.255.250"

static WS_XML_STRING ns = { 19, (BYTE *)"urn:wsasync-e2e:udp", NULL, 0 };
static WS_XML_STRING number_name = { 6, (BYTE *)"number", NULL, 0 };
static WS_XML_STRING action = { 26, (BYTE *)"urn:wsasync-e2e:udp/number", NULL, 0 };
static WS_ELEMENT_DESCRIPTION number_element = { &number_name, &ns, WS_INT32_TYPE, NULL };
static WS_MESSAGE_DESCRIPTION number_message = { &action, &number_element };

/* What a client sends as its message i. */
static INT32 value_sent(int client, int i)
{
    return client * 1000 + i * 7 + 1;
}

/* One service: a listener and one channel on it, served by one series that receives COUNT
 * messages, one per session. The forwarder also has a channel to the next service. */
struct service
{
    const char *name;
    int client;                     /* whose values it receives (value_sent) */
    WS_ASYNC_STATE state;
    WS_LISTENER *listener;
    WS_CHANNEL *channel;
    WS_MESSAGE *message;
    WS_HEAP *heap;
    WCHAR url_chars[64];
    WS_STRING url;
    INT32 value;                    /* the body of the message received */
    int received;                   /* messages received and checked */
    BOOL used;                      /* the channel has served a session and needs a reset */
    /* The forwarder's: its channel to the next service, the duplicate it sends. */
    WS_CHANNEL *forward_channel;
    WS_MESSAGE *forward_message;
    WS_UNIQUE_ID ids[COUNT];        /* the MessageIDs of what it received, in order */
    int ids_read;
    struct service *forwarded_from; /* the next service's: whose MessageIDs it must see */
    HRESULT result;
    HANDLE returned;                /* WsAsyncExecute has returned */
    HANDLE done;                    /* the series has ended */
};

static struct service services[SERVICES];

static void service_fail(struct service *s, const char *call, HRESULT hr, enum e2e_bug bug)
{
    char what[200];
    snprintf(what, sizeof(what), "%s: message %d: %s", s->name, s->received, call);
    e2e_fail(what, hr, bug);
}

static BOOL same_id(const WS_UNIQUE_ID *a, const WS_UNIQUE_ID *b)
{
    if (a->uri.length != b->uri.length) return FALSE;
    if (a->uri.length) return !memcmp(a->uri.chars, b->uri.chars, a->uri.length * sizeof(WCHAR));
    return !memcmp(&a->guid, &b->guid, sizeof(GUID));
}

static HRESULT CALLBACK step_reset(HRESULT, WS_CALLBACK_MODEL, void *, WS_ASYNC_OPERATION *, const WS_ASYNC_CONTEXT *,
                                   WS_ERROR *);

static HRESULT CALLBACK step_closed(HRESULT hr, WS_CALLBACK_MODEL model, void *state, WS_ASYNC_OPERATION *next,
                                    const WS_ASYNC_CONTEXT *context, WS_ERROR *error)
{
    struct service *s = state;

    (void)model; (void)context; (void)error;
    if (hr != S_OK)
    {
        service_fail(s, "WsCloseChannel", hr, BUG_NONE);
        return hr;
    }
    next->function = step_reset;
    return S_OK;
}

/* The end of a session: the message is reset for the next, the channel closed. */
static HRESULT CALLBACK step_close(HRESULT hr, WS_CALLBACK_MODEL model, void *state, WS_ASYNC_OPERATION *next,
                                   const WS_ASYNC_CONTEXT *context, WS_ERROR *error)
{
    struct service *s = state;

    (void)model;
    if (hr != S_OK) return hr;
    WsResetMessage(s->message, NULL);
    next->function = step_closed;
    return WsCloseChannel(s->channel, context, error);
}

static HRESULT CALLBACK step_forwarded(HRESULT hr, WS_CALLBACK_MODEL model, void *state, WS_ASYNC_OPERATION *next,
                                       const WS_ASYNC_CONTEXT *context, WS_ERROR *error)
{
    struct service *s = state;

    (void)model; (void)context; (void)error;
    if (hr != S_OK)
    {
        service_fail(s, "forwarding: WsSendMessage of the duplicate", hr, BUG_NONE);
        return hr;
    }
    WsResetMessage(s->forward_message, NULL);
    next->function = step_close;
    return S_OK;
}

/* The forwarder's step: the message received is duplicated (its headers: action, MessageID)
 * and sent on with the value read, asynchronously. */
static HRESULT forward(struct service *s, WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context, WS_ERROR *error)
{
    HRESULT hr;

    if ((hr = WsGetHeader(s->message, WS_MESSAGE_ID_HEADER, WS_UNIQUE_ID_TYPE, WS_READ_REQUIRED_VALUE, s->heap,
                          &s->ids[s->ids_read], sizeof(s->ids[0]), NULL)) != S_OK)
    {
        service_fail(s, "WsGetHeader(WS_MESSAGE_ID_HEADER) of the message received", hr, BUG_NONE);
        return hr;
    }
    s->ids_read++;
    if ((hr = WsInitializeMessage(s->forward_message, WS_DUPLICATE_MESSAGE, s->message, NULL)) != S_OK)
    {
        service_fail(s, "forwarding: WsInitializeMessage(WS_DUPLICATE_MESSAGE)", hr,
                     hr == E_NOTIMPL ? BUG_DUPLICATE_MESSAGE : BUG_NONE);
        return hr;
    }
    next->function = step_forwarded;
    return WsSendMessage(s->forward_channel, s->forward_message, &number_message, WS_WRITE_REQUIRED_VALUE,
                         &s->value, sizeof(s->value), context, error);
}

static HRESULT CALLBACK step_received(HRESULT hr, WS_CALLBACK_MODEL model, void *state, WS_ASYNC_OPERATION *next,
                                      const WS_ASYNC_CONTEXT *context, WS_ERROR *error)
{
    struct service *s = state;
    INT32 expected = value_sent(s->client, s->received);
    char what[160];

    (void)model;
    /* A message after the first one read with the previous datagram, or a value of a later one:
     * the channel read past its datagram. */
    if (hr != S_OK)
    {
        service_fail(s, "WsReceiveMessage", hr,
                     s->received && hr == (HRESULT)WS_E_INVALID_FORMAT ? BUG_UDP_DATAGRAM : BUG_NONE);
        return hr;
    }
    if (s->value != expected)
    {
        snprintf(what, sizeof(what), "received the value %d, not %d", s->value, expected);
        service_fail(s, what, E_FAIL, BUG_UDP_DATAGRAM);
        return E_FAIL;
    }
    if (s->forwarded_from)
    {
        /* A forwarded message keeps the original's MessageID (its duplicate's headers). */
        struct service *from = s->forwarded_from;
        WS_UNIQUE_ID id;

        memset(&id, 0, sizeof(id));
        if ((hr = WsGetHeader(s->message, WS_MESSAGE_ID_HEADER, WS_UNIQUE_ID_TYPE, WS_READ_REQUIRED_VALUE, s->heap,
                              &id, sizeof(id), NULL)) != S_OK)
        {
            service_fail(s, "WsGetHeader(WS_MESSAGE_ID_HEADER) of the forwarded message", hr, BUG_NONE);
            return hr;
        }
        if (s->received >= from->ids_read || !same_id(&id, &from->ids[s->received]))
        {
            service_fail(s, "the forwarded message's MessageID is not the original's", E_FAIL, BUG_NONE);
            return E_FAIL;
        }
    }
    s->received++;
    if (s->forward_channel) return forward(s, next, context, error);
    next->function = step_close;
    return S_OK;
}

static HRESULT CALLBACK step_accepted(HRESULT hr, WS_CALLBACK_MODEL model, void *state, WS_ASYNC_OPERATION *next,
                                      const WS_ASYNC_CONTEXT *context, WS_ERROR *error)
{
    struct service *s = state;
    const WS_MESSAGE_DESCRIPTION *descriptions[] = { &number_message };

    (void)model;
    if (hr != S_OK)
    {
        /* An accept ended by the listener's close after a failure elsewhere is no failure of its
         * own. The accept after the first reset is where a reset that closed the listener's socket
         * shows (a Winsock error). */
        if (hr == (HRESULT)WS_E_OPERATION_ABORTED && e2e_failures) return hr;
        service_fail(s, "WsAcceptChannel", hr,
                     s->received && HRESULT_FACILITY(hr) == FACILITY_WIN32 ? BUG_UDP_RESET : BUG_NONE);
        return hr;
    }
    s->used = TRUE;
    next->function = step_received;
    /* The descriptions are the step's: given to an asynchronous call that copies them. */
    return WsReceiveMessage(s->channel, s->message, descriptions, ARRAYSIZE(descriptions),
                            WS_RECEIVE_REQUIRED_MESSAGE, WS_READ_REQUIRED_VALUE, NULL, &s->value, sizeof(s->value),
                            NULL, context, error);
}

/* The top of the loop: a used channel is reset, then the next session accepted, until COUNT
 * messages have come. */
static HRESULT CALLBACK step_reset(HRESULT hr, WS_CALLBACK_MODEL model, void *state, WS_ASYNC_OPERATION *next,
                                   const WS_ASYNC_CONTEXT *context, WS_ERROR *error)
{
    struct service *s = state;

    (void)hr; (void)model;
    if (s->used)
    {
        if ((hr = WsResetChannel(s->channel, error)) != S_OK)
        {
            service_fail(s, "WsResetChannel", hr, BUG_NONE);
            return hr;
        }
        s->used = FALSE;
    }
    if (s->received == COUNT) return S_OK;  /* the end of the series */
    next->function = step_accepted;
    return WsAcceptChannel(s->listener, s->channel, context, error);
}

static void CALLBACK series_done(HRESULT hr, WS_CALLBACK_MODEL model, void *state)
{
    struct service *s = state;

    (void)model;
    s->result = hr;
    SetEvent(s->done);
}

/* Opens a service's listener: on 127.0.0.1 (group NULL) on a free port, or on the multicast
 * group with the given properties. */
static HRESULT open_service(struct service *s, const char *name, const char *group,
                            const WS_LISTENER_PROPERTY *properties, ULONG property_count)
{
    HRESULT hr = E_FAIL;
    int attempt;

    s->name = name;
    s->done = CreateEventW(NULL, TRUE, FALSE, NULL);
    if ((hr = WsCreateHeap(1 << 16, 0, NULL, 0, &s->heap, NULL)) != S_OK)
    {
        e2e_fail("WsCreateHeap", hr, BUG_NONE);
        return hr;
    }
    /* A new listener for each port tried, not one reset after a failed open: with Wine 8.0's
     * builtin an accept on a listener so reset was seen to end at once, WS_E_OPERATION_ABORTED. */
    for (attempt = 0; attempt < 20; attempt++)
    {
        int port = 20000 + (int)((GetCurrentProcessId() * 13 + (s - services) * 577 + attempt * 101) % 30000);

        if ((hr = WsCreateListener(WS_CHANNEL_TYPE_DUPLEX, WS_UDP_CHANNEL_BINDING, properties, property_count, NULL,
                                   &s->listener, NULL)) != S_OK)
        {
            char what[160];
            snprintf(what, sizeof(what), "%s: WsCreateListener%s", name,
                     property_count ? " with WS_LISTENER_PROPERTY_IS_MULTICAST and _MULTICAST_INTERFACES" : "");
            e2e_fail(what, hr, property_count ? BUG_UDP_MULTICAST : BUG_NONE);
            s->listener = NULL;
            return hr;
        }
        swprintf(s->url_chars, ARRAYSIZE(s->url_chars), L"soap.udp://%hs:%d", group ? group : "127.0.0.1", port);
        s->url.chars = s->url_chars;
        s->url.length = (ULONG)wcslen(s->url_chars);
        if ((hr = WsOpenListener(s->listener, &s->url, NULL, NULL)) == S_OK) break;
        WsFreeListener(s->listener);
        s->listener = NULL;
    }
    if (hr != S_OK)
    {
        char what[160];
        snprintf(what, sizeof(what), "%s: WsOpenListener(%ls)", name, s->url_chars);
        e2e_fail(what, hr, group ? BUG_UDP_MULTICAST : BUG_NONE);
        return hr;
    }
    if ((hr = WsCreateChannelForListener(s->listener, NULL, 0, &s->channel, NULL)) != S_OK ||
        (hr = WsCreateMessageForChannel(s->channel, NULL, 0, &s->message, NULL)) != S_OK)
    {
        e2e_fail("WsCreateChannelForListener/WsCreateMessageForChannel", hr, BUG_NONE);
        return hr;
    }
    printf("%s: listening on %ls\n", name, s->url_chars);
    return S_OK;
}

/* A client's channel to url, opened. */
static HRESULT open_client(const WS_STRING *url, const WS_CHANNEL_PROPERTY *properties, ULONG property_count,
                           WS_CHANNEL **channel, const char *who)
{
    WS_ENDPOINT_ADDRESS address = { *url, NULL, NULL, NULL };
    char what[160];
    HRESULT hr;

    *channel = NULL;
    if ((hr = WsCreateChannel(WS_CHANNEL_TYPE_DUPLEX, WS_UDP_CHANNEL_BINDING, properties, property_count, NULL,
                              channel, NULL)) != S_OK)
    {
        snprintf(what, sizeof(what), "%s: WsCreateChannel", who);
        e2e_fail(what, hr, BUG_NONE);
        return hr;
    }
    if ((hr = WsOpenChannel(*channel, &address, NULL, NULL)) != S_OK)
    {
        snprintf(what, sizeof(what), "%s: WsOpenChannel(%ls)", who, url->chars);
        e2e_fail(what, hr, BUG_NONE);
    }
    return hr;
}

/* A client sends COUNT messages to url, synchronously: client's values. */
static BOOL send_all(const WS_STRING *url, const WS_CHANNEL_PROPERTY *properties, ULONG property_count, int client,
                     const char *who)
{
    WS_CHANNEL *channel = NULL;
    WS_MESSAGE *message = NULL;
    char what[160];
    HRESULT hr;
    INT32 value;
    int i;

    if (open_client(url, properties, property_count, &channel, who) != S_OK) goto done;
    if ((hr = WsCreateMessageForChannel(channel, NULL, 0, &message, NULL)) != S_OK)
    {
        snprintf(what, sizeof(what), "%s: WsCreateMessageForChannel", who);
        e2e_fail(what, hr, BUG_NONE);
        goto done;
    }
    for (i = 0; i < COUNT; i++)
    {
        /* Each message has a MessageID of its own (a blank message has none), set among its
         * headers before WsSendMessage writes it: the forwarder's duplicate must keep it. */
        WS_UNIQUE_ID id;

        memset(&id, 0, sizeof(id));
        UuidCreate(&id.guid);
        value = value_sent(client, i);
        if ((hr = WsInitializeMessage(message, WS_BLANK_MESSAGE, NULL, NULL)) != S_OK ||
            (hr = WsSetHeader(message, WS_MESSAGE_ID_HEADER, WS_UNIQUE_ID_TYPE, WS_WRITE_REQUIRED_VALUE, &id,
                              sizeof(id), NULL)) != S_OK)
        {
            snprintf(what, sizeof(what), "%s: message %d: WsInitializeMessage/WsSetHeader(WS_MESSAGE_ID_HEADER)", who,
                     i);
            e2e_fail(what, hr, BUG_NONE);
            goto done;
        }
        if ((hr = WsSendMessage(channel, message, &number_message, WS_WRITE_REQUIRED_VALUE, &value, sizeof(value),
                                NULL, NULL)) != S_OK)
        {
            snprintf(what, sizeof(what), "%s: WsSendMessage %d", who, i);
            e2e_fail(what, hr, BUG_NONE);
            goto done;
        }
        WsResetMessage(message, NULL);
    }
    WsCloseChannel(channel, NULL, NULL);
done:
    if (message) WsFreeMessage(message);
    if (channel) WsFreeChannel(channel);
    return !e2e_failures;
}

/* Runs a service's series from its reset step, on a thread of its own (so that an accept that
 * blocks despite its context holds up only that thread); signals when WsAsyncExecute returned. */
static DWORD WINAPI series_thread(void *param)
{
    struct service *s = param;
    WS_ASYNC_CONTEXT context = { series_done, s };
    HRESULT hr = WsAsyncExecute(&s->state, step_reset, WS_LONG_CALLBACK, s, &context, NULL);

    SetEvent(s->returned);
    if (hr == WS_S_ASYNC) return 0;
    /* An accept that blocked (bug 0033) and was ended by the listener's close after a failure
     * elsewhere is no failure of its own. */
    if (FAILED(hr) && !(hr == (HRESULT)WS_E_OPERATION_ABORTED && e2e_failures))
        service_fail(s, "WsAsyncExecute", hr, BUG_NONE);
    series_done(hr, WS_LONG_CALLBACK, s);
    return 0;
}

/* Starts a service's series: WsAsyncExecute must return within 10 s, its accept waiting for a
 * datagram. One that does not is reported and left to go on once the client sends. */
static BOOL start_series(struct service *s)
{
    char what[160];
    HANDLE thread;

    s->returned = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!(thread = CreateThread(NULL, 0, series_thread, s, 0, NULL)))
    {
        service_fail(s, "CreateThread", HRESULT_FROM_WIN32(GetLastError()), BUG_NONE);
        return FALSE;
    }
    CloseHandle(thread);
    if (WaitForSingleObject(s->returned, 10000) != WAIT_OBJECT_0)
    {
        snprintf(what, sizeof(what), "%s: WsAsyncExecute did not return within 10 s (its WsAcceptChannel waits for a "
                 "datagram)", s->name);
        e2e_fail(what, E_FAIL, BUG_SYNC_ACCEPT);
    }
    return TRUE;
}

/* Waits for a service's series to end; reports what it received. */
static BOOL wait_service(struct service *s, DWORD timeout_ms)
{
    char what[160];

    if (WaitForSingleObject(s->done, timeout_ms) != WAIT_OBJECT_0)
    {
        snprintf(what, sizeof(what), "%s: %d of %d messages received within %lu s", s->name, s->received, COUNT,
                 (unsigned long)timeout_ms / 1000);
        /* The accept after a reset waits on nothing: the reset closed the listener's socket. A
         * multicast listener that received nothing did not join the group. */
        e2e_fail(what, E_FAIL, s->received == 1 ? BUG_UDP_RESET
                               : !s->received && s == &services[2] ? BUG_UDP_MULTICAST : BUG_NONE);
        return FALSE;
    }
    if (s->result != S_OK)
    {
        if (!e2e_failures) service_fail(s, "series end", s->result, BUG_NONE);
        return FALSE;
    }
    printf("%s: %d messages received\n", s->name, s->received);
    return TRUE;
}

/* Closes a service: its listener first, which ends an accept still waiting (a series that did
 * not receive everything), then, once its series has ended, frees the rest. */
static void close_service(struct service *s)
{
    if (!s->listener) return;
    WsCloseListener(s->listener, NULL, NULL);
    if (s->channel) WsAbortChannel(s->channel, NULL);
    if (s->done && WaitForSingleObject(s->done, 5000) != WAIT_OBJECT_0)
    {
        printf("%s: its series did not end once its listener was closed\n", s->name);
        return;
    }
    if (s->message) WsFreeMessage(s->message);
    if (s->channel) WsFreeChannel(s->channel);
    if (s->forward_message) WsFreeMessage(s->forward_message);
    if (s->forward_channel)
    {
        WsCloseChannel(s->forward_channel, NULL, NULL);
        WsFreeChannel(s->forward_channel);
    }
    WsFreeListener(s->listener);
    WsFreeHeap(s->heap);
}

/* Whether multicast works here at all: a Winsock socket joined to the group on the loopback
 * interface receives a datagram sent to the group through that interface. why receives the
 * reason when not. */
static BOOL multicast_works(char *why, size_t why_size)
{
    struct sockaddr_in address, group;
    struct ip_mreq request;
    SOCKET receiver = INVALID_SOCKET, sender = INVALID_SOCKET;
    DWORD timeout = 2000;
    int length = sizeof(address);
    char buffer[16];
    BOOL works = FALSE;
    BYTE loop = 1;

    memset(&address, 0, sizeof(address));
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_ANY);
    memset(&group, 0, sizeof(group));
    group.sin_family = AF_INET;
    inet_pton(AF_INET, MULTICAST_GROUP, &group.sin_addr);
    request.imr_multiaddr = group.sin_addr;
    request.imr_interface.s_addr = htonl(INADDR_LOOPBACK);
    if ((receiver = socket(AF_INET, SOCK_DGRAM, 0)) == INVALID_SOCKET ||
        (sender = socket(AF_INET, SOCK_DGRAM, 0)) == INVALID_SOCKET)
        snprintf(why, why_size, "no UDP socket (%d)", WSAGetLastError());
    else if (bind(receiver, (struct sockaddr *)&address, sizeof(address)) ||
             getsockname(receiver, (struct sockaddr *)&address, &length))
        snprintf(why, why_size, "bind failed (%d)", WSAGetLastError());
    else if (setsockopt(receiver, IPPROTO_IP, IP_ADD_MEMBERSHIP, (const char *)&request, sizeof(request)))
        snprintf(why, why_size, "joining %s on the loopback interface failed (%d)", MULTICAST_GROUP,
                 WSAGetLastError());
    else if (setsockopt(sender, IPPROTO_IP, IP_MULTICAST_IF, (const char *)&request.imr_interface,
                        sizeof(request.imr_interface)) ||
             setsockopt(sender, IPPROTO_IP, IP_MULTICAST_LOOP, (const char *)&loop, sizeof(loop)))
        snprintf(why, why_size, "the loopback interface cannot send multicast (%d)", WSAGetLastError());
    else
    {
        setsockopt(receiver, SOL_SOCKET, SO_RCVTIMEO, (const char *)&timeout, sizeof(timeout));
        group.sin_port = address.sin_port;
        if (sendto(sender, "probe", 5, 0, (struct sockaddr *)&group, sizeof(group)) != 5)
            snprintf(why, why_size, "sending to %s through the loopback failed (%d)", MULTICAST_GROUP,
                     WSAGetLastError());
        else if (recv(receiver, buffer, sizeof(buffer), 0) != 5 || memcmp(buffer, "probe", 5))
            snprintf(why, why_size, "nothing sent to %s through the loopback came back (%d)", MULTICAST_GROUP,
                     WSAGetLastError());
        else works = TRUE;
    }
    if (receiver != INVALID_SOCKET) closesocket(receiver);
    if (sender != INVALID_SOCKET) closesocket(sender);
    return works;
}

/* The index of the interface with the address 127.0.0.1, 0 if none has it. */
static ULONG loopback_index(void)
{
    MIB_IPADDRTABLE *table = NULL;
    ULONG size = 0, i, index = 0;
    DWORD err;

    while ((err = GetIpAddrTable(table, &size, FALSE)) == ERROR_INSUFFICIENT_BUFFER)
    {
        free(table);
        if (!(table = malloc(size))) return 0;
    }
    for (i = 0; !err && i < table->dwNumEntries; i++)
        if (table->table[i].dwAddr == htonl(INADDR_LOOPBACK)) index = table->table[i].dwIndex;
    free(table);
    return index;
}

/* The sending side alone: a client's channel to the group with WS_CHANNEL_PROPERTY_MULTICAST_INTERFACE
 * (the loopback's index) must send its message through the loopback, where a Winsock socket
 * joined to the group there receives it. */
static BOOL check_multicast_send(ULONG index)
{
    struct sockaddr_in address;
    struct ip_mreq request;
    WS_CHANNEL_PROPERTY property = { WS_CHANNEL_PROPERTY_MULTICAST_INTERFACE, &index, sizeof(index) };
    WS_CHANNEL *channel = NULL;
    WS_MESSAGE *message = NULL;
    WCHAR url_chars[64];
    WS_STRING url;
    SOCKET receiver;
    DWORD timeout = 3000;
    int length = sizeof(address), received = -1;
    char buffer[2048];
    INT32 value = 4242;
    HRESULT hr;

    memset(&address, 0, sizeof(address));
    address.sin_family = AF_INET;
    inet_pton(AF_INET, MULTICAST_GROUP, &request.imr_multiaddr);
    request.imr_interface.s_addr = htonl(INADDR_LOOPBACK);
    if ((receiver = socket(AF_INET, SOCK_DGRAM, 0)) == INVALID_SOCKET) return FALSE;
    if (bind(receiver, (struct sockaddr *)&address, sizeof(address)) ||
        getsockname(receiver, (struct sockaddr *)&address, &length) ||
        setsockopt(receiver, IPPROTO_IP, IP_ADD_MEMBERSHIP, (const char *)&request, sizeof(request)))
    {
        closesocket(receiver);
        return FALSE;
    }
    setsockopt(receiver, SOL_SOCKET, SO_RCVTIMEO, (const char *)&timeout, sizeof(timeout));
    swprintf(url_chars, ARRAYSIZE(url_chars), L"soap.udp://%hs:%d", MULTICAST_GROUP, ntohs(address.sin_port));
    url.chars = url_chars;
    url.length = (ULONG)wcslen(url_chars);
    if (open_client(&url, &property, 1, &channel, "multicast client") == S_OK)
    {
        if ((hr = WsCreateMessageForChannel(channel, NULL, 0, &message, NULL)) != S_OK ||
            (hr = WsSendMessage(channel, message, &number_message, WS_WRITE_REQUIRED_VALUE, &value, sizeof(value),
                                NULL, NULL)) != S_OK)
            e2e_fail("multicast client: WsSendMessage to the group", hr, BUG_NONE);
        else if ((received = recv(receiver, buffer, sizeof(buffer), 0)) <= 0)
            e2e_fail("multicast client: nothing sent through the interface WS_CHANNEL_PROPERTY_MULTICAST_INTERFACE "
                     "names", E_FAIL, BUG_UDP_MULTICAST_SEND);
    }
    if (message) WsFreeMessage(message);
    if (channel)
    {
        WsCloseChannel(channel, NULL, NULL);
        WsFreeChannel(channel);
    }
    closesocket(receiver);
    return received > 0;
}

/* The multicast part: a client's channel sends through the loopback interface, and a listener on
 * the group, on that interface, receives a client's messages sent to the group there. */
static void check_multicast(void)
{
    struct service *s = &services[2];
    WS_CHANNEL_PROPERTY channel_property;
    WS_LISTENER_PROPERTY properties[2];
    ULONG interfaces[1], index = 0;
    BOOL multicast = TRUE;
    char why[160];

    e2e_phase_set("multicast", BUG_NONE);
    if (!multicast_works(why, sizeof(why)))
    {
        printf("multicast: skipped, multicast does not work on this machine: %s\n", why);
        return;
    }
    if (!(index = loopback_index()))
    {
        printf("multicast: skipped, no interface has the address 127.0.0.1\n");
        return;
    }
    printf("multicast: the loopback interface has the index %lu\n", (unsigned long)index);
    if (!check_multicast_send(index)) return;
    /* A multicast listener, joining the group on the loopback interface. */
    interfaces[0] = index;
    properties[0].id = WS_LISTENER_PROPERTY_IS_MULTICAST;
    properties[0].value = &multicast;
    properties[0].valueSize = sizeof(multicast);
    properties[1].id = WS_LISTENER_PROPERTY_MULTICAST_INTERFACES;
    properties[1].value = interfaces;
    properties[1].valueSize = sizeof(interfaces);
    s->client = 2;
    if (open_service(s, "multicast listener", MULTICAST_GROUP, properties, ARRAYSIZE(properties)) != S_OK) return;
    if (!start_series(s)) return;
    /* The client sends through the loopback interface too. */
    channel_property.id = WS_CHANNEL_PROPERTY_MULTICAST_INTERFACE;
    channel_property.value = &index;
    channel_property.valueSize = sizeof(index);
    if (!send_all(&s->url, &channel_property, 1, 2, "multicast client")) return;
    wait_service(s, 10000);
}

int main(void)
{
    struct service *forwarder = &services[0], *target = &services[1];
    WSADATA data;
    HRESULT hr;

    e2e_init(90);
    WSAStartup(MAKEWORD(2, 2), &data);

    /* The service the forwarder forwards to first, so that its URL is known. */
    e2e_phase_set("service set-up", BUG_NONE);
    if (open_service(target, "forwarded-to service", NULL, NULL, 0) != S_OK ||
        open_service(forwarder, "forwarder", NULL, NULL, 0) != S_OK)
        return e2e_finish("udp");
    target->client = 1;
    target->forwarded_from = forwarder;
    forwarder->client = 1;
    if (open_client(&target->url, NULL, 0, &forwarder->forward_channel, "forwarder") != S_OK)
        return e2e_finish("udp");
    if ((hr = WsCreateMessageForChannel(forwarder->forward_channel, NULL, 0, &forwarder->forward_message,
                                        NULL)) != S_OK)
    {
        e2e_fail("forwarder: WsCreateMessageForChannel", hr, BUG_NONE);
        return e2e_finish("udp");
    }

    /* Both series accept asynchronously: WsAsyncExecute returns with their accepts waiting. */
    e2e_phase_set("starting the series", BUG_NONE);
    if (!start_series(target) || !start_series(forwarder)) return e2e_finish("udp");

    /* The client's datagrams wait in the listener's socket while a series is between sessions. */
    e2e_phase_set("sending", BUG_NONE);
    if (send_all(&forwarder->url, NULL, 0, 1, "client"))
    {
        e2e_phase_set("receiving", BUG_NONE);
        if (wait_service(forwarder, 10000)) wait_service(target, 10000);
    }

    if (!e2e_failures) check_multicast();

    close_service(forwarder);
    close_service(target);
    close_service(&services[2]);
    WSACleanup();
    return e2e_finish("udp");
}
