// SHA-256 compression on the CPU's SHA instructions: see include/CSHA256.h.
//
// Both kernels follow FIPS 180-4 §6.2.2 four rounds at a time: the message schedule
// W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16] is built four words at a time from
// the four previous groups, and each group adds its constants K[t] before the rounds.

#include "CSHA256.h"

static const uint32_t round_constants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#if defined(__x86_64__) || defined(__i386__)

#include <cpuid.h>
#include <immintrin.h>

#define CSHA256_KERNEL __attribute__((target("sha,sse4.1,ssse3")))

// CPUID leaf 1: ECX bit 9 is SSSE3, bit 19 SSE4.1; leaf 7 (sub-leaf 0): EBX bit 29 is SHA.
static int cpu_has_instructions(void) {
    unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    int ssse3 = (ecx >> 9) & 1;
    int sse41 = (ecx >> 19) & 1;
    if (!ssse3 || !sse41) return 0;
    if (__get_cpuid_max(0, NULL) < 7) return 0;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    return (ebx >> 29) & 1;
}

static const char *const instructions_name = "x86 SHA extensions";

// SHA-NI keeps the eight working variables in two registers, ABEF and CDGH, each with its
// first letter in the highest lane. sha256rnds2 runs two rounds with the two words (W+K)
// in the low half of its third operand.
CSHA256_KERNEL
static void compress_blocks(uint32_t *state, const uint8_t *data, size_t blocks) {
    // Byte order: the message words are big-endian.
    const __m128i byte_swap = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);

    __m128i dcba = _mm_loadu_si128((const __m128i *)(const void *)state);
    __m128i hgfe = _mm_loadu_si128((const __m128i *)(const void *)(state + 4));
    __m128i badc = _mm_shuffle_epi32(dcba, 0xB1);      // lanes, low to high: b a d c
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);      // lanes: h g f e
    __m128i abef = _mm_alignr_epi8(badc, efgh, 8);     // lanes: f e b a
    __m128i cdgh = _mm_blend_epi16(efgh, badc, 0xF0);  // lanes: h g d c

    for (; blocks > 0; blocks--, data += 64) {
        const __m128i abef_in = abef;
        const __m128i cdgh_in = cdgh;
        // m0…m3 hold the last four groups of the schedule; written out so they stay in registers.
        __m128i m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)data), byte_swap);
        __m128i m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(data + 16)), byte_swap);
        __m128i m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(data + 32)), byte_swap);
        __m128i m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(data + 48)), byte_swap);
// Four rounds on the group `words` (t = 4 × group … 4 × group + 3).
#define CSHA256_ROUNDS(words, group)                                                                   \
    do {                                                                                               \
        __m128i wk = _mm_add_epi32(words, _mm_loadu_si128((const __m128i *)(const void *)(round_constants + 4 * (group)))); \
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);                                                  \
        abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));                         \
    } while (0)
// The next group into `oldest` (W[t-16…t-13]) from it and the three after it:
// W[t-16] + σ0(W[t-15]), + W[t-7], + σ1(W[t-2]).
#define CSHA256_SCHEDULE(oldest, older, old, last)                                                     \
    oldest = _mm_sha256msg2_epu32(                                                                     \
        _mm_add_epi32(_mm_sha256msg1_epu32(oldest, older), _mm_alignr_epi8(last, old, 4)), last)
        CSHA256_ROUNDS(m0, 0);
        CSHA256_ROUNDS(m1, 1);
        CSHA256_ROUNDS(m2, 2);
        CSHA256_ROUNDS(m3, 3);
        for (int group = 4; group < 16; group += 4) {
            CSHA256_SCHEDULE(m0, m1, m2, m3);
            CSHA256_ROUNDS(m0, group);
            CSHA256_SCHEDULE(m1, m2, m3, m0);
            CSHA256_ROUNDS(m1, group + 1);
            CSHA256_SCHEDULE(m2, m3, m0, m1);
            CSHA256_ROUNDS(m2, group + 2);
            CSHA256_SCHEDULE(m3, m0, m1, m2);
            CSHA256_ROUNDS(m3, group + 3);
        }
#undef CSHA256_ROUNDS
#undef CSHA256_SCHEDULE
        abef = _mm_add_epi32(abef, abef_in);
        cdgh = _mm_add_epi32(cdgh, cdgh_in);
    }

    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);      // lanes: a b e f
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);      // lanes: g h c d
    dcba = _mm_blend_epi16(feba, dchg, 0xF0);          // lanes: a b c d
    hgfe = _mm_alignr_epi8(dchg, feba, 8);             // lanes: e f g h
    _mm_storeu_si128((__m128i *)(void *)state, dcba);
    _mm_storeu_si128((__m128i *)(void *)(state + 4), hgfe);
}

#define CSHA256_HAS_KERNEL 1

#elif defined(__aarch64__)

#include <arm_neon.h>
#if defined(__linux__)
#include <sys/auxv.h>
#ifndef HWCAP_SHA2
#define HWCAP_SHA2 (1 << 6)
#endif
#endif

#if defined(__clang__)
#define CSHA256_KERNEL __attribute__((target("sha2")))
#else
// GCC 12 names the SHA2 instructions "crypto" (with AES); later releases also take "+sha2".
#define CSHA256_KERNEL __attribute__((target("+crypto")))
#endif

static int cpu_has_instructions(void) {
#if defined(__ARM_FEATURE_SHA2) || defined(__APPLE__)
    return 1;
#elif defined(__linux__)
    return (getauxval(AT_HWCAP) & HWCAP_SHA2) != 0;
#else
    return 0;
#endif
}

static const char *const instructions_name = "ARMv8 SHA2";

// The ARMv8 instructions keep ABCD and EFGH in two registers, A in the lowest lane:
// sha256h/sha256h2 run four rounds, sha256su0/su1 extend the schedule four words.
CSHA256_KERNEL
static void compress_blocks(uint32_t *state, const uint8_t *data, size_t blocks) {
    uint32x4_t abcd = vld1q_u32(state);
    uint32x4_t efgh = vld1q_u32(state + 4);
    for (; blocks > 0; blocks--, data += 64) {
        const uint32x4_t abcd_in = abcd;
        const uint32x4_t efgh_in = efgh;
        uint32x4_t m0 = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(data)));
        uint32x4_t m1 = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(data + 16)));
        uint32x4_t m2 = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(data + 32)));
        uint32x4_t m3 = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(data + 48)));
#define CSHA256_ROUNDS(words, group)                                             \
    do {                                                                         \
        uint32x4_t wk = vaddq_u32(words, vld1q_u32(round_constants + 4 * (group))); \
        uint32x4_t abcd_before = abcd;                                           \
        abcd = vsha256hq_u32(abcd, efgh, wk);                                    \
        efgh = vsha256h2q_u32(efgh, abcd_before, wk);                            \
    } while (0)
#define CSHA256_SCHEDULE(oldest, older, old, last) \
    oldest = vsha256su1q_u32(vsha256su0q_u32(oldest, older), old, last)
        CSHA256_ROUNDS(m0, 0);
        CSHA256_ROUNDS(m1, 1);
        CSHA256_ROUNDS(m2, 2);
        CSHA256_ROUNDS(m3, 3);
        for (int group = 4; group < 16; group += 4) {
            CSHA256_SCHEDULE(m0, m1, m2, m3);
            CSHA256_ROUNDS(m0, group);
            CSHA256_SCHEDULE(m1, m2, m3, m0);
            CSHA256_ROUNDS(m1, group + 1);
            CSHA256_SCHEDULE(m2, m3, m0, m1);
            CSHA256_ROUNDS(m2, group + 2);
            CSHA256_SCHEDULE(m3, m0, m1, m2);
            CSHA256_ROUNDS(m3, group + 3);
        }
#undef CSHA256_ROUNDS
#undef CSHA256_SCHEDULE
        abcd = vaddq_u32(abcd, abcd_in);
        efgh = vaddq_u32(efgh, efgh_in);
    }
    vst1q_u32(state, abcd);
    vst1q_u32(state + 4, efgh);
}

#define CSHA256_HAS_KERNEL 1

#endif

#if defined(CSHA256_HAS_KERNEL)

// 0: not yet checked; 1: present; 2: absent. Racing first calls compute the same answer.
static int checked_instructions = 0;

int csha256_hardware_available(void) {
    int known = __atomic_load_n(&checked_instructions, __ATOMIC_RELAXED);
    if (known == 0) {
        known = cpu_has_instructions() ? 1 : 2;
        __atomic_store_n(&checked_instructions, known, __ATOMIC_RELAXED);
    }
    return known == 1;
}

const char *csha256_hardware_name(void) {
    return csha256_hardware_available() ? instructions_name : NULL;
}

int csha256_compress_hardware(uint32_t *state, const uint8_t *data, size_t blocks) {
    if (!csha256_hardware_available()) return 0;
    compress_blocks(state, data, blocks);
    return 1;
}

#else

int csha256_hardware_available(void) { return 0; }

const char *csha256_hardware_name(void) { return NULL; }

int csha256_compress_hardware(uint32_t *state, const uint8_t *data, size_t blocks) {
    (void)state;
    (void)data;
    (void)blocks;
    return 0;
}

#endif
