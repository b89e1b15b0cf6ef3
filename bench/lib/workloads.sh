# Generates the build contexts of the benchmark workloads (sourced by bench/run.sh).
# Contexts are made fresh for every run, never committed. Sizes shrink with BENCH_QUICK=1.
#
# Each generator writes DIR/Dockerfile and the context, and records in DIR/.bench (sourced later):
#   EDIT_FILE  the context file the "touch" and "edit" phases change
#   HAS_RUN    1 when the Dockerfile has RUN (then both isolations are measured)
#   BASE       the base image it needs (busybox:bench, busybox-data:bench, debian:bench)

# random_files DIR COUNT SIZE: COUNT files of SIZE random bytes, 100 per subdirectory, made with
# one split(1) so that 5,000 files take a moment, not a fork each.
random_files() {
  local dir=$1 count=$2 size=$3 flat=$1/.flat
  mkdir -p "$flat"
  head -c $((count * size)) /dev/urandom | split -b "$size" -a 5 -d - "$flat/f"
  local d
  for ((d = 0; d * 100 < count; d++)); do
    mkdir -p "$dir/d$(printf %03d "$d")"
    # split numbers files f00000..; the first three digits after f0 pick the directory.
    find "$flat" -maxdepth 1 -name "f$(printf %03d "$d")??" -exec mv -t "$dir/d$(printf %03d "$d")" {} +
  done
  rmdir "$flat"
}

# text_files DIR COUNT SIZE: like random_files but base64 text (compresses about 4:3, like code).
text_files() {
  local dir=$1 count=$2 size=$3 flat=$1/.flat
  mkdir -p "$flat"
  # base64 is cut short by the second head (SIGPIPE): that is expected, not a failure.
  { head -c $((count * size * 3 / 4 + 4096)) /dev/urandom | base64 -w 76 || true; } |
    head -c $((count * size)) | split -b "$size" -a 5 -d - "$flat/f"
  local d
  for ((d = 0; d * 100 < count; d++)); do
    mkdir -p "$dir/d$(printf %03d "$d")"
    find "$flat" -maxdepth 1 -name "f$(printf %03d "$d")??" -exec mv -t "$dir/d$(printf %03d "$d")" {} +
  done
  rmdir "$flat"
}

# multistage: two stages on busybox with ARG, ENV, WORKDIR, COPY, several RUNs, COPY --from,
# COPY --chown, USER, EXPOSE, ENTRYPOINT and CMD; a small context (200 source files).
gen_multistage() {
  local dir=$1
  mkdir -p "$dir/src" "$dir/config"
  text_files "$dir/src/lib" 200 2048
  cat >"$dir/src/build.sh" <<'SH'
#!/bin/sh
# "compiles" the sources: one output line per file, like a tiny build tool would
set -e
mkdir -p /out/lib /out/bin
for f in $(find lib -type f | sort); do
  wc -c "$f" >> /out/lib/index.txt
done
cat lib/d000/* > /out/lib/bundle.txt
printf '#!/bin/sh\necho "app %s listening on $1 $2"\n' "$VERSION" > /out/bin/run
SH
  echo "port=8080" >"$dir/config/app.properties"
  echo "level=info" >"$dir/config/logging.properties"
  cat >"$dir/Dockerfile" <<'DOCKERFILE'
ARG VERSION=1.0.0
FROM busybox:bench AS build
ARG VERSION
ENV APP_HOME=/src BUILD_MODE=release
WORKDIR /src
COPY src/ ./
RUN sh build.sh
RUN echo "$VERSION" > /out/VERSION && cp /src/build.sh /out/lib/
RUN find /out -type f | sort > /out/MANIFEST

FROM busybox:bench
ARG VERSION
ENV PATH=/app/bin:$PATH APP_VERSION=$VERSION
WORKDIR /app
COPY --from=build /out/ /app/
COPY --chown=1000:1000 config/ /app/config/
RUN chmod 755 /app/bin/run && mkdir -p /app/data && chown 1000:1000 /app/data
USER kiln
EXPOSE 8080
ENTRYPOINT ["/bin/sh", "/app/bin/run"]
CMD ["--port", "8080"]
DOCKERFILE
  printf 'EDIT_FILE=src/lib/d001/f00100\nHAS_RUN=1\nBASE=busybox:bench\n' >"$dir/.bench"
}

# ctx15: the cache issue's no-change workload: 15 instructions over a 10,000-file context.
gen_ctx15() {
  local dir=$1 files=$2
  mkdir -p "$dir/conf"
  text_files "$dir/lib" $((files / 2)) 1536
  text_files "$dir/src" $((files - files / 2 - 3)) 1536 # + conf, run.sh and the Dockerfile
  echo "mode=prod" >"$dir/conf/app.conf"
  printf '#!/bin/sh\nexec cat /app/count\n' >"$dir/run.sh"
  cat >"$dir/Dockerfile" <<'DOCKERFILE'
FROM busybox:bench
ARG BUILD=1
ENV APP=/app LANG=C.UTF-8
LABEL bench.workload=ctx15
WORKDIR /app
COPY lib/ /app/lib/
COPY src/ /app/src/
COPY conf/ /app/conf/
RUN find /app -type f | wc -l > /app/count
RUN echo "app:x:2000:2000::/app:/bin/sh" >> /etc/passwd && echo "app:x:2000:" >> /etc/group
COPY --chown=2000:2000 run.sh /app/run.sh
USER 2000
EXPOSE 8080
ENTRYPOINT ["/bin/sh", "/app/run.sh"]
CMD ["serve"]
DOCKERFILE
  printf 'EDIT_FILE=src/d010/f01000\nHAS_RUN=1\nBASE=busybox:bench\n' >"$dir/.bench"
}

# bigctx: many small random files plus one big random file, all copied in one COPY.
gen_bigctx() {
  local dir=$1 files=$2 big_mib=$3
  random_files "$dir/small" "$files" 4096
  head -c $((big_mib * 1024 * 1024)) /dev/urandom >"$dir/big.bin"
  printf 'FROM busybox:bench\nCOPY . /app\n' >"$dir/Dockerfile"
  printf 'EDIT_FILE=small/d000/f00000\nHAS_RUN=0\nBASE=busybox:bench\n' >"$dir/.bench"
}

# runheavy: a RUN that writes many files and deletes 1,000 files of the base, then a RUN that edits
# one file. The base (busybox-data:bench) is busybox plus 2,000 files in /usr/share/data.
gen_runheavy() {
  local dir=$1 files=$2
  cat >"$dir/gen.sh" <<SH
#!/bin/sh
# writes $files files in directories of 1,000 and deletes 1,000 files of the base image
set -e
i=0
while [ \$i -lt $files ]; do
  d=/gen/d\$((i / 1000))
  [ -d \$d ] || mkdir -p \$d
  echo "generated file \$i" > \$d/f\$i
  i=\$((i + 1))
done
rm -f /usr/share/data/d00[0-9]/*
SH
  echo "welcome" >"$dir/motd.txt"
  cat >"$dir/Dockerfile" <<'DOCKERFILE'
FROM busybox-data:bench
COPY gen.sh /usr/local/bin/gen.sh
RUN sh /usr/local/bin/gen.sh
COPY motd.txt /etc/motd.in
RUN cat /etc/motd.in >> /etc/motd && sed -i 's/^root:x:0:0:root/root:x:0:0:admin/' /etc/passwd
DOCKERFILE
  printf 'EDIT_FILE=motd.txt\nHAS_RUN=1\nBASE=busybox-data:bench\n' >"$dir/.bench"
}

# debian: apt-get in a debootstrapped bookworm (BENCH_DEBIAN=1; needs the Debian mirror).
gen_debian() {
  local dir=$1
  mkdir -p "$dir"
  echo "debian workload" >"$dir/notes.txt"
  cat >"$dir/Dockerfile" <<'DOCKERFILE'
FROM debian:bench
COPY notes.txt /etc/bench-notes.txt
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
DOCKERFILE
  printf 'EDIT_FILE=notes.txt\nHAS_RUN=1\nBASE=debian:bench\n' >"$dir/.bench"
}
