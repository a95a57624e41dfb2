/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Allocation counting by import-table patching (see alloc_count.h).
 */
#include <string.h>
#include "alloc_count.h"

static LONG count_calls;
static LONG64 count_bytes;

static void counted(SIZE_T bytes)
{
    InterlockedIncrement(&count_calls);
    InterlockedExchangeAdd64(&count_bytes, (LONG64)bytes);
}

/* One wrapper per function: each calls the original, kept when the first entry is patched
 * (every module imports the same export, so one original serves them all). */
static LPVOID (WINAPI *real_HeapAlloc)(HANDLE, DWORD, SIZE_T);
static LPVOID WINAPI counting_HeapAlloc(HANDLE heap, DWORD flags, SIZE_T size)
{
    counted(size);
    return real_HeapAlloc(heap, flags, size);
}

static LPVOID (WINAPI *real_HeapReAlloc)(HANDLE, DWORD, LPVOID, SIZE_T);
static LPVOID WINAPI counting_HeapReAlloc(HANDLE heap, DWORD flags, LPVOID mem, SIZE_T size)
{
    counted(size);
    return real_HeapReAlloc(heap, flags, mem, size);
}

static PVOID (NTAPI *real_RtlAllocateHeap)(PVOID, ULONG, SIZE_T);
static PVOID NTAPI counting_RtlAllocateHeap(PVOID heap, ULONG flags, SIZE_T size)
{
    counted(size);
    return real_RtlAllocateHeap(heap, flags, size);
}

static HLOCAL (WINAPI *real_LocalAlloc)(UINT, SIZE_T);
static HLOCAL WINAPI counting_LocalAlloc(UINT flags, SIZE_T size)
{
    counted(size);
    return real_LocalAlloc(flags, size);
}

static HGLOBAL (WINAPI *real_GlobalAlloc)(UINT, SIZE_T);
static HGLOBAL WINAPI counting_GlobalAlloc(UINT flags, SIZE_T size)
{
    counted(size);
    return real_GlobalAlloc(flags, size);
}

static LPVOID (WINAPI *real_VirtualAlloc)(LPVOID, SIZE_T, DWORD, DWORD);
static LPVOID WINAPI counting_VirtualAlloc(LPVOID address, SIZE_T size, DWORD type, DWORD protect)
{
    counted(size);
    return real_VirtualAlloc(address, size, type, protect);
}

static void *(__cdecl *real_malloc)(size_t);
static void *__cdecl counting_malloc(size_t size)
{
    counted(size);
    return real_malloc(size);
}

static void *(__cdecl *real_calloc)(size_t, size_t);
static void *__cdecl counting_calloc(size_t count, size_t size)
{
    counted(count * size);
    return real_calloc(count, size);
}

static void *(__cdecl *real_realloc)(void *, size_t);
static void *__cdecl counting_realloc(void *mem, size_t size)
{
    counted(size);
    return real_realloc(mem, size);
}

static BOOL (WINAPI *real_TrySubmitThreadpoolCallback)(PTP_SIMPLE_CALLBACK, PVOID, PTP_CALLBACK_ENVIRON);
static BOOL WINAPI counting_TrySubmitThreadpoolCallback(PTP_SIMPLE_CALLBACK callback, PVOID context,
                                                        PTP_CALLBACK_ENVIRON environment)
{
    counted(0);
    return real_TrySubmitThreadpoolCallback(callback, context, environment);
}

static PTP_WORK (WINAPI *real_CreateThreadpoolWork)(PTP_WORK_CALLBACK, PVOID, PTP_CALLBACK_ENVIRON);
static PTP_WORK WINAPI counting_CreateThreadpoolWork(PTP_WORK_CALLBACK callback, PVOID context,
                                                     PTP_CALLBACK_ENVIRON environment)
{
    counted(0);
    return real_CreateThreadpoolWork(callback, context, environment);
}

static const struct
{
    const char *name;
    void *wrapper;
    void **real;
} counted_imports[] =
{
    { "HeapAlloc", counting_HeapAlloc, (void **)&real_HeapAlloc },
    { "HeapReAlloc", counting_HeapReAlloc, (void **)&real_HeapReAlloc },
    { "RtlAllocateHeap", counting_RtlAllocateHeap, (void **)&real_RtlAllocateHeap },
    { "LocalAlloc", counting_LocalAlloc, (void **)&real_LocalAlloc },
    { "GlobalAlloc", counting_GlobalAlloc, (void **)&real_GlobalAlloc },
    { "VirtualAlloc", counting_VirtualAlloc, (void **)&real_VirtualAlloc },
    { "malloc", counting_malloc, (void **)&real_malloc },
    { "calloc", counting_calloc, (void **)&real_calloc },
    { "realloc", counting_realloc, (void **)&real_realloc },
    { "TrySubmitThreadpoolCallback", counting_TrySubmitThreadpoolCallback,
      (void **)&real_TrySubmitThreadpoolCallback },
    { "CreateThreadpoolWork", counting_CreateThreadpoolWork, (void **)&real_CreateThreadpoolWork },
};

static int patch_entry(void **entry, const char *name)
{
    unsigned int i;
    DWORD protect;

    for (i = 0; i < ARRAYSIZE(counted_imports); i++)
    {
        if (strcmp(counted_imports[i].name, name)) continue;
        if (*entry == counted_imports[i].wrapper) return 0;
        if (!*counted_imports[i].real) *counted_imports[i].real = *entry;
        if (!VirtualProtect(entry, sizeof(*entry), PAGE_READWRITE, &protect)) return 0;
        *entry = counted_imports[i].wrapper;
        VirtualProtect(entry, sizeof(*entry), protect, &protect);
        return 1;
    }
    return 0;
}

int alloc_count_patch(HMODULE module)
{
    BYTE *base = (BYTE *)module;
    IMAGE_NT_HEADERS *nt = (IMAGE_NT_HEADERS *)(base + ((IMAGE_DOS_HEADER *)base)->e_lfanew);
    IMAGE_DATA_DIRECTORY *directory = &nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_IMPORT];
    IMAGE_IMPORT_DESCRIPTOR *import;
    int patched = 0;

    if (!directory->VirtualAddress) return 0;
    for (import = (IMAGE_IMPORT_DESCRIPTOR *)(base + directory->VirtualAddress); import->Name; import++)
    {
        /* The names come from the original thunks; the addresses live in the first thunks. */
        IMAGE_THUNK_DATA *names = (IMAGE_THUNK_DATA *)(base + (import->OriginalFirstThunk
                                                               ? import->OriginalFirstThunk
                                                               : import->FirstThunk));
        IMAGE_THUNK_DATA *addresses = (IMAGE_THUNK_DATA *)(base + import->FirstThunk);

        for (; names->u1.AddressOfData; names++, addresses++)
        {
            if (IMAGE_SNAP_BY_ORDINAL(names->u1.Ordinal)) continue;
            patched += patch_entry((void **)&addresses->u1.Function,
                                   (const char *)((IMAGE_IMPORT_BY_NAME *)(base + names->u1.AddressOfData))->Name);
        }
    }
    return patched;
}

void alloc_count_read(struct alloc_counts *counts)
{
    counts->calls = InterlockedCompareExchange(&count_calls, 0, 0);
    counts->bytes = InterlockedCompareExchange64(&count_bytes, 0, 0);
}

void heap_usage_read(struct heap_usage *usage)
{
    HANDLE heaps[256];
    DWORD count = GetProcessHeaps(ARRAYSIZE(heaps), heaps), i;

    usage->blocks = usage->bytes = 0;
    if (count > ARRAYSIZE(heaps)) count = ARRAYSIZE(heaps);
    for (i = 0; i < count; i++)
    {
        PROCESS_HEAP_ENTRY entry;

        if (!HeapLock(heaps[i])) continue;
        entry.lpData = NULL;
        while (HeapWalk(heaps[i], &entry))
        {
            if (!(entry.wFlags & PROCESS_HEAP_ENTRY_BUSY)) continue;
            usage->blocks++;
            usage->bytes += entry.cbData;
        }
        HeapUnlock(heaps[i]);
    }
}

/* Wine leaves PrivateUsage (GetProcessMemoryInfo) at 0, so the private bytes are summed from
 * the address space itself: committed private regions, which is what PrivateUsage counts. */
SIZE_T private_bytes(void)
{
    MEMORY_BASIC_INFORMATION info;
    BYTE *address = NULL;
    SIZE_T total = 0;

    while (VirtualQuery(address, &info, sizeof(info)) == sizeof(info))
    {
        if (info.State == MEM_COMMIT && info.Type == MEM_PRIVATE) total += info.RegionSize;
        address = (BYTE *)info.BaseAddress + info.RegionSize;
        if (address < (BYTE *)info.BaseAddress) break;  /* wrapped: the end of the space */
    }
    return total;
}
