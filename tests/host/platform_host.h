/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Test controls of the host build's engine seam (platform_host.c).
 */
#ifndef WSASYNC_PLATFORM_HOST_H
#define WSASYNC_PLATFORM_HOST_H

enum host_refusal
{
    HOST_REFUSE_NONE,
    HOST_REFUSE_ALLOCATION,  /* the deferral's record cannot be allocated */
    HOST_REFUSE_THREAD       /* no thread can be started for the deferral */
};

/* The calling thread's next pool_complete() fails as `how` says. */
void host_refuse_next_deferral(enum host_refusal how);
/* How many deferrals have been refused that way. */
long host_deferrals_refused(void);

#endif /* WSASYNC_PLATFORM_HOST_H */
