/* SPDX-License-Identifier: LGPL-2.1-or-later */
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

/*
 * The completion primitives (AsyncPool*, wsasync.dll only; docs/SPEC.md §5.3): functions that
 * start operations in the WWSAPI asynchronous model on the Windows thread pool, for a step to
 * compose (docs/COMPLETION_PRIMITIVES.md). Each takes a WS_ASYNC_CONTEXT: NULL runs
 * the operation synchronously and returns its result; with a context the call either returns
 * the result at once and never calls back, or returns WS_S_ASYNC and calls back exactly once,
 * from a pool thread. `environment` (optional) names the pool the callbacks run on.
 */
/* Completes asyncContext with `result` from a pool thread. NULL context: returns `result`. */
HRESULT WINAPI AsyncPoolPost(HRESULT result, const WS_ASYNC_CONTEXT *asyncContext,
                             PTP_CALLBACK_ENVIRON environment);
/* Completes with S_OK after `milliseconds` (INFINITE is refused). */
HRESULT WINAPI AsyncPoolTimer(DWORD milliseconds, const WS_ASYNC_CONTEXT *asyncContext,
                              PTP_CALLBACK_ENVIRON environment);
/* Completes with S_OK when `handle` is signalled, or HRESULT_FROM_WIN32(ERROR_TIMEOUT) after
 * timeoutMilliseconds (INFINITE: no time limit). */
HRESULT WINAPI AsyncPoolWait(HANDLE handle, DWORD timeoutMilliseconds,
                             const WS_ASYNC_CONTEXT *asyncContext, PTP_CALLBACK_ENVIRON environment);

/* Overlapped reads and writes on one file or pipe handle opened with FILE_FLAG_OVERLAPPED. */
typedef struct ASYNC_POOL_IO ASYNC_POOL_IO;  /* opaque */

/* AsyncPoolIoCreateEx flag: queue every completion to the pool, even an immediate success
 * (by default the handle is set to FILE_SKIP_COMPLETION_PORT_ON_SUCCESS where it allows it). */
#define ASYNC_POOL_IO_QUEUE_ALL_COMPLETIONS 0x1

HRESULT WINAPI AsyncPoolIoCreate(HANDLE handle, PTP_CALLBACK_ENVIRON environment, ASYNC_POOL_IO **io);
HRESULT WINAPI AsyncPoolIoCreateEx(HANDLE handle, PTP_CALLBACK_ENVIRON environment, DWORD flags,
                                   ASYNC_POOL_IO **io);
/* bytesRead/bytesWritten are optional; when given they must stay valid until the operation has
 * completed: they are written before the callback runs (or before a synchronous return). The
 * buffer must stay valid until then too. A read at or past the end of a file completes with
 * HRESULT_FROM_WIN32(ERROR_HANDLE_EOF). */
HRESULT WINAPI AsyncPoolIoRead(ASYNC_POOL_IO *io, ULONGLONG offset, void *buffer, DWORD size,
                               DWORD *bytesRead, const WS_ASYNC_CONTEXT *asyncContext);
HRESULT WINAPI AsyncPoolIoWrite(ASYNC_POOL_IO *io, ULONGLONG offset, const void *buffer, DWORD size,
                                DWORD *bytesWritten, const WS_ASYNC_CONTEXT *asyncContext);
/* Cancels the outstanding operations and returns once every one of them has completed (with
 * HRESULT_FROM_WIN32(ERROR_OPERATION_ABORTED) if the cancel caught it); then frees io. The
 * handle stays open. Called from inside one of io's own completions it refuses with
 * WS_E_INVALID_OPERATION and does nothing. */
HRESULT WINAPI AsyncPoolIoClose(ASYNC_POOL_IO *io);

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
