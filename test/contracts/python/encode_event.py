"""Reads JSON lines {"subject": ..., "event": ...} from stdin and prints each event encoded with the
subject's latest registered schema in the Confluent wire format, as a base64 line.
Usage: encode_event.py REGISTRY_URL"""
import base64
import json
import sys

from strata_avro import encode


def main():
    registry_url = sys.argv[1]
    for line in sys.stdin:
        if line.strip():
            request = json.loads(line)
            print(base64.b64encode(encode(registry_url, request["subject"], request["event"])).decode("ascii"))


main()
