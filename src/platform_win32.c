/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The per-thread step marker on Windows: one TLS slot, allocated when the DLL loads, read and
 * written through platform.h.
 */
#include "engine.h"
#include "platform.h"

static DWORD frame_slot = TLS_OUT_OF_INDEXES;

struct step_frame *frame_top(void)
{
    return thread_slot_get(frame_slot);
}

void frame_set_top(struct step_frame *frame)
{
    thread_slot_set(frame_slot, frame);
}

BOOL platform_attach(void)
{
    return thread_slot_alloc(&frame_slot);
}

void platform_detach(void *reserved)
{
    thread_slot_free(&frame_slot, reserved);
}
