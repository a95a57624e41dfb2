/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * asynccopy: copies a file through WsAsyncExecute series built on the completion primitives'
 * overlapped I/O (AsyncPoolIoRead / AsyncPoolIoWrite), with K chunks in flight, checks every
 * asynchronous copy byte for byte, and compares its speed with a plain ReadFile/WriteFile copy of
 * the same data, measured the way the benchmarks measure (bench/bench.h): one untimed copy of
 * each kind first, then R pairs of timed rounds that alternate which copy goes first, and the
 * median of the pairs' ratios.
 *
 *   asynccopy [--chunks K] [--chunk-size BYTES] [--size BYTES] [--rounds R] [--no-progress]
 *             [input output]
 *
 * With no paths it makes its own input (--size bytes, 256 MiB by default) in a new temporary
 * folder and removes the folder at the end. Sizes take an optional K, M or G suffix (binary).
 * The last line is machine-readable (MB/s are medians over the rounds; ratio is the median of
 * the per-pair ratios async MB/s / sync MB/s):
 *   RESULT asynccopy arch=x64 chunks=K chunk_size=N bytes=N async_mbps=X.X sync_mbps=X.X ratio=X.XXX rounds=R
 */
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>
#include "wsasync.h"

#define DEFAULT_SIZE (256ull << 20)
#define DEFAULT_CHUNK_SIZE (1u << 20)
#define DEFAULT_CHUNKS 4
#define MAX_CHUNKS 64
#define PROGRESS_INTERVAL_MS 250
#define DEFAULT_ROUNDS 9
#define MAX_ROUNDS 101

struct options
{
    unsigned int chunks;
    DWORD chunk_size;
    ULONGLONG size;
    unsigned int rounds;  /* pairs of timed rounds, one copy of each kind per pair */
    BOOL progress;
    const WCHAR *input, *output;
};

/* ------------------------------------------------------------------------------------------ */
/* Messages */

static void print_error(const char *what, const WCHAR *path, DWORD error)
{
    WCHAR message[512];
    DWORD length = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                                  error, 0, message, ARRAYSIZE(message), NULL);

    while (length && (message[length - 1] == '\n' || message[length - 1] == '\r' || message[length - 1] == ' '))
        message[--length] = 0;
    if (!length) swprintf(message, ARRAYSIZE(message), L"error %lu", error);
    if (path) fprintf(stderr, "asynccopy: %s '%ls': %ls (error %lu)\n", what, path, message, error);
    else fprintf(stderr, "asynccopy: %s: %ls (error %lu)\n", what, message, error);
}

/* A failed HRESULT from a completion primitive carries the Windows error (HRESULT_FROM_WIN32). */
static DWORD error_from_hresult(HRESULT hr)
{
    return HRESULT_FACILITY(hr) == FACILITY_WIN32 ? HRESULT_CODE(hr) : (DWORD)hr;
}

static void show_progress(const struct options *options, const char *phase, ULONGLONG done, ULONGLONG total)
{
    if (!options->progress) return;
    fprintf(stderr, "\r%-10s %8.1f / %.1f MiB (%3u%%)", phase, done / 1048576.0, total / 1048576.0,
            total ? (unsigned int)(done * 100 / total) : 100);
    fflush(stderr);
}

static void end_progress(const struct options *options)
{
    if (options->progress) fprintf(stderr, "\n");
}

/* ------------------------------------------------------------------------------------------ */
/* Options */

static BOOL parse_size(const WCHAR *text, ULONGLONG *size)
{
    WCHAR *end;
    ULONGLONG value = wcstoull(text, &end, 10);

    if (end == text) return FALSE;
    switch (*end)
    {
    case 'k': case 'K': value <<= 10; end++; break;
    case 'm': case 'M': value <<= 20; end++; break;
    case 'g': case 'G': value <<= 30; end++; break;
    }
    if (*end == 'i' && end[1] == 'B') end += 2;
    else if (*end == 'B') end++;
    *size = value;
    return !*end;
}

static int usage(void)
{
    fprintf(stderr, "usage: asynccopy [--chunks K] [--chunk-size BYTES] [--size BYTES] [--rounds R] "
                    "[--no-progress] [input output]\n");
    return 2;
}

static BOOL parse_options(int argc, WCHAR **argv, struct options *options)
{
    ULONGLONG value;
    int i, paths = 0;

    options->chunks = DEFAULT_CHUNKS;
    options->chunk_size = DEFAULT_CHUNK_SIZE;
    options->size = DEFAULT_SIZE;
    options->rounds = DEFAULT_ROUNDS;
    options->progress = TRUE;
    options->input = options->output = NULL;
    for (i = 1; i < argc; i++)
    {
        if (!wcscmp(argv[i], L"--no-progress")) options->progress = FALSE;
        else if (!wcscmp(argv[i], L"--chunks") && i + 1 < argc)
        {
            if (!parse_size(argv[++i], &value) || !value || value > MAX_CHUNKS) return FALSE;
            options->chunks = (unsigned int)value;
        }
        else if (!wcscmp(argv[i], L"--chunk-size") && i + 1 < argc)
        {
            if (!parse_size(argv[++i], &value) || !value || value > (1u << 30)) return FALSE;
            options->chunk_size = (DWORD)value;
        }
        else if (!wcscmp(argv[i], L"--rounds") && i + 1 < argc)
        {
            WCHAR *end;
            value = wcstoull(argv[++i], &end, 10);
            if (*end || !value || value > MAX_ROUNDS) return FALSE;
            options->rounds = (unsigned int)value;
        }
        else if (!wcscmp(argv[i], L"--size") && i + 1 < argc)
        {
            if (!parse_size(argv[++i], &value)) return FALSE;
            options->size = value;
        }
        else if (argv[i][0] == '-' && argv[i][1] == '-') return FALSE;
        else if (paths == 0) { options->input = argv[i]; paths++; }
        else if (paths == 1) { options->output = argv[i]; paths++; }
        else return FALSE;
    }
    return paths == 0 || paths == 2;
}

/* ------------------------------------------------------------------------------------------ */
/* The timed copies */

static double seconds_since(LARGE_INTEGER start)
{
    LARGE_INTEGER now, frequency;

    QueryPerformanceCounter(&now);
    QueryPerformanceFrequency(&frequency);
    return (double)(now.QuadPart - start.QuadPart) / (double)frequency.QuadPart;
}

static HANDLE open_input(const WCHAR *path, DWORD flags)
{
    HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                              FILE_FLAG_SEQUENTIAL_SCAN | flags, NULL);
    if (file == INVALID_HANDLE_VALUE) print_error("cannot open input", path, GetLastError());
    return file;
}

static HANDLE create_output(const WCHAR *path, DWORD flags)
{
    HANDLE file = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, flags, NULL);
    if (file == INVALID_HANDLE_VALUE) print_error("cannot create output", path, GetLastError());
    return file;
}

/* The reference: one chunk at a time with ReadFile and WriteFile on ordinary handles. */
static BOOL copy_synchronously(const struct options *options, ULONGLONG size, BYTE *buffer, double *seconds)
{
    HANDLE in = open_input(options->input, 0), out;
    ULONGLONG done = 0;
    DWORD got, put, last_shown = GetTickCount();
    LARGE_INTEGER start;
    BOOL success = TRUE;

    if (in == INVALID_HANDLE_VALUE) return FALSE;
    if ((out = create_output(options->output, 0)) == INVALID_HANDLE_VALUE)
    {
        CloseHandle(in);
        return FALSE;
    }
    QueryPerformanceCounter(&start);
    while (done < size)
    {
        DWORD want = (DWORD)min((ULONGLONG)options->chunk_size, size - done);
        if (!ReadFile(in, buffer, want, &got, NULL) || got != want)
        {
            print_error("read failed in", options->input, got != want ? ERROR_HANDLE_EOF : GetLastError());
            success = FALSE;
            break;
        }
        if (!WriteFile(out, buffer, got, &put, NULL) || put != got)
        {
            print_error("write failed in", options->output, put != got ? ERROR_DISK_FULL : GetLastError());
            success = FALSE;
            break;
        }
        done += got;
        if (GetTickCount() - last_shown >= PROGRESS_INTERVAL_MS)
        {
            show_progress(options, "sync copy", done, size);
            last_shown = GetTickCount();
        }
    }
    *seconds = seconds_since(start);
    show_progress(options, "sync copy", done, size);
    end_progress(options);
    CloseHandle(out);
    CloseHandle(in);
    return success;
}

/* The asynchronous copy: K lanes, each a WsAsyncExecute series that claims the next chunk,
 * reads it, writes it and goes round again until no chunk is left. */
struct async_copy
{
    ASYNC_POOL_IO *in, *out;
    ULONGLONG size;
    DWORD chunk_size;
    LONG64 next_offset;   /* interlocked: the next chunk to claim */
    LONG64 copied;        /* interlocked: bytes written so far */
    LONG failed;          /* interlocked: a lane has failed; the others stop at their next chunk */
    LONG lanes_running;   /* interlocked: the last lane to finish sets `done` */
    HANDLE done;
};

struct lane
{
    struct async_copy *copy;
    WS_ASYNC_STATE state;
    BYTE *buffer;
    ULONGLONG offset;     /* of the chunk this lane is copying */
    DWORD length, got, put;
    HRESULT result;       /* the lane's series result */
    const char *failed_step;
};

static HRESULT CALLBACK lane_read_next(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                       WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                       WS_ERROR *error);

static HRESULT CALLBACK lane_write(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                   WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                   WS_ERROR *error)
{
    struct lane *lane = state;

    (void)model; (void)error;
    if (FAILED(hr)) { lane->failed_step = "read"; return hr; }
    if (lane->got != lane->length)
    {
        lane->failed_step = "read";  /* the input shrank under us */
        return HRESULT_FROM_WIN32(ERROR_HANDLE_EOF);
    }
    next->function = lane_read_next;
    return AsyncPoolIoWrite(lane->copy->out, lane->offset, lane->buffer, lane->length, &lane->put, context);
}

static HRESULT CALLBACK lane_read_next(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                       WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                       WS_ERROR *error)
{
    struct lane *lane = state;
    struct async_copy *copy = lane->copy;
    LONG64 offset;

    (void)model; (void)error;
    if (FAILED(hr)) { lane->failed_step = "write"; return hr; }
    if (lane->put != lane->length)
    {
        lane->failed_step = "write";
        return HRESULT_FROM_WIN32(ERROR_DISK_FULL);
    }
    InterlockedExchangeAdd64(&copy->copied, lane->put);
    if (copy->failed) return S_OK;
    offset = InterlockedExchangeAdd64(&copy->next_offset, copy->chunk_size);
    if ((ULONGLONG)offset >= copy->size) return S_OK;
    lane->offset = offset;
    lane->length = (DWORD)min((ULONGLONG)copy->chunk_size, copy->size - offset);
    next->function = lane_write;
    return AsyncPoolIoRead(copy->in, lane->offset, lane->buffer, lane->length, &lane->got, context);
}

static void lane_finished(struct lane *lane, HRESULT hr)
{
    struct async_copy *copy = lane->copy;

    lane->result = hr;
    if (FAILED(hr)) InterlockedExchange(&copy->failed, 1);
    if (!InterlockedDecrement(&copy->lanes_running)) SetEvent(copy->done);
}

static void CALLBACK lane_done(HRESULT hr, WS_CALLBACK_MODEL model, void *state)
{
    (void)model;
    lane_finished(state, hr);
}

static HRESULT open_async_files(const struct options *options, HANDLE *in, HANDLE *out,
                                struct async_copy *copy, PTP_CALLBACK_ENVIRON environment)
{
    HRESULT hr;

    if ((*in = open_input(options->input, FILE_FLAG_OVERLAPPED)) == INVALID_HANDLE_VALUE) return E_FAIL;
    if ((*out = create_output(options->output, FILE_FLAG_OVERLAPPED)) == INVALID_HANDLE_VALUE) return E_FAIL;
    if (FAILED(hr = AsyncPoolIoCreate(*in, environment, &copy->in)) ||
        FAILED(hr = AsyncPoolIoCreate(*out, environment, &copy->out)))
        print_error("cannot bind the files to the thread pool", NULL, error_from_hresult(hr));
    return hr;
}

static BOOL copy_asynchronously(const struct options *options, ULONGLONG size, BYTE **buffers, double *seconds)
{
    struct async_copy copy = { .size = size, .chunk_size = options->chunk_size };
    struct lane lanes[MAX_CHUNKS];
    WS_ASYNC_CONTEXT context = { lane_done, NULL };
    HANDLE in = INVALID_HANDLE_VALUE, out = INVALID_HANDLE_VALUE;
    LARGE_INTEGER start;
    BOOL success = TRUE;
    unsigned int i;

    copy.done = CreateEventW(NULL, TRUE, FALSE, NULL);
    copy.lanes_running = options->chunks;
    if (SUCCEEDED(open_async_files(options, &in, &out, &copy, NULL)))
    {
        QueryPerformanceCounter(&start);
        for (i = 0; i < options->chunks; i++)
        {
            HRESULT hr;
            lanes[i] = (struct lane){ .copy = &copy, .buffer = buffers[i] };
            context.callbackState = &lanes[i];
            hr = WsAsyncExecute(&lanes[i].state, lane_read_next, WS_SHORT_CALLBACK, &lanes[i], &context, NULL);
            if (hr != WS_S_ASYNC) lane_finished(&lanes[i], hr);  /* completed synchronously */
        }
        while (WaitForSingleObject(copy.done, PROGRESS_INTERVAL_MS) == WAIT_TIMEOUT)
            show_progress(options, "async copy", copy.copied, size);
        *seconds = seconds_since(start);
        show_progress(options, "async copy", copy.copied, size);
        end_progress(options);
        for (i = 0; i < options->chunks; i++)
        {
            if (SUCCEEDED(lanes[i].result)) continue;
            BOOL reading = lanes[i].failed_step && !strcmp(lanes[i].failed_step, "read");
            print_error(reading ? "read failed in" : "write failed in", reading ? options->input : options->output,
                        error_from_hresult(lanes[i].result));
            success = FALSE;
            break;
        }
    }
    else success = FALSE;
    if (copy.out) AsyncPoolIoClose(copy.out);
    if (copy.in) AsyncPoolIoClose(copy.in);
    if (out != INVALID_HANDLE_VALUE) CloseHandle(out);
    if (in != INVALID_HANDLE_VALUE) CloseHandle(in);
    CloseHandle(copy.done);
    return success;
}

/* ------------------------------------------------------------------------------------------ */
/* Input, verification, clean-up */

/* The generated input: a xorshift stream, so that no two chunks are alike and a chunk written
 * at the wrong offset shows in the verification. */
static BOOL make_input(const struct options *options, BYTE *buffer)
{
    HANDLE file = create_output(options->input, 0);
    ULONGLONG done = 0, state = 0x9e3779b97f4a7c15ull;
    DWORD put, i, last_shown = GetTickCount();

    if (file == INVALID_HANDLE_VALUE) return FALSE;
    while (done < options->size)
    {
        DWORD length = (DWORD)min((ULONGLONG)options->chunk_size, options->size - done);
        for (i = 0; i + 8 <= length; i += 8)
        {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            memcpy(buffer + i, &state, 8);
        }
        for (; i < length; i++) buffer[i] = (BYTE)i;
        if (!WriteFile(file, buffer, length, &put, NULL) || put != length)
        {
            print_error("cannot write the generated input", options->input, GetLastError());
            CloseHandle(file);
            return FALSE;
        }
        done += length;
        if (GetTickCount() - last_shown >= PROGRESS_INTERVAL_MS)
        {
            show_progress(options, "make input", done, options->size);
            last_shown = GetTickCount();
        }
    }
    show_progress(options, "make input", done, options->size);
    end_progress(options);
    CloseHandle(file);
    return TRUE;
}

static BOOL verify_copy(const struct options *options, ULONGLONG size, BYTE *a, BYTE *b)
{
    HANDLE in = open_input(options->input, 0), out;
    ULONGLONG done = 0;
    BOOL same = TRUE;
    DWORD got_a, got_b;

    if (in == INVALID_HANDLE_VALUE) return FALSE;
    if ((out = open_input(options->output, 0)) == INVALID_HANDLE_VALUE)
    {
        CloseHandle(in);
        return FALSE;
    }
    for (;;)
    {
        if (!ReadFile(in, a, options->chunk_size, &got_a, NULL) || !ReadFile(out, b, options->chunk_size, &got_b, NULL))
        {
            print_error("cannot read back for verification", NULL, GetLastError());
            same = FALSE;
            break;
        }
        if (got_a != got_b || memcmp(a, b, got_a))
        {
            DWORD i = 0;
            while (i < got_a && i < got_b && a[i] == b[i]) i++;
            fprintf(stderr, "asynccopy: the copy differs from the input at byte %llu\n", done + i);
            same = FALSE;
            break;
        }
        if (!got_a) break;
        done += got_a;
    }
    if (same && done != size)
    {
        fprintf(stderr, "asynccopy: the input changed size during the copy (%llu, now %llu bytes)\n", size, done);
        same = FALSE;
    }
    CloseHandle(out);
    CloseHandle(in);
    return same;
}

static BOOL make_temp_folder(WCHAR *folder, WCHAR *input, WCHAR *output)
{
    WCHAR base[MAX_PATH];

    if (!GetTempPathW(MAX_PATH, base)) return FALSE;
    swprintf(folder, MAX_PATH, L"%lsasynccopy-%lu-%lu", base, GetCurrentProcessId(), GetTickCount());
    if (!CreateDirectoryW(folder, NULL))
    {
        print_error("cannot create a temporary folder", folder, GetLastError());
        return FALSE;
    }
    swprintf(input, MAX_PATH, L"%ls\\input.bin", folder);
    swprintf(output, MAX_PATH, L"%ls\\output.bin", folder);
    return TRUE;
}

/* The median of count values (sorts a copy). */
static double median(const double *values, unsigned int count)
{
    double sorted[MAX_ROUNDS], swap;
    unsigned int i, j;

    memcpy(sorted, values, count * sizeof(*values));
    for (i = 1; i < count; i++)
        for (j = i; j > 0 && sorted[j - 1] > sorted[j]; j--)
        {
            swap = sorted[j]; sorted[j] = sorted[j - 1]; sorted[j - 1] = swap;
        }
    return count % 2 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2;
}

static BYTE *alloc_buffer(DWORD size)
{
    return VirtualAlloc(NULL, size, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
}

int wmain(int argc, WCHAR **argv)
{
    WCHAR folder[MAX_PATH] = L"", input[MAX_PATH], output[MAX_PATH];
    BYTE *buffers[MAX_CHUNKS] = { NULL };
    struct options options;
    double seconds, sync_seconds[MAX_ROUNDS], async_seconds[MAX_ROUNDS];
    double sync_mbps[MAX_ROUNDS], async_mbps[MAX_ROUNDS], ratios[MAX_ROUNDS];
    LARGE_INTEGER file_size;
    BOOL success = FALSE, output_written = FALSE;
    unsigned int i, round, k;
    HANDLE file;

    if (!parse_options(argc, argv, &options)) return usage();
    /* One buffer per chunk in flight, and at least two for the verification. */
    for (i = 0; i < max(options.chunks, 2u); i++)
    {
        if (!(buffers[i] = alloc_buffer(options.chunk_size)))
        {
            print_error("cannot allocate the chunk buffers", NULL, GetLastError());
            goto done;
        }
    }
    if (!options.input)
    {
        if (!make_temp_folder(folder, input, output)) goto done;
        options.input = input;
        options.output = output;
        if (!make_input(&options, buffers[0])) goto done;
    }

    if ((file = open_input(options.input, 0)) == INVALID_HANDLE_VALUE) goto done;
    GetFileSizeEx(file, &file_size);
    CloseHandle(file);
    printf("copying %llu bytes in chunks of %lu bytes, %u in flight\n", (ULONGLONG)file_size.QuadPart,
           options.chunk_size, options.chunks);

    /* Both copies read the same input with the same chunk size into a fresh output file, and
     * neither flushes to disk: both measure what the system takes. One untimed copy of each kind
     * comes first, so that the input is in the page cache and the pool has its threads before
     * anything is timed; then each pair of rounds times one copy of each kind, alternating which
     * goes first, so that neither always finds the caches as the other left them. */
    output_written = TRUE;
    DeleteFileW(options.output);
    if (!copy_synchronously(&options, file_size.QuadPart, buffers[0], &seconds)) goto done;
    DeleteFileW(options.output);
    if (!copy_asynchronously(&options, file_size.QuadPart, buffers, &seconds)) goto done;
    if (!verify_copy(&options, file_size.QuadPart, buffers[0], buffers[1])) goto done;
    for (round = 0; round < options.rounds; round++)
    {
        for (k = 0; k < 2; k++)
        {
            BOOL async = (k == 1) != (round % 2 == 1);

            DeleteFileW(options.output);
            if (!async)
            {
                if (!copy_synchronously(&options, file_size.QuadPart, buffers[0], &sync_seconds[round])) goto done;
                continue;
            }
            if (!copy_asynchronously(&options, file_size.QuadPart, buffers, &async_seconds[round])) goto done;
            if (!verify_copy(&options, file_size.QuadPart, buffers[0], buffers[1])) goto done;
        }
        sync_mbps[round] = file_size.QuadPart / 1e6 / max(sync_seconds[round], 1e-9);
        async_mbps[round] = file_size.QuadPart / 1e6 / max(async_seconds[round], 1e-9);
        ratios[round] = async_mbps[round] / sync_mbps[round];
        printf("round %u of %u (%s first): sync %9.1f MB/s, async %9.1f MB/s, async/sync %.3f\n", round + 1,
               options.rounds, round % 2 ? "async" : "sync", sync_mbps[round], async_mbps[round], ratios[round]);
    }

    printf("sync copy  (ReadFile/WriteFile, 1 chunk at a time):     median %9.1f MB/s\n",
           median(sync_mbps, options.rounds));
    printf("async copy (AsyncPoolIo + WsAsyncExecute, %u in flight): median %9.1f MB/s\n", options.chunks,
           median(async_mbps, options.rounds));
    printf("async/sync: %.3f, the median of %u rounds' ratios (1 = as fast as the synchronous copy, "
           "above 1 = faster)\n", median(ratios, options.rounds), options.rounds);
    printf("verified: every asynchronous copy matches the input byte for byte\n");
    printf("RESULT asynccopy arch=%s chunks=%u chunk_size=%lu bytes=%llu async_mbps=%.1f sync_mbps=%.1f ratio=%.3f rounds=%u\n",
           sizeof(void *) == 8 ? "x64" : "x86", options.chunks, options.chunk_size, (ULONGLONG)file_size.QuadPart,
           median(async_mbps, options.rounds), median(sync_mbps, options.rounds), median(ratios, options.rounds),
           options.rounds);
    success = TRUE;

done:
    /* No half-written output is left behind. */
    if (!success && output_written) DeleteFileW(options.output);
    if (folder[0])
    {
        DeleteFileW(output);
        DeleteFileW(input);
        RemoveDirectoryW(folder);
    }
    for (i = 0; i < MAX_CHUNKS; i++)
        if (buffers[i]) VirtualFree(buffers[i], 0, MEM_RELEASE);
    return success ? 0 : 1;
}
