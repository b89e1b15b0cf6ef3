# The C toolchain base: like gcc:bookworm, on the harness's debootstrapped minbase.
FROM rw-debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev \
    && apt-get clean && rm -rf /var/lib/apt/lists/*
CMD ["bash"]
