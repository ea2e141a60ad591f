// For cross-check.sh: pads messages itself and hashes them with csha256_compress_hardware
// alone (no Swift), printing the CPU's instructions, then one digest per line: the four
// FIPS 180-4 example messages, one million 'a', and seeded pseudo-random bytes of every
// length 0 to 1,000. The output must be the same on every CPU and compiler.
#include "CSHA256.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static void digest(const unsigned char *m, size_t n, char out[65]) {
    uint32_t s[8] = {0x6a09e667,0xbb67ae85,0x3c6ef372,0xa54ff53a,0x510e527f,0x9b05688c,0x1f83d9ab,0x5be0cd19};
    size_t full = n / 64;
    if (full) csha256_compress_hardware(s, m, full);
    unsigned char last[128] = {0};
    size_t rest = n - full * 64;
    memcpy(last, m + full * 64, rest);
    last[rest] = 0x80;
    size_t blocks = rest >= 56 ? 2 : 1;
    unsigned long long bits = (unsigned long long)n * 8;
    for (int i = 0; i < 8; i++) last[blocks * 64 - 1 - i] = (unsigned char)(bits >> (8 * i));
    csha256_compress_hardware(s, last, blocks);
    for (int i = 0; i < 8; i++) sprintf(out + 8 * i, "%08x", s[i]);
}
int main(void) {
    const char *name = csha256_hardware_name();
    printf("hardware: %s\n", name ? name : "none");
    if (!name) return 0;
    char out[65];
    const char *v[] = {"", "abc", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
        "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"};
    for (int i = 0; i < 4; i++) { digest((const unsigned char *)v[i], strlen(v[i]), out); printf("%s\n", out); }
    unsigned char *a = malloc(1000000); memset(a, 'a', 1000000);
    digest(a, 1000000, out); printf("%s\n", out);
    unsigned long long x = 0x5eed;
    unsigned char buf[1001];
    for (int len = 0; len <= 1000; len++) {
        for (int i = 0; i < len; i++) { x = x * 6364136223846793005ULL + 1442695040888963407ULL; buf[i] = (unsigned char)(x >> 56); }
        digest(buf, (size_t)len, out); printf("%d %s\n", len, out);
    }
    return 0;
}
