package com.salesagent.api.webhook;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.MongoException;
import com.salesagent.api.ServerTiming;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.MongoExceptionMapper;
import com.salesagent.api.http.RequestGuard;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Meta's webhook at its exact path ({@value #PATH}), served without Jersey: the product's hottest
 * route (one request per status at Meta's pace), where Jersey's matching, injection and providers
 * cost 15-20 % of the process's CPU (JFR, one status per request). Every answer is decided by the
 * same {@link WhatsAppWebhookResource}, which Jersey still serves for the path's other spellings (a
 * trailing slash) and which describes the route in OpenAPI and in the security audit's allow-list.
 * This lane keeps what the Jersey one had: the request guard's caps and headers (a servlet filter),
 * the resource's timers under the same names, {@code Server-Timing} (on answers to a caller that
 * signed or gave the verify token), JSON errors (405 for other methods, 413 past the cap, 503 when
 * MongoDB is out of reach, 500 with a logged id otherwise).
 */
public final class WhatsAppWebhookServlet extends HttpServlet {
  public static final String PATH = "/webhooks/whatsapp";

  private static final Logger LOG = LoggerFactory.getLogger(WhatsAppWebhookServlet.class);
  private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST");

  private final transient WhatsAppWebhookResource webhook;
  private final transient ObjectMapper json;
  private final transient Timer receiving;
  private final transient Timer verifying;
  private final transient MongoExceptionMapper unreachable = new MongoExceptionMapper();

  /** The timers are the ones Jersey's {@code @Timed} names for the resource's two methods. */
  public WhatsAppWebhookServlet(
      WhatsAppWebhookResource webhook, ObjectMapper json, MetricRegistry metrics) {
    this.webhook = webhook;
    this.json = json;
    this.receiving = metrics.timer(MetricRegistry.name(WhatsAppWebhookResource.class, "receive"));
    this.verifying = metrics.timer(MetricRegistry.name(WhatsAppWebhookResource.class, "verify"));
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    long start = System.nanoTime();
    String method = request.getMethod();
    if (!METHODS.contains(method)) {
      response.setHeader("Allow", "GET, HEAD, POST, OPTIONS");
      if ("OPTIONS".equals(method)) {
        response.setStatus(200);
        return;
      }
      write(
          response,
          WhatsAppWebhookResource.error(
              405, "method not allowed: GET or POST", "method", "GET or POST"),
          start,
          false);
      return;
    }
    boolean post = "POST".equals(method);
    WhatsAppWebhookResource.Answer answer;
    // Timed as Jersey's @Timed times a resource method: the decision, not the write of the answer.
    try (Timer.Context timed = (post ? receiving : verifying).time()) {
      try {
        answer =
            post
                ? webhook.notification(
                    request.getHeader("X-Hub-Signature-256"),
                    request.getInputStream().readAllBytes())
                : webhook.verification(
                    request.getParameter("hub.mode"),
                    request.getParameter("hub.verify_token"),
                    request.getParameter("hub.challenge"));
      } catch (RequestGuard.TooLarge e) {
        answer = of(e.getResponse());
      } catch (IOException e) {
        // The body stopped short (a client gone or too slow, a broken chunk): nothing was read.
        answer =
            WhatsAppWebhookResource.error(
                400, "the request body could not be read: send it whole", "body", "stopped short");
      } catch (MongoException e) {
        answer = of(unreachable.toResponse(e));
      } catch (RuntimeException e) {
        String id =
            String.format("%016x", java.util.concurrent.ThreadLocalRandom.current().nextLong());
        LOG.error("Error handling a webhook request: {}", id, e);
        answer =
            error(
                500,
                "There was an error processing your request. It has been logged (ID " + id + ").");
      }
    }
    write(response, answer, start, "HEAD".equals(method));
  }

  private void write(
      HttpServletResponse response,
      WhatsAppWebhookResource.Answer answer,
      long start,
      boolean headOnly)
      throws IOException {
    byte[] bytes =
        answer.body() instanceof String text && MediaType.TEXT_PLAIN.equals(answer.type())
            ? text.getBytes(StandardCharsets.UTF_8)
            : json.writeValueAsBytes(answer.body());
    response.setStatus(answer.status());
    response.setContentType(
        MediaType.TEXT_PLAIN.equals(answer.type())
            ? MediaType.TEXT_PLAIN + ";charset=UTF-8"
            : MediaType.APPLICATION_JSON);
    answer.headers().forEach(response::setHeader);
    response.setContentLength(bytes.length);
    if (answer.proven()) {
      // Only a caller that proved it is Meta learns how long the server worked.
      response.setHeader("Server-Timing", ServerTiming.value(System.nanoTime() - start));
    }
    if (!headOnly) {
      response.getOutputStream().write(bytes);
    }
  }

  /** A JAX-RS answer (a mapper's, the guard's 413) as this lane's answer, its headers kept. */
  private static WhatsAppWebhookResource.Answer of(Response response) {
    return new WhatsAppWebhookResource.Answer(
        response.getStatus(),
        MediaType.APPLICATION_JSON,
        response.getEntity(),
        response.getStringHeaders().entrySet().stream()
            .filter(h -> !h.getKey().equalsIgnoreCase("Content-Type"))
            .collect(
                java.util.stream.Collectors.toMap(
                    java.util.Map.Entry::getKey, h -> String.join(", ", h.getValue()))));
  }

  private static WhatsAppWebhookResource.Answer error(int status, String message) {
    return new WhatsAppWebhookResource.Answer(
        status, MediaType.APPLICATION_JSON, new ApiException(status, message).body());
  }
}
