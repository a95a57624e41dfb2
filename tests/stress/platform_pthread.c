/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The series harness's platform on the Linux host build: every inner operation is a detached
 * pthread, waits are a mutex and a condition variable, and refusals go to the host seam.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>
#include "stress_platform.h"
#include "platform_host.h"

/* The host seam's deferral runs its continuation on a thread of its own (platform_host.c). */
const int stress_pool_model = WS_LONG_CALLBACK;

int stress_platform_init(void)
{
    return 1;
}

static void *run_op(void *param)
{
    struct stress_op *op = param;

    op->run(op);
    return NULL;
}

int stress_start(struct stress_op *op)
{
    pthread_attr_t attr;
    pthread_t thread;
    int rc;

    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* Thread creation can fail for a moment under load (EAGAIN): retry rather than fail. */
    while ((rc = pthread_create(&thread, &attr, run_op, op)) == EAGAIN) stress_sleep_ms(1);
    pthread_attr_destroy(&attr);
    return rc == 0;
}

void stress_yield(void)
{
    sched_yield();
}

void stress_sleep_ms(unsigned int ms)
{
    struct timespec delay = { ms / 1000, (long)(ms % 1000) * 1000000L };

    nanosleep(&delay, NULL);
}

uintptr_t stress_thread_id(void)
{
    return (uintptr_t)pthread_self();
}

void stress_fail_next(enum stress_refusal how)
{
    host_refuse_next_deferral(how == STRESS_REFUSE_ALLOCATION ? HOST_REFUSE_ALLOCATION : HOST_REFUSE_THREAD);
}

long stress_faults_injected(void)
{
    return host_deferrals_refused();
}

struct stress_signal
{
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int set;
};

struct stress_signal *stress_signal_create(void)
{
    struct stress_signal *signal = calloc(1, sizeof(*signal));

    if (!signal) return NULL;
    pthread_mutex_init(&signal->lock, NULL);
    pthread_cond_init(&signal->cond, NULL);
    return signal;
}

void stress_signal_destroy(struct stress_signal *signal)
{
    pthread_cond_destroy(&signal->cond);
    pthread_mutex_destroy(&signal->lock);
    free(signal);
}

void stress_signal_reset(struct stress_signal *signal)
{
    pthread_mutex_lock(&signal->lock);
    signal->set = 0;
    pthread_mutex_unlock(&signal->lock);
}

void stress_signal_set(struct stress_signal *signal)
{
    pthread_mutex_lock(&signal->lock);
    signal->set = 1;
    pthread_cond_signal(&signal->cond);
    pthread_mutex_unlock(&signal->lock);
}

int stress_signal_wait(struct stress_signal *signal, unsigned int timeout_ms)
{
    struct timespec deadline;
    int set;

    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L)
    {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&signal->lock);
    while (!signal->set && pthread_cond_timedwait(&signal->cond, &signal->lock, &deadline) != ETIMEDOUT) {}
    set = signal->set;
    pthread_mutex_unlock(&signal->lock);
    return set;
}

struct thread_start
{
    void (*fn)(void *arg, int index);
    void *arg;
    int index;
};

static void *run_indexed(void *param)
{
    struct thread_start *start = param;

    start->fn(start->arg, start->index);
    return NULL;
}

int stress_run_threads(int count, void (*fn)(void *arg, int index), void *arg)
{
    pthread_t *threads = calloc(count, sizeof(*threads));
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
        if (pthread_create(&threads[i], NULL, run_indexed, &starts[i])) break;
        started++;
    }
    for (i = 0; i < started; i++) pthread_join(threads[i], NULL);
    free(threads);
    free(starts);
    return started == count;
}

uint64_t stress_now_ms(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000;
}
