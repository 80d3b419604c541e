"""Reads Confluent-framed Avro messages (one base64 line each) from stdin and prints each as a JSON
line {"record": full record name, "event": the event}. Usage: decode_event.py REGISTRY_URL"""
import base64
import json
import sys

from strata_avro import decode


def main():
    registry_url = sys.argv[1]
    for line in sys.stdin:
        if line.strip():
            record, event = decode(registry_url, base64.b64decode(line))
            print(json.dumps({"record": record, "event": event}, ensure_ascii=False))


main()
