/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target on the host build: the input bytes are a script (series_source_bytes), the
 * script runs against the engine and is checked against the model; any difference, lost or
 * doubled callback aborts, which libFuzzer reports with the input that caused it.
 */
#include <stdarg.h>
#include <stdlib.h>
#include "series.h"
#include "test.h"

/* series.c reports through ok(): here a failed check is a crash for the fuzzer to keep. */
void test_ok(const char *file, int line, int condition, const char *format, ...)
{
    va_list args;

    if (condition) return;
    fprintf(stderr, "%s:%d: Test failed: ", file, line);
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    abort();
}

void test_skip(const char *file, int line, const char *format, ...)
{
    (void)file; (void)line; (void)format;
}

void test_register(struct test_case *test)
{
    (void)test;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct series *series;
    struct series_totals totals = { 0 };
    struct series_source source;
    long refused = stress_faults_injected();

    if (!series)
    {
        if (!(series = calloc(1, sizeof(*series))) || !(series->done = stress_signal_create())) abort();
    }
    series_source_bytes(&source, data, size);
    series_generate(series, &source);
    if (!series_play(series, &totals)) abort();
    if (totals.lost || totals.doubled) abort();
    if (stress_faults_injected() - refused != series->refusals) abort();
    return 0;
}
