/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The series harness's platform under Wine: inner operations are Windows thread-pool callbacks
 * (TrySubmitThreadpoolCallback), waits are an SRW lock and a condition variable.
 *
 * Fault injection, without any test hook in the shipped DLL: stress_platform_init() rewrites
 * wsasync.dll's import address table in this process so that its HeapAlloc and
 * TrySubmitThreadpoolCallback (and those of a DLL under test, WSASYNC_TEST_DLL: malloc and
 * TrySubmitThreadpoolCallback) go through the functions below. They call the real ones unless
 * the calling thread asked for its next deferral to fail (a TLS value set by the step just
 * before it returns to the engine, which defers on that same thread straight after); then they
 * fail once, as an exhausted heap or a pool out of resources would.
 */
#include <stdlib.h>
#include <string.h>
#include "stress_platform.h"
#include "test.h"

/* The pool decides with CallbackMayRunLong where the engine defers (engine_pool.c). */
const int stress_pool_model = STRESS_MODEL_ANY;

static DWORD refusal_slot = TLS_OUT_OF_INDEXES;
static LONG refused;
static LPVOID (WINAPI *real_heap_alloc)(HANDLE heap, DWORD flags, SIZE_T size);
static BOOL (WINAPI *real_try_submit)(PTP_SIMPLE_CALLBACK callback, void *context, PTP_CALLBACK_ENVIRON environment);

/* Takes the calling thread's pending refusal if it is `how`; keeps the last error as it was. */
static int take_refusal(enum stress_refusal how)
{
    DWORD last_error = GetLastError();
    int refuse = (uintptr_t)TlsGetValue(refusal_slot) == (uintptr_t)how + 1;

    if (refuse)
    {
        TlsSetValue(refusal_slot, NULL);
        InterlockedIncrement(&refused);
    }
    SetLastError(last_error);
    return refuse;
}

static LPVOID WINAPI refusing_heap_alloc(HANDLE heap, DWORD flags, SIZE_T size)
{
    if (!take_refusal(STRESS_REFUSE_ALLOCATION)) return real_heap_alloc(heap, flags, size);
    SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return NULL;
}

/* The same for a DLL under test (WSASYNC_TEST_DLL) that allocates with the C runtime. */
static void *(__cdecl *real_malloc)(size_t size);

static void *__cdecl refusing_malloc(size_t size)
{
    if (!take_refusal(STRESS_REFUSE_ALLOCATION)) return real_malloc(size);
    return NULL;
}

static BOOL WINAPI refusing_try_submit(PTP_SIMPLE_CALLBACK callback, void *context, PTP_CALLBACK_ENVIRON environment)
{
    if (!take_refusal(STRESS_REFUSE_SUBMISSION)) return real_try_submit(callback, context, environment);
    SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return FALSE;
}

/* Points module's import of dll!name at hook; stores the address it had in *original. */
static int patch_import(HMODULE module, const char *dll, const char *name, void *hook, void **original)
{
    BYTE *base = (BYTE *)module;
    IMAGE_NT_HEADERS *nt = (IMAGE_NT_HEADERS *)(base + ((IMAGE_DOS_HEADER *)base)->e_lfanew);
    IMAGE_DATA_DIRECTORY *imports = &nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_IMPORT];
    IMAGE_IMPORT_DESCRIPTOR *descriptor;

    if (!imports->VirtualAddress) return 0;
    for (descriptor = (IMAGE_IMPORT_DESCRIPTOR *)(base + imports->VirtualAddress); descriptor->Name; descriptor++)
    {
        IMAGE_THUNK_DATA *names, *addresses;

        if (_stricmp((const char *)(base + descriptor->Name), dll) || !descriptor->OriginalFirstThunk) continue;
        names = (IMAGE_THUNK_DATA *)(base + descriptor->OriginalFirstThunk);
        addresses = (IMAGE_THUNK_DATA *)(base + descriptor->FirstThunk);
        for (; names->u1.AddressOfData; names++, addresses++)
        {
            IMAGE_IMPORT_BY_NAME *by_name;
            DWORD protection;

            if (IMAGE_SNAP_BY_ORDINAL(names->u1.Ordinal)) continue;
            by_name = (IMAGE_IMPORT_BY_NAME *)(base + names->u1.AddressOfData);
            if (strcmp((const char *)by_name->Name, name)) continue;
            if (!VirtualProtect(&addresses->u1.Function, sizeof(addresses->u1.Function), PAGE_READWRITE, &protection))
                return 0;
            *original = (void *)addresses->u1.Function;
            addresses->u1.Function = (ULONG_PTR)hook;
            VirtualProtect(&addresses->u1.Function, sizeof(addresses->u1.Function), protection, &protection);
            return 1;
        }
    }
    return 0;
}

int stress_platform_init(void)
{
    HMODULE dll = GetModuleHandleA("wsasync.dll"), engine = NULL;

    if (refusal_slot != TLS_OUT_OF_INDEXES) return 1;  /* already installed */
    if (!dll || (refusal_slot = TlsAlloc()) == TLS_OUT_OF_INDEXES) return 0;
    if (!patch_import(dll, "kernel32.dll", "HeapAlloc", (void *)refusing_heap_alloc, (void **)&real_heap_alloc) ||
        !patch_import(dll, "kernel32.dll", "TrySubmitThreadpoolCallback", (void *)refusing_try_submit,
                      (void **)&real_try_submit))
        return 0;
    /* WsAsyncExecute from another DLL (such as Wine's webservices.dll): its deferrals too. */
    if (!GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                            (const char *)test_async_execute, &engine))
        return 0;
    if (engine == dll) return 1;
    return patch_import(engine, "kernel32.dll", "TrySubmitThreadpoolCallback", (void *)refusing_try_submit,
                        (void **)&real_try_submit) &&
           (patch_import(engine, "ucrtbase.dll", "malloc", (void *)refusing_malloc, (void **)&real_malloc) ||
            patch_import(engine, "msvcrt.dll", "malloc", (void *)refusing_malloc, (void **)&real_malloc));
}

static void CALLBACK run_op(PTP_CALLBACK_INSTANCE instance, void *param)
{
    struct stress_op *op = param;

    (void)instance;
    op->run(op);
}

int stress_start(struct stress_op *op)
{
    unsigned int tries;

    for (tries = 0; tries < 1000; tries++)
    {
        if (TrySubmitThreadpoolCallback(run_op, op, NULL)) return 1;
        Sleep(1);
    }
    return 0;
}

void stress_yield(void)
{
    SwitchToThread();
}

void stress_sleep_ms(unsigned int ms)
{
    Sleep(ms);
}

uintptr_t stress_thread_id(void)
{
    return GetCurrentThreadId();
}

void stress_fail_next(enum stress_refusal how)
{
    TlsSetValue(refusal_slot, (void *)((uintptr_t)how + 1));
}

long stress_faults_injected(void)
{
    return InterlockedCompareExchange(&refused, 0, 0);
}

struct stress_signal
{
    SRWLOCK lock;
    CONDITION_VARIABLE cond;
    int set;
};

struct stress_signal *stress_signal_create(void)
{
    struct stress_signal *signal = calloc(1, sizeof(*signal));

    if (!signal) return NULL;
    InitializeSRWLock(&signal->lock);
    InitializeConditionVariable(&signal->cond);
    return signal;
}

void stress_signal_destroy(struct stress_signal *signal)
{
    free(signal);
}

void stress_signal_reset(struct stress_signal *signal)
{
    AcquireSRWLockExclusive(&signal->lock);
    signal->set = 0;
    ReleaseSRWLockExclusive(&signal->lock);
}

void stress_signal_set(struct stress_signal *signal)
{
    AcquireSRWLockExclusive(&signal->lock);
    signal->set = 1;
    WakeConditionVariable(&signal->cond);
    ReleaseSRWLockExclusive(&signal->lock);
}

int stress_signal_wait(struct stress_signal *signal, unsigned int timeout_ms)
{
    ULONGLONG deadline = GetTickCount64() + timeout_ms;
    int set;

    AcquireSRWLockExclusive(&signal->lock);
    while (!signal->set)
    {
        ULONGLONG now = GetTickCount64();
        if (now >= deadline) break;
        SleepConditionVariableSRW(&signal->cond, &signal->lock, (DWORD)(deadline - now), 0);
    }
    set = signal->set;
    ReleaseSRWLockExclusive(&signal->lock);
    return set;
}

struct thread_start
{
    void (*fn)(void *arg, int index);
    void *arg;
    int index;
};

static DWORD WINAPI run_indexed(void *param)
{
    struct thread_start *start = param;

    start->fn(start->arg, start->index);
    return 0;
}

int stress_run_threads(int count, void (*fn)(void *arg, int index), void *arg)
{
    HANDLE *threads = calloc(count, sizeof(*threads));
    struct thread_start *starts = calloc(count, sizeof(*starts));
    int i, started = 0;

    if (!threads || !starts)
    {
        free(threads);
        free(starts);
        return 0;
    }
    for (i = 0; i < count; i++)
    {
        starts[i].fn = fn;
        starts[i].arg = arg;
        starts[i].index = i;
        if (!(threads[i] = CreateThread(NULL, 0, run_indexed, &starts[i], 0, NULL))) break;
        started++;
    }
    for (i = 0; i < started; i++)
    {
        WaitForSingleObject(threads[i], INFINITE);
        CloseHandle(threads[i]);
    }
    free(threads);
    free(starts);
    return started == count;
}

uint64_t stress_now_ms(void)
{
    return GetTickCount64();
}
