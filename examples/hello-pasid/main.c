/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * hello-pasid: the PASID flow in one file.
 *
 *   open iommufd -> open the device's VFIO cdev -> bind -> learn the PASID
 *   width -> two address spaces -> two PASIDs, one per space -> map memory ->
 *   a DMA tagged with PASID A, checked byte by byte -> the same device, same
 *   PASID, aiming at memory only PASID B may reach: an IOMMU fault, no byte
 *   lands -> teardown.
 *
 * With no argument it runs on PDK's simulated kernel and its pdk-sim-dma
 * function (a simulation, not hardware). Given a PCI address it uses the real
 * kernel; the DMA steps then need a device whose DMA this example knows how
 * to program (only pdk-sim-dma): for any other device it stops after the
 * mapping and says so.
 */

#include <errno.h>
#include <getopt.h>
#include <linux/pci_regs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <pdk_dma.h>
#include <pdk_iommufd.h>
#include <pdk_pasid.h>
#include <pdk_sim.h>
#include <pdk_vfio.h>

#define LEN (16 * 1024)
/* B's buffer is placed here, an IOVA that A's space does not map */
#define B_IOVA 0x40000000ull

struct hello {
	struct pdk_sys *sys;
	struct pdk_sim *sim;		/* NULL on the real kernel */
	char addr[PDK_PCI_ADDR_LEN];
	struct pdk_iommufd *ictx;
	struct pdk_vfio_dev *dev;
	struct pdk_pasid_space *space;
	struct pdk_dma_as *as_a, *as_b;
	struct pdk_pasid_ctx *pasid_a, *pasid_b;
	uint8_t *src, *dst, *secret;
};

static int
step(int rc, const char *what)
{
	if (rc < 0)
		fprintf(stderr, "hello-pasid: %s failed: %s (see the PDK log line above)\n",
			what, strerror(-rc));
	return rc;
}

static void *
buffer(void)
{
	void *p = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Program one pdk-sim-dma copy through BAR0 and return its status register. */
static int
simdma_copy(struct pdk_vfio_dev *dev, uint32_t pasid, uint64_t src, uint64_t dst, uint32_t len)
{
	uint32_t tag = PDK_SIMDMA_PASID_EN | pasid, cmd = PDK_SIMDMA_CMD_COPY, status;
	int rc;

	if ((rc = pdk_vfio_bar_write(dev, 0, PDK_SIMDMA_REG_SRC, &src, 8)) < 0 ||
	    (rc = pdk_vfio_bar_write(dev, 0, PDK_SIMDMA_REG_DST, &dst, 8)) < 0 ||
	    (rc = pdk_vfio_bar_write(dev, 0, PDK_SIMDMA_REG_LEN, &len, 4)) < 0 ||
	    (rc = pdk_vfio_bar_write(dev, 0, PDK_SIMDMA_REG_PASID, &tag, 4)) < 0 ||
	    (rc = pdk_vfio_bar_write(dev, 0, PDK_SIMDMA_REG_CMD, &cmd, 4)) < 0 ||
	    (rc = pdk_vfio_bar_read(dev, 0, PDK_SIMDMA_REG_STATUS, &status, 4)) < 0)
		return rc;
	return (int)status;
}

static bool
is_simdma(struct pdk_vfio_dev *dev)
{
	uint16_t id[2];

	return pdk_vfio_config_read(dev, PCI_VENDOR_ID, id, sizeof(id)) == 0 &&
	       id[0] == PDK_SIMDMA_VENDOR_ID && id[1] == PDK_SIMDMA_DEVICE_ID;
}

static int
run(struct hello *h)
{
	uint64_t src_iova, dst_iova, secret_iova;
	uint32_t dev_id, pa, pb, hw_a, hw_b;
	uint16_t cmd;
	int rc, i;

	if (step(pdk_iommufd_open(h->sys, &h->ictx), "open /dev/iommu") < 0 ||
	    step(pdk_vfio_open(h->sys, h->addr, &h->dev), "open the VFIO cdev") < 0)
		return -1;
	printf("1. opened /dev/iommu (fd %d) and %s's VFIO cdev (fd %d)\n",
	       pdk_iommufd_fd(h->ictx), h->addr, pdk_vfio_fd(h->dev));

	if (step(pdk_vfio_bind(h->dev, h->ictx, &dev_id), "VFIO_DEVICE_BIND_IOMMUFD") < 0)
		return -1;
	printf("2. bound the device to iommufd: dev_id %u\n", dev_id);

	if (step(pdk_pasid_space_create(h->dev, h->ictx, &h->space), "PASID space") < 0)
		return -1;
	printf("3. IOMMU_GET_HW_INFO: PASID width %u bits, PASIDs 1..%u usable\n",
	       pdk_pasid_space_width(h->space), (1u << pdk_pasid_space_width(h->space)) - 1);

	if (step(pdk_dma_as_create(h->ictx, "tenant-a", &h->as_a), "address space A") < 0 ||
	    step(pdk_dma_as_create(h->ictx, "tenant-b", &h->as_b), "address space B") < 0)
		return -1;
	printf("4. two address spaces: A = IOAS %u, B = IOAS %u\n",
	       pdk_dma_as_ioas_id(h->as_a), pdk_dma_as_ioas_id(h->as_b));

	if (step(pdk_pasid_ctx_create(h->space, h->as_a, 0, &h->pasid_a), "PASID A") < 0 ||
	    step(pdk_pasid_ctx_create(h->space, h->as_b, 0, &h->pasid_b), "PASID B") < 0)
		return -1;
	pa = pdk_pasid_ctx_pasid(h->pasid_a);
	pb = pdk_pasid_ctx_pasid(h->pasid_b);
	hw_a = pdk_pasid_ctx_hwpt(h->pasid_a);
	hw_b = pdk_pasid_ctx_hwpt(h->pasid_b);
	printf("5. PASID %u -> HWPT %u (IOMMU_HWPT_ALLOC_PASID) -> IOAS %u, attached\n"
	       "   PASID %u -> HWPT %u (IOMMU_HWPT_ALLOC_PASID) -> IOAS %u, attached\n",
	       pa, hw_a, pdk_dma_as_ioas_id(h->as_a), pb, hw_b, pdk_dma_as_ioas_id(h->as_b));

	h->src = buffer();
	h->dst = buffer();
	h->secret = buffer();
	if (h->src == NULL || h->dst == NULL || h->secret == NULL)
		return step(-ENOMEM, "buffers");
	for (i = 0; i < LEN; i++)
		h->src[i] = (uint8_t)(i ^ 0x5a);
	memset(h->secret, 0xee, LEN);
	if (step(pdk_dma_map(h->as_a, h->src, LEN, PDK_IOMMUFD_READ, &src_iova), "map src") < 0 ||
	    step(pdk_dma_map(h->as_a, h->dst, LEN, PDK_IOMMUFD_WRITE, &dst_iova), "map dst") < 0 ||
	    step(pdk_dma_map_iova(h->as_b, h->secret, LEN, B_IOVA,
				  PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE), "map B's buffer") < 0)
		return -1;
	secret_iova = B_IOVA;
	printf("6. mapped in A: src at IOVA 0x%llx (read), dst at IOVA 0x%llx (write)\n"
	       "   mapped in B: B's buffer at IOVA 0x%llx\n",
	       (unsigned long long)src_iova, (unsigned long long)dst_iova,
	       (unsigned long long)secret_iova);

	if (!is_simdma(h->dev)) {
		printf("7. %s is not a pdk-sim-dma function: this example cannot program its DMA.\n"
		       "   The PASID flow up to the mappings is done; a PDK driver (drivers/) tags\n"
		       "   a real device's DMA with these PASIDs.\n", h->addr);
		return 0;
	}
	/* a device needs bus mastering to make any DMA at all */
	if (step(pdk_vfio_config_read(h->dev, PCI_COMMAND, &cmd, 2), "read PCI_COMMAND") < 0)
		return -1;
	cmd |= PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY;
	if (step(pdk_vfio_config_write(h->dev, PCI_COMMAND, &cmd, 2), "enable bus mastering") < 0)
		return -1;

	rc = simdma_copy(h->dev, pa, src_iova, dst_iova, LEN);
	if (step(rc, "DMA through PASID A") < 0)
		return -1;
	if (rc != PDK_SIMDMA_ST_DONE || memcmp(h->src, h->dst, LEN) != 0) {
		fprintf(stderr, "hello-pasid: the copy through PASID %u did not land (status %d)\n",
			pa, rc);
		return -1;
	}
	printf("7. DMA tagged with PASID %u: %d bytes IOVA 0x%llx -> 0x%llx, every byte verified\n",
	       pa, LEN, (unsigned long long)src_iova, (unsigned long long)dst_iova);

	rc = simdma_copy(h->dev, pa, src_iova, secret_iova, LEN);
	if (step(rc, "DMA through PASID A into B's IOVA") < 0)
		return -1;
	for (i = 0; i < LEN && h->secret[i] == 0xee; i++)
		;
	if (rc != PDK_SIMDMA_ST_FAULT || i != LEN) {
		fprintf(stderr, "hello-pasid: isolation broken: status %d, byte %d changed\n", rc, i);
		return -1;
	}
	printf("8. DMA tagged with PASID %u to IOVA 0x%llx (mapped only in B, for PASID %u): ",
	       pa, (unsigned long long)secret_iova, pb);
	if (h->sim != NULL) {
		struct pdk_sim_fault f;

		if (pdk_sim_fault_pop(h->sim, &f) == 0)
			printf("IOMMU fault (%s, %s pasid %u iova 0x%llx %s), ",
			       f.reason, f.pci_addr, f.pasid, (unsigned long long)f.iova,
			       f.write ? "write" : "read");
	}
	printf("refused; B's %d bytes untouched\n", LEN);
	return 0;
}

static void
teardown(struct hello *h)
{
	/* in reverse: PASIDs, spaces, device, context; each tolerates NULL */
	if (h->pasid_a != NULL)
		pdk_pasid_ctx_release(h->pasid_a);
	if (h->pasid_b != NULL)
		pdk_pasid_ctx_release(h->pasid_b);
	if (h->space != NULL)
		pdk_pasid_space_destroy(h->space);
	if (h->as_a != NULL)
		pdk_dma_as_destroy(h->as_a);
	if (h->as_b != NULL)
		pdk_dma_as_destroy(h->as_b);
	if (h->dev != NULL)
		pdk_vfio_close(h->dev);
	if (h->ictx != NULL)
		pdk_iommufd_close(h->ictx);
	if (h->src != NULL)
		munmap(h->src, LEN);
	if (h->dst != NULL)
		munmap(h->dst, LEN);
	if (h->secret != NULL)
		munmap(h->secret, LEN);
}

static void
usage(const char *prog)
{
	printf("Usage: %s [PCI_ADDRESS | sim]\n"
	       "The PASID flow of PDK in one program: bind a VFIO cdev to iommufd, give two\n"
	       "PASIDs two address spaces, DMA through one, and show the IOMMU refusing the\n"
	       "other's memory.\n\n"
	       "Without an argument (or with \"sim\", or PDK_BACKEND=sim) it runs on PDK's\n"
	       "SIMULATED kernel and device: a simulation, not hardware. With a PCI address it\n"
	       "uses the real kernel (Linux 6.15+, CONFIG_IOMMUFD, CONFIG_VFIO_DEVICE_CDEV, the\n"
	       "device bound to vfio-pci).\n", prog);
}

int
main(int argc, char **argv)
{
	struct hello h = {0};
	int rc, leaks = 0;

	if (argc > 2 || (argc == 2 && (strcmp(argv[1], "-h") == 0 ||
				       strcmp(argv[1], "--help") == 0))) {
		usage(argv[0]);
		return argc > 2 ? 2 : 0;
	}
	if (step(pdk_sys_backend_open(argc == 2 ? argv[1] : NULL, &h.sys, h.addr),
		 "choose a backend") < 0)
		return 1;
	h.sim = pdk_sim_from_sys(h.sys);
	if (h.sim != NULL)
		printf("hello-pasid on PDK's SIMULATED kernel (a simulation, not hardware), "
		       "device %s (pdk-sim-dma)\n", h.addr);
	else
		printf("hello-pasid on the real kernel, device %s\n", h.addr);

	rc = run(&h);
	teardown(&h);
	if (rc == 0)
		printf("9. torn down: PASIDs detached and freed, HWPTs and IOASes destroyed, fds closed\n");
	else
		printf("stopped; everything set up before the failure was torn down\n");
	if (h.sim != NULL && !pdk_sim_is_clean(h.sim)) {
		fprintf(stderr, "hello-pasid: the simulated kernel still holds objects\n");
		rc = -1;
	}
	leaks = pdk_sys_backend_close(h.sys);
	return rc < 0 || leaks != 0 ? 1 : 0;
}
