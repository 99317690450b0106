// SPDX-License-Identifier: GPL-2.0
/*
 * The /dev/csd ABI: device node, permissions, size negotiation, flag and
 * reserved-field checks, unknown ioctls, bad pointers, and module BTF.
 */
#include "csd_lib.h"
#include "csd_harness.h"

TEST(devnode_is_root_only_char_device)
{
	struct stat st;

	ASSERT_EQ(0, stat(CSD_DEVICE_PATH, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
	EXPECT_EQ(0, st.st_gid);
}

TEST(unprivileged_open_is_denied)
{
	pid_t pid = fork();
	int status;

	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int fd;

		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(2);
		/* The path is reachable (so EACCES is /dev/csd's own mode)... */
		if (access("/dev/null", R_OK))
			_exit(3);
		fd = open(CSD_DEVICE_PATH, O_RDONLY);
		_exit(fd < 0 && errno == EACCES ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST(module_btf_present)
{
	/* Only BPF needs csd's BTF; 6.1's headers cannot give it any. */
	CSD_SKIP_WITHOUT_BPF();
	EXPECT_EQ(0, access("/sys/kernel/btf/csd", R_OK));
}

FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	self->fd = csd_open();
	ASSERT_GE(self->fd, 0);
}

FIXTURE_TEARDOWN(dev)
{
	close(self->fd);
}

TEST_F(dev, get_info_full)
{
	struct csd_info info;

	ASSERT_EQ(0, csd_info(self->fd, &info));
	EXPECT_EQ(sizeof(info), info.size);
	EXPECT_EQ(CSD_ABI_VERSION, info.abi_version);
	EXPECT_EQ(2, info.hook_attached);
	EXPECT_TRUE(info.features & CSD_FEAT_NVME_HOOKS);
	/* BPF and BTF, or neither and the bit that says why. */
	if (info.features & CSD_FEAT_BPF_COMPILED_OUT) {
		EXPECT_FALSE(info.features & CSD_FEAT_BPF);
	} else {
		EXPECT_TRUE(info.features & CSD_FEAT_MODULE_BTF);
		EXPECT_TRUE(info.features & CSD_FEAT_BPF);
	}
	EXPECT_TRUE(info.features & CSD_FEAT_ZONED);
	EXPECT_NE(0, info.kernel_release[0]);
	EXPECT_NE(0, info.module_version[0]);
	EXPECT_EQ(0, info.reserved0);
}

/* The kernel release csd was built for is the one running. */
TEST_F(dev, get_info_kernel_release_matches)
{
	struct csd_info info;
	char rel[128] = "";
	FILE *f;

	ASSERT_EQ(0, csd_info(self->fd, &info));
	f = fopen("/proc/sys/kernel/osrelease", "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(rel, sizeof(rel), f));
	fclose(f);
	rel[strcspn(rel, "\n")] = 0;
	EXPECT_STREQ(rel, info.kernel_release);
}

/* An older, shorter struct works and nothing past it is written. */
TEST_F(dev, get_info_shorter_struct)
{
	unsigned char buf[sizeof(struct csd_info) + 16];
	struct csd_info *info = (struct csd_info *)buf;
	unsigned int i;

	memset(buf, 0xa5, sizeof(buf));
	memset(buf, 0, CSD_INFO_SIZE_VER0);
	info->size = CSD_INFO_SIZE_VER0;
	ASSERT_EQ(0, ioctl(self->fd, CSD_IOC_GET_INFO, info));
	EXPECT_EQ(CSD_INFO_SIZE_VER1, info->size);
	EXPECT_EQ(CSD_ABI_VERSION, info->abi_version);
	EXPECT_TRUE(info->features & CSD_FEAT_NVME_HOOKS);
	for (i = CSD_INFO_SIZE_VER0; i < sizeof(buf); i++)
		ASSERT_EQ(0xa5, buf[i]);
}

TEST_F(dev, get_info_too_short)
{
	struct csd_info info = { .size = CSD_INFO_SIZE_VER0 - 4 };

	EXPECT_EQ(-1, ioctl(self->fd, CSD_IOC_GET_INFO, &info));
	EXPECT_EQ(EINVAL, errno);
	info.size = 0;
	EXPECT_EQ(-1, ioctl(self->fd, CSD_IOC_GET_INFO, &info));
	EXPECT_EQ(EINVAL, errno);
}

/* A newer, longer struct: zero tail is fine, non-zero tail is E2BIG. */
TEST_F(dev, get_info_longer_struct)
{
	struct {
		struct csd_info info;
		__u64 future[4];
	} big;

	memset(&big, 0, sizeof(big));
	big.info.size = sizeof(big);
	ASSERT_EQ(0, ioctl(self->fd, CSD_IOC_GET_INFO, &big));
	EXPECT_EQ(sizeof(struct csd_info), big.info.size);
	EXPECT_EQ(0, big.future[0]);

	memset(&big, 0, sizeof(big));
	big.info.size = sizeof(big);
	big.future[3] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, CSD_IOC_GET_INFO, &big));
	EXPECT_EQ(E2BIG, errno);
	/* Nothing was written back. */
	EXPECT_EQ(0, big.info.abi_version);
}

TEST_F(dev, get_info_unknown_flags)
{
	struct csd_info info;
	unsigned int bit;

	for (bit = 0; bit < 32; bit++) {
		memset(&info, 0, sizeof(info));
		info.size = sizeof(info);
		info.flags = 1U << bit;
		ASSERT_EQ(-1, ioctl(self->fd, CSD_IOC_GET_INFO, &info));
		ASSERT_EQ(EINVAL, errno);
		ASSERT_EQ(0, info.abi_version);
	}
}

TEST_F(dev, get_info_reserved_nonzero)
{
	struct csd_info info;

	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.reserved[7] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, CSD_IOC_GET_INFO, &info));
	EXPECT_EQ(EINVAL, errno);

	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.reserved0 = 1;
	EXPECT_EQ(-1, ioctl(self->fd, CSD_IOC_GET_INFO, &info));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(dev, get_info_bad_pointer)
{
	EXPECT_EQ(-1, ioctl(self->fd, CSD_IOC_GET_INFO, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, CSD_IOC_GET_INFO, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(dev, unknown_ioctls)
{
	struct csd_info info = { .size = sizeof(info) };

	/* Unknown number in csd's space. */
	EXPECT_EQ(-1, ioctl(self->fd, _IOWR(CSD_IOC_MAGIC, 0x7f, struct csd_info), &info));
	EXPECT_EQ(ENOTTY, errno);
	/* Another driver's magic. */
	EXPECT_EQ(-1, ioctl(self->fd, _IOWR('X', 0x00, struct csd_info), &info));
	EXPECT_EQ(ENOTTY, errno);
	/* Right number, wrong direction. */
	EXPECT_EQ(-1, ioctl(self->fd, _IOR(CSD_IOC_MAGIC, 0x00, struct csd_info), &info));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IO(CSD_IOC_MAGIC, 0x00)));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(dev, list_ns_total_only)
{
	struct csd_ns_list arg = { .size = sizeof(arg) };
	struct csd_info info;

	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 1, 4096, 0));
	ASSERT_EQ(0, ioctl(self->fd, CSD_IOC_LIST_NS, &arg));
	EXPECT_EQ(0, arg.count);
	EXPECT_GE(arg.total, 1);
	EXPECT_EQ(sizeof(struct csd_ns_entry), arg.entry_size);
	ASSERT_EQ(0, csd_info(self->fd, &info));
	EXPECT_EQ(info.nr_namespaces, arg.total);
}

TEST_F(dev, list_ns_bad_args)
{
	struct csd_ns_entry ents[4];
	struct csd_ns_list arg;

	/* At least one namespace, so that a bad pointer gets written to. */
	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 1, 4096, 0));
	/* entry_size below the smallest entry */
	memset(&arg, 0, sizeof(arg));
	arg.size = sizeof(arg);
	arg.count = 4;
	arg.entry_size = CSD_NS_ENTRY_SIZE_VER0 - 8;
	arg.entries = (__u64)(unsigned long)ents;
	EXPECT_EQ(-1, ioctl(self->fd, CSD_IOC_LIST_NS, &arg));
	EXPECT_EQ(EINVAL, errno);
	/* absurd entry_size */
	arg.entry_size = 1 << 20;
	EXPECT_EQ(-1, ioctl(self->fd, CSD_IOC_LIST_NS, &arg));
	EXPECT_EQ(EINVAL, errno);
	/* unknown flag */
	arg.entry_size = sizeof(ents[0]);
	arg.flags = 1;
	EXPECT_EQ(-1, ioctl(self->fd, CSD_IOC_LIST_NS, &arg));
	EXPECT_EQ(EINVAL, errno);
	/* pad, total (output only) and reserved must be zero */
	arg.flags = 0;
	arg.pad = 1;
	EXPECT_EQ(-1, ioctl(self->fd, CSD_IOC_LIST_NS, &arg));
	EXPECT_EQ(EINVAL, errno);
	arg.pad = 0;
	arg.reserved[0] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, CSD_IOC_LIST_NS, &arg));
	EXPECT_EQ(EINVAL, errno);
	arg.reserved[0] = 0;
	/* bad entries pointer */
	arg.entries = 8;
	EXPECT_EQ(-1, ioctl(self->fd, CSD_IOC_LIST_NS, &arg));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(4, arg.count);	/* not written back */
	arg.entries = 0;
	EXPECT_EQ(-1, ioctl(self->fd, CSD_IOC_LIST_NS, &arg));
	EXPECT_EQ(EFAULT, errno);
	/* struct too small */
	memset(&arg, 0, sizeof(arg));
	arg.size = CSD_NS_LIST_SIZE_VER0 - 1;
	EXPECT_EQ(-1, ioctl(self->fd, CSD_IOC_LIST_NS, &arg));
	EXPECT_EQ(EINVAL, errno);
}

/* Entries are written with the caller's stride, truncated or zero-extended. */
TEST_F(dev, list_ns_entry_stride)
{
	const size_t small = CSD_NS_ENTRY_SIZE_VER0, big = sizeof(struct csd_ns_entry) + 24;
	unsigned char a[4 * sizeof(struct csd_ns_entry)], b[4 * (sizeof(struct csd_ns_entry) + 24)];
	struct csd_ns_entry ref[4];
	struct csd_ns_list arg;
	unsigned int i, n;

	ASSERT_EQ(0, csd_direct_reads(csd_conv()->path, 1, 4096, 0));
	memset(&arg, 0, sizeof(arg));
	arg.size = sizeof(arg);
	arg.count = 4;
	arg.entry_size = sizeof(ref[0]);
	arg.entries = (__u64)(unsigned long)ref;
	ASSERT_EQ(0, ioctl(self->fd, CSD_IOC_LIST_NS, &arg));
	ASSERT_GE(arg.count, 1);
	n = arg.count;

	memset(a, 0xa5, sizeof(a));
	arg.count = 4;
	arg.entry_size = small;
	arg.entries = (__u64)(unsigned long)a;
	ASSERT_EQ(0, ioctl(self->fd, CSD_IOC_LIST_NS, &arg));
	ASSERT_EQ(n, arg.count);
	for (i = 0; i < n; i++) {
		struct csd_ns_entry *e = (struct csd_ns_entry *)(a + i * small);

		EXPECT_EQ(ref[i].id, e->id);
		EXPECT_STREQ(ref[i].disk, e->disk);
	}
	/* Past the last entry, nothing was written. */
	EXPECT_EQ(0xa5, a[n * small]);

	memset(b, 0xa5, sizeof(b));
	arg.count = 4;
	arg.entry_size = big;
	arg.entries = (__u64)(unsigned long)b;
	ASSERT_EQ(0, ioctl(self->fd, CSD_IOC_LIST_NS, &arg));
	ASSERT_EQ(n, arg.count);
	EXPECT_EQ(sizeof(struct csd_ns_entry), arg.entry_size);
	for (i = 0; i < n; i++) {
		unsigned char *p = b + i * big;
		size_t k;

		EXPECT_EQ(ref[i].id, ((struct csd_ns_entry *)p)->id);
		for (k = sizeof(struct csd_ns_entry); k < big; k++)
			ASSERT_EQ(0, p[k]);
	}
}

TEST_HARNESS_MAIN
