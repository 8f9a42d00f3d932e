package com.salesagent.activities.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The offline image card: a PNG of fixed size, the same bytes for the same words. */
class CardRendererTest {
  private static final CardRenderer.Card CARD =
      new CardRenderer.Card(
          "Acme Retail", "they are opening three new stores next year", "cost savings");

  @Test
  void theSameCardIsTheSamePngEveryTime() throws IOException {
    byte[] first = CardRenderer.render(CARD);
    byte[] second = CardRenderer.render(CARD);

    assertThat(second).isEqualTo(first);
    assertThat(InboundMediaActivitiesImpl.sha256(second))
        .isEqualTo(InboundMediaActivitiesImpl.sha256(first));
    assertThat(MediaTypes.sniff(first)).isEqualTo("image/png");
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(first));
    assertThat(image.getWidth()).isEqualTo(1200);
    assertThat(image.getHeight()).isEqualTo(628);
    assertThat(first.length).isLessThan(5 * 1024 * 1024);
  }

  @Test
  void anotherCompanyOrFactIsAnotherCard() {
    assertThat(CardRenderer.render(new CardRenderer.Card("Globex", CARD.fact(), CARD.offer())))
        .isNotEqualTo(CardRenderer.render(CARD));
    assertThat(CardRenderer.render(new CardRenderer.Card(CARD.company(), "hiring", CARD.offer())))
        .isNotEqualTo(CardRenderer.render(CARD));
  }

  @Test
  void missingOrOverlongWordsStillDrawACard() throws IOException {
    byte[] empty = CardRenderer.render(new CardRenderer.Card(null, null, null));
    byte[] long_ =
        CardRenderer.render(
            new CardRenderer.Card("A".repeat(500), "word ".repeat(2_000), "x".repeat(300)));
    assertThat(ImageIO.read(new ByteArrayInputStream(empty)).getWidth()).isEqualTo(1200);
    assertThat(ImageIO.read(new ByteArrayInputStream(long_)).getHeight()).isEqualTo(628);
  }
}
