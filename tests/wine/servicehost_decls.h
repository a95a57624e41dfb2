/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The WWSAPI service host as Microsoft documents it (WsCreateServiceHost and the types it takes,
 * the cancellation of service operations, WsAbandonCall, the channel callbacks of a session-full
 * endpoint and the operation context's properties), for the programs that use it:
 * tests/wine/calculator.c and bench/services.c. Wine 8.0's webservices.h lacks all of it, so
 * it is declared here, after that header, unless the header has it: Windows' header (it defines
 * WS_S_ASYNC and is not Wine's) always does, a newer Wine header does when the build found it
 * in it (E2E_HAVE_SERVICE_HOST, cmake/wine-servicehost.cmake). Include it after <webservices.h>.
 */
#ifndef WSASYNC_SERVICEHOST_DECLS_H
#define WSASYNC_SERVICEHOST_DECLS_H

#if defined(__WINE_WEBSERVICES_H) && !defined(E2E_HAVE_SERVICE_HOST)
typedef struct _WS_SERVICE_HOST WS_SERVICE_HOST;
typedef struct _WS_SERVICE_PROPERTY WS_SERVICE_PROPERTY;  /* none are given here */

typedef struct _WS_CONTRACT_DESCRIPTION
{
    ULONG operationCount;
    WS_OPERATION_DESCRIPTION **operations;
} WS_CONTRACT_DESCRIPTION;

typedef HRESULT (CALLBACK *WS_SERVICE_MESSAGE_RECEIVE_CALLBACK)(const WS_OPERATION_CONTEXT *context,
                                                                 const WS_ASYNC_CONTEXT *asyncContext,
                                                                 WS_ERROR *error);

typedef struct _WS_SERVICE_CONTRACT
{
    const WS_CONTRACT_DESCRIPTION *contractDescription;
    WS_SERVICE_MESSAGE_RECEIVE_CALLBACK defaultMessageHandlerCallback;
    const void *methodTable;
} WS_SERVICE_CONTRACT;

typedef HRESULT (CALLBACK *WS_SERVICE_SECURITY_CALLBACK)(const WS_OPERATION_CONTEXT *context, BOOL *authorized,
                                                         WS_ERROR *error);

typedef enum
{
    WS_SERVICE_ENDPOINT_PROPERTY_ACCEPT_CHANNEL_CALLBACK = 0,
    WS_SERVICE_ENDPOINT_PROPERTY_CLOSE_CHANNEL_CALLBACK = 1,
    WS_SERVICE_ENDPOINT_PROPERTY_MAX_ACCEPTING_CHANNELS = 2,
    WS_SERVICE_ENDPOINT_PROPERTY_MAX_CONCURRENCY = 3,
    WS_SERVICE_ENDPOINT_PROPERTY_BODY_HEAP_MAX_SIZE = 4,
    WS_SERVICE_ENDPOINT_PROPERTY_BODY_HEAP_TRIM_SIZE = 5,
    WS_SERVICE_ENDPOINT_PROPERTY_MESSAGE_PROPERTIES = 6,
    WS_SERVICE_ENDPOINT_PROPERTY_MAX_CALL_POOL_SIZE = 7,
    WS_SERVICE_ENDPOINT_PROPERTY_MAX_CHANNEL_POOL_SIZE = 8,
    WS_SERVICE_ENDPOINT_PROPERTY_LISTENER_PROPERTIES = 9,
    WS_SERVICE_ENDPOINT_PROPERTY_CHECK_MUST_UNDERSTAND = 10,
    WS_SERVICE_ENDPOINT_PROPERTY_METADATA_EXCHANGE_TYPE = 11,
    WS_SERVICE_ENDPOINT_PROPERTY_METADATA = 12,
    WS_SERVICE_ENDPOINT_PROPERTY_METADATA_EXCHANGE_URL_SUFFIX = 13,
    WS_SERVICE_ENDPOINT_PROPERTY_MAX_CHANNELS = 14
} WS_SERVICE_ENDPOINT_PROPERTY_ID;

typedef struct _WS_SERVICE_ENDPOINT_PROPERTY
{
    WS_SERVICE_ENDPOINT_PROPERTY_ID id;
    void *value;
    ULONG valueSize;
} WS_SERVICE_ENDPOINT_PROPERTY;

typedef struct _WS_SERVICE_ENDPOINT
{
    WS_ENDPOINT_ADDRESS address;
    WS_CHANNEL_BINDING channelBinding;
    WS_CHANNEL_TYPE channelType;
    const WS_SECURITY_DESCRIPTION *securityDescription;
    const WS_SERVICE_CONTRACT *contract;
    WS_SERVICE_SECURITY_CALLBACK authorizationCallback;
    const WS_SERVICE_ENDPOINT_PROPERTY *properties;
    ULONG propertyCount;
    WS_CHANNEL_PROPERTIES channelProperties;
} WS_SERVICE_ENDPOINT;

typedef enum
{
    WS_SERVICE_HOST_ABORT = 0,
    WS_SERVICE_CHANNEL_FAULTED = 1
} WS_SERVICE_CANCEL_REASON;

/* A session-full endpoint: the accept callback gives each channel (session) its state, which
 * the operations read from their context; the close callback ends the session. */
typedef HRESULT (CALLBACK *WS_SERVICE_ACCEPT_CHANNEL_CALLBACK)(const WS_OPERATION_CONTEXT *context, void **channelState,
                                                               const WS_ASYNC_CONTEXT *asyncContext, WS_ERROR *error);
typedef HRESULT (CALLBACK *WS_SERVICE_CLOSE_CHANNEL_CALLBACK)(const WS_OPERATION_CONTEXT *context,
                                                              const WS_ASYNC_CONTEXT *asyncContext);

typedef struct _WS_SERVICE_PROPERTY_ACCEPT_CALLBACK
{
    WS_SERVICE_ACCEPT_CHANNEL_CALLBACK callback;
} WS_SERVICE_PROPERTY_ACCEPT_CALLBACK;

typedef struct _WS_SERVICE_PROPERTY_CLOSE_CALLBACK
{
    WS_SERVICE_CLOSE_CHANNEL_CALLBACK callback;
} WS_SERVICE_PROPERTY_CLOSE_CALLBACK;

typedef enum
{
    WS_OPERATION_CONTEXT_PROPERTY_CHANNEL = 0,
    WS_OPERATION_CONTEXT_PROPERTY_CONTRACT_DESCRIPTION = 1,
    WS_OPERATION_CONTEXT_PROPERTY_HOST_USER_STATE = 2,
    WS_OPERATION_CONTEXT_PROPERTY_CHANNEL_USER_STATE = 3,
    WS_OPERATION_CONTEXT_PROPERTY_INPUT_MESSAGE = 4,
    WS_OPERATION_CONTEXT_PROPERTY_OUTPUT_MESSAGE = 5,
    WS_OPERATION_CONTEXT_PROPERTY_HEAP = 6,
    WS_OPERATION_CONTEXT_PROPERTY_LISTENER = 7,
    WS_OPERATION_CONTEXT_PROPERTY_ENDPOINT_ADDRESS = 8
} WS_OPERATION_CONTEXT_PROPERTY_ID;

typedef void (CALLBACK *WS_OPERATION_CANCEL_CALLBACK)(const WS_SERVICE_CANCEL_REASON reason, void *state);
typedef void (CALLBACK *WS_OPERATION_FREE_STATE_CALLBACK)(void *state);

HRESULT WINAPI WsCreateServiceHost(const WS_SERVICE_ENDPOINT **endpoints, const USHORT endpointCount,
                                   const WS_SERVICE_PROPERTY *serviceProperties, ULONG servicePropertyCount,
                                   WS_SERVICE_HOST **serviceHost, WS_ERROR *error);
HRESULT WINAPI WsOpenServiceHost(WS_SERVICE_HOST *serviceHost, const WS_ASYNC_CONTEXT *asyncContext,
                                 WS_ERROR *error);
HRESULT WINAPI WsCloseServiceHost(WS_SERVICE_HOST *serviceHost, const WS_ASYNC_CONTEXT *asyncContext,
                                  WS_ERROR *error);
HRESULT WINAPI WsAbortServiceHost(WS_SERVICE_HOST *serviceHost, WS_ERROR *error);
void WINAPI WsFreeServiceHost(WS_SERVICE_HOST *serviceHost);
HRESULT WINAPI WsRegisterOperationForCancel(const WS_OPERATION_CONTEXT *context,
                                            WS_OPERATION_CANCEL_CALLBACK cancelCallback,
                                            WS_OPERATION_FREE_STATE_CALLBACK freestateCallback, void *userState,
                                            WS_ERROR *error);
HRESULT WINAPI WsGetOperationContextProperty(const WS_OPERATION_CONTEXT *context,
                                             const WS_OPERATION_CONTEXT_PROPERTY_ID id, void *value, ULONG valueSize,
                                             WS_ERROR *error);
HRESULT WINAPI WsAbandonCall(WS_SERVICE_PROXY *serviceProxy, ULONG callId, WS_ERROR *error);
#endif

#endif /* WSASYNC_SERVICEHOST_DECLS_H */
