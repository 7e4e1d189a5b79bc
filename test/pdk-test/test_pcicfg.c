/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * lib/pcicfg on hand-made config spaces (issue 13): a normal endpoint, a
 * VF without PASID, malformed chains (loop, overlap, out of bounds,
 * misaligned, all ones), lspci text, the placement policies (and nothing
 * fitting), the layout file and its compare, the PASID facts (a PF, its VF,
 * the SIMULATED functions' GET_HW_INFO and VFIO views). The spaces are made here,
 * byte by byte; no device is touched except the SIMULATED one of
 * pcicfg_read_vfio_sim.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <linux/pci_regs.h>

#include "pdk_iommufd.h"
#include "pdk_pcicfg.h"
#include "pdk_sim.h"
#include "pdk_test.h"
#include "pdk_vfio.h"

#define VID 0x8086
#define DID 0x0b25

static uint8_t sp[PDK_PCICFG_SIZE];

static void
w16(unsigned int off, uint16_t v)
{
	sp[off] = (uint8_t)v;
	sp[off + 1] = (uint8_t)(v >> 8);
}

static void
w32(unsigned int off, uint32_t v)
{
	w16(off, (uint16_t)v);
	w16(off + 2, (uint16_t)(v >> 16));
}

static void
sp_init(uint16_t device, uint8_t first)
{
	memset(sp, 0, sizeof(sp));
	w16(PCI_VENDOR_ID, VID);
	w16(PCI_DEVICE_ID, device);
	if (first) {
		w16(PCI_STATUS, PCI_STATUS_CAP_LIST);
		sp[PCI_CAPABILITY_LIST] = first;
	}
}

static void
std_cap(unsigned int off, uint8_t id, uint8_t next, uint16_t flags)
{
	sp[off] = id;
	sp[off + 1] = next;
	w16(off + 2, flags);
}

static void
ext_cap(unsigned int off, uint16_t id, unsigned int next)
{
	w32(off, id | 1u << 16 | (uint32_t)next << 20);
}

/*
 * The normal endpoint: PM 0x40, MSI-X 0x50, MSI 0x60 (64-bit, masking:
 * 0x18 bytes), PCIe v2 0x80 (0x3c); AER 0x100 (0x38), ATS 0x140, PASID
 * 0x148, PRI 0x150 (ends 0x160); a hole 0x138-0x13f.
 */
static void
sp_endpoint(unsigned int pri_at)
{
	sp_init(DID, 0x40);
	std_cap(0x40, PCI_CAP_ID_PM, 0x50, 3);
	std_cap(0x50, PCI_CAP_ID_MSIX, 0x60, 7);
	std_cap(0x60, PCI_CAP_ID_MSI, 0x80, PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_MASKBIT);
	std_cap(0x80, PCI_CAP_ID_EXP, 0, 2);
	ext_cap(0x100, PCI_EXT_CAP_ID_ERR, 0x140);
	ext_cap(0x140, PCI_EXT_CAP_ID_ATS, 0x148);
	ext_cap(0x148, PCI_EXT_CAP_ID_PASID, pri_at);
	ext_cap(pri_at, PCI_EXT_CAP_ID_PRI, 0);
}

static struct pdk_pcicfg *
parse(size_t len)
{
	struct pdk_pcicfg *cfg = NULL;

	if (pdk_pcicfg_parse(sp, len, &cfg) != 0)
		return NULL;
	return cfg;
}

/* the first finding of a kind, or NULL */
static const struct pdk_pcicfg_finding *
finding(const struct pdk_pcicfg *cfg, enum pdk_pcicfg_finding_kind kind)
{
	unsigned int i;

	for (i = 0; i < pdk_pcicfg_nfindings(cfg); i++)
		if (pdk_pcicfg_finding(cfg, i)->kind == kind)
			return pdk_pcicfg_finding(cfg, i);
	return NULL;
}

static int
test_pcicfg_endpoint(void)
{
	static const struct { enum pdk_pcicfg_space s; uint16_t id, off, len; } want[] = {
		{ PDK_PCICFG_STD, PCI_CAP_ID_PM, 0x40, 8 },
		{ PDK_PCICFG_STD, PCI_CAP_ID_MSIX, 0x50, 12 },
		{ PDK_PCICFG_STD, PCI_CAP_ID_MSI, 0x60, 0x18 },
		{ PDK_PCICFG_STD, PCI_CAP_ID_EXP, 0x80, 0x3c },
		{ PDK_PCICFG_EXT, PCI_EXT_CAP_ID_ERR, 0x100, 0x38 },
		{ PDK_PCICFG_EXT, PCI_EXT_CAP_ID_ATS, 0x140, 8 },
		{ PDK_PCICFG_EXT, PCI_EXT_CAP_ID_PASID, 0x148, 8 },
		{ PDK_PCICFG_EXT, PCI_EXT_CAP_ID_PRI, 0x150, 16 },
	};
	const struct pdk_pcicfg_range *r;
	struct pdk_pcicfg *cfg;
	unsigned int i;

	sp_endpoint(0x150);
	cfg = parse(PDK_PCICFG_SIZE);
	TEST_ASSERT(cfg != NULL, "parse");
	TEST_ASSERT_EQ(pdk_pcicfg_vendor(cfg), VID);
	TEST_ASSERT_EQ(pdk_pcicfg_device(cfg), DID);
	TEST_ASSERT_EQ(pdk_pcicfg_nfindings(cfg), 0);
	TEST_ASSERT_EQ(pdk_pcicfg_count(cfg, PDK_PCICFG_CAPS), 8);
	for (i = 0; i < 8; i++) {
		r = pdk_pcicfg_get(cfg, PDK_PCICFG_CAPS, i);
		TEST_ASSERT(r->space == want[i].s && r->id == want[i].id && r->offset == want[i].off &&
			    r->length == want[i].len, "cap %u: %d 0x%x at 0x%x+0x%x, want 0x%x at 0x%x+0x%x",
			    i, r->space, r->id, r->offset, r->length, want[i].id, want[i].off, want[i].len);
		TEST_ASSERT(r->source != NULL && r->source[0] != '\0', "cap %u has no source", i);
	}
	r = pdk_pcicfg_find(cfg, PDK_PCICFG_EXT, PCI_EXT_CAP_ID_PASID);
	TEST_ASSERT(r != NULL && r->offset == 0x148 && strstr(r->source, "PCI_EXT_CAP_PASID_SIZEOF"),
		    "PASID");
	TEST_ASSERT(pdk_pcicfg_find(cfg, PDK_PCICFG_EXT, PCI_EXT_CAP_ID_SRIOV) == NULL, "no SR-IOV");
	/* holes: 0x138-0x13f and 0x160-0xfff */
	TEST_ASSERT_EQ(pdk_pcicfg_count(cfg, PDK_PCICFG_HOLES), 2);
	r = pdk_pcicfg_get(cfg, PDK_PCICFG_HOLES, 0);
	TEST_ASSERT(r->offset == 0x138 && r->length == 8, "hole 0 0x%x+0x%x", r->offset, r->length);
	r = pdk_pcicfg_get(cfg, PDK_PCICFG_HOLES, 1);
	TEST_ASSERT(r->offset == 0x160 && r->length == 0x1000 - 0x160, "hole 1 0x%x+0x%x", r->offset,
		    r->length);
	pdk_pcicfg_free(cfg);

	/* MSI without 64-bit or masking: 10 bytes, dword rounded */
	std_cap(0x60, PCI_CAP_ID_MSI, 0x80, 0);
	cfg = parse(PDK_PCICFG_SIZE);
	TEST_ASSERT(cfg != NULL, "parse");
	TEST_ASSERT_EQ(pdk_pcicfg_find(cfg, PDK_PCICFG_STD, PCI_CAP_ID_MSI)->length, 12);
	pdk_pcicfg_free(cfg);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(pcicfg_endpoint, fast, test_pcicfg_endpoint);

/* variable lengths: VSEC, DVSEC, Resizable BAR, SR-IOV, PCIe v1 */
static int
test_pcicfg_lengths(void)
{
	struct pdk_pcicfg *cfg;

	sp_init(DID, 0x40);
	std_cap(0x40, PCI_CAP_ID_EXP, 0x70, 1);
	std_cap(0x70, PCI_CAP_ID_VNDR, 0, 0x14);	/* length byte 0x14 */
	ext_cap(0x100, PCI_EXT_CAP_ID_VNDR, 0x120);
	w32(0x104, 0x018u << 20 | 0x1234);
	ext_cap(0x120, PCI_EXT_CAP_ID_DVSEC, 0x140);
	w32(0x124, 0x010u << 20 | 0x1e98);
	ext_cap(0x140, PCI_EXT_CAP_ID_REBAR, 0x180);
	w32(0x148, 3u << PCI_REBAR_CTRL_NBAR_SHIFT);
	ext_cap(0x180, PCI_EXT_CAP_ID_SRIOV, 0x1c0);
	ext_cap(0x1c0, 0x7ff, 0x200);	/* an id PDK does not know */
	ext_cap(0x200, PCI_EXT_CAP_ID_LTR, 0);
	cfg = parse(PDK_PCICFG_SIZE);
	TEST_ASSERT(cfg != NULL, "parse");
	TEST_ASSERT_EQ(pdk_pcicfg_find(cfg, PDK_PCICFG_STD, PCI_CAP_ID_EXP)->length, 0x24);
	TEST_ASSERT_EQ(pdk_pcicfg_find(cfg, PDK_PCICFG_STD, PCI_CAP_ID_VNDR)->length, 0x14);
	TEST_ASSERT_EQ(pdk_pcicfg_find(cfg, PDK_PCICFG_EXT, PCI_EXT_CAP_ID_VNDR)->length, 0x18);
	TEST_ASSERT_EQ(pdk_pcicfg_find(cfg, PDK_PCICFG_EXT, PCI_EXT_CAP_ID_DVSEC)->length, 0x10);
	TEST_ASSERT_EQ(pdk_pcicfg_find(cfg, PDK_PCICFG_EXT, PCI_EXT_CAP_ID_REBAR)->length, 4 + 3 * 8);
	TEST_ASSERT_EQ(pdk_pcicfg_find(cfg, PDK_PCICFG_EXT, PCI_EXT_CAP_ID_SRIOV)->length, 0x40);
	/* unknown: up to the next capability, and said so */
	TEST_ASSERT_EQ(pdk_pcicfg_find(cfg, PDK_PCICFG_EXT, 0x7ff)->length, 0x40);
	TEST_ASSERT(finding(cfg, PDK_PCICFG_F_UNKNOWN_LENGTH) != NULL &&
		    finding(cfg, PDK_PCICFG_F_UNKNOWN_LENGTH)->offset == 0x1c0, "unknown length finding");
	TEST_ASSERT_EQ(pdk_pcicfg_nfindings(cfg), 1);
	pdk_pcicfg_free(cfg);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(pcicfg_lengths, fast, test_pcicfg_lengths);

/* A VF: PCIe and MSI-X, ARI and ATS, no PASID of its own (it shares its PF's). */
static int
test_pcicfg_vf(void)
{
	struct pdk_pcicfg_place pl;
	struct pdk_pcicfg *cfg;

	sp_init(0x0b26, 0x40);
	std_cap(0x40, PCI_CAP_ID_EXP, 0x80, 2);
	std_cap(0x80, PCI_CAP_ID_MSIX, 0, 0);
	ext_cap(0x100, PCI_EXT_CAP_ID_ARI, 0x110);
	ext_cap(0x110, PCI_EXT_CAP_ID_ATS, 0);
	cfg = parse(PDK_PCICFG_SIZE);
	TEST_ASSERT(cfg != NULL, "parse");
	TEST_ASSERT_EQ(pdk_pcicfg_nfindings(cfg), 0);
	TEST_ASSERT(pdk_pcicfg_find(cfg, PDK_PCICFG_EXT, PCI_EXT_CAP_ID_PASID) == NULL, "a VF PASID");
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_pcicfg_place_pasid(cfg, PDK_PCICFG_PLACE_PHYSICAL, 0, &pl), -ENOENT);
	TEST_ASSERT(strstr(pl.why, "a VF has none") != NULL && pl.offset == 0, "%s", pl.why);
	TEST_ASSERT_LOGGED_ONCE("policy physical");
	test_log_capture_stop();
	TEST_ASSERT_OK(pdk_pcicfg_place_pasid(cfg, PDK_PCICFG_PLACE_FIRST_FIT, 0, &pl));
	TEST_ASSERT_EQ(pl.offset, 0x118);
	TEST_ASSERT_OK(pdk_pcicfg_place_pasid(cfg, PDK_PCICFG_PLACE_END, 0, &pl));
	TEST_ASSERT_EQ(pl.offset, 0xff8);
	TEST_ASSERT(strstr(pl.why, "QEMU") && strstr(pl.why, "hw/vfio/pci.c"), "%s", pl.why);
	pdk_pcicfg_free(cfg);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(pcicfg_vf, fast, test_pcicfg_vf);

static int
expect_finding(enum pdk_pcicfg_finding_kind kind, unsigned int ncaps, const char *text)
{
	const struct pdk_pcicfg_finding *f;
	struct pdk_pcicfg *cfg = parse(PDK_PCICFG_SIZE);

	TEST_ASSERT(cfg != NULL, "parse");
	f = finding(cfg, kind);
	TEST_ASSERT(f != NULL, "no finding of kind %d (%u findings)", kind, pdk_pcicfg_nfindings(cfg));
	TEST_ASSERT(strstr(f->text, text) != NULL, "finding \"%s\" lacks \"%s\"", f->text, text);
	TEST_ASSERT(pdk_pcicfg_count(cfg, PDK_PCICFG_CAPS) == ncaps, "%u caps, want %u",
		    pdk_pcicfg_count(cfg, PDK_PCICFG_CAPS), ncaps);
	pdk_pcicfg_free(cfg);
	return TEST_SUCCESS;
}

static int
test_pcicfg_malformed(void)
{
	struct pdk_pcicfg_place pl;
	struct pdk_pcicfg *cfg;

	/* loops */
	sp_init(DID, 0x40);
	std_cap(0x40, PCI_CAP_ID_PM, 0x50, 0);
	std_cap(0x50, PCI_CAP_ID_MSIX, 0x40, 0);
	TEST_ASSERT_OK(expect_finding(PDK_PCICFG_F_LOOP, 2, "goes back to 0x40"));
	sp_init(DID, 0);
	ext_cap(0x100, PCI_EXT_CAP_ID_ATS, 0x140);
	ext_cap(0x140, PCI_EXT_CAP_ID_PRI, 0x100);
	TEST_ASSERT_OK(expect_finding(PDK_PCICFG_F_LOOP, 2, "goes back to 0x100"));
	/* overlap: PCIe v2 at 0x40 runs to 0x7c, MSI-X at 0x50 inside it */
	sp_init(DID, 0x40);
	std_cap(0x40, PCI_CAP_ID_EXP, 0x50, 2);
	std_cap(0x50, PCI_CAP_ID_MSIX, 0, 0);
	TEST_ASSERT_OK(expect_finding(PDK_PCICFG_F_OVERLAP, 2, "overlaps"));
	sp_init(DID, 0);
	ext_cap(0x100, PCI_EXT_CAP_ID_ERR, 0x120);
	ext_cap(0x120, PCI_EXT_CAP_ID_PASID, 0);
	TEST_ASSERT_OK(expect_finding(PDK_PCICFG_F_OVERLAP, 2, "0x1b (PASID) at 0x120"));
	/* out of bounds: into the header, below 0x100, a length beyond 0xff */
	sp_init(DID, 0x20);
	TEST_ASSERT_OK(expect_finding(PDK_PCICFG_F_BOUNDS, 0, "inside the header"));
	sp_init(DID, 0);
	ext_cap(0x100, PCI_EXT_CAP_ID_ATS, 0x0fc);
	TEST_ASSERT_OK(expect_finding(PDK_PCICFG_F_BOUNDS, 1, "outside 0x100-0xFFC"));
	sp_init(DID, 0xf0);
	std_cap(0xf0, PCI_CAP_ID_EXP, 0, 2);
	TEST_ASSERT_OK(expect_finding(PDK_PCICFG_F_BOUNDS, 1, "leaves the standard space"));
	/* misaligned */
	/* misaligned: reported, then followed masked as the kernel and lspci do */
	sp_init(DID, 0x41);
	std_cap(0x40, PCI_CAP_ID_MSIX, 0, 0);
	TEST_ASSERT_OK(expect_finding(PDK_PCICFG_F_MISALIGNED, 1, "followed as 0x40"));
	sp_init(DID, 0);
	ext_cap(0x100, PCI_EXT_CAP_ID_ATS, 0x142);
	ext_cap(0x140, PCI_EXT_CAP_ID_PRI, 0);
	TEST_ASSERT_OK(expect_finding(PDK_PCICFG_F_MISALIGNED, 2, "0x142"));
	/* a next pointer to an empty header */
	sp_init(DID, 0);
	ext_cap(0x100, PCI_EXT_CAP_ID_ATS, 0x200);
	TEST_ASSERT_OK(expect_finding(PDK_PCICFG_F_BAD_HEADER, 1, "taken as the end"));

	/* all ones: a gone function; nothing placed */
	memset(sp, 0xff, sizeof(sp));
	TEST_ASSERT_OK(expect_finding(PDK_PCICFG_F_ALL_ONES, 0, "all ones"));
	cfg = parse(PDK_PCICFG_SIZE);
	TEST_ASSERT(cfg != NULL, "parse");
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_pcicfg_place_pasid(cfg, PDK_PCICFG_PLACE_END, 0, &pl), -ENOSPC);
	TEST_ASSERT_LOGGED_ONCE("all ones");
	test_log_capture_stop();
	pdk_pcicfg_free(cfg);

	/* 64 bytes (an unprivileged sysfs read): truncated, no walk */
	sp_endpoint(0x150);
	cfg = parse(64);
	TEST_ASSERT(cfg != NULL, "parse");
	TEST_ASSERT(finding(cfg, PDK_PCICFG_F_TRUNCATED) != NULL, "truncated");
	TEST_ASSERT_EQ(pdk_pcicfg_count(cfg, PDK_PCICFG_CAPS), 0);
	pdk_pcicfg_free(cfg);

	/* bad sizes are errors, not findings */
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_pcicfg_parse(sp, 63, &cfg), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("63 bytes");
	test_log_capture_stop();
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(pcicfg_malformed, fast, test_pcicfg_malformed);

/* lspci -xxx / -xxxx text of the current space, after a title line */
static char *
lspci_text(size_t len, const char *title)
{
	size_t cap = len / 16 * 60 + 128, n = 0, off, i;
	char *t = malloc(cap);

	if (t == NULL)
		return NULL;
	n += (size_t)snprintf(t + n, cap - n, "%s\n", title);
	for (off = 0; off < len; off += 16) {
		n += (size_t)snprintf(t + n, cap - n, "%02zx:", off);
		for (i = 0; i < 16; i++)
			n += (size_t)snprintf(t + n, cap - n, " %02x", sp[off + i]);
		n += (size_t)snprintf(t + n, cap - n, "\n");
	}
	return t;
}

static int
test_pcicfg_lspci(void)
{
	static const char title[] = "00:04.0 System peripheral: Intel Corporation Device 0b25";
	uint8_t back[PDK_PCICFG_SIZE];
	struct pdk_pcicfg_place pl;
	struct pdk_pcicfg *cfg;
	char path[] = "/tmp/pdk-pcicfg-XXXXXX", *t, *nl;
	FILE *f;
	int fd;

	sp_endpoint(0x150);
	t = lspci_text(PDK_PCICFG_SIZE, title);
	TEST_ASSERT(t != NULL, "malloc");
	TEST_ASSERT_OK(pdk_pcicfg_parse_lspci(t, &cfg));
	TEST_ASSERT_EQ(pdk_pcicfg_size(cfg), PDK_PCICFG_SIZE);
	TEST_ASSERT_OK(pdk_pcicfg_bytes(cfg, 0, back, sizeof(back)));
	TEST_ASSERT(memcmp(back, sp, sizeof(sp)) == 0, "lspci -xxxx bytes differ");
	TEST_ASSERT_EQ(pdk_pcicfg_count(cfg, PDK_PCICFG_CAPS), 8);
	pdk_pcicfg_free(cfg);

	/* the same text through a file */
	fd = mkstemp(path);
	TEST_ASSERT(fd >= 0, "mkstemp");
	f = fdopen(fd, "w");
	TEST_ASSERT(f != NULL, "fdopen");
	fputs(t, f);
	fclose(f);
	TEST_ASSERT_OK(pdk_pcicfg_read_file(path, &cfg));
	TEST_ASSERT_EQ(pdk_pcicfg_count(cfg, PDK_PCICFG_CAPS), 8);
	pdk_pcicfg_free(cfg);
	/* and a binary dump */
	f = fopen(path, "w");
	TEST_ASSERT(f != NULL, "fopen");
	fwrite(sp, 1, sizeof(sp), f);
	fclose(f);
	TEST_ASSERT_OK(pdk_pcicfg_read_file(path, &cfg));
	TEST_ASSERT_EQ(pdk_pcicfg_count(cfg, PDK_PCICFG_CAPS), 8);
	pdk_pcicfg_free(cfg);
	f = fopen(path, "w");
	TEST_ASSERT(f != NULL, "fopen");
	fwrite(sp, 1, 300, f);
	fclose(f);
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_pcicfg_read_file(path, &cfg), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("300 bytes that are neither");
	test_log_capture_stop();
	unlink(path);

	/* a broken byte on the third dump line (line 4 with the title) */
	nl = strchr(t, '\n');
	nl = strchr(nl + 1, '\n');
	nl = strchr(nl + 1, '\n');
	nl[6] = 'z';
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_pcicfg_parse_lspci(t, &cfg), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("lspci text line 4");
	test_log_capture_stop();
	free(t);

	/* -xxx: 256 bytes, no extended space to place into */
	t = lspci_text(PDK_PCICFG_STD_SIZE, title);
	TEST_ASSERT(t != NULL, "malloc");
	TEST_ASSERT_OK(pdk_pcicfg_parse_lspci(t, &cfg));
	TEST_ASSERT_EQ(pdk_pcicfg_size(cfg), PDK_PCICFG_STD_SIZE);
	TEST_ASSERT_EQ(pdk_pcicfg_count(cfg, PDK_PCICFG_CAPS), 4);
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_pcicfg_place_pasid(cfg, PDK_PCICFG_PLACE_END, 0, &pl), -ENOSPC);
	TEST_ASSERT_LOGGED_ONCE("no extended space");
	test_log_capture_stop();
	pdk_pcicfg_free(cfg);
	free(t);

	/* two functions in one text */
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_pcicfg_parse_lspci("00: 86 80 25 0b 00 00 00 00 00 00 00 00 00 00 00 00\n"
					      "00: 86 80 25 0b 00 00 00 00 00 00 00 00 00 00 00 00\n",
					      &cfg), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("a second function");
	test_log_capture_stop();
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(pcicfg_lspci, fast, test_pcicfg_lspci);

static int
write_quirks(char *path, const char *text)
{
	int fd = mkstemp(path);
	FILE *f;

	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	if (f == NULL)
		return -1;
	fputs(text, f);
	fclose(f);
	return 0;
}

static int
test_pcicfg_place(void)
{
	char qpath[] = "/tmp/pdk-pcicfg-q-XXXXXX", bad[] = "/tmp/pdk-pcicfg-b-XXXXXX";
	struct pdk_pcicfg_place pl;
	struct pdk_pcicfg *cfg;

	sp_endpoint(0x150);
	cfg = parse(PDK_PCICFG_SIZE);
	TEST_ASSERT(cfg != NULL, "parse");
	TEST_ASSERT_OK(pdk_pcicfg_place_pasid(cfg, PDK_PCICFG_PLACE_PHYSICAL, 0, &pl));
	TEST_ASSERT(pl.offset == 0x148 && strstr(pl.why, "own PASID"), "0x%x %s", pl.offset, pl.why);
	TEST_ASSERT_OK(pdk_pcicfg_place_pasid(cfg, PDK_PCICFG_PLACE_END, 0, &pl));
	TEST_ASSERT_EQ(pl.offset, 0xff8);
	/* after the chain: not the 8-byte hole at 0x138 inside it */
	TEST_ASSERT_OK(pdk_pcicfg_place_pasid(cfg, PDK_PCICFG_PLACE_FIRST_FIT, 0, &pl));
	TEST_ASSERT(pl.offset == 0x160 && strstr(pl.why, "ends at 0x160"), "0x%x %s", pl.offset, pl.why);
	TEST_ASSERT_OK(pdk_pcicfg_place_pasid(cfg, PDK_PCICFG_PLACE_USER, 0x138, &pl));
	TEST_ASSERT_EQ(pl.offset, 0x138);
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_pcicfg_place_pasid(cfg, PDK_PCICFG_PLACE_USER, 0x13a, &pl), -EINVAL);
	TEST_ASSERT(strstr(pl.why, "dword-aligned") && pl.offset == 0, "%s", pl.why);
	TEST_ASSERT_LOGGED_ONCE("policy user");
	test_log_clear();
	TEST_ASSERT_RC(pdk_pcicfg_place_pasid(cfg, PDK_PCICFG_PLACE_USER, 0xffc, &pl), -EINVAL);
	test_log_clear();
	TEST_ASSERT_RC(pdk_pcicfg_place_pasid(cfg, PDK_PCICFG_PLACE_USER, 0x144, &pl), -EBUSY);
	TEST_ASSERT(strstr(pl.why, "Address Translation Services 0x140+0x8"), "%s", pl.why);
	TEST_ASSERT_LOGGED_ONCE("overlap");
	test_log_clear();
	TEST_ASSERT_RC(pdk_pcicfg_place_pasid(cfg, PDK_PCICFG_PLACE_DVSEC, 0, &pl), -ENOENT);
	TEST_ASSERT(strstr(pl.why, "no free-space DVSEC"), "%s", pl.why);
	test_log_clear();
	TEST_ASSERT_RC(pdk_pcicfg_place_pasid(cfg, PDK_PCICFG_PLACE_QUIRK, 0, &pl), -ENOENT);
	TEST_ASSERT(strstr(pl.why, "no pasid entry for 8086:0b25"), "%s", pl.why);
	test_log_clear();
	TEST_ASSERT_RC(pdk_pcicfg_place_pasid(cfg, (enum pdk_pcicfg_policy)42, 0, &pl), -EINVAL);
	test_log_capture_stop();

	/* the quirk table hides 0x160-0xfff and names 0x138: nothing fits after the chain */
	TEST_ASSERT_OK(write_quirks(qpath,
		"# test table\n"
		"8086:0b25 hidden 0x160 0xea0 test: hand-made hidden registers\n"
		"8086:0b25 pasid 0x138 test: hand-made entry\n"
		"8086:1111 hidden 0x100 0x10 another device\n"));
	TEST_ASSERT_RC(pdk_pcicfg_quirks_apply(cfg, qpath), 2);
	unlink(qpath);
	TEST_ASSERT_EQ(pdk_pcicfg_count(cfg, PDK_PCICFG_HIDDEN), 1);
	TEST_ASSERT(strstr(pdk_pcicfg_get(cfg, PDK_PCICFG_HIDDEN, 0)->source, "hand-made hidden"), "src");
	TEST_ASSERT_EQ(pdk_pcicfg_count(cfg, PDK_PCICFG_HOLES), 1);
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_pcicfg_place_pasid(cfg, PDK_PCICFG_PLACE_FIRST_FIT, 0, &pl), -ENOSPC);
	TEST_ASSERT(strstr(pl.why, "no free 8 bytes after the extended chain"), "%s", pl.why);
	TEST_ASSERT_LOGGED_ONCE("policy first-fit");
	test_log_clear();
	TEST_ASSERT_RC(pdk_pcicfg_place_pasid(cfg, PDK_PCICFG_PLACE_END, 0, &pl), -ENOSPC);
	TEST_ASSERT(strstr(pl.why, "hidden 0x160+0xea0"), "%s", pl.why);
	test_log_capture_stop();
	TEST_ASSERT_OK(pdk_pcicfg_place_pasid(cfg, PDK_PCICFG_PLACE_QUIRK, 0, &pl));
	TEST_ASSERT(pl.offset == 0x138 && strstr(pl.why, "hand-made entry"), "%s", pl.why);

	/* a malformed table names its line */
	TEST_ASSERT_OK(write_quirks(bad, "8086:0b25 hidden 0x161 0x8 misaligned\n"));
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_pcicfg_quirks_apply(cfg, bad), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("quirk table line 1");
	test_log_capture_stop();
	unlink(bad);
	pdk_pcicfg_free(cfg);

	/* the shipped table parses; its example entries are for fffe:0001 only */
	sp_endpoint(0x150);
	w16(PCI_VENDOR_ID, 0xfffe);
	w16(PCI_DEVICE_ID, 0x0001);
	cfg = parse(PDK_PCICFG_SIZE);
	TEST_ASSERT(cfg != NULL, "parse");
	TEST_ASSERT_RC(pdk_pcicfg_quirks_apply(cfg, PDK_TEST_QUIRKS), 2);
	TEST_ASSERT(strstr(pdk_pcicfg_get(cfg, PDK_PCICFG_HIDDEN, 0)->source, "EXAMPLE ONLY"), "label");
	TEST_ASSERT_OK(pdk_pcicfg_place_pasid(cfg, PDK_PCICFG_PLACE_QUIRK, 0, &pl));
	TEST_ASSERT_EQ(pl.offset, 0x300);
	pdk_pcicfg_free(cfg);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(pcicfg_place, fast, test_pcicfg_place);

/* PDK's free-space DVSEC proposal, at 0x160: ranges 0x400+0x10 and (bad) 0x150+8 */
static int
test_pcicfg_free_dvsec(void)
{
	const struct pdk_pcicfg_range *r;
	struct pdk_pcicfg_place pl;
	struct pdk_pcicfg *cfg;

	sp_endpoint(0x150);
	ext_cap(0x150, PCI_EXT_CAP_ID_PRI, 0x160);
	ext_cap(0x160, PCI_EXT_CAP_ID_DVSEC, 0);
	w32(0x164, (0x0cu + 16) << 20 | PDK_PCICFG_FREE_DVSEC_VENDOR);
	w16(0x168, PDK_PCICFG_FREE_DVSEC_ID);
	w16(0x16a, 2);
	w16(0x16c, 0x150);	/* overlaps PRI: ignored, a finding */
	w16(0x16e, 8);
	w32(0x170, PDK_PCICFG_FREE_DVSEC_FLAG_FREE);
	w16(0x174, 0x400);
	w16(0x176, 0x10);
	w32(0x178, PDK_PCICFG_FREE_DVSEC_FLAG_FREE);
	cfg = parse(PDK_PCICFG_SIZE);
	TEST_ASSERT(cfg != NULL, "parse");
	TEST_ASSERT_EQ(pdk_pcicfg_find(cfg, PDK_PCICFG_EXT, PCI_EXT_CAP_ID_DVSEC)->length, 0x1c);
	TEST_ASSERT_EQ(pdk_pcicfg_count(cfg, PDK_PCICFG_FREE), 1);
	r = pdk_pcicfg_get(cfg, PDK_PCICFG_FREE, 0);
	TEST_ASSERT(r->offset == 0x400 && r->length == 0x10 && strstr(r->source, "proposal"), "free");
	TEST_ASSERT(finding(cfg, PDK_PCICFG_F_BAD_DVSEC) != NULL, "the overlapping range");
	TEST_ASSERT_OK(pdk_pcicfg_place_pasid(cfg, PDK_PCICFG_PLACE_DVSEC, 0, &pl));
	TEST_ASSERT(pl.offset == 0x400 && strstr(pl.why, "proposal"), "%s", pl.why);
	pdk_pcicfg_free(cfg);

	/* a length that does not match the count: ignored */
	w32(0x164, 0x20u << 20 | PDK_PCICFG_FREE_DVSEC_VENDOR);
	cfg = parse(PDK_PCICFG_SIZE);
	TEST_ASSERT(cfg != NULL, "parse");
	TEST_ASSERT_EQ(pdk_pcicfg_count(cfg, PDK_PCICFG_FREE), 0);
	TEST_ASSERT(finding(cfg, PDK_PCICFG_F_BAD_DVSEC) != NULL, "bad length");
	pdk_pcicfg_free(cfg);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(pcicfg_free_dvsec, fast, test_pcicfg_free_dvsec);

static char *
layout_text(const struct pdk_pcicfg_layout *l)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	if (pdk_pcicfg_layout_write(l, f) != 0) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	return buf;
}

static int
test_pcicfg_layout(void)
{
	static const char *const bad[][2] = {
		{ "{\"pdk_pcicfg_layout\": 2, \"vendor\": 1, \"device\": 2, \"caps\": []}", "format 2" },
		{ "{\"pdk_pcicfg_layout\": 1, \"vendor\": 1, \"device\": 2, \"caps\": [], \"x\": 1}", "unknown key" },
		{ "{\"pdk_pcicfg_layout\": 1, \"vendor\": 1, \"vendor\": 1, \"device\": 2, \"caps\": []}", "twice" },
		{ "{\"pdk_pcicfg_layout\": 1, \"vendor\": 1, \"device\": 2, \"caps\": []} x", "text after" },
		{ "{\"pdk_pcicfg_layout\": 1, \"vendor\": 70000, \"device\": 2, \"caps\": []}", "above 65535" },
		{ "{\"pdk_pcicfg_layout\": 1, \"vendor\": 1, \"device\": 2,\n \"caps\": [{\"kind\": \"ext\", "
		  "\"id\": 27, \"offset\": 258, \"length\": 8}]}", "line 2" },
		{ "{\"vendor\": 1, \"device\": 2, \"caps\": []}", "not a layout file" },
	};
	struct pdk_pcicfg_layout *a, *b, *c;
	struct pdk_pcicfg *cfg, *cfg2;
	struct pdk_pcicfg_place pl;
	char report[1024], *t;
	unsigned int i;

	sp_endpoint(0x150);
	cfg = parse(PDK_PCICFG_SIZE);
	TEST_ASSERT(cfg != NULL, "parse");
	TEST_ASSERT_OK(pdk_pcicfg_place_pasid(cfg, PDK_PCICFG_PLACE_END, 0, &pl));
	TEST_ASSERT_OK(pdk_pcicfg_layout_from(cfg, &pl, &a));
	t = layout_text(a);
	TEST_ASSERT(t != NULL, "write");
	TEST_ASSERT(strstr(t, "\"pdk_pcicfg_layout\": 1") != NULL, "%s", t);
	/* the guest's PASID is the virtual one at 0xff8, not the hidden physical one */
	TEST_ASSERT(strstr(t, "{\"kind\": \"ext\", \"id\": 27, \"offset\": 4088, \"length\": 8}") != NULL &&
		    strstr(t, "\"offset\": 328") == NULL, "%s", t);
	TEST_ASSERT_OK(pdk_pcicfg_layout_parse(t, &b));
	free(t);
	TEST_ASSERT_RC(pdk_pcicfg_layout_compare(a, b, report, sizeof(report)), 0);
	TEST_ASSERT(strcmp(report, "compatible") == 0, "%s", report);

	/* the destination has PRI 16 bytes further: one difference, named */
	sp_endpoint(0x160);
	cfg2 = parse(PDK_PCICFG_SIZE);
	TEST_ASSERT(cfg2 != NULL, "parse");
	TEST_ASSERT_OK(pdk_pcicfg_layout_from(cfg2, &pl, &c));
	TEST_ASSERT_RC(pdk_pcicfg_layout_compare(a, c, report, sizeof(report)), 1);
	TEST_ASSERT(strstr(report, "ext 0x13 (Page Request Interface): 0x150+0x10 here, 0x160+0x10 there"),
		    "%s", report);
	pdk_pcicfg_layout_free(c);
	/* no virtual PASID there: missing */
	TEST_ASSERT_OK(pdk_pcicfg_layout_from(cfg2, NULL, &c));
	TEST_ASSERT_RC(pdk_pcicfg_layout_compare(a, c, report, sizeof(report)), 2);
	TEST_ASSERT(strstr(report, "ext 0x1b (PASID) at 0xff8: missing there"), "%s", report);
	pdk_pcicfg_layout_free(c);
	pdk_pcicfg_free(cfg2);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		test_log_capture_start();
		c = (struct pdk_pcicfg_layout *)1;
		TEST_ASSERT_RC(pdk_pcicfg_layout_parse(bad[i][0], &c), -EINVAL);
		TEST_ASSERT(c == NULL, "case %u left a layout", i);
		TEST_ASSERT_LOGGED_ONCE(bad[i][1]);
		test_log_capture_stop();
	}
	pdk_pcicfg_layout_free(a);
	pdk_pcicfg_layout_free(b);
	pdk_pcicfg_free(cfg);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(pcicfg_layout, fast, test_pcicfg_layout);

/* sysfs config through a rooted kernel backend over a hand-made tree */
static int
test_pcicfg_read_sysfs(void)
{
	char root[] = "/tmp/pdk-pcicfg-sysfs-XXXXXX", dir[256], file[300];
	struct pdk_pcicfg *cfg;
	struct pdk_sys *sys;
	FILE *f;

	TEST_ASSERT(mkdtemp(root) != NULL, "mkdtemp");
	snprintf(dir, sizeof(dir), "mkdir -p %s/bus/pci/devices/0000:00:04.0", root);
	TEST_ASSERT(system(dir) == 0, "%s", dir);
	snprintf(file, sizeof(file), "%s/bus/pci/devices/0000:00:04.0/config", root);
	sp_endpoint(0x150);
	f = fopen(file, "w");
	TEST_ASSERT(f != NULL, "fopen %s", file);
	fwrite(sp, 1, sizeof(sp), f);
	fclose(f);
	sys = pdk_sys_kernel_rooted(root);
	TEST_ASSERT(sys != NULL, "rooted");
	TEST_ASSERT_OK(pdk_pcicfg_read_sysfs(sys, "00:04.0", &cfg));
	TEST_ASSERT_EQ(pdk_pcicfg_size(cfg), PDK_PCICFG_SIZE);
	TEST_ASSERT_EQ(pdk_pcicfg_count(cfg, PDK_PCICFG_CAPS), 8);
	pdk_pcicfg_free(cfg);
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_pcicfg_read_sysfs(sys, "00:05.0", &cfg), -ENOENT);
	TEST_ASSERT_LOGGED_ONCE("0000:00:05.0/config");
	test_log_capture_stop();
	pdk_sys_kernel_rooted_destroy(sys);
	snprintf(dir, sizeof(dir), "rm -rf %s", root);
	TEST_ASSERT(system(dir) == 0, "%s", dir);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(pcicfg_read_sysfs, fast, test_pcicfg_read_sysfs);

/* The SIMULATED function's VFIO config region parses, and agrees with a raw read. */
static int
test_pcicfg_read_vfio_sim(void)
{
	struct pdk_vfio_dev *dev;
	struct pdk_iommufd *ictx;
	struct pdk_pcicfg *cfg;
	struct pdk_sim *sim;
	uint32_t dev_id;
	uint16_t vid;

	TEST_ASSERT_OK(pdk_sim_create(NULL, &sim));
	TEST_ASSERT_OK(pdk_iommufd_open(pdk_sim_sys(sim), &ictx));
	TEST_ASSERT_OK(pdk_vfio_open(pdk_sim_sys(sim), PDK_SIM_DEFAULT_PCI_ADDR, &dev));
	TEST_ASSERT_OK(pdk_vfio_bind(dev, ictx, &dev_id));
	TEST_ASSERT_OK(pdk_pcicfg_read_vfio(dev, &cfg));
	TEST_ASSERT_OK(pdk_vfio_config_read(dev, PCI_VENDOR_ID, &vid, sizeof(vid)));
	TEST_ASSERT_EQ(pdk_pcicfg_vendor(cfg), vid);
	TEST_ASSERT(pdk_pcicfg_size(cfg) >= PDK_PCICFG_STD_SIZE, "%zu bytes", pdk_pcicfg_size(cfg));
	pdk_pcicfg_free(cfg);
	pdk_vfio_close(dev);
	pdk_iommufd_close(ictx);
	pdk_sim_destroy(sim);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(pcicfg_read_vfio_sim, fast, test_pcicfg_read_vfio_sim);

/* The PASID capability's registers, decoded from the map of any source. */
static int
test_pcicfg_pasid_cap(void)
{
	struct pdk_pcicfg_pasid_cap cap;
	struct pdk_pcicfg *cfg;

	sp_endpoint(0x150);
	/* Max PASID Width 20 (bits 12:8), Execute and Privileged supported; enabled, Privileged on */
	w16(0x148 + PCI_PASID_CAP, 20 << 8 | PCI_PASID_CAP_EXEC | PCI_PASID_CAP_PRIV);
	w16(0x148 + PCI_PASID_CTRL, PCI_PASID_CTRL_ENABLE | PCI_PASID_CTRL_PRIV);
	cfg = parse(PDK_PCICFG_SIZE);
	TEST_ASSERT(cfg != NULL, "parse");
	TEST_ASSERT_OK(pdk_pcicfg_pasid_cap(cfg, "a dump", &cap));
	TEST_ASSERT_EQ(cap.state, PDK_PCICFG_FACT_PRESENT);
	TEST_ASSERT_EQ(cap.offset, 0x148);
	TEST_ASSERT_EQ(cap.width, 20);
	TEST_ASSERT(cap.exec_supported && cap.priv_supported, "supported bits");
	TEST_ASSERT(cap.enabled && cap.priv_enabled && !cap.exec_enabled, "enabled bits");
	TEST_ASSERT(strcmp(cap.source, "a dump") == 0, "%s", cap.source);
	TEST_ASSERT(strcmp(pdk_pcicfg_fact_name(cap.state), "present") == 0, "name");
	pdk_pcicfg_free(cfg);

	/* 256 bytes: the extended space was not read, so nothing is known */
	cfg = parse(PDK_PCICFG_STD_SIZE);
	TEST_ASSERT_OK(pdk_pcicfg_pasid_cap(cfg, NULL, &cap));
	TEST_ASSERT_EQ(cap.state, PDK_PCICFG_FACT_UNKNOWN);
	TEST_ASSERT(strstr(cap.why, "256 bytes read") && strstr(cap.why, "extended space"), "%s",
		    cap.why);
	TEST_ASSERT(strcmp(cap.source, "config space") == 0, "%s", cap.source);
	pdk_pcicfg_free(cfg);

	/* all ones: unknown, not absent */
	memset(sp, 0xff, sizeof(sp));
	cfg = parse(PDK_PCICFG_SIZE);
	TEST_ASSERT_OK(pdk_pcicfg_pasid_cap(cfg, NULL, &cap));
	TEST_ASSERT_EQ(cap.state, PDK_PCICFG_FACT_UNKNOWN);
	TEST_ASSERT(strstr(cap.why, "all ones") != NULL, "%s", cap.why);
	pdk_pcicfg_free(cfg);

	/* a chain without one */
	sp_init(0x0b26, 0x40);
	std_cap(0x40, PCI_CAP_ID_EXP, 0, 2);
	ext_cap(0x100, PCI_EXT_CAP_ID_ATS, 0);
	cfg = parse(PDK_PCICFG_SIZE);
	TEST_ASSERT_OK(pdk_pcicfg_pasid_cap(cfg, NULL, &cap));
	TEST_ASSERT_EQ(cap.state, PDK_PCICFG_FACT_ABSENT);

	test_log_capture_start();
	TEST_ASSERT_RC(pdk_pcicfg_pasid_cap(cfg, NULL, NULL), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("pdk_pcicfg_pasid_cap: NULL cap");
	test_log_capture_stop();
	pdk_pcicfg_free(cfg);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(pcicfg_pasid_cap, fast, test_pcicfg_pasid_cap);

static int
write_config(const char *root, const char *addr)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s", root, addr);
	if (mkdir(path, 0755) != 0)
		return -errno;
	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/config", root, addr);
	f = fopen(path, "w");
	if (f == NULL)
		return -errno;
	fwrite(sp, 1, sizeof(sp), f);
	return fclose(f) == 0 ? 0 : -EIO;
}

static int
write_attr(const char *root, const char *addr, const char *attr, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/%s", root, addr, attr);
	f = fopen(path, "w");
	if (f == NULL)
		return -errno;
	fputs(text, f);
	return fclose(f) == 0 ? 0 : -EIO;
}

/*
 * The facts from sysfs of a hand-made tree: a PF with a PASID capability,
 * its VF (a physfn link, no capability: it shares the PF's), a function
 * whose config cannot be read. No VFIO device: the IOMMU and VFIO facts
 * say they were not asked.
 */
static int
test_pcicfg_pasid_facts_sysfs(void)
{
	char root[] = "/tmp/pdk-pcicfg-facts-XXXXXX", path[512];
	struct pdk_pcicfg_pasid_facts f;
	struct pdk_pcicfg *cfg;
	struct pdk_sys *sys;

	TEST_ASSERT(mkdtemp(root) != NULL, "mkdtemp");
	snprintf(path, sizeof(path), "mkdir -p %s/bus/pci/devices", root);
	TEST_ASSERT(system(path) == 0, "%s", path);
	sp_endpoint(0x150);
	w16(0x148 + PCI_PASID_CAP, 16 << 8 | PCI_PASID_CAP_PRIV);
	TEST_ASSERT_OK(write_config(root, "0000:00:04.0"));
	/* a VF's Vendor and Device ID registers read as ffff; sysfs knows its IDs */
	sp_init(0x0b26, 0x40);
	w16(PCI_VENDOR_ID, 0xffff);
	w16(PCI_DEVICE_ID, 0xffff);
	std_cap(0x40, PCI_CAP_ID_EXP, 0, 2);
	ext_cap(0x100, PCI_EXT_CAP_ID_ARI, 0);
	TEST_ASSERT_OK(write_config(root, "0000:00:04.1"));
	snprintf(path, sizeof(path), "%s/bus/pci/devices/0000:00:04.1/physfn", root);
	TEST_ASSERT(symlink("../0000:00:04.0", path) == 0, "symlink %s", path);
	TEST_ASSERT_OK(write_attr(root, "0000:00:04.1", "vendor", "0x8086\n"));
	TEST_ASSERT_OK(write_attr(root, "0000:00:04.1", "device", "0x0b26\n"));
	snprintf(path, sizeof(path), "%s/bus/pci/devices/0000:00:05.0", root);
	TEST_ASSERT(mkdir(path, 0755) == 0, "mkdir %s", path);
	sys = pdk_sys_kernel_rooted(root);
	TEST_ASSERT(sys != NULL, "rooted");

	/* the PF: its own capability */
	TEST_ASSERT_OK(pdk_pcicfg_pasid_facts(sys, "00:04.0", NULL, &f));
	TEST_ASSERT(strcmp(f.pci_addr, "0000:00:04.0") == 0, "%s", f.pci_addr);
	TEST_ASSERT_EQ(f.is_vf, 0);
	TEST_ASSERT_EQ(f.physical.state, PDK_PCICFG_FACT_PRESENT);
	TEST_ASSERT_EQ(f.physical.offset, 0x148);
	TEST_ASSERT_EQ(f.physical.width, 16);
	TEST_ASSERT(f.physical.priv_supported && !f.physical.exec_supported, "bits");
	TEST_ASSERT(strstr(f.physical.source, "/sys/bus/pci/devices/0000:00:04.0/config") != NULL,
		    "%s", f.physical.source);
	TEST_ASSERT(strstr(f.physical.why, "own PASID capability") != NULL, "%s", f.physical.why);
	TEST_ASSERT_EQ(f.pf_cap.state, PDK_PCICFG_FACT_UNKNOWN);
	TEST_ASSERT_EQ(f.iommu.state, PDK_PCICFG_FACT_UNKNOWN);
	TEST_ASSERT(strstr(f.iommu.why, "not asked") != NULL, "%s", f.iommu.why);
	TEST_ASSERT_EQ(f.vfio.state, PDK_PCICFG_FACT_UNKNOWN);

	/* the VF: none of its own, its PF's beside it */
	TEST_ASSERT_OK(pdk_pcicfg_pasid_facts(sys, "0000:00:04.1", NULL, &f));
	TEST_ASSERT_EQ(f.is_vf, 1);
	TEST_ASSERT(strcmp(f.pf, "0000:00:04.0") == 0, "pf %s", f.pf);
	TEST_ASSERT_EQ(f.physical.state, PDK_PCICFG_FACT_ABSENT);
	TEST_ASSERT(strstr(f.physical.why, "a VF has no PASID capability of its own") &&
		    strstr(f.physical.why, "drivers/pci/ats.c") &&
		    strstr(f.physical.why, "PF 0000:00:04.0"), "%s", f.physical.why);
	TEST_ASSERT_EQ(f.pf_cap.state, PDK_PCICFG_FACT_PRESENT);
	TEST_ASSERT_EQ(f.pf_cap.offset, 0x148);
	TEST_ASSERT_EQ(f.pf_cap.width, 16);
	/* the VF's map carries the IDs a guest sees, not the registers' ffff */
	TEST_ASSERT_OK(pdk_pcicfg_read_sysfs(sys, "0000:00:04.1", &cfg));
	TEST_ASSERT_EQ(pdk_pcicfg_vendor(cfg), 0x8086);
	TEST_ASSERT_EQ(pdk_pcicfg_device(cfg), 0x0b26);
	pdk_pcicfg_free(cfg);

	/* no config file: a fact (unknown, why), not an error, and no ERR line */
	test_log_capture_start();
	TEST_ASSERT_OK(pdk_pcicfg_pasid_facts(sys, "00:05.0", NULL, &f));
	TEST_ASSERT_EQ(f.physical.state, PDK_PCICFG_FACT_UNKNOWN);
	TEST_ASSERT(strstr(f.physical.why, "not readable") != NULL, "%s", f.physical.why);
	TEST_ASSERT_EQ(test_log_errors(), 0);
	/* what is not a fact is an error */
	TEST_ASSERT_RC(pdk_pcicfg_pasid_facts(sys, "00:05", NULL, &f), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("PCI address \"00:05\"");
	test_log_clear();
	TEST_ASSERT_RC(pdk_pcicfg_pasid_facts(sys, NULL, NULL, &f), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("pdk_pcicfg_pasid_facts: no address");
	test_log_capture_stop();

	pdk_sys_kernel_rooted_destroy(sys);
	snprintf(path, sizeof(path), "rm -rf %s", root);
	TEST_ASSERT(system(path) == 0, "%s", path);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(pcicfg_pasid_facts_sysfs, fast, test_pcicfg_pasid_facts_sysfs);

static int
sim_facts(struct pdk_sim *sim, const char *addr, struct pdk_pcicfg_pasid_facts *f)
{
	struct pdk_vfio_dev *dev;
	struct pdk_iommufd *ictx;
	uint32_t dev_id;

	TEST_ASSERT_OK(pdk_iommufd_open(pdk_sim_sys(sim), &ictx));
	TEST_ASSERT_OK(pdk_vfio_open(pdk_sim_sys(sim), addr, &dev));
	/* not bound yet: neither view is asked (the kernel would refuse), nothing logged */
	test_log_capture_start();
	TEST_ASSERT_OK(pdk_pcicfg_pasid_facts(NULL, NULL, dev, f));
	TEST_ASSERT_EQ(test_log_errors(), 0);
	test_log_capture_stop();
	TEST_ASSERT_EQ(f->iommu.state, PDK_PCICFG_FACT_UNKNOWN);
	TEST_ASSERT(strstr(f->iommu.why, "not bound") != NULL, "%s", f->iommu.why);
	TEST_ASSERT_EQ(f->vfio.state, PDK_PCICFG_FACT_UNKNOWN);
	TEST_ASSERT(strstr(f->vfio.why, "not bound") != NULL, "%s", f->vfio.why);
	TEST_ASSERT_OK(pdk_vfio_bind(dev, ictx, &dev_id));
	TEST_ASSERT_OK(pdk_pcicfg_pasid_facts(NULL, NULL, dev, f));
	pdk_vfio_close(dev);
	pdk_iommufd_close(ictx);
	return TEST_SUCCESS;
}

/*
 * The SIMULATED functions: the IOMMU's view is GET_HW_INFO's (the default
 * function's 20 bits; 0 for one made with pasid_bits 0), and the VFIO
 * config region shows no PASID capability: vfio-pci hides it.
 */
static int
test_pcicfg_pasid_facts_sim(void)
{
	static const struct pdk_sim_fn_config nopasid = {
		.pci_addr = "0000:00:05.0", .model = PDK_SIM_MODEL_PLAIN, .pasid_bits = 0,
	};
	static const struct pdk_sim_fn_config priv = {
		.pci_addr = "0000:00:06.0", .model = PDK_SIM_MODEL_PLAIN, .pasid_bits = 8,
		.pasid_priv = true,
	};
	struct pdk_pcicfg_pasid_facts f;
	struct pdk_sim *sim;

	TEST_ASSERT_OK(pdk_sim_create(NULL, &sim));
	TEST_ASSERT_OK(pdk_sim_fn_add(sim, &nopasid, NULL));
	TEST_ASSERT_OK(pdk_sim_fn_add(sim, &priv, NULL));

	TEST_ASSERT_EQ(sim_facts(sim, PDK_SIM_DEFAULT_PCI_ADDR, &f), TEST_SUCCESS);
	TEST_ASSERT_EQ(f.iommu.state, PDK_PCICFG_FACT_PRESENT);
	TEST_ASSERT_EQ(f.iommu.rc, 0);
	TEST_ASSERT_EQ(f.iommu.max_pasid_log2, 20);
	TEST_ASSERT(strstr(f.iommu.source, "IOMMU_GET_HW_INFO dev_id") != NULL, "%s", f.iommu.source);
	TEST_ASSERT(strstr(f.iommu.why, "PASIDs 1..1048575") != NULL, "%s", f.iommu.why);
	TEST_ASSERT_EQ(f.vfio.state, PDK_PCICFG_FACT_ABSENT);
	TEST_ASSERT(strstr(f.vfio.why, "vfio-pci hides the PASID capability") &&
		    strstr(f.vfio.why, "vfio_pci_config.c"), "%s", f.vfio.why);
	TEST_ASSERT(strstr(f.vfio.source, "VFIO config region of 0000:00:04.0") != NULL, "%s",
		    f.vfio.source);
	TEST_ASSERT(strstr(f.physical.source, "/sys/bus/pci/devices/0000:00:04.0/config") != NULL,
		    "%s", f.physical.source);

	TEST_ASSERT_EQ(sim_facts(sim, "0000:00:05.0", &f), TEST_SUCCESS);
	TEST_ASSERT_EQ(f.iommu.state, PDK_PCICFG_FACT_ABSENT);
	TEST_ASSERT_EQ(f.iommu.max_pasid_log2, 0);
	TEST_ASSERT(strstr(f.iommu.why, "out_max_pasid_log2 0") != NULL, "%s", f.iommu.why);
	TEST_ASSERT_EQ(f.vfio.state, PDK_PCICFG_FACT_ABSENT);
	TEST_ASSERT(f.physical.state != PDK_PCICFG_FACT_PRESENT, "pasid_bits 0 with a capability");

	TEST_ASSERT_EQ(sim_facts(sim, "0000:00:06.0", &f), TEST_SUCCESS);
	TEST_ASSERT_EQ(f.iommu.max_pasid_log2, 8);
	TEST_ASSERT(f.iommu.priv && !f.iommu.exec, "priv %d exec %d", f.iommu.priv, f.iommu.exec);
	TEST_ASSERT(strstr(f.iommu.why, "_PRIV set") != NULL, "%s", f.iommu.why);

	TEST_ASSERT_OK(pdk_sim_destroy(sim));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(pcicfg_pasid_facts_sim, fast, test_pcicfg_pasid_facts_sim);
