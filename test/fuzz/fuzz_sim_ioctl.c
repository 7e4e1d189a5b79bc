/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * Fuzzer of the SIMULATED kernel's ioctl dispatcher, through the syscall
 * boundary: pdk_sys_ioctl() on the sim backend (pdk_sim_create() +
 * pdk_sim_sys()), on an iommufd fd and a VFIO device fd opened with
 * pdk_sys_open(), as a program would.
 *
 * An input is a sequence of up to 32 calls, each:
 *   byte 0   which ioctl: one of the table below, or (the last slot) a raw
 *            32-bit request number from the next 4 bytes
 *   byte 1   flags: bit 0 sends it to the other fd; bit 1 keeps the input's
 *            size/argsz instead of the struct's true size; bits 2-3 how
 *            the struct's user pointers are set (0: as given, if the ioctl
 *            does not dereference them, else NULL; 1: a buffer of exactly
 *            the length the struct claims; 2: a PROT_NONE page, where the
 *            kernel answers -EFAULT); bit 4 puts the iommufd
 *            fd number into the struct's fd field (bind, map_file)
 *   2 bytes  the claimed size/argsz when bit 1 is set (little endian)
 *   N bytes  the struct (N = the struct's size; missing bytes are zero)
 *
 * Properties:
 *   - no crash, no sanitizer report;
 *   - the struct is in a heap buffer of exactly the size it claims (but at
 *     least the part the kernel always reads: 4 bytes of size for iommufd,
 *     VFIO's minsz), so ASan reports any access past it; bytes between the
 *     claim and that minimum are a guard pattern that must stay unchanged;
 *     the same holds for the arrays the struct points to;
 *   - the answer is 0 or one of the errnos the kernel answers these
 *     ioctls with (no -1, no positive value);
 *   - after each input every fd is closed and pdk_sim_is_clean() holds.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pdk_sim.h"
#include "pdk_sys.h"
#include "pdk_uapi.h"
#include "fuzz_common.h"

#define GUARD 0xa5
#define MAX_CALLS 32
#define MAX_CLAIM 4096		/* a claimed size beyond this is cut to it */
#define MAX_ARRAY 64		/* elements of a pointed-to array */
#define MAX_FDS 64

enum fd_kind { FD_IOMMUFD, FD_DEVICE };

/* A user pointer in a struct: where, and which field holds its length. */
struct uptr {
	size_t off;		/* of the __u64 pointer; 0: none */
	size_t len_off;		/* of the __u32 count or byte length */
	size_t elem;		/* bytes per counted element (1: a byte length) */
	bool deref;		/* the ioctl reads/writes through it */
};

struct ioctl_desc {
	const char *name;
	unsigned long req;
	enum fd_kind fd;
	size_t size;		/* sizeof the struct */
	size_t minread;		/* what the kernel reads whatever the claim */
	bool vfio;		/* argsz (VFIO) rather than size (iommufd) */
	struct uptr p;
	size_t fd_off;		/* an fd field (+1; 0: none) */
	size_t out_fd_off;	/* an fd the ioctl returns (+1; 0: none) */
};

#define OFFEND(t, f) (offsetof(t, f) + sizeof(((t *)0)->f))
#define IOMMU(r, t, ...) \
	{ .name = #r, .req = r, .fd = FD_IOMMUFD, .size = sizeof(t), .minread = 4, __VA_ARGS__ }
#define VFIO(r, t, m, ...) \
	{ .name = #r, .req = r, .fd = FD_DEVICE, .size = sizeof(t), .minread = OFFEND(t, m), \
	  .vfio = true, __VA_ARGS__ }
#define ARRAY(t, ptr, count, el) \
	.p = { offsetof(t, ptr), offsetof(t, count), el, true }

static const struct ioctl_desc ioctls[] = {
	IOMMU(IOMMU_DESTROY, struct iommu_destroy),
	IOMMU(IOMMU_IOAS_ALLOC, struct iommu_ioas_alloc),
	IOMMU(IOMMU_IOAS_ALLOW_IOVAS, struct iommu_ioas_allow_iovas,
	      ARRAY(struct iommu_ioas_allow_iovas, allowed_iovas, num_iovas,
		    sizeof(struct iommu_iova_range))),
	IOMMU(IOMMU_IOAS_IOVA_RANGES, struct iommu_ioas_iova_ranges,
	      ARRAY(struct iommu_ioas_iova_ranges, allowed_iovas, num_iovas,
		    sizeof(struct iommu_iova_range))),
	/* user_va is only looked up (maps, mincore), never dereferenced */
	IOMMU(IOMMU_IOAS_MAP, struct iommu_ioas_map,
	      .p = { offsetof(struct iommu_ioas_map, user_va), 0, 0, false }),
	IOMMU(IOMMU_IOAS_MAP_FILE, struct iommu_ioas_map_file,
	      .fd_off = offsetof(struct iommu_ioas_map_file, fd) + 1),
	IOMMU(IOMMU_IOAS_UNMAP, struct iommu_ioas_unmap),
	IOMMU(IOMMU_HWPT_ALLOC, struct iommu_hwpt_alloc,
	      ARRAY(struct iommu_hwpt_alloc, data_uptr, data_len, 1)),
	IOMMU(IOMMU_GET_HW_INFO, struct iommu_hw_info,
	      ARRAY(struct iommu_hw_info, data_uptr, data_len, 1)),
	IOMMU(IOMMU_FAULT_QUEUE_ALLOC, struct iommu_fault_alloc,
	      .out_fd_off = offsetof(struct iommu_fault_alloc, out_fault_fd) + 1),
	VFIO(VFIO_DEVICE_BIND_IOMMUFD, struct vfio_device_bind_iommufd, out_devid,
	     .fd_off = offsetof(struct vfio_device_bind_iommufd, iommufd) + 1),
	VFIO(VFIO_DEVICE_ATTACH_IOMMUFD_PT, struct vfio_device_attach_iommufd_pt, pt_id),
	VFIO(VFIO_DEVICE_DETACH_IOMMUFD_PT, struct vfio_device_detach_iommufd_pt, flags),
	VFIO(VFIO_DEVICE_GET_INFO, struct vfio_device_info, num_irqs),
	VFIO(VFIO_DEVICE_GET_REGION_INFO, struct vfio_region_info, offset),
	VFIO(VFIO_DEVICE_GET_IRQ_INFO, struct vfio_irq_info, count),
	/* room for eventfds after the header: argsz says how much */
	{ .name = "VFIO_DEVICE_SET_IRQS", .req = VFIO_DEVICE_SET_IRQS, .fd = FD_DEVICE,
	  .size = sizeof(struct vfio_irq_set) + 8 * sizeof(int32_t),
	  .minread = OFFEND(struct vfio_irq_set, count), .vfio = true },
	{ .name = "VFIO_DEVICE_FEATURE", .req = VFIO_DEVICE_FEATURE, .fd = FD_DEVICE,
	  .size = sizeof(struct vfio_device_feature) + 64,
	  .minread = OFFEND(struct vfio_device_feature, flags), .vfio = true },
	{ .name = "VFIO_DEVICE_RESET", .req = VFIO_DEVICE_RESET, .fd = FD_DEVICE, .vfio = true },
};

#define NB_IOCTLS (sizeof(ioctls) / sizeof(ioctls[0]))

/* The errnos the kernel's iommufd and vfio-pci answer these ioctls with. */
static const int kernel_errnos[] = {
	EINVAL, ENOTTY, EFAULT, EBADFD, ENOENT, EBUSY, EOPNOTSUPP, E2BIG, ENOMEM, EMSGSIZE,
	EOVERFLOW, EADDRINUSE, ENOSPC, EBADF, EEXIST, ENODEV, EPERM, ERANGE, EIO, ENXIO,
	EAGAIN, EDOM, ESRCH, ENOSYS, ETIMEDOUT, EPIPE,
};

static struct pdk_sim *sim;
static struct pdk_sys *sys;
static char dev_path[96];
static void *bad_page;		/* PROT_NONE: -EFAULT expected */
static void *va_region;		/* a mapping IOAS_MAP may use */
static int efd;			/* an eventfd SET_IRQS may be given */

static int
cdev_cb(const char *name, void *arg)
{
	(void)arg;
	if (strncmp(name, "vfio", 4) != 0)
		return 0;
	snprintf(dev_path, sizeof(dev_path), "/dev/vfio/devices/%s", name);
	return 1;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_log_init();
	if (pdk_sim_create(NULL, &sim) < 0)
		exit(1);
	sys = pdk_sim_sys(sim);
	if (pdk_sys_list_dir(sys, "/sys/bus/pci/devices/" PDK_SIM_DEFAULT_PCI_ADDR "/vfio-dev",
			     cdev_cb, NULL) <= 0) {
		fprintf(stderr, "fuzz_sim_ioctl: the sim's function has no VFIO cdev\n");
		exit(1);
	}
	bad_page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	va_region = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
	efd = eventfd(0, EFD_CLOEXEC);
	if (bad_page == MAP_FAILED || va_region == MAP_FAILED || efd < 0)
		exit(1);
	return 0;
}

struct input {
	const unsigned char *p;
	size_t left;
};

static uint8_t
in_u8(struct input *in)
{
	if (in->left == 0)
		return 0;
	in->left--;
	return *in->p++;
}

/* Copy up to @p n bytes of input to @p dst, zero the rest. */
static void
in_bytes(struct input *in, void *dst, size_t n)
{
	size_t k = n < in->left ? n : in->left;

	memcpy(dst, in->p, k);
	memset((uint8_t *)dst + k, 0, n - k);
	in->p += k;
	in->left -= k;
}

static bool
is_kernel_errno(int rc)
{
	size_t i;

	if (rc == 0)
		return true;
	for (i = 0; i < sizeof(kernel_errnos) / sizeof(kernel_errnos[0]); i++)
		if (rc == -kernel_errnos[i])
			return true;
	return false;
}

static void
guard_check(const uint8_t *b, size_t from, size_t to, const char *what, const char *name)
{
	size_t i;

	for (i = from; i < to; i++)
		FUZZ_CHECK(b[i] == GUARD, "%s wrote byte %zu of %s, past the %zu it claims", name,
			   i, what, from);
}

static void
track_fd(int *fds, unsigned int *nfds, int fd)
{
	unsigned int i;

	for (i = 0; i < *nfds; i++)
		if (fds[i] == fd)
			return;
	if (*nfds < MAX_FDS)
		fds[(*nfds)++] = fd;
}

static void
one_call(struct input *in, int ifd, int dfd, int *fds, unsigned int *nfds)
{
	uint8_t sel = in_u8(in), flags = in_u8(in);
	const struct ioctl_desc *d = NULL;
	struct ioctl_desc raw = { .name = "raw", .size = 64, .minread = 4 };
	uint8_t *buf = NULL, *arr = NULL;
	size_t claim, alloc, arr_len = 0;
	uint16_t claim_in;
	uint32_t req32, v32;
	int rc, fd, pmode;
	size_t i;

	if (sel % (NB_IOCTLS + 1) == NB_IOCTLS) {
		in_bytes(in, &req32, sizeof(req32));
		raw.req = req32;
		raw.fd = flags & 0x20 ? FD_DEVICE : FD_IOMMUFD;
		d = &raw;
		/* a known number: its layout (an fd it returns must be closed) */
		for (i = 0; i < NB_IOCTLS; i++)
			if (ioctls[i].req == raw.req)
				d = &ioctls[i];
	} else {
		d = &ioctls[sel % (NB_IOCTLS + 1)];
	}
	in_bytes(in, &claim_in, sizeof(claim_in));
	/* its own kind of fd, or (bit 0) the other kind */
	if ((d->fd == FD_IOMMUFD) == !(flags & 1))
		fd = ifd;
	else
		fd = dfd;

	if (d->size == 0) {
		/* no argument: the pointer is whatever the program passes */
		rc = pdk_sys_ioctl(sys, fd, d->req, NULL);
		FUZZ_CHECK(is_kernel_errno(rc), "%s = %d", d->name, rc);
		return;
	}
	claim = flags & 2 ? claim_in : d->size;
	if (claim > MAX_CLAIM)
		claim = MAX_CLAIM;
	alloc = claim > d->minread ? claim : d->minread;
	buf = malloc(alloc);
	if (buf == NULL)
		abort();
	memset(buf, GUARD, alloc);
	in_bytes(in, buf, claim < d->size ? claim : d->size);
	if (claim > d->size)
		memset(buf + d->size, 0, claim - d->size);	/* a newer program's zeros */
	/* the size field says the claim, as the caller's struct would */
	if (alloc >= 4) {
		v32 = (uint32_t)claim;
		memcpy(buf, &v32, 4);
	}

	pmode = (flags >> 2) & 3;
	if (d->p.off != 0 && d->p.off + 8 <= claim) {
		uint64_t ptr = 0;

		memcpy(&ptr, buf + d->p.off, 8);
		if (d->p.len_off != 0 && d->p.len_off + 4 <= claim) {
			memcpy(&v32, buf + d->p.len_off, 4);
			/* a count of elements, or a byte length */
			if (v32 > (d->p.elem > 1 ? MAX_ARRAY : MAX_CLAIM))
				v32 = d->p.elem > 1 ? MAX_ARRAY : MAX_CLAIM;
			memcpy(buf + d->p.len_off, &v32, 4);
			arr_len = (size_t)v32 * d->p.elem;
		}
		if (pmode == 1 && d->p.deref && arr_len > 0) {
			arr = malloc(arr_len);
			if (arr == NULL)
				abort();
			/* what the program put in (ranges to allow), or garbage to clear */
			in_bytes(in, arr, arr_len);
			ptr = (uintptr_t)arr;
		} else if (pmode == 1 && !d->p.deref) {
			ptr = (uintptr_t)va_region + (ptr & 0xff000);
		} else if (pmode == 2) {
			ptr = (uintptr_t)bad_page;
		} else if (d->p.deref) {
			ptr = 0;
		}
		memcpy(buf + d->p.off, &ptr, 8);
	}
	if (d->fd_off != 0 && (flags & 0x10) && d->fd_off - 1 + 4 <= claim) {
		int32_t f = ifd;

		memcpy(buf + d->fd_off - 1, &f, 4);
	}
	if (d->req == VFIO_DEVICE_SET_IRQS && (flags & 0x10)) {
		int32_t f;

		/* eventfds: ours, or -1 (none), never another file of the process */
		for (i = sizeof(struct vfio_irq_set); i + 4 <= claim; i += 4) {
			f = buf[i] & 1 ? efd : -1;
			memcpy(buf + i, &f, 4);
		}
	}

	rc = pdk_sys_ioctl(sys, fd, d->req, buf);
	FUZZ_CHECK(is_kernel_errno(rc), "%s (size %zu) = %d: not a kernel errno", d->name,
		   claim, rc);
	/* the size/argsz field itself is always the caller's: the guard starts after it */
	if ((claim > 4 ? claim : 4) < alloc)
		guard_check(buf, claim > 4 ? claim : 4, alloc, "the argument struct", d->name);
	if (rc == 0 && d->out_fd_off != 0 && d->out_fd_off - 1 + 4 <= claim) {
		int32_t f;

		memcpy(&f, buf + d->out_fd_off - 1, 4);
		track_fd(fds, nfds, f);
	}
	free(arr);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct input in = { data, size };
	int fds[MAX_FDS], ifd, dfd;
	unsigned int nfds = 0, calls, i;
	struct pdk_sim_stats st;

	if (size > 4096)
		return -1;
	ifd = pdk_sys_open(sys, "/dev/iommu", O_RDWR);
	dfd = pdk_sys_open(sys, dev_path, O_RDWR);
	FUZZ_CHECK(ifd >= 0 && dfd >= 0, "cannot open /dev/iommu (%d) or %s (%d)", ifd,
		   dev_path, dfd);
	for (calls = 0; calls < MAX_CALLS && in.left > 0; calls++)
		one_call(&in, ifd, dfd, fds, &nfds);
	/* the device first (it holds the iommufd context while bound), as a program would */
	FUZZ_CHECK(pdk_sys_close(sys, dfd) == 0, "close of the device fd failed");
	for (i = 0; i < nfds; i++)
		(void)pdk_sys_close(sys, fds[i]);	/* fault fds the sim handed out */
	FUZZ_CHECK(pdk_sys_close(sys, ifd) == 0, "close of the iommufd failed");
	pdk_sim_stats_get(sim, &st);
	FUZZ_CHECK(pdk_sim_is_clean(sim), "the sim is not clean after closing every fd: "
		   "fds %u ctxs %u ioas %u hwpts %u faultq %u bound %u pasid %u rid %u maps %u "
		   "pinned %llu", st.fds, st.iommufd_ctxs, st.ioas, st.hwpts, st.fault_queues,
		   st.bound_devices, st.pasid_attachments, st.rid_attachments, st.mappings,
		   (unsigned long long)st.pinned_pages);
	return 0;
}
