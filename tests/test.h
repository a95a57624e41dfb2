/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The conformance suite's tiny test harness, in the manner of Wine's tests: ok() states a
 * condition and, when it fails, prints where and the message (which should show the value
 * expected and the value seen). Each TEST(name) is a separate CTest test: CMake reads the
 * names from the sources, and the runner runs the test its first argument names.
 */
#ifndef WSASYNC_TEST_H
#define WSASYNC_TEST_H

#include <stdio.h>
#include <string.h>
#include "wsasync.h"

struct test_case
{
    const char *name;
    void (*run)(void);
    struct test_case *next;
};

void test_register(struct test_case *test);
void test_ok(const char *file, int line, int condition, const char *format, ...)
    __attribute__((format(printf, 4, 5)));
void test_skip(const char *file, int line, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* On Windows the suite calls WsAsyncExecute through a pointer that runner.c sets before any test
 * runs: by default to the function the program is linked with, or, if the environment variable
 * WSASYNC_TEST_DLL names a DLL (a name or a path), to that DLL's export. So the same tests can
 * check any DLL that exports WsAsyncExecute, such as a patched Wine webservices.dll. The AsyncPool*
 * primitives are always wsasync.dll's. */
#ifdef _WIN32
extern HRESULT (WINAPI *test_async_execute)(WS_ASYNC_STATE *, WS_ASYNC_FUNCTION, WS_CALLBACK_MODEL, void *,
                                            const WS_ASYNC_CONTEXT *, WS_ERROR *);
#define WsAsyncExecute test_async_execute
#endif

#define ok(condition, ...) test_ok(__FILE__, __LINE__, !!(condition), __VA_ARGS__)
#define skip(...) test_skip(__FILE__, __LINE__, __VA_ARGS__)

/* TEST(name) { ... } defines a test; the name must be unique across the suite. */
#define TEST(name)                                                                   \
    static void test_##name(void);                                                   \
    static struct test_case test_case_##name = { #name, test_##name, NULL };         \
    static void __attribute__((constructor)) test_register_##name(void)              \
    {                                                                                \
        test_register(&test_case_##name);                                            \
    }                                                                                \
    static void test_##name(void)

#endif /* WSASYNC_TEST_H */
