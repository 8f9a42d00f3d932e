package com.salesagent.api.http;

import com.salesagent.activities.variants.Reward;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * An agent configuration whose {@code reward} the system does not know (edited in MongoDB after
 * start-up, which refuses one) is a 409 naming the field and the configuration, for the routes that
 * read it (the variants report, the arm guard's check): the request was fine, the stored
 * configuration is not.
 */
@Provider
public class InvalidRewardMapper implements ExceptionMapper<Reward.Invalid> {
  @Override
  public Response toResponse(Reward.Invalid e) {
    ApiException answer =
        new ApiException(
                409,
                "agent_configurations \"" + e.configId() + "\" is invalid: fix it in MongoDB",
                new FieldError(Reward.FIELD, e.problem()))
            .with("configId", e.configId());
    return Response.status(409).type(MediaType.APPLICATION_JSON_TYPE).entity(answer.body()).build();
  }
}
