#include "CEventLogSchema.h"

// #embed (C23) compiles ../EventLog/EventLog.sql into the binary, so the event log's
// tables and triggers are that file, owned by the EventLog module, and cannot drift.
#pragma clang diagnostic ignored "-Wc23-extensions"
static const char eventlog_sql[] = {
#embed "../EventLog/EventLog.sql"
    , 0
};

const char *eventlog_schema_sql(void) { return eventlog_sql; }
