"""confluent-kafka (librdkafka) client for the embedded broker tests; prints one JSON object.

Run with Debian's interpreter, /usr/bin/python3, which sees python3-confluent-kafka.
  client.py BOOTSTRAP admin TOPIC PARTITIONS
  client.py BOOTSTRAP produce TOPIC COUNT
  client.py BOOTSTRAP consume TOPIC GROUP COUNT
"""
import json
import sys
import time

from confluent_kafka import Consumer, Producer
from confluent_kafka.admin import AdminClient, NewTopic


def admin(bootstrap, topic, partitions):
    client = AdminClient({"bootstrap.servers": bootstrap})
    futures = client.create_topics([NewTopic(topic, num_partitions=int(partitions), replication_factor=1)])
    futures[topic].result(timeout=10)
    metadata = client.list_topics(timeout=10)
    return {
        "topics": sorted(metadata.topics.keys()),
        "partitions": len(metadata.topics[topic].partitions),
        "groups": sorted(group.id for group in client.list_groups(timeout=10)),
    }


def produce(bootstrap, topic, count):
    producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "acks": "all"})
    errors = []
    delivered = []

    def on_delivery(error, message):
        if error:
            errors.append(str(error))
        else:
            delivered.append([message.partition(), message.offset()])

    for i in range(int(count)):
        producer.produce(topic, key=f"key-{i % 5}", value=f"py-{i}", on_delivery=on_delivery)
    unflushed = producer.flush(20)
    return {"delivered": len(delivered), "errors": errors, "unflushed": unflushed}


def consume(bootstrap, topic, group, count):
    consumer = Consumer(
        {"bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest"}
    )
    consumer.subscribe([topic])
    values = []
    deadline = time.time() + 30
    while len(values) < int(count) and time.time() < deadline:
        message = consumer.poll(0.5)
        if message is None:
            continue
        if message.error():
            return {"error": str(message.error())}
        values.append(message.value().decode())
    consumer.close()
    return {"values": values}


if __name__ == "__main__":
    bootstrap, command, *args = sys.argv[1:]
    result = {"admin": admin, "produce": produce, "consume": consume}[command](bootstrap, *args)
    print(json.dumps(result))
