#!/usr/bin/env bash
# Apache Kafka in KRaft mode (single node: broker + controller) from its Maven Central jars.
# usage: kafka.sh up|down|status
COMPONENT=kafka
. "$(dirname "$0")/lib.sh"

HOME_DIR="$DATA_DIR/kafka"
LIB_DIR="$HOME_DIR/lib-$KAFKA_VERSION"
PIDFILE="$HOME_DIR/kafka.pid"
LOG="$LOG_DIR/kafka.log"
PORT="${KAFKA_PORT:-9092}"
CLUSTER_ID="${KAFKA_CLUSTER_ID:-q1Sh-9_ISia_zwGINzRvyQ}"

resolve_jars() {
  [ -f "$LIB_DIR/.complete" ] && return 0
  command -v java >/dev/null || fail "java is missing: install a JDK 17+"
  command -v mvn >/dev/null || ensure_apt maven mvn
  say "resolving Kafka $KAFKA_VERSION jars from Maven Central (one time)"
  mvn -q -B -f "$REPO_ROOT/infra/native/kafka/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$LIB_DIR" \
    >"$LOG_DIR/kafka-mvn.log" 2>&1 || fail "could not resolve Kafka jars; see $LOG_DIR/kafka-mvn.log"
  touch "$LIB_DIR/.complete"
}

write_config() {
  mkdir -p "$HOME_DIR/log-dirs"
  cat >"$HOME_DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$((PORT + 1))
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$((PORT + 1))
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$HOME_DIR/log-dirs
num.partitions=3
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
  cat >"$HOME_DIR/log4j.properties" <<PROPS
log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.KafkaRaftServer=INFO
log4j.logger.kafka.server.BrokerServer=INFO
PROPS
}

JAVA_ARGS=()
run_java() { java "${JAVA_ARGS[@]}" "$@"; }
set_java_args() {
  JAVA_ARGS=(-Xms256m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$HOME_DIR/log4j.properties" -cp "$LIB_DIR/*")
}

topics() { node "$REPO_ROOT/infra/create-topics.mjs" "127.0.0.1:$PORT"; }

up() {
  if pid_alive "$PIDFILE"; then
    topics >>"$LOG" 2>&1 || fail "Kafka is running but topics could not be created; see $LOG"
    say "already up on 127.0.0.1:$PORT"; return 0
  fi
  port_open "$PORT" && fail "port $PORT is taken by a process this project did not start"
  resolve_jars
  write_config
  set_java_args
  if [ ! -f "$HOME_DIR/log-dirs/meta.properties" ]; then
    run_java kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$HOME_DIR/server.properties" \
      >>"$LOG" 2>&1 || fail "could not format the KRaft storage; see $LOG"
  fi
  say "starting Kafka $KAFKA_VERSION on 127.0.0.1:$PORT (log: $LOG)"
  # setsid + nohup exec into java, so the recorded pid is the broker itself.
  setsid nohup java "${JAVA_ARGS[@]}" kafka.Kafka "$HOME_DIR/server.properties" >>"$LOG" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  wait_until 90 "$LOG" "Kafka" port_open "$PORT"
  wait_until 60 "$LOG" "Kafka topic creation" topics
  say "up on 127.0.0.1:$PORT, topics ready"
}

pidfile_component "${1:-}"
