# The Java runtime base: a headless JRE, like eclipse-temurin:17-jre.
FROM rw-debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless ca-certificates \
    && apt-get clean && rm -rf /var/lib/apt/lists/*
CMD ["java", "-version"]
