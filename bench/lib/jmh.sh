# JMH microbenchmarks next to the machine's tools (sourced by bench/run.sh). The project is
# bench/jmh; the data is generated here so that JMH's kiln benchmarks and its tool benchmarks
# read the same files:
#   data/      text (base64, compresses about 4:3), random bytes and a copy of the JDK's libjvm.so
#   data.tar   the same tree as a GNU tar (for reading, SHA-256, gzip -6, zstd -3)
#   ctx/       a build context of 10,000 small text files (1,000 with BENCH_QUICK=1)

build_jmh() {
  log "building bench/jmh"
  (cd "$BENCH_DIR/jmh" && mvn -B -q -Dstyle.color=never -Dkiln.jar="$ROOT/cli/target/kiln.jar" package) \
    >"$OUT/logs/jmh-build.log" 2>&1 || {
    tail -n 30 "$OUT/logs/jmh-build.log" >&2
    die "building bench/jmh failed (log: $OUT/logs/jmh-build.log)"
  }
}

prepare_jmh_data() {
  local dir=$WORK/jmh scale=8
  [[ $QUICK == 1 ]] && scale=1
  remove_tree "$dir"
  mkdir -p "$dir/data/text" "$dir/data/random" "$dir/data/binary"
  text_files "$dir/data/text" $((50 * scale)) 65536
  random_files "$dir/data/random" $((12 * scale)) 65536
  local libjvm
  libjvm=$(find "$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")" -name libjvm.so -path '*server*' -print -quit)
  head -c $((2 * scale * 1024 * 1024)) "$libjvm" >"$dir/data/binary/libjvm.so"
  tar -C "$dir/data" -cf "$dir/data.tar" .
  text_files "$dir/ctx" "$JMH_CTX_FILES" 1536
  stat -c %s "$dir/data.tar" >"$OUT/jmh-tar-bytes"
  echo "$JMH_CTX_FILES" >"$OUT/jmh-ctx-files"
  du -sb --apparent-size "$dir/ctx" | cut -f1 >"$OUT/jmh-ctx-bytes"
  # The stat memo trusts no file changed in the last 2 s (racy-clean); let the files age.
  sleep 3
}

run_jmh() {
  prepare_jmh_data
  local dir=$WORK/jmh cp=$BENCH_DIR/jmh/target/kiln-bench.jar:$ROOT/cli/target/kiln.jar
  local settings=(-f 1 -wi 2 -w 2s -i 3 -r 3s)
  [[ $QUICK == 1 ]] && settings=(-f 1 -wi 0 -i 1 -r 1s)
  local params=(-p "dataDir=$dir/data" -p "tarFile=$dir/data.tar" -p "contextDir=$dir/ctx")
  log "JMH: $(($(cat "$OUT/jmh-tar-bytes") / 1048576)) MiB tar, $JMH_CTX_FILES-file context, settings ${settings[*]}"
  local cmd=(java -cp "$cp" org.openjdk.jmh.Main "${settings[@]}" -bm avgt -tu ms "${params[@]}"
    -rf csv -rff "$OUT/jmh.csv" 'dev.kiln.bench.jmh.*')
  remember_command jmh all run kiln - "${cmd[@]}"
  "${cmd[@]}" >"$OUT/logs/jmh.log" 2>&1 || {
    tail -n 40 "$OUT/logs/jmh.log" >&2
    die "JMH failed (log: $OUT/logs/jmh.log)"
  }
  # What C1-only code (a start-up option) costs on the long-running paths.
  cmd=(java -cp "$cp" org.openjdk.jmh.Main "${settings[@]}" -bm avgt -tu ms "${params[@]}"
    -jvmArgsAppend -XX:TieredStopAtLevel=1 -rf csv -rff "$OUT/jmh-c1.csv"
    'Sha256Benchmark.kilnSha256|TarBenchmark.kilnTarWrite|CompressionBenchmark.kilnGzipParallel|ContextChecksumBenchmark.kilnChecksumCold')
  remember_command jmh c1 run kiln - "${cmd[@]}"
  "${cmd[@]}" >"$OUT/logs/jmh-c1.log" 2>&1 || {
    tail -n 40 "$OUT/logs/jmh-c1.log" >&2
    die "JMH (C1 only) failed (log: $OUT/logs/jmh-c1.log)"
  }
  remove_tree "$dir"
}
