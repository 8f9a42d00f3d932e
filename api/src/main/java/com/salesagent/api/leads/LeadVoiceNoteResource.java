package com.salesagent.api.leads;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesagent.activities.media.VoiceNotes;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.whatsapp.CloudMedia;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.JsonBodies;
import com.salesagent.api.http.RequestJson;
import com.salesagent.workflows.lead.LeadWorkflow;
import io.dropwizard.auth.Auth;
import io.temporal.client.WorkflowClient;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /api/leads/{leadId}/replies/voice-note}: a person answers the lead with a voice note,
 * inside WhatsApp's 24 h window, through the lead's own send path (exactly once per {@code
 * requestId}, suppression checked before the call, audited) like a written reply. The body is
 * either a recording (any audio body: Ogg Opus as it is; WebM Opus rewrapped; MP3, M4A/AAC,
 * WAV/AIFF/AU transcoded; 16 MB) with {@code ?ownerId=&requestId=&seenMessageId=&force=&draftId=},
 * or JSON {@code {"text": "...", "ownerId", "requestId", "seenMessageId", "force", "draftId"}} to
 * have the text spoken ({@link VoiceNotes}: the configured provider, or the offline English voice).
 * Like a written reply it may name the lead message its rep saw, and is then 409 when another
 * person answered since, unless {@code force} ({@link ReplyCollisions}). Either form may name the
 * agent's draft it says ({@code draftId}, as a written reply does; a recording in its query): 422
 * naming it when the lead has no such draft, 409 once it is no longer held; sent, the draft is
 * {@code used}. The voice note is made only after the checks pass, and stored in S3 only once its
 * message won the collision check (two reps at the same moment: the refused one leaves no object).
 */
@Path("/api/leads/{leadId}/replies/voice-note")
public class LeadVoiceNoteResource {
  /** What the JSON form takes. */
  public record SpeakRequest(
      String text,
      String ownerId,
      String requestId,
      String seenMessageId,
      Boolean force,
      String draftId) {}

  private final LeadConversation conversation;
  private final VoiceNotes voiceNotes;
  private final ObjectMapper strict;

  public LeadVoiceNoteResource(
      LeadStore store, WorkflowClient temporal, ObjectMapper mapper, VoiceNotes voiceNotes) {
    this.strict = RequestJson.strict(mapper.copy());
    this.conversation =
        new LeadConversation(
            store,
            leadId -> temporal.newWorkflowStub(LeadWorkflow.class, LeadWorkflow.workflowId(leadId)),
            AfterEndMessages.temporal(temporal),
            strict,
            Clock.systemUTC());
    this.voiceNotes = voiceNotes;
  }

  @POST
  @Consumes(MediaType.WILDCARD)
  @JsonBodies.RawBody
  public Response voiceNote(
      @Auth Operator operator,
      @PathParam("leadId") String leadId,
      @HeaderParam("Content-Type") String contentType,
      @QueryParam("ownerId") String ownerId,
      @QueryParam("requestId") String requestId,
      @QueryParam("seenMessageId") String seenMessageId,
      @QueryParam("force") String force,
      @QueryParam("draftId") String draftIdQuery,
      byte[] body) {
    if (body == null || body.length == 0) {
      throw new ApiException(
          422,
          "no voice note",
          new FieldError("body", "a recording, or JSON {\"text\": ...} to be spoken"));
    }
    boolean json = contentType != null && contentType.toLowerCase().contains("json");
    String text;
    String owner = ownerId;
    String request = requestId;
    String seen = seenMessageId;
    Boolean forced = null;
    String draftId = null;
    List<FieldError> errors = new ArrayList<>();
    if (json) {
      SpeakRequest speak = read(body);
      text = LeadConversation.clean(speak.text());
      owner = speak.ownerId();
      request = speak.requestId();
      seen = speak.seenMessageId();
      forced = speak.force();
      draftId = speak.draftId();
      if (text == null || text.isEmpty()) {
        throw new ApiException(
            422, "invalid voice note", new FieldError("text", "must not be blank"));
      }
      String problem = com.salesagent.api.http.ReadableText.textProblem(text);
      if (problem != null) {
        throw new ApiException(422, "invalid voice note", new FieldError("text", problem));
      }
      if (com.salesagent.api.http.ReadableText.length(text) > VoiceNotes.MAX_TEXT) {
        throw new ApiException(
            422,
            "invalid voice note",
            new FieldError("text", "at most " + VoiceNotes.MAX_TEXT + " characters to speak"));
      }
    } else {
      text = null;
      draftId = draftIdQuery;
      if ("true".equals(force) || "false".equals(force)) {
        forced = Boolean.valueOf(force);
      } else if (force != null) {
        errors.add(new FieldError("force", "true or false"));
      }
    }
    if (draftId != null && !LeadConversation.DRAFT_ID.matcher(draftId).matches()) {
      errors.add(new FieldError("draftId", "a draft's id: 1-300 letters, digits and ._:=+/-"));
    }
    errors.addAll(conversation.ownerErrors(owner));
    if (request != null && !LeadConversation.ID.matcher(request).matches()) {
      errors.add(new FieldError("requestId", "1-64 letters, digits, '-' or '_'"));
    }
    errors.addAll(ReplyCollisions.errors(seen));
    if (!errors.isEmpty()) {
      throw new ApiException(422, "invalid voice note", errors);
    }
    String spoken = json ? text : null;
    ReplyMedia media =
        new ReplyMedia() {
          private VoiceNotes.Made made;

          @Override
          public org.bson.Document make(org.bson.Document contact, String by) {
            made = LeadVoiceNoteResource.this.make(spoken, body, contact.getString("locale"), by);
            return made.media();
          }

          @Override
          public void store() {
            voiceNotes.store(made);
          }

          @Override
          public String field() {
            return spoken != null ? "text" : "body";
          }

          @Override
          public String content() {
            return spoken != null ? "spoken:" + spoken : "recording:" + sha256(body);
          }

          @Override
          public String voice() {
            if (made == null || spoken == null) {
              return null;
            }
            String madeBy = made.media().getString("madeBy");
            return madeBy != null && madeBy.startsWith(VoiceNotes.OFFLINE_PREFIX)
                ? "offline"
                : "provider";
          }

          @Override
          public String voiceFallback() {
            org.bson.Document fallback =
                made == null ? null : made.media().get("fallback", org.bson.Document.class);
            return fallback == null
                ? null
                : fallback.getString("because")
                    + "; spoken by the offline voice instead ("
                    + made.media().getString("madeBy")
                    + ")";
          }
        };
    return conversation.queue(
        operator.name(),
        leadId,
        text == null ? "(voice note)" : text,
        false,
        media,
        owner,
        request,
        seen == null
            ? null
            : new ReplyCollisions.Seen(
                seen,
                Boolean.TRUE.equals(forced),
                json ? ReplyCollisions.IN_BODY : ReplyCollisions.IN_QUERY),
        draftId);
  }

  /** The voice note made and checked, not stored yet (stored once its message may go). */
  private VoiceNotes.Made make(String text, byte[] recording, String locale, String by) {
    try {
      return text != null
          ? voiceNotes.spokenOrOffline(text, locale)
          : voiceNotes.uploaded(recording, by);
    } catch (VoiceNotes.Refused e) {
      throw new ApiException(
          e.status(),
          "cannot make a voice note",
          new FieldError(text != null ? "text" : "body", e.getMessage()));
    } catch (CloudMedia.Unavailable e) {
      // Only for a lead the offline voice cannot speak to (another language): else it spoke.
      throw new ApiException(
          503,
          "the speech provider is unavailable: try again",
          new FieldError("text", e.getMessage()));
    } catch (CloudMedia.Refused e) {
      throw new ApiException(
          502, "the speech provider refused", new FieldError("text", e.getMessage()));
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return java.util.HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private SpeakRequest read(byte[] body) {
    try {
      SpeakRequest request = strict.readValue(body, SpeakRequest.class);
      if (request == null) {
        throw new ApiException(
            400, "the body is not a JSON object", new FieldError("body", "null"));
      }
      return request;
    } catch (IOException e) {
      throw new ApiException(
          400,
          "the body is not a JSON object {text, ownerId, requestId, seenMessageId, force,"
              + " draftId}",
          FieldError.ofJson(e));
    }
  }
}
