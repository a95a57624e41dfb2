/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The completion primitives, wsasync.dll's AsyncPool* exports: operations in the WWSAPI
 * asynchronous model on the Windows thread pool (posted completions, timers, waits on kernel
 * handles and overlapped file or pipe I/O through TP_IO). docs/SPEC.md §5.3 and
 * docs/COMPLETION_PRIMITIVES.md say what each export promises. They are not the engine
 * (engine.c); they share only engine_pool.h's posting helpers with it.
 *
 * Every asynchronous operation owns one heap record that carries a copy of the caller's context
 * (so the caller's WS_ASYNC_CONTEXT may go away as soon as the call returns) and whatever the
 * pool needs (a TP object or an OVERLAPPED). A record is freed by whoever is the last to use it:
 * the completion callback when one comes, the starting thread when none will. When memory or
 * the pool refuses, the call returns E_OUTOFMEMORY and nothing has been started.
 */
#include "engine_pool.h"
#include "platform.h"

static void *record_alloc(SIZE_T size)
{
    return HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, size);
}

static void record_free(void *record)
{
    HeapFree(GetProcessHeap(), 0, record);
}

/* A relative due time for the pool, in the FILETIME form it takes (negative 100 ns units). */
static FILETIME relative_due_time(DWORD milliseconds)
{
    ULARGE_INTEGER due;
    FILETIME time;

    due.QuadPart = (ULONGLONG)(-(LONGLONG)milliseconds * 10000);
    time.dwLowDateTime = due.LowPart;
    time.dwHighDateTime = due.HighPart;
    return time;
}

static HRESULT hresult_from_last_error(void)
{
    DWORD error = GetLastError();
    return error ? HRESULT_FROM_WIN32(error) : E_FAIL;
}

/* ---------------------------------------------------------------------------------------------
 * Posted completions
 */

/* Always asynchronous with a context: the point of posting is to move the completion to a pool
 * thread. WS_S_ASYNC is not a result anything can complete with, so it is refused. */
HRESULT WINAPI AsyncPoolPost(HRESULT result, const WS_ASYNC_CONTEXT *asyncContext,
                             PTP_CALLBACK_ENVIRON environment)
{
    if (result == WS_S_ASYNC) return E_INVALIDARG;
    if (!asyncContext) return result;
    if (!asyncContext->callback) return E_INVALIDARG;
    return pool_post(asyncContext, result, environment) ? WS_S_ASYNC : E_OUTOFMEMORY;
}

/* ---------------------------------------------------------------------------------------------
 * Timers and waits: one record holds the context copy and the pool object. The pool object is
 * closed from its own callback, which the pool allows: it is freed once that callback returns.
 * The callback has run exactly once by then (a timer set once, a wait set once), so nothing else
 * can touch the record and it is freed before the caller's callback runs.
 */

struct pool_timer
{
    WS_ASYNC_CONTEXT context;
    PTP_TIMER timer;
};

static void CALLBACK timer_fired(PTP_CALLBACK_INSTANCE instance, void *param, PTP_TIMER timer)
{
    struct pool_timer *record = param;
    WS_ASYNC_CONTEXT context = record->context;

    CloseThreadpoolTimer(timer);
    record_free(record);
    context.callback(S_OK, pool_callback_model(instance), context.callbackState);
}

/* 0 ms with a context is still asynchronous (a timer already due): the callback comes from a
 * pool thread, as for any other delay, through the cheaper posted path. */
HRESULT WINAPI AsyncPoolTimer(DWORD milliseconds, const WS_ASYNC_CONTEXT *asyncContext,
                              PTP_CALLBACK_ENVIRON environment)
{
    struct pool_timer *record;
    FILETIME due;

    if (milliseconds == INFINITE) return E_INVALIDARG;
    if (!asyncContext)
    {
        Sleep(milliseconds);
        return S_OK;
    }
    if (!asyncContext->callback) return E_INVALIDARG;
    if (!milliseconds) return AsyncPoolPost(S_OK, asyncContext, environment);

    if (!(record = record_alloc(sizeof(*record)))) return E_OUTOFMEMORY;
    record->context = *asyncContext;
    if (!(record->timer = CreateThreadpoolTimer(timer_fired, record, environment)))
    {
        record_free(record);
        return E_OUTOFMEMORY;
    }
    due = relative_due_time(milliseconds);
    /* From here the callback owns the record: do not touch it again. */
    SetThreadpoolTimer(record->timer, &due, 0, 0);
    return WS_S_ASYNC;
}

struct pool_wait
{
    WS_ASYNC_CONTEXT context;
    PTP_WAIT wait;
};

static HRESULT hresult_from_wait(DWORD wait_result)
{
    switch (wait_result)
    {
    case WAIT_OBJECT_0: return S_OK;
    case WAIT_TIMEOUT: return HRESULT_FROM_WIN32(ERROR_TIMEOUT);
    case WAIT_ABANDONED: return HRESULT_FROM_WIN32(ERROR_ABANDONED_WAIT_0);
    default: return hresult_from_last_error();
    }
}

static void CALLBACK wait_ended(PTP_CALLBACK_INSTANCE instance, void *param, PTP_WAIT wait,
                                TP_WAIT_RESULT wait_result)
{
    struct pool_wait *record = param;
    WS_ASYNC_CONTEXT context = record->context;

    CloseThreadpoolWait(wait);
    record_free(record);
    context.callback(hresult_from_wait(wait_result), pool_callback_model(instance), context.callbackState);
}

/* The handle is polled once first: that tells an invalid or closed handle (refused with
 * HRESULT_FROM_WIN32(ERROR_INVALID_HANDLE), nothing started) from a valid one, and a handle
 * already signalled completes synchronously with S_OK, as does a zero timeout with
 * HRESULT_FROM_WIN32(ERROR_TIMEOUT). Only a wait that really has to wait goes to the pool. */
HRESULT WINAPI AsyncPoolWait(HANDLE handle, DWORD timeoutMilliseconds,
                             const WS_ASYNC_CONTEXT *asyncContext, PTP_CALLBACK_ENVIRON environment)
{
    struct pool_wait *record;
    FILETIME due;
    DWORD polled;

    if (!handle || handle == INVALID_HANDLE_VALUE) return E_INVALIDARG;
    if (asyncContext && !asyncContext->callback) return E_INVALIDARG;
    if (!asyncContext) return hresult_from_wait(WaitForSingleObject(handle, timeoutMilliseconds));

    polled = WaitForSingleObject(handle, 0);
    if (polled != WAIT_TIMEOUT || !timeoutMilliseconds) return hresult_from_wait(polled);

    if (!(record = record_alloc(sizeof(*record)))) return E_OUTOFMEMORY;
    record->context = *asyncContext;
    if (!(record->wait = CreateThreadpoolWait(wait_ended, record, environment)))
    {
        record_free(record);
        return E_OUTOFMEMORY;
    }
    due = relative_due_time(timeoutMilliseconds);
    /* From here the callback owns the record. */
    SetThreadpoolWait(record->wait, handle, timeoutMilliseconds == INFINITE ? NULL : &due);
    return WS_S_ASYNC;
}

/* ---------------------------------------------------------------------------------------------
 * Overlapped I/O through TP_IO.
 *
 * Shared fields of an ASYNC_POOL_IO and who touches them:
 *  - handle, tp_io, skip_on_success, idle: written by Create only, read-only after.
 *  - closing: written once (FALSE -> TRUE) by Close under the exclusive lock; read by starters
 *    under the shared lock. So an operation is either started before Close cancels (and the
 *    cancel catches it) or refused; none can slip in after the cancel.
 *  - outstanding: interlocked; one count for the object itself (dropped by Close) plus one per
 *    operation started and not yet finished (its callback has returned from the caller's
 *    callback, or its synchronous result is being given back). Whoever takes it to zero sets
 *    `idle`, and that is the last thing it does with io; only Close can take it to zero from
 *    its own count, so the event tells Close that nothing but pool bookkeeping is left.
 */
struct ASYNC_POOL_IO
{
    HANDLE handle;
    PTP_IO tp_io;
    BOOL skip_on_success;
    HANDLE idle;          /* manual-reset event, set when outstanding reaches 0 while closing */
    SRWLOCK lock;         /* shared: starting an operation; exclusive: Close deciding to close */
    BOOL closing;
    LONG outstanding;
};

/* One asynchronous read or write. The pool gives its callback the OVERLAPPED, which is the
 * record's first field; the callback frees it. */
struct pool_io_op
{
    OVERLAPPED overlapped;
    ASYNC_POOL_IO *io;
    WS_ASYNC_CONTEXT context;
    DWORD *bytes;
};

/* The io whose completion the calling thread is running, so that Close can refuse to wait for
 * itself: a per-thread value (platform.h), since each pool thread runs one callback at a time. */
static DWORD completing_io_slot = TLS_OUT_OF_INDEXES;

BOOL async_pool_attach(void)
{
    return thread_slot_alloc(&completing_io_slot);
}

void async_pool_detach(void *reserved)
{
    thread_slot_free(&completing_io_slot, reserved);
}

/* After the decrement io may be freed at any moment, so the event handle is read before. */
static void io_operation_finished(ASYNC_POOL_IO *io)
{
    HANDLE idle = io->idle;

    if (!InterlockedDecrement(&io->outstanding)) SetEvent(idle);
}

static void CALLBACK io_completed(PTP_CALLBACK_INSTANCE instance, void *param, void *overlapped,
                                  ULONG io_result, ULONG_PTR transferred, PTP_IO tp_io)
{
    struct pool_io_op *op = overlapped;
    ASYNC_POOL_IO *io = op->io, *outer = thread_slot_get(completing_io_slot);
    WS_ASYNC_CONTEXT context = op->context;

    (void)param; (void)tp_io;
    if (op->bytes) *op->bytes = (DWORD)transferred;
    record_free(op);
    thread_slot_set(completing_io_slot, io);
    context.callback(io_result ? HRESULT_FROM_WIN32(io_result) : S_OK, pool_callback_model(instance),
                     context.callbackState);
    thread_slot_set(completing_io_slot, outer);
    io_operation_finished(io);
}

HRESULT WINAPI AsyncPoolIoCreateEx(HANDLE handle, PTP_CALLBACK_ENVIRON environment, DWORD flags,
                                   ASYNC_POOL_IO **io)
{
    ASYNC_POOL_IO *object;

    if (!io) return E_INVALIDARG;
    *io = NULL;
    if (!handle || handle == INVALID_HANDLE_VALUE) return E_INVALIDARG;
    if (flags & ~ASYNC_POOL_IO_QUEUE_ALL_COMPLETIONS) return E_INVALIDARG;

    if (!(object = record_alloc(sizeof(*object)))) return E_OUTOFMEMORY;
    object->handle = handle;
    object->outstanding = 1;
    InitializeSRWLock(&object->lock);
    if (!(object->idle = CreateEventW(NULL, TRUE, FALSE, NULL)))
    {
        record_free(object);
        return E_OUTOFMEMORY;
    }
    /* Binding fails for an invalid or closed handle (and for one already bound elsewhere). */
    if (!(object->tp_io = CreateThreadpoolIo(handle, io_completed, object, environment)))
    {
        HRESULT hr = hresult_from_last_error();
        CloseHandle(object->idle);
        record_free(object);
        return hr;
    }
    /* Where the handle allows it, an immediate success is then reported by the call alone. */
    if (!(flags & ASYNC_POOL_IO_QUEUE_ALL_COMPLETIONS))
        object->skip_on_success = SetFileCompletionNotificationModes(handle,
                FILE_SKIP_COMPLETION_PORT_ON_SUCCESS | FILE_SKIP_SET_EVENT_ON_HANDLE);
    *io = object;
    return S_OK;
}

HRESULT WINAPI AsyncPoolIoCreate(HANDLE handle, PTP_CALLBACK_ENVIRON environment, ASYNC_POOL_IO **io)
{
    return AsyncPoolIoCreateEx(handle, environment, 0, io);
}

static BOOL start_transfer(ASYNC_POOL_IO *io, BOOL write, void *buffer, DWORD size,
                           OVERLAPPED *overlapped)
{
    return write ? WriteFile(io->handle, buffer, size, NULL, overlapped)
                 : ReadFile(io->handle, buffer, size, NULL, overlapped);
}

/* Synchronous mode: the transfer is overlapped all the same (the handle is), but with the low
 * bit of hEvent set, which tells the system not to queue its completion to the pool's port. */
static HRESULT transfer_synchronously(ASYNC_POOL_IO *io, BOOL write, ULONGLONG offset, void *buffer,
                                      DWORD size, DWORD *bytes)
{
    OVERLAPPED overlapped = { 0 };
    DWORD transferred = 0;
    HANDLE event;
    HRESULT hr = S_OK;

    if (!(event = CreateEventW(NULL, TRUE, FALSE, NULL))) return E_OUTOFMEMORY;
    overlapped.Offset = (DWORD)offset;
    overlapped.OffsetHigh = (DWORD)(offset >> 32);
    overlapped.hEvent = (HANDLE)((ULONG_PTR)event | 1);
    if (!start_transfer(io, write, buffer, size, &overlapped) && GetLastError() != ERROR_IO_PENDING)
        hr = hresult_from_last_error();
    else if (!GetOverlappedResult(io->handle, &overlapped, &transferred, TRUE))
        hr = hresult_from_last_error();
    CloseHandle(event);
    if (bytes) *bytes = transferred;
    return hr;
}

/* Asynchronous mode. Who finishes the record depends on how the call returns:
 *  - pending (or a warning such as ERROR_MORE_DATA, which still queues a completion): the pool
 *    callback owns it from the moment the call was made, and may have run already;
 *  - immediate success without skip-on-success: a completion is queued all the same, so the
 *    callback owns it too and WS_S_ASYNC is returned;
 *  - immediate success with skip-on-success: no completion comes; the start is cancelled and
 *    the result returned here, synchronously;
 *  - immediate failure: no completion comes; the start is cancelled and the error returned. */
static HRESULT transfer_asynchronously(ASYNC_POOL_IO *io, BOOL write, ULONGLONG offset,
                                       void *buffer, DWORD size, DWORD *bytes,
                                       const WS_ASYNC_CONTEXT *context)
{
    struct pool_io_op *op;
    DWORD error, transferred;

    if (!(op = record_alloc(sizeof(*op)))) return E_OUTOFMEMORY;
    op->overlapped.Offset = (DWORD)offset;
    op->overlapped.OffsetHigh = (DWORD)(offset >> 32);
    op->io = io;
    op->context = *context;
    op->bytes = bytes;

    StartThreadpoolIo(io->tp_io);
    if (!start_transfer(io, write, buffer, size, &op->overlapped))
    {
        error = GetLastError();
        if (error == ERROR_IO_PENDING || error == ERROR_MORE_DATA) return WS_S_ASYNC;
        CancelThreadpoolIo(io->tp_io);
        record_free(op);
        return HRESULT_FROM_WIN32(error);
    }
    if (!io->skip_on_success) return WS_S_ASYNC;
    CancelThreadpoolIo(io->tp_io);
    transferred = (DWORD)op->overlapped.InternalHigh;
    record_free(op);
    if (bytes) *bytes = transferred;
    return S_OK;
}

static HRESULT transfer(ASYNC_POOL_IO *io, BOOL write, ULONGLONG offset, void *buffer, DWORD size,
                        DWORD *bytes, const WS_ASYNC_CONTEXT *context)
{
    HRESULT hr;

    if (!io || !buffer || !size) return E_INVALIDARG;
    if (context && !context->callback) return E_INVALIDARG;

    AcquireSRWLockShared(&io->lock);
    if (io->closing)
    {
        ReleaseSRWLockShared(&io->lock);
        return HRESULT_FROM_WIN32(ERROR_OPERATION_ABORTED);
    }
    InterlockedIncrement(&io->outstanding);
    if (context) hr = transfer_asynchronously(io, write, offset, buffer, size, bytes, context);
    ReleaseSRWLockShared(&io->lock);

    /* The synchronous path waits, so it runs outside the lock: Close's cancel still reaches it,
     * since it is counted as outstanding. */
    if (!context) hr = transfer_synchronously(io, write, offset, buffer, size, bytes);
    if (hr != WS_S_ASYNC) io_operation_finished(io);
    return hr;
}

HRESULT WINAPI AsyncPoolIoRead(ASYNC_POOL_IO *io, ULONGLONG offset, void *buffer, DWORD size,
                               DWORD *bytesRead, const WS_ASYNC_CONTEXT *asyncContext)
{
    return transfer(io, FALSE, offset, buffer, size, bytesRead, asyncContext);
}

HRESULT WINAPI AsyncPoolIoWrite(ASYNC_POOL_IO *io, ULONGLONG offset, const void *buffer, DWORD size,
                                DWORD *bytesWritten, const WS_ASYNC_CONTEXT *asyncContext)
{
    return transfer(io, TRUE, offset, (void *)buffer, size, bytesWritten, asyncContext);
}

HRESULT WINAPI AsyncPoolIoClose(ASYNC_POOL_IO *io)
{
    if (!io) return E_INVALIDARG;
    /* Waiting here for our own callback to return would never end. */
    if (thread_slot_get(completing_io_slot) == io) return WS_E_INVALID_OPERATION;

    AcquireSRWLockExclusive(&io->lock);
    io->closing = TRUE;
    ReleaseSRWLockExclusive(&io->lock);

    /* Every operation counted in `outstanding` was started before `closing` was set (under the
     * lock), so this cancel reaches each one that is still in flight. CancelIoEx with no
     * OVERLAPPED cancels all the I/O on the handle: the handle is the object's alone. */
    if (InterlockedDecrement(&io->outstanding))
    {
        CancelIoEx(io->handle, NULL);
        WaitForSingleObject(io->idle, INFINITE);
    }
    /* The count is zero, but the last callback may still be returning from
     * io_operation_finished: let the pool confirm every callback has returned. */
    WaitForThreadpoolIoCallbacks(io->tp_io, FALSE);
    CloseThreadpoolIo(io->tp_io);
    CloseHandle(io->idle);
    record_free(io);
    return S_OK;
}
