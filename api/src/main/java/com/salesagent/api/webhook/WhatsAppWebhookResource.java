package com.salesagent.api.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/**
 * Meta's webhook: the verification handshake (GET) and signed notifications (POST). A POST is
 * verified over the raw body bytes before anything is parsed; an unsigned or wrongly signed one is
 * refused with 401 and nothing is stored or signalled.
 */
@Path("/webhooks/whatsapp")
public class WhatsAppWebhookResource {
  private final WebhookSignature signature;
  private final String verifyToken;
  private final WebhookInbox inbox;

  public WhatsAppWebhookResource(String appSecret, String verifyToken, WebhookInbox inbox) {
    this.signature = new WebhookSignature(appSecret);
    this.verifyToken = verifyToken;
    this.inbox = inbox;
  }

  @GET
  @Produces(MediaType.TEXT_PLAIN)
  public Response verify(
      @QueryParam("hub.mode") String mode,
      @QueryParam("hub.verify_token") String token,
      @QueryParam("hub.challenge") String challenge) {
    boolean ok =
        "subscribe".equals(mode)
            && token != null
            && !verifyToken.isEmpty()
            && MessageDigest.isEqual(
                token.getBytes(StandardCharsets.UTF_8),
                verifyToken.getBytes(StandardCharsets.UTF_8));
    if (!ok || challenge == null) {
      return Response.status(403).entity("verification failed").build();
    }
    return Response.ok(challenge).build();
  }

  @POST
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public Response receive(@HeaderParam("X-Hub-Signature-256") String header, byte[] body) {
    if (header == null) {
      return error(401, "missing X-Hub-Signature-256");
    }
    if (!signature.verify(body, header)) {
      return error(401, "X-Hub-Signature-256 does not match the body");
    }
    JsonNode root;
    try {
      root = inbox.read(body);
    } catch (IOException e) {
      return error(400, "body is not JSON");
    }
    WebhookInbox.Accepted accepted = inbox.accept(inbox.parse(root));
    return Response.ok(
            Map.of(
                "stored", accepted.stored(),
                "duplicates", accepted.duplicates(),
                "ignored", accepted.ignored()))
        .build();
  }

  private static Response error(int status, String message) {
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(Map.of("code", status, "message", message))
        .build();
  }
}
