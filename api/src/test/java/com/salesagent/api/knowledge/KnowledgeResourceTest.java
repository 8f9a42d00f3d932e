package com.salesagent.api.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.knowledge.KnowledgeBase;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.http.ResourceTests;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Response;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code PUT /api/knowledge/{entryId}} alone: the caps of an entry's title, text and keywords count
 * characters as a person sees them (code points, {@code ReadableText.length}), not Java's UTF-16
 * chars.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class KnowledgeResourceTest {
  static final MongoServer MONGO = new MongoServer(new MemoryBackend());
  static final InetSocketAddress ADDRESS = MONGO.bind();
  static final MongoClient CLIENT =
      MongoClients.create("mongodb://" + ADDRESS.getHostString() + ":" + ADDRESS.getPort());
  static final MongoDatabase DB = CLIENT.getDatabase("knowledge-test");

  static final ResourceExtension RESOURCES =
      ResourceTests.api()
          .addProvider(new AuthValueFactoryProvider.Binder<>(Operator.class))
          .addProvider(ResourceTests.asOperator("ops"))
          .addResource(new KnowledgeResource(DB, Clock.systemUTC()))
          .build();

  @AfterAll
  static void close() {
    CLIENT.close();
    MONGO.shutdown();
  }

  private static Response put(String entryId, Map<String, Object> body) {
    return RESOURCES.target("/api/knowledge/" + entryId).request().put(Entity.json(body));
  }

  private static Document stored(String entryId) {
    return new KnowledgeBase(DB).collection().find(Filters.eq("_id", entryId)).first();
  }

  /**
   * Exactly the cap in emoji (non-BMP, two UTF-16 chars each) is taken and stored whole, for the
   * title ({@value KnowledgeBase#MAX_TITLE}), the text ({@value KnowledgeBase#MAX_TEXT}) and a
   * keyword ({@value KnowledgeBase#MAX_KEYWORD}); one more is 422 naming the field, nothing stored.
   */
  @Test
  void anEntrysCapsCountCodePoints() {
    String emoji = new String(Character.toChars(0x1F600));
    String title = emoji.repeat(KnowledgeBase.MAX_TITLE);
    String text = emoji.repeat(KnowledgeBase.MAX_TEXT);
    String keyword = emoji.repeat(KnowledgeBase.MAX_KEYWORD);
    Response taken =
        put(
            "emoji-at-cap",
            Map.of("kind", "faq", "title", title, "text", text, "keywords", List.of(keyword)));
    assertThat(taken.getStatus()).as(taken.readEntity(String.class)).isEqualTo(201);
    Document entry = stored("emoji-at-cap");
    assertThat(entry.getString("title")).isEqualTo(title);
    assertThat(entry.getString("text")).isEqualTo(text);
    assertThat(entry.getList("keywords", String.class)).containsExactly(keyword);

    String more = "\uD840\uDC00"; // one more code point, a CJK extension B letter
    for (String field : List.of("title", "text", "keywords")) {
      Map<String, Object> body =
          new java.util.HashMap<>(
              Map.of("kind", "faq", "title", title, "text", text, "keywords", List.of(keyword)));
      if (field.equals("keywords")) {
        body.put("keywords", List.of(keyword + more));
      } else {
        body.put(field, body.get(field) + more);
      }
      Response past = put("emoji-past-" + field, body);
      assertThat(past.getStatus()).as(field).isEqualTo(422);
      assertThat(past.readEntity(String.class)).contains("\"field\":\"" + field + "\"");
      assertThat(stored("emoji-past-" + field)).as(field).isNull();
    }
  }
}
