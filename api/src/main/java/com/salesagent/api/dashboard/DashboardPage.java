package com.salesagent.api.dashboard;

import com.salesagent.api.auth.PublicEndpoint;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.net.URI;

/** {@code /dashboard} without the slash: the page's relative asset links need it. */
@Path("/dashboard")
@PublicEndpoint("a redirect to the static page, which asks for the token itself")
public class DashboardPage {
  @GET
  public Response redirect() {
    return Response.seeOther(URI.create("/dashboard/")).build();
  }
}
