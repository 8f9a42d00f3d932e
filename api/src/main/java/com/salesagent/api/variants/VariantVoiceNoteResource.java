package com.salesagent.api.variants;

import com.salesagent.activities.media.VoiceNotes;
import com.salesagent.activities.variants.VariantStore;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.JsonBodies;
import io.dropwizard.auth.Auth;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import org.bson.Document;

/**
 * A {@code voice_note} variant's recording: {@code PUT /api/variants/{variantId}/voice-note} with
 * the recording as the body (Ogg Opus as it is; WAV, AIFF or AU transcoded; 16 MB, ten minutes),
 * stored once in S3 and sent, inside the 24 h window, instead of the message spoken by the voice
 * (the recording says what the operator recorded; the message text stays the audit's script).
 * {@code DELETE} goes back to the spoken message. Audited.
 */
@Path("/api/variants/{variantId}/voice-note")
public class VariantVoiceNoteResource {
  private final VariantStore variants;
  private final VoiceNotes voiceNotes;

  public VariantVoiceNoteResource(VariantStore variants, VoiceNotes voiceNotes) {
    this.variants = variants;
    this.voiceNotes = voiceNotes;
  }

  /** What the upload answers: the stored voice note. */
  public record Recorded(
      String variantId, String sha256, double seconds, int size, String madeBy) {}

  @PUT
  @Consumes(MediaType.WILDCARD)
  @JsonBodies.RawBody
  public Recorded put(
      @Auth Operator operator, @PathParam("variantId") String variantId, byte[] body) {
    if (variants.find(variantId) == null) {
      throw ApiException.notFound("variant " + variantId, "variantId");
    }
    Document note;
    try {
      note = voiceNotes.upload(body, operator.name());
    } catch (VoiceNotes.Refused e) {
      throw new ApiException(
          e.status(), "cannot make a voice note", new FieldError("body", e.getMessage()));
    }
    note.remove("kind");
    note.remove("voice");
    note.append("recordedBy", operator.name())
        .append("recordedAt", java.util.Date.from(Clock.systemUTC().instant()));
    if (!variants.setVoiceNote(variantId, note)) {
      throw ApiException.notFound("variant " + variantId, "variantId");
    }
    variants.audit(operator.name(), "voice_note_recorded", variantId, note.getString("sha256"));
    return new Recorded(
        variantId,
        note.getString("sha256"),
        note.getDouble("seconds"),
        note.getInteger("size"),
        note.getString("madeBy"));
  }

  @DELETE
  public Response delete(@Auth Operator operator, @PathParam("variantId") String variantId) {
    if (!variants.setVoiceNote(variantId, null)) {
      throw ApiException.notFound("variant " + variantId, "variantId");
    }
    variants.audit(operator.name(), "voice_note_removed", variantId, null);
    return Response.noContent().build();
  }
}
