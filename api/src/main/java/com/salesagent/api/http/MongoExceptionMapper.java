package com.salesagent.api.http;

import com.mongodb.MongoException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MongoDB out of reach (a socket error, no server within the selection timeout) is a 503 with
 * {@code Retry-After}, logged as one line: nothing the request sent was wrong, and the outage is
 * already visible on the health checks. Other database errors stay 500s with Dropwizard's logged
 * error id.
 */
@Provider
public class MongoExceptionMapper implements ExceptionMapper<MongoException> {
  private static final Logger LOG = LoggerFactory.getLogger(MongoExceptionMapper.class);

  @Override
  public Response toResponse(MongoException e) {
    if (e instanceof MongoSocketException || e instanceof MongoTimeoutException) {
      LOG.warn("MongoDB unreachable, answered 503: {}", e.getClass().getSimpleName());
      ApiException answer =
          new ApiException(503, "the database is unreachable for the moment: try again shortly");
      return Response.status(503)
          .header("Retry-After", "5")
          .type(MediaType.APPLICATION_JSON_TYPE)
          .entity(answer.body())
          .build();
    }
    LOG.error("MongoDB refused a request", e);
    ApiException answer = new ApiException(500, "the database refused the request");
    return Response.status(500).type(MediaType.APPLICATION_JSON_TYPE).entity(answer.body()).build();
  }
}
