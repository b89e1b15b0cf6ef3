# Push and pull of a big multi-layer image: kiln's registry client vs `skopeo copy`
# (sourced by bench/run.sh).
#
# The image (TRANSFER_LAYERS layers of random data, TRANSFER_MIB in all, so the gzip blobs are as
# big as the data) is built once by kiln into an OCI layout. Then, per repetition and interleaved:
#   push-new    the layout to an empty registry
#   push-again  the same image to the same tag again (nothing to send)
#   pull        the image into a new OCI layout
# kiln's side is bench/jmh's TransferMain (RegistryClient, 4 parallel transfers) and, when this
# checkout's CLI has them, `kiln push` / `kiln pull` as well.

TRANSFER_CP=""

prepare_transfer() {
  local dir=$WORK/transfer i per
  remove_tree "$dir"
  mkdir -p "$dir/ctx"
  per=$((TRANSFER_MIB / TRANSFER_LAYERS))
  {
    echo "FROM scratch"
    for ((i = 1; i <= TRANSFER_LAYERS; i++)); do
      head -c $((per * 1024 * 1024)) /dev/urandom >"$dir/ctx/layer$i.bin"
      echo "COPY layer$i.bin /data/layer$i.bin"
    done
  } >"$dir/ctx/Dockerfile"
  "$KILN" build --cache-dir "$dir/kiln-cache" --progress=plain -t big:bench \
    -o "type=oci,tar=false,dest=$dir/layout" "$dir/ctx" >"$OUT/logs/transfer-image.log" 2>&1 ||
    die "building the transfer image failed (log: $OUT/logs/transfer-image.log)"
  rm -rf "$dir/kiln-cache" "$dir/ctx"
  du -sb "$dir/layout/blobs" | cut -f1 >"$OUT/transfer-bytes"
  log "transfer image: $TRANSFER_LAYERS layers, $(($(cat "$OUT/transfer-bytes") / 1048576)) MiB of blobs"
  TRANSFER_CP=$BENCH_DIR/jmh/target/kiln-bench.jar:$ROOT/cli/target/kiln.jar
}

transfer_kiln() {
  local rep=$1 layout=$WORK/transfer/layout ref=$REGISTRY/big-kiln:$rep pulled=$WORK/transfer/pulled
  reset_registry
  measure transfer big push-new kiln - "$rep" java -cp "$TRANSFER_CP" dev.kiln.bench.transfer.TransferMain push "$layout" bench "$ref"
  measure transfer big push-again kiln - "$rep" java -cp "$TRANSFER_CP" dev.kiln.bench.transfer.TransferMain push "$layout" bench "$ref"
  remove_tree "$pulled"
  measure transfer big pull kiln - "$rep" java -cp "$TRANSFER_CP" dev.kiln.bench.transfer.TransferMain pull "$ref" "$pulled"
  if [[ $KILN_HAS_PUSH == 1 ]]; then
    reset_registry
    local cli=$REGISTRY/big-kiln-cli:$rep empty=$WORK/transfer/empty-cache
    remove_tree "$empty"
    measure transfer big push-new "kiln CLI" - "$rep" "$KILN" push --cache-dir "$empty" "oci-layout://$layout:bench" "$cli"
    measure transfer big push-again "kiln CLI" - "$rep" "$KILN" push --cache-dir "$empty" "oci-layout://$layout:bench" "$cli"
    remove_tree "$pulled"
    measure transfer big pull "kiln CLI" - "$rep" "$KILN" pull --cache-dir "$empty" -o "type=oci,tar=false,dest=$pulled" "$cli"
    remove_tree "$empty"
  fi
  remove_tree "$pulled"
}

transfer_skopeo() {
  local rep=$1 layout=$WORK/transfer/layout ref=$REGISTRY/big-skopeo:$rep pulled=$WORK/transfer/pulled
  reset_registry
  measure transfer big push-new skopeo - "$rep" skopeo copy -q --dest-tls-verify=false "oci:$layout:bench" "docker://$ref"
  measure transfer big push-again skopeo - "$rep" skopeo copy -q --dest-tls-verify=false "oci:$layout:bench" "docker://$ref"
  remove_tree "$pulled"
  measure transfer big pull skopeo - "$rep" skopeo copy -q --src-tls-verify=false "docker://$ref" "oci:$pulled:bench"
  remove_tree "$pulled"
}

run_transfer() {
  prepare_transfer
  local rep
  for ((rep = 1; rep <= REPS; rep++)); do
    log "transfer: repetition $rep/$REPS"
    if ((rep % 2 == 1)); then
      transfer_kiln "$rep"
      transfer_skopeo "$rep"
    else
      transfer_skopeo "$rep"
      transfer_kiln "$rep"
    fi
  done
  remove_tree "$WORK/transfer"
}
