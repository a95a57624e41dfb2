/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * docs/SPEC.md §1: the sizes and layout Microsoft's webservices.h gives, as literal numbers per arch
 * (the header itself checks them against the pointer size; these state the numbers).
 */
#include "test.h"
#include <stddef.h>

#ifdef _WIN64
#define PTR 8
#else
#define PTR 4
#endif

_Static_assert(sizeof(WS_ASYNC_STATE) == (PTR == 8 ? 40 : 20), "WS_ASYNC_STATE: 40 bytes on x64, 20 on x86");
_Static_assert(sizeof(WS_ASYNC_CONTEXT) == (PTR == 8 ? 16 : 8), "WS_ASYNC_CONTEXT: 16 bytes on x64, 8 on x86");
_Static_assert(sizeof(WS_ASYNC_OPERATION) == PTR, "WS_ASYNC_OPERATION: one pointer");
_Static_assert(offsetof(WS_ASYNC_CONTEXT, callbackState) == PTR, "callbackState follows callback");
_Static_assert(WS_SHORT_CALLBACK == 0 && WS_LONG_CALLBACK == 1, "WS_CALLBACK_MODEL values");

TEST(spec_1_sizes_and_codes)
{
    ok(sizeof(WS_ASYNC_STATE) == 5 * PTR, "expected WS_ASYNC_STATE of %d bytes, got %u\n", 5 * PTR, (unsigned)sizeof(WS_ASYNC_STATE));
    ok(sizeof(WS_ASYNC_CONTEXT) == 2 * PTR, "expected WS_ASYNC_CONTEXT of %d bytes, got %u\n", 2 * PTR, (unsigned)sizeof(WS_ASYNC_CONTEXT));
    ok(WS_S_ASYNC == 0x003D0000, "expected WS_S_ASYNC 0x3d0000, got %#lx\n", WS_S_ASYNC);
    ok(WS_S_END == 0x003D0001, "expected WS_S_END 0x3d0001, got %#lx\n", WS_S_END);
    ok(WS_E_INVALID_OPERATION == (HRESULT)0x803D0003, "expected WS_E_INVALID_OPERATION 0x803d0003, got %#lx\n", WS_E_INVALID_OPERATION);
}
