/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * pcicfg-dump: lib/pcicfg's view of one config space, as lines a test
 * compares with lspci (test/pcicfg-real/pcicfg_real_test.py). Reads only:
 *
 *   pcicfg-dump sysfs ADDR     /sys/bus/pci/devices/ADDR/config (the kernel's sysfs)
 *   pcicfg-dump lspci FILE     `lspci -xxxx` text, through pdk_pcicfg_parse_lspci()
 *
 * Output: "size N", "ids VVVV:DDDD", one "cap std|ext OFF ID VER LEN" per
 * capability in chain order, one "finding KIND OFF TEXT" per finding, then
 * "bytes HEX" (all bytes read). Exit 0, or 1 after a message on stderr.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdk_pcicfg.h"
#include "pdk_sys.h"

static const char *const kind_names[] = {
	[PDK_PCICFG_F_LOOP] = "LOOP", [PDK_PCICFG_F_OVERLAP] = "OVERLAP",
	[PDK_PCICFG_F_MISALIGNED] = "MISALIGNED", [PDK_PCICFG_F_BOUNDS] = "BOUNDS",
	[PDK_PCICFG_F_TRUNCATED] = "TRUNCATED", [PDK_PCICFG_F_ALL_ONES] = "ALL_ONES",
	[PDK_PCICFG_F_BAD_HEADER] = "BAD_HEADER", [PDK_PCICFG_F_UNKNOWN_LENGTH] = "UNKNOWN_LENGTH",
	[PDK_PCICFG_F_BAD_DVSEC] = "BAD_DVSEC", [PDK_PCICFG_F_TOO_MANY] = "TOO_MANY",
};

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL)
		return NULL;
	do {
		char *p;

		if (len + 4096 + 1 > cap) {
			cap = cap * 2 + 8192;
			p = realloc(text, cap);
			if (p == NULL) {
				free(text);
				fclose(f);
				return NULL;
			}
			text = p;
		}
		n = fread(text + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	fclose(f);
	text[len] = '\0';
	return text;
}

static void
dump(const struct pdk_pcicfg *cfg)
{
	uint8_t buf[PDK_PCICFG_SIZE];
	size_t size = pdk_pcicfg_size(cfg), i;
	unsigned int k;

	printf("size %zu\nids %04x:%04x\n", size, pdk_pcicfg_vendor(cfg), pdk_pcicfg_device(cfg));
	for (k = 0; k < pdk_pcicfg_count(cfg, PDK_PCICFG_CAPS); k++) {
		const struct pdk_pcicfg_range *r = pdk_pcicfg_get(cfg, PDK_PCICFG_CAPS, k);

		printf("cap %s 0x%x 0x%x %u %u\n", r->space == PDK_PCICFG_STD ? "std" : "ext",
		       r->offset, r->id, r->version, r->length);
	}
	for (k = 0; k < pdk_pcicfg_nfindings(cfg); k++) {
		const struct pdk_pcicfg_finding *f = pdk_pcicfg_finding(cfg, k);

		printf("finding %s 0x%x %s\n", (unsigned int)f->kind <
		       sizeof(kind_names) / sizeof(kind_names[0]) ? kind_names[f->kind] : "?",
		       f->offset, f->text);
	}
	if (pdk_pcicfg_bytes(cfg, 0, buf, size) < 0)
		return;
	printf("bytes ");
	for (i = 0; i < size; i++)
		printf("%02x", buf[i]);
	printf("\n");
}

int
main(int argc, char **argv)
{
	struct pdk_pcicfg *cfg = NULL;
	char *text;
	int rc;

	if (argc != 3 || (strcmp(argv[1], "sysfs") != 0 && strcmp(argv[1], "lspci") != 0)) {
		fprintf(stderr, "usage: pcicfg-dump sysfs ADDR | pcicfg-dump lspci FILE\n");
		return 1;
	}
	if (strcmp(argv[1], "sysfs") == 0) {
		rc = pdk_pcicfg_read_sysfs(pdk_sys_kernel(), argv[2], &cfg);
	} else {
		text = slurp(argv[2]);
		if (text == NULL) {
			fprintf(stderr, "pcicfg-dump: cannot read %s: %s\n", argv[2], strerror(errno));
			return 1;
		}
		rc = pdk_pcicfg_parse_lspci(text, &cfg);
		free(text);
	}
	if (rc < 0) {
		fprintf(stderr, "pcicfg-dump: %s %s: %s\n", argv[1], argv[2], strerror(-rc));
		return 1;
	}
	dump(cfg);
	pdk_pcicfg_free(cfg);
	return 0;
}
