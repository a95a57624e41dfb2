/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * AsyncPoolIo*: overlapped reads and writes on files and pipes through the pool's I/O
 * completion, with and without skip-on-success, and closing with I/O outstanding.
 */
#include "completion_probe.h"

#define EOF_HR HRESULT_FROM_WIN32(ERROR_HANDLE_EOF)
#define ABORTED_HR HRESULT_FROM_WIN32(ERROR_OPERATION_ABORTED)

static const DWORD io_modes[] = { 0, ASYNC_POOL_IO_QUEUE_ALL_COMPLETIONS };

static HANDLE open_temp_file(void)
{
    WCHAR dir[MAX_PATH], path[MAX_PATH];
    HANDLE file;

    GetTempPathW(MAX_PATH, dir);
    GetTempFileNameW(dir, L"wsa", 0, path);
    file = CreateFileW(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                       FILE_FLAG_OVERLAPPED | FILE_FLAG_DELETE_ON_CLOSE, NULL);
    ok(file != INVALID_HANDLE_VALUE, "could not create a temporary file: %lu\n", GetLastError());
    return file;
}

/* Both ends of a byte-mode named pipe, opened for overlapped I/O. */
static void open_pipe(HANDLE *server, HANDLE *client)
{
    WCHAR name[64];

    swprintf(name, 64, L"\\\\.\\pipe\\wsasync-test-%lu-%lu", GetCurrentProcessId(), GetTickCount());
    *server = CreateNamedPipeW(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED, PIPE_TYPE_BYTE | PIPE_WAIT,
                               1, 4096, 4096, 0, NULL);
    ok(*server != INVALID_HANDLE_VALUE, "CreateNamedPipe failed: %lu\n", GetLastError());
    *client = CreateFileW(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
    ok(*client != INVALID_HANDLE_VALUE, "opening the pipe's client end failed: %lu\n", GetLastError());
}

static ASYNC_POOL_IO *create_io(HANDLE handle, DWORD flags, PTP_CALLBACK_ENVIRON environment)
{
    ASYNC_POOL_IO *io = (ASYNC_POOL_IO *)0xdeadbeef;
    HRESULT hr = AsyncPoolIoCreateEx(handle, environment, flags, &io);

    ok(hr == S_OK, "AsyncPoolIoCreateEx: expected S_OK, got %#lx\n", hr);
    ok(io != NULL && io != (ASYNC_POOL_IO *)0xdeadbeef, "no io object returned\n");
    return io;
}

static void close_io(ASYNC_POOL_IO *io)
{
    HRESULT hr = AsyncPoolIoClose(io);
    ok(hr == S_OK, "AsyncPoolIoClose: expected S_OK, got %#lx\n", hr);
}

TEST(completion_io_file_sync_mode)
{
    char data[1000], back[1200];
    unsigned int m;

    for (m = 0; m < ARRAYSIZE(io_modes); m++)
    {
        HANDLE file = open_temp_file();
        ASYNC_POOL_IO *io = create_io(file, io_modes[m], NULL);
        DWORD bytes = 0xdead;
        HRESULT hr;

        memset(data, 'a' + m, sizeof(data));
        hr = AsyncPoolIoWrite(io, 0, data, sizeof(data), &bytes, NULL);
        ok(hr == S_OK, "mode %u: write: expected S_OK, got %#lx\n", m, hr);
        ok(bytes == sizeof(data), "mode %u: expected %u bytes written, got %lu\n", m, (unsigned)sizeof(data), bytes);
        hr = AsyncPoolIoWrite(io, 5000, data, 10, NULL, NULL);
        ok(hr == S_OK, "mode %u: write at 5000 without a byte count: expected S_OK, got %#lx\n", m, hr);

        memset(back, 0, sizeof(back));
        hr = AsyncPoolIoRead(io, 100, back, sizeof(back), &bytes, NULL);
        ok(hr == S_OK, "mode %u: read: expected S_OK, got %#lx\n", m, hr);
        ok(bytes == sizeof(back), "mode %u: expected %u bytes read, got %lu\n", m, (unsigned)sizeof(back), bytes);
        ok(!memcmp(back, data, 900), "mode %u: the data read back differs\n", m);
        ok(back[900] == 0, "mode %u: expected the gap to read as zero, got %d\n", m, back[900]);

        hr = AsyncPoolIoRead(io, 5010, back, sizeof(back), &bytes, NULL);
        ok(hr == EOF_HR, "mode %u: read at the end: expected %#lx, got %#lx\n", m, EOF_HR, hr);
        ok(bytes == 0, "mode %u: read at the end: expected 0 bytes, got %lu\n", m, bytes);
        close_io(io);
        CloseHandle(file);
    }
}

/* Writes then reads a file through asynchronous calls in both completion modes; each call
 * either completes synchronously without a callback or goes asynchronous and calls back once. */
TEST(completion_io_file_async_mode)
{
    static char data[65536], back[65536];
    unsigned int m, i;

    for (i = 0; i < sizeof(data); i++) data[i] = (char)(i * 7 + 3);
    for (m = 0; m < ARRAYSIZE(io_modes); m++)
    {
        HANDLE file = open_temp_file();
        ASYNC_POOL_IO *io = create_io(file, io_modes[m], NULL);
        struct probe probe;
        DWORD bytes;
        HRESULT hr;
        char what[64];

        for (i = 0; i < 4; i++)
        {
            probe_init(&probe);
            bytes = 0xdead;
            hr = AsyncPoolIoWrite(io, i * 16384, data + i * 16384, 16384, &bytes, &probe.context);
            if (io_modes[m] == ASYNC_POOL_IO_QUEUE_ALL_COMPLETIONS)
                ok(hr == WS_S_ASYNC, "queue-all mode: expected every write to go WS_S_ASYNC, got %#lx\n", hr);
            sprintf(what, "mode %u write %u", m, i);
            probe_expect(&probe, hr, S_OK, what);
            ok(bytes == 16384, "%s: expected 16384 bytes, got %lu\n", what, bytes);
            probe_free(&probe);
        }
        probe_init(&probe);
        memset(back, 0, sizeof(back));
        hr = AsyncPoolIoRead(io, 0, back, sizeof(back), &bytes, &probe.context);
        if (io_modes[m] == ASYNC_POOL_IO_QUEUE_ALL_COMPLETIONS)
            ok(hr == WS_S_ASYNC, "queue-all mode: expected the read to go WS_S_ASYNC, got %#lx\n", hr);
        sprintf(what, "mode %u read", m);
        probe_expect(&probe, hr, S_OK, what);
        ok(bytes == sizeof(back), "%s: expected %u bytes, got %lu\n", what, (unsigned)sizeof(back), bytes);
        ok(!memcmp(back, data, sizeof(data)), "%s: the data read back differs\n", what);
        probe_free(&probe);

        probe_init(&probe);
        bytes = 0xdead;
        hr = AsyncPoolIoRead(io, sizeof(data), back, 100, &bytes, &probe.context);
        sprintf(what, "mode %u read at the end", m);
        probe_expect(&probe, hr, EOF_HR, what);
        ok(bytes == 0 || bytes == 0xdead, "%s: expected no bytes, got %lu\n", what, bytes);
        probe_free(&probe);
        close_io(io);
        CloseHandle(file);
    }
}

/* A pipe read waits for data: it goes asynchronous and completes when the other end writes. */
TEST(completion_io_pipe_async_mode)
{
    unsigned int m;

    for (m = 0; m < ARRAYSIZE(io_modes); m++)
    {
        HANDLE server, client;
        ASYNC_POOL_IO *server_io, *client_io;
        char back[64] = { 0 };
        struct probe probe;
        DWORD bytes = 0xdead, written = 0;
        HRESULT hr;
        char what[64];

        open_pipe(&server, &client);
        server_io = create_io(server, io_modes[m], NULL);
        client_io = create_io(client, io_modes[m], NULL);
        probe_init(&probe);
        hr = AsyncPoolIoRead(server_io, 0, back, sizeof(back), &bytes, &probe.context);
        ok(hr == WS_S_ASYNC, "mode %u: a read with no data yet: expected WS_S_ASYNC, got %#lx\n", m, hr);
        ok(!probe_wait(&probe, 100), "mode %u: the read completed before any write (hr %#lx)\n", m, probe.hr);
        hr = AsyncPoolIoWrite(client_io, 0, "hello, pipe", 11, &written, NULL);
        ok(hr == S_OK, "mode %u: write: expected S_OK, got %#lx\n", m, hr);
        ok(written == 11, "mode %u: expected 11 bytes written, got %lu\n", m, written);
        sprintf(what, "mode %u pipe read", m);
        probe_expect(&probe, hr == S_OK ? WS_S_ASYNC : hr, S_OK, what);
        ok(bytes == 11, "%s: expected 11 bytes, got %lu\n", what, bytes);
        ok(!memcmp(back, "hello, pipe", 11), "%s: expected \"hello, pipe\", got \"%.11s\"\n", what, back);
        probe_free(&probe);

        /* The other way, asynchronously: data already there, so it may complete at once. */
        probe_init(&probe);
        hr = AsyncPoolIoWrite(server_io, 0, "back", 4, &written, &probe.context);
        sprintf(what, "mode %u pipe write", m);
        probe_expect(&probe, hr, S_OK, what);
        ok(written == 4, "%s: expected 4 bytes, got %lu\n", what, written);
        probe_free(&probe);
        hr = AsyncPoolIoRead(client_io, 0, back, sizeof(back), &bytes, NULL);
        ok(hr == S_OK && bytes == 4 && !memcmp(back, "back", 4), "mode %u: read back: hr %#lx, %lu bytes\n",
           m, hr, bytes);

        /* The writer goes away: a pending read ends with ERROR_BROKEN_PIPE. */
        probe_init(&probe);
        hr = AsyncPoolIoRead(server_io, 0, back, sizeof(back), &bytes, &probe.context);
        ok(hr == WS_S_ASYNC, "mode %u: expected WS_S_ASYNC, got %#lx\n", m, hr);
        close_io(client_io);
        CloseHandle(client);
        sprintf(what, "mode %u read from a closed pipe", m);
        probe_expect(&probe, hr, HRESULT_FROM_WIN32(ERROR_BROKEN_PIPE), what);
        probe_free(&probe);
        close_io(server_io);
        CloseHandle(server);
    }
}

/* Close with reads outstanding: each completes, aborted, before Close returns. */
TEST(completion_io_close_with_io_outstanding)
{
    enum { COUNT = 3 };
    unsigned int m;

    for (m = 0; m < ARRAYSIZE(io_modes); m++)
    {
        struct probe probes[COUNT];
        char buffers[COUNT][16];
        DWORD bytes[COUNT];
        HANDLE server, client;
        ASYNC_POOL_IO *io;
        HRESULT hr;
        int i;

        open_pipe(&server, &client);
        io = create_io(server, io_modes[m], NULL);
        for (i = 0; i < COUNT; i++)
        {
            probe_init(&probes[i]);
            hr = AsyncPoolIoRead(io, 0, buffers[i], sizeof(buffers[i]), &bytes[i], &probes[i].context);
            ok(hr == WS_S_ASYNC, "mode %u read %d: expected WS_S_ASYNC, got %#lx\n", m, i, hr);
        }
        close_io(io);
        for (i = 0; i < COUNT; i++)
        {
            /* No waiting: the callbacks must all have run already. */
            ok(probes[i].calls == 1, "mode %u read %d: expected its callback before Close returned, got %ld calls\n",
               m, i, probes[i].calls);
            ok(probes[i].hr == ABORTED_HR, "mode %u read %d: expected %#lx, got %#lx\n", m, i, ABORTED_HR, probes[i].hr);
        }
        Sleep(50);
        for (i = 0; i < COUNT; i++)
        {
            ok(probes[i].calls == 1, "mode %u read %d: expected one callback, got %ld\n", m, i, probes[i].calls);
            probe_free(&probes[i]);
        }
        CloseHandle(client);
        CloseHandle(server);
    }
}

/* Close from inside one of its own completions is refused (it cannot wait for itself); the
 * object stays usable and is closed from outside afterwards. */
static void close_inside_completion(struct probe *probe)
{
    *(HRESULT *)((void **)probe->user)[1] = AsyncPoolIoClose(((void **)probe->user)[0]);
}

TEST(completion_io_close_inside_completion)
{
    HANDLE server, client;
    ASYNC_POOL_IO *io;
    HRESULT hr, close_hr = 0xdeadbeef;
    void *args[2];
    struct probe probe;
    char buffer[8];
    DWORD bytes;

    open_pipe(&server, &client);
    io = create_io(server, 0, NULL);
    args[0] = io;
    args[1] = &close_hr;
    probe_init(&probe);
    probe.user = args;
    probe.also = close_inside_completion;
    hr = AsyncPoolIoRead(io, 0, buffer, sizeof(buffer), &bytes, &probe.context);
    ok(hr == WS_S_ASYNC, "expected WS_S_ASYNC, got %#lx\n", hr);
    ok(WriteFile(client, "x", 1, NULL, NULL) || GetLastError() == ERROR_IO_PENDING, "WriteFile failed: %lu\n",
       GetLastError());
    probe_expect(&probe, hr, S_OK, "read whose callback closes");
    ok(close_hr == WS_E_INVALID_OPERATION, "Close inside its own completion: expected %#lx, got %#lx\n",
       WS_E_INVALID_OPERATION, close_hr);
    probe_free(&probe);
    close_io(io);
    CloseHandle(client);
    CloseHandle(server);
}

/* Write and read back through a WsAsyncExecute series, on a file. */
struct file_job
{
    ASYNC_POOL_IO *io;
    ULONGLONG offset;
    char buffer[4096];
    DWORD bytes;
};

static HRESULT start_chunk_write(void *arg, const WS_ASYNC_CONTEXT *context)
{
    struct file_job *job = arg;
    ULONGLONG offset = job->offset;

    /* The job belongs to the write as soon as it starts: its completion may run the next step
     * on a pool thread before AsyncPoolIoWrite has returned here, so the offset moves first. */
    job->offset += sizeof(job->buffer);
    memset(job->buffer, (int)(offset / sizeof(job->buffer)) + 'A', sizeof(job->buffer));
    return AsyncPoolIoWrite(job->io, offset, job->buffer, sizeof(job->buffer), &job->bytes, context);
}

static HRESULT start_chunk_read(void *arg, const WS_ASYNC_CONTEXT *context)
{
    struct file_job *job = arg;
    return AsyncPoolIoRead(job->io, 1u << 20, job->buffer, sizeof(job->buffer), &job->bytes, context);
}

TEST(completion_io_in_series)
{
    static struct file_job job;
    unsigned int m;

    for (m = 0; m < ARRAYSIZE(io_modes); m++)
    {
        HANDLE file = open_temp_file();
        char expected[4096];
        HRESULT hr;

        job.io = create_io(file, io_modes[m], NULL);
        job.offset = 0;
        op_series_check(start_chunk_write, &job, 4, S_OK, "series of file writes");
        ok(job.bytes == sizeof(job.buffer), "expected %u bytes written, got %lu\n", (unsigned)sizeof(job.buffer), job.bytes);
        /* Two runs of 4 writes: 8 chunks, 'A' to 'H'. */
        hr = AsyncPoolIoRead(job.io, 7 * 4096, job.buffer, sizeof(job.buffer), &job.bytes, NULL);
        memset(expected, 'H', sizeof(expected));
        ok(hr == S_OK && job.bytes == 4096 && !memcmp(job.buffer, expected, 4096),
           "expected chunk 7 to read back as 'H's: hr %#lx, %lu bytes, first '%c'\n", hr, job.bytes, job.buffer[0]);
        op_series_check(start_chunk_read, &job, 3, EOF_HR, "series of reads past the end");
        close_io(job.io);
        CloseHandle(file);
    }
}

TEST(completion_io_errors)
{
    WCHAR dir[MAX_PATH], path[MAX_PATH];
    ASYNC_POOL_IO *io;
    struct probe probe;
    HANDLE file;
    char buffer[16] = "data";
    HRESULT hr;

    /* A handle opened for reading only: writes fail with access denied, in both modes. */
    GetTempPathW(MAX_PATH, dir);
    GetTempFileNameW(dir, L"wsa", 0, path);
    file = CreateFileW(path, GENERIC_READ, FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
                       FILE_FLAG_OVERLAPPED | FILE_FLAG_DELETE_ON_CLOSE, NULL);
    ok(file != INVALID_HANDLE_VALUE, "CreateFile failed: %lu\n", GetLastError());
    io = create_io(file, 0, NULL);
    hr = AsyncPoolIoWrite(io, 0, buffer, 4, NULL, NULL);
    ok(hr == HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED), "synchronous write to a read-only handle: expected %#lx, got %#lx\n",
       HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED), hr);
    probe_init(&probe);
    hr = AsyncPoolIoWrite(io, 0, buffer, 4, NULL, &probe.context);
    probe_expect(&probe, hr, HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED), "asynchronous write to a read-only handle");
    probe_free(&probe);
    close_io(io);
    CloseHandle(file);
}

TEST(completion_io_private_pool)
{
    struct private_pool pool;
    HANDLE server, client;
    ASYNC_POOL_IO *io;
    struct probe probe;
    char buffer[8];
    DWORD bytes;
    HRESULT hr;

    private_pool_init(&pool, 1);
    open_pipe(&server, &client);
    io = create_io(server, 0, &pool.environment);
    probe_init(&probe);
    hr = AsyncPoolIoRead(io, 0, buffer, sizeof(buffer), &bytes, &probe.context);
    ok(hr == WS_S_ASYNC, "expected WS_S_ASYNC, got %#lx\n", hr);
    ok(WriteFile(client, "xyz", 3, NULL, NULL) || GetLastError() == ERROR_IO_PENDING, "WriteFile failed: %lu\n",
       GetLastError());
    probe_expect(&probe, hr, S_OK, "read on a one-thread pool");
    ok(probe.model == WS_SHORT_CALLBACK, "one-thread pool: expected WS_SHORT_CALLBACK, got %d\n", probe.model);
    ok(bytes == 3, "expected 3 bytes, got %lu\n", bytes);
    probe_free(&probe);
    close_io(io);
    CloseHandle(client);
    CloseHandle(server);
    private_pool_done(&pool);
}

TEST(completion_io_bad_input)
{
    WS_ASYNC_CONTEXT no_callback = { NULL, NULL };
    HANDLE file = open_temp_file(), closed;
    ASYNC_POOL_IO *io = (ASYNC_POOL_IO *)0xdeadbeef;
    struct probe probe;
    char buffer[16];
    HRESULT hr;

    ok(AsyncPoolIoCreate(file, NULL, NULL) == E_INVALIDARG, "NULL io pointer: expected E_INVALIDARG\n");
    hr = AsyncPoolIoCreate(NULL, NULL, &io);
    ok(hr == E_INVALIDARG && io == NULL, "NULL handle: expected E_INVALIDARG and NULL, got %#lx, %p\n", hr, (void *)io);
    hr = AsyncPoolIoCreate(INVALID_HANDLE_VALUE, NULL, &io);
    ok(hr == E_INVALIDARG && io == NULL, "INVALID_HANDLE_VALUE: expected E_INVALIDARG, got %#lx\n", hr);
    hr = AsyncPoolIoCreateEx(file, NULL, 0x100, &io);
    ok(hr == E_INVALIDARG && io == NULL, "unknown flag: expected E_INVALIDARG, got %#lx\n", hr);

    probe_init(&probe);  /* before the handle is closed, so its event cannot take the value */
    closed = open_temp_file();
    CloseHandle(closed);
    hr = AsyncPoolIoCreate(closed, NULL, &io);
    ok(hr == HRESULT_FROM_WIN32(ERROR_INVALID_HANDLE) && io == NULL, "closed handle: expected %#lx, got %#lx\n",
       HRESULT_FROM_WIN32(ERROR_INVALID_HANDLE), hr);

    io = create_io(file, 0, NULL);
    probe_expect_refused(&probe, AsyncPoolIoRead(NULL, 0, buffer, 16, NULL, &probe.context), E_INVALIDARG, "read, NULL io");
    probe_expect_refused(&probe, AsyncPoolIoRead(io, 0, NULL, 16, NULL, &probe.context), E_INVALIDARG, "read, NULL buffer");
    probe_expect_refused(&probe, AsyncPoolIoRead(io, 0, buffer, 0, NULL, &probe.context), E_INVALIDARG, "read, zero size");
    probe_expect_refused(&probe, AsyncPoolIoWrite(NULL, 0, buffer, 16, NULL, &probe.context), E_INVALIDARG, "write, NULL io");
    probe_expect_refused(&probe, AsyncPoolIoWrite(io, 0, NULL, 16, NULL, &probe.context), E_INVALIDARG, "write, NULL buffer");
    probe_expect_refused(&probe, AsyncPoolIoWrite(io, 0, buffer, 0, NULL, &probe.context), E_INVALIDARG, "write, zero size");
    probe_expect_refused(&probe, AsyncPoolIoRead(io, 0, NULL, 16, NULL, NULL), E_INVALIDARG, "synchronous read, NULL buffer");
    ok(AsyncPoolIoRead(io, 0, buffer, 16, NULL, &no_callback) == E_INVALIDARG, "read, NULL callback: expected E_INVALIDARG\n");
    ok(AsyncPoolIoWrite(io, 0, buffer, 16, NULL, &no_callback) == E_INVALIDARG, "write, NULL callback: expected E_INVALIDARG\n");
    ok(AsyncPoolIoClose(NULL) == E_INVALIDARG, "Close(NULL): expected E_INVALIDARG\n");
    probe_free(&probe);
    close_io(io);
    CloseHandle(file);
}
