/*
 * wsasync: an open implementation of WsAsyncExecute, the WWSAPI (webservices.dll) helper that
 * runs a series of asynchronous steps as one asynchronous operation.
 *
 * This header declares the WWSAPI asynchronous types with the same layout and calling
 * conventions as Microsoft's webservices.h, and the WsAsyncExecute prototype.
 *
 * Using it beside a real webservices.h: include webservices.h first, then this header.
 *  - If Wine's webservices.h was included, only the declarations it lacks are added
 *    (WS_ASYNC_STATE, WS_ASYNC_OPERATION, WS_ASYNC_FUNCTION and WsAsyncExecute).
 *  - If another webservices.h was included (one that defines WS_S_ASYNC, as the Windows SDK's
 *    does), none of the WWSAPI declarations are repeated.
 *  - Define WSASYNC_NO_WWSAPI_DECLARATIONS before including this header to skip them yourself.
 */
#ifndef WSASYNC_H
#define WSASYNC_H

#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

#if !defined(WSASYNC_NO_WWSAPI_DECLARATIONS) && defined(WS_S_ASYNC) && !defined(__WINE_WEBSERVICES_H)
#define WSASYNC_NO_WWSAPI_DECLARATIONS
#endif

#ifndef WSASYNC_NO_WWSAPI_DECLARATIONS

#ifndef __WINE_WEBSERVICES_H
/* Success: the operation goes on asynchronously and will report through its callback. */
#define WS_S_ASYNC              ((HRESULT)0x003D0000)
/* Success: an enumeration or a read reached its end. */
#define WS_S_END                ((HRESULT)0x003D0001)
/* The call is not valid in the object's current state (or broke the async model). */
#define WS_E_INVALID_OPERATION  ((HRESULT)0x803D0003)

typedef struct _WS_ERROR WS_ERROR;  /* opaque */

typedef enum
{
    WS_SHORT_CALLBACK = 0,  /* the callback must return quickly: it runs on a thread others wait for */
    WS_LONG_CALLBACK  = 1   /* the callback may block or run long */
} WS_CALLBACK_MODEL;

typedef void (CALLBACK *WS_ASYNC_CALLBACK)(HRESULT errorCode, WS_CALLBACK_MODEL callbackModel,
                                           void *callbackState);

typedef struct _WS_ASYNC_CONTEXT
{
    WS_ASYNC_CALLBACK callback;
    void *callbackState;
} WS_ASYNC_CONTEXT;
#endif /* __WINE_WEBSERVICES_H */

typedef struct _WS_ASYNC_OPERATION WS_ASYNC_OPERATION;

typedef HRESULT (CALLBACK *WS_ASYNC_FUNCTION)(HRESULT hr, WS_CALLBACK_MODEL callbackModel,
                                              void *callbackState, WS_ASYNC_OPERATION *next,
                                              const WS_ASYNC_CONTEXT *asyncContext, WS_ERROR *error);

struct _WS_ASYNC_OPERATION
{
    WS_ASYNC_FUNCTION function;
};

/* Storage for one WsAsyncExecute operation, owned by the caller, opaque to it. */
typedef struct _WS_ASYNC_STATE
{
    void *internal0;
    void *internal1;
    void *internal2;
    void *internal3;
    void *internal4;
} WS_ASYNC_STATE;

HRESULT WINAPI WsAsyncExecute(WS_ASYNC_STATE *asyncState, WS_ASYNC_FUNCTION operation,
                              WS_CALLBACK_MODEL callbackModel, void *callbackState,
                              const WS_ASYNC_CONTEXT *asyncContext, WS_ERROR *error);

#endif /* WSASYNC_NO_WWSAPI_DECLARATIONS */

/* The layout Microsoft's DLL and its callers agree on, checked wherever this header is used. */
#if defined(__cplusplus) && __cplusplus >= 201103L
#define WSASYNC_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define WSASYNC_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#else
#define WSASYNC_CONCAT_(a, b) a##b
#define WSASYNC_CONCAT(a, b) WSASYNC_CONCAT_(a, b)
#define WSASYNC_STATIC_ASSERT(cond, msg) \
    typedef char WSASYNC_CONCAT(wsasync_static_assert_, __LINE__)[(cond) ? 1 : -1]
#endif

WSASYNC_STATIC_ASSERT(sizeof(WS_ASYNC_STATE) == 5 * sizeof(void *), "WS_ASYNC_STATE is five pointers");
WSASYNC_STATIC_ASSERT(sizeof(WS_ASYNC_CONTEXT) == 2 * sizeof(void *), "WS_ASYNC_CONTEXT is two pointers");
WSASYNC_STATIC_ASSERT(sizeof(WS_ASYNC_OPERATION) == sizeof(void *), "WS_ASYNC_OPERATION is one pointer");
WSASYNC_STATIC_ASSERT(sizeof(WS_CALLBACK_MODEL) == 4, "WS_CALLBACK_MODEL is a 32-bit enum");

#ifdef __cplusplus
}
#endif

#endif /* WSASYNC_H */
