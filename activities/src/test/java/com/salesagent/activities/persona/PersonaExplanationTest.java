package com.salesagent.activities.persona;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * "Why is this lead in this segment": each persona attribute with its source and the evidence
 * quoted (enrolment field, research sentence, reply), and the facets of the operator's segment the
 * persona met; no phone number quoted.
 */
class PersonaExplanationTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  @Test
  void aQuoteOfEmojiIsNeverCutInsideOne() {
    String quote = PersonaExplanation.cut("a" + "🎉".repeat(300));

    assertThat(quote.codePoints().noneMatch(c -> c >= 0xD800 && c <= 0xDFFF)).isTrue();
    assertThat(quote).isEqualTo("a" + "🎉".repeat(159));
  }

  @Test
  void everyAttributeHasItsEvidenceAndTheSegmentItsMatchedFacets() {
    var db = MONGO.database();
    Instant at = Instant.parse("2026-11-25T12:00:00Z");
    ObjectId chunk = new ObjectId();
    db.getCollection(Collections.RESEARCH_RESULTS)
        .insertOne(
            new Document("_id", chunk)
                .append("leadId", "X-1")
                .append("text", "Their platform is struggling to scale as traffic triples."));
    db.getCollection(Collections.FEEDBACK)
        .insertOne(
            new Document("leadId", "X-1")
                .append("messageId", "wamid.in-1")
                .append("text", "Not now, <b>budget</b> reviews first."));
    db.getCollection(Collections.SEGMENTS)
        .insertOne(
            new Document("segmentId", "vp-scaling")
                .append("order", 1)
                .append(
                    "query",
                    new Document("seniority", List.of("vp"))
                        .append("topic", List.of("scaling_challenges", "hiring"))));
    Document persona =
        new Document("leadId", "X-1")
            .append("seniority", "vp")
            .append("topics", List.of("scaling_challenges"))
            .append(
                "evidence",
                new Document("seniority", Evidence.of("vp", Evidence.ENROLMENT, "jobTitle", at))
                    .append("country", Evidence.of("BR", Evidence.PHONE, "phone", at))
                    .append(
                        "topics",
                        List.of(
                            Evidence.of(
                                    "scaling_challenges",
                                    Evidence.RESEARCH,
                                    chunk.toHexString(),
                                    at)
                                .append("label", "scaling challenges")))
                    .append(
                        "intents",
                        List.of(Evidence.of("not_now", Evidence.REPLY, "wamid.in-1", at))));
    Document contact =
        new Document("leadId", "X-1")
            .append("jobTitle", "VP of Engineering")
            .append("phone", "+5511998765432")
            .append("segment", "vp-scaling");

    PersonaExplanation.Explanation why = new PersonaExplanation(db).explain(persona, contact);

    assertThat(why.attributes())
        .extracting(
            PersonaExplanation.Attribute::attribute,
            PersonaExplanation.Attribute::source,
            PersonaExplanation.Attribute::quote)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("seniority", "enrolment", "VP of Engineering"),
            org.assertj.core.groups.Tuple.tuple("country", "phone", null),
            org.assertj.core.groups.Tuple.tuple(
                "topics", "research", "Their platform is struggling to scale as traffic triples."),
            org.assertj.core.groups.Tuple.tuple(
                "intents", "reply", "Not now, budget reviews first."));
    assertThat(why.attributes().get(2).value())
        .isEqualTo("scaling_challenges (scaling challenges)");
    assertThat(why.toString()).doesNotContain("998765432");
    assertThat(why.segment().segment()).isEqualTo("vp-scaling");
    assertThat(why.segment().operatorSegment()).isTrue();
    assertThat(why.segment().matched())
        .isEqualTo(Map.of("seniority", "vp", "topic", List.of("scaling_challenges")));
  }

  @Test
  void aLeadNoSegmentMatchesIsExplainedByItsCompanySize() {
    Document persona = new Document("leadId", "X-2").append("segment", "smb");
    PersonaExplanation.Explanation why =
        new PersonaExplanation(MONGO.database())
            .explain(persona, new Document("leadId", "X-2").append("companySize", "11-50"));

    assertThat(why.attributes()).isEmpty();
    assertThat(why.segment().segment()).isEqualTo("smb");
    assertThat(why.segment().operatorSegment()).isFalse();
    assertThat(why.segment().matched()).containsEntry("companySize", "11-50");
    assertThat(new PersonaExplanation(MONGO.database()).explain(null, null)).isNull();
  }
}
