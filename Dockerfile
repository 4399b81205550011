# FaceStream image: one image, one role per container (the compose file's `command`).
# Models are NOT baked in: mount a model directory at /models (or pull a pack with checksums at deploy time).
# Build arguments: MAVEN_PROFILE=cuda builds with ONNX Runtime GPU, RUNTIME_BASE=nvidia/cuda:...-cudnn-runtime-...
# puts the CUDA and cuDNN libraries it needs under it (docker-compose.yml's worker-gpu sets both).
ARG RUNTIME_BASE=eclipse-temurin:21-jre

FROM maven:3.9.11-eclipse-temurin-21 AS build
ARG MAVEN_PROFILE=cpu
WORKDIR /src
COPY pom.xml .
COPY .mvn .mvn
RUN mvn -B -q -P${MAVEN_PROFILE} dependency:go-offline || true
COPY src src
COPY topologies topologies
RUN mvn -B -q -P${MAVEN_PROFILE} -DskipTests package

FROM eclipse-temurin:21-jre AS jre

FROM ${RUNTIME_BASE}
# the JRE of the Temurin image on whatever base (a CUDA base has none)
COPY --from=jre /opt/java/openjdk /opt/java/openjdk
ENV JAVA_HOME=/opt/java/openjdk PATH=/opt/java/openjdk/bin:$PATH
RUN useradd --system --uid 10001 facestream
WORKDIR /opt/facestream
COPY --from=build /src/target/facestream.jar ./
COPY --from=build /src/target/lib ./lib
# the launcher's JVM start (its one unavoidable start-up warning dropped, signals passed on): scripts/run-jvm.sh
COPY scripts/run-jvm.sh scripts/container-entrypoint.sh ./
USER facestream
ENV FACESTREAM_MODELS=/models
ENTRYPOINT ["/bin/sh", "/opt/facestream/container-entrypoint.sh"]
