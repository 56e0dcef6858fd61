#!/usr/bin/env bash
# One Apache Kafka node (KRaft, broker and controller in one process) on 127.0.0.1.
#   kafka.sh start DIR [PORT]   formats DIR on first use, starts, waits until the broker answers;
#                               prints "127.0.0.1:PORT". A restart reuses DIR's port and log.
#   kafka.sh stop DIR [--kill]
set -euo pipefail
. "$(dirname "$0")/common.sh"

stack_command kafka.sh "$@"

jars=$("$(dirname "$0")/resolve-jars.sh" kafka)
port=$(port_for "$dir" "$requested_port")
if [ -f "$dir/controller-port" ]; then controller=$(cat "$dir/controller-port"); else controller=$(free_port); fi
echo "$port" >"$dir/port"
echo "$controller" >"$dir/controller-port"

cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
num.partitions=6
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
# Local and test use: members that vanish are noticed in seconds, not the 45 s default.
group.min.session.timeout.ms=${KAFKA_MIN_SESSION_TIMEOUT_MS:-2000}
group.consumer.min.session.timeout.ms=${KAFKA_MIN_SESSION_TIMEOUT_MS:-2000}
group.consumer.session.timeout.ms=${KAFKA_CONSUMER_SESSION_TIMEOUT_MS:-6000}
group.consumer.min.heartbeat.interval.ms=500
group.consumer.heartbeat.interval.ms=${KAFKA_CONSUMER_HEARTBEAT_MS:-1000}
auto.create.topics.enable=true
PROPS

cat >"$dir/log4j2.properties" <<'LOG'
rootLogger.level=WARN
rootLogger.appenderRef.out.ref=OUT
appender.out.type=Console
appender.out.name=OUT
appender.out.layout.type=PatternLayout
appender.out.layout.pattern=[%d] %p %m (%c)%n
LOG

cp=("$jars/*")
if [ ! -f "$dir/data/meta.properties" ]; then
  # A cluster id is 16 random bytes in URL-safe base64 (what StorageTool random-uuid prints);
  # it may start with '-', hence --cluster-id=….
  cluster=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | cut -c1-22)
  java -XX:TieredStopAtLevel=1 -cp "${cp[0]}" -Dlog4j2.configurationFile="$dir/log4j2.properties" kafka.tools.StorageTool \
    format --cluster-id="$cluster" --config="$dir/server.properties" >"$dir/format.log" 2>&1 || { cat "$dir/format.log" >&2; die "formatting $dir failed"; }
fi

setsid java -Xms256m -Xmx512m ${KAFKA_JVM_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto} -Dlog4j2.configurationFile="$dir/log4j2.properties" \
  -cp "${cp[0]}" kafka.Kafka "$dir/server.properties" >>"$dir/server.log" 2>&1 </dev/null &
echo $! >"$dir/pid"
wait_until 120 "$!" "$dir/server.log" port_open "$port"
echo "127.0.0.1:$port"
