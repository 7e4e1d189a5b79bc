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
 * the rule comes from.
 */

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pdk_test.h"
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

static int
ifd_ioctl(struct test_env *env, unsigned long req, void *arg)
{
	return pdk_sys_ioctl(env->sys, env->ifd, req, arg);
}

/* UNMAP returning the reported length */
static int
unmap_len(struct test_env *env, uint32_t ioas, uint64_t iova, uint64_t len, uint64_t *out)
{
	struct iommu_ioas_unmap u = {
		.size = sizeof(u), .ioas_id = ioas, .iova = iova, .length = len,
	};
	int rc = ifd_ioctl(env, IOMMU_IOAS_UNMAP, &u);

	*out = u.length;
	return rc;
}

static int
iova_ranges(struct test_env *env, uint32_t ioas, uint32_t num, struct iommu_iova_range *r,
	    uint32_t *out_num, uint64_t *align)
{
	struct iommu_ioas_iova_ranges c = {
		.size = sizeof(c), .ioas_id = ioas, .num_iovas = num,
		.allowed_iovas = (uintptr_t)r,
	};
	int rc = ifd_ioctl(env, IOMMU_IOAS_IOVA_RANGES, &c);

	*out_num = c.num_iovas;
	if (align != NULL)
		*align = c.out_iova_alignment;
	return rc;
}

static int
hw_info(struct test_env *env, uint32_t dev_id, struct iommu_hw_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	info->dev_id = dev_id;
	return ifd_ioctl(env, IOMMU_GET_HW_INFO, info);
}

/* ---- the dispatcher (kernel-facts K3, iommufd_fops_ioctl) ---- */

/* kernel-facts K3: EINVAL when size is smaller than the op's minimum */
static int
test_size_below_min(void)
{
	struct iommu_ioas_alloc a = {.size = 8};	/* minimum: through out_ioas_id, 12 */
	struct iommu_ioas_map m = {.size = 16, .flags = RW};
	struct test_env env;

	SETUP(env, NULL, NULL, false);
	TEST_ASSERT_RC(ifd_ioctl(&env, IOMMU_IOAS_ALLOC, &a), -EINVAL);
	TEST_ASSERT_RC(ifd_ioctl(&env, IOMMU_IOAS_MAP, &m), -EINVAL);
	a.size = 0;
	TEST_ASSERT_RC(ifd_ioctl(&env, IOMMU_IOAS_ALLOC, &a), -EINVAL);
	DONE(env);
}
PDK_RULE_TEST(size_below_min, test_size_below_min);

/* kernel-facts K3: ENOTTY for an unknown ioctl number, or a known number with another encoding */
static int
test_unknown_ioctl(void)
{
	struct iommu_ioas_alloc a = {.size = sizeof(a)};
	struct test_env env;

	SETUP(env, NULL, NULL, false);
	TEST_ASSERT_RC(ifd_ioctl(&env, _IO(IOMMUFD_TYPE, 0xfe), &a), -ENOTTY);
	/* nr of IOAS_ALLOC, wrong type: op->ioctl_num != cmd */
	TEST_ASSERT_RC(ifd_ioctl(&env, _IO('Z', IOMMUFD_CMD_IOAS_ALLOC), &a), -ENOTTY);
	DONE(env);
}
PDK_RULE_TEST(unknown_ioctl, test_unknown_ioctl);

/* kernel-facts K3: E2BIG for non-zero bytes past the struct the kernel knows (copy_struct_from_user) */
static int
test_size_tail_nonzero(void)
{
	union {
		struct iommu_ioas_alloc a;
		uint8_t raw[32];
	} u;
	struct test_env env;

	SETUP(env, NULL, NULL, false);
	memset(&u, 0, sizeof(u));
	u.a.size = sizeof(u);
	u.raw[sizeof(u.a) + 4] = 1;
	TEST_ASSERT_RC(ifd_ioctl(&env, IOMMU_IOAS_ALLOC, &u), -E2BIG);
	/* the same size with a zero tail is accepted */
	u.raw[sizeof(u.a) + 4] = 0;
	TEST_ASSERT_OK(ifd_ioctl(&env, IOMMU_IOAS_ALLOC, &u));
	TEST_ASSERT(u.a.out_ioas_id != 0, "no IOAS id");
	TEST_ASSERT_OK(raw_destroy(&env, u.a.out_ioas_id));
	DONE(env);
}
PDK_RULE_TEST(size_tail_nonzero, test_size_tail_nonzero);

/* kernel-facts K3: EOPNOTSUPP for unsupported flags (IOAS_ALLOC has none) */
static int
test_ioas_alloc_flags(void)
{
	struct iommu_ioas_alloc a = {.size = sizeof(a), .flags = 1};
	struct pdk_sim_stats st;
	struct test_env env;

	SETUP(env, NULL, NULL, false);
	TEST_ASSERT_RC(ifd_ioctl(&env, IOMMU_IOAS_ALLOC, &a), -EOPNOTSUPP);
	if (test_env_is_sim(&env)) {	/* the sim's own counters */
		pdk_sim_stats_get(env.sim, &st);
		TEST_ASSERT_EQ(st.ioas, 0);
	}
	DONE(env);
}
PDK_RULE_TEST(ioas_alloc_flags, test_ioas_alloc_flags);

/* ---- IOMMU_IOAS_MAP (kernel-facts K9) ---- */

/* kernel-facts K9: MAP with neither READABLE nor WRITEABLE: EINVAL */
static int
test_map_no_perm(void)
{
	struct test_env env;
	uint32_t ioas, hwpt;
	void *buf;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(raw_ioas_hwpt(&env, IOMMU_HWPT_ALLOC_PASID, &ioas, &hwpt));
	buf = test_buf_alloc(PG);
	TEST_ASSERT(buf != NULL);
	TEST_ASSERT_RC(raw_map_fixed(&env, ioas, 0, buf, PG, BASE_IOVA), -EINVAL);
	/* nothing was mapped there */
	TEST_ASSERT_RC(raw_unmap(&env, ioas, BASE_IOVA, PG), -ENOENT);
	test_buf_free(buf, PG);
	DONE(env);
}
PDK_RULE_TEST(map_no_perm, test_map_no_perm);

/* kernel-facts K9: MAP with an unknown flag: EOPNOTSUPP */
static int
test_map_unknown_flag(void)
{
	struct test_env env;
	uint32_t ioas;
	void *buf;

	SETUP(env, NULL, NULL, false);
	TEST_ASSERT_OK(raw_ioas_alloc(&env, &ioas));
	buf = test_buf_alloc(PG);
	TEST_ASSERT(buf != NULL);
	TEST_ASSERT_RC(raw_map_fixed(&env, ioas, RW | (1u << 3), buf, PG, BASE_IOVA), -EOPNOTSUPP);
	TEST_ASSERT_RC(raw_map_fixed(&env, ioas, RW | (1u << 31), buf, PG, BASE_IOVA),
		       -EOPNOTSUPP);
	TEST_ASSERT_RC(raw_unmap(&env, ioas, BASE_IOVA, PG), -ENOENT);
	test_buf_free(buf, PG);
	DONE(env);
}
PDK_RULE_TEST(map_unknown_flag, test_map_unknown_flag);

/* kernel-facts K9: MAP with a non-zero __reserved: EOPNOTSUPP */
static int
test_map_reserved(void)
{
	struct test_env env;
	uint32_t ioas;
	void *buf;

	SETUP(env, NULL, NULL, false);
	TEST_ASSERT_OK(raw_ioas_alloc(&env, &ioas));
	buf = test_buf_alloc(PG);
	TEST_ASSERT(buf != NULL);
	{
		struct iommu_ioas_map m = {
			.size = sizeof(m), .flags = FIXED_RW, .ioas_id = ioas, .__reserved = 1,
			.user_va = (uintptr_t)buf, .length = PG, .iova = BASE_IOVA,
		};

		TEST_ASSERT_RC(ifd_ioctl(&env, IOMMU_IOAS_MAP, &m), -EOPNOTSUPP);
	}
	TEST_ASSERT_RC(raw_unmap(&env, ioas, BASE_IOVA, PG), -ENOENT);
	test_buf_free(buf, PG);
	DONE(env);
}
PDK_RULE_TEST(map_reserved_nonzero, test_map_reserved);

/*
 * kernel-facts K9: misaligned FIXED iova: EINVAL (iopt_check_iova against the IOAS's
 * iova_alignment, the smallest page of its domains once one, here the
 * HWPT, is in the IOAS). The alignment is read back from IOVA_RANGES: 4 KiB
 * on the sim's VT-d, 2 KiB for the kernel's mock domain (MOCK_PAGE_SIZE).
 */
static int
test_map_unaligned(void)
{
	struct iommu_iova_range r[2];
	struct test_env env;
	uint32_t ioas, hwpt, n;
	uint64_t align = 0;
	void *buf;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(raw_ioas_hwpt(&env, IOMMU_HWPT_ALLOC_PASID, &ioas, &hwpt));
	TEST_ASSERT_OK(iova_ranges(&env, ioas, 2, r, &n, &align));
	TEST_ASSERT(align >= 2 && (align & (align - 1)) == 0 && align <= PG, "alignment %llu",
		    (unsigned long long)align);
	if (test_env_is_sim(&env))
		TEST_ASSERT_EQ(align, PG);
	buf = test_buf_alloc(2 * PG);
	TEST_ASSERT(buf != NULL);
	TEST_ASSERT_RC(raw_map_fixed(&env, ioas, RW, buf, PG, BASE_IOVA + align / 2), -EINVAL);
	TEST_ASSERT_RC(raw_map_fixed(&env, ioas, RW, buf, PG, BASE_IOVA + 1), -EINVAL);
	/* the aligned one works */
	TEST_ASSERT_OK(raw_map_fixed(&env, ioas, RW, buf, PG, BASE_IOVA));
	TEST_ASSERT_OK(raw_unmap(&env, ioas, BASE_IOVA, PG));
	test_buf_free(buf, 2 * PG);
	DONE(env);
}
PDK_RULE_TEST(map_unaligned_iova, test_map_unaligned);

/* kernel-facts K9 (iopt_alloc_pages()): length 0: EINVAL */
static int
test_map_len_zero(void)
{
	struct test_env env;
	uint64_t iova = 0;
	uint32_t ioas, hwpt;
	void *buf;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(raw_ioas_hwpt(&env, IOMMU_HWPT_ALLOC_PASID, &ioas, &hwpt));
	buf = test_buf_alloc(PG);
	TEST_ASSERT(buf != NULL);
	TEST_ASSERT_RC(raw_map_fixed(&env, ioas, RW, buf, 0, BASE_IOVA), -EINVAL);
	TEST_ASSERT_RC(raw_map(&env, ioas, RW, buf, 0, &iova), -EINVAL);
	test_buf_free(buf, PG);
	DONE(env);
}
PDK_RULE_TEST(map_len_zero, test_map_len_zero);

/* kernel-facts K9: a FIXED iova overlapping an existing map: EEXIST (selftest iommufd_ioas.area) */
static int
test_map_overlap(void)
{
	struct test_env env;
	uint32_t ioas, hwpt;
	uint64_t len;
	void *buf;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(raw_ioas_hwpt(&env, IOMMU_HWPT_ALLOC_PASID, &ioas, &hwpt));
	buf = test_buf_alloc(4 * PG);
	TEST_ASSERT(buf != NULL);
	TEST_ASSERT_OK(raw_map_fixed(&env, ioas, RW, buf, 2 * PG, BASE_IOVA + 16 * PG));
	TEST_ASSERT_RC(raw_map_fixed(&env, ioas, RW, buf, 2 * PG, BASE_IOVA + 16 * PG), -EEXIST);
	TEST_ASSERT_RC(raw_map_fixed(&env, ioas, RW, buf, PG, BASE_IOVA + 17 * PG), -EEXIST);
	TEST_ASSERT_RC(raw_map_fixed(&env, ioas, RW, buf, 2 * PG, BASE_IOVA + 15 * PG), -EEXIST);
	TEST_ASSERT_RC(raw_map_fixed(&env, ioas, RW, buf, 4 * PG, BASE_IOVA + 15 * PG), -EEXIST);
	/* just before and just after are free */
	TEST_ASSERT_OK(raw_map_fixed(&env, ioas, RW, buf, PG, BASE_IOVA + 15 * PG));
	TEST_ASSERT_OK(raw_map_fixed(&env, ioas, RW, buf, PG, BASE_IOVA + 18 * PG));
	TEST_ASSERT_OK(unmap_len(&env, ioas, BASE_IOVA + 15 * PG, 4 * PG, &len));
	TEST_ASSERT_EQ(len, 4 * PG);
	test_buf_free(buf, 4 * PG);
	DONE(env);
}
PDK_RULE_TEST(map_overlap, test_map_overlap);

/* kernel-facts K9: iova or length >= ULONG_MAX, or iova + length wrapping: EOVERFLOW */
static int
test_map_overflow(void)
{
	struct test_env env;
	uint32_t ioas, hwpt;
	void *buf;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(raw_ioas_hwpt(&env, IOMMU_HWPT_ALLOC_PASID, &ioas, &hwpt));
	buf = test_buf_alloc(2 * PG);
	TEST_ASSERT(buf != NULL);
	/* aligned iova, but iova + len - 1 wraps */
	TEST_ASSERT_RC(raw_map_fixed(&env, ioas, RW, buf, 2 * PG, UINT64_MAX - PG + 1), -EOVERFLOW);
	/* length >= ULONG_MAX */
	TEST_ASSERT_RC(raw_map_fixed(&env, ioas, RW, buf, UINT64_MAX, BASE_IOVA), -EOVERFLOW);
	/* iova >= ULONG_MAX */
	TEST_ASSERT_RC(raw_map_fixed(&env, ioas, RW, buf, PG, UINT64_MAX), -EOVERFLOW);
	test_buf_free(buf, 2 * PG);
	DONE(env);
}
PDK_RULE_TEST(map_overflow, test_map_overflow);

/* kernel-facts K9: bad ioas_id: ENOENT (also an id that is not an IOAS) */
static int
test_map_unknown_ioas(void)
{
	struct test_env env;
	uint32_t ioas, hwpt;
	void *buf;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(raw_ioas_hwpt(&env, IOMMU_HWPT_ALLOC_PASID, &ioas, &hwpt));
	buf = test_buf_alloc(PG);
	TEST_ASSERT(buf != NULL);
	TEST_ASSERT_RC(raw_map_fixed(&env, BAD_ID, RW, buf, PG, BASE_IOVA), -ENOENT);
	TEST_ASSERT_RC(raw_map_fixed(&env, 0, RW, buf, PG, BASE_IOVA), -ENOENT);
	/* a HWPT id is of the wrong type */
	TEST_ASSERT_RC(raw_map_fixed(&env, hwpt, RW, buf, PG, BASE_IOVA), -ENOENT);
	TEST_ASSERT_RC(raw_unmap(&env, ioas, BASE_IOVA, PG), -ENOENT);
	test_buf_free(buf, PG);
	DONE(env);
}
PDK_RULE_TEST(map_unknown_ioas, test_map_unknown_ioas);

/* pinning a VA the process has not mapped fails like GUP: EFAULT, nothing left mapped */
static int
test_map_bad_va(void)
{
	struct pdk_sim_stats st;
	struct test_env env;
	uint32_t ioas, hwpt;
	void *hole;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(raw_ioas_hwpt(&env, IOMMU_HWPT_ALLOC_PASID, &ioas, &hwpt));
	hole = test_buf_alloc(4 * PG);
	TEST_ASSERT(hole != NULL);
	test_buf_free(hole, 4 * PG);	/* now a hole in the process */
	TEST_ASSERT_RC(raw_map_fixed(&env, ioas, RW, hole, 4 * PG, BASE_IOVA), -EFAULT);
	if (test_env_is_sim(&env)) {	/* the sim's own counters */
		pdk_sim_stats_get(env.sim, &st);
		TEST_ASSERT_EQ(st.mappings, 0);
		TEST_ASSERT_EQ(st.pinned_pages, 0);
	}
	TEST_ASSERT_RC(raw_unmap(&env, ioas, BASE_IOVA, 4 * PG), -ENOENT);
	DONE(env);
}
PDK_RULE_TEST(map_bad_va, test_map_bad_va);

/* kernel-facts K9: without FIXED_IOVA the kernel picks an aligned IOVA, a new one per map */
static int
test_map_auto_iova(void)
{
	struct test_env env;
	uint64_t a = 0, b = 0, len;
	uint32_t ioas, hwpt;
	void *buf;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(raw_ioas_hwpt(&env, IOMMU_HWPT_ALLOC_PASID, &ioas, &hwpt));
	buf = test_buf_alloc(4 * PG);
	TEST_ASSERT(buf != NULL);
	TEST_ASSERT_OK(raw_map(&env, ioas, RW, buf, 4 * PG, &a));
	TEST_ASSERT_OK(raw_map(&env, ioas, RW, buf, 4 * PG, &b));
	TEST_ASSERT_EQ(a % PG, 0);
	TEST_ASSERT_EQ(b % PG, 0);
	TEST_ASSERT(a != b, "both maps got IOVA 0x%llx", (unsigned long long)a);
	TEST_ASSERT(a + 4 * PG <= b || b + 4 * PG <= a, "0x%llx and 0x%llx overlap",
		    (unsigned long long)a, (unsigned long long)b);
	/* each is a whole mapping of its own */
	TEST_ASSERT_OK(unmap_len(&env, ioas, a, 4 * PG, &len));
	TEST_ASSERT_EQ(len, 4 * PG);
	TEST_ASSERT_OK(unmap_len(&env, ioas, b, 4 * PG, &len));
	TEST_ASSERT_EQ(len, 4 * PG);
	test_buf_free(buf, 4 * PG);
	DONE(env);
}
PDK_RULE_TEST(map_auto_iova, test_map_auto_iova);

/* ---- IOMMU_IOAS_UNMAP ---- */

/* kernel-facts K9: UNMAP that would split a mapping: ENOENT, and the mapping stays whole */
static int
test_unmap_split(void)
{
	struct test_env env;
	uint32_t ioas, hwpt;
	uint64_t len;
	void *buf;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(raw_ioas_hwpt(&env, IOMMU_HWPT_ALLOC_PASID, &ioas, &hwpt));
	buf = test_buf_alloc(2 * PG);
	TEST_ASSERT(buf != NULL);
	TEST_ASSERT_OK(raw_map_fixed(&env, ioas, RW, buf, 2 * PG, BASE_IOVA));
	TEST_ASSERT_RC(unmap_len(&env, ioas, BASE_IOVA, PG, &len), -ENOENT);
	TEST_ASSERT_RC(unmap_len(&env, ioas, BASE_IOVA + PG, PG, &len), -ENOENT);
	TEST_ASSERT_RC(unmap_len(&env, ioas, BASE_IOVA + PG, 4 * PG, &len), -ENOENT);
	TEST_ASSERT_OK(unmap_len(&env, ioas, BASE_IOVA, 2 * PG, &len));
	TEST_ASSERT_EQ(len, 2 * PG);
	test_buf_free(buf, 2 * PG);
	DONE(env);
}
PDK_RULE_TEST(unmap_split, test_unmap_split);

/* kernel-facts K9: UNMAP where nothing is mapped: ENOENT */
static int
test_unmap_nothing(void)
{
	struct test_env env;
	uint32_t ioas;
	uint64_t len;
	void *buf;

	SETUP(env, NULL, NULL, false);
	TEST_ASSERT_OK(raw_ioas_alloc(&env, &ioas));
	TEST_ASSERT_RC(unmap_len(&env, ioas, BASE_IOVA, PG, &len), -ENOENT);
	/* next to a mapping, but not on it */
	buf = test_buf_alloc(PG);
	TEST_ASSERT(buf != NULL);
	TEST_ASSERT_OK(raw_map_fixed(&env, ioas, RW, buf, PG, BASE_IOVA));
	TEST_ASSERT_RC(unmap_len(&env, ioas, BASE_IOVA + PG, PG, &len), -ENOENT);
	TEST_ASSERT_OK(unmap_len(&env, ioas, BASE_IOVA, PG, &len));
	TEST_ASSERT_EQ(len, PG);
	test_buf_free(buf, PG);
	DONE(env);
}
PDK_RULE_TEST(unmap_nothing, test_unmap_nothing);

/* UNMAP of a range fully containing several whole mappings (selftest unmap_fully_contained_areas) */
static int
test_unmap_adjacent(void)
{
	struct pdk_sim_stats st;
	struct test_env env;
	uint32_t ioas, hwpt;
	uint64_t len;
	void *buf;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(raw_ioas_hwpt(&env, IOMMU_HWPT_ALLOC_PASID, &ioas, &hwpt));
	buf = test_buf_alloc(3 * PG);
	TEST_ASSERT(buf != NULL);
	TEST_ASSERT_OK(raw_map_fixed(&env, ioas, RW, buf, PG, BASE_IOVA));
	TEST_ASSERT_OK(raw_map_fixed(&env, ioas, RW, (char *)buf + PG, 2 * PG, BASE_IOVA + PG));
	TEST_ASSERT_OK(unmap_len(&env, ioas, BASE_IOVA, 3 * PG, &len));
	TEST_ASSERT_EQ(len, 3 * PG);
	if (test_env_is_sim(&env)) {	/* the sim's own counters */
		pdk_sim_stats_get(env.sim, &st);
		TEST_ASSERT_EQ(st.mappings, 0);
		TEST_ASSERT_EQ(st.pinned_pages, 0);
	}
	/* a range that reaches past both also works when it cuts no mapping */
	TEST_ASSERT_OK(raw_map_fixed(&env, ioas, RW, buf, PG, BASE_IOVA + 8 * PG));
	TEST_ASSERT_OK(raw_map_fixed(&env, ioas, RW, buf, PG, BASE_IOVA + 9 * PG));
	TEST_ASSERT_OK(unmap_len(&env, ioas, BASE_IOVA, 64 * PG, &len));
	TEST_ASSERT_EQ(len, 2 * PG);
	test_buf_free(buf, 3 * PG);
	DONE(env);
}
PDK_RULE_TEST(unmap_adjacent, test_unmap_adjacent);

/*
 * kernel-facts K9: iova 0, length U64_MAX unmaps everything and reports the bytes.
 * On an empty IOAS it succeeds with length 0: iommufd_ioas_unmap() takes
 * the unmap-all branch, which never returns ENOENT (kernel selftest
 * iommufd_ioas.area: "Unmap all succeeds on an empty IOAS").
 */
static int
test_unmap_all(void)
{
	struct test_env env;
	uint32_t ioas, hwpt;
	uint64_t len;
	void *buf;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(raw_ioas_hwpt(&env, IOMMU_HWPT_ALLOC_PASID, &ioas, &hwpt));
	buf = test_buf_alloc(4 * PG);
	TEST_ASSERT(buf != NULL);
	TEST_ASSERT_OK(raw_map_fixed(&env, ioas, RW, buf, PG, BASE_IOVA));
	TEST_ASSERT_OK(raw_map_fixed(&env, ioas, RW, buf, 3 * PG, BASE_IOVA + 0x100000));
	TEST_ASSERT_OK(unmap_len(&env, ioas, 0, UINT64_MAX, &len));
	TEST_ASSERT_EQ(len, 4 * PG);
	TEST_ASSERT_RC(raw_unmap(&env, ioas, BASE_IOVA, PG), -ENOENT);
	/* empty now */
	len = 1;
	TEST_ASSERT_OK(unmap_len(&env, ioas, 0, UINT64_MAX, &len));
	TEST_ASSERT_EQ(len, 0);
	test_buf_free(buf, 4 * PG);
	DONE(env);
}
PDK_RULE_TEST(unmap_all, test_unmap_all);

/* ---- IOMMU_IOAS_IOVA_RANGES ---- */

/*
 * kernel-facts K10: num_iovas too small: EMSGSIZE and the count needed; the
 * first num_iovas entries are still filled. One range before the RID attach,
 * two after it (the RID's reserved regions split the space), one again after
 * the RID detach.
 */
static int
test_iova_ranges_count(void)
{
	struct iommu_iova_range r[4];
	struct test_env env;
	uint32_t ioas, hwpt, n;
	uint64_t align;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(raw_ioas_alloc(&env, &ioas));
	TEST_ASSERT_RC(iova_ranges(&env, ioas, 0, NULL, &n, NULL), -EMSGSIZE);
	TEST_ASSERT_EQ(n, 1);

	TEST_ASSERT_OK(raw_hwpt_alloc(&env, ioas, IOMMU_HWPT_ALLOC_PASID, &hwpt));
	TEST_ASSERT_RC(iova_ranges(&env, ioas, 0, NULL, &n, NULL), -EMSGSIZE);
	TEST_ASSERT_EQ(n, 1);
	memset(r, 0, sizeof(r));
	TEST_ASSERT_OK(iova_ranges(&env, ioas, 4, r, &n, &align));
	TEST_ASSERT_EQ(n, 1);
	TEST_ASSERT(r[0].start < r[0].last, "range [0x%llx, 0x%llx]",
		    (unsigned long long)r[0].start, (unsigned long long)r[0].last);
	TEST_ASSERT(align != 0 && (align & (align - 1)) == 0, "alignment %llu",
		    (unsigned long long)align);
	TEST_ASSERT_EQ(r[1].start, 0);	/* untouched */
	TEST_ASSERT_EQ(r[1].last, 0);

	TEST_ASSERT_OK(raw_attach(&env, 0, 0, hwpt));
	TEST_ASSERT_RC(iova_ranges(&env, ioas, 0, NULL, &n, NULL), -EMSGSIZE);
	TEST_ASSERT_EQ(n, 2);
	memset(r, 0, sizeof(r));
	TEST_ASSERT_RC(iova_ranges(&env, ioas, 1, r, &n, NULL), -EMSGSIZE);
	TEST_ASSERT_EQ(n, 2);
	TEST_ASSERT(r[0].last != 0, "first range not filled on EMSGSIZE");
	TEST_ASSERT_EQ(r[1].last, 0);
	memset(r, 0, sizeof(r));
	TEST_ASSERT_OK(iova_ranges(&env, ioas, 4, r, &n, NULL));
	TEST_ASSERT_EQ(n, 2);
	TEST_ASSERT(r[0].start <= r[0].last && r[0].last + 1 < r[1].start &&
		    r[1].start <= r[1].last,
		    "ranges [0x%llx, 0x%llx] [0x%llx, 0x%llx] are not two sorted disjoint ranges with a hole",
		    (unsigned long long)r[0].start, (unsigned long long)r[0].last,
		    (unsigned long long)r[1].start, (unsigned long long)r[1].last);

	TEST_ASSERT_OK(raw_detach(&env, 0, 0));
	TEST_ASSERT_RC(iova_ranges(&env, ioas, 0, NULL, &n, NULL), -EMSGSIZE);
	TEST_ASSERT_EQ(n, 1);
	TEST_ASSERT_OK(raw_destroy(&env, hwpt));
	TEST_ASSERT_OK(raw_destroy(&env, ioas));
	DONE(env);
}
PDK_SIM_RULE(iova_ranges_count, test_iova_ranges_count,
	     "the mock device has no reserved regions: its RID attach cannot split the IOVA space as VT-d's MSI window does");

/* kernel-facts K10: reserved regions are not enforced on a PASID attach: still one range */
static int
test_iova_ranges_pasid(void)
{
	struct test_env env;
	uint32_t ioas, hwpt, n;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(raw_ioas_hwpt(&env, IOMMU_HWPT_ALLOC_PASID, &ioas, &hwpt));
	TEST_ASSERT_OK(raw_attach(&env, VFIO_DEVICE_ATTACH_PASID, 1, hwpt));
	TEST_ASSERT_RC(iova_ranges(&env, ioas, 0, NULL, &n, NULL), -EMSGSIZE);
	TEST_ASSERT_EQ(n, 1);
	TEST_ASSERT_OK(raw_detach(&env, VFIO_DEVICE_DETACH_PASID, 1));
	TEST_ASSERT_OK(raw_destroy(&env, hwpt));
	TEST_ASSERT_OK(raw_destroy(&env, ioas));
	DONE(env);
}
PDK_RULE_TEST(iova_ranges_pasid_no_resv, test_iova_ranges_pasid);

/* ---- IOMMU_HWPT_ALLOC (kernel-facts K11) ---- */

/* kernel-facts K11: unknown pt_id gives EINVAL, not ENOENT */
static int
test_hwpt_unknown_pt(void)
{
	struct pdk_sim_stats st;
	struct test_env env;
	uint32_t hwpt;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_RC(raw_hwpt_alloc(&env, BAD_ID, IOMMU_HWPT_ALLOC_PASID, &hwpt), -EINVAL);
	TEST_ASSERT_RC(raw_hwpt_alloc(&env, BAD_ID, 0, &hwpt), -EINVAL);
	if (test_env_is_sim(&env)) {	/* the sim's own counters */
		pdk_sim_stats_get(env.sim, &st);
		TEST_ASSERT_EQ(st.hwpts, 0);
	}
	DONE(env);
}
PDK_RULE_TEST(hwpt_unknown_pt, test_hwpt_unknown_pt);

/* kernel-facts K11: unknown dev_id: ENOENT */
static int
test_hwpt_unknown_dev(void)
{
	struct test_env env;
	uint32_t ioas;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(raw_ioas_alloc(&env, &ioas));
	{
		struct iommu_hwpt_alloc a = {
			.size = sizeof(a), .flags = IOMMU_HWPT_ALLOC_PASID, .dev_id = BAD_ID,
			.pt_id = ioas, .data_type = IOMMU_HWPT_DATA_NONE,
		};

		TEST_ASSERT_RC(ifd_ioctl(&env, IOMMU_HWPT_ALLOC, &a), -ENOENT);
		/* the IOAS's id is not a device either */
		a.dev_id = ioas;
		TEST_ASSERT_RC(ifd_ioctl(&env, IOMMU_HWPT_ALLOC, &a), -ENOENT);
	}
	TEST_ASSERT_OK(raw_destroy(&env, ioas));
	DONE(env);
}
PDK_RULE_TEST(hwpt_unknown_dev, test_hwpt_unknown_dev);

/* kernel-facts K11: unknown flags, or a non-zero __reserved: EOPNOTSUPP */
static int
test_hwpt_unknown_flags(void)
{
	struct test_env env;
	uint32_t ioas, hwpt;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(raw_ioas_alloc(&env, &ioas));
	TEST_ASSERT_RC(raw_hwpt_alloc(&env, ioas, 1u << 30, &hwpt), -EOPNOTSUPP);
	TEST_ASSERT_RC(raw_hwpt_alloc(&env, ioas, IOMMU_HWPT_ALLOC_PASID | (1u << 30), &hwpt),
		       -EOPNOTSUPP);
	{
		struct iommu_hwpt_alloc a = {
			.size = sizeof(a), .flags = IOMMU_HWPT_ALLOC_PASID, .dev_id = env.dev_id,
			.pt_id = ioas, .__reserved = 1, .data_type = IOMMU_HWPT_DATA_NONE,
		};

		TEST_ASSERT_RC(ifd_ioctl(&env, IOMMU_HWPT_ALLOC, &a), -EOPNOTSUPP);
	}
	TEST_ASSERT_RC(raw_destroy(&env, ioas), 0);	/* no HWPT was left on it */
	DONE(env);
}
PDK_RULE_TEST(hwpt_unknown_flags, test_hwpt_unknown_flags);

/* kernel-facts K11: data_type NONE with a non-zero data_len: EINVAL */
static int
test_hwpt_data_len(void)
{
	struct test_env env;
	uint64_t blob[4] = {0};
	uint32_t ioas;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(raw_ioas_alloc(&env, &ioas));
	{
		struct iommu_hwpt_alloc a = {
			.size = sizeof(a), .flags = IOMMU_HWPT_ALLOC_PASID, .dev_id = env.dev_id,
			.pt_id = ioas, .data_type = IOMMU_HWPT_DATA_NONE,
			.data_len = sizeof(blob), .data_uptr = (uintptr_t)blob,
		};

		TEST_ASSERT_RC(ifd_ioctl(&env, IOMMU_HWPT_ALLOC, &a), -EINVAL);
	}
	TEST_ASSERT_OK(raw_destroy(&env, ioas));
	DONE(env);
}
PDK_RULE_TEST(hwpt_data_len, test_hwpt_data_len);

/* kernel-facts K11, K12: FAULT_ID_VALID needs a fault queue id: ENOENT otherwise; a real one works */
static int
test_hwpt_fault_id(void)
{
	struct iommu_fault_alloc f = {.size = sizeof(f)};
	struct iommu_hwpt_alloc a;
	struct test_env env;
	uint32_t ioas;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(raw_ioas_alloc(&env, &ioas));
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.flags = IOMMU_HWPT_ALLOC_PASID | IOMMU_HWPT_FAULT_ID_VALID;
	a.dev_id = env.dev_id;
	a.pt_id = ioas;
	a.data_type = IOMMU_HWPT_DATA_NONE;
	a.fault_id = BAD_ID;
	TEST_ASSERT_RC(ifd_ioctl(&env, IOMMU_HWPT_ALLOC, &a), -ENOENT);
	a.fault_id = ioas;	/* an id of the wrong type */
	TEST_ASSERT_RC(ifd_ioctl(&env, IOMMU_HWPT_ALLOC, &a), -ENOENT);

	TEST_ASSERT_OK(ifd_ioctl(&env, IOMMU_FAULT_QUEUE_ALLOC, &f));
	TEST_ASSERT((int)f.out_fault_fd >= 0, "fault fd %d", (int)f.out_fault_fd);
	a.fault_id = f.out_fault_id;
	TEST_ASSERT_OK(ifd_ioctl(&env, IOMMU_HWPT_ALLOC, &a));
	TEST_ASSERT(a.out_hwpt_id != 0 && a.out_hwpt_id != ioas && a.out_hwpt_id != f.out_fault_id,
		    "hwpt id %u", a.out_hwpt_id);
	/* the queue is referenced by the HWPT: it goes after it */
	TEST_ASSERT_RC(raw_destroy(&env, f.out_fault_id), -EBUSY);
	TEST_ASSERT_OK(raw_destroy(&env, a.out_hwpt_id));
	TEST_ASSERT_OK(pdk_sys_close(env.sys, (int)f.out_fault_fd));
	TEST_ASSERT_OK(raw_destroy(&env, f.out_fault_id));
	TEST_ASSERT_OK(raw_destroy(&env, ioas));
	DONE(env);
}
PDK_RULE_TEST(hwpt_fault_id, test_hwpt_fault_id);

/* ---- IOMMU_GET_HW_INFO (kernel-facts K7) ---- */

/* kernel-facts K7: bad dev_id: ENOENT */
static int
test_hw_info_bad_dev(void)
{
	struct iommu_hw_info info;
	struct test_env env;
	uint32_t ioas;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_RC(hw_info(&env, BAD_ID, &info), -ENOENT);
	TEST_ASSERT_OK(raw_ioas_alloc(&env, &ioas));
	TEST_ASSERT_RC(hw_info(&env, ioas, &info), -ENOENT);
	TEST_ASSERT_OK(hw_info(&env, env.dev_id, &info));
	TEST_ASSERT_OK(raw_destroy(&env, ioas));
	DONE(env);
}
PDK_RULE_TEST(hw_info_bad_dev, test_hw_info_bad_dev);

/*
 * kernel-facts K7: a pointer inside the struct to memory the caller cannot read or
 * write (here a PROT_NONE page) is EFAULT, as copy_from/to_user make it;
 * the sim must not crash on it (found by test/fuzz/fuzz_sim_ioctl). Like
 * the kernel it logs nothing above DEBUG: the library calling it does.
 */
static int
test_user_ptr_efault(void)
{
	struct iommu_ioas_allow_iovas allow;
	struct iommu_hw_info info;
	struct test_env env;
	uint32_t ioas, n;
	void *none;

	none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT(none != MAP_FAILED, "mmap PROT_NONE");
	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(raw_ioas_alloc(&env, &ioas));
	TEST_ASSERT_RC(iova_ranges(&env, ioas, 2, none, &n, NULL), -EFAULT);

	memset(&allow, 0, sizeof(allow));
	allow.size = sizeof(allow);
	allow.ioas_id = ioas;
	allow.num_iovas = 1;
	allow.allowed_iovas = (uintptr_t)none;
	TEST_ASSERT_RC(ifd_ioctl(&env, IOMMU_IOAS_ALLOW_IOVAS, &allow), -EFAULT);

	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.dev_id = env.dev_id;
	info.data_len = 64;
	info.data_uptr = (uintptr_t)none;
	TEST_ASSERT_RC(ifd_ioctl(&env, IOMMU_GET_HW_INFO, &info), -EFAULT);
	/* nothing was written through the pointers: the page is still unreadable */
	TEST_ASSERT(mprotect(none, 4096, PROT_READ) == 0 && *(volatile char *)none == 0,
		    "the PROT_NONE page changed");
	TEST_ASSERT_OK(raw_destroy(&env, ioas));
	munmap(none, 4096);
	DONE(env);
}
PDK_RULE_TEST(user_ptr_efault, test_user_ptr_efault);

/* kernel-facts K7: out_max_pasid_log2 is the PASID width; EXEC/PRIV clear when not enabled */
static int
test_hw_info_width20(void)
{
	struct pdk_sim_fn_config fn = test_default_fn;
	struct iommu_hw_info info;
	struct test_env env;

	fn.pasid_bits = 20;
	fn.pasid_exec = false;
	fn.pasid_priv = false;
	SETUP(env, NULL, &fn, true);
	TEST_ASSERT_OK(hw_info(&env, env.dev_id, &info));
	TEST_ASSERT_EQ(info.out_max_pasid_log2, 20);
	/* the kernel's mock IOMMU reports its own type (IOMMU_HW_INFO_TYPE_SELFTEST) */
	if (test_env_is_sim(&env))
		TEST_ASSERT_EQ(info.out_data_type, IOMMU_HW_INFO_TYPE_INTEL_VTD);
	TEST_ASSERT_EQ(info.out_capabilities &
		       (IOMMU_HW_CAP_PCI_PASID_EXEC | IOMMU_HW_CAP_PCI_PASID_PRIV), 0);
	DONE(env);
}
PDK_RULE_TEST(hw_info_width20, test_hw_info_width20);

/* kernel-facts K7: a function without PASID reports width 0 and no PASID caps */
static int
test_hw_info_width0(void)
{
	struct pdk_sim_fn_config fn = test_default_fn;
	struct iommu_hw_info info;
	struct test_env env;

	fn.pasid_bits = 0;
	fn.pasid_exec = true;	/* meaningless without a PASID capability */
	fn.pasid_priv = true;
	SETUP(env, NULL, &fn, true);
	TEST_ASSERT_OK(hw_info(&env, env.dev_id, &info));
	TEST_ASSERT_EQ(info.out_max_pasid_log2, 0);
	TEST_ASSERT_EQ(info.out_capabilities &
		       (IOMMU_HW_CAP_PCI_PASID_EXEC | IOMMU_HW_CAP_PCI_PASID_PRIV), 0);
	DONE(env);
}
PDK_SIM_RULE(hw_info_width0, test_hw_info_width0,
	     "needs a function of PASID width 0 (the mock has 20)");

/* kernel-facts K7: EXEC/PRIV reflect the enabled bits of the PASID capability */
static int
test_hw_info_exec_priv(void)
{
	struct pdk_sim_fn_config fn = test_default_fn;
	struct iommu_hw_info info;
	struct test_env env;

	fn.pasid_exec = true;
	fn.pasid_priv = false;
	SETUP(env, NULL, &fn, true);
	TEST_ASSERT_OK(hw_info(&env, env.dev_id, &info));
	TEST_ASSERT_EQ(info.out_max_pasid_log2, 20);
	TEST_ASSERT_EQ(info.out_capabilities &
		       (IOMMU_HW_CAP_PCI_PASID_EXEC | IOMMU_HW_CAP_PCI_PASID_PRIV),
		       IOMMU_HW_CAP_PCI_PASID_EXEC);
	TEST_ASSERT_OK(test_env_teardown(&env));

	fn.pasid_exec = false;
	fn.pasid_priv = true;
	SETUP(env, NULL, &fn, true);
	TEST_ASSERT_OK(hw_info(&env, env.dev_id, &info));
	TEST_ASSERT_EQ(info.out_capabilities &
		       (IOMMU_HW_CAP_PCI_PASID_EXEC | IOMMU_HW_CAP_PCI_PASID_PRIV),
		       IOMMU_HW_CAP_PCI_PASID_PRIV);
	DONE(env);
}
PDK_SIM_RULE(hw_info_exec_priv, test_hw_info_exec_priv,
	     "EXEC/PRIV come from a PCI PASID capability; the mock is not a PCI device");

/* kernel-facts K7: max_pasids = min(device, IOMMU) */
static int
test_hw_info_width_min(void)
{
	struct pdk_sim_config cfg = {.iommu = PDK_SIM_IOMMU_VTD, .iommu_pasid_bits = 8};
	struct pdk_sim_fn_config fn = test_default_fn;
	struct iommu_hw_info info;
	struct test_env env;

	fn.pasid_bits = 20;
	SETUP(env, &cfg, &fn, true);
	TEST_ASSERT_OK(hw_info(&env, env.dev_id, &info));
	TEST_ASSERT_EQ(info.out_max_pasid_log2, 8);
	TEST_ASSERT_OK(test_env_teardown(&env));

	cfg.iommu_pasid_bits = 20;
	fn.pasid_bits = 5;
	SETUP(env, &cfg, &fn, true);
	TEST_ASSERT_OK(hw_info(&env, env.dev_id, &info));
	TEST_ASSERT_EQ(info.out_max_pasid_log2, 5);
	DONE(env);
}
PDK_SIM_RULE(hw_info_width_min_iommu, test_hw_info_width_min,
	     "needs IOMMU and device widths other than 20");

/* kernel-facts K18, AMD: EXEC/PRIV are never reported (PASID enabled with features 0) */
static int
test_hw_info_amd(void)
{
	struct pdk_sim_config cfg = {.iommu = PDK_SIM_IOMMU_AMD};
	struct pdk_sim_fn_config fn = test_default_fn;
	struct iommu_hw_info info;
	struct test_env env;

	fn.pasid_exec = true;
	fn.pasid_priv = true;
	SETUP(env, &cfg, &fn, true);
	TEST_ASSERT_OK(hw_info(&env, env.dev_id, &info));
	TEST_ASSERT_EQ(info.out_data_type, IOMMU_HW_INFO_TYPE_AMD);
	TEST_ASSERT_EQ(info.out_max_pasid_log2, 20);	/* pdk_sim.h: "width reported" */
	TEST_ASSERT_EQ(info.out_capabilities &
		       (IOMMU_HW_CAP_PCI_PASID_EXEC | IOMMU_HW_CAP_PCI_PASID_PRIV), 0);
	DONE(env);
}
PDK_SIM_RULE(hw_info_amd, test_hw_info_amd,
	     "needs an AMD-Vi IOMMU");

/* ---- IOMMU_DESTROY ---- */

/* kernel-facts K8: DESTROY of an unknown id: ENOENT (also twice) */
static int
test_destroy_unknown(void)
{
	struct test_env env;
	uint32_t ioas;

	SETUP(env, NULL, NULL, false);
	TEST_ASSERT_RC(raw_destroy(&env, BAD_ID), -ENOENT);
	TEST_ASSERT_RC(raw_destroy(&env, 0), -ENOENT);
	TEST_ASSERT_OK(raw_ioas_alloc(&env, &ioas));
	TEST_ASSERT_OK(raw_destroy(&env, ioas));
	TEST_ASSERT_RC(raw_destroy(&env, ioas), -ENOENT);
	DONE(env);
}
PDK_RULE_TEST(destroy_unknown, test_destroy_unknown);

/* kernel-facts K8: DESTROY of an IOAS that still has a HWPT: EBUSY */
static int
test_destroy_ioas_busy(void)
{
	struct pdk_sim_stats st;
	struct test_env env;
	uint32_t ioas, hwpt;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(raw_ioas_hwpt(&env, IOMMU_HWPT_ALLOC_PASID, &ioas, &hwpt));
	TEST_ASSERT_RC(raw_destroy(&env, ioas), -EBUSY);
	if (test_env_is_sim(&env)) {	/* the sim's own counters */
		pdk_sim_stats_get(env.sim, &st);
		TEST_ASSERT_EQ(st.ioas, 1);
		TEST_ASSERT_EQ(st.hwpts, 1);
	}
	TEST_ASSERT_OK(raw_destroy(&env, hwpt));
	TEST_ASSERT_OK(raw_destroy(&env, ioas));
	DONE(env);
}
PDK_RULE_TEST(destroy_ioas_busy, test_destroy_ioas_busy);

/* kernel-facts K8: DESTROY of a HWPT attached to a PASID: EBUSY; after the detach: 0 */
static int
test_destroy_hwpt_pasid_busy(void)
{
	struct test_env env;
	uint32_t ioas, hwpt;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(raw_ioas_hwpt(&env, IOMMU_HWPT_ALLOC_PASID, &ioas, &hwpt));
	TEST_ASSERT_OK(raw_attach(&env, VFIO_DEVICE_ATTACH_PASID, 7, hwpt));
	TEST_ASSERT_RC(raw_destroy(&env, hwpt), -EBUSY);
	TEST_ASSERT_OK(raw_detach(&env, VFIO_DEVICE_DETACH_PASID, 7));
	TEST_ASSERT_OK(raw_destroy(&env, hwpt));
	TEST_ASSERT_OK(raw_destroy(&env, ioas));
	DONE(env);
}
PDK_RULE_TEST(destroy_hwpt_pasid_busy, test_destroy_hwpt_pasid_busy);

/* ---- IOMMU_FAULT_QUEUE_ALLOC ---- */

/* kernel-facts K12: flags != 0: EOPNOTSUPP, and no fd is handed out */
static int
test_fault_alloc_flags(void)
{
	struct iommu_fault_alloc f = {.size = sizeof(f), .flags = 1};
	struct pdk_sim_stats before, after;
	struct test_env env;

	SETUP(env, NULL, NULL, false);
	if (test_env_is_sim(&env))
		pdk_sim_stats_get(env.sim, &before);
	TEST_ASSERT_RC(ifd_ioctl(&env, IOMMU_FAULT_QUEUE_ALLOC, &f), -EOPNOTSUPP);
	if (test_env_is_sim(&env)) {	/* the sim's own counters; the runner checks real fds */
		pdk_sim_stats_get(env.sim, &after);
		TEST_ASSERT_EQ(after.fault_queues, 0);
		TEST_ASSERT_EQ(after.fds, before.fds);
	}
	DONE(env);
}
PDK_RULE_TEST(fault_alloc_flags, test_fault_alloc_flags);

/* ---- accounting ---- */

/* kernel-facts K9, MAP: over the RLIMIT_MEMLOCK-like pin limit: ENOMEM, nothing pinned or mapped */
static int
test_pin_limit(void)
{
	struct pdk_sim_config cfg = {.pin_limit_pages = 4};
	struct pdk_sim_stats st;
	struct test_env env;
	uint32_t ioas, hwpt;
	uint64_t len;
	void *buf;

	SETUP(env, &cfg, NULL, true);
	TEST_ASSERT_OK(raw_ioas_hwpt(&env, IOMMU_HWPT_ALLOC_PASID, &ioas, &hwpt));
	buf = test_buf_alloc(8 * PG);
	TEST_ASSERT(buf != NULL);
	TEST_ASSERT_RC(raw_map_fixed(&env, ioas, RW, buf, 5 * PG, BASE_IOVA), -ENOMEM);
	if (test_env_is_sim(&env)) {	/* the sim's own counters */
		pdk_sim_stats_get(env.sim, &st);
		TEST_ASSERT_EQ(st.pinned_pages, 0);
		TEST_ASSERT_EQ(st.mappings, 0);
	}
	/* up to the limit is fine */
	TEST_ASSERT_OK(raw_map_fixed(&env, ioas, RW, buf, 4 * PG, BASE_IOVA));
	if (test_env_is_sim(&env)) {	/* the sim's own counters */
		pdk_sim_stats_get(env.sim, &st);
		TEST_ASSERT_EQ(st.pinned_pages, 4);
	}
	TEST_ASSERT_RC(raw_map_fixed(&env, ioas, RW, (char *)buf + 4 * PG, PG, BASE_IOVA + 4 * PG),
		       -ENOMEM);
	TEST_ASSERT_OK(unmap_len(&env, ioas, BASE_IOVA, 4 * PG, &len));
	TEST_ASSERT_EQ(len, 4 * PG);
	if (test_env_is_sim(&env)) {	/* the sim's own counters */
		pdk_sim_stats_get(env.sim, &st);
		TEST_ASSERT_EQ(st.pinned_pages, 0);
	}
	/* the unpinned pages count again */
	TEST_ASSERT_OK(raw_map_fixed(&env, ioas, RW, (char *)buf + 4 * PG, PG, BASE_IOVA + 4 * PG));
	TEST_ASSERT_OK(raw_unmap(&env, ioas, BASE_IOVA + 4 * PG, PG));
	test_buf_free(buf, 8 * PG);
	DONE(env);
}
PDK_SIM_RULE(pin_limit, test_pin_limit,
	     "needs the sim's pin limit (RLIMIT_MEMLOCK accounting is not configured in the VM)");
