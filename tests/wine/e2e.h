/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared by the end-to-end programs of tests/wine/: failure reports that name the row of the
 * table of Wine bugs (docs/WINE.md, issue 12) a failure comes from, a watchdog that ends a hung
 * program, and a TCP listener on a free port of 127.0.0.1.
 *
 * A failure prints one line "FAILED at <what> <hr>: row <n> (<why>)" when the call and its
 * result are the known symptom of a row, or "...: no known row" otherwise. The exit code is 0
 * when nothing failed, 1 when something did and 3 when the watchdog fired.
 */
#ifndef WSASYNC_E2E_H
#define WSASYNC_E2E_H

#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <webservices.h>
#include "wsasync.h"

#define ROW_NONE 0

static volatile LONG e2e_failures;
static const char *volatile e2e_phase = "start";  /* what the program is doing, for the watchdog */
static int e2e_watchdog_row = ROW_NONE;             /* the row a hang in that phase points to */

static const char *e2e_row_text(int row)
{
    switch (row)
    {
    case 1: return "a completion's synchronous call on its own channel deadlocks";
    case 2: return "a header set by WsSetHeader cannot be written in binary encoding";
    case 3: return "closing a TCP session sends no End record: no WS_S_END";
    case 4: return "WsFlushWriter on buffer output fails";
    case 5: return "WsFillReader on buffer input rewinds the reader";
    case 6: return "WsReadElement with WS_READ_OPTIONAL_POINTER fails at the end element";
    case 7: return "64-bit integers in binary encoding cannot be read";
    case 8: return "WsCreateMessageForChannel rejects WS_MESSAGE_PROPERTY_HEAP_PROPERTIES";
    case 9: return "text encoding over net.tcp";
    case 10: return "a listener serves one WsAcceptChannel at a time";
    case 11: return "WsCreateFaultFromError is a stub";
    case 12: return "SOAP 1.2 faults cannot be read";
    case 13: return "a WS_FAULT_TYPE body cannot be written";
    case 14: return "a received fault is not reported as WS_E_ENDPOINT_FAULT_RECEIVED";
    default: return NULL;
    }
}

/* Reports one failure; row is the row whose symptom this is, or ROW_NONE. */
static void e2e_fail(const char *what, HRESULT hr, int row)
{
    const char *text = e2e_row_text(row);

    InterlockedIncrement(&e2e_failures);
    if (text) printf("FAILED at %s 0x%08lx: row %d (%s)\n", what, (unsigned long)hr, row, text);
    else printf("FAILED at %s 0x%08lx: no known row\n", what, (unsigned long)hr);
    fflush(stdout);
}

static void e2e_phase_set(const char *phase, int row_if_hung)
{
    e2e_watchdog_row = row_if_hung;
    e2e_phase = phase;
}

/* Reports a hang: what did not happen in time, and the phase the program was in. Returns the
 * exit code for it. */
static int e2e_hung(const char *what)
{
    const char *text = e2e_row_text(e2e_watchdog_row);

    InterlockedIncrement(&e2e_failures);
    if (text) printf("FAILED: %s, during %s: row %d (%s)\n", what, e2e_phase, e2e_watchdog_row, text);
    else printf("FAILED: %s, during %s: no known row\n", what, e2e_phase);
    fflush(stdout);
    return 3;
}

/* Waits for the given threads. Returns 0 once they have all ended; otherwise the exit code: 1
 * when they still wait 5 s after a failure was reported (a side that failed left its peer
 * waiting: the failure above is the cause), 3 when they did not end within the timeout. */
static int e2e_wait_threads(DWORD count, const HANDLE *threads, DWORD timeout_ms, const char *what)
{
    DWORD waited = 0, failed_at = 0;
    char text[160];

    for (;;)
    {
        if (WaitForMultipleObjects(count, threads, TRUE, 500) == WAIT_OBJECT_0) return 0;
        waited += 500;
        if (e2e_failures && !failed_at) failed_at = waited;
        if (failed_at && waited - failed_at >= 5000)
        {
            printf("FAILED: %s still running 5 s after the failure above\n", what);
            return 1;
        }
        if (waited >= timeout_ms)
        {
            snprintf(text, sizeof(text), "%s did not finish within %lu s", what, (unsigned long)timeout_ms / 1000);
            return e2e_hung(text);
        }
    }
}

static DWORD WINAPI e2e_watchdog_thread(void *param)
{
    DWORD seconds = (DWORD)(INT_PTR)param;
    char what[64];

    Sleep(seconds * 1000);
    snprintf(what, sizeof(what), "no end within %lu s (watchdog)", (unsigned long)seconds);
    ExitProcess(e2e_hung(what));
    return 0;
}

/* Ends the process with exit code 3 unless it has ended within the given time. */
static void e2e_start_watchdog(DWORD seconds)
{
    HANDLE thread = CreateThread(NULL, 0, e2e_watchdog_thread, (void *)(INT_PTR)seconds, 0, NULL);
    if (thread) CloseHandle(thread);
}

/* A crash (an unimplemented function of Wine's, say) ends the program with a report, not a
 * dialog. Wine raises EXCEPTION_WINE_STUB (0x80000100) for a call to an unimplemented function;
 * its first parameter is the DLL name, its second the function name. */
static LONG WINAPI e2e_crash_filter(EXCEPTION_POINTERS *info)
{
    const EXCEPTION_RECORD *record = info->ExceptionRecord;

    if (record->ExceptionCode == 0x80000100 && record->NumberParameters >= 2)
    {
        const char *function = (const char *)record->ExceptionInformation[1];
        int row = function && !strcmp(function, "WsCreateFaultFromError") ? 11 : ROW_NONE;
        char what[160];

        snprintf(what, sizeof(what), "a call to the unimplemented %s.%s",
                 (const char *)record->ExceptionInformation[0], function ? function : "?");
        e2e_fail(what, E_NOTIMPL, row);
    }
    else
    {
        printf("FAILED: exception 0x%08lx during %s: no known row\n", (unsigned long)record->ExceptionCode,
               e2e_phase);
        fflush(stdout);
    }
    ExitProcess(1);
    return EXCEPTION_EXECUTE_HANDLER;
}

static void e2e_init(DWORD watchdog_seconds)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
    SetUnhandledExceptionFilter(e2e_crash_filter);
    e2e_start_watchdog(watchdog_seconds);
}

/* Opens a TCP listener on a free port of 127.0.0.1 (tried from one derived from the process
 * id, so that the builds of both arches can run at once); url_chars receives its URL. */
static HRESULT e2e_open_listener(WS_LISTENER *listener, WCHAR *url_chars, ULONG url_size, WS_STRING *url)
{
    HRESULT hr = E_FAIL;
    int attempt;

    for (attempt = 0; attempt < 20; attempt++)
    {
        int port = 20000 + (int)((GetCurrentProcessId() * 7 + attempt * 101) % 30000);
        swprintf(url_chars, url_size, L"net.tcp://127.0.0.1:%d/", port);
        url->chars = url_chars;
        url->length = (ULONG)wcslen(url_chars);
        if ((hr = WsOpenListener(listener, url, NULL, NULL)) == S_OK) break;
        WsResetListener(listener, NULL);
    }
    return hr;
}

#endif /* WSASYNC_E2E_H */
