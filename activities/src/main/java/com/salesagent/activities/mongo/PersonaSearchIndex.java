package com.salesagent.activities.mongo;

import com.salesagent.activities.persona.PersonaFields;
import org.bson.Document;

/**
 * The Atlas Search index over the personas, for the faceted search on Atlas: every facet and filter
 * a {@code token} field (filtered with {@code in}/{@code equals}, counted by the {@code facet}
 * collector), the search text a {@code string} (the {@code phrase} operator), replied a {@code
 * boolean}. Created at start-up where the server has search indexes, like the vector index.
 */
public final class PersonaSearchIndex {
  public static final String NAME = "personas_facets";

  private PersonaSearchIndex() {}

  public static Document definition() {
    Document fields = new Document();
    fields.append("leadId", new Document("type", "token"));
    fields.append("campaignId", new Document("type", "token"));
    for (String field : PersonaFields.FACETS.values()) {
      fields.append(field, new Document("type", "token"));
    }
    fields.append("searchText", new Document("type", "string"));
    fields.append("replied", new Document("type", "boolean"));
    return new Document("mappings", new Document("dynamic", false).append("fields", fields));
  }
}
