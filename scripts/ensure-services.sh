#!/usr/bin/env bash
# Starts PostgreSQL, Redis, RabbitMQ and NATS (JetStream) when they are down (the development and CI machines run
# them locally; see DESIGN.md §3). Waits until each answers. Idempotent.
set -u
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {
  local port=$1 name=$2
  for _ in $(seq 1 60); do port_open "$port" && return 0; sleep 1; done
  echo "ensure-services: $name did not come up on port $port" >&2
  return 1
}
status=0
if ! port_open 5432; then
  echo "ensure-services: starting PostgreSQL"
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
  wait_port 5432 PostgreSQL || status=1
fi
if ! port_open 6379; then
  echo "ensure-services: starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
  wait_port 6379 Redis || status=1
fi
if ! port_open 5672; then
  echo "ensure-services: starting RabbitMQ"
  rabbitmq-server -detached || true
  wait_port 5672 RabbitMQ || status=1
fi
if ! port_open 4222; then
  echo "ensure-services: starting NATS with JetStream"
  mkdir -p /var/lib/nats-server
  nohup nats-server -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log >/dev/null 2>&1 &
  wait_port 4222 NATS || status=1
fi
exit $status
