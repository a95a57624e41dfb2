/* SPDX-License-Identifier: LGPL-2.1-or-later */
// docs/SPEC.md §1 from C++: the header compiles as C++ with its checks, declares WsAsyncExecute with C
// linkage (the program links against the import library) and the program runs.
#include <wsasync.h>
#include <stdio.h>

static_assert(sizeof(WS_ASYNC_STATE) == 5 * sizeof(void *), "WS_ASYNC_STATE is five pointers");

static HRESULT CALLBACK step(HRESULT hr, WS_CALLBACK_MODEL, void *state, WS_ASYNC_OPERATION *,
                             const WS_ASYNC_CONTEXT *, WS_ERROR *)
{
    ++*static_cast<int *>(state);
    return hr == S_OK ? S_FALSE : E_FAIL;
}

int main()
{
    WS_ASYNC_STATE state;
    int steps = 0;
    HRESULT hr = WsAsyncExecute(&state, step, WS_SHORT_CALLBACK, &steps, nullptr, nullptr);

    if (hr != S_FALSE || steps != 1)
    {
        printf("expected S_FALSE after 1 step, got %#lx after %d\n", hr, steps);
        return 1;
    }
    printf("C++ client: 1 passed, 0 failed\n");
    return 0;
}
