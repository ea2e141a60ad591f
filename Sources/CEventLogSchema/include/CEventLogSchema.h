#ifndef CEVENTLOG_SCHEMA_H
#define CEVENTLOG_SCHEMA_H
/// The bytes of Sources/EventLog/EventLog.sql, NUL-terminated.
const char *eventlog_schema_sql(void);
#endif
