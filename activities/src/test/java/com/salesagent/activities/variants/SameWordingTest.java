package com.salesagent.activities.variants;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * Which replacement is a new wording ({@link VariantWordings#WORDING_FIELDS}): a seeded variant (no
 * translations, no modality, no header) replaced by the API's document of the same text (an empty
 * translations set, modality text, a null header) says the same; a changed body, angle or offer
 * does not; the traffic (enabled, weight, segments) is no wording.
 */
class SameWordingTest {
  private static Document seeded() {
    return new Document("variantId", "v")
        .append("angle", "cost")
        .append("enabled", true)
        .append(
            "templates",
            new Document("first_contact", new Document("name", "intro").append("body", "Hi")));
  }

  private static Document replacement(String body) {
    return new Document("variantId", "v")
        .append("angle", "cost")
        .append("enabled", false)
        .append("weight", 3.0)
        .append("segments", List.of("smb"))
        .append(
            "templates",
            new Document(
                "first_contact",
                new Document("name", "intro").append("body", body).append("header", null)))
        .append("translations", new Document())
        .append("modality", "text");
  }

  @Test
  void theSameTextInAnotherShapeIsTheSameWordingAndTrafficIsNone() {
    assertThat(VariantWordings.sameWording(seeded(), replacement("Hi"))).isTrue();
  }

  @Test
  void aChangedBodyAngleOfferOrModalityIsANewWording() {
    assertThat(VariantWordings.sameWording(seeded(), replacement("Hello"))).isFalse();
    assertThat(VariantWordings.sameWording(seeded(), replacement("Hi").append("angle", "speed")))
        .isFalse();
    assertThat(VariantWordings.sameWording(seeded(), replacement("Hi").append("offer", "10 % off")))
        .isFalse();
    assertThat(
            VariantWordings.sameWording(
                seeded(), replacement("Hi").append("modality", "voice_note")))
        .isFalse();
  }
}
