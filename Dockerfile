# One image for the API and the worker of the real stack (docker-compose.yml).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml mvnw ./
COPY .mvn .mvn
COPY temporal/pom.xml temporal/
COPY workflows/pom.xml workflows/
COPY activities/pom.xml activities/
COPY worker/pom.xml worker/
COPY api/pom.xml api/
RUN mvn -B -q dependency:go-offline -Denforcer.skip=true -Dspotless.skip=true || true
COPY . .
RUN mvn -B -q package -DskipTests -Dspotless.skip=true

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 agent && mkdir -p /data && chown agent /data
WORKDIR /app
COPY --from=build /src/api/target/sales-agent.jar /app/sales-agent.jar
USER agent
ENV DATA_DIR=/data OPT_OUT_TRACKING=true DJL_OFFLINE=true
EXPOSE 8080 8081 8091
# The API by default; the worker service runs
#   java -cp /app/sales-agent.jar com.salesagent.worker.WorkerApplication server
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/sales-agent.jar"]
CMD ["server"]
