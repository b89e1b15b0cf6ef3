# The benchmark's registry: Debian's docker-registry on a loopback port, plain HTTP, no auth,
# with its access log, from which every measured command's requests and bytes are counted
# (sourced by bench/run.sh). The config follows testdata's LocalRegistry.

REGISTRY_PID=""
REGISTRY_LOG=""
REGISTRY=""
REGISTRY_STORAGE=""

start_registry() {
  local dir=$WORK/registry port attempt
  remove_tree "$dir"
  mkdir -p "$dir/storage"
  REGISTRY_STORAGE=$dir/storage
  REGISTRY_LOG=$dir/registry.log
  for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 30000))
    cat >"$dir/config.yml" <<EOF
version: 0.1
log:
  level: info
  formatter: text
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$port
  secret: kiln-bench-$RANDOM$RANDOM
  headers:
    X-Content-Type-Options: [nosniff]
health:
  storagedriver:
    enabled: false
EOF
    /usr/bin/docker-registry serve "$dir/config.yml" >>"$REGISTRY_LOG" 2>&1 &
    REGISTRY_PID=$!
    local i
    for i in $(seq 50); do
      if curl -fsS -o /dev/null "http://127.0.0.1:$port/v2/" 2>/dev/null; then
        REGISTRY=127.0.0.1:$port
        log "registry on $REGISTRY (storage $dir/storage, log $REGISTRY_LOG)"
        return 0
      fi
      kill -0 "$REGISTRY_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill "$REGISTRY_PID" 2>/dev/null || true
    wait "$REGISTRY_PID" 2>/dev/null || true
  done
  die "docker-registry did not start; its log: $REGISTRY_LOG"
}

stop_registry() {
  if [[ -n $REGISTRY_PID ]]; then
    kill "$REGISTRY_PID" 2>/dev/null || true
    wait "$REGISTRY_PID" 2>/dev/null || true
    REGISTRY_PID=""
  fi
}

# Size of a blob the registry stores, 0 if it has none.
registry_blob_size() {
  local hex=$1
  stat -c %s "$REGISTRY_STORAGE/docker/registry/v2/blobs/sha256/${hex:0:2}/$hex/data" 2>/dev/null || echo 0
}

# registry_usage MARK: "requests,blobs_up,mounts,bytes_up,bytes_down" for the access-log lines
# after line MARK. bytes_down sums the bodies of GET responses for manifests and blobs; bytes_up
# sums the stored size of every blob whose upload completed (PUT or single POST with a digest,
# status 201) and of every manifest PUT, so a blob sent twice counts twice. Mounts move no bytes.
registry_usage() {
  local mark=$1
  local lines
  lines=$(tail -n +"$((mark + 1))" "$REGISTRY_LOG" | grep -E '^[0-9.]+ - - \[' || true)
  if [[ -z $lines ]]; then
    echo "0,0,0,0,0"
    return
  fi
  # Access lines: IP - - [date zone] "METHOD URI PROTO" STATUS SIZE "referer" "agent"
  local summary
  summary=$(awk '
    { method = substr($6, 2); uri = $7; status = $9; size = $10
      requests++
      if (method == "GET" && (status == 200 || status == 206) && uri ~ /\/(blobs|manifests)\// && size ~ /^[0-9]+$/) down += size
      if ((method == "PUT" || method == "POST") && status == 201 && uri ~ /\/blobs\/uploads\// ) {
        if (uri ~ /[?&]mount=/) { mounts++ }
        else if (match(uri, /digest=sha256(%3A|:)[0-9a-f]+/)) {
          d = substr(uri, RSTART, RLENGTH); sub(/.*(%3A|:)/, "", d); print "blob " d; blobs++
        }
      }
      if (method == "PUT" && status == 201 && match(uri, /^\/v2\/.+\/manifests\/[^\/]+$/)) {
        name = uri; sub(/^\/v2\//, "", name); sub(/\/manifests\/[^\/]+$/, "", name)
        ref = uri; sub(/.*\/manifests\//, "", ref)
        print "manifest " name " " ref
      }
    }
    END { printf "totals %d %d %d %d\n", requests, blobs, mounts, down }' <<<"$lines")
  local up=0 kind a b requests=0 blobs=0 mounts=0 down=0
  while read -r kind a b rest; do
    case $kind in
      blob) up=$((up + $(registry_blob_size "$a"))) ;;
      manifest)
        local hex
        if [[ $b == sha256:* ]]; then
          hex=${b#sha256:}
        else
          hex=$(sed 's/^sha256://' "$REGISTRY_STORAGE/docker/registry/v2/repositories/$a/_manifests/tags/$b/current/link" 2>/dev/null || true)
        fi
        [[ -n $hex ]] && up=$((up + $(registry_blob_size "$hex")))
        ;;
      totals)
        requests=$a blobs=$b
        read -r mounts down <<<"$rest"
        ;;
    esac
  done <<<"$summary"
  echo "$requests,$blobs,$mounts,$up,$down"
}
