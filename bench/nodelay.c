/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A measuring aid for docs/BENCHMARKS.md's HTTP section, not part of any build: a Linux shared
 * object that sets TCP_NODELAY on every socket a process connects or accepts. Wine's server makes
 * the sockets of Wine programs, so preloaded into it (through the Wine loader that starts it) it
 * turns Nagle's algorithm off for them all:
 *
 *   gcc -shared -fPIC -O2 bench/nodelay.c -o build/nodelay.so -ldl
 *   wineserver -k; LD_PRELOAD=$PWD/build/nodelay.so wine64 bench_services.exe --only rr_1_http
 *
 * It changes when packets leave, nothing a process allocates.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

static void no_delay(int fd)
{
    int one = 1;

    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

int connect(int fd, const struct sockaddr *address, socklen_t length)
{
    static int (*real)(int, const struct sockaddr *, socklen_t);

    if (!real) real = (int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "connect");
    no_delay(fd);
    return real(fd, address, length);
}

int accept4(int fd, struct sockaddr *address, socklen_t *length, int flags)
{
    static int (*real)(int, struct sockaddr *, socklen_t *, int);
    int ret;

    if (!real) real = (int (*)(int, struct sockaddr *, socklen_t *, int))dlsym(RTLD_NEXT, "accept4");
    if ((ret = real(fd, address, length, flags)) >= 0) no_delay(ret);
    return ret;
}

int accept(int fd, struct sockaddr *address, socklen_t *length)
{
    return accept4(fd, address, length, 0);
}
