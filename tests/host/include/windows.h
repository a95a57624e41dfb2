/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The few Windows types and macros that src/engine.c, include/wsasync.h and the test sources
 * use, so that the engine core and its tests build on Linux for the sanitizer and fuzzing runs
 * (ci/host.sh). It declares nothing the engine does not need beyond the two helpers the tests
 * call (InterlockedIncrement, Sleep). Windows' LONG is 32-bit; here it is the host's long so
 * that the tests' "%ld"/"%lx" formats stay right. HRESULT values are the same 32-bit codes.
 */
#ifndef WSASYNC_HOST_WINDOWS_H
#define WSASYNC_HOST_WINDOWS_H

#include <stddef.h>
#include <time.h>

typedef long LONG;
typedef unsigned long ULONG;
typedef unsigned int DWORD;
typedef int BOOL;
typedef LONG HRESULT;
typedef unsigned long long ULONGLONG;
/* Named by the completion primitives' declarations in wsasync.h, which the host does not build. */
typedef void *HANDLE;
typedef struct _TP_CALLBACK_ENVIRON_V3 *PTP_CALLBACK_ENVIRON;

#define TRUE 1
#define FALSE 0
#define CALLBACK
#define WINAPI

#define S_OK           ((HRESULT)0x00000000L)
#define S_FALSE        ((HRESULT)0x00000001L)
#define E_FAIL         ((HRESULT)0x80004005L)
#define E_UNEXPECTED   ((HRESULT)0x8000FFFFL)
#define E_INVALIDARG   ((HRESULT)0x80070057L)
#define E_OUTOFMEMORY  ((HRESULT)0x8007000EL)
#define E_ACCESSDENIED ((HRESULT)0x80070005L)

#define C_ASSERT(e) _Static_assert(e, #e)
#define FIELD_OFFSET(type, field) ((LONG)offsetof(type, field))

static inline LONG InterlockedIncrement(LONG volatile *value)
{
    return __atomic_add_fetch(value, 1, __ATOMIC_SEQ_CST);
}

static inline void Sleep(DWORD ms)
{
    struct timespec delay = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&delay, NULL);
}

#endif /* WSASYNC_HOST_WINDOWS_H */
