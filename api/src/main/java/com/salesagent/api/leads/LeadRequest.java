package com.salesagent.api.leads;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;

/** {@code POST /api/leads} and one row of an import. Validated by {@link LeadValidator}. */
@JsonIgnoreProperties(ignoreUnknown = false)
public record LeadRequest(
    String leadId,
    String name,
    String phone,
    String company,
    String jobTitle,
    String industry,
    @JsonDeserialize(using = LeadRequest.CountOrText.class) String companySize,
    String timezone,
    String locale,
    String notes,
    String website,
    String researchText,
    String campaignId,
    Consent consent) {

  public record Consent(Boolean whatsappOptIn, String source, String at) {}

  /**
   * {@code companySize}: a count of employees may come as a JSON number ({@code 40}) as well as
   * text ({@code "1,200"}, {@code "11-50"}); any other type is refused as for every text field.
   */
  public static final class CountOrText extends StdDeserializer<String> {
    public CountOrText() {
      super(String.class);
    }

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      JsonToken t = p.currentToken();
      if (t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_INT) {
        return p.getText();
      }
      return (String) ctxt.handleUnexpectedToken(String.class, p);
    }
  }
}
