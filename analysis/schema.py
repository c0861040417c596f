"""The run directory's tables: names, columns and Arrow types (the data contract of DESIGN.md).

Both sides use this module: the harness when it compacts a journal into Parquet, analysis when it
loads runs. Columns not listed here are kept (an open record), listed ones are coerced to their
type so that many runs concatenate into one dataset."""

from __future__ import annotations

import pyarrow as pa

SCHEMA_VERSION = 1

_str = pa.string()
_i64 = pa.int64()

TABLES: dict[str, pa.Schema] = {
    "api_calls": pa.schema(
        [
            ("t_ns", _i64),
            ("layer", _str),  # java | native
            ("hook_id", _str),  # catalogue id
            ("category", _str),
            ("api", _str),
            ("args", _str),  # JSON, size-capped
            ("ret", _str),  # JSON, size-capped
            ("thread", _str),
            ("stack_id", _str),
            ("pid", _i64),
            ("count", _i64),  # >1 when the agent folded rate-capped calls into one row
            ("pi", pa.bool_()),
            ("permission", _str),
            ("sdk", _str),  # filled by analysis
        ]
    ),
    "stacks": pa.schema([("stack_id", _str), ("frames", pa.list_(_str))]),
    "flows": pa.schema(
        [
            ("flow_id", _str),
            ("t_ns", _i64),
            ("t_resp_ns", _i64),
            ("method", _str),
            ("scheme", _str),
            ("host", _str),
            ("port", _i64),
            ("path", _str),
            ("query", _str),
            ("http_version", _str),
            ("req_headers", _str),  # JSON list of [name, value]
            ("req_body_ref", _str),  # sha256 hex of bodies/<ref>, or null
            ("req_body_size", _i64),
            ("req_body_truncated", pa.bool_()),
            ("status", _i64),
            ("resp_headers", _str),
            ("resp_body_ref", _str),
            ("resp_body_size", _i64),
            ("tls_error", _str),
            ("client_ip", _str),
            ("sni", _str),
            ("source", _str),  # proxy | tls-hook | dns
            ("error", _str),
        ]
    ),
    "ui": pa.schema(
        [
            ("t_ns", _i64),
            ("package", _str),
            ("activity", _str),
            ("screen_kind", _str),  # consent_notice | permission_dialog | permission_rationale | other | unknown
            ("texts", _str),  # JSON list of visible texts (capped)
            ("screenshot", _str),  # file under screenshots/
            ("dump", _str),  # file under ui/ (hierarchy), optional
            ("detail", _str),  # JSON: classification details (controls, permission, lang, precheck)
        ]
    ),
    "consent": pa.schema(
        [
            ("t_ns", _i64),
            ("subject", _str),  # privacy_notice | permission:<name>
            ("state", _str),  # shown | accepted | refused | granted | denied | revoked
            ("via", _str),  # step | observed
            ("evidence", _str),  # JSON {screenshot, step_id, ...}
        ]
    ),
    "steps": pa.schema(
        [
            ("step_id", _i64),
            ("t_start_ns", _i64),
            ("t_end_ns", _i64),
            ("action", _str),
            ("target", _str),
            ("outcome", _str),  # ok | failed | skipped
            ("error", _str),
        ]
    ),
    "events": pa.schema(
        [
            ("t_ns", _i64),
            ("source", _str),  # agent | proxy | ui | device | runner
            ("kind", _str),  # e.g. agent:warning, detach, crash, proxy:error, device:lost
            ("detail", _str),  # JSON
        ]
    ),
    "findings": pa.schema(
        [
            ("run_id", _str),
            ("rule", _str),
            ("severity", _str),
            ("category", _str),
            ("first_t_ns", _i64),
            ("last_t_ns", _i64),
            ("count", _i64),
            ("sdk", _str),
            ("refs", _str),
            ("explanation", _str),
            ("evidence", _str),  # JSON
        ]
    ),
}

# Tables whose rows come from the journal during a run (findings are computed later).
JOURNAL_TABLES = ("api_calls", "stacks", "flows", "ui", "consent", "steps", "events")

IDENTITY_KEYS = (
    "android_id", "imei", "meid", "imsi", "iccid", "serial", "mac", "bluetooth_mac",
    "advertising_id", "oaid", "phone_number", "email", "ssid", "bssid", "location",
    "contacts", "clipboard", "app_canary", "local_ip", "public_ip",
)


def empty_table(name: str) -> pa.Table:
    """An empty table with the declared columns, so that a run without (say) flows still loads."""
    return TABLES[name].empty_table()


def conform(name: str, table: pa.Table) -> pa.Table:
    """Add missing declared columns as nulls and cast declared ones to their type; keep extras."""
    schema = TABLES[name]
    columns = []
    fields = []
    for field in schema:
        if field.name in table.column_names:
            col = table.column(field.name)
            if not col.type.equals(field.type):
                col = col.cast(field.type, safe=False) if not pa.types.is_null(col.type) else pa.nulls(
                    len(table), field.type
                )
        else:
            col = pa.nulls(len(table), field.type)
        columns.append(col)
        fields.append(field)
    for extra in table.column_names:
        if extra not in schema.names:
            columns.append(table.column(extra))
            fields.append(table.schema.field(extra))
    return pa.Table.from_arrays(columns, schema=pa.schema(fields))
