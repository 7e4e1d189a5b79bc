/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The kernel's iommufd rules, as the simulated kernel must answer them.
 *
 * Every test here talks to /dev/iommu through raw ioctls on the syscall
 * boundary (pdk_sys_ioctl() with the uapi structs), never through PDK's
 * policy, so that the same checks can run against a real kernel. Each test
 * is one rule and asserts its exact errno; the comment above it cites the
 * section of doc/kernel-facts.md (or the kernel source/selftest)
 * the rule comes from. The fixture each one needs (test_env.h) is named
 * where it registers; the framework sets it up and tears it down.
 */

#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "test_env.h"

#define PG 4096ull
/*
 * Well inside any aperture: below VT-d's MSI window, and inside the kernel
 * mock domain's aperture [16 MiB, 2 GiB) so the same IOVAs work on both
 * backends.
 */
#define BASE_IOVA 0x1000000ull
#define BAD_ID 0xdeadu

#define FIXED_RW (IOMMU_IOAS_MAP_FIXED_IOVA | RW)

/* the PASID capability bits of GET_HW_INFO */
#define PASID_CAPS (IOMMU_HW_CAP_PCI_PASID_EXEC | IOMMU_HW_CAP_PCI_PASID_PRIV)

/* ---- the dispatcher (kernel-facts K3, iommufd_fops_ioctl) ---- */

/* kernel-facts K3: EINVAL when size is smaller than the op's minimum */
static int
test_size_below_min(struct test_env *env)
{
	struct iommu_ioas_alloc a = {.size = 8};	/* minimum: through out_ioas_id, 12 */
	struct iommu_ioas_map m = {.size = 16, .flags = RW};

	TEST_ASSERT_RC(raw_iommufd_ioctl(env, IOMMU_IOAS_ALLOC, &a), -EINVAL);
	TEST_ASSERT_RC(raw_iommufd_ioctl(env, IOMMU_IOAS_MAP, &m), -EINVAL);
	a.size = 0;
	TEST_ASSERT_RC(raw_iommufd_ioctl(env, IOMMU_IOAS_ALLOC, &a), -EINVAL);
	return TEST_SUCCESS;
}
PDK_RULE_TEST(size_below_min, test_size_below_min);

/* kernel-facts K3: ENOTTY for an unknown ioctl number, or a known number with another encoding */
static int
test_unknown_ioctl(struct test_env *env)
{
	struct iommu_ioas_alloc a = {.size = sizeof(a)};

	TEST_ASSERT_RC(raw_iommufd_ioctl(env, _IO(IOMMUFD_TYPE, 0xfe), &a), -ENOTTY);
	/* nr of IOAS_ALLOC, wrong type: op->ioctl_num != cmd */
	TEST_ASSERT_RC(raw_iommufd_ioctl(env, _IO('Z', IOMMUFD_CMD_IOAS_ALLOC), &a), -ENOTTY);
	return TEST_SUCCESS;
}
PDK_RULE_TEST(unknown_ioctl, test_unknown_ioctl);

/* kernel-facts K3: E2BIG for non-zero bytes past the struct the kernel knows (copy_struct_from_user) */
static int
test_size_tail_nonzero(struct test_env *env)
{
	union {
		struct iommu_ioas_alloc a;
		uint8_t raw[32];
	} u;

	memset(&u, 0, sizeof(u));
	u.a.size = sizeof(u);
	u.raw[sizeof(u.a) + 4] = 1;
	TEST_ASSERT_RC(raw_iommufd_ioctl(env, IOMMU_IOAS_ALLOC, &u), -E2BIG);
	/* the same size with a zero tail is accepted */
	u.raw[sizeof(u.a) + 4] = 0;
	TEST_ASSERT_OK(raw_iommufd_ioctl(env, IOMMU_IOAS_ALLOC, &u));
	TEST_ASSERT(u.a.out_ioas_id != 0, "no IOAS id");
	TEST_ASSERT_OK(raw_destroy(env, u.a.out_ioas_id));
	return TEST_SUCCESS;
}
PDK_RULE_TEST(size_tail_nonzero, test_size_tail_nonzero);

/* kernel-facts K3: EOPNOTSUPP for unsupported flags (IOAS_ALLOC has none) */
static int
test_ioas_alloc_flags(struct test_env *env)
{
	struct iommu_ioas_alloc a = {.size = sizeof(a), .flags = 1};

	TEST_ASSERT_REFUSED(env, raw_iommufd_ioctl(env, IOMMU_IOAS_ALLOC, &a), -EOPNOTSUPP);
	return TEST_SUCCESS;
}
PDK_RULE_TEST(ioas_alloc_flags, test_ioas_alloc_flags);

/* ---- IOMMU_IOAS_MAP (kernel-facts K9) ---- */

/* kernel-facts K9: MAP with neither READABLE nor WRITEABLE: EINVAL */
static int
test_map_no_perm(struct test_env *env)
{
	TEST_ASSERT_RC(raw_map_fixed(env, env->ioas, 0, env->buf, PG, BASE_IOVA), -EINVAL);
	/* nothing was mapped there */
	TEST_ASSERT_RC(raw_unmap(env, env->ioas, BASE_IOVA, PG), -ENOENT);
	return TEST_SUCCESS;
}
PDK_RULE_TEST(map_no_perm, test_map_no_perm, .hwpt = TEST_HWPT_PASID, .buf = PG);

/* kernel-facts K9: MAP with an unknown flag: EOPNOTSUPP */
static int
test_map_unknown_flag(struct test_env *env)
{
	TEST_ASSERT_RC(raw_map_fixed(env, env->ioas, RW | (1u << 3), env->buf, PG, BASE_IOVA),
		       -EOPNOTSUPP);
	TEST_ASSERT_RC(raw_map_fixed(env, env->ioas, RW | (1u << 31), env->buf, PG, BASE_IOVA),
		       -EOPNOTSUPP);
	TEST_ASSERT_RC(raw_unmap(env, env->ioas, BASE_IOVA, PG), -ENOENT);
	return TEST_SUCCESS;
}
PDK_RULE_TEST(map_unknown_flag, test_map_unknown_flag, .ioas = true, .buf = PG);

/* kernel-facts K9: MAP with a non-zero __reserved: EOPNOTSUPP */
static int
test_map_reserved(struct test_env *env)
{
	struct iommu_ioas_map m = {
		.size = sizeof(m), .flags = FIXED_RW, .ioas_id = env->ioas, .__reserved = 1,
		.user_va = (uintptr_t)env->buf, .length = PG, .iova = BASE_IOVA,
	};

	TEST_ASSERT_RC(raw_iommufd_ioctl(env, IOMMU_IOAS_MAP, &m), -EOPNOTSUPP);
	TEST_ASSERT_RC(raw_unmap(env, env->ioas, BASE_IOVA, PG), -ENOENT);
	return TEST_SUCCESS;
}
PDK_RULE_TEST(map_reserved_nonzero, test_map_reserved, .ioas = true, .buf = PG);

/*
 * kernel-facts K9: misaligned FIXED iova: EINVAL (iopt_check_iova against the IOAS's
 * iova_alignment, the smallest page of its domains once one, here the
 * HWPT, is in the IOAS). The alignment is read back from IOVA_RANGES: 4 KiB
 * on the sim's VT-d, 2 KiB for the kernel's mock domain (MOCK_PAGE_SIZE).
 */
static int
test_map_unaligned(struct test_env *env)
{
	struct iommu_iova_range r[2];
	uint64_t align = 0;
	uint32_t n;

	TEST_ASSERT_OK(raw_iova_ranges(env, env->ioas, 2, r, &n, &align));
	TEST_ASSERT(align >= 2 && (align & (align - 1)) == 0 && align <= PG, "alignment %llu",
		    (unsigned long long)align);
	if (test_env_is_sim(env))
		TEST_ASSERT_EQ(align, PG);
	TEST_ASSERT_RC(raw_map_fixed(env, env->ioas, RW, env->buf, PG, BASE_IOVA + align / 2),
		       -EINVAL);
	TEST_ASSERT_RC(raw_map_fixed(env, env->ioas, RW, env->buf, PG, BASE_IOVA + 1), -EINVAL);
	/* the aligned one works */
	TEST_ASSERT_OK(raw_map_fixed(env, env->ioas, RW, env->buf, PG, BASE_IOVA));
	TEST_ASSERT_OK(raw_unmap(env, env->ioas, BASE_IOVA, PG));
	return TEST_SUCCESS;
}
PDK_RULE_TEST(map_unaligned_iova, test_map_unaligned, .hwpt = TEST_HWPT_PASID, .buf = 2 * PG);

/* kernel-facts K9 (iopt_alloc_pages()): length 0: EINVAL */
static int
test_map_len_zero(struct test_env *env)
{
	uint64_t iova = 0;

	TEST_ASSERT_RC(raw_map_fixed(env, env->ioas, RW, env->buf, 0, BASE_IOVA), -EINVAL);
	TEST_ASSERT_RC(raw_map(env, env->ioas, RW, env->buf, 0, &iova), -EINVAL);
	return TEST_SUCCESS;
}
PDK_RULE_TEST(map_len_zero, test_map_len_zero, .hwpt = TEST_HWPT_PASID, .buf = PG);

/* kernel-facts K9: a FIXED iova overlapping an existing map: EEXIST (selftest iommufd_ioas.area) */
static int
test_map_overlap(struct test_env *env)
{
	uint32_t ioas = env->ioas;
	void *buf = env->buf;
	uint64_t len;

	TEST_ASSERT_OK(raw_map_fixed(env, ioas, RW, buf, 2 * PG, BASE_IOVA + 16 * PG));
	TEST_ASSERT_RC(raw_map_fixed(env, ioas, RW, buf, 2 * PG, BASE_IOVA + 16 * PG), -EEXIST);
	TEST_ASSERT_RC(raw_map_fixed(env, ioas, RW, buf, PG, BASE_IOVA + 17 * PG), -EEXIST);
	TEST_ASSERT_RC(raw_map_fixed(env, ioas, RW, buf, 2 * PG, BASE_IOVA + 15 * PG), -EEXIST);
	TEST_ASSERT_RC(raw_map_fixed(env, ioas, RW, buf, 4 * PG, BASE_IOVA + 15 * PG), -EEXIST);
	/* just before and just after are free */
	TEST_ASSERT_OK(raw_map_fixed(env, ioas, RW, buf, PG, BASE_IOVA + 15 * PG));
	TEST_ASSERT_OK(raw_map_fixed(env, ioas, RW, buf, PG, BASE_IOVA + 18 * PG));
	TEST_ASSERT_OK(raw_unmap_len(env, ioas, BASE_IOVA + 15 * PG, 4 * PG, &len));
	TEST_ASSERT_EQ(len, 4 * PG);
	return TEST_SUCCESS;
}
PDK_RULE_TEST(map_overlap, test_map_overlap, .hwpt = TEST_HWPT_PASID, .buf = 4 * PG);

/* kernel-facts K9: iova or length >= ULONG_MAX, or iova + length wrapping: EOVERFLOW */
static int
test_map_overflow(struct test_env *env)
{
	uint32_t ioas = env->ioas;
	void *buf = env->buf;

	/* aligned iova, but iova + len - 1 wraps */
	TEST_ASSERT_RC(raw_map_fixed(env, ioas, RW, buf, 2 * PG, UINT64_MAX - PG + 1), -EOVERFLOW);
	/* length >= ULONG_MAX */
	TEST_ASSERT_RC(raw_map_fixed(env, ioas, RW, buf, UINT64_MAX, BASE_IOVA), -EOVERFLOW);
	/* iova >= ULONG_MAX */
	TEST_ASSERT_RC(raw_map_fixed(env, ioas, RW, buf, PG, UINT64_MAX), -EOVERFLOW);
	return TEST_SUCCESS;
}
PDK_RULE_TEST(map_overflow, test_map_overflow, .hwpt = TEST_HWPT_PASID, .buf = 2 * PG);

/* kernel-facts K9: bad ioas_id: ENOENT (also an id that is not an IOAS) */
static int
test_map_unknown_ioas(struct test_env *env)
{
	void *buf = env->buf;

	TEST_ASSERT_RC(raw_map_fixed(env, BAD_ID, RW, buf, PG, BASE_IOVA), -ENOENT);
	TEST_ASSERT_RC(raw_map_fixed(env, 0, RW, buf, PG, BASE_IOVA), -ENOENT);
	/* a HWPT id is of the wrong type */
	TEST_ASSERT_RC(raw_map_fixed(env, env->hwpt, RW, buf, PG, BASE_IOVA), -ENOENT);
	TEST_ASSERT_RC(raw_unmap(env, env->ioas, BASE_IOVA, PG), -ENOENT);
	return TEST_SUCCESS;
}
PDK_RULE_TEST(map_unknown_ioas, test_map_unknown_ioas, .hwpt = TEST_HWPT_PASID, .buf = PG);

/* pinning a VA the process has not mapped fails like GUP: EFAULT, nothing left mapped */
static int
test_map_bad_va(struct test_env *env)
{
	void *hole;

	hole = test_buf_alloc(4 * PG);
	TEST_ASSERT(hole != NULL);
	test_buf_free(hole, 4 * PG);	/* now a hole in the process */
	TEST_ASSERT_REFUSED(env, raw_map_fixed(env, env->ioas, RW, hole, 4 * PG, BASE_IOVA),
			    -EFAULT);
	TEST_ASSERT_RC(raw_unmap(env, env->ioas, BASE_IOVA, 4 * PG), -ENOENT);
	return TEST_SUCCESS;
}
PDK_RULE_TEST(map_bad_va, test_map_bad_va, .hwpt = TEST_HWPT_PASID);

/* kernel-facts K9: without FIXED_IOVA the kernel picks an aligned IOVA, a new one per map */
static int
test_map_auto_iova(struct test_env *env)
{
	uint64_t a = 0, b = 0, len;

	TEST_ASSERT_OK(raw_map(env, env->ioas, RW, env->buf, 4 * PG, &a));
	TEST_ASSERT_OK(raw_map(env, env->ioas, RW, env->buf, 4 * PG, &b));
	TEST_ASSERT_EQ(a % PG, 0);
	TEST_ASSERT_EQ(b % PG, 0);
	TEST_ASSERT(a != b, "both maps got IOVA 0x%llx", (unsigned long long)a);
	TEST_ASSERT(a + 4 * PG <= b || b + 4 * PG <= a, "0x%llx and 0x%llx overlap",
		    (unsigned long long)a, (unsigned long long)b);
	/* each is a whole mapping of its own */
	TEST_ASSERT_OK(raw_unmap_len(env, env->ioas, a, 4 * PG, &len));
	TEST_ASSERT_EQ(len, 4 * PG);
	TEST_ASSERT_OK(raw_unmap_len(env, env->ioas, b, 4 * PG, &len));
	TEST_ASSERT_EQ(len, 4 * PG);
	return TEST_SUCCESS;
}
PDK_RULE_TEST(map_auto_iova, test_map_auto_iova, .hwpt = TEST_HWPT_PASID, .buf = 4 * PG);

/* ---- IOMMU_IOAS_UNMAP ---- */

/* kernel-facts K9: UNMAP that would split a mapping: ENOENT, and the mapping stays whole */
static int
test_unmap_split(struct test_env *env)
{
	uint32_t ioas = env->ioas;
	uint64_t len;

	TEST_ASSERT_OK(raw_map_fixed(env, ioas, RW, env->buf, 2 * PG, BASE_IOVA));
	TEST_ASSERT_RC(raw_unmap_len(env, ioas, BASE_IOVA, PG, &len), -ENOENT);
	TEST_ASSERT_RC(raw_unmap_len(env, ioas, BASE_IOVA + PG, PG, &len), -ENOENT);
	TEST_ASSERT_RC(raw_unmap_len(env, ioas, BASE_IOVA + PG, 4 * PG, &len), -ENOENT);
	TEST_ASSERT_OK(raw_unmap_len(env, ioas, BASE_IOVA, 2 * PG, &len));
	TEST_ASSERT_EQ(len, 2 * PG);
	return TEST_SUCCESS;
}
PDK_RULE_TEST(unmap_split, test_unmap_split, .hwpt = TEST_HWPT_PASID, .buf = 2 * PG);

/* kernel-facts K9: UNMAP where nothing is mapped: ENOENT */
static int
test_unmap_nothing(struct test_env *env)
{
	uint32_t ioas = env->ioas;
	uint64_t len;

	TEST_ASSERT_RC(raw_unmap_len(env, ioas, BASE_IOVA, PG, &len), -ENOENT);
	/* next to a mapping, but not on it */
	TEST_ASSERT_OK(raw_map_fixed(env, ioas, RW, env->buf, PG, BASE_IOVA));
	TEST_ASSERT_RC(raw_unmap_len(env, ioas, BASE_IOVA + PG, PG, &len), -ENOENT);
	TEST_ASSERT_OK(raw_unmap_len(env, ioas, BASE_IOVA, PG, &len));
	TEST_ASSERT_EQ(len, PG);
	return TEST_SUCCESS;
}
PDK_RULE_TEST(unmap_nothing, test_unmap_nothing, .ioas = true, .buf = PG);

/* UNMAP of a range fully containing several whole mappings (selftest unmap_fully_contained_areas) */
static int
test_unmap_adjacent(struct test_env *env)
{
	uint32_t ioas = env->ioas;
	uint8_t *buf = env->buf;
	uint64_t len;

	TEST_ASSERT_OK(raw_map_fixed(env, ioas, RW, buf, PG, BASE_IOVA));
	TEST_ASSERT_OK(raw_map_fixed(env, ioas, RW, buf + PG, 2 * PG, BASE_IOVA + PG));
	TEST_ASSERT_OK(raw_unmap_len(env, ioas, BASE_IOVA, 3 * PG, &len));
	TEST_ASSERT_EQ(len, 3 * PG);
	TEST_ASSERT_SIM_COUNT(env, mappings, 0);
	TEST_ASSERT_SIM_COUNT(env, pinned_pages, 0);
	/* a range that reaches past both also works when it cuts no mapping */
	TEST_ASSERT_OK(raw_map_fixed(env, ioas, RW, buf, PG, BASE_IOVA + 8 * PG));
	TEST_ASSERT_OK(raw_map_fixed(env, ioas, RW, buf, PG, BASE_IOVA + 9 * PG));
	TEST_ASSERT_OK(raw_unmap_len(env, ioas, BASE_IOVA, 64 * PG, &len));
	TEST_ASSERT_EQ(len, 2 * PG);
	return TEST_SUCCESS;
}
PDK_RULE_TEST(unmap_adjacent, test_unmap_adjacent, .hwpt = TEST_HWPT_PASID, .buf = 3 * PG);

/*
 * kernel-facts K9: iova 0, length U64_MAX unmaps everything and reports the bytes.
 * On an empty IOAS it succeeds with length 0: iommufd_ioas_unmap() takes
 * the unmap-all branch, which never returns ENOENT (kernel selftest
 * iommufd_ioas.area: "Unmap all succeeds on an empty IOAS").
 */
static int
test_unmap_all(struct test_env *env)
{
	uint32_t ioas = env->ioas;
	uint64_t len;

	TEST_ASSERT_OK(raw_map_fixed(env, ioas, RW, env->buf, PG, BASE_IOVA));
	TEST_ASSERT_OK(raw_map_fixed(env, ioas, RW, env->buf, 3 * PG, BASE_IOVA + 0x100000));
	TEST_ASSERT_OK(raw_unmap_len(env, ioas, 0, UINT64_MAX, &len));
	TEST_ASSERT_EQ(len, 4 * PG);
	TEST_ASSERT_RC(raw_unmap(env, ioas, BASE_IOVA, PG), -ENOENT);
	/* empty now */
	len = 1;
	TEST_ASSERT_OK(raw_unmap_len(env, ioas, 0, UINT64_MAX, &len));
	TEST_ASSERT_EQ(len, 0);
	return TEST_SUCCESS;
}
PDK_RULE_TEST(unmap_all, test_unmap_all, .hwpt = TEST_HWPT_PASID, .buf = 4 * PG);

/* ---- IOMMU_IOAS_IOVA_RANGES ---- */

/*
 * kernel-facts K10: num_iovas too small: EMSGSIZE and the count needed; the
 * first num_iovas entries are still filled. One range before the RID attach,
 * two after it (the RID's reserved regions split the space), one again after
 * the RID detach.
 */
static int
test_iova_ranges_count(struct test_env *env)
{
	struct iommu_iova_range r[4];
	uint32_t ioas = env->ioas, hwpt, n;
	uint64_t align;

	TEST_ASSERT_RC(raw_iova_ranges(env, ioas, 0, NULL, &n, NULL), -EMSGSIZE);
	TEST_ASSERT_EQ(n, 1);

	TEST_ASSERT_OK(raw_hwpt_alloc(env, ioas, IOMMU_HWPT_ALLOC_PASID, &hwpt));
	TEST_ASSERT_RC(raw_iova_ranges(env, ioas, 0, NULL, &n, NULL), -EMSGSIZE);
	TEST_ASSERT_EQ(n, 1);
	memset(r, 0, sizeof(r));
	TEST_ASSERT_OK(raw_iova_ranges(env, ioas, 4, r, &n, &align));
	TEST_ASSERT_EQ(n, 1);
	TEST_ASSERT(r[0].start < r[0].last, "range [0x%llx, 0x%llx]",
		    (unsigned long long)r[0].start, (unsigned long long)r[0].last);
	TEST_ASSERT(align != 0 && (align & (align - 1)) == 0, "alignment %llu",
		    (unsigned long long)align);
	TEST_ASSERT_EQ(r[1].start, 0);	/* untouched */
	TEST_ASSERT_EQ(r[1].last, 0);

	TEST_ASSERT_OK(raw_attach(env, 0, 0, hwpt));
	TEST_ASSERT_RC(raw_iova_ranges(env, ioas, 0, NULL, &n, NULL), -EMSGSIZE);
	TEST_ASSERT_EQ(n, 2);
	memset(r, 0, sizeof(r));
	TEST_ASSERT_RC(raw_iova_ranges(env, ioas, 1, r, &n, NULL), -EMSGSIZE);
	TEST_ASSERT_EQ(n, 2);
	TEST_ASSERT(r[0].last != 0, "first range not filled on EMSGSIZE");
	TEST_ASSERT_EQ(r[1].last, 0);
	memset(r, 0, sizeof(r));
	TEST_ASSERT_OK(raw_iova_ranges(env, ioas, 4, r, &n, NULL));
	TEST_ASSERT_EQ(n, 2);
	TEST_ASSERT(r[0].start <= r[0].last && r[0].last + 1 < r[1].start &&
		    r[1].start <= r[1].last,
		    "ranges [0x%llx, 0x%llx] [0x%llx, 0x%llx] are not two sorted disjoint ranges with a hole",
		    (unsigned long long)r[0].start, (unsigned long long)r[0].last,
		    (unsigned long long)r[1].start, (unsigned long long)r[1].last);

	TEST_ASSERT_OK(raw_detach(env, 0, 0));
	TEST_ASSERT_RC(raw_iova_ranges(env, ioas, 0, NULL, &n, NULL), -EMSGSIZE);
	TEST_ASSERT_EQ(n, 1);
	TEST_ASSERT_OK(raw_destroy(env, hwpt));
	return TEST_SUCCESS;
}
PDK_SIM_RULE(iova_ranges_count, test_iova_ranges_count,
	     "the mock device has no reserved regions: its RID attach cannot split the IOVA space as VT-d's MSI window does",
	     .bind = true, .ioas = true);

/* kernel-facts K10: reserved regions are not enforced on a PASID attach: still one range */
static int
test_iova_ranges_pasid(struct test_env *env)
{
	uint32_t n;

	TEST_ASSERT_RC(raw_iova_ranges(env, env->ioas, 0, NULL, &n, NULL), -EMSGSIZE);
	TEST_ASSERT_EQ(n, 1);
	return TEST_SUCCESS;
}
PDK_RULE_TEST(iova_ranges_pasid_no_resv, test_iova_ranges_pasid, .pasid = 1);

/* ---- IOMMU_HWPT_ALLOC (kernel-facts K11) ---- */

/* kernel-facts K11: unknown pt_id gives EINVAL, not ENOENT */
static int
test_hwpt_unknown_pt(struct test_env *env)
{
	uint32_t hwpt;

	TEST_ASSERT_REFUSED(env, raw_hwpt_alloc(env, BAD_ID, IOMMU_HWPT_ALLOC_PASID, &hwpt),
			    -EINVAL);
	TEST_ASSERT_REFUSED(env, raw_hwpt_alloc(env, BAD_ID, 0, &hwpt), -EINVAL);
	return TEST_SUCCESS;
}
PDK_RULE_TEST(hwpt_unknown_pt, test_hwpt_unknown_pt, .bind = true);

/* kernel-facts K11: unknown dev_id: ENOENT */
static int
test_hwpt_unknown_dev(struct test_env *env)
{
	TEST_ASSERT_RC(raw_hwpt_alloc_dev(env, BAD_ID, env->ioas, IOMMU_HWPT_ALLOC_PASID, NULL),
		       -ENOENT);
	/* the IOAS's id is not a device either */
	TEST_ASSERT_RC(raw_hwpt_alloc_dev(env, env->ioas, env->ioas, IOMMU_HWPT_ALLOC_PASID, NULL),
		       -ENOENT);
	return TEST_SUCCESS;
}
PDK_RULE_TEST(hwpt_unknown_dev, test_hwpt_unknown_dev, .bind = true, .ioas = true);

/* kernel-facts K11: unknown flags, or a non-zero __reserved: EOPNOTSUPP */
static int
test_hwpt_unknown_flags(struct test_env *env)
{
	struct iommu_hwpt_alloc a = {
		.size = sizeof(a), .flags = IOMMU_HWPT_ALLOC_PASID, .dev_id = env->dev_id,
		.pt_id = env->ioas, .__reserved = 1, .data_type = IOMMU_HWPT_DATA_NONE,
	};
	uint32_t hwpt;

	TEST_ASSERT_REFUSED(env, raw_hwpt_alloc(env, env->ioas, 1u << 30, &hwpt), -EOPNOTSUPP);
	TEST_ASSERT_REFUSED(env, raw_hwpt_alloc(env, env->ioas, IOMMU_HWPT_ALLOC_PASID | (1u << 30),
						&hwpt), -EOPNOTSUPP);
	TEST_ASSERT_REFUSED(env, raw_iommufd_ioctl(env, IOMMU_HWPT_ALLOC, &a), -EOPNOTSUPP);
	TEST_ASSERT_OK(test_env_destroy(env, &env->ioas));	/* no HWPT was left on it */
	return TEST_SUCCESS;
}
PDK_RULE_TEST(hwpt_unknown_flags, test_hwpt_unknown_flags, .bind = true, .ioas = true);

/* kernel-facts K11: data_type NONE with a non-zero data_len: EINVAL */
static int
test_hwpt_data_len(struct test_env *env)
{
	uint64_t blob[4] = {0};
	struct iommu_hwpt_alloc a = {
		.size = sizeof(a), .flags = IOMMU_HWPT_ALLOC_PASID, .dev_id = env->dev_id,
		.pt_id = env->ioas, .data_type = IOMMU_HWPT_DATA_NONE,
		.data_len = sizeof(blob), .data_uptr = (uintptr_t)blob,
	};

	TEST_ASSERT_RC(raw_iommufd_ioctl(env, IOMMU_HWPT_ALLOC, &a), -EINVAL);
	return TEST_SUCCESS;
}
PDK_RULE_TEST(hwpt_data_len, test_hwpt_data_len, .bind = true, .ioas = true);

/* kernel-facts K11, K12: FAULT_ID_VALID needs a fault queue id: ENOENT otherwise; a real one works */
static int
test_hwpt_fault_id(struct test_env *env)
{
	struct iommu_fault_alloc f = {.size = sizeof(f)};
	struct iommu_hwpt_alloc a = {
		.size = sizeof(a), .flags = IOMMU_HWPT_ALLOC_PASID | IOMMU_HWPT_FAULT_ID_VALID,
		.dev_id = env->dev_id, .pt_id = env->ioas, .data_type = IOMMU_HWPT_DATA_NONE,
		.fault_id = BAD_ID,
	};

	TEST_ASSERT_RC(raw_iommufd_ioctl(env, IOMMU_HWPT_ALLOC, &a), -ENOENT);
	a.fault_id = env->ioas;	/* an id of the wrong type */
	TEST_ASSERT_RC(raw_iommufd_ioctl(env, IOMMU_HWPT_ALLOC, &a), -ENOENT);

	TEST_ASSERT_OK(raw_iommufd_ioctl(env, IOMMU_FAULT_QUEUE_ALLOC, &f));
	TEST_ASSERT((int)f.out_fault_fd >= 0, "fault fd %d", (int)f.out_fault_fd);
	a.fault_id = f.out_fault_id;
	TEST_ASSERT_OK(raw_iommufd_ioctl(env, IOMMU_HWPT_ALLOC, &a));
	TEST_ASSERT(a.out_hwpt_id != 0 && a.out_hwpt_id != env->ioas &&
		    a.out_hwpt_id != f.out_fault_id, "hwpt id %u", a.out_hwpt_id);
	/* the queue is referenced by the HWPT: it goes after it */
	TEST_ASSERT_RC(raw_destroy(env, f.out_fault_id), -EBUSY);
	TEST_ASSERT_OK(raw_destroy(env, a.out_hwpt_id));
	TEST_ASSERT_OK(pdk_sys_close(env->sys, (int)f.out_fault_fd));
	TEST_ASSERT_OK(raw_destroy(env, f.out_fault_id));
	return TEST_SUCCESS;
}
PDK_RULE_TEST(hwpt_fault_id, test_hwpt_fault_id, .bind = true, .ioas = true);

/* kernel-facts K12: an empty fault queue is writable, not readable, and a read of it returns at once */
static int
test_fault_fd_poll(struct test_env *env)
{
	struct iommu_hwpt_pgfault f;
	uint32_t fault_id;
	int fd;

	TEST_ASSERT_OK(pdk_iommufd_fault_alloc(env->ictx, &fault_id, &fd));
	TEST_ASSERT_RC(pdk_sys_poll(env->sys, fd, POLLIN | POLLOUT), POLLOUT);
	TEST_ASSERT_RC(pdk_sys_poll(env->sys, fd, POLLIN), 0);
	/* PDK reads without polling first: a read that waited would hang this test */
	TEST_ASSERT_RC(pdk_iommufd_fault_read(env->ictx, fd, &f, 1), 0);
	TEST_ASSERT_OK(pdk_iommufd_fault_close(env->ictx, fd));
	TEST_ASSERT_RC(pdk_sys_poll(env->sys, fd, POLLIN), -EBADF);
	return TEST_SUCCESS;
}
PDK_RULE_TEST(fault_fd_poll, test_fault_fd_poll, .bind = true);

/* ---- IOMMU_GET_HW_INFO (kernel-facts K7) ---- */

/* kernel-facts K7: bad dev_id: ENOENT */
static int
test_hw_info_bad_dev(struct test_env *env)
{
	struct iommu_hw_info info;

	TEST_ASSERT_RC(raw_hw_info(env, BAD_ID, &info), -ENOENT);
	TEST_ASSERT_RC(raw_hw_info(env, env->ioas, &info), -ENOENT);
	TEST_ASSERT_OK(raw_hw_info(env, env->dev_id, &info));
	return TEST_SUCCESS;
}
PDK_RULE_TEST(hw_info_bad_dev, test_hw_info_bad_dev, .bind = true, .ioas = true);

/*
 * kernel-facts K7: a pointer inside the struct to memory the caller cannot read or
 * write (here a PROT_NONE page) is EFAULT, as copy_from/to_user make it;
 * the sim must not crash on it (found by test/fuzz/fuzz_sim_ioctl). Like
 * the kernel it logs nothing above DEBUG: the library calling it does.
 */
static int
test_user_ptr_efault(struct test_env *env)
{
	struct iommu_ioas_allow_iovas allow;
	struct iommu_hw_info info;
	uint32_t n;
	void *none;

	none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT(none != MAP_FAILED, "mmap PROT_NONE");
	TEST_ASSERT_RC(raw_iova_ranges(env, env->ioas, 2, none, &n, NULL), -EFAULT);

	memset(&allow, 0, sizeof(allow));
	allow.size = sizeof(allow);
	allow.ioas_id = env->ioas;
	allow.num_iovas = 1;
	allow.allowed_iovas = (uintptr_t)none;
	TEST_ASSERT_RC(raw_iommufd_ioctl(env, IOMMU_IOAS_ALLOW_IOVAS, &allow), -EFAULT);

	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.dev_id = env->dev_id;
	info.data_len = 64;
	info.data_uptr = (uintptr_t)none;
	TEST_ASSERT_RC(raw_iommufd_ioctl(env, IOMMU_GET_HW_INFO, &info), -EFAULT);
	/* nothing was written through the pointers: the page is still unreadable */
	TEST_ASSERT(mprotect(none, 4096, PROT_READ) == 0 && *(volatile char *)none == 0,
		    "the PROT_NONE page changed");
	munmap(none, 4096);
	return TEST_SUCCESS;
}
PDK_RULE_TEST(user_ptr_efault, test_user_ptr_efault, .bind = true, .ioas = true);

/* kernel-facts K7: out_max_pasid_log2 is the PASID width; EXEC/PRIV clear when not enabled */
static int
test_hw_info_width20(struct test_env *env)
{
	struct iommu_hw_info info;

	TEST_ASSERT_OK(raw_hw_info(env, env->dev_id, &info));
	TEST_ASSERT_EQ(info.out_max_pasid_log2, 20);
	/* the kernel's mock IOMMU reports its own type (IOMMU_HW_INFO_TYPE_SELFTEST) */
	if (test_env_is_sim(env))
		TEST_ASSERT_EQ(info.out_data_type, IOMMU_HW_INFO_TYPE_INTEL_VTD);
	TEST_ASSERT_EQ(info.out_capabilities & PASID_CAPS, 0);
	return TEST_SUCCESS;
}
PDK_RULE_TEST(hw_info_width20, test_hw_info_width20, .bind = true,
	      .fn = &(const struct pdk_sim_fn_config){ TEST_SIMDMA_FN(20),
		      .pasid_exec = false, .pasid_priv = false });

/* kernel-facts K7: a function without PASID reports width 0 and no PASID caps */
static int
test_hw_info_width0(struct test_env *env)
{
	struct iommu_hw_info info;

	TEST_ASSERT_OK(raw_hw_info(env, env->dev_id, &info));
	TEST_ASSERT_EQ(info.out_max_pasid_log2, 0);
	TEST_ASSERT_EQ(info.out_capabilities & PASID_CAPS, 0);
	return TEST_SUCCESS;
}
PDK_SIM_RULE(hw_info_width0, test_hw_info_width0,
	     "needs a function of PASID width 0 (the mock has 20)",
	     .bind = true,
	     /* EXEC/PRIV: meaningless without a PASID capability */
	     .fn = &(const struct pdk_sim_fn_config){ TEST_SIMDMA_FN(0),
		     .pasid_exec = true, .pasid_priv = true });

/* kernel-facts K7: EXEC/PRIV reflect the enabled bits of the PASID capability */
static int
test_hw_info_exec_priv(struct test_env *env)
{
	struct pdk_sim_fn_config fn = test_default_fn;
	struct iommu_hw_info info;

	TEST_ASSERT_OK(raw_hw_info(env, env->dev_id, &info));
	TEST_ASSERT_EQ(info.out_max_pasid_log2, 20);
	TEST_ASSERT_EQ(info.out_capabilities & PASID_CAPS, IOMMU_HW_CAP_PCI_PASID_EXEC);
	TEST_ASSERT_OK(test_env_teardown(env));

	fn.pasid_exec = false;
	fn.pasid_priv = true;
	SETUP(*env, NULL, &fn, true);
	TEST_ASSERT_OK(raw_hw_info(env, env->dev_id, &info));
	TEST_ASSERT_EQ(info.out_capabilities & PASID_CAPS, IOMMU_HW_CAP_PCI_PASID_PRIV);
	return TEST_SUCCESS;
}
PDK_SIM_RULE(hw_info_exec_priv, test_hw_info_exec_priv,
	     "EXEC/PRIV come from a PCI PASID capability; the mock is not a PCI device",
	     .bind = true,
	     .fn = &(const struct pdk_sim_fn_config){ TEST_SIMDMA_FN(20),
		     .pasid_exec = true, .pasid_priv = false });

/* kernel-facts K7: max_pasids = min(device, IOMMU) */
static int
test_hw_info_width_min(struct test_env *env)
{
	struct pdk_sim_config cfg = {.iommu = PDK_SIM_IOMMU_VTD, .iommu_pasid_bits = 20};
	struct pdk_sim_fn_config fn = test_default_fn;
	struct iommu_hw_info info;

	/* the fixture: the IOMMU's 8 bits under the device's 20 */
	TEST_ASSERT_OK(raw_hw_info(env, env->dev_id, &info));
	TEST_ASSERT_EQ(info.out_max_pasid_log2, 8);
	TEST_ASSERT_OK(test_env_teardown(env));

	fn.pasid_bits = 5;
	SETUP(*env, &cfg, &fn, true);
	TEST_ASSERT_OK(raw_hw_info(env, env->dev_id, &info));
	TEST_ASSERT_EQ(info.out_max_pasid_log2, 5);
	return TEST_SUCCESS;
}
PDK_SIM_RULE(hw_info_width_min_iommu, test_hw_info_width_min,
	     "needs IOMMU and device widths other than 20",
	     .bind = true,
	     .sim = &(const struct pdk_sim_config){ .iommu = PDK_SIM_IOMMU_VTD,
		     .iommu_pasid_bits = 8 },
	     .fn = &(const struct pdk_sim_fn_config){ TEST_SIMDMA_FN(20) });

/* kernel-facts K18, AMD: EXEC/PRIV are never reported (PASID enabled with features 0) */
static int
test_hw_info_amd(struct test_env *env)
{
	struct iommu_hw_info info;

	TEST_ASSERT_OK(raw_hw_info(env, env->dev_id, &info));
	TEST_ASSERT_EQ(info.out_data_type, IOMMU_HW_INFO_TYPE_AMD);
	TEST_ASSERT_EQ(info.out_max_pasid_log2, 20);	/* pdk_sim.h: "width reported" */
	TEST_ASSERT_EQ(info.out_capabilities & PASID_CAPS, 0);
	return TEST_SUCCESS;
}
PDK_SIM_RULE(hw_info_amd, test_hw_info_amd,
	     "needs an AMD-Vi IOMMU",
	     .bind = true,
	     .sim = &(const struct pdk_sim_config){ .iommu = PDK_SIM_IOMMU_AMD },
	     .fn = &(const struct pdk_sim_fn_config){ TEST_SIMDMA_FN(20),
		     .pasid_exec = true, .pasid_priv = true });

/* ---- IOMMU_DESTROY ---- */

/* kernel-facts K8: DESTROY of an unknown id: ENOENT (also twice) */
static int
test_destroy_unknown(struct test_env *env)
{
	uint32_t ioas;

	TEST_ASSERT_RC(raw_destroy(env, BAD_ID), -ENOENT);
	TEST_ASSERT_RC(raw_destroy(env, 0), -ENOENT);
	TEST_ASSERT_OK(raw_ioas_alloc(env, &ioas));
	TEST_ASSERT_OK(raw_destroy(env, ioas));
	TEST_ASSERT_RC(raw_destroy(env, ioas), -ENOENT);
	return TEST_SUCCESS;
}
PDK_RULE_TEST(destroy_unknown, test_destroy_unknown);

/* kernel-facts K8: DESTROY of an IOAS that still has a HWPT: EBUSY */
static int
test_destroy_ioas_busy(struct test_env *env)
{
	TEST_ASSERT_REFUSED(env, raw_destroy(env, env->ioas), -EBUSY);
	/* once the HWPT is gone, the IOAS goes */
	TEST_ASSERT_OK(test_env_destroy(env, &env->hwpt));
	TEST_ASSERT_OK(test_env_destroy(env, &env->ioas));
	return TEST_SUCCESS;
}
PDK_RULE_TEST(destroy_ioas_busy, test_destroy_ioas_busy, .hwpt = TEST_HWPT_PASID);

/* kernel-facts K8: DESTROY of a HWPT attached to a PASID: EBUSY; after the detach: 0 */
static int
test_destroy_hwpt_pasid_busy(struct test_env *env)
{
	TEST_ASSERT_OK(raw_attach(env, VFIO_DEVICE_ATTACH_PASID, 7, env->hwpt));
	TEST_ASSERT_RC(raw_destroy(env, env->hwpt), -EBUSY);
	TEST_ASSERT_OK(raw_detach(env, VFIO_DEVICE_DETACH_PASID, 7));
	TEST_ASSERT_OK(test_env_destroy(env, &env->hwpt));
	return TEST_SUCCESS;
}
PDK_RULE_TEST(destroy_hwpt_pasid_busy, test_destroy_hwpt_pasid_busy, .hwpt = TEST_HWPT_PASID);

/* ---- IOMMU_FAULT_QUEUE_ALLOC ---- */

/* kernel-facts K12: flags != 0: EOPNOTSUPP, and no fd is handed out */
static int
test_fault_alloc_flags(struct test_env *env)
{
	struct iommu_fault_alloc f = {.size = sizeof(f), .flags = 1};

	/* the sim's own counters; the runner checks real fds */
	TEST_ASSERT_REFUSED(env, raw_iommufd_ioctl(env, IOMMU_FAULT_QUEUE_ALLOC, &f), -EOPNOTSUPP);
	return TEST_SUCCESS;
}
PDK_RULE_TEST(fault_alloc_flags, test_fault_alloc_flags);

/* ---- accounting ---- */

/* kernel-facts K9, MAP: over the RLIMIT_MEMLOCK-like pin limit: ENOMEM, nothing pinned or mapped */
static int
test_pin_limit(struct test_env *env)
{
	uint32_t ioas = env->ioas;
	uint8_t *buf = env->buf;
	uint64_t len;

	TEST_ASSERT_REFUSED(env, raw_map_fixed(env, ioas, RW, buf, 5 * PG, BASE_IOVA), -ENOMEM);
	/* up to the limit is fine */
	TEST_ASSERT_OK(raw_map_fixed(env, ioas, RW, buf, 4 * PG, BASE_IOVA));
	TEST_ASSERT_SIM_COUNT(env, pinned_pages, 4);
	TEST_ASSERT_REFUSED(env, raw_map_fixed(env, ioas, RW, buf + 4 * PG, PG, BASE_IOVA + 4 * PG),
			    -ENOMEM);
	TEST_ASSERT_OK(raw_unmap_len(env, ioas, BASE_IOVA, 4 * PG, &len));
	TEST_ASSERT_EQ(len, 4 * PG);
	TEST_ASSERT_SIM_COUNT(env, pinned_pages, 0);
	/* the unpinned pages count again */
	TEST_ASSERT_OK(raw_map_fixed(env, ioas, RW, buf + 4 * PG, PG, BASE_IOVA + 4 * PG));
	TEST_ASSERT_OK(raw_unmap(env, ioas, BASE_IOVA + 4 * PG, PG));
	return TEST_SUCCESS;
}
PDK_SIM_RULE(pin_limit, test_pin_limit,
	     "needs the sim's pin limit (RLIMIT_MEMLOCK accounting is not configured in the VM)",
	     .sim = &(const struct pdk_sim_config){ .pin_limit_pages = 4 },
	     .hwpt = TEST_HWPT_PASID, .buf = 8 * PG);
