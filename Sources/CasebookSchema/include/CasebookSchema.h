#ifndef CASEBOOK_SCHEMA_H
#define CASEBOOK_SCHEMA_H
/// The bytes of the repository's top-level schema.sql, NUL-terminated.
const char *casebook_schema_sql(void);
#endif
