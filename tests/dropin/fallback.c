/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The drop-in's fallback for a function the system DLL lacks, with a build of the drop-in
 * (bin/fallback/webservices.dll) that forwards to fallback_target.dll beside it, which exports
 * WsCreateError alone. A forwarded call must reach the target with its arguments; a missing
 * function must return E_NOTIMPL and, on x86, pop exactly its stdcall arguments.
 */
#include <windows.h>
#include <webservices.h>
#include "test.h"

#if defined(__i386__)
/* Calls fn with `words` zero arguments pushed, as a stdcall caller does, and returns how far
 * the stack pointer moved across the call: 0 when the callee popped exactly its arguments. */
static LONG stack_imbalance(void *fn, int words, HRESULT *result)
{
    LONG before, after;
    HRESULT hr;

    /* Registers only: the stack moves under the asm. ebx keeps fn across the call (stdcall
     * callees preserve it); eax, ecx and edx are the callee's to clobber. */
    __asm__ volatile(
        "movl %%esp, %%esi\n"
        "1:\n\t"
        "testl %%ecx, %%ecx\n\t"
        "jz 2f\n\t"
        "pushl $0\n\t"
        "decl %%ecx\n\t"
        "jmp 1b\n"
        "2:\n\t"
        "call *%%ebx\n\t"
        "movl %%esp, %%edi\n\t"
        "movl %%esi, %%esp\n\t"
        : "=a"(hr), "=&S"(before), "=&D"(after), "+c"(words)
        : "b"(fn)
        : "edx", "memory", "cc");
    *result = hr;
    return after - before;
}
#endif

TEST(dropin_fallback_for_missing_functions)
{
    WS_ERROR *error = NULL;
    WS_HEAP *heap = (WS_HEAP *)1;
    HRESULT hr;

    /* Forwarded to the target, arguments untouched. */
    hr = WsCreateError(NULL, 41, &error);
    ok(hr == (HRESULT)0x0badf00d && error == (WS_ERROR *)42,
       "WsCreateError: expected the target's 0x0badf00d and 42, got %#lx and %p\n", hr, error);

    /* Missing from the target: E_NOTIMPL, nothing written. */
    hr = WsCreateHeap(1 << 16, 0, NULL, 0, &heap, NULL);
    ok(hr == E_NOTIMPL && heap == (WS_HEAP *)1, "WsCreateHeap: expected E_NOTIMPL, untouched heap, got %#lx, %p\n",
       hr, heap);
    WsFreeError(NULL);  /* returns nothing: it must simply return */
    hr = WsAsyncExecute(NULL, NULL, WS_SHORT_CALLBACK, NULL, NULL, NULL);
    ok(hr == E_INVALIDARG, "WsAsyncExecute (ours): expected E_INVALIDARG, got %#lx\n", hr);

#if defined(__i386__)
    {
        static const struct { const char *name; int words; } missing[] =
        {
            { "WsFreeError", 1 }, { "WsCreateHeap", 6 }, { "WsReceiveMessage", 12 },
            { "WsRequestReply", 14 }, { "WsCreateServiceEndpointFromTemplate", 14 },
        };
        HMODULE dropin = GetModuleHandleW(L"webservices.dll");
        unsigned int i;

        for (i = 0; i < ARRAYSIZE(missing); i++)
        {
            void *fn = (void *)GetProcAddress(dropin, missing[i].name);
            LONG moved;

            ok(fn != NULL, "%s: expected an export\n", missing[i].name);
            if (!fn) continue;
            moved = stack_imbalance(fn, missing[i].words, &hr);
            ok(hr == E_NOTIMPL, "%s: expected E_NOTIMPL, got %#lx\n", missing[i].name, hr);
            ok(moved == 0, "%s: expected the stack balanced after %d arguments, moved by %ld bytes\n",
               missing[i].name, missing[i].words, moved);
        }
    }
#endif
}
