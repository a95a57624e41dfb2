/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench_all: every benchmark in one process, in the order bench/run.sh reports them. Starting a
 * Wine process costs over a minute where the 32-bit loader is emulated; one start serves all.
 *
 *   bench_all [--smoke] [--rounds N] [--only NAME]...
 *
 * prints "DONE NAME" after each benchmark, so that a caller can run again only those a crash
 * left out.
 */
#include <stdlib.h>
#include <string.h>
#include "bench.h"

static const struct
{
    const char *name;
    bench_function run;
} benchmarks[] =
{
    { "sync_step", bench_sync_step },
    { "async_hop", bench_async_hop },
    { "scale", bench_scale },
    { "primitives", bench_primitives },
};

int main(int argc, char **argv)
{
    const char *only[ARRAYSIZE(benchmarks)];
    char *rest[8];
    struct bench_options options;
    int only_count = 0, rest_count = 0, i, j;

    /* --only NAME is this program's own; the rest goes to the shared parser. */
    for (i = 0; i < argc; i++)
    {
        if (!strcmp(argv[i], "--only") && i + 1 < argc && only_count < (int)ARRAYSIZE(only))
            only[only_count++] = argv[++i];
        else if (rest_count < (int)ARRAYSIZE(rest))
            rest[rest_count++] = argv[i];
    }
    bench_parse(rest_count, rest, &options);
    for (i = 0; i < (int)ARRAYSIZE(benchmarks); i++)
    {
        int selected = !only_count;

        for (j = 0; j < only_count; j++)
            if (!strcmp(only[j], benchmarks[i].name)) selected = 1;
        if (!selected) continue;
        benchmarks[i].run(&options);
        printf("DONE %s\n", benchmarks[i].name);
    }
    return bench_exit_code();
}
