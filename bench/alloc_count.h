/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Counts the allocations a module makes, by pointing the entries of its import address table
 * for the allocating functions (heap, malloc family, virtual memory, and the thread-pool object
 * constructors that allocate inside the system) at counting wrappers. Only calls made from the
 * patched modules are counted, which is the point: the benchmark's own drivers (in other code
 * or done before counting starts) do not blur the engine's figure.
 */
#ifndef WSASYNC_BENCH_ALLOC_COUNT_H
#define WSASYNC_BENCH_ALLOC_COUNT_H

#include <windows.h>

struct alloc_counts
{
    LONG calls;       /* allocating calls made from the patched modules */
    LONG64 bytes;     /* bytes they asked for (pool objects count 0: their size is the system's) */
};

/* Patches module's import table; returns the number of entries it redirected. */
int alloc_count_patch(HMODULE module);
void alloc_count_read(struct alloc_counts *counts);

/* Busy blocks and their bytes over every heap of the process (HeapWalk). */
struct heap_usage
{
    LONG64 blocks;
    LONG64 bytes;
};
void heap_usage_read(struct heap_usage *usage);

/* The process's private bytes: its committed private memory. */
SIZE_T private_bytes(void);

#endif /* WSASYNC_BENCH_ALLOC_COUNT_H */
