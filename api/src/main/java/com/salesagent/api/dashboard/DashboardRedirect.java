package com.salesagent.api.dashboard;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code /dashboard} without the slash: the page's relative asset links need it. A servlet mapped
 * to the exact path, because the asset servlet's {@code /dashboard/*} mapping also matches {@code
 * /dashboard} and would serve the page there with broken links (an exact mapping wins over a
 * prefix); a Jersey resource never sees the request.
 */
public class DashboardRedirect extends HttpServlet {
  public static final String PATH = "/dashboard";

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response) {
    response.setStatus(HttpServletResponse.SC_SEE_OTHER);
    response.setHeader("Location", PATH + "/");
    response.setHeader("Cache-Control", "no-store");
  }

  @Override
  protected void doHead(HttpServletRequest request, HttpServletResponse response) {
    doGet(request, response);
  }
}
