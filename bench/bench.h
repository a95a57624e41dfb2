/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The benchmarks' shared harness: a clock, rounds that alternate the engine's code with its
 * hand-written baseline in one process, and the figures they print.
 *
 * Figures are ratios of medians measured in the same process, never bare times: the machines
 * these run on are shared, and only what is measured side by side under the same load means
 * anything. Each figure prints a human-readable line and one machine-readable line:
 *
 *   FIGURE <name> <arch> <engine_value> <baseline_value> <ratio> <target> <unit>
 *
 * where ratio is the engine's cost over the baseline's (above 1 means the engine costs more),
 * target is the highest acceptable ratio or "-" where there is none. bench/run.sh collects
 * these lines into docs/BENCHMARKS.md.
 */
#ifndef WSASYNC_BENCH_H
#define WSASYNC_BENCH_H

#include <stdio.h>
#include "wsasync.h"

#ifdef _WIN64
#define BENCH_ARCH "x64"
#else
#define BENCH_ARCH "x86"
#endif

/* Keeps a function opaque to the optimiser, so that a loop really calls it: GCC's noipa also
 * stops it from using what it knows of the body; clang has no noipa, and noinline is its
 * nearest (it does not propagate facts from a non-inlined body across a call to an address). */
#if defined(__clang__)
#define BENCH_OPAQUE __attribute__((noinline))
#else
#define BENCH_OPAQUE __attribute__((noipa))
#endif

#define BENCH_MAX_ROUNDS 101

struct bench_options
{
    int smoke;   /* --smoke: about a second, checks counts only (for CTest) */
    int rounds;  /* --rounds N: pairs of rounds (engine, baseline) per figure; 0: each its own */
};

/* Reads --smoke and --rounds N; exits with a usage message on anything else. */
void bench_parse(int argc, char **argv, struct bench_options *options);
/* The pairs of rounds a benchmark runs: 2 when smoking, else as asked, else its default. */
int bench_rounds(const struct bench_options *options, int default_rounds);

/* Each benchmark is a function; BENCH_PROGRAM gives it a main of its own, except in the
 * combined program (bench_all, built with BENCH_COMBINED) that runs them all in one process,
 * for machines where starting a Wine process is itself slow (an emulated 32-bit loader). */
typedef void (*bench_function)(const struct bench_options *options);
void bench_sync_step(const struct bench_options *options);
void bench_async_hop(const struct bench_options *options);
void bench_scale(const struct bench_options *options);
void bench_primitives(const struct bench_options *options);
#ifdef BENCH_COMBINED
#define BENCH_PROGRAM(function)
#else
#define BENCH_PROGRAM(function)                                                  \
    int main(int argc, char **argv)                                              \
    {                                                                            \
        struct bench_options options;                                            \
        bench_parse(argc, argv, &options);                                       \
        function(&options);                                                      \
        return bench_exit_code();                                                \
    }
#endif

/* Seconds from an arbitrary origin, from the performance counter. */
double bench_now(void);

/* One figure's measurements: per round, the cost of one unit (e.g. nanoseconds per step). */
struct bench_series
{
    const char *name;
    const char *unit;
    double target;   /* highest acceptable ratio; 0 for none */
    int rounds;
    double engine[BENCH_MAX_ROUNDS];
    double baseline[BENCH_MAX_ROUNDS];
};

/* Runs options->rounds pairs of rounds, alternating which of the two goes first so that
 * neither always finds the caches (or the pool's threads) as the other left them. Each
 * function runs one round and returns the cost of one unit. */
typedef double (*bench_round_fn)(void *context);
void bench_measure(struct bench_series *series, int rounds, bench_round_fn engine,
                   bench_round_fn baseline, void *context);

/* Prints the median and best of each side and the ratios, then the FIGURE line. The ratio
 * is the median of the per-pair ratios (each pair ran back to back under the same load). */
void bench_report(const struct bench_series *series);

/* Prints a FIGURE line as it is. A negative ratio prints as "-" (no ratio to speak of);
 * target is the highest acceptable ratio, "-" for none, or "=V" where the engine's value
 * itself must be V (e.g. "=0" allocations). */
void bench_figure(const char *name, double engine, double baseline, double ratio,
                  const char *target, const char *unit);

double bench_median(const double *values, int count);
double bench_best(const double *values, int count);

/* Records a correctness check; a failed one is printed with its message and makes
 * bench_exit_code() non-zero. */
void bench_check(int condition, const char *format, ...) __attribute__((format(printf, 2, 3)));
int bench_exit_code(void);

#endif /* WSASYNC_BENCH_H */
