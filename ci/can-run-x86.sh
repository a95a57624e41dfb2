#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Exits 0 if this machine can run 32-bit Windows programs under Wine natively, 1 with the reason
# on stderr if not. 32-bit Wine is a 32-bit Linux program: it needs the kernel's IA-32 emulation
# (some kernels are built or booted with it off: "ia32_emulation=off", or no IA32_EMULATION).
# An emulator registered for i386 binaries (qemu-user through binfmt_misc) does not count: Wine
# under it takes minutes per start and crashes with several threads, so its results mean nothing.
for entry in /proc/sys/fs/binfmt_misc/qemu-i386 /proc/sys/fs/binfmt_misc/qemu-i386-static; do
    if [ -f "$entry" ] && head -1 "$entry" | grep -qx enabled; then
        echo "32-bit programs run only under an emulator here ($entry)" >&2
        exit 1
    fi
done
if ! out=$(timeout 60 /usr/lib/wine/wine --version 2>&1); then
    echo "the kernel does not run 32-bit programs (32-bit Wine, /usr/lib/wine/wine, cannot start: ${out:-timed out})" >&2
    exit 1
fi
exit 0
