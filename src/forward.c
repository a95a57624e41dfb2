/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Forwarding of the drop-in webservices.dll's exports to the system's webservices.dll.
 *
 * Each forwarded export is a tail jump through a slot (generated from def/webservices.def by
 * cmake/forwarders.cmake): it never touches the caller's arguments, so the forwarding cannot
 * get an argument list or a calling convention wrong. Every slot first points to a resolver
 * entry that lands here; the first call resolves all slots at once, under an INIT_ONCE, from
 * the webservices.dll of the system directory, loaded by its full path. A function that DLL
 * lacks gets its fallback, which returns E_NOTIMPL and pops the export's arguments on x86.
 *
 * The system DLL stays loaded for the life of the process: forwarded calls may be running on
 * other threads whenever this DLL could release it.
 */
#include <string.h>
#include <wchar.h>
#include "forward.h"

#define WIDEN_(s) L##s
#define WIDEN(s) WIDEN_(s)

static INIT_ONCE resolve_once = INIT_ONCE_STATIC_INIT;
static HMODULE target;  /* written once inside resolve_once, read after it */

static HMODULE self_module(void)
{
    HMODULE self = NULL;

    GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                       (const WCHAR *)self_module, &self);
    return self;
}

/* The full path of the DLL to forward to: the system directory's webservices.dll, or, in the
 * build of the fallback test, a file of the given name beside this DLL. */
static BOOL target_path(WCHAR *path, DWORD size)
{
#ifdef WSASYNC_FORWARD_TARGET_BESIDE
    static const WCHAR name[] = WIDEN(WSASYNC_FORWARD_TARGET_BESIDE);
    DWORD len = GetModuleFileNameW(self_module(), path, size);
    WCHAR *slash;

    if (!len || len >= size) return FALSE;
    if (!(slash = wcsrchr(path, '\\'))) return FALSE;
    len = slash + 1 - path;
#else
    static const WCHAR name[] = L"webservices.dll";
    UINT len = GetSystemDirectoryW(path, size);

    if (!len || len >= size) return FALSE;
    if (path[len - 1] != '\\') path[len++] = '\\';
#endif
    if (len + ARRAYSIZE(name) > size) return FALSE;
    memcpy(path + len, name, sizeof(name));
    return TRUE;
}

/* Loads the DLL to forward to by its full path. It has this DLL's base name, so the loader
 * could hand back this very module (a loader that matches loaded modules by base name, or this
 * file installed as the system's own): forwarding to ourselves would loop, so that counts as
 * no system DLL at all. */
static HMODULE load_target(void)
{
    WCHAR path[MAX_PATH + 32];
    HMODULE module;

    if (!target_path(path, ARRAYSIZE(path))) return NULL;
    if (!(module = LoadLibraryExW(path, NULL, 0))) return NULL;
    if (module == self_module())
    {
        FreeLibrary(module);
        return NULL;
    }
    return module;
}

static BOOL CALLBACK resolve_all(INIT_ONCE *once, void *param, void **context)
{
    DWORD last_error = GetLastError();  /* the first forwarded call should not see it change */
    unsigned int i;

    (void)once; (void)param; (void)context;
    target = load_target();
    for (i = 0; i < forward_count; i++)
    {
        void *proc = target ? (void *)GetProcAddress(target, forward_names[i]) : NULL;
        forward_slots[i] = proc ? proc : forward_fallbacks[i];
    }
    SetLastError(last_error);
    return TRUE;
}

void *__cdecl forward_resolve(unsigned int index)
{
    InitOnceExecuteOnce(&resolve_once, resolve_all, NULL, NULL);
    return forward_slots[index];
}

/* The common part of the resolver entries: eax holds the export's index, the stack and the
 * argument registers hold the caller's call untouched. It calls forward_resolve, restores
 * what the call may have clobbered of the caller's arguments, and jumps on as the export
 * would have. No WWSAPI export takes floating-point arguments, so only the integer argument
 * registers need keeping on x64. */
#if defined(__x86_64__)
__asm__(
    ".text\n"
    "    .globl forward_resolve_common\n"
    "    .def forward_resolve_common; .scl 2; .type 32; .endef\n"
    "    .seh_proc forward_resolve_common\n"
    "forward_resolve_common:\n"
    "    pushq %rcx\n"
    "    .seh_pushreg %rcx\n"
    "    pushq %rdx\n"
    "    .seh_pushreg %rdx\n"
    "    pushq %r8\n"
    "    .seh_pushreg %r8\n"
    "    pushq %r9\n"
    "    .seh_pushreg %r9\n"
    "    subq $40, %rsp\n"           /* shadow space, and rsp back to a multiple of 16 */
    "    .seh_stackalloc 40\n"
    "    .seh_endprologue\n"
    "    movl %eax, %ecx\n"
    "    call forward_resolve\n"
    "    addq $40, %rsp\n"
    "    popq %r9\n"
    "    popq %r8\n"
    "    popq %rdx\n"
    "    popq %rcx\n"
    "    jmp *%rax\n"
    "    .seh_endproc\n");
#elif defined(__i386__)
__asm__(
    ".text\n"
    "    .globl forward_resolve_common\n"
    "forward_resolve_common:\n"
    "    pushl %eax\n"
    "    call _forward_resolve\n"
    "    addl $4, %esp\n"
    "    jmp *%eax\n");
#else
#error "the forwarding thunks are written for x86 and x64"
#endif
