#ifndef CASEBOOK_FIXTURES_H
#define CASEBOOK_FIXTURES_H
#include <stddef.h>
/// The bytes of one file from the repository's fixtures/ folder, by name, for the demo;
/// NULL when there is no such fixture.
const unsigned char *casebook_fixture(const char *name, size_t *size);
#endif
