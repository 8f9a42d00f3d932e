package com.salesagent.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.salesagent.api.leads.LeadRequest;
import com.salesagent.api.variants.VariantResource;
import org.junit.jupiter.api.Test;

/**
 * Request bodies are read strictly: a scalar of another JSON type than the field's is refused
 * naming the field. Before, a number or a yes/no given for text was written as text ("12345",
 * "true") and sent to a person ("Hi 12345, ... companies like true"), and "5" or "false" were read
 * as a weight and a switch.
 */
class RequestJsonTest {
  private final ObjectMapper strict = RequestJson.strict(new ObjectMapper());

  @Test
  void aNumberOrAYesNoForTextIsRefusedNamingTheField() {
    for (String[] c :
        new String[][] {
          {"{\"leadId\":\"L-1\",\"name\":12345}", "name"},
          {"{\"leadId\":\"L-1\",\"company\":true}", "company"},
          {"{\"leadId\":\"L-1\",\"phone\":14155550198}", "phone"},
          {"{\"leadId\":\"L-1\",\"notes\":1.5}", "notes"},
          {"{\"leadId\":\"L-1\",\"consent\":{\"whatsappOptIn\":\"true\"}}", "whatsappOptIn"},
        }) {
      assertThatThrownBy(() -> strict.readValue(c[0], LeadRequest.class))
          .as(c[0])
          .isInstanceOf(MismatchedInputException.class)
          .satisfies(
              e ->
                  assertThat(FieldError.ofJson((MismatchedInputException) e).field())
                      .endsWith(c[1]));
    }
  }

  @Test
  void textForANumberOrAYesNoIsRefused() {
    assertThatThrownBy(
            () ->
                strict.readValue(
                    "{\"variantId\":\"v-x\",\"weight\":\"5\"}",
                    VariantResource.VariantRequest.class))
        .isInstanceOf(MismatchedInputException.class);
    assertThatThrownBy(
            () ->
                strict.readValue(
                    "{\"variantId\":\"v-x\",\"enabled\":\"false\"}",
                    VariantResource.VariantRequest.class))
        .isInstanceOf(MismatchedInputException.class);
  }

  @Test
  void aCompanySizeMayBeACountAsTextOrNumberButNothingElse() throws Exception {
    assertThat(strict.readValue("{\"companySize\":40}", LeadRequest.class).companySize())
        .isEqualTo("40");
    assertThat(strict.readValue("{\"companySize\":\"11-50\"}", LeadRequest.class).companySize())
        .isEqualTo("11-50");
    assertThatThrownBy(() -> strict.readValue("{\"companySize\":true}", LeadRequest.class))
        .isInstanceOf(MismatchedInputException.class);
    assertThat(strict.readValue("{\"name\":\"Ana\"}", LeadRequest.class).name()).isEqualTo("Ana");
  }

  /**
   * One body is one JSON value: what follows it (a second object pasted after the first, or the
   * tail of a broken edit) is refused naming the body. Before, the raw-body routes read the first
   * object and dropped the rest unseen: two leads concatenated enrolled one and answered 202, and
   * {@code POST /api/subject-access/erasure} erased on a body ending in garbage.
   */
  @Test
  void anythingAfterTheBodysValueIsRefusedNamingTheBody() throws Exception {
    for (String body :
        new String[] {
          "{\"leadId\":\"L-1\",\"name\":\"Ana\"}{\"leadId\":\"L-2\",\"name\":\"Bia\"}",
          "{\"leadId\":\"L-1\",\"name\":\"Ana\"} xyz",
          "{\"leadId\":\"L-1\",\"name\":\"Ana\"}]",
          "{\"leadId\":\"L-1\",\"name\":\"Ana\"} 1",
        }) {
      assertThatThrownBy(() -> strict.readValue(body, LeadRequest.class))
          .as(body)
          .satisfies(
              e ->
                  assertThat(FieldError.ofJson((java.io.IOException) e))
                      .as(body)
                      .extracting(FieldError::field)
                      .isEqualTo("body"));
      assertThatThrownBy(() -> strict.readValue(body.getBytes(), LeadRequest.class)).as(body);
    }
    assertThatThrownBy(
            () -> strict.readValue("{\"name\":\"Ana\"}{\"name\":\"Bia\"}", LeadRequest.class))
        .satisfies(
            e ->
                assertThat(FieldError.ofJson((java.io.IOException) e).message())
                    .isEqualTo("one JSON value, with nothing after it"));
    // Whitespace and line breaks after the value are still one value (curl -d @file adds one).
    assertThat(strict.readValue("{\"name\":\"Ana\"}\r\n \n", LeadRequest.class).name())
        .isEqualTo("Ana");
  }
}
