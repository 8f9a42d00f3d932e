package com.salesagent.api.media;

import com.mongodb.client.model.Filters;
import com.salesagent.activities.media.MediaRetention;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.storage.ObjectStorage;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import org.bson.Document;

/**
 * {@code GET /api/leads/{leadId}/media/{sha256}}: a lead's inbound image, voice note, video or
 * document, or an image card composed for one of its messages, from S3, for operators (the bearer
 * token, like every route). Only media recorded on the lead's own replies or messages is served
 * (the document names the object), never an arbitrary key, with the type sniffed when it was
 * stored, {@code nosniff}, and inline only for images and audio.
 */
@Path("/api/leads/{leadId}/media")
public class LeadMediaResource {
  private final LeadStore store;
  private final ObjectStorage storage;

  public LeadMediaResource(LeadStore store, ObjectStorage storage) {
    this.store = store;
    this.storage = storage;
  }

  @GET
  @Path("/{sha256}")
  public Response media(@PathParam("leadId") String leadId, @PathParam("sha256") String sha256) {
    if (leadId == null || leadId.length() > 128) {
      throw new ApiException(
          400, "not a lead id", new FieldError("leadId", "at most 128 characters"));
    }
    if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
      throw new ApiException(
          400, "not a media checksum", new FieldError("sha256", "64 lowercase hex digits"));
    }
    Document feedback =
        store
            .feedback()
            .find(
                Filters.and(
                    Filters.eq("leadId", leadId),
                    Filters.eq("media.sha256", sha256),
                    Filters.eq("media.status", "stored")))
            .first();
    if (feedback == null) {
      // An image card composed for one of the lead's own messages (the approvals preview).
      feedback =
          store
              .messages()
              .collection()
              .find(Filters.and(Filters.eq("leadId", leadId), Filters.eq("media.sha256", sha256)))
              .first();
    }
    if (feedback == null) {
      boolean expired =
          store
                  .feedback()
                  .countDocuments(
                      Filters.and(
                          Filters.eq("leadId", leadId),
                          Filters.eq("media.sha256", sha256),
                          Filters.eq("media.status", MediaRetention.EXPIRED)))
              > 0;
      if (expired) {
        throw new ApiException(
            410,
            "this media was deleted by the retention policy (MEDIA_RETENTION)",
            new FieldError("sha256", "expired"));
      }
      throw ApiException.notFound("stored media of this lead with this checksum", "sha256");
    }
    Document media = feedback.get("media", Document.class);
    String url = media.getString("url");
    String prefix = "s3://" + storage.bucket() + "/";
    if (url == null || !url.startsWith(prefix)) {
      throw new ApiException(
          409, "the media is stored in another bucket", new FieldError("sha256", "elsewhere"));
    }
    String type = media.getString("contentType");
    byte[] bytes = storage.get(url.substring(prefix.length()));
    boolean inline = type != null && (type.startsWith("image/") || type.startsWith("audio/"));
    return Response.ok(bytes, type == null ? "application/octet-stream" : type)
        .header("X-Content-Type-Options", "nosniff")
        .header("Cache-Control", "private, max-age=300")
        .header(
            "Content-Disposition", inline ? "inline" : "attachment; filename=\"" + sha256 + "\"")
        .build();
  }
}
