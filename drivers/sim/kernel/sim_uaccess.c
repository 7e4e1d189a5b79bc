/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/* User memory behind the pointers of ioctl structs (sim_kernel.h says how). */

#include <errno.h>
#include <sys/uio.h>
#include <unistd.h>

#include "sim_kernel.h"

static int
sim_user_rw(void *local, uint64_t uptr, size_t len, bool to_user)
{
	struct iovec l = { .iov_base = local, .iov_len = len };
	struct iovec r = { .iov_base = (void *)(uintptr_t)uptr, .iov_len = len };
	ssize_t n;

	if (len == 0)
		return 0;
	if (uptr == 0 || uptr + len < uptr)
		return -EFAULT;
	n = to_user ? process_vm_writev(getpid(), &l, 1, &r, 1, 0) :
		      process_vm_readv(getpid(), &l, 1, &r, 1, 0);
	return n == (ssize_t)len ? 0 : -EFAULT;
}

int
sim_copy_from_user(void *dst, uint64_t uptr, size_t len)
{
	return sim_user_rw(dst, uptr, len, false);
}

int
sim_copy_to_user(uint64_t uptr, const void *src, size_t len)
{
	return sim_user_rw((void *)(uintptr_t)src, uptr, len, true);
}

int
sim_clear_user(uint64_t uptr, uint64_t len)
{
	static const uint8_t zeros[4096];
	uint64_t done;
	int rc;

	if (uptr + len < uptr)
		return -EFAULT;
	for (done = 0; done < len; done += sizeof(zeros)) {
		size_t n = len - done < sizeof(zeros) ? (size_t)(len - done) : sizeof(zeros);

		rc = sim_copy_to_user(uptr + done, zeros, n);
		if (rc < 0)
			return rc;
	}
	return 0;
}
