# The Node.js base: Debian's nodejs and npm (node 18, npm 9 in bookworm).
FROM rw-debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm ca-certificates \
    && apt-get clean && rm -rf /var/lib/apt/lists/*
CMD ["node"]
