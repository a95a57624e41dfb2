/*
 * bench_all: every benchmark in one process, in the order bench/run.sh reports them. Starting a
 * Wine process costs over a minute where the 32-bit loader is emulated; one start serves all.
 */
#include "bench.h"

int main(int argc, char **argv)
{
    static const bench_function benchmarks[] = { bench_sync_step, bench_async_hop, bench_scale,
                                                       bench_primitives };
    struct bench_options options;
    unsigned int i;

    bench_parse(argc, argv, &options);
    for (i = 0; i < ARRAYSIZE(benchmarks); i++) benchmarks[i](&options);
    return bench_exit_code();
}
