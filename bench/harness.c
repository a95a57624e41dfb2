/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The benchmarks' shared harness (see bench.h).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"

static LONG checks_failed;

void bench_parse(int argc, char **argv, struct bench_options *options)
{
    int i;

    options->smoke = 0;
    options->rounds = 0;
    for (i = 1; i < argc; i++)
    {
        if (!strcmp(argv[i], "--smoke")) options->smoke = 1;
        else if (!strcmp(argv[i], "--rounds") && i + 1 < argc) options->rounds = atoi(argv[++i]);
        else
        {
            fprintf(stderr, "usage: %s [--smoke] [--rounds N]\n", argv[0]);
            exit(2);
        }
    }
    if (options->rounds < 0) options->rounds = 0;
    setvbuf(stdout, NULL, _IONBF, 0);
}

int bench_rounds(const struct bench_options *options, int default_rounds)
{
    int rounds = options->smoke ? 2 : options->rounds ? options->rounds : default_rounds;

    return rounds > BENCH_MAX_ROUNDS ? BENCH_MAX_ROUNDS : rounds;
}

double bench_now(void)
{
    static LARGE_INTEGER frequency;
    LARGE_INTEGER now;

    if (!frequency.QuadPart) QueryPerformanceFrequency(&frequency);
    QueryPerformanceCounter(&now);
    return (double)now.QuadPart / (double)frequency.QuadPart;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double bench_median(const double *values, int count)
{
    double sorted[BENCH_MAX_ROUNDS];

    memcpy(sorted, values, count * sizeof(*values));
    qsort(sorted, count, sizeof(*sorted), compare_doubles);
    return count % 2 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2;
}

double bench_best(const double *values, int count)
{
    double best = values[0];
    int i;

    for (i = 1; i < count; i++)
        if (values[i] < best) best = values[i];
    return best;
}

void bench_measure(struct bench_series *series, int rounds, bench_round_fn engine,
                   bench_round_fn baseline, void *context)
{
    int i;

    series->rounds = rounds;
    for (i = 0; i < rounds; i++)
    {
        if (i % 2)
        {
            series->baseline[i] = baseline(context);
            series->engine[i] = engine(context);
        }
        else
        {
            series->engine[i] = engine(context);
            series->baseline[i] = baseline(context);
        }
    }
}

void bench_figure(const char *name, double engine, double baseline, double ratio,
                  const char *target, const char *unit)
{
    char ratio_text[32] = "-";

    if (ratio >= 0) snprintf(ratio_text, sizeof(ratio_text), "%.4f", ratio);
    printf("FIGURE %s %s %.6g %.6g %s %s %s\n", name, BENCH_ARCH, engine, baseline, ratio_text,
           target, unit);
}

void bench_report(const struct bench_series *series)
{
    double ratios[BENCH_MAX_ROUNDS];
    double engine = bench_median(series->engine, series->rounds);
    double baseline = bench_median(series->baseline, series->rounds);
    char target[32] = "-";
    double ratio;
    int i;

    for (i = 0; i < series->rounds; i++) ratios[i] = series->engine[i] / series->baseline[i];
    ratio = bench_median(ratios, series->rounds);
    printf("%s (%s, %d pairs of rounds): engine median %.4g best %.4g, baseline median %.4g "
           "best %.4g %s; ratio of medians %.4f, of bests %.4f, median of pair ratios %.4f\n",
           series->name, BENCH_ARCH, series->rounds, engine,
           bench_best(series->engine, series->rounds), baseline,
           bench_best(series->baseline, series->rounds), series->unit, engine / baseline,
           bench_best(series->engine, series->rounds) / bench_best(series->baseline, series->rounds),
           ratio);
    if (series->target > 0) snprintf(target, sizeof(target), "%.2f", series->target);
    bench_figure(series->name, engine, baseline, ratio, target, series->unit);
}

void bench_check(int condition, const char *format, ...)
{
    va_list args;

    if (condition) return;
    InterlockedIncrement(&checks_failed);
    va_start(args, format);
    fprintf(stderr, "check failed: ");
    vfprintf(stderr, format, args);
    va_end(args);
    fflush(stderr);
}

int bench_exit_code(void)
{
    return checks_failed ? 1 : 0;
}
