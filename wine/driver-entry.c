/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The entry point of the http.sys that wine/build-tree.sh builds from a Wine tree.
 *
 * Built outside Wine's own tree, the driver is not one of Wine's builtin modules, and it
 * imports kernel32 and ntdll like Wine's builtin does: Wine's loader then takes it for an
 * ordinary DLL and calls its entry point as DllMain (module, reason, reserved) before the
 * kernel side calls it as DriverEntry (driver object, registry path). This entry tells the two
 * apart by the second argument, a reason code (0 to 3) or a pointer, and answers the loader's
 * call itself. The driver's own code is Wine's, unchanged.
 */
#include <stdarg.h>
#include "ntstatus.h"
#define WIN32_NO_STATUS
#include "windef.h"
#include "winternl.h"
#include "ddk/wdm.h"

NTSTATUS WINAPI DriverEntry( DRIVER_OBJECT *driver, UNICODE_STRING *path );

NTSTATUS WINAPI driver_entry( DRIVER_OBJECT *driver, UNICODE_STRING *path )
{
    if ((ULONG_PTR)path <= 3) return TRUE;
    return DriverEntry( driver, path );
}
