#define _GNU_SOURCE
#include "cfilesystem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>

int cfs_rename_noreplace(int from_folder, const char *from, int to_folder, const char *to) {
#if defined(__APPLE__)
    return renameatx_np(from_folder, from, to_folder, to, RENAME_EXCL);
#elif defined(RENAME_NOREPLACE)
    return renameat2(from_folder, from, to_folder, to, RENAME_NOREPLACE);
#else
    errno = ENOSYS;
    return -1;
#endif
}

int cfs_openat(int folder, const char *name, int flags, mode_t mode) {
    return openat(folder, name, flags, mode);
}
