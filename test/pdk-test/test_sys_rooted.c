/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * pdk_sys_kernel_rooted(): the kernel backend with /sys moved to a tree of
 * our own, and the lib/vfio sysfs attribute helpers on such a tree. The
 * tree is made in a temporary directory the way sysfs lays it out
 * (relative links), so nothing here needs root, an IOMMU or the sim.
 */

#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pdk_sys.h"
#include "pdk_test.h"
#include "pdk_vfio.h"

/* TEST_ASSERT that cleans up: the tests here own a tree in /tmp. */
#define CHECK(cond, ...)								\
	do {										\
		if (!(cond)) {								\
			pdk_test_fail(__FILE__, __LINE__,				\
				      "assert (" #cond ") failed: " __VA_ARGS__);	\
			goto out;							\
		}									\
	} while (0)

#define FN "0000:3b:00.0"
#define FN_DIR "/devices/pci0000:3a/" FN

struct tree {
	char root[PATH_MAX + 8];	/* the directory that stands for /sys */
	char top[PATH_MAX];	/* the temporary directory holding it */
};

static int
put(const struct tree *t, const char *rel, const void *data, size_t len)
{
	char path[PATH_MAX * 2];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s%s", t->root, rel);
	f = fopen(path, "w");
	if (f == NULL)
		return -1;
	n = fwrite(data, 1, len, f);
	return fclose(f) == 0 && n == len ? 0 : -1;
}

static int
put_str(const struct tree *t, const char *rel, const char *s)
{
	return put(t, rel, s, strlen(s));
}

static int
mkdir_p(const struct tree *t, const char *rel)
{
	char path[PATH_MAX * 2], *p;

	snprintf(path, sizeof(path), "%s%s", t->root, rel);
	for (p = path + strlen(t->root) + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	return mkdir(path, 0755) == 0 ? 0 : -1;
}

static int
link_rel(const struct tree *t, const char *target, const char *rel)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s%s", t->root, rel);
	return symlink(target, path);
}

/*
 * <top>/sys/bus/pci/devices/FN -> ../../../devices/pci0000:3a/FN, with a
 * vendor, a class, a config space, a driver link to "foo" and an
 * iommu_group link to group 12; a file outside /sys; <top>/sys/foo/x.
 */
static int
tree_make(struct tree *t)
{
	uint8_t cfg[300];

	snprintf(t->top, sizeof(t->top), "/tmp/pdk-test-rooted-XXXXXX");
	if (mkdtemp(t->top) == NULL)
		return -1;
	snprintf(t->root, sizeof(t->root), "%s/sys", t->top);
	if (mkdir(t->root, 0755) < 0)
		return -1;
	memset(cfg, 0, sizeof(cfg));
	cfg[0] = 0x86;
	cfg[1] = 0x80;
	cfg[299] = 0x5a;
	if (mkdir_p(t, FN_DIR) < 0 || mkdir_p(t, "/bus/pci/devices") < 0 ||
	    mkdir_p(t, "/bus/pci/drivers/foo") < 0 || mkdir_p(t, "/kernel/iommu_groups/12") < 0 ||
	    mkdir_p(t, "/foo") < 0)
		return -1;
	if (put_str(t, FN_DIR "/vendor", "0x8086\n") < 0 ||
	    put_str(t, FN_DIR "/class", "0x088000\n") < 0 ||
	    put_str(t, FN_DIR "/device", "not-hex\n") < 0 ||
	    put_str(t, FN_DIR "/driver_override", "(null)\n") < 0 ||
	    put(t, FN_DIR "/config", cfg, sizeof(cfg)) < 0 ||
	    put_str(t, "/bus/pci/drivers/foo/unbind", "a longer old content\n") < 0 ||
	    put_str(t, "/foo/x", "wrong\n") < 0)
		return -1;
	if (link_rel(t, "../../../devices/pci0000:3a/" FN, "/bus/pci/devices/" FN) < 0 ||
	    link_rel(t, "../../../bus/pci/drivers/foo", FN_DIR "/driver") < 0 ||
	    link_rel(t, "../../../kernel/iommu_groups/12", FN_DIR "/iommu_group") < 0)
		return -1;
	return 0;
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
tree_remove(const struct tree *t)
{
	if (t->top[0] != '\0')
		nftw(t->top, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int
file_is(const struct tree *t, const char *rel, const char *want)
{
	char path[PATH_MAX * 2], got[128];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", t->root, rel);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	n = fread(got, 1, sizeof(got) - 1, f);
	fclose(f);
	got[n] = '\0';
	return strcmp(got, want) == 0;
}

struct names {
	char seen[256];
	unsigned int n;
};

static int
collect(const char *name, void *arg)
{
	struct names *ns = arg;
	size_t used = strlen(ns->seen);

	snprintf(ns->seen + used, sizeof(ns->seen) - used, "%s ", name);
	ns->n++;
	return 0;
}

/* /sys and below is the tree; other paths and fds are the kernel's */
static int
test_rooted_paths(void)
{
	char buf[64], root[PATH_MAX + 16], outside[PATH_MAX * 2], longpath[PATH_MAX + 64];
	struct names ns = { "", 0 };
	struct pdk_sys *sys = NULL;
	struct tree t = { "", "" };
	uint8_t cfg[4096];
	int fd, ret = TEST_FAILED;

	CHECK(tree_make(&t) == 0, "cannot make the tree in /tmp");
	/* a trailing '/' is ignored */
	snprintf(root, sizeof(root), "%s/", t.root);
	sys = pdk_sys_kernel_rooted(root);
	CHECK(sys != NULL, "pdk_sys_kernel_rooted(%s): %s", root, strerror(errno));

	CHECK(strcmp(pdk_sys_name(sys), "kernel-rooted") == 0, "name %s", pdk_sys_name(sys));
	CHECK(!pdk_sys_is_sim(sys), "a rooted kernel is no simulation");

	CHECK(pdk_sys_read_file(sys, "/sys/bus/pci/devices/" FN "/vendor", buf, sizeof(buf)) == 6 &&
	      strcmp(buf, "0x8086") == 0, "vendor through the device link: \"%s\"", buf);
	CHECK(pdk_sys_link_name(sys, "/sys/bus/pci/devices/" FN "/driver", buf, sizeof(buf)) == 3 &&
	      strcmp(buf, "foo") == 0, "driver link: \"%s\"", buf);
	CHECK(pdk_sys_list_dir(sys, "/sys/bus/pci/devices", collect, &ns) == 0 && ns.n == 1 &&
	      strcmp(ns.seen, FN " ") == 0, "devices listed: \"%s\"", ns.seen);
	ns.n = 0;
	ns.seen[0] = '\0';
	CHECK(pdk_sys_list_dir(sys, "/sys", collect, &ns) == 0 && ns.n == 4,
	      "/sys itself is the root: \"%s\"", ns.seen);

	/* "/sysfoo" is not /sys: not rewritten to <root>foo */
	CHECK(pdk_sys_read_file(sys, "/sysfoo/x", buf, sizeof(buf)) == -ENOENT,
	      "/sysfoo/x was looked up in the tree");
	/* a path outside /sys is the kernel's, as given */
	snprintf(outside, sizeof(outside), "%s/foo/x", t.root);
	CHECK(pdk_sys_read_file(sys, outside, buf, sizeof(buf)) == 5 && strcmp(buf, "wrong") == 0,
	      "absolute path outside /sys");
	CHECK(pdk_sys_read_file(sys, "/sys/nothing", buf, sizeof(buf)) == -ENOENT, "absent file");

	/* fd operations are the kernel's own */
	fd = pdk_sys_open(sys, "/sys/bus/pci/devices/" FN "/config", O_RDONLY);
	CHECK(fd >= 0, "open config: %s", strerror(-fd));
	CHECK(pdk_sys_pread(sys, fd, cfg, 2, 298) == 2 && cfg[1] == 0x5a, "pread through the fd");
	CHECK(pdk_sys_close(sys, fd) == 0, "close");
	CHECK(pdk_sys_pread_file(sys, "/sys/bus/pci/devices/" FN "/config", cfg, sizeof(cfg), 0) ==
	      300 && cfg[0] == 0x86, "pdk_sys_pread_file returns what the file holds");

	/* a store truncates first, as `echo -n` into sysfs does */
	CHECK(pdk_sys_write_file(sys, "/sys/bus/pci/devices/" FN "/driver/unbind", FN) ==
	      (ssize_t)strlen(FN), "write through the driver link");
	CHECK(file_is(&t, "/bus/pci/drivers/foo/unbind", FN), "unbind holds the address alone");
	CHECK(pdk_sys_write_file(sys, "/sys/bus/pci/nothing", "x") == -ENOENT,
	      "a store never creates a file");

	memset(longpath, 'a', sizeof(longpath) - 1);
	memcpy(longpath, "/sys/", 5);
	longpath[sizeof(longpath) - 1] = '\0';
	CHECK(pdk_sys_read_file(sys, longpath, buf, sizeof(buf)) == -ENAMETOOLONG, "long path");
	ret = TEST_SUCCESS;
out:
	pdk_sys_kernel_rooted_destroy(sys);
	tree_remove(&t);
	return ret;
}
PDK_TEST_REGISTER(sys_rooted_paths, fast, test_rooted_paths);

/* bad roots are refused with errno; destroy takes only what rooted made */
static int
test_rooted_args(void)
{
	struct pdk_sys *sys;
	char buf[64];

	errno = 0;
	TEST_ASSERT(pdk_sys_kernel_rooted(NULL) == NULL && errno == EINVAL, "NULL root");
	errno = 0;
	TEST_ASSERT(pdk_sys_kernel_rooted("") == NULL && errno == EINVAL, "empty root");
	errno = 0;
	TEST_ASSERT(pdk_sys_kernel_rooted("tmp/sys") == NULL && errno == EINVAL, "relative root");
	TEST_ASSERT_RC(pdk_sys_kernel_rooted_destroy(pdk_sys_kernel()), -EINVAL);
	TEST_ASSERT_OK(pdk_sys_kernel_rooted_destroy(NULL));

	/* "/" is an empty prefix: "/sys/x" is "/x"; a root need not exist yet */
	sys = pdk_sys_kernel_rooted("/");
	TEST_ASSERT(sys != NULL, "root /");
	TEST_ASSERT(pdk_sys_read_file(sys, "/sys/proc/version", buf, sizeof(buf)) > 0,
		    "/sys/proc/version is /proc/version under the root /");
	TEST_ASSERT_OK(pdk_sys_kernel_rooted_destroy(sys));
	sys = pdk_sys_kernel_rooted("/nonexistent/pdk-sysfs");
	TEST_ASSERT(sys != NULL, "a root that does not exist yet");
	TEST_ASSERT_RC(pdk_sys_list_dir(sys, "/sys/bus/pci/devices", collect, NULL), -ENOENT);
	TEST_ASSERT_OK(pdk_sys_kernel_rooted_destroy(sys));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sys_rooted_args, fast, test_rooted_args);

/* lib/vfio's attribute helpers on the tree: answers without ERR lines */
static int
test_rooted_vfio_attrs(void)
{
	char buf[64], path[64];
	struct pdk_sys *sys = NULL;
	struct tree t = { "", "" };
	uint32_t v = 0;
	int ret = TEST_FAILED;

	test_log_capture_start();
	CHECK(tree_make(&t) == 0, "cannot make the tree in /tmp");
	sys = pdk_sys_kernel_rooted(t.root);
	CHECK(sys != NULL, "pdk_sys_kernel_rooted(%s): %s", t.root, strerror(errno));

	CHECK(pdk_vfio_pci_attr_hex(sys, FN, "class", &v) == 0 && v == 0x088000, "class %x", v);
	CHECK(pdk_vfio_pci_attr_hex(sys, FN, "device", &v) == -EINVAL, "not hex");
	CHECK(pdk_vfio_pci_attr_hex(sys, FN, "revision", &v) == -ENOENT, "absent attribute");
	CHECK(pdk_vfio_pci_attr_read(sys, "0000:99:00.0", "vendor", buf, sizeof(buf)) == -ENOENT,
	      "absent function");
	CHECK(pdk_vfio_pci_attr_link(sys, FN, "iommu_group", buf, sizeof(buf)) == 2 &&
	      strcmp(buf, "12") == 0, "group \"%s\"", buf);
	CHECK(pdk_vfio_pci_attr_pread(sys, FN, "config", buf, 4, 0) == 4 &&
	      (uint8_t)buf[0] == 0x86, "config");
	CHECK(pdk_vfio_pci_attr_write(sys, FN, "driver_override", "vfio-pci") == 0 &&
	      file_is(&t, FN_DIR "/driver_override", "vfio-pci"), "driver_override store");

	/* the cdev: none, only a no-IOMMU one, then a real one */
	CHECK(pdk_vfio_pci_cdev_find(sys, FN, path, sizeof(path)) == -ENOENT, "no vfio-dev");
	CHECK(mkdir_p(&t, FN_DIR "/vfio-dev/noiommu-vfio0") == 0, "mkdir");
	CHECK(pdk_vfio_pci_cdev_find(sys, FN, path, sizeof(path)) == -ENXIO, "no-IOMMU cdev");
	CHECK(mkdir_p(&t, FN_DIR "/vfio-dev/vfio3") == 0, "mkdir");
	CHECK(pdk_vfio_pci_cdev_find(sys, FN, path, sizeof(path)) == 0 &&
	      strcmp(path, "/dev/vfio/devices/vfio3") == 0, "cdev \"%s\"", path);
	CHECK(pdk_vfio_pci_cdev_find(sys, FN, path, 8) == -ENAMETOOLONG, "small buffer");

	/* a survey's absent answers are not errors of the library */
	CHECK(!test_log_contains(""), "an ERR or WARNING line was logged");
	ret = TEST_SUCCESS;
out:
	test_log_capture_stop();
	pdk_sys_kernel_rooted_destroy(sys);
	tree_remove(&t);
	return ret;
}
PDK_TEST_REGISTER(sys_rooted_vfio_attrs, fast, test_rooted_vfio_attrs);
