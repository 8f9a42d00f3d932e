package com.salesagent.api.webhook;

import com.codahale.metrics.annotation.Timed;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesagent.api.ServerTiming;
import com.salesagent.api.auth.PublicEndpoint;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.senders.SenderDirectory;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/**
 * Meta's webhook: the verification handshake (GET) and signed notifications (POST). A POST is
 * verified over the raw body bytes (at most 1 MiB: the request guard caps it before a byte is read)
 * before anything is parsed; an unsigned or wrongly signed one is refused with 401 and nothing is
 * stored or signalled. A signed one always answers 200 once stored, items of a wrong shape included
 * (kept as dead letters): Meta would otherwise deliver it again and again.
 */
@Tag(name = "webhook", description = "Meta's WhatsApp webhook (signed; no token)")
@Timed
@Path("/webhooks/whatsapp")
@PublicEndpoint(
    "Meta calls it without our token: every POST must carry a valid X-Hub-Signature-256")
public class WhatsAppWebhookResource {
  private final WebhookSignature signature;
  private final String verifyToken;
  private final WebhookInbox inbox;
  private final SenderDirectory numbers;
  private final ObjectMapper json = new ObjectMapper();

  /**
   * {@code numbers}: the business numbers served (the pool), which also takes Meta's number-quality
   * and account notifications.
   */
  public WhatsAppWebhookResource(
      String appSecret, String verifyToken, WebhookInbox inbox, SenderDirectory numbers) {
    this.signature = new WebhookSignature(appSecret);
    this.verifyToken = verifyToken;
    this.inbox = inbox;
    this.numbers = numbers;
  }

  /**
   * An answer of the webhook whichever lane served it (Jersey, or the servlet's fast lane); {@code
   * proven}: the caller proved it is Meta (the signature or the verify token matched), so the
   * answer may carry {@code Server-Timing}.
   */
  public record Answer(
      int status, String type, Object body, Map<String, String> headers, boolean proven) {
    public Answer(int status, String type, Object body) {
      this(status, type, body, Map.of(), false);
    }

    public Answer(int status, String type, Object body, Map<String, String> headers) {
      this(status, type, body, headers, false);
    }

    Answer asProven() {
      return new Answer(status, type, body, headers, true);
    }

    /** Marks a Jersey request whose caller proved itself, for {@link ServerTiming}. */
    Response response(ContainerRequestContext request) {
      if (proven) {
        request.setProperty(ServerTiming.PROVEN, Boolean.TRUE);
      }
      return response();
    }

    Response response() {
      Response.ResponseBuilder answer = Response.status(status).type(type).entity(body);
      headers.forEach(answer::header);
      return answer.build();
    }
  }

  @GET
  @Produces({MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON})
  public Response verify(
      @QueryParam("hub.mode") String mode,
      @QueryParam("hub.verify_token") String token,
      @QueryParam("hub.challenge") String challenge,
      @Context ContainerRequestContext request) {
    return verification(mode, token, challenge).response(request);
  }

  @POST
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public Response receive(
      @HeaderParam("X-Hub-Signature-256") String header,
      byte[] body,
      @Context ContainerRequestContext request) {
    return notification(header, body).response(request);
  }

  /**
   * Meta's subscription handshake: the challenge back, as bare text (Meta compares the body), when
   * the mode is {@code subscribe} and the verify token matches. A refusal is the API's JSON error
   * naming the field: 403 for the mode or the token, 400 for a missing or over-long challenge
   * (checked only once the token matched).
   */
  public Answer verification(String mode, String token, String challenge) {
    if (!"subscribe".equals(mode)) {
      return refusedHandshake(403, "hub.mode", "must be subscribe");
    }
    if (token == null || token.isEmpty()) {
      return refusedHandshake(403, "hub.verify_token", "required");
    }
    boolean matches =
        !verifyToken.isEmpty()
            && MessageDigest.isEqual(
                token.getBytes(StandardCharsets.UTF_8),
                verifyToken.getBytes(StandardCharsets.UTF_8));
    if (!matches) {
      return refusedHandshake(403, "hub.verify_token", "does not match");
    }
    if (challenge == null || challenge.isEmpty()) {
      return refusedHandshake(400, "hub.challenge", "required").asProven();
    }
    if (challenge.length() > 256) {
      return refusedHandshake(400, "hub.challenge", "at most 256 characters").asProven();
    }
    return new Answer(200, MediaType.TEXT_PLAIN, challenge).asProven();
  }

  private static Answer refusedHandshake(int status, String field, String problem) {
    return error(status, "webhook verification failed: " + field + " " + problem, field, problem);
  }

  /**
   * A notification: checked against its signature over the raw bytes, parsed, stored in the inbox.
   * A MongoDB out of reach is thrown (the caller answers 503: Meta delivers it again).
   */
  public Answer notification(String header, byte[] body) {
    if (header == null) {
      return error(401, "missing X-Hub-Signature-256", SIGNATURE, "required");
    }
    if (!signature.verify(body, header)) {
      return error(
          401, "X-Hub-Signature-256 does not match the body", SIGNATURE, "does not match the body");
    }
    JsonNode root;
    try {
      root = json.readTree(body);
    } catch (IOException e) {
      return error(400, "body is not JSON", "body", "not JSON").asProven();
    }
    if (root == null || !root.isObject()) {
      return error(400, "body is not a JSON object", "body", "not a JSON object").asProven();
    }
    numberLevel(root);
    WebhookInbox.Accepted accepted = inbox.accept(MetaNotification.parse(root, numbers::serves));
    return new Answer(200, MediaType.APPLICATION_JSON, accepted).asProven();
  }

  /**
   * Number-level changes (quality, account) update the sender pool at once (idempotent: a
   * redelivery sets the same state); message changes teach the pool each number's display number,
   * by which the quality notifications name it.
   */
  private void numberLevel(JsonNode root) {
    for (JsonNode entry : root.path("entry")) {
      for (JsonNode change : entry.path("changes")) {
        if (numbers.apply(entry.path("id").asText(""), change)) {
          continue;
        }
        JsonNode metadata = change.path("value").path("metadata");
        String id = metadata.path("phone_number_id").asText("");
        if (!id.isEmpty() && numbers.serves(id)) {
          numbers.learn(id, metadata.path("display_phone_number").asText(null));
        }
      }
    }
  }

  private static final String SIGNATURE = "X-Hub-Signature-256";

  /** A refusal in the API's error shape, naming what is at fault (a header, the body). */
  static Answer error(int status, String message, String field, String problem) {
    return new Answer(
        status,
        MediaType.APPLICATION_JSON,
        new ApiException(status, message, new FieldError(field, problem)).body());
  }
}
