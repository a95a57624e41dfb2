/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Runs one test of the suite by name (as CTest does), or all of them with no argument, and
 * prints "N passed, N failed" for the checks made. Exits non-zero if any check failed.
 * WSASYNC_TEST_DLL (see test.h) chooses the DLL whose WsAsyncExecute the tests call.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "test.h"

static struct test_case *tests;

#ifdef _WIN32
#undef WsAsyncExecute
HRESULT (WINAPI *test_async_execute)(WS_ASYNC_STATE *, WS_ASYNC_FUNCTION, WS_CALLBACK_MODEL, void *,
                                     const WS_ASYNC_CONTEXT *, WS_ERROR *);

/* Points the suite at the WsAsyncExecute under test (test.h); FALSE if WSASYNC_TEST_DLL names a
 * DLL that cannot be loaded or does not export it. */
static int select_async_execute(void)
{
    const char *name = getenv("WSASYNC_TEST_DLL");
    char path[MAX_PATH];
    HMODULE dll;

    test_async_execute = WsAsyncExecute;
    if (!name || !*name) return 1;
    if (!(dll = LoadLibraryA(name)))
    {
        fprintf(stderr, "WSASYNC_TEST_DLL=%s: LoadLibrary failed, error %lu\n", name, GetLastError());
        return 0;
    }
    test_async_execute = (void *)GetProcAddress(dll, "WsAsyncExecute");
    if (!test_async_execute)
    {
        fprintf(stderr, "WSASYNC_TEST_DLL=%s: no WsAsyncExecute export\n", name);
        return 0;
    }
    if (!GetModuleFileNameA(dll, path, sizeof(path))) strcpy(path, name);
    printf("WsAsyncExecute under test: %s\n", path);
    return 1;
}
#endif
static LONG checks_passed, checks_failed, checks_skipped;

void test_register(struct test_case *test)
{
    test->next = tests;
    tests = test;
}

/* Checks may be made from pool threads, so the counters are interlocked and each message is
 * printed with one call. */
void test_ok(const char *file, int line, int condition, const char *format, ...)
{
    char message[1024];
    va_list args;

    if (condition)
    {
        InterlockedIncrement(&checks_passed);
        return;
    }
    InterlockedIncrement(&checks_failed);
    va_start(args, format);
    vsnprintf(message, sizeof(message), format, args);
    va_end(args);
    fprintf(stderr, "%s:%d: Test failed: %s\n", file, line, message);
    fflush(stderr);
}

void test_skip(const char *file, int line, const char *format, ...)
{
    char message[1024];
    va_list args;

    InterlockedIncrement(&checks_skipped);
    va_start(args, format);
    vsnprintf(message, sizeof(message), format, args);
    va_end(args);
    printf("%s:%d: Tests skipped: %s\n", file, line, message);
    fflush(stdout);
}

static int run(struct test_case *test)
{
    LONG failed_before = checks_failed;

    printf("--- %s\n", test->name);
    fflush(stdout);
    test->run();
    return checks_failed == failed_before;
}

int main(int argc, char **argv)
{
    struct test_case *test;
    int found = 0, i;

    setvbuf(stdout, NULL, _IONBF, 0);
#ifdef _WIN32
    if (!select_async_execute()) return 2;
#endif
    for (test = tests; test; test = test->next)
    {
        int selected = argc < 2;
        for (i = 1; i < argc; i++)
            if (!strcmp(argv[i], test->name)) selected = 1;
        if (!selected) continue;
        found++;
        run(test);
    }
    if (!found)
    {
        fprintf(stderr, "no test matches");
        for (i = 1; i < argc; i++) fprintf(stderr, " %s", argv[i]);
        fprintf(stderr, "\n");
        return 2;
    }
    printf("%ld passed, %ld failed, %ld skipped\n", checks_passed, checks_failed, checks_skipped);
    return checks_failed ? 1 : 0;
}
