package com.salesagent.api.dashboard;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.net.URI;

/** {@code /dashboard} without the slash: the page's relative asset links need it. */
@Path("/dashboard")
public class DashboardPage {
  @GET
  public Response redirect() {
    return Response.seeOther(URI.create("/dashboard/")).build();
  }
}
