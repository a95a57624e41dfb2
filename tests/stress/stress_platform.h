/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the randomized series harness (series.c) needs from the platform it runs on: threads for
 * the steps' inner operations, a way to wait for a series, and the fault-injection switch that
 * makes the engine's next deferral fail. platform_wine.c implements it with the Windows thread
 * pool under Wine; platform_pthread.c with plain pthreads on the Linux host build.
 */
#ifndef WSASYNC_STRESS_PLATFORM_H
#define WSASYNC_STRESS_PLATFORM_H

#include <stdint.h>
#include "wsasync.h"

/* An inner operation: run(op) is called once on another thread. */
struct stress_op
{
    void (*run)(struct stress_op *op);
};

/* The model the engine's own deferral gives a continuation: an exact WS_CALLBACK_MODEL, or
 * STRESS_MODEL_ANY where the pool decides at run time (CallbackMayRunLong). */
#define STRESS_MODEL_ANY 2
extern const int stress_pool_model;

/* What fails when a fault is requested (see stress_fail_next). */
enum stress_refusal
{
    STRESS_REFUSE_ALLOCATION,  /* the DLL's next allocation (HeapAlloc) */
    STRESS_REFUSE_SUBMISSION,  /* the DLL's next pool submission (TrySubmitThreadpoolCallback) */
    STRESS_REFUSAL_KINDS
};

/* Prepares the platform (Wine: installs the fault-injection hooks). Returns 0 on failure. */
int stress_platform_init(void);
/* Runs op->run(op) on another thread; returns 0 if no thread could take it. */
int stress_start(struct stress_op *op);
/* Gives the processor to another thread. */
void stress_yield(void);
void stress_sleep_ms(unsigned int ms);
/* An identifier of the calling thread, unique among live threads. */
uintptr_t stress_thread_id(void);
/* Makes the DLL's next allocation or pool submission on the calling thread fail, as `how` says.
 * A step asks for it just before returning to the engine, so that it hits the engine's
 * deferral; a test asks for it just before calling a completion primitive. On the host build
 * the engine's deferral is the only taker. */
void stress_fail_next(enum stress_refusal how);
/* How many requested faults have been injected so far. */
long stress_faults_injected(void);

/* A one-shot signal a thread waits on. */
struct stress_signal;
struct stress_signal *stress_signal_create(void);
void stress_signal_destroy(struct stress_signal *signal);
void stress_signal_reset(struct stress_signal *signal);
void stress_signal_set(struct stress_signal *signal);
/* Returns 1 once the signal is set, 0 if timeout_ms passed first. */
int stress_signal_wait(struct stress_signal *signal, unsigned int timeout_ms);

/* Runs fn(arg, i) on `count` threads at once (i = 0 .. count-1) and waits for all of them. */
int stress_run_threads(int count, void (*fn)(void *arg, int index), void *arg);

/* Monotonic milliseconds. */
uint64_t stress_now_ms(void);

#endif /* WSASYNC_STRESS_PLATFORM_H */
