"""Confluent wire format and JSON <-> Avro datum conversion for Strata's interop tests.

Uses only Debian's python3-avro and the standard library: no avsc, no Confluent client, so it shows
that any Avro reader can consume Strata events given the registry's HTTP API.
"""
import datetime
import io
import json
import struct
import urllib.parse
import urllib.request

import avro.io
import avro.schema

# python3-avro 1.11.1 validates a datum against every branch of a union, and its uuid check raises
# TypeError for None instead of rejecting it, so null could never be written to ["null", uuid].
# Reject non-strings the way the check was meant to (fixed upstream in later avro releases).
_validate_uuid = avro.schema.UUIDSchema.validate
avro.schema.UUIDSchema.validate = lambda self, datum: _validate_uuid(self, datum) if isinstance(datum, str) else None

MAGIC_BYTE = 0
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def registry_get(registry_url, path):
    with urllib.request.urlopen(registry_url + path) as response:
        return json.load(response)


def schema_by_id(registry_url, schema_id):
    return avro.schema.parse(registry_get(registry_url, "/schemas/ids/%d" % schema_id)["schema"])


def latest_schema(registry_url, subject):
    body = registry_get(registry_url, "/subjects/%s/versions/latest" % urllib.parse.quote(subject, safe=""))
    return body["id"], avro.schema.parse(body["schema"])


def _millis(moment):
    return (moment - EPOCH) // datetime.timedelta(milliseconds=1)


def to_json(schema, datum):
    """An Avro datum as Strata's JSON: timestamps as epoch milliseconds, uuids as strings."""
    if isinstance(schema, avro.schema.UnionSchema):
        for branch in schema.schemas:
            if branch.type == "null" and datum is None:
                return None
            if branch.type != "null":
                return to_json(branch, datum)
    if isinstance(datum, datetime.datetime):
        return _millis(datum)
    if isinstance(schema, avro.schema.RecordSchema):
        return {field.name: to_json(field.type, datum[field.name]) for field in schema.fields}
    if isinstance(schema, avro.schema.ArraySchema):
        return [to_json(schema.items, item) for item in datum]
    if isinstance(schema, avro.schema.MapSchema):
        return {key: to_json(schema.values, value) for key, value in datum.items()}
    return str(datum) if schema.get_prop("logicalType") == "uuid" else datum


def from_json(schema, value):
    """Strata's JSON as an Avro datum python3-avro accepts (datetimes for timestamp-millis)."""
    if isinstance(schema, avro.schema.UnionSchema):
        if value is None:
            return None
        branch = next(branch for branch in schema.schemas if branch.type != "null")
        return from_json(branch, value)
    if schema.get_prop("logicalType") == "timestamp-millis":
        return EPOCH + datetime.timedelta(milliseconds=value)
    if isinstance(schema, avro.schema.RecordSchema):
        return {field.name: from_json(field.type, value[field.name]) for field in schema.fields}
    if isinstance(schema, avro.schema.ArraySchema):
        return [from_json(schema.items, item) for item in value]
    if isinstance(schema, avro.schema.MapSchema):
        return {key: from_json(schema.values, item) for key, item in value.items()}
    return value


def decode(registry_url, message):
    if len(message) < 5 or message[0] != MAGIC_BYTE:
        raise ValueError("not Confluent wire format")
    (schema_id,) = struct.unpack(">i", message[1:5])
    schema = schema_by_id(registry_url, schema_id)
    datum = avro.io.DatumReader(schema).read(avro.io.BinaryDecoder(io.BytesIO(message[5:])))
    return schema.fullname, to_json(schema, datum)


def encode(registry_url, subject, event):
    schema_id, schema = latest_schema(registry_url, subject)
    body = io.BytesIO()
    avro.io.DatumWriter(schema).write(from_json(schema, event), avro.io.BinaryEncoder(body))
    return bytes([MAGIC_BYTE]) + struct.pack(">i", schema_id) + body.getvalue()
