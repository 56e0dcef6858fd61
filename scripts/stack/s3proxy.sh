#!/usr/bin/env bash
# S3Proxy on 127.0.0.1 with its filesystem backend in DIR and signature v4 auth.
#   s3proxy.sh start DIR [PORT]   starts and waits until it answers HTTP; prints
#                                 "http://127.0.0.1:PORT". Credentials: STREAMING_TDA_S3_ACCESS_KEY
#                                 and STREAMING_TDA_S3_SECRET_KEY, or local defaults.
#   s3proxy.sh stop DIR [--kill]
set -euo pipefail
. "$(dirname "$0")/common.sh"

stack_command s3proxy.sh "$@"

jars=$("$(dirname "$0")/resolve-jars.sh" s3proxy)
port=$(port_for "$dir" "$requested_port")
echo "$port" >"$dir/port"
mkdir -p "$dir/data"

# The properties file holds the credential: readable by its owner only.
(umask 077 && cat >"$dir/s3proxy.properties" <<PROPS
s3proxy.endpoint=http://127.0.0.1:$port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=${STREAMING_TDA_S3_ACCESS_KEY:-local-access-key}
s3proxy.credential=${STREAMING_TDA_S3_SECRET_KEY:-local-secret-key}
jclouds.provider=filesystem
jclouds.filesystem.basedir=$dir/data
PROPS
)
cat >"$dir/logback.xml" <<'LOG'
<configuration>
  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d %level %logger{20} %msg%n</pattern></encoder>
  </appender>
  <root level="WARN"><appender-ref ref="OUT"/></root>
</configuration>
LOG

cp=("$jars/*")
setsid java -Xmx256m ${S3PROXY_JVM_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1} -Dlogback.configurationFile="$dir/logback.xml" -cp "${cp[0]}" \
  org.gaul.s3proxy.Main --properties "$dir/s3proxy.properties" >>"$dir/server.log" 2>&1 </dev/null &
echo $! >"$dir/pid"
answers_http() { curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/"; }
wait_until 60 "$!" "$dir/server.log" answers_http
echo "http://127.0.0.1:$port"
