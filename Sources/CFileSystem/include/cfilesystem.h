#ifndef CFILESYSTEM_H
#define CFILESYSTEM_H

#include <sys/types.h>

/// Renames `from` to `to` (both relative to their folders' descriptors) only if nothing is
/// at `to`: Linux renameat2(RENAME_NOREPLACE), macOS renameatx_np(RENAME_EXCL). Returns 0,
/// or -1 with errno: EEXIST when something is there, EINVAL or ENOSYS when the file
/// system cannot do it.
int cfs_rename_noreplace(int from_folder, const char *from, int to_folder, const char *to);

/// openat(2) with an explicit mode (Swift does not import the variadic declaration).
int cfs_openat(int folder, const char *name, int flags, mode_t mode);

#endif
