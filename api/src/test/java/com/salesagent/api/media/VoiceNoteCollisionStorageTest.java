package com.salesagent.api.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.model.Filters;
import com.salesagent.activities.handoff.Owners;
import com.salesagent.activities.media.OggOpus;
import com.salesagent.activities.media.VoiceNotes;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.leads.ConversationFixtures;
import com.salesagent.api.leads.LeadVoiceNoteResource;
import io.dropwizard.jackson.Jackson;
import io.temporal.client.WorkflowClient;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two reps send a voice note to the same lead message at the same moment: the collision check lets
 * one go and refuses the other (409), but the refused one's audio had been put in S3 already, an
 * object no message names (nothing plays it, nothing erases it with the lead). The voice note is
 * stored only once its message won: the bucket holds exactly the one that went.
 */
class VoiceNoteCollisionStorageTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();
  @RegisterExtension static final EmbeddedS3Extension S3 = new EmbeddedS3Extension("collisions");

  private static byte[] tone(int hz) {
    short[] pcm = new short[16_000];
    for (int i = 0; i < pcm.length; i++) {
      pcm[i] = (short) (6000 * Math.sin(2 * Math.PI * hz * i / 16_000));
    }
    return OggOpus.encode(pcm, 16_000);
  }

  private static String json(String text, String owner) {
    return "{\"text\":\""
        + text
        + "\",\"ownerId\":\""
        + owner
        + "\",\"seenMessageId\":\"wamid.in-1\"}";
  }

  @Test
  void ofTwoRepsAtTheSameMomentOnlyTheVoiceNoteThatWentIsInTheBucket() throws Exception {
    MongoSchema.ensure(MONGO.database());
    LeadStore store = new LeadStore(MONGO.database());
    var owners = MONGO.database().getCollection(Owners.COLLECTION);
    owners.insertOne(new Document("_id", "ana").append("name", "Ana Lima"));
    owners.insertOne(new Document("_id", "bruno").append("name", "Bruno Reis"));
    Instant now = Instant.now();
    store.insertContact(
        new Document("leadId", "L-v")
            .append("campaignId", "c-1")
            .append("phone", "+5511998760001")
            .append("locale", "en")
            .append("ownerId", "ana")
            .append("stage", "in_conversation"));
    store
        .feedback()
        .insertOne(
            new Document("leadId", "L-v")
                .append("messageId", "wamid.in-1")
                .append("text", "Can you tell me more?")
                .append("receivedAt", Date.from(now.minusSeconds(60)))
                .append("storedAt", Date.from(now.minusSeconds(60))));
    WorkflowClient temporal = ConversationFixtures.temporal(ConversationFixtures.workflow(r -> {}));
    List<Integer> statuses = new ArrayList<>();
    LeadVoiceNoteResource[] resource = new LeadVoiceNoteResource[1];
    // Bruno's voice note is being spoken when Ana's goes: both passed the check before anything
    // was made, and Ana's claim comes first.
    VoiceNotes.Speaker speaker =
        new VoiceNotes.Speaker() {
          @Override
          public byte[] speak(String text) {
            if (text.startsWith("Bruno")) {
              statuses.add(send(resource[0], json("Ana here, the plans start at 49.", "ana")));
              return tone(330);
            }
            return tone(220);
          }

          @Override
          public String label() {
            return "test voice";
          }
        };
    resource[0] =
        new LeadVoiceNoteResource(
            store, temporal, Jackson.newObjectMapper(), new VoiceNotes(S3.storage(), speaker));

    statuses.add(send(resource[0], json("Bruno here, the plans start at 49.", "bruno")));

    assertThat(statuses).containsExactly(202, 409);
    List<Document> notes =
        store.messages().collection().find(Filters.eq("leadId", "L-v")).into(new ArrayList<>());
    assertThat(notes).singleElement().satisfies(m -> assertThat(m.getString("by")).contains("Ana"));
    String sha256 = notes.get(0).get("media", Document.class).getString("sha256");
    List<Path> objects = S3.files();
    assertThat(objects)
        .as("exactly the voice note that went")
        .singleElement()
        .satisfies(p -> assertThat(p.getFileName().toString()).contains(sha256));
    assertThat((int) Files.size(objects.get(0)))
        .isEqualTo(notes.get(0).get("media", Document.class).getInteger("size"));
  }

  private static int send(LeadVoiceNoteResource resource, String body) {
    try {
      Response r =
          resource.voiceNote(
              new Operator("ops"),
              "L-v",
              "application/json",
              null,
              null,
              null,
              null,
              null,
              body.getBytes(StandardCharsets.UTF_8));
      return r.getStatus();
    } catch (ApiException e) {
      return e.status();
    }
  }
}
