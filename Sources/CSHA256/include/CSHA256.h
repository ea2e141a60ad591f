// The SHA-256 compression function on the CPU's own SHA instructions, for EventLog's
// SHA256 (which falls back to its portable Swift code when these are missing).
//
// x86-64: the SHA extensions (SHA-NI) with SSSE3 and SSE4.1, found with CPUID.
// arm64: the ARMv8 Cryptography Extension's SHA2 instructions, found with
// getauxval(AT_HWCAP) on Linux (always present on Apple silicon).
// Each kernel is compiled for its instructions with a target attribute, so the rest of
// the build needs no flags; it runs only after the check at run time says the CPU has them.

#ifndef CSHA256_H
#define CSHA256_H

#include <stddef.h>
#include <stdint.h>

// Nullability for Swift's importer; other compilers ignore it.
#if !defined(__clang__)
#define _Nullable
#define _Nonnull
#endif

#ifdef __cplusplus
extern "C" {
#endif

/// A short name of the instructions this CPU offers for SHA-256 ("x86 SHA extensions",
/// "ARMv8 SHA2"), or NULL when it has none this library can use. Checked once; cheap after.
const char *_Nullable csha256_hardware_name(void);

/// Whether csha256_compress_hardware may be called on this CPU.
int csha256_hardware_available(void);

/// Runs FIPS 180-4's compression function over `blocks` 64-byte blocks at `data`,
/// updating the eight words of `state` (H0…H7, native byte order) in place.
/// Returns 1; returns 0 and changes nothing when the CPU lacks the instructions.
int csha256_compress_hardware(uint32_t *_Nonnull state, const uint8_t *_Nonnull data, size_t blocks);

#ifdef __cplusplus
}
#endif

#endif
