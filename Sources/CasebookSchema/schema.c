#include "CasebookSchema.h"

// #embed (C23) compiles ../../schema.sql into the binary, so the schema the
// program runs is the file at the top of the repository and cannot drift.
#pragma clang diagnostic ignored "-Wc23-extensions"
static const char schema_sql[] = {
#embed "../../schema.sql"
    , 0
};

const char *casebook_schema_sql(void) { return schema_sql; }
