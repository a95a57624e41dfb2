/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * End-to-end program: a calculator service run by the WWSAPI service host (WsCreateServiceHost)
 * on a net.tcp endpoint, its clients calling it through service proxies (WsCall) from several
 * threads at once, synchronously and asynchronously.
 *
 * The contract is written out as wsutil would generate it from the service's WSDL: message,
 * element and operation descriptions, a stub per operation that unpacks the host's parameter
 * frame, the service's table of operation callbacks and, for the clients, a function per
 * operation that packs its arguments for WsCall. Its operations:
 *   Add(a, b) -> sum
 *   Divide(a, b) -> quotient; it fails for b == 0, which the host answers with a SOAP fault: the
 *           client's call returns WS_E_ENDPOINT_FAULT_RECEIVED
 *   Slow(x) -> 3x + 1, returning WS_S_ASYNC and completing later on a pool thread, through a
 *           WsAsyncExecute series of two steps with a threadpool timer between them
 *   Notify(x), one-way: the service counts the notifications and adds up their values
 *   Wait(), registered for cancellation (WsRegisterOperationForCancel): it completes only when
 *           cancelled
 *
 * CLIENTS threads start together, each with its own WS_SERVICE_PROXY (its own session), and make
 * ROUNDS rounds of calls: Add and Slow asynchronously, both in flight at once on the session,
 * beside synchronous Add, Divide, Divide by zero, Notify and, every third round, an asynchronous
 * Divide by zero. An asynchronous call's inputs live on a stack frame that is overwritten as soon
 * as WsCall has returned WS_S_ASYNC, as a caller's stack would be once it moved on: a proxy still
 * reading them sends something else. Every result is checked. Then the handles, heap blocks and
 * bytes of the process are counted, LEAK_CALLS more calls made (CLIENTS sessions at once, their
 * proxies opened and closed), and they are counted again: they must not have grown (check_leaks). A last client calls Wait asynchronously with
 * a call id (WS_CALL_PROPERTY_CALL_ID), and once the service has it, abandons the call
 * (WsAbandonCall): its callback must see WS_E_OPERATION_ABANDONED while the operation goes on
 * in the service. The Notify count is checked; the host is aborted, which cancels the abandoned
 * Wait (its cancel and free-state callbacks must run once each), closed and freed.
 *
 * The same host has a second endpoint, session-full, on the next port: its contract has one
 * operation, Tally(x) -> the running total of x over the calls made on the session. The endpoint's
 * accept channel callback (WS_SERVICE_ENDPOINT_PROPERTY_ACCEPT_CHANNEL_CALLBACK) allocates each
 * session's state, completing on a pool thread for every other session when the host gives it an
 * asynchronous context; Tally reads the state through WsGetOperationContextProperty
 * (WS_OPERATION_CONTEXT_PROPERTY_CHANNEL_USER_STATE); the close callback frees it. SESSIONS client
 * threads, each with its own proxy (its own session), make TALLY_ROUNDS rounds of Tally calls at
 * once: an asynchronous call with a synchronous one beside it on the same session (the two totals
 * must fit one order of the two), then one alone, asynchronous or synchronous. Every total must be
 * that session's own. Once the clients have closed their proxies, and again once the host is
 * freed, the accept and close callbacks must have run once per session and every state allocated
 * been freed.
 *
 * Exit code 0 when all of that held. A failure prints "FAILED at ..." (e2e.h); no row of
 * wine/bugs.tsv names the service host's bugs yet, so failures are reported as no known bug.
 */
#include "e2e.h"
#include "servicehost_decls.h"
#include "alloc_count.h"


#define CLIENTS 8
#define ROUNDS 12
#define ONE_CALL_KINDS 8          /* the calls one_call() makes in turn */
#define LEAK_CALLS 10000
#define LEAK_BLOCKS 1000          /* heap blocks the LEAK_CALLS may leave: fewer than one per 10 calls */
#define LEAK_BYTES_PER_CALL 16
#define CHANNELS (CLIENTS + 2)    /* the host's accepting channels: one session each */
#define WAIT_CALL_ID 42
#define SLOW_DELAY_MS 5
#define SCRIBBLE_BYTE 0x5c
#define SESSIONS 4                /* the session-full endpoint's clients, one session each */
#define TALLY_ROUNDS 10
#define SESSION_MAGIC 0x7a11e55a  /* marks a live session state: a stale or foreign pointer lacks it */
C_ASSERT(SESSIONS <= CLIENTS);    /* run_client_threads() has room for CLIENTS */

/* The contract, as wsutil writes it out. */
static WS_XML_STRING ns = XML_STRING("http://tempuri.org/");
static WS_XML_STRING a_name = XML_STRING("a");
static WS_XML_STRING b_name = XML_STRING("b");
static WS_XML_STRING x_name = XML_STRING("x");
static WS_XML_STRING add_name = XML_STRING("Add");
static WS_XML_STRING add_response_name = XML_STRING("AddResponse");
static WS_XML_STRING add_result_name = XML_STRING("AddResult");
static WS_XML_STRING divide_name = XML_STRING("Divide");
static WS_XML_STRING divide_response_name = XML_STRING("DivideResponse");
static WS_XML_STRING divide_result_name = XML_STRING("DivideResult");
static WS_XML_STRING slow_name = XML_STRING("Slow");
static WS_XML_STRING slow_response_name = XML_STRING("SlowResponse");
static WS_XML_STRING slow_result_name = XML_STRING("SlowResult");
static WS_XML_STRING notify_name = XML_STRING("Notify");
static WS_XML_STRING wait_name = XML_STRING("Wait");
static WS_XML_STRING wait_response_name = XML_STRING("WaitResponse");
static WS_XML_STRING add_action = XML_STRING("http://tempuri.org/ICalculator/Add");
static WS_XML_STRING add_response_action = XML_STRING("http://tempuri.org/ICalculator/AddResponse");
static WS_XML_STRING divide_action = XML_STRING("http://tempuri.org/ICalculator/Divide");
static WS_XML_STRING divide_response_action = XML_STRING("http://tempuri.org/ICalculator/DivideResponse");
static WS_XML_STRING slow_action = XML_STRING("http://tempuri.org/ICalculator/Slow");
static WS_XML_STRING slow_response_action = XML_STRING("http://tempuri.org/ICalculator/SlowResponse");
static WS_XML_STRING notify_action = XML_STRING("http://tempuri.org/ICalculator/Notify");
static WS_XML_STRING wait_action = XML_STRING("http://tempuri.org/ICalculator/Wait");
static WS_XML_STRING wait_response_action = XML_STRING("http://tempuri.org/ICalculator/WaitResponse");
/* The session-full endpoint's contract. */
static WS_XML_STRING tally_name = XML_STRING("Tally");
static WS_XML_STRING tally_response_name = XML_STRING("TallyResponse");
static WS_XML_STRING tally_result_name = XML_STRING("TallyResult");
static WS_XML_STRING tally_action = XML_STRING("http://tempuri.org/ITally/Tally");
static WS_XML_STRING tally_response_action = XML_STRING("http://tempuri.org/ITally/TallyResponse");

/* The bodies of the messages. */
struct two_operands { INT32 a; INT32 b; };
struct one_operand { INT32 x; };
struct one_result { INT32 result; };

#define FIELD(field_name, struct_type, member) \
    { WS_ELEMENT_FIELD_MAPPING, &field_name, &ns, WS_INT32_TYPE, NULL, FIELD_OFFSET(struct_type, member), 0, NULL, \
      0, NULL, NULL, NULL }

static WS_FIELD_DESCRIPTION a_field = FIELD(a_name, struct two_operands, a);
static WS_FIELD_DESCRIPTION b_field = FIELD(b_name, struct two_operands, b);
static WS_FIELD_DESCRIPTION x_field = FIELD(x_name, struct one_operand, x);
static WS_FIELD_DESCRIPTION add_result_field = FIELD(add_result_name, struct one_result, result);
static WS_FIELD_DESCRIPTION divide_result_field = FIELD(divide_result_name, struct one_result, result);
static WS_FIELD_DESCRIPTION slow_result_field = FIELD(slow_result_name, struct one_result, result);
static WS_FIELD_DESCRIPTION tally_result_field = FIELD(tally_result_name, struct one_result, result);
static WS_FIELD_DESCRIPTION *two_operand_fields[] = { &a_field, &b_field };
static WS_FIELD_DESCRIPTION *one_operand_fields[] = { &x_field };
static WS_FIELD_DESCRIPTION *add_result_fields[] = { &add_result_field };
static WS_FIELD_DESCRIPTION *divide_result_fields[] = { &divide_result_field };
static WS_FIELD_DESCRIPTION *slow_result_fields[] = { &slow_result_field };
static WS_FIELD_DESCRIPTION *tally_result_fields[] = { &tally_result_field };

#define STRUCT(struct_type, fields, name) \
    { sizeof(struct_type), TYPE_ALIGNMENT(struct_type), fields, ARRAYSIZE(fields), &name, &ns, NULL, NULL, 0, 0 }
/* Wait's messages have empty bodies. */
#define EMPTY_STRUCT(name) { 0, 1, NULL, 0, &name, &ns, NULL, NULL, 0, 0 }

static WS_STRUCT_DESCRIPTION add_struct = STRUCT(struct two_operands, two_operand_fields, add_name);
static WS_STRUCT_DESCRIPTION add_response_struct = STRUCT(struct one_result, add_result_fields, add_response_name);
static WS_STRUCT_DESCRIPTION divide_struct = STRUCT(struct two_operands, two_operand_fields, divide_name);
static WS_STRUCT_DESCRIPTION divide_response_struct = STRUCT(struct one_result, divide_result_fields,
                                                             divide_response_name);
static WS_STRUCT_DESCRIPTION slow_struct = STRUCT(struct one_operand, one_operand_fields, slow_name);
static WS_STRUCT_DESCRIPTION slow_response_struct = STRUCT(struct one_result, slow_result_fields, slow_response_name);
static WS_STRUCT_DESCRIPTION notify_struct = STRUCT(struct one_operand, one_operand_fields, notify_name);
static WS_STRUCT_DESCRIPTION wait_struct = EMPTY_STRUCT(wait_name);
static WS_STRUCT_DESCRIPTION wait_response_struct = EMPTY_STRUCT(wait_response_name);
static WS_STRUCT_DESCRIPTION tally_struct = STRUCT(struct one_operand, one_operand_fields, tally_name);
static WS_STRUCT_DESCRIPTION tally_response_struct = STRUCT(struct one_result, tally_result_fields,
                                                            tally_response_name);

static WS_ELEMENT_DESCRIPTION add_element = { &add_name, &ns, WS_STRUCT_TYPE, &add_struct };
static WS_ELEMENT_DESCRIPTION add_response_element = { &add_response_name, &ns, WS_STRUCT_TYPE, &add_response_struct };
static WS_ELEMENT_DESCRIPTION divide_element = { &divide_name, &ns, WS_STRUCT_TYPE, &divide_struct };
static WS_ELEMENT_DESCRIPTION divide_response_element = { &divide_response_name, &ns, WS_STRUCT_TYPE,
                                                          &divide_response_struct };
static WS_ELEMENT_DESCRIPTION slow_element = { &slow_name, &ns, WS_STRUCT_TYPE, &slow_struct };
static WS_ELEMENT_DESCRIPTION slow_response_element = { &slow_response_name, &ns, WS_STRUCT_TYPE,
                                                        &slow_response_struct };
static WS_ELEMENT_DESCRIPTION notify_element = { &notify_name, &ns, WS_STRUCT_TYPE, &notify_struct };
static WS_ELEMENT_DESCRIPTION wait_element = { &wait_name, &ns, WS_STRUCT_TYPE, &wait_struct };
static WS_ELEMENT_DESCRIPTION wait_response_element = { &wait_response_name, &ns, WS_STRUCT_TYPE,
                                                        &wait_response_struct };
static WS_ELEMENT_DESCRIPTION tally_element = { &tally_name, &ns, WS_STRUCT_TYPE, &tally_struct };
static WS_ELEMENT_DESCRIPTION tally_response_element = { &tally_response_name, &ns, WS_STRUCT_TYPE,
                                                         &tally_response_struct };

static WS_MESSAGE_DESCRIPTION add_message = { &add_action, &add_element };
static WS_MESSAGE_DESCRIPTION add_response_message = { &add_response_action, &add_response_element };
static WS_MESSAGE_DESCRIPTION divide_message = { &divide_action, &divide_element };
static WS_MESSAGE_DESCRIPTION divide_response_message = { &divide_response_action, &divide_response_element };
static WS_MESSAGE_DESCRIPTION slow_message = { &slow_action, &slow_element };
static WS_MESSAGE_DESCRIPTION slow_response_message = { &slow_response_action, &slow_response_element };
static WS_MESSAGE_DESCRIPTION notify_message = { &notify_action, &notify_element };
static WS_MESSAGE_DESCRIPTION wait_message = { &wait_action, &wait_element };
static WS_MESSAGE_DESCRIPTION wait_response_message = { &wait_response_action, &wait_response_element };
static WS_MESSAGE_DESCRIPTION tally_message = { &tally_action, &tally_element };
static WS_MESSAGE_DESCRIPTION tally_response_message = { &tally_response_action, &tally_response_element };

/* Each parameter's field in the input and the output message, 0xffff where it has none. */
static WS_PARAMETER_DESCRIPTION two_operand_parameters[] =
{
    { WS_PARAMETER_TYPE_NORMAL, 0, 0xffff },
    { WS_PARAMETER_TYPE_NORMAL, 1, 0xffff },
    { WS_PARAMETER_TYPE_NORMAL, 0xffff, 0 },
};
static WS_PARAMETER_DESCRIPTION one_operand_parameters[] =
{
    { WS_PARAMETER_TYPE_NORMAL, 0, 0xffff },
    { WS_PARAMETER_TYPE_NORMAL, 0xffff, 0 },
};
static WS_PARAMETER_DESCRIPTION notify_parameters[] =
{
    { WS_PARAMETER_TYPE_NORMAL, 0, 0xffff },
};

/* The operations' callbacks in the service, and the table of them the host calls through. */
typedef HRESULT (CALLBACK *two_operand_callback)(const WS_OPERATION_CONTEXT *context, INT32 a, INT32 b,
                                                 INT32 *result, const WS_ASYNC_CONTEXT *async_context,
                                                 WS_ERROR *error);
typedef HRESULT (CALLBACK *one_operand_callback)(const WS_OPERATION_CONTEXT *context, INT32 x, INT32 *result,
                                                 const WS_ASYNC_CONTEXT *async_context, WS_ERROR *error);
typedef HRESULT (CALLBACK *notify_callback)(const WS_OPERATION_CONTEXT *context, INT32 x,
                                            const WS_ASYNC_CONTEXT *async_context, WS_ERROR *error);
typedef HRESULT (CALLBACK *wait_callback)(const WS_OPERATION_CONTEXT *context, const WS_ASYNC_CONTEXT *async_context,
                                          WS_ERROR *error);

struct calculator_table
{
    two_operand_callback add;
    two_operand_callback divide;
    one_operand_callback slow;
    notify_callback notify;
    wait_callback wait;
};

/* The frames the host fills with an operation's parameters, inputs then outputs. */
struct two_operand_frame { INT32 a; INT32 b; INT32 result; };
struct one_operand_frame { INT32 x; INT32 result; };
struct notify_frame { INT32 x; };

static HRESULT CALLBACK two_operand_stub(const WS_OPERATION_CONTEXT *context, void *frame, const void *callback,
                                         const WS_ASYNC_CONTEXT *async_context, WS_ERROR *error)
{
    struct two_operand_frame *f = frame;
    return ((two_operand_callback)callback)(context, f->a, f->b, &f->result, async_context, error);
}

static HRESULT CALLBACK one_operand_stub(const WS_OPERATION_CONTEXT *context, void *frame, const void *callback,
                                         const WS_ASYNC_CONTEXT *async_context, WS_ERROR *error)
{
    struct one_operand_frame *f = frame;
    return ((one_operand_callback)callback)(context, f->x, &f->result, async_context, error);
}

static HRESULT CALLBACK notify_stub(const WS_OPERATION_CONTEXT *context, void *frame, const void *callback,
                                    const WS_ASYNC_CONTEXT *async_context, WS_ERROR *error)
{
    struct notify_frame *f = frame;
    return ((notify_callback)callback)(context, f->x, async_context, error);
}

static HRESULT CALLBACK wait_stub(const WS_OPERATION_CONTEXT *context, void *frame, const void *callback,
                                  const WS_ASYNC_CONTEXT *async_context, WS_ERROR *error)
{
    (void)frame;
    return ((wait_callback)callback)(context, async_context, error);
}

static WS_OPERATION_DESCRIPTION add_operation =
    { 1, &add_message, &add_response_message, 0, 0, ARRAYSIZE(two_operand_parameters), two_operand_parameters,
      two_operand_stub, WS_NON_RPC_LITERAL_OPERATION };
static WS_OPERATION_DESCRIPTION divide_operation =
    { 1, &divide_message, &divide_response_message, 0, 0, ARRAYSIZE(two_operand_parameters), two_operand_parameters,
      two_operand_stub, WS_NON_RPC_LITERAL_OPERATION };
static WS_OPERATION_DESCRIPTION slow_operation =
    { 1, &slow_message, &slow_response_message, 0, 0, ARRAYSIZE(one_operand_parameters), one_operand_parameters,
      one_operand_stub, WS_NON_RPC_LITERAL_OPERATION };
static WS_OPERATION_DESCRIPTION notify_operation =
    { 1, &notify_message, NULL, 0, 0, ARRAYSIZE(notify_parameters), notify_parameters, notify_stub,
      WS_NON_RPC_LITERAL_OPERATION };
static WS_OPERATION_DESCRIPTION wait_operation =
    { 1, &wait_message, &wait_response_message, 0, 0, 0, NULL, wait_stub, WS_NON_RPC_LITERAL_OPERATION };
static WS_OPERATION_DESCRIPTION *operations[] =
    { &add_operation, &divide_operation, &slow_operation, &notify_operation, &wait_operation };
static WS_CONTRACT_DESCRIPTION contract_description = { ARRAYSIZE(operations), operations };

/* The session-full contract: Tally takes and gives what Slow does, so it shares Slow's stub. */
struct tally_table
{
    one_operand_callback tally;
};

static WS_OPERATION_DESCRIPTION tally_operation =
    { 1, &tally_message, &tally_response_message, 0, 0, ARRAYSIZE(one_operand_parameters), one_operand_parameters,
      one_operand_stub, WS_NON_RPC_LITERAL_OPERATION };
static WS_OPERATION_DESCRIPTION *tally_operations[] = { &tally_operation };
static WS_CONTRACT_DESCRIPTION tally_contract_description = { ARRAYSIZE(tally_operations), tally_operations };

/* The clients' side: a function per operation that hands its arguments to WsCall. They live in
 * this function's frame, which is gone once it has returned, asynchronous call or not. Add and
 * Divide take the same parameters: one function serves both. */
static HRESULT call_two_ints(const WS_OPERATION_DESCRIPTION *operation, WS_SERVICE_PROXY *proxy, INT32 a, INT32 b,
                             INT32 *result, WS_HEAP *heap, const WS_CALL_PROPERTY *properties, ULONG property_count,
                             const WS_ASYNC_CONTEXT *async_context, WS_ERROR *error)
{
    void *args[3];

    args[0] = &a;
    args[1] = &b;
    args[2] = &result;
    return WsCall(proxy, operation, (const void **)args, heap, properties, property_count, async_context, error);
}

#define calculator_add(...) call_two_ints(&add_operation, __VA_ARGS__)
#define calculator_divide(...) call_two_ints(&divide_operation, __VA_ARGS__)

/* An operation of one int in and one out: Slow, and the session-full endpoint's Tally. */
static HRESULT call_one_int(const WS_OPERATION_DESCRIPTION *operation, WS_SERVICE_PROXY *proxy, INT32 x,
                            INT32 *result, WS_HEAP *heap, const WS_CALL_PROPERTY *properties, ULONG property_count,
                            const WS_ASYNC_CONTEXT *async_context, WS_ERROR *error)
{
    void *args[2];

    args[0] = &x;
    args[1] = &result;
    return WsCall(proxy, operation, (const void **)args, heap, properties, property_count, async_context, error);
}

#define calculator_slow(...) call_one_int(&slow_operation, __VA_ARGS__)

static HRESULT calculator_notify(WS_SERVICE_PROXY *proxy, INT32 x, WS_HEAP *heap, const WS_CALL_PROPERTY *properties,
                                 ULONG property_count, const WS_ASYNC_CONTEXT *async_context, WS_ERROR *error)
{
    void *args[1];

    args[0] = &x;
    return WsCall(proxy, &notify_operation, (const void **)args, heap, properties, property_count, async_context,
                  error);
}

#define tally_tally(...) call_one_int(&tally_operation, __VA_ARGS__)

static HRESULT calculator_wait(WS_SERVICE_PROXY *proxy, WS_HEAP *heap, const WS_CALL_PROPERTY *properties,
                               ULONG property_count, const WS_ASYNC_CONTEXT *async_context, WS_ERROR *error)
{
    return WsCall(proxy, &wait_operation, NULL, heap, properties, property_count, async_context, error);
}

/*
 * The service.
 */
static INT32 slow_answer(INT32 x)
{
    return 3 * x + 1;
}

static HRESULT CALLBACK service_add(const WS_OPERATION_CONTEXT *context, INT32 a, INT32 b, INT32 *sum,
                                    const WS_ASYNC_CONTEXT *async_context, WS_ERROR *error)
{
    (void)context; (void)async_context; (void)error;
    *sum = a + b;
    return S_OK;
}

static HRESULT CALLBACK service_divide(const WS_OPERATION_CONTEXT *context, INT32 a, INT32 b, INT32 *quotient,
                                       const WS_ASYNC_CONTEXT *async_context, WS_ERROR *error)
{
    (void)context; (void)async_context; (void)error;
    /* The host turns the failure into a fault for the client. */
    if (!b) return E_INVALIDARG;
    *quotient = a / b;
    return S_OK;
}

/* Slow: an operation that completes after it has returned, from a series of its own. */
struct slow_operation
{
    WS_ASYNC_STATE state;
    INT32 x;
    INT32 *result;                 /* in the host's frame, valid until the operation completes */
    WS_ASYNC_CONTEXT host_context; /* how the operation tells the host it is done */
    WS_ASYNC_CONTEXT step_context; /* how the timer resumes the series */
    PTP_TIMER timer;
};

static volatile LONG slow_completed;

static void CALLBACK slow_timer_fired(PTP_CALLBACK_INSTANCE instance, void *param, PTP_TIMER timer)
{
    struct slow_operation *op = param;

    (void)instance; (void)timer;
    op->step_context.callback(S_OK, WS_LONG_CALLBACK, op->step_context.callbackState);
}

/* The second step, on the timer's pool thread: the result. */
static HRESULT CALLBACK slow_step_answer(HRESULT hr, WS_CALLBACK_MODEL model, void *state, WS_ASYNC_OPERATION *next,
                                        const WS_ASYNC_CONTEXT *context, WS_ERROR *error)
{
    struct slow_operation *op = state;

    (void)model; (void)next; (void)context; (void)error;
    if (hr != S_OK) return hr;
    *op->result = slow_answer(op->x);
    return S_OK;
}

/* The first step: a timer, which resumes the series with its context. */
static HRESULT CALLBACK slow_step_start(HRESULT hr, WS_CALLBACK_MODEL model, void *state, WS_ASYNC_OPERATION *next,
                                        const WS_ASYNC_CONTEXT *context, WS_ERROR *error)
{
    struct slow_operation *op = state;
    LARGE_INTEGER due;
    FILETIME due_time;

    (void)hr; (void)model; (void)error;
    if (!(op->timer = CreateThreadpoolTimer(slow_timer_fired, op, NULL))) return HRESULT_FROM_WIN32(GetLastError());
    op->step_context = *context;
    next->function = slow_step_answer;
    due.QuadPart = -(LONGLONG)SLOW_DELAY_MS * 10000;  /* relative, in 100 ns units */
    due_time.dwLowDateTime = due.LowPart;
    due_time.dwHighDateTime = (DWORD)due.HighPart;
    SetThreadpoolTimer(op->timer, &due_time, 0, 0);
    return WS_S_ASYNC;
}

static void slow_free(struct slow_operation *op)
{
    /* Also from the timer's own callback: the pool frees the timer once that has returned. */
    if (op->timer) CloseThreadpoolTimer(op->timer);
    free(op);
}

static void CALLBACK slow_series_done(HRESULT hr, WS_CALLBACK_MODEL model, void *state)
{
    struct slow_operation *op = state;
    WS_ASYNC_CONTEXT host_context = op->host_context;

    slow_free(op);
    InterlockedIncrement(&slow_completed);
    host_context.callback(hr, model, host_context.callbackState);
}

static HRESULT CALLBACK service_slow(const WS_OPERATION_CONTEXT *context, INT32 x, INT32 *result,
                                     const WS_ASYNC_CONTEXT *async_context, WS_ERROR *error)
{
    WS_ASYNC_CONTEXT series_context;
    struct slow_operation *op;
    HRESULT hr;

    (void)context;
    /* A host that gives no context wants the operation done before it returns. */
    if (!async_context)
    {
        e2e_fail("service Slow called without an asynchronous context", E_FAIL, BUG_NONE);
        *result = slow_answer(x);
        return S_OK;
    }
    if (!(op = calloc(1, sizeof(*op)))) return E_OUTOFMEMORY;
    op->x = x;
    op->result = result;
    op->host_context = *async_context;
    series_context.callback = slow_series_done;
    series_context.callbackState = op;
    hr = WsAsyncExecute(&op->state, slow_step_start, WS_LONG_CALLBACK, op, &series_context, error);
    /* Finished without going asynchronous (it failed): the series' callback is not called. */
    if (hr != WS_S_ASYNC) slow_free(op);
    return hr;
}

/* Notify: counted, and its values added up, for the check at the end. */
static struct
{
    volatile LONG count;
    volatile LONG sum;
    volatile LONG expected;
    HANDLE reached;                /* set when count reaches expected */
} notifications;

static HRESULT CALLBACK service_notify(const WS_OPERATION_CONTEXT *context, INT32 x,
                                       const WS_ASYNC_CONTEXT *async_context, WS_ERROR *error)
{
    (void)context; (void)async_context; (void)error;
    InterlockedExchangeAdd(&notifications.sum, x);
    if (InterlockedIncrement(&notifications.count) == notifications.expected) SetEvent(notifications.reached);
    return S_OK;
}

/* Wait: pending until cancelled. */
static struct
{
    WS_ASYNC_CONTEXT host_context;
    HRESULT register_hr;
    volatile LONG cancels;
    volatile LONG frees;
    WS_SERVICE_CANCEL_REASON reason;
    HANDLE started;
    HANDLE cancelled;
    HANDLE freed;
} waiting;

static void CALLBACK service_wait_cancel(const WS_SERVICE_CANCEL_REASON reason, void *state)
{
    (void)state;
    waiting.reason = reason;
    InterlockedIncrement(&waiting.cancels);
    waiting.host_context.callback(WS_E_OPERATION_ABORTED, WS_SHORT_CALLBACK, waiting.host_context.callbackState);
    SetEvent(waiting.cancelled);
}

static void CALLBACK service_wait_free(void *state)
{
    (void)state;
    InterlockedIncrement(&waiting.frees);
    SetEvent(waiting.freed);
}

static HRESULT CALLBACK service_wait(const WS_OPERATION_CONTEXT *context, const WS_ASYNC_CONTEXT *async_context,
                                     WS_ERROR *error)
{
    if (!async_context)
    {
        e2e_fail("service Wait called without an asynchronous context", E_FAIL, BUG_NONE);
        return E_FAIL;
    }
    /* Kept before registering: the cancellation may come at once. */
    waiting.host_context = *async_context;
    waiting.register_hr = WsRegisterOperationForCancel(context, service_wait_cancel, service_wait_free, &waiting,
                                                       error);
    SetEvent(waiting.started);
    if (waiting.register_hr != S_OK) return waiting.register_hr;
    return WS_S_ASYNC;
}

/* The session-full endpoint: a state per session, made by the accept callback, freed by the close
 * callback. live counts the states allocated and not yet freed: a leak leaves it above 0. */
struct session_state
{
    LONG magic;
    LONG total;
    volatile LONG ready;                /* the accept has completed: the session may be served */
};

static struct
{
    volatile LONG accepts;
    volatile LONG accepts_async;        /* completed on a pool thread, through the host's context */
    volatile LONG accepts_no_context;   /* called without an asynchronous context: done before returning */
    volatile LONG closes;
    volatile LONG closes_without_state;
    volatile LONG live;
    volatile LONG expected_closes;
    HANDLE closed;                      /* set when closes reaches expected_closes */
} sessions;

/* An accept completing later: the host's context, copied, since it is only lent for the call. */
struct accept_completion
{
    WS_ASYNC_CONTEXT context;
    struct session_state *session;
};

static void CALLBACK accept_complete(PTP_CALLBACK_INSTANCE instance, void *param)
{
    struct accept_completion *completion = param;
    WS_ASYNC_CONTEXT context = completion->context;

    (void)instance;
    InterlockedExchange(&completion->session->ready, TRUE);
    free(completion);
    InterlockedIncrement(&sessions.accepts_async);
    context.callback(S_OK, WS_LONG_CALLBACK, context.callbackState);
}

static HRESULT CALLBACK session_accept(const WS_OPERATION_CONTEXT *context, void **channel_state,
                                       const WS_ASYNC_CONTEXT *async_context, WS_ERROR *error)
{
    struct accept_completion *completion;
    struct session_state *session;
    LONG n;

    (void)context; (void)error;
    if (!(session = calloc(1, sizeof(*session)))) return E_OUTOFMEMORY;
    session->magic = SESSION_MAGIC;
    InterlockedIncrement(&sessions.live);
    /* Set before any completion: the host hands it to the session's operations from then on. */
    *channel_state = session;
    n = InterlockedIncrement(&sessions.accepts);
    /* The context is optional: without one the callback must be done when it returns. With one,
     * every other session's accept completes later, on a pool thread, as a callback that waits
     * for something (a database, a login) would; the host must not serve the session before. */
    if (!async_context) InterlockedIncrement(&sessions.accepts_no_context);
    else if (!(n % 2) && (completion = malloc(sizeof(*completion))))
    {
        completion->context = *async_context;
        completion->session = session;
        if (TrySubmitThreadpoolCallback(accept_complete, completion, NULL)) return WS_S_ASYNC;
        free(completion);
    }
    session->ready = TRUE;
    return S_OK;
}

static HRESULT CALLBACK session_close(const WS_OPERATION_CONTEXT *context, const WS_ASYNC_CONTEXT *async_context)
{
    struct session_state *session = NULL;
    HRESULT hr;

    (void)async_context;
    /* Called whether or not the accept succeeded: the state may be missing. */
    hr = WsGetOperationContextProperty(context, WS_OPERATION_CONTEXT_PROPERTY_CHANNEL_USER_STATE, &session,
                                       sizeof(session), NULL);
    if (hr != S_OK) e2e_fail("session close callback WsGetOperationContextProperty(CHANNEL_USER_STATE)", hr,
                             BUG_NONE);
    if (hr == S_OK && session)
    {
        if (session->magic != SESSION_MAGIC)
            e2e_fail("session close callback: the channel's state is not a live session's", E_FAIL, BUG_NONE);
        session->magic = 0;  /* a second close, or a call after it, would see it gone */
        free(session);
        InterlockedDecrement(&sessions.live);
    }
    else InterlockedIncrement(&sessions.closes_without_state);
    if (InterlockedIncrement(&sessions.closes) == sessions.expected_closes) SetEvent(sessions.closed);
    return S_OK;
}

/* Tally: the running total of the session's calls, kept in the session's state. The host serves a
 * channel's requests one at a time, so the state needs no lock. */
static HRESULT CALLBACK service_tally(const WS_OPERATION_CONTEXT *context, INT32 x, INT32 *total,
                                      const WS_ASYNC_CONTEXT *async_context, WS_ERROR *error)
{
    struct session_state *session = NULL;
    HRESULT hr;

    (void)async_context;
    if ((hr = WsGetOperationContextProperty(context, WS_OPERATION_CONTEXT_PROPERTY_CHANNEL_USER_STATE, &session,
                                            sizeof(session), error)) != S_OK)
    {
        e2e_fail("service Tally WsGetOperationContextProperty(CHANNEL_USER_STATE)", hr, BUG_NONE);
        return hr;
    }
    if (!session || session->magic != SESSION_MAGIC)
    {
        e2e_fail(session ? "service Tally: the channel's state is not a live session's"
                 : "service Tally: the channel has no state", E_FAIL, BUG_NONE);
        return E_FAIL;
    }
    if (!session->ready)
    {
        e2e_fail("service Tally called before its session's accept callback completed", E_FAIL, BUG_NONE);
        return E_FAIL;
    }
    session->total += x;
    *total = session->total;
    return S_OK;
}

static const struct tally_table tally_service_table = { service_tally };
static const WS_SERVICE_CONTRACT tally_service_contract = { &tally_contract_description, NULL, &tally_service_table };

static const struct calculator_table service_table =
    { service_add, service_divide, service_slow, service_notify, service_wait };
static const WS_SERVICE_CONTRACT service_contract = { &contract_description, NULL, &service_table };

static WS_SERVICE_HOST *host;
static WCHAR url_chars[64];
static WS_STRING url;
static WCHAR tally_url_chars[64];
static WS_STRING tally_url;

/* The host on a free port of 127.0.0.1, tried from one derived from the process id as
 * e2e_open_listener() does, the session-full endpoint on the port after it. The endpoints'
 * addresses are the host's from its creation on, so each port tried gets a host of its own. */
static HRESULT open_host(void)
{
    ULONG tally_channels = SESSIONS;
    WS_SERVICE_PROPERTY_ACCEPT_CALLBACK accept_callback = { session_accept };
    WS_SERVICE_PROPERTY_CLOSE_CALLBACK close_callback = { session_close };
    WS_SERVICE_ENDPOINT_PROPERTY tally_properties[] =
    {
        { WS_SERVICE_ENDPOINT_PROPERTY_MAX_ACCEPTING_CHANNELS, &tally_channels, sizeof(tally_channels) },
        { WS_SERVICE_ENDPOINT_PROPERTY_MAX_CONCURRENCY, &tally_channels, sizeof(tally_channels) },
        { WS_SERVICE_ENDPOINT_PROPERTY_ACCEPT_CHANNEL_CALLBACK, &accept_callback, sizeof(accept_callback) },
        { WS_SERVICE_ENDPOINT_PROPERTY_CLOSE_CHANNEL_CALLBACK, &close_callback, sizeof(close_callback) },
    };
    WS_SERVICE_ENDPOINT tally_endpoint;
    ULONG accepting = CHANNELS;
    WS_SERVICE_ENDPOINT_PROPERTY properties[] =
    {
        { WS_SERVICE_ENDPOINT_PROPERTY_MAX_ACCEPTING_CHANNELS, &accepting, sizeof(accepting) },
        /* Windows serves one channel at a time unless told otherwise. */
        { WS_SERVICE_ENDPOINT_PROPERTY_MAX_CONCURRENCY, &accepting, sizeof(accepting) },
    };
    WS_SERVICE_ENDPOINT endpoint;
    const WS_SERVICE_ENDPOINT *endpoints[] = { &endpoint, &tally_endpoint };
    HRESULT hr = E_FAIL;
    int attempt;

    for (attempt = 0; attempt < 20; attempt++)
    {
        int port = 20000 + (int)((GetCurrentProcessId() * 7 + attempt * 101) % 30000);

        swprintf(url_chars, ARRAYSIZE(url_chars), L"net.tcp://127.0.0.1:%d/calculator", port);
        url.chars = url_chars;
        url.length = (ULONG)wcslen(url_chars);
        memset(&endpoint, 0, sizeof(endpoint));
        endpoint.address.url = url;
        endpoint.channelBinding = WS_TCP_CHANNEL_BINDING;
        endpoint.channelType = WS_CHANNEL_TYPE_DUPLEX_SESSION;
        endpoint.contract = &service_contract;
        endpoint.properties = properties;
        endpoint.propertyCount = ARRAYSIZE(properties);
        swprintf(tally_url_chars, ARRAYSIZE(tally_url_chars), L"net.tcp://127.0.0.1:%d/tally", port + 1);
        tally_url.chars = tally_url_chars;
        tally_url.length = (ULONG)wcslen(tally_url_chars);
        tally_endpoint = endpoint;
        tally_endpoint.address.url = tally_url;
        tally_endpoint.contract = &tally_service_contract;
        tally_endpoint.properties = tally_properties;
        tally_endpoint.propertyCount = ARRAYSIZE(tally_properties);
        if ((hr = WsCreateServiceHost(endpoints, ARRAYSIZE(endpoints), NULL, 0, &host, NULL)) != S_OK)
        {
            e2e_fail("WsCreateServiceHost", hr, BUG_NONE);
            return hr;
        }
        if ((hr = WsOpenServiceHost(host, NULL, NULL)) == S_OK) return S_OK;
        WsFreeServiceHost(host);
        host = NULL;
    }
    e2e_fail("WsOpenServiceHost", hr, BUG_NONE);
    return hr;
}

/*
 * The clients.
 */

/* An asynchronous call in progress: where its result goes and how it ended. */
struct pending
{
    WS_ASYNC_CONTEXT context;
    HANDLE done;
    BOOL async;                    /* WsCall returned WS_S_ASYNC: the callback tells the end */
    HRESULT hr;
    INT32 result;
};

static void CALLBACK pending_done(HRESULT hr, WS_CALLBACK_MODEL model, void *state)
{
    struct pending *p = state;

    (void)model;
    p->hr = hr;
    SetEvent(p->done);
}

static BOOL pending_init(struct pending *p)
{
    p->context.callback = pending_done;
    p->context.callbackState = p;
    p->async = FALSE;
    p->hr = E_FAIL;
    p->result = 0;
    return (p->done = CreateEventW(NULL, FALSE, FALSE, NULL)) != NULL;
}

/* Overwrites the stack below the caller's frame, where the frame of the calculator_*() function
 * that has just returned was: the arguments it handed to WsCall. */
static DECLSPEC_NOINLINE void scribble_stack(void)
{
    BYTE bytes[4096];
    e2e_scribble(bytes, sizeof(bytes), SCRIBBLE_BYTE);
}

enum call_kind { CALL_ADD, CALL_DIVIDE, CALL_SLOW, CALL_TALLY };

/* Starts an asynchronous call; its inputs are overwritten as soon as it has gone asynchronous. */
static void start_call(WS_SERVICE_PROXY *proxy, enum call_kind kind, INT32 a, INT32 b, WS_HEAP *heap,
                       struct pending *p)
{
    HRESULT hr;

    p->hr = E_FAIL;
    p->result = 0;
    p->async = FALSE;
    switch (kind)
    {
    case CALL_ADD: hr = calculator_add(proxy, a, b, &p->result, heap, NULL, 0, &p->context, NULL); break;
    case CALL_DIVIDE: hr = calculator_divide(proxy, a, b, &p->result, heap, NULL, 0, &p->context, NULL); break;
    case CALL_TALLY: hr = tally_tally(proxy, a, &p->result, heap, NULL, 0, &p->context, NULL); break;
    default: hr = calculator_slow(proxy, a, &p->result, heap, NULL, 0, &p->context, NULL); break;
    }
    if (hr == WS_S_ASYNC)
    {
        p->async = TRUE;
        scribble_stack();
    }
    else p->hr = hr;
}

/* Waits for a call started by start_call(); returns how it ended. */
static HRESULT finish_call(struct pending *p)
{
    if (p->async && WaitForSingleObject(p->done, 30000) != WAIT_OBJECT_0) return HRESULT_FROM_WIN32(WAIT_TIMEOUT);
    return p->hr;
}

/* Reports a result that is not the one expected. */
static void check_result(const char *who, const char *what, HRESULT hr, HRESULT expected_hr, INT32 value,
                         INT32 expected)
{
    char text[160];

    if (hr != expected_hr)
    {
        snprintf(text, sizeof(text), "%s %s (expected 0x%08lx)", who, what, (unsigned long)expected_hr);
        e2e_fail(text, hr, BUG_NONE);
    }
    else if (hr == S_OK && value != expected)
    {
        snprintf(text, sizeof(text), "%s %s: got %d, expected %d", who, what, value, expected);
        e2e_fail(text, E_FAIL, BUG_NONE);
    }
}

static HRESULT open_proxy_at(WS_SERVICE_PROXY **proxy, const WS_STRING *endpoint_url, const char *who)
{
    WS_ENDPOINT_ADDRESS address;
    char what[96];
    HRESULT hr;

    *proxy = NULL;
    if ((hr = WsCreateServiceProxy(WS_CHANNEL_TYPE_DUPLEX_SESSION, WS_TCP_CHANNEL_BINDING, NULL, NULL, 0, NULL, 0,
                                   proxy, NULL)) != S_OK)
    {
        snprintf(what, sizeof(what), "%s WsCreateServiceProxy", who);
        e2e_fail(what, hr, BUG_NONE);
        return hr;
    }
    memset(&address, 0, sizeof(address));
    address.url = *endpoint_url;
    if ((hr = WsOpenServiceProxy(*proxy, &address, NULL, NULL)) != S_OK)
    {
        snprintf(what, sizeof(what), "%s WsOpenServiceProxy", who);
        e2e_fail(what, hr, BUG_NONE);
        WsFreeServiceProxy(*proxy);
        *proxy = NULL;
    }
    return hr;
}

static HRESULT open_proxy(WS_SERVICE_PROXY **proxy, const char *who)
{
    return open_proxy_at(proxy, &url, who);
}

static void close_proxy(WS_SERVICE_PROXY *proxy, const char *who)
{
    char what[96];
    HRESULT hr;

    if ((hr = WsCloseServiceProxy(proxy, NULL, NULL)) != S_OK)
    {
        snprintf(what, sizeof(what), "%s WsCloseServiceProxy", who);
        e2e_fail(what, hr, BUG_NONE);
    }
    WsFreeServiceProxy(proxy);
}

static volatile LONG notifies_sent;
static volatile LONG notify_sum_sent;
static volatile LONG calls_made;

/* One call of every kind the clients make, chosen by n, with values from seed: what the handle
 * check repeats. Returns FALSE after a failure. */
static BOOL one_call(WS_SERVICE_PROXY *proxy, WS_HEAP *heap, struct pending *p, int n, INT32 seed, const char *who)
{
    LONG failures = e2e_failures;
    INT32 value = 0;
    HRESULT hr;

    switch (n % ONE_CALL_KINDS)
    {
    case 0:
        hr = calculator_add(proxy, seed, 17, &value, heap, NULL, 0, NULL, NULL);
        check_result(who, "Add", hr, S_OK, value, seed + 17);
        break;
    case 1:
        start_call(proxy, CALL_ADD, seed, -5, heap, p);
        hr = finish_call(p);
        check_result(who, "asynchronous Add", hr, S_OK, p->result, seed - 5);
        break;
    case 2:
        hr = calculator_divide(proxy, seed, 3, &value, heap, NULL, 0, NULL, NULL);
        check_result(who, "Divide", hr, S_OK, value, seed / 3);
        break;
    case 3:
        hr = calculator_divide(proxy, seed, 0, &value, heap, NULL, 0, NULL, NULL);
        check_result(who, "Divide by zero", hr, WS_E_ENDPOINT_FAULT_RECEIVED, 0, 0);
        break;
    case 4:
        start_call(proxy, CALL_SLOW, seed, 0, heap, p);
        hr = finish_call(p);
        check_result(who, "asynchronous Slow", hr, S_OK, p->result, slow_answer(seed));
        break;
    case 5:
        hr = calculator_notify(proxy, seed, heap, NULL, 0, NULL, NULL);
        check_result(who, "Notify", hr, S_OK, 0, 0);
        if (hr == S_OK)
        {
            InterlockedIncrement(&notifies_sent);
            InterlockedExchangeAdd(&notify_sum_sent, seed);
        }
        break;
    case 6:
        hr = calculator_slow(proxy, seed, &value, heap, NULL, 0, NULL, NULL);
        check_result(who, "Slow", hr, S_OK, value, slow_answer(seed));
        break;
    default:
        start_call(proxy, CALL_DIVIDE, seed, 0, heap, p);
        hr = finish_call(p);
        check_result(who, "asynchronous Divide by zero", hr, WS_E_ENDPOINT_FAULT_RECEIVED, 0, 0);
        break;
    }
    InterlockedIncrement(&calls_made);
    WsResetHeap(heap, NULL);
    return e2e_failures == failures;
}

struct client
{
    int index;
    HANDLE start;
};

/* A client thread: its own proxy, ROUNDS rounds of calls with two asynchronous ones in flight
 * beside the synchronous ones. */
static DWORD WINAPI client_thread(void *param)
{
    struct client *client = param;
    struct pending add, slow, divide;
    WS_SERVICE_PROXY *proxy = NULL;
    WS_HEAP *heap = NULL;
    char who[48];
    INT32 value;
    HRESULT hr;
    int round;

    snprintf(who, sizeof(who), "client %d", client->index);
    if (!pending_init(&add) || !pending_init(&slow) || !pending_init(&divide))
    {
        e2e_fail("client CreateEvent", HRESULT_FROM_WIN32(GetLastError()), BUG_NONE);
        return 1;
    }
    WaitForSingleObject(client->start, INFINITE);
    if ((hr = WsCreateHeap(1 << 16, 0, NULL, 0, &heap, NULL)) != S_OK) e2e_fail("client WsCreateHeap", hr, BUG_NONE);
    else if (open_proxy(&proxy, who) == S_OK)
    {
        for (round = 0; round < ROUNDS; round++)
        {
            INT32 a = client->index * 1000 + round, b = round % 5 + 1;
            char what[64];

            start_call(proxy, CALL_ADD, a, b, heap, &add);
            start_call(proxy, CALL_SLOW, a, 0, heap, &slow);
            if (round % 3 == 0) start_call(proxy, CALL_DIVIDE, a, 0, heap, &divide);

            hr = calculator_add(proxy, a, -b, &value, heap, NULL, 0, NULL, NULL);
            snprintf(what, sizeof(what), "round %d Add", round);
            check_result(who, what, hr, S_OK, value, a - b);

            hr = calculator_divide(proxy, a, b, &value, heap, NULL, 0, NULL, NULL);
            snprintf(what, sizeof(what), "round %d Divide", round);
            check_result(who, what, hr, S_OK, value, a / b);

            hr = calculator_divide(proxy, a, 0, &value, heap, NULL, 0, NULL, NULL);
            snprintf(what, sizeof(what), "round %d Divide by zero", round);
            check_result(who, what, hr, WS_E_ENDPOINT_FAULT_RECEIVED, 0, 0);

            hr = calculator_notify(proxy, a, heap, NULL, 0, NULL, NULL);
            snprintf(what, sizeof(what), "round %d Notify", round);
            check_result(who, what, hr, S_OK, 0, 0);
            if (hr == S_OK)
            {
                InterlockedIncrement(&notifies_sent);
                InterlockedExchangeAdd(&notify_sum_sent, a);
            }

            snprintf(what, sizeof(what), "round %d asynchronous Add", round);
            hr = finish_call(&add);
            check_result(who, what, hr, S_OK, add.result, a + b);
            snprintf(what, sizeof(what), "round %d asynchronous Slow", round);
            hr = finish_call(&slow);
            check_result(who, what, hr, S_OK, slow.result, slow_answer(a));
            if (round % 3 == 0)
            {
                snprintf(what, sizeof(what), "round %d asynchronous Divide by zero", round);
                hr = finish_call(&divide);
                check_result(who, what, hr, WS_E_ENDPOINT_FAULT_RECEIVED, 0, 0);
            }
            InterlockedExchangeAdd(&calls_made, round % 3 == 0 ? 7 : 6);
            WsResetHeap(heap, NULL);
            if (e2e_failures) break;
        }
        close_proxy(proxy, who);
    }
    WsFreeHeap(heap);
    CloseHandle(add.done);
    CloseHandle(slow.done);
    CloseHandle(divide.done);
    return 0;
}

/* count client threads running proc at once, released together; waits for them all. */
static int run_client_threads(int count, LPTHREAD_START_ROUTINE proc, const char *what)
{
    struct client clients[CLIENTS];
    HANDLE threads[CLIENTS], start = CreateEventW(NULL, TRUE, FALSE, NULL);
    int i, ret;

    for (i = 0; i < count; i++)
    {
        clients[i].index = i;
        clients[i].start = start;
        if (!(threads[i] = CreateThread(NULL, 0, proc, &clients[i], 0, NULL)))
        {
            e2e_fail("CreateThread", HRESULT_FROM_WIN32(GetLastError()), BUG_NONE);
            return 1;
        }
    }
    SetEvent(start);
    ret = e2e_wait_threads(count, threads, 120000, what);
    if (!ret)
    {
        for (i = 0; i < count; i++) CloseHandle(threads[i]);
    }
    CloseHandle(start);
    return ret;
}

/* The clients at once, each on its own thread. */
static int run_clients(void)
{
    e2e_phase_set("clients calling", BUG_NONE);
    return run_client_threads(CLIENTS, client_thread, "the clients");
}

/*
 * The session-full endpoint's clients.
 */
static volatile LONG tally_calls;
static BOOL sessions_run;

/* A value of its own for each session and call, so that a total from another session's state, or
 * one missing a call, does not come out right by chance. */
static INT32 tally_value(int session, int round, int n)
{
    return (session + 1) * 1000 + round * 10 + n;
}

/* A client of the session-full endpoint: its own proxy, so its own session, whose running total it
 * keeps beside the service's. Each round makes an asynchronous Tally with a synchronous one beside
 * it on the session (the service may take them in either order: the two totals must fit one of
 * the two), then one alone, asynchronous in odd rounds, synchronous in even ones. */
static DWORD WINAPI session_thread(void *param)
{
    struct client *client = param;
    WS_SERVICE_PROXY *proxy = NULL;
    WS_HEAP *heap = NULL;
    struct pending p;
    INT32 total = 0, value = 0;
    char who[48], what[160];
    HRESULT hr;
    int round;

    snprintf(who, sizeof(who), "session client %d", client->index);
    if (!pending_init(&p))
    {
        e2e_fail("session client CreateEvent", HRESULT_FROM_WIN32(GetLastError()), BUG_NONE);
        return 1;
    }
    WaitForSingleObject(client->start, INFINITE);
    if ((hr = WsCreateHeap(1 << 16, 0, NULL, 0, &heap, NULL)) != S_OK)
        e2e_fail("session client WsCreateHeap", hr, BUG_NONE);
    else if (open_proxy_at(&proxy, &tally_url, who) == S_OK)
    {
        for (round = 0; round < TALLY_ROUNDS && !e2e_failures; round++)
        {
            INT32 a = tally_value(client->index, round, 0), b = tally_value(client->index, round, 1);
            INT32 c = tally_value(client->index, round, 2);

            start_call(proxy, CALL_TALLY, a, 0, heap, &p);
            hr = tally_tally(proxy, b, &value, heap, NULL, 0, NULL, NULL);
            snprintf(what, sizeof(what), "round %d Tally beside an asynchronous one", round);
            check_result(who, what, hr, S_OK, 0, 0);
            snprintf(what, sizeof(what), "round %d asynchronous Tally", round);
            check_result(who, what, finish_call(&p), S_OK, 0, 0);
            if (hr == S_OK && p.hr == S_OK
                && !(p.result == total + a && value == total + a + b)
                && !(value == total + b && p.result == total + b + a))
            {
                snprintf(what, sizeof(what), "%s round %d: totals %d and %d after %d, expected %d then %d in "
                         "either order", who, round, p.result, value, total, a, b);
                e2e_fail(what, E_FAIL, BUG_NONE);
            }
            total += a + b;

            if (round % 2)
            {
                start_call(proxy, CALL_TALLY, c, 0, heap, &p);
                hr = finish_call(&p);
                value = p.result;
                snprintf(what, sizeof(what), "round %d asynchronous Tally alone", round);
            }
            else
            {
                hr = tally_tally(proxy, c, &value, heap, NULL, 0, NULL, NULL);
                snprintf(what, sizeof(what), "round %d Tally alone", round);
            }
            total += c;
            check_result(who, what, hr, S_OK, value, total);
            InterlockedExchangeAdd(&tally_calls, 3);
            WsResetHeap(heap, NULL);
        }
        close_proxy(proxy, who);
    }
    WsFreeHeap(heap);
    CloseHandle(p.done);
    return 0;
}

/* The session-full endpoint's clients at once; then, once the service has seen their sessions end,
 * each session's accept and close callbacks must have run once and its state been freed. */
static int run_sessions(void)
{
    int ret;

    e2e_phase_set("session clients calling", BUG_NONE);
    sessions_run = TRUE;
    if ((ret = run_client_threads(SESSIONS, session_thread, "the session clients"))) return ret;

    /* A proxy's close ends its session on the client's side; the service's close callback comes
     * once its channel has read the end, a moment later. */
    e2e_phase_set("the sessions closing", BUG_NONE);
    if (sessions.closes < SESSIONS && WaitForSingleObject(sessions.closed, 30000) != WAIT_OBJECT_0)
        e2e_fail("the close callbacks did not all come within 30 s of the proxies' close", E_FAIL, BUG_NONE);
    printf("sessions: %d clients, %ld Tally calls checked; %ld accepted (%ld completing on a pool thread, %ld "
           "without an asynchronous context), %ld closed, %ld states left\n", SESSIONS, tally_calls,
           sessions.accepts, sessions.accepts_async, sessions.accepts_no_context, sessions.closes, sessions.live);
    if (sessions.accepts != SESSIONS || sessions.closes != SESSIONS)
        e2e_fail("the accept and close callbacks did not run once per session", E_FAIL, BUG_NONE);
    if (sessions.closes_without_state)
        e2e_fail("a close callback found no session state", E_FAIL, BUG_NONE);
    if (sessions.live)
        e2e_fail("session states left after their sessions closed", E_FAIL, BUG_NONE);
    return 0;
}

/* Once the host is freed: no session opened or closed since, none left with its state. */
static void check_sessions_after_host(void)
{
    if (!sessions_run) return;
    printf("sessions after the host: %ld accepted, %ld closed, %ld states left\n", sessions.accepts,
           sessions.closes, sessions.live);
    if (sessions.accepts != SESSIONS || sessions.closes != SESSIONS || sessions.live)
        e2e_fail("session callbacks or states after the host was freed", E_FAIL, BUG_NONE);
}

/* The process's handles (events apart), heap blocks and bytes, and private bytes. */
struct usage
{
    DWORD events, others;
    struct heap_usage heap;
    SIZE_T private_bytes;
};

static BOOL usage_read(struct usage *usage)
{
    heap_usage_read(&usage->heap);
    usage->private_bytes = private_bytes();
    return e2e_handle_count(&usage->events, &usage->others);
}

/* Nothing the calls made stays: no more handles than before, events apart, which follow the
 * pool's threads (seen 2 up after the calls, with nothing leaking), so they must only grow by
 * fewer than one per session; heap blocks and bytes grown by less than one block per LEAK_CALLS /
 * LEAK_BLOCKS calls and LEAK_BYTES_PER_CALL bytes a call, which a leak per call or per session
 * exceeds. The private bytes are printed, not checked: they follow the stacks of the pool's
 * threads, which more sessions at once start. */
static BOOL usage_flat(const struct usage *before, const struct usage *after)
{
    return after->others <= before->others && after->events < before->events + CLIENTS &&
           after->heap.blocks - before->heap.blocks < LEAK_BLOCKS &&
           after->heap.bytes - before->heap.bytes < (LONG64)LEAK_CALLS * LEAK_BYTES_PER_CALL;
}

/* A session of its own: a proxy opened, calls calls of one_call()'s kinds in turn, the proxy
 * closed. */
static BOOL leak_check_session(int index, int calls, WS_HEAP *heap, struct pending *p)
{
    WS_SERVICE_PROXY *proxy;
    BOOL ok = TRUE;
    int n;

    if (open_proxy(&proxy, "leak check") != S_OK) return FALSE;
    for (n = 0; ok && n < calls; n++)
        ok = one_call(proxy, heap, p, n, index * 10000 + n, "leak check");
    close_proxy(proxy, "leak check");
    return ok;
}

/* A leak check client, on a thread of its own: its share of the LEAK_CALLS in one session. */
static DWORD WINAPI leak_thread(void *param)
{
    struct client *client = param;
    struct pending p;
    WS_HEAP *heap;

    WaitForSingleObject(client->start, INFINITE);
    if (!pending_init(&p) || WsCreateHeap(1 << 16, 0, NULL, 0, &heap, NULL) != S_OK)
    {
        e2e_fail("leak check client set-up", E_FAIL, BUG_NONE);
        return 1;
    }
    leak_check_session(client->index, LEAK_CALLS / CLIENTS, heap, &p);
    WsFreeHeap(heap);
    CloseHandle(p.done);
    return 0;
}

/* LEAK_CALLS more calls, CLIENTS sessions at once each making its share, measured before and after
 * (usage_flat). What is made once, on first use, must be there before the first measure: so first
 * CHANNELS sessions of one call of each kind, one after another, one for each of the host's
 * accepting channels (which take sessions in turn), since each keeps what it allocated for its
 * first session for the next (seen 34 heap blocks a channel, 270 for one that had not served). */
static void check_leaks(void)
{
    struct usage before, after;
    struct pending p;
    WS_HEAP *heap;
    BOOL ok = TRUE;
    int i, counts;

    e2e_phase_set("the leak check's calls", BUG_NONE);
    if (!pending_init(&p) || WsCreateHeap(1 << 16, 0, NULL, 0, &heap, NULL) != S_OK)
    {
        e2e_fail("leak check set-up", E_FAIL, BUG_NONE);
        return;
    }
    for (i = 0; ok && i < CHANNELS; i++) ok = leak_check_session(i, ONE_CALL_KINDS, heap, &p);
    WsFreeHeap(heap);
    CloseHandle(p.done);
    if (!ok) return;
    if (!usage_read(&before))
    {
        e2e_fail("counting the handles", E_FAIL, BUG_NONE);
        return;
    }
    if (run_client_threads(CLIENTS, leak_thread, "the leak check's clients") || e2e_failures) return;

    /* The service's channels go back to accepting once they have seen their sessions end, and
     * what is still being freed then is no leak: a leak stays. So the measure is taken again,
     * every 100 ms for up to 3 s, until it is flat. */
    for (counts = 1; counts <= 30; counts++)
    {
        usage_read(&after);
        if (usage_flat(&before, &after)) break;
        Sleep(100);
    }
    printf("leaks: %d calls in %d sessions at once (measured %d times); handles other than events and keys %lu "
           "before, %lu after; events %lu before, %lu after; heap %lld blocks and %lld bytes before, %+lld blocks "
           "and %+lld bytes after; private bytes %+lld\n", LEAK_CALLS, CLIENTS, counts > 30 ? 30 : counts,
           (unsigned long)before.others, (unsigned long)after.others, (unsigned long)before.events,
           (unsigned long)after.events, (long long)before.heap.blocks, (long long)before.heap.bytes,
           (long long)(after.heap.blocks - before.heap.blocks), (long long)(after.heap.bytes - before.heap.bytes),
           (long long)after.private_bytes - (long long)before.private_bytes);
    if (!usage_flat(&before, &after))
        e2e_fail("handles or heap grew over the calls", E_FAIL, BUG_NONE);
}

/* A call the client gives up: Wait, asynchronously with a call id, abandoned once the service has
 * it. The operation goes on in the service until the host cancels it. */
static void abandon_wait(WS_SERVICE_PROXY **proxy)
{
    ULONG id = WAIT_CALL_ID;
    WS_CALL_PROPERTY property = { WS_CALL_PROPERTY_CALL_ID, &id, sizeof(id) };
    struct pending p;
    WS_HEAP *heap;
    HRESULT hr;

    e2e_phase_set("a Wait call abandoned", BUG_NONE);
    if (!pending_init(&p) || (hr = WsCreateHeap(1 << 16, 0, NULL, 0, &heap, NULL)) != S_OK)
    {
        e2e_fail("Wait set-up", E_FAIL, BUG_NONE);
        return;
    }
    if (open_proxy(proxy, "waiting client") != S_OK) goto done;

    hr = calculator_wait(*proxy, heap, &property, 1, &p.context, NULL);
    if (hr != WS_S_ASYNC)
    {
        e2e_fail("waiting client WsCall(Wait) did not go asynchronous", hr, BUG_NONE);
        goto done;
    }
    if (WaitForSingleObject(waiting.started, 30000) != WAIT_OBJECT_0)
    {
        e2e_fail("the service's Wait did not start within 30 s", HRESULT_FROM_WIN32(WAIT_TIMEOUT), BUG_NONE);
        goto done;
    }
    if (waiting.register_hr != S_OK)
    {
        e2e_fail("service WsRegisterOperationForCancel", waiting.register_hr, BUG_NONE);
        goto done;
    }
    if ((hr = WsAbandonCall(*proxy, WAIT_CALL_ID, NULL)) != S_OK)
    {
        e2e_fail("waiting client WsAbandonCall", hr, BUG_NONE);
        goto done;
    }
    if (WaitForSingleObject(p.done, 30000) != WAIT_OBJECT_0)
        e2e_fail("the abandoned call's callback did not come within 30 s", HRESULT_FROM_WIN32(WAIT_TIMEOUT), BUG_NONE);
    else if (p.hr != (HRESULT)WS_E_OPERATION_ABANDONED)
        e2e_fail("the abandoned call's callback (expected WS_E_OPERATION_ABANDONED)", p.hr, BUG_NONE);
    else if (waiting.cancels)
        e2e_fail("the service's Wait was cancelled by the client abandoning its call", E_FAIL, BUG_NONE);
    else
        printf("waiting client: Wait abandoned, call %d: 0x%08lx\n", WAIT_CALL_ID, (unsigned long)p.hr);

done:
    WsFreeHeap(heap);
    CloseHandle(p.done);
}

/* The Notify count, once the service has caught up with what was sent. */
static void check_notifications(void)
{
    LONG expected = notifies_sent;

    e2e_phase_set("the Notify count", BUG_NONE);
    InterlockedExchange(&notifications.expected, expected);
    if (notifications.count < expected) WaitForSingleObject(notifications.reached, 30000);
    printf("service: %ld notifications, values adding up to %ld (sent %ld adding up to %ld)\n", notifications.count,
           notifications.sum, expected, notify_sum_sent);
    if (notifications.count != expected || notifications.sum != notify_sum_sent)
        e2e_fail("the service's Notify count and sum", E_FAIL, BUG_NONE);
}

/* The end: the abandoned Wait is still pending in the service, and an abort of the host is what
 * cancels it; then the host is closed and freed. */
static void stop_host(WS_SERVICE_PROXY *waiting_proxy)
{
    HRESULT hr;

    e2e_phase_set("the host stopping", BUG_NONE);
    if ((hr = WsAbortServiceHost(host, NULL)) != S_OK) e2e_fail("WsAbortServiceHost", hr, BUG_NONE);
    if (waiting.register_hr == S_OK)
    {
        if (WaitForSingleObject(waiting.cancelled, 30000) != WAIT_OBJECT_0)
            e2e_fail("the service's Wait was not cancelled within 30 s of the abort", E_FAIL, BUG_NONE);
        else if (WaitForSingleObject(waiting.freed, 30000) != WAIT_OBJECT_0)
            e2e_fail("the Wait's state was not freed within 30 s of its cancellation", E_FAIL, BUG_NONE);
        else if (waiting.cancels != 1 || waiting.frees != 1)
            e2e_fail("the Wait's cancel and free-state callbacks did not run once each", E_FAIL, BUG_NONE);
        else
            printf("service: Wait cancelled (%s)\n", waiting.reason == WS_SERVICE_HOST_ABORT ? "host aborted"
                   : waiting.reason == WS_SERVICE_CHANNEL_FAULTED ? "channel faulted" : "unknown reason");
    }
    if ((hr = WsCloseServiceHost(host, NULL, NULL)) != S_OK) e2e_fail("WsCloseServiceHost", hr, BUG_NONE);
    if (waiting_proxy) close_proxy(waiting_proxy, "waiting client");
    WsFreeServiceHost(host);
}

int main(void)
{
    WS_SERVICE_PROXY *waiting_proxy = NULL;
    int ret;

    e2e_init(300);
    notifications.reached = CreateEventW(NULL, TRUE, FALSE, NULL);
    waiting.started = CreateEventW(NULL, FALSE, FALSE, NULL);
    waiting.cancelled = CreateEventW(NULL, FALSE, FALSE, NULL);
    waiting.freed = CreateEventW(NULL, FALSE, FALSE, NULL);
    waiting.register_hr = E_PENDING;  /* until the service's Wait has registered */
    sessions.closed = CreateEventW(NULL, TRUE, FALSE, NULL);
    sessions.expected_closes = SESSIONS;

    e2e_phase_set("host set-up", BUG_NONE);
    if (open_host() != S_OK) return e2e_finish("calculator");
    printf("service: listening on %ls with %d channels\n", url_chars, CHANNELS);
    printf("service: session-full endpoint on %ls with %d channels\n", tally_url_chars, SESSIONS);

    if ((ret = run_clients())) return ret;
    printf("clients: %d threads, %ld calls checked (%ld Slow completed by the service)\n", CLIENTS, calls_made,
           slow_completed);
    if (!e2e_failures && (ret = run_sessions())) return ret;
    if (!e2e_failures) check_leaks();
    if (!e2e_failures) abandon_wait(&waiting_proxy);
    check_notifications();
    stop_host(waiting_proxy);
    check_sessions_after_host();
    printf("calls: %ld in all\n", calls_made);
    return e2e_finish("calculator");
}
