#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro over a cast Swift cannot import: bind copies the bytes.
static inline sqlite3_destructor_type csqlite_transient(void) { return SQLITE_TRANSIENT; }
