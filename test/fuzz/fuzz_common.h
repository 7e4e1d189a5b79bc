/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef PDK_FUZZ_COMMON_H
#define PDK_FUZZ_COMMON_H

/*
 * What every PDK fuzzer shares: a log sink that counts the ERR lines of one
 * input (the house rule "an error comes with a log line" is a property the
 * fuzzers check) and keeps them off the terminal unless PDK_FUZZ_VERBOSE is
 * set, and a check that stops the run with a message libFuzzer reports as a
 * crash, with the input that caused it.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdk_log.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static unsigned int fuzz_err_lines;
static char fuzz_last_err[256];

static void
fuzz_log_sink(enum pdk_log_level level, const char *component, const char *line, void *arg)
{
	(void)arg;
	if (level <= PDK_LOG_ERR) {
		fuzz_err_lines++;
		snprintf(fuzz_last_err, sizeof(fuzz_last_err), "%s: %s", component, line);
	}
	if (getenv("PDK_FUZZ_VERBOSE") != NULL)
		fprintf(stderr, "[%s] %s\n", component, line);
}

static inline void
fuzz_log_init(void)
{
	pdk_log_set_sink(fuzz_log_sink, NULL, NULL, NULL);
	if (getenv("PDK_FUZZ_VERBOSE") == NULL)
		pdk_log_set_level(PDK_LOG_ERR);
}

/* A broken property: say which, then abort so libFuzzer saves the input. */
#define FUZZ_CHECK(cond, ...) do {						\
	if (!(cond)) {								\
		fprintf(stderr, "PDK fuzz property broken: %s: ", #cond);	\
		fprintf(stderr, __VA_ARGS__);					\
		fprintf(stderr, "\n");						\
		abort();							\
	}									\
} while (0)

/* The input as a NUL-terminated string (libFuzzer's data is not). */
static inline char *
fuzz_strdup(const unsigned char *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif /* PDK_FUZZ_COMMON_H */
