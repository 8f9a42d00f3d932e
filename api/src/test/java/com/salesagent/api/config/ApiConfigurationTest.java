package com.salesagent.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.jersey.validation.Validators;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiConfigurationTest {
  private final Validator validator = Validators.newValidator();

  private List<String> messages(ApiConfiguration c) {
    return validator.validate(c).stream().map(ConstraintViolation::getMessage).toList();
  }

  private static ApiConfiguration embedded(String whatsappUrl, String mongoUri) {
    ApiConfiguration c = new ApiConfiguration();
    c.getEmbedded().setEnabled(true);
    c.getWhatsapp().setApiBaseUrl(whatsappUrl);
    c.getMongodb().setUri(mongoUri);
    return c;
  }

  @Test
  void aRealCloudApiOnTheInMemoryMongoDbIsRefusedNamingBothVariables() {
    // The faults QA walk: the jar killed and started again on the same DATA_DIR forgot every STOP,
    // and a number that had opted out got a first message again from the Cloud API it named.
    assertThat(messages(embedded("https://graph.facebook.com", "embedded")))
        .anySatisfy(
            m ->
                assertThat(m)
                    .contains("WHATSAPP_API_BASE_URL")
                    .contains("MONGODB_URI")
                    .contains("opt-outs"));
  }

  @Test
  void theEmulatorOrAMongoDbThatKeepsItsStateIsFine() {
    assertThat(messages(embedded("emulator", "embedded")))
        .noneMatch(m -> m.contains("WHATSAPP_API_BASE_URL names a Cloud API"));
    assertThat(
            messages(embedded("https://graph.facebook.com", "mongodb://db:27017/?replicaSet=rs0")))
        .noneMatch(m -> m.contains("WHATSAPP_API_BASE_URL names a Cloud API"));
    ApiConfiguration server = embedded("https://graph.facebook.com", "embedded");
    server.getEmbedded().setEnabled(false);
    assertThat(messages(server))
        .noneMatch(m -> m.contains("WHATSAPP_API_BASE_URL names a Cloud API"));
  }
}
