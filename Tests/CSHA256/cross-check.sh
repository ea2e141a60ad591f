#!/bin/sh
# The CSHA256 kernels outside Swift, on both architectures: builds harness.c with
# sha256_hardware.c for x86-64 (run here) and for arm64 (run under qemu-aarch64 with a CPU
# that has the SHA2 instructions), and checks that both print the NIST digests and the same
# digests for every length 0–1,000. Not part of `swift test` (it needs a cross toolchain):
#   apt-get install qemu-user gcc-aarch64-linux-gnu
#   Tests/CSHA256/cross-check.sh
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
source="$here/../../Sources/CSHA256"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
CC="${CC:-clang}"

"$CC" -O2 -Wall -Wextra -I"$source/include" "$here/harness.c" "$source/sha256_hardware.c" -o "$work/native"
"$work/native" > "$work/native.txt"

# clang compiles the kernel as SwiftPM would; the cross gcc brings arm64's C library and links.
"$CC" --target=aarch64-linux-gnu -O2 -Wall -Wextra -I"$source/include" -c "$source/sha256_hardware.c" -o "$work/kernel-arm64.o"
aarch64-linux-gnu-gcc -O2 -I"$source/include" "$here/harness.c" "$work/kernel-arm64.o" -o "$work/arm64"
qemu-aarch64 -cpu max -L /usr/aarch64-linux-gnu "$work/arm64" > "$work/arm64.txt"

head -1 "$work/native.txt"
head -1 "$work/arm64.txt"
expected="e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1
cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1
cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
for output in "$work/native.txt" "$work/arm64.txt"; do
    if [ "$(sed -n 2,6p "$output")" != "$expected" ]; then
        echo "FAILED: $(head -1 "$output") does not give the NIST digests" >&2
        exit 1
    fi
done
tail -n +2 "$work/arm64.txt" > "$work/arm64.tail"
if tail -n +2 "$work/native.txt" | cmp -s - "$work/arm64.tail"; then
    echo "OK: the NIST digests and the same $(($(wc -l < "$work/arm64.tail") - 5)) random-length digests on both"
else
    echo "FAILED: x86-64 and arm64 digests differ" >&2
    exit 1
fi
