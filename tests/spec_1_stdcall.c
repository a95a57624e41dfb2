/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * docs/SPEC.md §1 on x86: WsAsyncExecute and the callback of the context it hands to steps are stdcall
 * (the callee pops its arguments: 24 and 12 bytes). Each is called here from a few lines of
 * assembly that push the arguments themselves, so the compiler's idea of the convention plays
 * no part, and the stack pointer is compared before and after. On x64 there is one convention.
 */
#include "test.h"

#ifdef __i386__
/* What the assembly pushes: the arguments, then the address to call. Kept in one block whose
 * address sits in a register, because operands addressed relative to %esp move as we push. */
struct stdcall_call
{
    void *args[6];
    void *function;
};

/* Calls call->function with its first `count` arguments (3 or 6) pushed right to left; returns
 * what it returned and sets *moved to how far the stack pointer moved back up meanwhile. */
static long call_stdcall(struct stdcall_call *call, int count, long *moved)
{
    long result, delta;

    if (count == 6)
        __asm__ volatile("movl %%esp, %%esi\n\t"
                         "pushl 20(%%ebx)\n\tpushl 16(%%ebx)\n\tpushl 12(%%ebx)\n\t"
                         "pushl 8(%%ebx)\n\tpushl 4(%%ebx)\n\tpushl 0(%%ebx)\n\t"
                         "call *24(%%ebx)\n\t"
                         "movl %%esp, %%ecx\n\tsubl %%esi, %%ecx\n\tmovl %%esi, %%esp"
                         : "=a"(result), "=c"(delta) : "b"(call) : "esi", "edx", "memory", "cc");
    else
        __asm__ volatile("movl %%esp, %%esi\n\t"
                         "pushl 8(%%ebx)\n\tpushl 4(%%ebx)\n\tpushl 0(%%ebx)\n\t"
                         "call *24(%%ebx)\n\t"
                         "movl %%esp, %%ecx\n\tsubl %%esi, %%ecx\n\tmovl %%esi, %%esp"
                         : "=a"(result), "=c"(delta) : "b"(call) : "esi", "edx", "memory", "cc");
    *moved = delta;
    return result;
}

static long callback_moved = -1;
static LONG callbacks;
static HANDLE callback_done;

static void CALLBACK caller_callback(HRESULT hr, WS_CALLBACK_MODEL model, void *state)
{
    (void)hr; (void)model; (void)state;
    InterlockedIncrement(&callbacks);
    SetEvent(callback_done);
}

/* Completes its own operation by calling the engine's context callback through assembly (on
 * this thread, before returning: the engine defers that completion to the pool). */
static HRESULT CALLBACK asm_completing_step(HRESULT hr, WS_CALLBACK_MODEL model, void *state,
                                            WS_ASYNC_OPERATION *next, const WS_ASYNC_CONTEXT *context,
                                            WS_ERROR *error)
{
    struct stdcall_call call = { { (void *)(LONG_PTR)S_FALSE, (void *)WS_SHORT_CALLBACK, context->callbackState },
                                 (void *)context->callback };

    (void)hr; (void)model; (void)state; (void)next; (void)error;
    call_stdcall(&call, 3, &callback_moved);
    return WS_S_ASYNC;
}
#endif

TEST(spec_1_stdcall_stack_balanced)
{
#ifdef __i386__
    WS_ASYNC_STATE state;
    WS_ASYNC_CONTEXT context = { caller_callback, NULL };
    struct stdcall_call call = { { &state, (void *)asm_completing_step, (void *)WS_SHORT_CALLBACK, NULL,
                                   &context, NULL }, (void *)WsAsyncExecute };
    long moved = -1;
    HRESULT hr;

    callback_done = CreateEventW(NULL, FALSE, FALSE, NULL);
    hr = call_stdcall(&call, 6, &moved);
    ok(hr == WS_S_ASYNC, "expected WS_S_ASYNC, got %#lx\n", hr);
    ok(moved == 0, "WsAsyncExecute: expected the stack pointer back where it was, it moved by %ld\n", moved);
    ok(WaitForSingleObject(callback_done, 60000) == WAIT_OBJECT_0, "expected the caller's callback\n");
    ok(callbacks == 1, "expected one callback, got %ld\n", callbacks);
    ok(callback_moved == 0, "the steps' context callback: expected the stack pointer back where it was, "
       "it moved by %ld\n", callback_moved);

    /* Synchronous mode and bad arguments pop their 24 bytes too. */
    call.args[4] = NULL;
    call.args[1] = NULL;
    hr = call_stdcall(&call, 6, &moved);
    ok(hr == S_OK && moved == 0, "no operation: expected S_OK and no move, got %#lx and %ld\n", hr, moved);
    call.args[0] = NULL;
    hr = call_stdcall(&call, 6, &moved);
    ok(hr == E_INVALIDARG && moved == 0, "bad argument: expected E_INVALIDARG and no move, got %#lx and %ld\n", hr, moved);
    CloseHandle(callback_done);
#else
    skip("x64 has one calling convention\n");
#endif
}
