/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fault injection into the completion primitives (docs/COMPLETION_PRIMITIVES.md): each refuses with
 * E_OUTOFMEMORY when its memory or the pool's submission fails, and then has started nothing, so
 * no callback may ever come; the next call works again. And a kernel handle closed under
 * outstanding I/O completes each operation once, with a failure, and the I/O object still
 * closes. The faults are the same redirected imports of wsasync.dll as in faults.c.
 */
#include "completion_probe.h"
#include "stress_platform.h"

#define ABORTED_HR HRESULT_FROM_WIN32(ERROR_OPERATION_ABORTED)

/* Starts an operation with a probe, with the DLL's next `how` failing; checks E_OUTOFMEMORY, no
 * callback, and one fault taken. */
static void check_refused(HRESULT (*start)(void *arg, const WS_ASYNC_CONTEXT *context), void *arg,
                          enum stress_refusal how, HRESULT completion, const char *what)
{
    long faults = stress_faults_injected();
    struct probe probe;
    HRESULT hr;

    probe_init(&probe);
    stress_fail_next(how);
    hr = start(arg, &probe.context);
    faults = stress_faults_injected() - faults;
    ok(faults == 1, "%s: expected the fault to be taken once, taken %ld times\n", what, faults);
    if (!faults) stress_fail_next(STRESS_REFUSAL_KINDS);  /* withdraw it (no fault is that kind) */
    probe_expect_refused(&probe, hr, E_OUTOFMEMORY, what);
    probe_free(&probe);

    /* Nothing stays broken: the same call works now. */
    probe_init(&probe);
    hr = start(arg, &probe.context);
    ok(hr == WS_S_ASYNC, "%s, retried: expected WS_S_ASYNC, got %#lx\n", what, hr);
    probe_expect(&probe, hr, completion, what);
    probe_free(&probe);
}

static HRESULT start_post(void *arg, const WS_ASYNC_CONTEXT *context)
{
    (void)arg;
    return AsyncPoolPost(S_FALSE, context, NULL);
}

static HRESULT start_timer(void *arg, const WS_ASYNC_CONTEXT *context)
{
    (void)arg;
    return AsyncPoolTimer(1, context, NULL);
}

static HRESULT start_wait(void *arg, const WS_ASYNC_CONTEXT *context)
{
    return AsyncPoolWait(arg, 1, context, NULL);  /* never signalled: times out after 1 ms */
}

TEST(fault_primitive_post)
{
    ok(stress_platform_init(), "expected the fault-injection hooks to be installed\n");
    check_refused(start_post, NULL, STRESS_REFUSE_ALLOCATION, S_FALSE, "AsyncPoolPost, no memory");
    check_refused(start_post, NULL, STRESS_REFUSE_SUBMISSION, S_FALSE, "AsyncPoolPost, submission refused");
}

TEST(fault_primitive_timer)
{
    ok(stress_platform_init(), "expected the fault-injection hooks to be installed\n");
    check_refused(start_timer, NULL, STRESS_REFUSE_ALLOCATION, S_OK, "AsyncPoolTimer, no memory");
}

TEST(fault_primitive_wait)
{
    HANDLE event = CreateEventW(NULL, TRUE, FALSE, NULL);

    ok(stress_platform_init(), "expected the fault-injection hooks to be installed\n");
    check_refused(start_wait, event, STRESS_REFUSE_ALLOCATION, HRESULT_FROM_WIN32(ERROR_TIMEOUT), "AsyncPoolWait, no memory");
    CloseHandle(event);
}

/* Both ends of a byte-mode named pipe, opened for overlapped I/O. */
static void open_pipe(HANDLE *server, HANDLE *client)
{
    WCHAR name[64];

    swprintf(name, 64, L"\\\\.\\pipe\\wsasync-faults-%lu-%lu", GetCurrentProcessId(), GetTickCount());
    *server = CreateNamedPipeW(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED, PIPE_TYPE_BYTE | PIPE_WAIT,
                               1, 4096, 4096, 0, NULL);
    ok(*server != INVALID_HANDLE_VALUE, "CreateNamedPipe failed: %lu\n", GetLastError());
    *client = CreateFileW(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
    ok(*client != INVALID_HANDLE_VALUE, "opening the pipe's client end failed: %lu\n", GetLastError());
}

static HRESULT start_read(void *arg, const WS_ASYNC_CONTEXT *context)
{
    static char buffer[16];

    return AsyncPoolIoRead(arg, 0, buffer, sizeof(buffer), NULL, context);
}

TEST(fault_primitive_io)
{
    HANDLE server, client;
    ASYNC_POOL_IO *io = (ASYNC_POOL_IO *)0xdeadbeef;
    long faults;
    HRESULT hr;

    ok(stress_platform_init(), "expected the fault-injection hooks to be installed\n");
    open_pipe(&server, &client);

    faults = stress_faults_injected();
    stress_fail_next(STRESS_REFUSE_ALLOCATION);
    hr = AsyncPoolIoCreate(server, NULL, &io);
    ok(stress_faults_injected() - faults == 1, "AsyncPoolIoCreate: expected the fault to be taken\n");
    ok(hr == E_OUTOFMEMORY, "AsyncPoolIoCreate, no memory: expected E_OUTOFMEMORY, got %#lx\n", hr);
    ok(io == NULL, "AsyncPoolIoCreate, no memory: expected no object, got %p\n", (void *)io);

    hr = AsyncPoolIoCreate(server, NULL, &io);
    ok(hr == S_OK, "AsyncPoolIoCreate: expected S_OK, got %#lx\n", hr);
    if (hr != S_OK) return;
    /* A read on an empty pipe stays pending: the retry in check_refused leaves it outstanding,
     * and the pipe's write end then goes away under it. */
    {
        long before = stress_faults_injected();
        struct probe probe;

        probe_init(&probe);
        stress_fail_next(STRESS_REFUSE_ALLOCATION);
        hr = start_read(io, &probe.context);
        ok(stress_faults_injected() - before == 1, "AsyncPoolIoRead: expected the fault to be taken\n");
        probe_expect_refused(&probe, hr, E_OUTOFMEMORY, "AsyncPoolIoRead, no memory");
        probe_free(&probe);

        probe_init(&probe);
        hr = start_read(io, &probe.context);
        ok(hr == WS_S_ASYNC, "AsyncPoolIoRead on an empty pipe: expected WS_S_ASYNC, got %#lx\n", hr);
        CloseHandle(client);
        probe_expect(&probe, hr, HRESULT_FROM_WIN32(ERROR_BROKEN_PIPE), "read when the write end is closed");
        probe_free(&probe);

        hr = AsyncPoolIoClose(io);
        ok(hr == S_OK, "AsyncPoolIoClose: expected S_OK, got %#lx\n", hr);
        CloseHandle(server);
    }
}

/* The handle an I/O object is bound to is closed while a read is outstanding on it: the read
 * completes once, with the I/O's own failure, and the object still closes. The system decides
 * that failure: a cancelled I/O is ERROR_OPERATION_ABORTED; Wine ends a read on a pipe end whose
 * handle goes with ERROR_BROKEN_PIPE. */
TEST(fault_handle_closed_under_io)
{
    HANDLE server, client;
    ASYNC_POOL_IO *io;
    struct probe probe;
    HRESULT hr;

    open_pipe(&server, &client);
    hr = AsyncPoolIoCreate(server, NULL, &io);
    ok(hr == S_OK, "AsyncPoolIoCreate: expected S_OK, got %#lx\n", hr);
    if (hr != S_OK) return;
    probe_init(&probe);
    hr = start_read(io, &probe.context);
    ok(hr == WS_S_ASYNC, "AsyncPoolIoRead on an empty pipe: expected WS_S_ASYNC, got %#lx\n", hr);
    CloseHandle(server);
    ok(probe_wait(&probe, 5000), "read on a handle closed under it: expected a callback, none came\n");
    Sleep(50);
    ok(probe.calls == 1, "read on a handle closed under it: expected one callback, got %ld\n", probe.calls);
    ok(probe.hr == ABORTED_HR || probe.hr == HRESULT_FROM_WIN32(ERROR_BROKEN_PIPE),
       "read on a handle closed under it: expected %#lx or %#lx, got %#lx\n", ABORTED_HR,
       HRESULT_FROM_WIN32(ERROR_BROKEN_PIPE), probe.hr);
    hr = AsyncPoolIoClose(io);
    ok(hr == S_OK, "AsyncPoolIoClose after its handle was closed: expected S_OK, got %#lx\n", hr);
    ok(probe.calls == 1, "expected one callback in all, got %ld\n", probe.calls);
    probe_free(&probe);
    CloseHandle(client);
}
